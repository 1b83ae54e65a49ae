"""The runner's evidence for the critic (issue 13): every candidate's own output on the user's
workload layers, every report column, blame in pipeline order by own output, the cross-check of
a later module's failing cases against earlier modules, and the critic's verdict from them."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from simcoder.agents.critic import column_mismatches, judge
from simcoder.agents.executor import ExecutionSummary
from simcoder.agents.references import Reference, expected_columns, reference_for
from simcoder.agents.spec import AcceleratorSpec
from simcoder.sandbox import runner
from simcoder.sandbox.job_spec import JobSpec
from simcoder.sandbox.result import ResultDoc
from simcoder.sandbox.types import ExecResult, ExecStatus
from simcoder.simulator.checks.probes import Probe
from simcoder.simulator.checks.runner import ModuleEvidence, ReferenceOutputs
from simcoder.simulator.compat.config_json import config_to_json
from simcoder.simulator.interconnect.reference import ReferenceInterconnect
from simcoder.simulator.mapping.reference import ReferenceMapping
from simcoder.simulator.storage.reference import ReferenceStorage
from simcoder.simulator.types import ArrayConfig, Dataflow, Layer, MemoryConfig, SimConfig

SPEC = AcceleratorSpec(
    name="t",
    array_rows=32,
    array_cols=32,
    dataflow="os",
    ifmap_sram_kib=64,
    filter_sram_kib=64,
    ofmap_sram_kib=64,
    workloads=["alphago_zero"],
    modules=["mapping", "interconnect", "storage"],
)

# wrong only on layers with more than 250 output pixels and 100 channels: no probe is that big,
# AlphaGo Zero's 19x19x256 layers are
BIG_LAYER_MAPPING = """
import dataclasses
from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):
        m = super().map(layer, array)
        if layer.ofmap_pixels > 250 and layer.channels > 100:
            f = m.filter_addresses.copy()
            f[0, 0] = f[1, 0]
            return dataclasses.replace(m, filter_addresses=f)
        return m
"""
# moves only the SRAM OFMAP Writes column: cycles stay right
WRITES_INTERCONNECT = """
import dataclasses
from simcoder.simulator.interconnect.reference import ReferenceInterconnect


class Module(ReferenceInterconnect):
    def schedule(self, mapping):
        s = super().schedule(mapping)
        return dataclasses.replace(s, ofmap_sram_writes=s.ofmap_sram_writes + 1)
