"""The host's side of a changed accelerator: what the sandbox job carries for each changed
module, the workloads' expected numbers (SCALE-Sim's for every column no rule declares, the
user's where given), and the evidence kinds a verdict names."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from simcoder.agents.changes import Rule, example_config
from simcoder.agents.references import ALL_COLUMNS, Reference
from simcoder.agents.spec import AcceleratorSpec
from simcoder.simulator.compat.config_json import config_to_json

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
                    "layer": dataclasses.asdict(layer),
                    "config": config_to_json(example_config(spec, ex)),
                    "expected": dict(ex.expected),
                }
            )
    return out


def user_numbers(
    spec: AcceleratorSpec, rules: Sequence[Rule], table: dict[str, list[Any]] | None = None
) -> dict[str, dict[str, tuple[dict[str, float], str | None]]]:
    """workload -> layer name -> (the user's numbers, the module that owns them): the changes'
    ``expected`` rows (owned by the module of their change's rule) and a ``--reference`` file
    (per layer cycles or columns; owned by whichever module declares the column)."""
    out: dict[str, dict[str, tuple[dict[str, float], str | None]]] = {}
    owner_of_change = {r.change: r.module for r in rules}
    for i, change in enumerate(spec.changes, 1):
        for row in change.expected:
            cols, _ = out.setdefault(row.workload, {}).get(row.layer, ({}, None))
            out[row.workload][row.layer] = ({**cols, **row.columns()}, owner_of_change.get(i))
    for workload, layers in (table or {}).items():
        from simcoder.workloads.builtin import get_workload

        names = [x.name for x in get_workload(workload)]
        for name, value in zip(names, layers, strict=False):
            cols = {"total_cycles": float(value)} if not isinstance(value, dict) else value
            have, owner = out.setdefault(workload, {}).get(name, ({}, None))
            out[workload][name] = ({**have, **{k: float(v) for k, v in cols.items()}}, owner)
    return out


def apply_changes(
    refs: dict[str, Reference],
    rules: Sequence[Rule],
    numbers: dict[str, dict[str, tuple[dict[str, float], str | None]]],
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
            user, owner = given.get(layer, ({}, None))
            for k, v in user.items():
                want[k] = v
                own[k] = owner or declared.get(k, "")
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
    if probes.get("unchanged"):
        kinds.append(UNCHANGED)
    if user_compared:
        kinds.append(USER)
    if probes.get("example"):
        by = sorted({r.examples_by for r in rules if r.module == module and r.examples})
        kinds.append(f"{EXAMPLES} ({', '.join(by)})")
    if probes.get("version"):
        kinds.append(VERSIONS)
    if probes.get("invariant"):
        kinds.append(INVARIANTS)
    return kinds


def label(kinds: Sequence[str], rules: Sequence[Rule], module: str) -> str:
    """How strongly a module is accepted, in words the report, the CLI and report.html use."""
    if DIFFERENTIAL in kinds:
        return "verified against SCALE-Sim 3.0.0"
    mine = [r for r in rules if r.module == module]
    if USER in kinds:
        return "verified against your numbers"
    if any(k.startswith(EXAMPLES) and "user" in k for k in kinds):
        return "verified against your rule's worked examples"
    if mine and all(r.component for r in mine):
        return "oracle: a known component, checked against its own examples"
    if any(k.startswith(EXAMPLES) for k in kinds) or VERSIONS in kinds:
        return (
            "accepted on the planner's examples"
            + (" and two agreeing versions" if VERSIONS in kinds else "")
            + " — not verified against numbers you trust"
        )
    return "accepted on invariants alone — not verified"


ALL_REPORT_COLUMNS = ALL_COLUMNS
