"""Rules: one per module a change touches, one file each (``changes/<n>.md``: YAML front matter,
then the rule in prose), written by planning and read back after a person's review."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from simcoder.agents.spec import ChangeError, RuleExample, expand_columns
from simcoder.simulator.registry import ModuleKind

RULES_DIR = "changes"


class Rule(BaseModel):
    """``changes/<number>.md``: what one change means for one module."""

    model_config = ConfigDict(extra="forbid")

    number: int = Field(gt=0)
    change: int = Field(gt=0, description="which of the spec's changes (1-based)")
    text: str
    module: ModuleKind
    columns: list[str]  # as declared (names or groups)
    component: dict[str, Any] | None = None  # {name, params...}
    examples_by: Literal["user", "planner", "component (oracle)", "none"] = "none"
    examples: list[RuleExample] = Field(default_factory=list)
    # how many examples state a number SCALE-Sim 3.0.0 does not give (computed at planning and
    # after a review): only those count as evidence that the module makes the change
    distinguishing: int = Field(default=0, ge=0)
    rule: str = Field(min_length=1)

    @field_validator("columns")
    @classmethod
    def _columns(cls, v: list[str]) -> list[str]:
        expand_columns(v)
        return v

    @property
    def moved(self) -> tuple[str, ...]:
        return expand_columns(self.columns)

    @property
    def filename(self) -> str:
        return f"{self.number}.md"

    def markdown(self) -> str:
        head = self.model_dump(mode="json", exclude={"rule", "number"})
        examples = head.pop("examples")
        head["examples"] = [_compact_example(e) for e in examples]
        return (
            f"---\n{yaml.safe_dump(head, sort_keys=False, width=100)}---\n"
            f"# Rule {self.number}: {self.module}\n\n{self.rule.strip()}\n"
        )


def _compact_example(e: dict[str, Any]) -> dict[str, Any]:
    e = dict(e)
    e["layer"] = {k: v for k, v in e["layer"].items() if v is not None}
    return e


FRONT = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)
HEADING = re.compile(r"\A\s*# Rule [^\n]*\n")


def parse_rule(path: Path) -> Rule:
    """A rule file read back (a person may have edited it); errors name the file and field."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise ChangeError(f"{path}: cannot read the rule file ({exc.strerror})") from None
    m = FRONT.match(text)
    if m is None:
        raise ChangeError(
            f"{path}: a rule file starts with a '---' YAML block (module, columns, examples) "
            "and a closing '---' line, then the rule"
        )
    try:
        head = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise ChangeError(f"{path}: the YAML block is not valid YAML ({exc})") from None
    if not isinstance(head, dict):
        raise ChangeError(f"{path}: the YAML block must be a mapping of fields")
    number = re.match(r"(\d+)", path.stem)
    body = HEADING.sub("", m.group(2)).strip()
    try:
        return Rule.model_validate(
            {**head, "number": int(number.group(1)) if number else 0, "rule": body}
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        msg = first["msg"].removeprefix("Value error, ")
        raise ChangeError(f"{path}: field {where}: {msg}") from None


def write_rules(run_dir: Path, rules: Sequence[Rule]) -> list[Path]:
    folder = run_dir / RULES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for r in rules:
        p = folder / r.filename
        p.write_text(r.markdown())
        paths.append(p)
    return paths


def read_rules(run_dir: Path) -> list[Rule]:
    folder = run_dir / RULES_DIR
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.md"), key=lambda p: (len(p.stem), p.stem))
    return [parse_rule(p) for p in files]
