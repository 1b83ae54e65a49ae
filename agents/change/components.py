"""Known components: changes the offline (library) coder composes. Each names its class in
``simulator/components/``, its parameters, the columns it moves, its rule and the user's words."""

from __future__ import annotations

import dataclasses
from typing import Any

from simcoder.agents.spec import Change, ChangeError, expand_columns
from simcoder.simulator.registry import ModuleKind
from simcoder.simulator.types import Layer


@dataclasses.dataclass(frozen=True)
class Param:
    name: str
    default: int
    help: str
    attr: str  # the component class's attribute it sets
    minimum: int = 1


@dataclasses.dataclass(frozen=True)
class Component:
    """A known change: the class that implements it (``simcoder.simulator.components``), its
    parameters, the columns it moves, its rule and the user's sentence for it."""

    name: str
    module: ModuleKind
    cls: str  # attribute of simcoder.simulator.components
    columns: tuple[str, ...]  # names or groups (expanded by expand_columns)
    words: str  # the sentence a user would write ({param} filled in)
    rule: str  # the rule, SPEC.md style ({param} filled in)
    examples: tuple[Layer, ...]  # small layers its worked examples run on
    example_config: dict[str, Any]
    params: tuple[Param, ...] = ()
    calc_only: bool = False

    def resolve(self, given: dict[str, Any]) -> dict[str, int]:
        """The parameters with defaults; unknown or bad ones raise ValueError naming them."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            names = ", ".join(known) or "none"
            raise ValueError(f"component {self.name} has no parameter {unknown} (it takes {names})")
        out = {}
        for p in self.params:
            v = given.get(p.name, p.default)
            if isinstance(v, bool) or not isinstance(v, int) or v < p.minimum:
                raise ValueError(
                    f"component {self.name}: {p.name} must be an integer >= {p.minimum}"
                )
            out[p.name] = v
        return out

    def instance(self, params: dict[str, int]) -> Any:
        import simcoder.simulator.components as components

        obj = getattr(components, self.cls)()
        for p in self.params:
            setattr(obj, p.attr, params[p.name])
        return obj

    def code(self, params: dict[str, int]) -> str:
        """``module.py`` of the library coder: the component with its parameters."""
        lines = [
            f'"""{self.module} module by the library coder: the known component {self.name} '
            f"({self.words.format(**params)}) — an oracle, written by simcoder's developers, "
            'not generated."""',
            "",
            f"from simcoder.simulator.components import {self.cls}",
            "",
            "",
            f"class Module({self.cls}):",
        ]
        body = [f"    {p.attr} = {params[p.name]}" for p in self.params] or ["    pass"]
        return "\n".join([*lines, *body, ""])


# What each known change may move: the columns it moved on the full probe grid, and in USER
# mode every DRAM start and stop and the stalls (timing there depends on the demand's cycles);
# tests/graph/test_change_units.py checks that none moves a column it does not declare.
_ENDS = (
    "total_cycles_incl_prefetch",
    "total_cycles",
    "stall_cycles",
    "ifmap_sram_stop_cycle",
    "filter_sram_stop_cycle",
    "ofmap_sram_stop_cycle",
    "ifmap_dram_stop_cycle",
    "filter_dram_stop_cycle",
    "ofmap_dram_start_cycle",
    "ofmap_dram_stop_cycle",
)
_DRAIN_COLUMNS = (*_ENDS, "ofmap_dram_writes")
_HOP_COLUMNS = (
    *_ENDS,
    "compute_util_pct",
    "ofmap_sram_start_cycle",
    "ifmap_dram_start_cycle",
    "filter_dram_start_cycle",
)
_EXACT_OFMAP_COLUMNS = (
    *_HOP_COLUMNS,
    "mapping_efficiency_pct",
    "ifmap_sram_reads",
    "filter_sram_reads",
    "ofmap_sram_writes",
    "ifmap_dram_reads",
    "ofmap_dram_writes",
)
_G4 = Layer.from_gemm("gemm_4x4x4", 4, 4, 4)
_G8 = Layer.from_gemm("gemm_8x4x4", 8, 4, 4)
_CONV = Layer("conv_small", 7, 5, 5, 1, 4, 12, 3)
_FC = Layer.from_gemm("fc_wide", 1, 2048, 655)
_SMALL = {"array_rows": 4, "array_cols": 4, "ifmap_sram_kib": 64, "filter_sram_kib": 64}

