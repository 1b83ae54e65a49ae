"""Module coders: ``library`` (offline, deterministic, an oracle) and ``llm`` (any chat model).

A coder writes one file, ``attempts/<module>/<n>/module.py``, defining class ``Module``, plus a
record of how it was made (prompt, raw reply, model, endpoint, temperature).
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from simcoder.agents.prompts import CLASS_NAME, contract, module_spec, render
from simcoder.simulator.registry import METHOD, REFERENCE

if TYPE_CHECKING:
    from simcoder.agents.change.rules import Rule
    from simcoder.agents.models import ChatModel


@dataclass(frozen=True)
class Attempt:
    module: str
    number: int
    path: Path | None  # None when no usable code came back
    status: str  # written | no_code | syntax_error | bad_signature
    model_calls: int
    detail: str = ""
    oracle: bool = False
    tokens_in: int = 0  # as the endpoint reported them (0 when it reports none)
    tokens_out: int = 0


class Coder(Protocol):
    name: str

    def write(
        self,
        module: str,
        number: int,
        directory: Path,
        task: str,
        feedback: str,
        rules: Sequence[Rule] = (),
    ) -> Attempt: ...


class LibraryCoder:
    """Composes the verified components of the core. An oracle for what SCALE-Sim covers: its
    results say so wherever they appear."""

    name = "library"

    def __init__(self, exclude: frozenset[str] = frozenset()) -> None:
        self.exclude = exclude  # modules removed from the library (an eval task's target)

    def write(
        self,
        module: str,
        number: int,
        directory: Path,
        task: str,
        feedback: str,
        rules: Sequence[Rule] = (),
    ) -> Attempt:
        directory.mkdir(parents=True, exist_ok=True)
        mine = [r for r in rules if r.module == module]
        if mine:
            return self._compose(module, number, directory, mine)
        if module in self.exclude:
            detail = f"the task removes the {module} module from the library: nothing to compose"
            (directory / "attempt.json").write_text(
                json.dumps({"coder": "library", "status": "no_code", "detail": detail}, indent=2)
            )
            return Attempt(module, number, None, "no_code", 0, detail, oracle=True)
        target, attr = REFERENCE[module].split(":")
        code = (
            f'"""{module} module by the library coder (oracle: simcoder\'s verified '
            f'reference component)."""\n\nfrom {target} import {attr} as {CLASS_NAME}\n\n'
            f'__all__ = ["{CLASS_NAME}"]\n'
        )
        path = directory / "module.py"
        path.write_text(code)
        (directory / "attempt.json").write_text(
            json.dumps(
                {"coder": "library", "oracle": True, "component": REFERENCE[module]}, indent=2
            )
        )
        return Attempt(module, number, path, "written", 0, oracle=True)

    def _compose(self, module: str, number: int, directory: Path, rules: list[Rule]) -> Attempt:
        """A changed module: the known component its rule names, with its parameters."""
        from simcoder.agents.change.components import COMPONENTS

        named = [r.component for r in rules if r.component]
        if len(named) != len(rules) or len(named) > 1:
            detail = (
                f"the library coder composes one known component per module; {module}'s rules "
                f"({', '.join('changes/' + r.filename for r in rules)}) "
                + ("name several" if len(named) > 1 else "include one that names none")
                + ": give a model (--model-for "
                + module
                + "=MODEL)"
            )
            (directory / "attempt.json").write_text(
                json.dumps({"coder": "library", "status": "no_code", "detail": detail}, indent=2)
            )
            return Attempt(module, number, None, "no_code", 0, detail, oracle=True)
        ref = dict(named[0] or {})
        comp = COMPONENTS[ref.pop("name")]
        params = comp.resolve(ref)
        path = directory / "module.py"
        path.write_text(comp.code(params))
        (directory / "attempt.json").write_text(
            json.dumps(
                {
                    "coder": "library",
                    "oracle": True,
                    "component": comp.name,
                    "params": params,
                    "rules": [r.filename for r in rules],
                },
                indent=2,
            )
        )
        return Attempt(module, number, path, "written", 0, oracle=True)


def rules_text(rules: Sequence[Rule]) -> str:
    """The rules a coder must follow, as its prompt shows them."""
    if not rules:
        return ""
    out = [
        "## How this accelerator differs from SCALE-Sim 3.0.0",
        "Follow SPEC.md except where these rules say otherwise. Only the report columns each "
        "rule lists may change; every other column must stay exactly SCALE-Sim's.",
    ]
    for r in rules:
        out.append(f'\n### Rule {r.number} (the user\'s words: "{r.text}")\n{r.rule.strip()}')
        out.append(f"Columns it may move: {', '.join(r.columns)}")
        for ex in r.examples:
            shape = ex.layer.model_dump(exclude_none=True)
            out.append(
                f"- worked example {ex.name or ''}: layer {shape}, config {ex.config or 'the spec'}"
                f": {ex.expected}" + (f" ({ex.why})" if ex.why else "")
            )
    return "\n".join(out) + "\n"


