"""Invariants and metamorphic relations of any sane systolic-array simulator.

The critic uses them when a user's accelerator differs from SCALE-Sim and no golden reference
exists. Each holds on the SCALE-Sim-exact reference over the full probe grid and on the eval's
variant accelerators (``simcoder.simulator.components``; the storage ones in CALC mode), and each
catches a deliberately broken simulator (the witnesses in ``tests/simulator/test_invariants.py``).
A probe costs at most seven simulate calls: the probe, a repeat, a renamed copy, doubled SRAMs,
doubled bandwidths (USER mode), another array, doubled filters; the reference runs only where
the simulator raises.

Restricted to what SCALE-Sim 3.0.0 and the variants keep (each relation's docstring says why):
overall utilisation may reach 100 x padded / exact MACs; cycles bound by the exact MACs, +1 for
SCALE-Sim's last-cycle index; more SRAM in CALC mode only; more filters bound by the smaller
layer's stall-free cycles. Dropped:

- DRAM reads <= SRAM reads of an operand: USER mode fetches whole lines of bank-bandwidth words
  and repeats prefetches (docs/scalesim-quirks.md 15), so 228 of the 432 grid probes read more
  from DRAM (conv_small on a 4x4 IS array: 160 ifmap DRAM reads, 120 SRAM reads); any design
  that fetches lines does the same.
- report MACs == E*F*R*S*C*M: a report has no MAC count and an exact-ofmap design counts fewer;
  ``work_independent_of_hardware`` keeps what is universal (the work does not depend on the
  hardware).
- a bigger array never takes more cycles: fill and drain (R + C - 2) grow with the array.
- overall utilisation <= compute utilisation: SCALE-Sim's WS/IS fold length for compute
  utilisation is C - 1 cycles too long (quirk 4).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

from simcoder.simulator.checks.probes import Probe
from simcoder.simulator.checks.violations import Violation
from simcoder.simulator.engine import Modules, simulate_layer
from simcoder.simulator.types import (
    ArrayConfig,
    BandwidthMode,
    Dataflow,
    Layer,
    LayerReport,
    SimConfig,
)

Simulate = Callable[[Layer, SimConfig], LayerReport]
Finding = tuple[str, str]  # (expected, got)
_TOLERANCE = 1e-9


class _Skip(Exception):
    """Neither the simulator nor the reference simulates a case: nothing to check."""


class _Failure(Exception):
    """The simulator raised where the reference gives a report."""

    def __init__(self, expected: str, got: str, on_probe: bool) -> None:
        super().__init__(expected, got)
        self.expected, self.got, self.on_probe = expected, got, on_probe


@functools.cache
def _reference_modules() -> Modules:
    return Modules.load()


def _reference_raises(layer: Layer, config: SimConfig) -> bool:
    try:
        simulate_layer(layer, config, _reference_modules())
    except Exception:
        return True
    return False


class _Runs:
    """The simulate calls of one probe, each case run once (``fresh`` runs it again)."""

    def __init__(self, simulate: Simulate, probe: Probe) -> None:
        self.simulate = simulate
        self.probe = probe
        self._cache: dict[tuple[Layer, SimConfig], LayerReport | Exception] = {}
        self._reference_fails: dict[tuple[Layer, SimConfig], bool] = {}

    def _run(self, layer: Layer, config: SimConfig) -> LayerReport | Exception:
        key = (layer, config)
        if key not in self._cache:
            try:
                self._cache[key] = self.simulate(layer, config)
            except Exception as e:
                self._cache[key] = e
        return self._cache[key]

    def report(self, layer: Layer, config: SimConfig, what: str = "") -> LayerReport:
        """The report of the probe (``what`` empty) or of its variant ``what``."""
        result = self._run(layer, config)
        if isinstance(result, LayerReport):
            return result
        key = (layer, config)
        if key not in self._reference_fails:
            self._reference_fails[key] = _reference_raises(layer, config)
        if self._reference_fails[key]:
            raise _Skip
        where = f"the variant with {what}" if what else "the probe"
        raise _Failure(
            f"a report on {where} (the reference simulates it)",
            f"{type(result).__name__}: {result}",
            on_probe=not what,
        )

    def base(self) -> LayerReport:
        return self.report(self.probe.layer, self.probe.config)

    def fresh(self, layer: Layer, config: SimConfig) -> LayerReport | Exception:
        try:
            return self.simulate(layer, config)
        except Exception as e:
            return e


Relation = Callable[[_Runs], list[Finding]]


@dataclass(frozen=True)
class Invariant:
    """A relation every sane simulator keeps, checked on one probe and its variants."""

    name: str
    description: str
    relation: Relation

    def _findings(self, runs: _Runs) -> list[Finding]:
        """What breaks the relation; a probe neither simulator runs gives none."""
        try:
            return self.relation(runs)
        except _Skip:
            return []
        except _Failure as f:
            return [(f.expected, f.got)]

    def check(self, simulate: Simulate, probe: Probe) -> list[str]:
        """Messages ``expected ..., got ...``; empty when the relation holds on ``probe``."""
        return [f"expected {e}, got {g}" for e, g in self._findings(_Runs(simulate, probe))]


# -- the work a layer really needs (exact ofmap size floor((H - R) / s) + 1) -------------------


def _exact_ofmap(layer: Layer) -> tuple[int, int]:
    e = (layer.ifmap_h - layer.filter_h) // layer.stride + 1
    f = (layer.ifmap_w - layer.filter_w) // layer.stride + 1
    return e, f


def _exact_outputs(layer: Layer) -> int:
    e, f = _exact_ofmap(layer)
    return e * f * layer.num_filters


def _exact_macs(layer: Layer) -> int:
    return _exact_outputs(layer) * layer.window_size


def _covered(n_out: int, window: int, stride: int) -> int:
    return n_out * window if stride >= window else (n_out - 1) * stride + window


def _needed_ifmap_words(layer: Layer) -> int:
    e, f = _exact_ofmap(layer)
    rows = _covered(e, layer.filter_h, layer.stride)
    cols = _covered(f, layer.filter_w, layer.stride)
    return rows * cols * layer.channels


def _filter_words(layer: Layer) -> int:
    return layer.window_size * layer.num_filters


# -- variants -------------------------------------------------------------------------------


def _doubled_sram(config: SimConfig) -> SimConfig:
    m = config.memory
    memory = dataclasses.replace(
        m,
        ifmap_sram_kib=2 * m.ifmap_sram_kib,
        filter_sram_kib=2 * m.filter_sram_kib,
        ofmap_sram_kib=2 * m.ofmap_sram_kib,
    )
    return dataclasses.replace(config, memory=memory)


def _doubled_bandwidth(config: SimConfig) -> SimConfig:
    m = config.memory
    memory = dataclasses.replace(
        m,
        ofmap_dram_words_per_cycle=2 * m.ofmap_dram_words_per_cycle,
        ifmap_sram_bank_words_per_cycle=2 * m.ifmap_sram_bank_words_per_cycle,
        filter_sram_bank_words_per_cycle=2 * m.filter_sram_bank_words_per_cycle,
    )
    return dataclasses.replace(config, memory=memory)


def _other_array(config: SimConfig) -> SimConfig:
    """The array transposed, with the next dataflow."""
    a = config.array
    flows = list(Dataflow)
    flow = flows[(flows.index(a.dataflow) + 1) % len(flows)]
    return dataclasses.replace(config, array=ArrayConfig(a.cols, a.rows, flow))


def _sram_text(config: SimConfig) -> str:
    m = config.memory
    return f"SRAM {m.ifmap_sram_kib}/{m.filter_sram_kib}/{m.ofmap_sram_kib} kB"


def _bandwidth_text(config: SimConfig) -> str:
    m = config.memory
    return (
        f"DRAM {m.ofmap_dram_words_per_cycle}, banks {m.ifmap_sram_bank_words_per_cycle}/"
        f"{m.filter_sram_bank_words_per_cycle} words/cycle"
    )


def _numbers(r: LayerReport) -> dict[str, object]:
    return {f.name: getattr(r, f.name) for f in dataclasses.fields(r) if f.name != "layer"}


def _differences(a: LayerReport, b: LayerReport) -> list[str]:
    na, nb = _numbers(a), _numbers(b)
    return [f"{k} {na[k]} vs {nb[k]}" for k in na if na[k] != nb[k]]


# -- the relations --------------------------------------------------------------------------


def _runs_where_reference_runs(runs: _Runs) -> list[Finding]:
    runs.base()
    return []


def _utilisation_in_range(runs: _Runs) -> list[Finding]:
    """Overall utilisation up to 100 x padded / exact MACs: the engine divides SCALE-Sim's padded
    MACs by the cycles, and an exact-ofmap design runs fewer (ExactOfmapMapping: 116.9 % on
    conv_small, 4x4 OS)."""
    r = runs.base()
    # a simulator may count SCALE-Sim's padded MACs over the cycles of the exact outputs
    overall_max = 100 * r.layer.macs / _exact_macs(r.layer)
    out = []
    for name, top in (
        ("compute_util_pct", 100.0),
        ("mapping_efficiency_pct", 100.0),
        ("overall_util_pct", overall_max),
    ):
        value = getattr(r, name)
        if not (0 < value <= top * (1 + _TOLERANCE)):
            out.append((f"{name} in (0, {top:.6g}]", str(value)))
    return out


def _cycles_cover_macs(runs: _Runs) -> list[Finding]:
    """The exact MACs (SCALE-Sim's padded windows need no PE), against the cycle count."""
    r = runs.base()
    pes = runs.probe.config.array.num_pes
    bound = -(-_exact_macs(r.layer) // pes)
    # SCALE-Sim reports the index of the last cycle (quirk 1), one less than the count
    if r.total_cycles + 1 < bound:
        return [(f"total_cycles + 1 >= ceil(MACs / PEs) = {bound}", str(r.total_cycles))]
    return []


def _stalls_within_total(runs: _Runs) -> list[Finding]:
    r = runs.base()
    out = []
    if not 0 <= r.stall_cycles <= r.total_cycles:
        out.append((f"0 <= stall_cycles <= total_cycles = {r.total_cycles}", str(r.stall_cycles)))
    if r.total_cycles_incl_prefetch < r.total_cycles:
        out.append(
            (
                f"total_cycles_incl_prefetch >= total_cycles = {r.total_cycles}",
                str(r.total_cycles_incl_prefetch),
            )
        )
    return out


def _compute_within_mapping(runs: _Runs) -> list[Finding]:
    r = runs.base()
    if r.compute_util_pct > r.mapping_efficiency_pct * (1 + _TOLERANCE):
        return [
            (
                f"compute_util_pct <= mapping_efficiency_pct = {r.mapping_efficiency_pct}",
                str(r.compute_util_pct),
            )
        ]
    return []


def _implied_macs(r: LayerReport, config: SimConfig) -> float:
    return r.overall_util_pct * r.total_cycles * config.array.num_pes / 100


def _work_independent_of_hardware(runs: _Runs) -> list[Finding]:
    base = runs.base()
    probe = runs.probe
    work = _implied_macs(base, probe.config)
    out = []
    for config, what in (
        (_other_array(probe.config), "another array"),
        (_doubled_sram(probe.config), "doubled SRAMs"),
    ):
        a = config.array
        text = f"{a.dataflow.value} {a.rows}x{a.cols}" if what == "another array" else what
        other = _implied_macs(runs.report(probe.layer, config, text), config)
        if not math.isclose(other, work, rel_tol=1e-6):
            out.append(
                (
                    f"overall util x cycles x PEs = {work:.6g} MACs on {text} as on the probe",
                    f"{other:.6g}",
                )
            )
    return out


def _more_sram_no_more_dram_reads(runs: _Runs) -> list[Finding]:
    """CALC mode only: SCALE-Sim's USER read buffer re-reads its lines each time its circular
    window goes round (docs/scalesim-quirks.md 14, 15), and a bigger window can go round more
    often (conv_big on a 16x4 WS array: 618,496 ifmap DRAM reads at 2 kB, 735,232 at 4 kB)."""
    base = runs.base()
    if runs.probe.config.memory.bandwidth_mode is BandwidthMode.USER:
        return []
    config = _doubled_sram(runs.probe.config)
    big = runs.report(runs.probe.layer, config, _sram_text(config))
    return [
        (
            f"{name} <= {getattr(base, name)} (at {_sram_text(runs.probe.config)}) "
            f"at {_sram_text(config)}",
            str(getattr(big, name)),
        )
        for name in ("ifmap_dram_reads", "filter_dram_reads")
        if getattr(big, name) > getattr(base, name)
    ]


def _more_bandwidth_no_more_stalls(runs: _Runs) -> list[Finding]:
    """USER mode only: in CALC mode the bandwidth fields are unused."""
    base = runs.base()
    if runs.probe.config.memory.bandwidth_mode is not BandwidthMode.USER:
        return []
    config = _doubled_bandwidth(runs.probe.config)
    fast = runs.report(runs.probe.layer, config, _bandwidth_text(config))
    if fast.stall_cycles > base.stall_cycles:
        return [
            (
                f"stall_cycles <= {base.stall_cycles} (at {_bandwidth_text(runs.probe.config)}) "
                f"at {_bandwidth_text(config)}",
                str(fast.stall_cycles),
            )
        ]
    return []


def _every_output_written(runs: _Runs) -> list[Finding]:
    r = runs.base()
    outputs = _exact_outputs(r.layer)
    return [
        (f"{name} >= {outputs} (the layer's outputs)", str(getattr(r, name)))
        for name in ("ofmap_sram_writes", "ofmap_dram_writes")
        if getattr(r, name) < outputs
    ]


def _dram_reads_cover_needed_words(runs: _Runs) -> list[Finding]:
    r = runs.base()
    out = []
    for name, needed in (
        ("ifmap_dram_reads", _needed_ifmap_words(r.layer)),
        ("filter_dram_reads", _filter_words(r.layer)),
    ):
        if getattr(r, name) < needed:
            out.append(
                (f"{name} >= {needed} (distinct words the layer needs)", str(getattr(r, name)))
            )
    return out


_WINDOWS = (
    ("ifmap_sram", "ifmap_sram_reads"),
    ("filter_sram", "filter_sram_reads"),
    ("ofmap_sram", "ofmap_sram_writes"),
    ("ifmap_dram", "ifmap_dram_reads"),
    ("filter_dram", "filter_dram_reads"),
    ("ofmap_dram", "ofmap_dram_writes"),
)


def _access_windows_ordered(runs: _Runs) -> list[Finding]:
    """SRAM windows end by ``total_cycles + 1``: reads are served a cycle after issue."""
    r = runs.base()
    out = []
    for window, count in _WINDOWS:
        if getattr(r, count) <= 0:
            continue
        start, stop = getattr(r, f"{window}_start_cycle"), getattr(r, f"{window}_stop_cycle")
        if start > stop:
            out.append((f"{window} start <= stop", f"[{start}, {stop}]"))
        if window.endswith("sram") and not 0 <= start <= stop <= r.total_cycles + 1:
            out.append(
                (
                    f"{window} window within [0, total_cycles + 1 = {r.total_cycles + 1}]",
                    f"[{start}, {stop}]",
                )
            )
    return out


def _deterministic(runs: _Runs) -> list[Finding]:
    base = runs.base()
    again = runs.fresh(runs.probe.layer, runs.probe.config)
    if isinstance(again, Exception):
        return [("the same report when run again", f"{type(again).__name__}: {again}")]
    diff = _differences(base, again)
    return [("the same report when run again", "; ".join(diff[:3]))] if diff else []


def _names_do_not_matter(runs: _Runs) -> list[Finding]:
    base = runs.base()
    probe = runs.probe
    layer = dataclasses.replace(probe.layer, name="renamed_layer")
    config = dataclasses.replace(probe.config, run_name="renamed_run")
    renamed = runs.report(layer, config, "the layer and run renamed")
    diff = _differences(base, renamed)
    return (
        [("the same numbers with the layer and run renamed", "; ".join(diff[:3]))] if diff else []
    )


def _more_filters_no_less_work(runs: _Runs) -> list[Finding]:
    """Total cycles against the smaller layer's stall-free cycles: SCALE-Sim's USER stalls move
    either way (conv_big on an 8x8 IS array, Bandwidth 32: 787,934 cycles with 48 filters,
    787,667 with 96)."""
    base = runs.base()
    layer = dataclasses.replace(runs.probe.layer, num_filters=2 * runs.probe.layer.num_filters)
    more = runs.report(layer, runs.probe.config, f"{layer.num_filters} filters")
    out = []
    least = base.total_cycles - base.stall_cycles
    if more.total_cycles < least:
        out.append(
            (
                f"total_cycles >= {least} (the probe's total less its stalls) with "
                f"{layer.num_filters} filters",
                str(more.total_cycles),
            )
        )
    for name in ("ifmap_sram_reads", "filter_sram_reads", "ofmap_sram_writes"):
        if getattr(more, name) < getattr(base, name):
            out.append(
                (
                    f"{name} >= {getattr(base, name)} with {layer.num_filters} filters",
                    str(getattr(more, name)),
                )
            )
    return out


INVARIANTS: tuple[Invariant, ...] = (
    Invariant(
        "runs_where_reference_runs",
        "The simulator gives a report on every probe the reference simulates.",
        _runs_where_reference_runs,
    ),
    Invariant(
        "utilisation_in_range",
        "Compute utilisation and mapping efficiency lie in (0, 100] %, overall utilisation in "
        "(0, 100 x padded / exact MACs] %.",
        _utilisation_in_range,
    ),
    Invariant(
        "cycles_cover_macs",
        "The layer takes at least its exact MACs / the array's PEs cycles (a count; SCALE-Sim's "
        "last-cycle index may be one less).",
        _cycles_cover_macs,
    ),
    Invariant(
        "stalls_within_total",
        "Stall cycles are between 0 and the total cycles, and the total with prefetch is no less "
        "than the total.",
        _stalls_within_total,
    ),
    Invariant(
        "compute_within_mapping",
        "Compute utilisation is no more than mapping efficiency (an unmapped PE does no MACs).",
        _compute_within_mapping,
    ),
    Invariant(
        "work_independent_of_hardware",
        "The MACs the report implies (overall utilisation x cycles x PEs) do not change with the "
        "array, dataflow or SRAM sizes.",
        _work_independent_of_hardware,
    ),
    Invariant(
        "more_sram_no_more_dram_reads",
        "In CALC mode, doubling every SRAM never adds ifmap or filter DRAM reads.",
        _more_sram_no_more_dram_reads,
    ),
    Invariant(
        "more_bandwidth_no_more_stalls",
        "In USER mode, doubling the DRAM and SRAM bank bandwidths never adds stall cycles.",
        _more_bandwidth_no_more_stalls,
    ),
    Invariant(
        "every_output_written",
        "Every output of the layer is written to the ofmap SRAM and reaches DRAM.",
        _every_output_written,
    ),
    Invariant(
        "dram_reads_cover_needed_words",
        "Every ifmap and filter word the layer needs is read from DRAM at least once.",
        _dram_reads_cover_needed_words,
    ),
    Invariant(
        "access_windows_ordered",
        "Every SRAM and DRAM access window starts no later than it stops, SRAM ones within the "
        "run.",
        _access_windows_ordered,
    ),
    Invariant(
        "deterministic",
        "Simulating the same layer and configuration again gives the same report.",
        _deterministic,
    ),
    Invariant(
        "names_do_not_matter",
        "Renaming the layer or the run changes no number.",
        _names_do_not_matter,
    ),
    Invariant(
        "more_filters_no_less_work",
        "Doubling the layer's filters never lowers an SRAM access count, nor the total cycles "
        "below the original layer's stall-free cycles.",
        _more_filters_no_less_work,
    ),
)


def check_invariants(
    simulate: Simulate,
    probe: Probe,
    module: str,
    invariants: tuple[Invariant, ...] = INVARIANTS,
) -> list[Violation]:
    """Every broken invariant on ``probe``, blamed on ``module``. A probe the simulator cannot
    run (and the reference can) is reported once, under the first invariant that needs it."""
    runs = _Runs(simulate, probe)
    out: list[Violation] = []
    probe_failed = False
    for inv in invariants:
        try:
            findings = inv.relation(runs)
        except _Skip:
            continue
        except _Failure as f:
            if f.on_probe and probe_failed:
                continue
            probe_failed = probe_failed or f.on_probe
            findings = [(f.expected, f.got)]
        out.extend(
            Violation(f"invariant.{inv.name}", module, probe.name, expected, got)
            for expected, got in findings
        )
    return out


__all__ = ["INVARIANTS", "Invariant", "Simulate", "check_invariants"]
