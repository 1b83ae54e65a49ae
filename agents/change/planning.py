"""The planner's work: a description into a spec (every sentence placed or kept as a change),
and every change into one rule per module it touches (``changes/<n>.md``).

A model answers in a ```json block (any OpenAI-compatible endpoint can, tool calls or not);
answers that do not validate are re-asked with the error, at most ``REASKS`` times."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simcoder.agents.change.components import component_of
from simcoder.agents.change.examples import component_examples, distinguishing, example_config
from simcoder.agents.change.rules import Rule
from simcoder.agents.models import ChatModel, ModelFor
from simcoder.agents.spec import (
    COLUMNS_HELP,
    MODULES,
    AcceleratorSpec,
    Change,
    ChangeError,
    RuleExample,
    expand_columns,
)
from simcoder.simulator.errors import UserError
from simcoder.simulator.registry import ModuleKind
from simcoder.simulator.report import GROUPS

REASKS = 2
SPEC_FIELDS = tuple(f for f in AcceleratorSpec.model_fields if f not in ("changes", "name"))


class PlannerError(UserError):
    """The planner could not turn the description into a spec; says what to change."""


def sentences(text: str) -> list[str]:
    """The description's sentences (a full stop, question or exclamation mark and a space end
    one; so does a blank line). Decimal points and "e.g." stay inside."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])|\n\s*\n", text.strip())
    return [p.strip() for p in parts if p and p.strip()]


class Placement(BaseModel):
    model_config = ConfigDict(extra="ignore")

    sentence: int = Field(gt=0)
    fields: list[str] = Field(default_factory=list)  # spec fields it sets
    change: bool = False  # it says how the design differs from SCALE-Sim
    module: ModuleKind | None = None


class PlannedSpec(BaseModel):
    model_config = ConfigDict(extra="ignore")

    spec: dict[str, Any]
    placements: list[Placement] = Field(default_factory=list)


class RulePart(BaseModel):
    model_config = ConfigDict(extra="ignore")

    module: ModuleKind
    columns: list[str] = Field(min_length=1)
    rule: str = Field(min_length=1)
    examples: list[RuleExample] = Field(min_length=2)


class RuleDraft(BaseModel):
    model_config = ConfigDict(extra="ignore")

    parts: list[RulePart] = Field(min_length=1)


JSON_BLOCK = re.compile(r"```(?:json)?\s*\n(.*?)```", re.S)


def _ask(model: ChatModel, prompt: str, schema: type[BaseModel], what: str) -> tuple[Any, int]:
    """(the validated answer, model calls used)."""
    messages: list[tuple[str, str]] = [("human", prompt)]
    problem = ""
    for calls in range(1, REASKS + 2):
        reply = model.invoke(messages)
        text = reply.content if isinstance(reply.content, str) else str(reply.content)
        blocks = JSON_BLOCK.findall(text)
        raw = blocks[-1] if blocks else text
        try:
            return schema.model_validate(json.loads(raw)), calls
        except json.JSONDecodeError as exc:
            problem = f"the reply holds no JSON object ({exc.msg} at line {exc.lineno})"
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            problem = f"field {where}: {first['msg']}"
        messages = [
            *messages,
            ("ai", text),
            (
                "human",
                f"That answer cannot be used: {problem}. Answer again with one ```json block.",
            ),
        ]
    raise PlannerError(f"the planner's model gave no usable {what} ({problem})")


def _field_help() -> str:
    out = []
    for name in SPEC_FIELDS:
        f = AcceleratorSpec.model_fields[name]
        out.append(f"- {name}: {f.description or f.annotation}")
    return "\n".join(out)