CODE_BLOCK = re.compile(r"```(?:python|py)?\s*\n(.*?)```", re.S)


def extract_code(reply: str) -> str | None:
    blocks = CODE_BLOCK.findall(reply)
    return max(blocks, key=len) if blocks else None


def check_code(code: str, module: str) -> tuple[str, str]:
    """('written', '') or (a malformed status, why) — decided without running the code."""
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        return "syntax_error", f"line {exc.lineno}: {exc.msg}"
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == CLASS_NAME:
            methods = {n.name: n for n in node.body if isinstance(n, ast.FunctionDef)}
            m = methods.get(METHOD[module])
            if m is None:
                return "bad_signature", f"class {CLASS_NAME} has no method {METHOD[module]}()"
            if len(m.args.args) != (3 if module != "interconnect" else 2):
                return "bad_signature", f"{METHOD[module]}() takes the wrong arguments"
            return "written", ""
        if isinstance(node, ast.Assign | ast.ImportFrom) and CLASS_NAME in ast.unparse(node):
            return "written", ""
    return "bad_signature", f"no class {CLASS_NAME} is defined"


class LLMCoder:
    """Any LangChain chat model; prompts from template files; malformed replies are re-asked
    without running them."""

    name = "llm"

    def __init__(
        self,
        model: ChatModel,
        strategy: str = "zero-shot",
        max_reasks: int = 2,
        endpoint: str | None = None,
        exclude: tuple[str, ...] = (),
    ) -> None:
        self.model = model
        self.strategy = strategy
        self.max_reasks = max_reasks
        self.endpoint = endpoint
        self.exclude = exclude  # more folders of the core kept out of the in-context examples

    def prompt(
        self, module: str, task: str, feedback: str, rules: Sequence[Rule] = ()
    ) -> list[tuple[str, str]]:
        text = rules_text([r for r in rules if r.module == module])
        values = {
            "task": task + (f"\n\n{text}" if text else ""),
            "contract": contract(),
            "spec": module_spec(module),
            "module": module,
            "class_name": CLASS_NAME,
            "feedback": feedback and f"## Feedback on your earlier attempts\n{feedback}\n",
        }
        if "icl" in self.strategy:
            from simcoder.agents.retrieval import examples_for  # langchain-community: lazy

            query = f"{module} {METHOD[module]} {task}"
            values["examples"] = examples_for(module, query, exclude=self.exclude)
        system = render("system", class_name=CLASS_NAME, method=METHOD[module])
        return [("system", system), ("human", render(self.strategy, **values))]

    def write(
        self,
        module: str,
        number: int,
        directory: Path,
        task: str,
        feedback: str,
        rules: Sequence[Rule] = (),
    ) -> Attempt:
        directory.mkdir(parents=True, exist_ok=True)
        messages = self.prompt(module, task, feedback, rules)
        calls, status, detail, code = 0, "no_code", "", None
        tokens = [0, 0]
        transcript = []
        for _ in range(1 + self.max_reasks):
            reply = self.model.invoke(messages)
            calls += 1
            usage = getattr(reply, "usage_metadata", None) or {}
            tokens[0] += int(usage.get("input_tokens", 0))
            tokens[1] += int(usage.get("output_tokens", 0))
            text = reply.content if isinstance(reply.content, str) else str(reply.content)
            transcript.append(text)
            code = extract_code(text)
            if code is None:
                status, detail = "no_code", "the reply has no ```python code block"
            else:
                status, detail = check_code(code, module)
            if status == "written":
                break
            messages = [
                *messages,
                ("ai", text),
                (
                    "human",
                    f"That reply cannot be used: {detail}. Answer again with one "
                    f"```python block defining class {CLASS_NAME}.",
                ),
            ]
        record = {
            "coder": "llm",
            "strategy": self.strategy,
            "model": _model_name(self.model),
            "endpoint": self.endpoint,
            "temperature": getattr(self.model, "temperature", None),
            "seed": getattr(self.model, "seed", None),
            "prompt": [list(m) for m in self.prompt(module, task, feedback, rules)],
            "replies": transcript,
            "status": status,
            "detail": detail,
            "tokens": {"input": tokens[0], "output": tokens[1]},
        }
        (directory / "attempt.json").write_text(json.dumps(record, indent=2))
        if status != "written" or code is None:
            return Attempt(module, number, None, status, calls, detail, False, *tokens)
        path = directory / "module.py"
        path.write_text(code)
        return Attempt(module, number, path, status, calls, "", False, *tokens)


def _model_name(model: ChatModel) -> str:
    for attr in ("model_name", "model"):
        value = getattr(model, attr, None)
        if isinstance(value, str):
            return value
    return type(model).__name__
