"""The host's side of a changed accelerator: what the sandbox job carries for each changed
module, the workloads' expected numbers (SCALE-Sim's for every column no rule declares, the
user's where given), and the evidence kinds a verdict names."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from simcoder.agents.change.examples import example_config
from simcoder.agents.change.rules import Rule
from simcoder.agents.references import Reference
from simcoder.agents.spec import AcceleratorSpec
from simcoder.sandbox.job_spec import layer_json
from simcoder.simulator.compat.config_json import config_to_json
from simcoder.simulator.report import ALL_COLUMNS

UNCHANGED = "unchanged columns"
EXAMPLES = "rule examples"
USER = "user numbers"
VERSIONS = "independent versions"
INVARIANTS = "invariants"
DIFFERENTIAL = "SCALE-Sim reference"


def moved_by(rules: Sequence[Rule]) -> dict[str, set[str]]:
    """Per module, the columns its rules declare."""
    out: dict[str, set[str]] = {}
    for r in rules:
        out.setdefault(r.module, set()).update(r.moved)
    return out


def job_changes(spec: AcceleratorSpec, rules: Sequence[Rule]) -> dict[str, dict[str, Any]]:
    """Per changed module: the columns it may move and its rules' examples (layer, config,
    expected columns), as the sandbox job carries them."""
    out: dict[str, dict[str, Any]] = {}
    for r in rules:
        entry = out.setdefault(r.module, {"moved": [], "examples": []})
        entry["moved"] = sorted(set(entry["moved"]) | set(r.moved))
        for i, ex in enumerate(r.examples, 1):
            layer = ex.layer.layer()
            entry["examples"].append(
                {
                    "name": f"{r.number}.{i}" + (f" {ex.name}" if ex.name else ""),
                    "layer": layer_json(layer),
                    "config": config_to_json(example_config(spec, ex)),
                    "expected": dict(ex.expected),
                }
            )
    return out


def user_numbers(
    spec: AcceleratorSpec, rules: Sequence[Rule], table: dict[str, list[Any]] | None = None
) -> dict[str, dict[str, tuple[dict[str, float], dict[str, str]]]]:
    """workload -> layer name -> (the user's numbers, the module that answers for each): the
    changes' ``expected`` rows (owned by the rule of their change that declares the column)
    and a ``--reference`` file (per layer cycles or columns; owned by whichever module
    declares the column)."""
    from simcoder.simulator.errors import UserError
    from simcoder.workloads.builtin import get_workload

    out: dict[str, dict[str, tuple[dict[str, float], dict[str, str]]]] = {}
    for i, change in enumerate(spec.changes, 1):
        mine = [r for r in rules if r.change == i]
        for row in change.expected:
            cols, owners = out.setdefault(row.workload, {}).get(row.layer, ({}, {}))
            given = row.columns()
            # the owner of each column: the rule of this change that declares it (a change
            # split into two modules answers per column); else its first rule's module
            first = mine[0].module if mine else ""
            own = {c: next((r.module for r in mine if c in r.moved), first) for c in given}
            out[row.workload][row.layer] = ({**cols, **given}, {**owners, **own})
    for workload, layers in (table or {}).items():
        if workload not in spec.workloads:
            raise UserError(
                f"reference file: workload {workload!r} is not one of the spec's "
                f"({', '.join(spec.workloads)})"
            )
        names = [x.name for x in get_workload(workload)]
        if len(layers) != len(names):
            raise UserError(
                f"reference file: {workload} has {len(names)} layers, the file gives "
                f"{len(layers)} entries"
            )
        for name, value in zip(names, layers, strict=True):
            cols = {"total_cycles": float(value)} if not isinstance(value, dict) else value
            have, owners = out.setdefault(workload, {}).get(name, ({}, {}))
            out[workload][name] = ({**have, **{k: float(v) for k, v in cols.items()}}, owners)
    return out


def apply_changes(
    refs: dict[str, Reference],
    rules: Sequence[Rule],
    numbers: dict[str, dict[str, tuple[dict[str, float], dict[str, str]]]],
) -> dict[str, Reference]:
    """The references the changed accelerator must match: each layer's SCALE-Sim columns less
    every column a rule declares, plus the user's numbers where given; ``owners`` says which
    module answers for a column (a declared one, or one the user gave)."""
    moved = moved_by(rules)
    declared = {c: m for m, cols in moved.items() for c in cols}
    out = {}
    for name, ref in refs.items():
        base = ref.columns or tuple({"total_cycles": c} for _, c in ref.layers)
        given = numbers.get(name, {})
        columns, owners = [], []
        for (layer, _), cols in zip(ref.layers, base, strict=True):
            want: dict[str, int | float] = {k: v for k, v in cols.items() if k not in declared}
            own: dict[str, str] = {}
            user, owner = given.get(layer, ({}, {}))
            for k, v in user.items():
                want[k] = v
                own[k] = owner.get(k) or declared.get(k, "")
            columns.append(want)
            owners.append(own)
        source = ref.source + (
            f"; without the {len(declared)} column(s) the rules declare" if declared else ""
        )
        if given:
            source += "; the user's numbers for the rest"
        out[name] = dataclasses.replace(
            ref, source=source, columns=tuple(columns), owners=tuple(owners)
        )
    return out


def evidence_kinds(
    module: str,
    changed: bool,
    evidence: Any,
    rules: Sequence[Rule],
    user_compared: int,
) -> list[str]:
    """The kinds of evidence that held for ``module`` (its checks all passed)."""
    if not changed:
        return [DIFFERENTIAL]
    probes = evidence.probes if evidence is not None else {}
    kinds = []
    mine = [r for r in rules if r.module == module]
    declared = {c for r in mine for c in r.moved}
    if probes.get("unchanged") and len(declared) < len(ALL_COLUMNS):
        kinds.append(UNCHANGED)  # only when some column was left to compare
    if user_compared:
        kinds.append(USER)
    telling = [r for r in mine if r.distinguishing]
    if probes.get("example") and telling:  # examples SCALE-Sim would pass prove nothing
        by = sorted({r.examples_by for r in telling})
        kinds.append(f"{EXAMPLES} ({', '.join(by)})")
    if probes.get("version"):
        kinds.append(VERSIONS)
    if probes.get("invariant"):
        kinds.append(INVARIANTS)
    return kinds


def label(kinds: Sequence[str], rules: Sequence[Rule], module: str, oracle: bool = False) -> str:
    """How strongly a module is accepted, in words the report, the CLI and report.html use.
    ``oracle``: the library coder wrote it (a known component)."""
    if DIFFERENTIAL in kinds:
        return "verified against SCALE-Sim 3.0.0"
    mine = [r for r in rules if r.module == module]
    if USER in kinds:
        return "verified against your numbers"
    if any(k.startswith(EXAMPLES) and "user" in k for k in kinds):
        return "verified against your rule's worked examples"
    if oracle and mine and all(r.component for r in mine):
        return "oracle: a known component, checked against its own examples"
    if any(k.startswith(EXAMPLES) for k in kinds) or VERSIONS in kinds:
        return (
            "accepted on the planner's examples"
            + (" and two agreeing versions" if VERSIONS in kinds else "")
            + " — not verified against numbers you trust"
        )
    return "accepted on invariants alone — not verified"