def plan_description(
    model: ChatModel, description: str
) -> tuple[AcceleratorSpec, list[dict[str, Any]], int]:
    """(the spec, where each sentence went, model calls). A sentence the model places nowhere,
    or marks as a change, becomes a change: nothing the user wrote is dropped."""
    said = sentences(description)
    numbered = "\n".join(f"{i}. {s}" for i, s in enumerate(said, 1))
    prompt = (
        "You plan a cycle-accurate simulator of a systolic-array DNN accelerator. Its baseline "
        "is SCALE-Sim 3.0.0, set by these fields:\n"
        f"{_field_help()}\n\nThe user's description, sentence by sentence:\n{numbered}\n\n"
        'Answer with one ```json block: {"spec": {field: value, ...} (use only what the '
        'description states; name is a short name), "placements": [{"sentence": n, '
        '"fields": [fields it sets]} or {"sentence": n, "change": true, "module": '
        '"mapping|interconnect|storage"} for a sentence that says how this accelerator '
        "differs from SCALE-Sim and sets none of the fields]}."
    )
    planned, calls = _ask(model, prompt, PlannedSpec, "spec")
    fields = {k: v for k, v in planned.spec.items() if k in SPEC_FIELDS or k == "name"}
    fields.setdefault("name", "accelerator")
    placed = {p.sentence: p for p in planned.placements if 0 < p.sentence <= len(said)}
    changes: list[Change] = []
    where: list[dict[str, Any]] = []
    for i, text in enumerate(said, 1):
        p = placed.get(i)
        set_fields = [f for f in (p.fields if p else []) if f in fields]
        if p is not None and set_fields and not p.change:
            where.append({"sentence": i, "text": text, "went": "spec", "fields": set_fields})
            continue
        changes.append(Change(text=text, module=p.module if p else None))
        reason = "a change" if p is not None and p.change else "no spec field (kept as a change)"
        where.append({"sentence": i, "text": text, "went": f"change {len(changes)}", "why": reason})
    try:
        spec = AcceleratorSpec.model_validate({**fields, "changes": changes})
    except ValidationError as exc:
        first = exc.errors()[0]
        where_ = ".".join(str(x) for x in first["loc"])
        raise PlannerError(
            f"the planner's spec is invalid: field {where_}: {first['msg']}; say it in the "
            "description, or give --spec FILE (see examples/)"
        ) from None
    return spec, where, calls


RULE_PROMPT = """You write the rule of one change to SCALE-Sim 3.0.0 for a simulator's coders, in \
the style of the module specifications: what differs, as formulas and steps, precise enough that \
two engineers would write the same code.

The accelerator: {accelerator}.
The change, in the user's words: "{text}"{module_hint}

The modules: mapping (layer -> folds, mapping efficiency), interconnect (folds -> per-cycle SRAM \
demand streams, fold lengths, compute utilisation, SRAM read/write counts), storage (demand -> \
stalls, total cycles, DRAM traffic and its start/stop cycles).
Report columns: {columns}; groups: {groups}.

Answer with one ```json block: {{"parts": [{{"module": ..., "columns": [the report columns \
this rule may move; every other column must stay SCALE-Sim's], "rule": "the rule, markdown", \
"examples": [at least two worked examples on small layers: {{"name": ..., "layer": {{"ifmap_h", \
"ifmap_w", "filter_h", "filter_w", "channels", "num_filters", "stride"}} or {{"m", "n", "k"}}, \
"config": {{"array_rows": 4, "array_cols": 4, ...}}, "expected": {{column: the number the rule \
implies}}, "why": "the arithmetic"}}]}}]}}. A change that touches two modules is two parts, one \
rule per module."""


def draft_rules(
    model: ChatModel, spec: AcceleratorSpec, change: Change
) -> tuple[list[RulePart], int]:
    accelerator = (
        f"{spec.array_rows}x{spec.array_cols} {spec.dataflow.upper()} array, SRAMs "
        f"{spec.ifmap_sram_kib}/{spec.filter_sram_kib}/{spec.ofmap_sram_kib} kB, "
        f"{spec.bandwidth_mode} bandwidth"
    )
    hint = f"\nIt belongs to the {change.module} module." if change.module else ""
    if change.rule:
        hint += f"\nThe user's own rule (keep its meaning):\n{change.rule}"
    prompt = RULE_PROMPT.format(
        accelerator=accelerator,
        text=change.text,
        module_hint=hint,
        columns=COLUMNS_HELP,
        groups=", ".join(GROUPS),
    )
    draft, calls = _ask(model, prompt, RuleDraft, f"rule for '{change.text}'")
    for part in draft.parts:
        try:
            expand_columns(part.columns)
        except ValueError as exc:
            raise PlannerError(f"the planner's rule for '{change.text}': {exc}") from None
    return list(draft.parts), calls