COMPONENTS: dict[str, Component] = {
    c.name: c
    for c in (
        Component(
            "drain_width",
            "storage",
            "DrainWidthStorage",
            _DRAIN_COLUMNS,
            "The ofmap SRAM drains {words} words per cycle to DRAM.",
            "CALC mode only. The ofmap write buffer drains {words} words per cycle: its lines "
            "hold W = {words} words instead of the array's column count, so a drain of D words "
            "takes lines_per_drain = ceil(D / {words}) cycles. Everything else in the write "
            "buffer, its quirks included, is SCALE-Sim 3.0.0's (storage/SPEC.md).",
            (_G4, _CONV),
            {**_SMALL, "ofmap_sram_kib": 64},
            (Param("words", 2, "ofmap words drained to DRAM per cycle", "width"),),
            calc_only=True,
        ),
        Component(
            "hop_latency",
            "interconnect",
            "HopLatencyInterconnect",
            _HOP_COLUMNS,
            "Every PE-to-PE hop takes {cycles} cycles.",
            "Every PE-to-PE hop takes {cycles} cycles instead of 1. Each fold of an R x C array "
            "therefore lasts X = ({cycles} - 1) * (R + C - 2) cycles longer; within a fold the "
            "ifmap and filter requests keep their cycle relative to the fold's first cycle and "
            "every ofmap write comes X cycles later; fold_cycles lists the longer length and the "
            "fold length in compute_utilization grows by X as well. SRAM read and write counts "
            "are SCALE-Sim's.",
            (_G4, _CONV),
            dict(_SMALL, ofmap_sram_kib=64),
            (Param("cycles", 2, "cycles per PE-to-PE hop", "hops"),),
        ),
        Component(
            "single_buffer_ofmap",
            "storage",
            "SingleBufferStorage",
            _DRAIN_COLUMNS,
            "The ofmap SRAM is single-buffered.",
            "CALC mode only. The ofmap SRAM is single-buffered: it holds ofmap_sram_kib * 1024 "
            "words in lines of W = array columns words. Writes are taken one word at a time in "
            "stream order at the row's current cycle c: if c < drain_end the write stalls to c = "
            "drain_end; the word goes into the current line (a line closes at W words); when the "
            "buffer holds its size in words, the partial line closes and every closed line "
            "drains to DRAM from cycle c, one line per cycle (drain_end = c + lines - 1), and "
            "the buffer is empty again. After the last demand row the rest drains from max(last "
            "row's completion cycle, drain_end). DRAM OFMAP Writes count the real words only.",
            (_FC, _G4),
            {"array_rows": 8, "array_cols": 8, "ofmap_sram_kib": 1},
            calc_only=True,
        ),
        Component(
            "exact_ofmap",
            "mapping",
            "ExactOfmapMapping",
            _EXACT_OFMAP_COLUMNS,
            "The ofmap size is exact: floor((H - R) / s) + 1 rows and columns.",
            "The ofmap size is exact: E = floor((H - R) / s) + 1 and F = floor((W - S) / s) + 1 "
            "(SCALE-Sim 3.0.0's ceil((H - R + s) / s) is one too large when s does not divide "
            "H - R), so P = E * F and no window runs off the ifmap. The mapping is SCALE-Sim's "
            "for the layer trimmed to the rows and columns its windows cover. Overall Util % "
            "is computed from SCALE-Sim's MAC count.",
            (_CONV, Layer("conv_odd", 10, 10, 3, 3, 2, 4, 2)),
            dict(_SMALL, ofmap_sram_kib=64),
        ),
        Component(
            "exact_ofmap_writes",
            "interconnect",
            "ExactWritesInterconnect",
            ("ofmap_sram_writes",),
            "SRAM ofmap writes count only the ofmap words the array writes.",
            "SRAM OFMAP Writes (Schedule.ofmap_sram_writes) count only the ofmap words the "
            "array writes, sum over folds of rows_used * cols_used: for OS, without the R + C "
            "per fold SCALE-Sim 3.0.0 adds. WS and IS are SCALE-Sim's.",
            (_G8, _G4),
            dict(_SMALL, ofmap_sram_kib=64),
        ),
    )
}


def component_listing() -> str:
    """``simcoder generate --list-components``: every known change and its parameters."""
    lines = ["Known changes the offline (library) coder composes (oracles, not generated):", ""]
    for c in COMPONENTS.values():
        defaults = {p.name: p.default for p in c.params}
        lines.append(f"  {c.name}  ({c.module}{', CALC mode only' if c.calc_only else ''})")
        lines.append(f"      {c.words.format(**defaults)}")
        for p in c.params:
            lines.append(f"      {p.name}: {p.help} (default {p.default})")
        lines.append(f"      moves: {', '.join(expand_columns(c.columns))}")
        lines.append("")
    lines.append("In a spec: changes: [{text: ..., component: {name: drain_width, words: 4}}]")
    return "\n".join(lines)


def component_of(change: Change, where: str) -> tuple[Component, dict[str, int]] | None:
    if change.component is None:
        return None
    comp = COMPONENTS.get(change.component.name)
    if comp is None:
        raise ChangeError(
            f"{where}.component: unknown component {change.component.name!r}; choose one of "
            f"{', '.join(COMPONENTS)} (simcoder generate --list-components)"
        )
    if change.module is not None and change.module != comp.module:
        raise ChangeError(
            f"{where}.module: component {comp.name} changes the {comp.module} module, not "
            f"{change.module}; drop module: or fix it"
        )
    try:
        return comp, comp.resolve(change.component.params())
    except ValueError as exc:
        raise ChangeError(f"{where}.component: {exc}") from None
