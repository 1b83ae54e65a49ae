"""The critic's evidence beyond the fixed grid: probes derived from the user's spec, seeded random
cases with shrinking, and field-by-field comparison of module outputs (issue 13)."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from simcoder.simulator.checks.compare import diff_fields
from simcoder.simulator.checks.probes import probe_grid
from simcoder.simulator.checks.random_cases import random_probes, shrink
from simcoder.simulator.checks.runner import ReferenceOutputs, check_case, check_module_evidence
from simcoder.simulator.checks.spec_probes import (
    scaled_arrays,
    scaled_memories,
    shape_classes,
    spec_probes,
)
from simcoder.simulator.contracts import Mapping, Schedule, StorageReport
from simcoder.simulator.interconnect.reference import ReferenceInterconnect
from simcoder.simulator.mapping.reference import ReferenceMapping
from simcoder.simulator.storage.reference import ReferenceStorage
from simcoder.simulator.types import (
    ArrayConfig,
    BandwidthMode,
    Dataflow,
    Layer,
    MemoryConfig,
    SimConfig,
)

USER_SPEC = SimConfig(
    ArrayConfig(32, 16, Dataflow.WEIGHT_STATIONARY),
    MemoryConfig(
        512,
        128,
        64,
        bandwidth_mode=BandwidthMode.USER,
        ofmap_dram_words_per_cycle=16,
        ifmap_sram_bank_words_per_cycle=16,
        filter_sram_bank_words_per_cycle=16,
    ),
)
NETWORK = [
    Layer("stem", 224, 224, 7, 7, 3, 64, 2),  # strided, partial last window
    Layer("dw", 56, 56, 3, 3, 1, 32, 1),  # one channel: depthwise
    Layer("pw", 56, 56, 1, 1, 64, 128, 1),
    Layer.from_gemm("fc", 1, 1000, 2048),
]


def test_shape_classes_name_what_makes_a_layer_distinct() -> None:
    cfg = USER_SPEC
    assert "strided_partial" in shape_classes(NETWORK[0], cfg)
    assert "depthwise" in shape_classes(NETWORK[1], cfg)
    assert "pointwise" in shape_classes(NETWORK[2], cfg)
    assert "gemm" in shape_classes(NETWORK[3], cfg)
    assert "strided_exact" in shape_classes(Layer("s", 9, 9, 3, 3, 2, 6, 2), cfg)
    assert "fc" in shape_classes(Layer("f", 3, 3, 3, 3, 4, 11, 1), cfg)
    assert "many_epoch" not in shape_classes(NETWORK[0], cfg)  # 150 k ifmap words < 512 kB
    small = SimConfig(cfg.array, MemoryConfig(64, 64, 64))
    assert "many_epoch" in shape_classes(NETWORK[0], small)
    assert "single_fold" in shape_classes(Layer("t", 3, 3, 2, 2, 2, 3, 1), cfg)


def test_scaled_arrays_keep_aspect_and_add_one_row_and_one_column() -> None:
    tall = scaled_arrays(32, 16)
    assert tall[0][0] > tall[0][1] and max(tall[0]) <= 8  # still taller than wide
    assert (1, tall[0][1]) in tall and (tall[0][0], 1) in tall
    wide = scaled_arrays(8, 9)
    assert wide[0][0] < wide[0][1]
    square = scaled_arrays(128, 128)
    assert square[0][0] == square[0][1] and any(r != c for r, c in square[1:] if min(r, c) > 1)


def test_scaled_memories_keep_unequal_srams_and_straddle_the_array_width() -> None:
    mems = scaled_memories(USER_SPEC.memory, cols=4)
    assert mems[0] == USER_SPEC.memory
    small = mems[1]
    assert small.ifmap_sram_kib > small.filter_sram_kib >= small.ofmap_sram_kib
    assert max(small.ifmap_sram_kib, small.filter_sram_kib) <= 2
    bws = {m.ofmap_dram_words_per_cycle for m in mems[2:]}
    assert min(bws) < 4 < max(bws)  # below and above the mini array's width
    calc = scaled_memories(MemoryConfig(64, 64, 64), cols=4)
    assert all(m.bandwidth_mode is BandwidthMode.CALC for m in calc)


def test_spec_probes_cover_the_users_config_and_every_shape_class_of_the_network() -> None:
    probes = spec_probes(USER_SPEC, NETWORK)
    assert all(p.source == "spec" for p in probes)
    assert any(p.config == USER_SPEC for p in probes)  # the user's own array and memory
    assert all(p.config.array.dataflow is Dataflow.WEIGHT_STATIONARY for p in probes)
    names = {p.layer.name.split("~")[0] for p in probes}
    for cls in ("strided_partial", "depthwise", "pointwise", "gemm", "conv"):
        assert f"spec_{cls}" in names, cls
    # a layer cut from the user's own stem keeps its filter, stride and partial last window
    stem = [p.layer for p in probes if p.layer.name.endswith("~stem")]
    assert stem and all(x.stride == 2 and (x.ifmap_h - x.filter_h) % 2 for x in stem)
    arrays = {(p.config.array.rows, p.config.array.cols) for p in probes}
    assert {(32, 16), (1, 4), (8, 1)} <= arrays
    # every probe is one the reference has numbers for, and they are cheap
    refs = ReferenceOutputs()
    assert sum(refs.get(p) is not None for p in probes) >= 0.9 * len(probes)
    assert len(probes) < 200


def test_random_probes_are_reproducible_and_varied() -> None:
    a = list(itertools.islice(random_probes(3, USER_SPEC), 300))
    b = list(itertools.islice(random_probes(3, USER_SPEC), 300))
    assert a == b
    assert a != list(itertools.islice(random_probes(4, USER_SPEC), 300))
    assert {p.config.array.dataflow for p in a} == set(Dataflow)
    assert {p.config.memory.bandwidth_mode for p in a} == set(BandwidthMode)
    assert any(p.config.array.rows == 1 for p in a) and any(p.config.array.cols == 1 for p in a)
    assert any(p.layer.gemm for p in a) and any(p.layer.stride > 1 for p in a)
    assert all(p.source == "random" for p in a)


class WrongWhenManyChannels(ReferenceMapping):
    """Drops the last channel's filter words when a layer has more than two channels."""

    def map(self, layer: Layer, array: ArrayConfig) -> Mapping:
        m = super().map(layer, array)
        if layer.channels <= 2:
            return m
        f = m.filter_addresses.copy()
        f[-1, :] = -1
        return dataclasses.replace(m, filter_addresses=f)