def plan_rules(
    spec: AcceleratorSpec, model_for: ModelFor, planner_model: ChatModel | None
) -> tuple[list[Rule], int]:
    """One rule per module each change touches; ``model_for(module)`` is the coder's model
    (None: the library coder). Errors name the change and say what to give."""
    rules: list[Rule] = []
    calls = 0
    for i, change in enumerate(spec.changes, 1):
        where = f"changes[{i - 1}] ('{change.text}')"
        known = component_of(change, f"changes[{i - 1}]")
        if known is not None:
            comp, params = known
            if comp.calc_only and spec.bandwidth_mode != "CALC":
                raise ChangeError(
                    f"{where}.component: {comp.name} is defined for CALC bandwidth mode only; "
                    "set bandwidth_mode: CALC, or describe the change without component: and "
                    "give a model"
                )
            declared = change.columns or list(comp.columns)
            examples = change.examples or component_examples(
                spec, comp, params, expand_columns(declared)
            )
            rules.append(
                Rule(
                    number=len(rules) + 1,
                    change=i,
                    text=change.text,
                    module=comp.module,
                    columns=declared,
                    component={"name": comp.name, **params},
                    examples_by="user" if change.examples else "component (oracle)",
                    examples=examples,
                    rule=change.rule or comp.rule.format(**params),
                )
            )
            continue
        complete = change.module and change.rule and change.columns and change.examples
        if complete and len(change.examples or []) < 2:
            raise ChangeError(
                f"{where}.examples: a rule written in the spec needs at least two worked "
                "examples (layer, config, expected); add one, or drop rule: and let the "
                "planner's model write the rule"
            )
        if complete:
            parts = [
                RulePart(
                    module=change.module,  # type: ignore[arg-type]
                    columns=change.columns,  # type: ignore[arg-type]
                    rule=change.rule,  # type: ignore[arg-type]
                    examples=change.examples,  # type: ignore[arg-type]
                )
            ]
            by = "user"
        elif planner_model is not None:
            parts, used = draft_rules(planner_model, spec, change)
            calls += used
            by = "planner"
        else:
            raise ChangeError(
                f"{where}: nothing can write this change offline. Give component: (a known "
                "change; simcoder generate --list-components), or a model (--model: the "
                "planner writes the rule, the coders the module) to write its rule and module"
            )
        for part in parts:
            if model_for(part.module) is None:
                raise ChangeError(
                    f"{where}: the {part.module} module needs a model to be written (no known "
                    "component implements this change): give --model or --model-for "
                    f"{part.module}=MODEL, or component: (simcoder generate --list-components)"
                )
            rules.append(
                Rule(
                    number=len(rules) + 1,
                    change=i,
                    text=change.text,
                    module=part.module,
                    columns=part.columns,
                    component=None,
                    examples_by=by,  # type: ignore[arg-type]
                    examples=part.examples,
                    rule=part.rule,
                )
            )
    return [with_distinguishing(spec, r) for r in rules], calls


def with_distinguishing(spec: AcceleratorSpec, r: Rule, where: str = "") -> Rule:
    """The rule with its examples' configs checked and ``distinguishing`` counted."""
    where = where or f"changes[{r.change - 1}] ('{r.text}')"
    for j, ex in enumerate(r.examples):
        try:
            example_config(spec, ex)
        except (ValidationError, UserError, ValueError) as exc:
            msg = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            raise ChangeError(f"{where} example {j + 1}: config: {msg}") from None
    return r.model_copy(update={"distinguishing": distinguishing(spec, r.examples)})


def reviewed(spec: AcceleratorSpec, r: Rule, before: Rule | None, path: str) -> Rule:
    """A rule as a person left it at the review: its component checked; the component's
    examples recomputed when its parameters changed (the old ones were worked for others)."""
    if r.component is not None:
        change = Change.model_validate(
            {"text": r.text, "module": r.module, "component": r.component}
        )
        known = component_of(change, f"{path}: field")
        assert known is not None
        comp, params = known
        if comp.module != r.module:
            raise ChangeError(f"{path}: field module: {comp.name} changes {comp.module}")
        edited = before is None or before.component != {"name": comp.name, **params}
        if edited and r.examples_by == "component (oracle)":
            r = r.model_copy(
                update={
                    "component": {"name": comp.name, **params},
                    "examples": component_examples(spec, comp, params, r.moved),
                }
            )
    return with_distinguishing(spec, r, path)


def check_expected(spec: AcceleratorSpec) -> None:
    """Every ``expected`` row names a workload of the spec and one of its layers."""
    from simcoder.workloads.builtin import get_workload

    for i, change in enumerate(spec.changes):
        for j, row in enumerate(change.expected):
            where = f"changes[{i}].expected[{j}]"
            if row.workload not in spec.workloads:
                raise ChangeError(
                    f"{where}.workload: {row.workload!r} is not one of the spec's workloads "
                    f"({', '.join(spec.workloads)}); add it to workloads: or fix the name"
                )
            names = [x.name for x in get_workload(row.workload)]
            if row.layer not in names:
                raise ChangeError(
                    f"{where}.layer: {row.workload} has no layer {row.layer!r} (its layers: "
                    f"{', '.join(names[:6])}{', ...' if len(names) > 6 else ''})"
                )


def modules_to_write(spec: AcceleratorSpec, rules: Sequence[Rule]) -> list[str]:
    """The modules the coders write: those the spec names when it names them, else (with
    changes) only the changed ones; the rest stay the reference."""
    if not rules or "modules" in spec.model_fields_set:
        return [m for m in MODULES if m in spec.modules or any(r.module == m for r in rules)]
    return [m for m in MODULES if any(r.module == m for r in rules)]
