"""Models and topology files wherever a workload goes: the command line (import, then
simulate), the generate/bench spec, the sandbox job (which carries the layers: the sandbox has
neither torch nor the user's files) and the reference; and SCALE-Sim's own reader on a
``--plain`` file."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import pytest

from simcoder.agents.references import CORE, reference_for
from simcoder.agents.spec import paper_spec
from simcoder.sandbox.jobs import prepare_job
from simcoder.workloads.builtin import get_workload
from simcoder.workloads.imports import topology_text
from tests.conftest import need_scalesim
from tests.conftest import run_simcoder as simcoder
from tests.workloads.test_model_import import _need


def _csv(tmp_path: Path, scale: int = 1) -> Path:
    """Two AlexNet layers, their channels and filters divided by ``scale`` (names kept)."""
    layers = [
        dataclasses.replace(
            x, channels=max(1, x.channels // scale), num_filters=x.num_filters // scale
        )
        for x in get_workload("alexnet")[:2]
    ]
    path = tmp_path / "mine.csv"
    path.write_text(topology_text(layers, False, ["two AlexNet layers"]))
    return path


def test_a_topology_file_is_a_workload_the_sandbox_job_carries(tmp_path: Path) -> None:
    from simcoder.sandbox.job_spec import JobSpec
    from simcoder.sandbox.runner import run

    path = _csv(tmp_path, scale=8)  # small: what is tested is that the layers travel
    spec = paper_spec(workloads=[str(path)])
    assert reference_for(spec, str(path)).source == CORE  # no SCALE-Sim numbers for it
    job = prepare_job(tmp_path / "job", {}, workloads=[str(path)], checks=False)
    doc = JobSpec.from_json(json.loads((job.directory / "job.json").read_text()))
    path.unlink()  # the job does not need the file: its layers travel with it
    [workload] = run(doc)["workloads"]
    assert workload["error"] is None
    assert [x["name"] for x in workload["layers"]] == ["Conv1", "Conv2"]


def test_spec_workloads_take_models_and_say_what_else() -> None:
    assert paper_spec(workloads=["torchvision:resnet18"]).workloads == ["torchvision:resnet18"]
    with pytest.raises(ValueError, match=r"a model \(torchvision:NAME"):
        paper_spec(workloads=["resnet-nonsense"])


@pytest.mark.slow
def test_import_then_simulate_on_the_command_line(tmp_path: Path) -> None:
    _need("torchvision")
    out = tmp_path / "r18.csv"
    r = simcoder("import", "torchvision:resnet18", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "skipped (no layer; not simulated): native_batch_norm 20" in r.stderr
    assert out.read_text().startswith("# simcoder import torchvision:resnet18")
    from_file = simcoder("simulate", "-c", "paper", "-t", str(out), "--json")
    direct = simcoder("simulate", "-c", "paper", "-t", "torchvision:resnet18", "--json")
    assert from_file.returncode == direct.returncode == 0, from_file.stderr + direct.stderr
    a, b = json.loads(from_file.stdout), json.loads(direct.stdout)
    assert a["total_cycles"] == b["total_cycles"] > 0 and len(a["layers"]) == 21
    bad = simcoder("import", str(tmp_path / "missing.onnx"), "-o", str(tmp_path / "x.csv"))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "missing.onnx: no such file" in bad.stderr


@pytest.mark.slow
def test_scalesims_own_reader_takes_a_plain_file(tmp_path: Path) -> None:
    _need("torchvision")
    python = need_scalesim()
    out = tmp_path / "mnv2.csv"
    r = simcoder("import", "torchvision:mobilenet_v2", "--plain", "-o", str(out))
    assert r.returncode == 0, r.stderr
    code = (
        "import sys\nfrom scalesim.topology_utils import topologies\n"
        "t = topologies()\nt.load_arrays(sys.argv[1])\n"
        "print(t.get_num_layers())\n"
    )
    got = subprocess.run([python, "-c", code, str(out)], capture_output=True, text=True, check=True)
    from simcoder.simulator.compat.topology import expand_depthwise, read_topology

    # SCALE-Sim expands each DP layer into one layer per channel, as our reader does
    assert int(got.stdout.strip().splitlines()[-1]) == len(expand_depthwise(read_topology(out)))


def test_a_list_of_workloads_keeps_a_models_overrides_together() -> None:
    from simcoder.workloads.builtin import split_workloads

    text = "gpt2, transformers:gpt2,n_layer=2,n_embd=64,mine.csv,torchvision:resnet18"
    assert split_workloads(text) == [
        "gpt2",
        "transformers:gpt2,n_layer=2,n_embd=64",
        "mine.csv",
        "torchvision:resnet18",
    ]
    assert split_workloads("alexnet,,resnet50") == ["alexnet", "resnet50"]


def test_explore_weights_and_model_strings_share_the_colon() -> None:
    from simcoder.cli.explore import _weighted
    from simcoder.simulator.errors import UserError

    assert _weighted("resnet50") == ("resnet50", 1.0)
    assert _weighted("resnet50:2") == ("resnet50", 2.0)
    assert _weighted("torchvision:resnet50") == ("torchvision:resnet50", 1.0)
    assert _weighted("torchvision:resnet50:0.5") == ("torchvision:resnet50", 0.5)
    assert _weighted("net.py:make") == ("net.py:make", 1.0)
    with pytest.raises(UserError, match="NETWORK:WEIGHT"):
        _weighted("resnet50:1.2.3")