def test_a_random_failure_is_shrunk_to_a_small_counterexample() -> None:
    refs = ReferenceOutputs()
    bug = WrongWhenManyChannels()
    first = next(
        p for p in random_probes(1) if p.layer.channels > 5 and check_case("mapping", bug, refs, p)
    )
    small, steps = shrink(first, lambda p: bool(check_case("mapping", bug, refs, p)), lambda: False)
    assert steps > 0 and small.layer.channels == 3  # the smallest that still shows it
    assert small.layer.ifmap_h * small.layer.ifmap_w <= first.layer.ifmap_h * first.layer.ifmap_w
    assert check_case("mapping", bug, refs, small)


def test_evidence_names_the_seed_the_cases_and_the_shrunk_counterexample() -> None:
    ev = check_module_evidence(
        "mapping", WrongWhenManyChannels(), [], random_seed=11, random_budget_s=5.0
    )
    assert ev.random_seed == 11 and ev.random_cases >= 1
    assert ev.counterexample is not None and ev.counterexample["layer"]["channels"] == 3
    assert any(
        v.check.startswith("random.differential.mapping.filter_addresses") for v in ev.violations
    )
    clean = check_module_evidence(
        "mapping", ReferenceMapping(), [], random_seed=11, random_budget_s=0.5
    )
    assert clean.violations == [] and clean.random_cases > 10 and clean.counterexample is None


class WrongOnTallArrays(ReferenceStorage):
    """The ofmap drain counted per array row instead of column, on arrays taller than wide."""

    def simulate(self, schedule: Schedule, memory: MemoryConfig) -> StorageReport:
        r = super().simulate(schedule, memory)
        a = schedule.mapping.array
        if a.rows <= a.cols:
            return r
        return dataclasses.replace(r, stall_cycles=r.stall_cycles + 1)


def test_a_bug_only_the_users_array_shows_is_caught_by_the_spec_probes() -> None:
    grid = probe_grid(quick=True)
    square_or_wide = [p for p in grid if p.config.array.rows <= p.config.array.cols]
    assert not check_module_evidence("storage", WrongOnTallArrays(), square_or_wide).violations
    ev = check_module_evidence("storage", WrongOnTallArrays(), spec_probes(USER_SPEC, NETWORK))
    assert ev.failing.get("spec", 0) > 0


def test_field_differences_name_the_path_and_the_first_differing_element() -> None:
    a = np.arange(12).reshape(3, 4)
    b = a.copy()
    b[2, 1] = -1
    (d,) = diff_fields(a, b, "mapping.ifmap_addresses")
    assert d.path == "mapping.ifmap_addresses[2,1]" and d.got == "-1"
    assert "1 of 12" in d.expected
    assert diff_fields(a, a[:2], "x")[0].path == "x.shape"
    assert diff_fields(0.1 + 0.2, 0.3, "f") == []  # within same_number's tolerance
    assert diff_fields((1, 2), (1, 2, 3), "t")[0].path == "t.len"


@pytest.mark.slow  # every spec probe and half a second of random cases per kind (3-5 s each)
@pytest.mark.parametrize("kind", ["mapping", "interconnect", "storage"])
def test_the_reference_has_no_field_differences_from_itself(kind: str) -> None:
    module = {
        "mapping": ReferenceMapping(),
        "interconnect": ReferenceInterconnect(),
        "storage": ReferenceStorage(),
    }[kind]
    ev = check_module_evidence(kind, module, spec_probes(USER_SPEC, NETWORK), random_budget_s=0.5)
    assert ev.violations == []


def test_a_fingerprint_stands_in_for_a_large_output() -> None:
    from simcoder.simulator.checks.compare import fingerprint, same_fingerprint

    probe = probe_grid(quick=True)[5]
    ref = ReferenceOutputs().get(probe)
    assert ref is not None
    s = ref.schedule
    assert same_fingerprint(
        fingerprint(s), fingerprint(ReferenceInterconnect().schedule(ref.mapping))
    )
    narrow = dataclasses.replace(
        s, ifmap=dataclasses.replace(s.ifmap, addresses=s.ifmap.addresses.astype(np.int32))
    )
    assert same_fingerprint(fingerprint(s), fingerprint(narrow))  # the values, not the dtype
    cycles = s.ifmap.cycles.copy()
    cycles[-1] += 1
    moved = dataclasses.replace(s, ifmap=dataclasses.replace(s.ifmap, cycles=cycles))
    assert not same_fingerprint(fingerprint(s), fingerprint(moved))
    util = dataclasses.replace(s, compute_utilization=s.compute_utilization * (1 + 1e-12))
    assert same_fingerprint(fingerprint(s), fingerprint(util))  # same_number's tolerance
    assert not same_fingerprint(
        fingerprint(s), fingerprint(dataclasses.replace(s, fold_cycles=s.fold_cycles[:-1]))
    )
