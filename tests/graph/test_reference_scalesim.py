"""The ``scalesim`` reference: real SCALE-Sim 3.0.0 run live (CI installs it with
scripts/setup_scalesim.sh; elsewhere these tests skip when it is missing)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from simcoder.agents.references import GOLDEN, reference_for
from simcoder.agents.scalesim_live import ScaleSimUnavailable, find_python, run_scalesim
from simcoder.agents.spec import read_spec
from simcoder.graph.config import WorkflowConfig
from simcoder.simulator.compat.config_json import spec_config
from simcoder.simulator.engine import simulate_network
from simcoder.simulator.types import Layer, SimConfig
from tests.conftest import need_scalesim

ROOT = Path(__file__).resolve().parents[2]


LAYERS = [
    Layer("conv_partial", 7, 5, 5, 1, 4, 12, 3),  # the stride leaves a partial window
    Layer.from_gemm("gemm", 37, 23, 19),
    Layer("DP_dw", 6, 6, 3, 3, 3, 4, 1, depthwise=True),  # SCALE-Sim expands it per channel
    Layer("cDPx", 6, 6, 2, 2, 2, 5, 1),  # "DP" in the name, not depthwise: must not expand
]
_USER = spec_config(5, 7, "os", (2, 4, 1), "USER", 2)
CONFIGS = [
    spec_config(8, 8, "ws", (2, 2, 1)),
    # the ofmap drain apart from the read banks: each .cfg field lands where SCALE-Sim reads it
    dataclasses.replace(
        _USER, memory=dataclasses.replace(_USER.memory, ofmap_dram_words_per_cycle=4)
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("config", CONFIGS, ids=["ws-calc", "os-user"])
def test_live_scalesim_equals_the_core_and_is_cached(
    config: SimConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_scalesim()
    monkeypatch.setenv("SIMCODER_CACHE_DIR", str(tmp_path))
    got = run_scalesim(config, LAYERS)
    want = [r.total_cycles for r in simulate_network(LAYERS, config).layers]
    assert got == want and len(got) == 6  # the depthwise layer became one per channel
    cached = list((tmp_path / "scalesim").glob("*.json"))
    assert len(cached) == 1 and json.loads(cached[0].read_text())["total_cycles"] == got
    monkeypatch.setenv("SIMCODER_SCALESIM_PYTHON", "/nonexistent/python")
    assert run_scalesim(config, LAYERS) == got  # from the cache: SCALE-Sim is not run again


@pytest.mark.slow
def test_scalesim_reference_on_a_whole_network_equals_the_committed_golden_numbers() -> None:
    need_scalesim()
    spec = read_spec(ROOT / "examples" / "paper-os.yaml")
    live = reference_for(spec, "ncf", mode="scalesim")
    golden = reference_for(spec, "ncf")
    assert golden.source == GOLDEN and live.source.startswith("scalesim (SCALE-Sim 3.0.0 run")
    assert live.layers == golden.layers


def test_a_missing_scalesim_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIMCODER_SCALESIM_PYTHON", "/nonexistent/python")
    with pytest.raises(ScaleSimUnavailable, match="no such file"):
        find_python()
    monkeypatch.setenv("SIMCODER_SCALESIM_PYTHON", "/bin/false")  # runs, has no scalesim
    with pytest.raises(ScaleSimUnavailable, match="cannot import scalesim"):
        find_python()


def test_reference_choice_is_validated(tmp_path: Path) -> None:
    spec = read_spec(ROOT / "examples" / "paper-os.yaml")
    with pytest.raises(ValueError, match="choose auto, golden, simcoder or scalesim"):
        WorkflowConfig(run_dir=tmp_path, spec=spec, reference="scale-sim")
    core = reference_for(spec, "ncf", mode="simcoder")
    assert (
        core.source.startswith("simcoder core") and core.layers == reference_for(spec, "ncf").layers
    )
