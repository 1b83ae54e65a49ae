"""Running a rule's examples on the host: a component's worked examples (computed by the
component itself, an oracle) and how many examples state a number SCALE-Sim 3.0.0 does not give."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence

from simcoder.agents.change.components import Component
from simcoder.agents.spec import AcceleratorSpec, LayerShape, RuleExample
from simcoder.simulator.types import Layer, LayerReport, SimConfig


def example_config(spec: AcceleratorSpec, example: RuleExample) -> SimConfig:
    """The SimConfig of an example: the spec's, with the example's ``config`` on top."""
    merged = spec.model_copy(update=example.config)
    return type(spec).model_validate(merged.model_dump()).sim_config()


def report_columns(report: LayerReport, columns: Iterable[str]) -> dict[str, float]:
    return {c: float(getattr(report, c)) for c in columns}


Simulate = Callable[[Layer, SimConfig], LayerReport]


def component_examples(
    spec: AcceleratorSpec, comp: Component, params: dict[str, int], columns: Sequence[str]
) -> list[RuleExample]:
    """The component's worked examples: its small layers at its small configuration with the
    spec's dataflow, the moved columns computed by the component itself (an oracle)."""
    from simcoder.simulator.engine import Modules, simulate_layer

    reference = Modules.load()
    modules = dataclasses.replace(reference, **{comp.module: comp.instance(params)})
    out = []
    base_config = {**comp.example_config, "dataflow": spec.dataflow}
    if comp.calc_only:
        base_config["bandwidth_mode"] = "CALC"
    # an example must tell the change from SCALE-Sim (a 4-word drain on a 4-column array is
    # SCALE-Sim's own): try a few array shapes until one does
    shapes = [(base_config["array_rows"], base_config["array_cols"]), (8, 8), (5, 7), (16, 16)]
    for layer in comp.examples:
        best = None
        for rows, cols in shapes:
            config = {**base_config, "array_rows": rows, "array_cols": cols}
            ex = RuleExample(
                name=f"{layer.name} on {rows}x{cols}",
                layer=LayerShape.of(layer),
                config=config,
                expected={"total_cycles": 0.0},
            )
            sim_config = example_config(spec, ex)
            report = simulate_layer(layer, sim_config, modules)
            base = simulate_layer(layer, sim_config, reference)
            moved = [
                c
                for c in columns
                if not c.startswith("avg_") and getattr(report, c) != getattr(base, c)
            ]
            shown = list(dict.fromkeys(["total_cycles", *moved]))[:8]
            best = ex.model_copy(
                update={
                    "expected": report_columns(report, shown),
                    "why": f"computed by the component {comp.name} itself (an oracle); "
                    f"SCALE-Sim 3.0.0: total_cycles {base.total_cycles}"
                    + ("" if moved else "; this example does not tell the change from SCALE-Sim"),
                }
            )
            if moved:
                break
        assert best is not None
        out.append(best)
    return out


def distinguishing(spec: AcceleratorSpec, examples: Sequence[RuleExample]) -> int:
    """How many examples state a number SCALE-Sim 3.0.0 does not give: only those can tell a
    module that makes the change from one that ignores it."""
    from simcoder.simulator.engine import simulate_layer

    n = 0
    for ex in examples:
        report = simulate_layer(ex.layer.layer(), example_config(spec, ex))
        if any(float(getattr(report, c)) != float(v) for c, v in ex.expected.items()):
            n += 1
    return n