"""


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(text))
    return f"{path}:Module"


def _run(tmp_path: Path, modules: dict[str, str], limit: int = 2, **extra: Any) -> dict[str, Any]:
    refs = {w: reference_for(SPEC, w) for w in SPEC.workloads}
    expected = {w: v[:limit] for w, v in expected_columns(refs).items()}
    spec = {
        "nonce": "n",
        "modules": modules,
        "workloads": SPEC.workloads,
        "config": config_to_json(SPEC.sim_config()),
        "quick": True,
        "layer_limit": limit,
        "expected": expected,
        "random_seed": 0,
        "random_budget_s": 0.3,
        **extra,
    }
    result = runner.run(JobSpec.from_json(spec))
    json.dumps(result)  # the document is plain JSON
    return result


def _summary(result: dict[str, Any]) -> ExecutionSummary:
    doc = ResultDoc.model_validate_json(json.dumps(result))
    return ExecutionSummary.of(
        1, ExecResult("t", ExecStatus.OK, 0, False, False, 1, None, "", "", 0, 1, doc)
    )


def _refs(limit: int = 2) -> dict[str, Reference]:
    out = {}
    for w in SPEC.workloads:
        r = reference_for(SPEC, w)
        out[w] = Reference(r.source, r.layers[:limit], r.columns[:limit])
    return out


@pytest.mark.slow  # two AlphaGo Zero layers through every check (~7 s)
def test_a_bug_only_the_users_workload_shows_is_caught_on_its_layers(tmp_path: Path) -> None:
    result = _run(tmp_path, {"mapping": _write(tmp_path, "m", BIG_LAYER_MAPPING)})
    rec = result["modules"]["mapping"]
    workload = [v for v in rec["violations"] if v["check"].startswith("workload.")]
    assert workload and workload[0]["check"] == "workload.mapping.filter_addresses[0,0]"
    assert "alphago_zero layer" in workload[0]["case"]
    assert rec["evidence"]["probes"]["workload"] == 2
    assert rec["evidence"]["failing"]["workload"] == 1  # layer 1 only (17 channels in layer 0)
    assert not [v for v in rec["violations"] if not v["check"].startswith("workload.")]
    verdict = judge(_summary(result), ["mapping"], _refs())
    assert not verdict.accept and verdict.blame == "mapping"
    assert "workload.mapping.filter_addresses" in verdict.feedback
    assert "workload probe" in verdict.evidence["mapping"]


@pytest.mark.slow  # two AlphaGo Zero layers, each candidate alone (~6 s)
def test_a_column_other_than_cycles_is_never_accepted(tmp_path: Path) -> None:
    result = _run(
        tmp_path,
        {"interconnect": _write(tmp_path, "i", WRITES_INTERCONNECT)},
        checks=False,  # only the workloads: no probe may stand in for the final comparison
    )
    summary = _summary(result)
    cycles = [c for _, c in summary.workloads["alphago_zero"].layers]
    assert cycles == [c for _, c in _refs()["alphago_zero"].layers]  # cycles are right
    differ = column_mismatches(summary.workloads, _refs())
    assert differ and all("ofmap_sram_writes" in d or "avg_ofmap_sram_bw" in d for d in differ)
    verdict = judge(summary, ["interconnect"], _refs())
    assert not verdict.accept and verdict.blame == "interconnect"
    assert "ofmap_sram_writes" in verdict.feedback
    # the runner says which module's own output differs on each failing layer
    assert {b["layer"] for b in result["blame"]} == {"Conv", "Res_conv1"}
    assert all(b["own_output_differs"] == ["interconnect"] for b in result["blame"])
    assert all(b["alone"]["interconnect"] == ["ofmap_sram_writes"] for b in result["blame"])
    # the checkpointed state carries blame and evidence as plain JSON and validates them back
    state = json.loads(json.dumps(summary.to_state()))
    assert ExecutionSummary.from_state(state) == summary and summary.blame


@pytest.mark.slow  # three candidates through every check (~13 s)
def test_blame_goes_to_the_first_module_whose_own_output_differs(tmp_path: Path) -> None:
    modules = {
        "mapping": _write(tmp_path, "m", BIG_LAYER_MAPPING),
        "interconnect": _write(tmp_path, "i", WRITES_INTERCONNECT),
        "storage": "simcoder/simulator/storage/reference.py:ReferenceStorage",
    }
    summary = _summary(_run(tmp_path, modules))
    verdict = judge(summary, list(modules), _refs())
    # the interconnect fails its grid; the mapping only on the user's layers: mapping first
    assert summary.modules["interconnect"].violation_count
    assert not verdict.accept and verdict.blame == "mapping"
    assert verdict.passing == ("storage",)


@pytest.mark.slow  # two reference modules through every check on AlphaGo Zero layers (~5 s)
def test_the_accepted_reference_names_its_evidence(tmp_path: Path) -> None:
    modules = {
        "mapping": "simcoder/simulator/mapping/reference.py:ReferenceMapping",
        "storage": "simcoder/simulator/storage/reference.py:ReferenceStorage",
    }
    result = _run(tmp_path, modules)
    summary = _summary(result)
    assert ExecutionSummary.from_state(json.loads(json.dumps(summary.to_state()))) == summary
    verdict = judge(summary, list(modules), _refs())
    assert verdict.accept, verdict.feedback
    assert "every report column" in verdict.feedback
    for m in modules:
        line = verdict.evidence[m]
        assert "grid probe" in line and "spec probe" in line and "workload probe" in line
        assert "random case(s) (seed 0" in line
    assert "alphago_zero (2 layers, 30 columns vs golden" in verdict.compared
    # the reference's outputs are shared by both candidates' checks: one per distinct probe
    uses = [
        sum(n for k, n in ev["probes"].items() if k in ("grid", "spec")) + ev["random"]["cases"]
        for ev in (result["modules"][m]["evidence"] for m in modules)
    ]
    assert max(uses) <= result["reference_outputs_computed"] < sum(uses)


class ChannelBug(ReferenceMapping):
    def map(self, layer: Layer, array: ArrayConfig):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        if layer.channels < 3:
            return m
        f = m.filter_addresses.copy()
        f[-1, :] = -1
        return dataclasses.replace(m, filter_addresses=f)


def test_a_later_modules_failing_case_is_checked_against_earlier_modules() -> None:
    """Point 4: the storage failed on a case the mapping's own probes never drew; the mapping's
    own output differs there, so the mapping is flagged too (and blamed first)."""
    probe = Probe(
        Layer("c", 6, 6, 3, 3, 4, 5, 1),
        SimConfig(ArrayConfig(4, 4, Dataflow.OUTPUT_STATIONARY), MemoryConfig(1, 1, 1)),
        "random",
    )
    evidence = {
        "mapping": ModuleEvidence("mapping"),
        "storage": ModuleEvidence("storage", failing_probes=[probe]),
    }
    loaded = {"mapping": ChannelBug(), "storage": ReferenceStorage()}
    runner._cross_check(loaded, evidence, ReferenceOutputs())
    assert evidence["mapping"].failing == {"cross": 1}
    assert evidence["mapping"].violations[0].check.startswith("cross.differential.mapping")
    clean = {"interconnect": ModuleEvidence("interconnect"), "storage": evidence["storage"]}
    runner._cross_check(
        {"interconnect": ReferenceInterconnect(), "storage": ReferenceStorage()},
        clean,
        ReferenceOutputs(),
    )
    assert clean["interconnect"].violations == []
