"""`simcoder sandbox exec` as a user runs it, and the runner on candidate modules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simcoder.sandbox.jobs import prepare_job
from simcoder.sandbox.types import ExecStatus, Limits
from tests.conftest import run_simcoder
from tests.sandbox.conftest import make_sandbox


def test_exec_prints_the_exec_result(backend: str, tmp_path: Path) -> None:
    (tmp_path / "hello.py").write_text("open('made.txt', 'w').write('hi'); print('hello')\n")
    exec_args = ("--backend", backend, "--timeout", "30", "--", "python3", "hello.py")
    r = run_simcoder("sandbox", "exec", *exec_args, cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["backend"] == backend and result["status"] == "ok"
    assert result["stdout"] == "hello\n"
    assert (tmp_path / "out" / "made.txt").read_text() == "hi"  # outputs come back in ./out


def test_exec_without_command_is_a_clear_error(tmp_path: Path) -> None:
    r = run_simcoder("sandbox", "exec", "--backend", "local", cwd=tmp_path, timeout=60)
    assert r.returncode != 0 and "give a command after --" in r.stderr
    assert "Traceback" not in r.stderr


def test_local_backend_says_it_is_not_isolation(tmp_path: Path) -> None:
    exec_args = ("--backend", "local", "--", "python3", "-c", "print(1)")
    r = run_simcoder("sandbox", "exec", *exec_args, cwd=tmp_path, timeout=60)
    assert r.returncode == 0
    assert "not isolation" in r.stderr
    assert json.loads(r.stdout)["isolated"] is False


BUGGY_MAPPING = """
import dataclasses
from simcoder.simulator.mapping.reference import ReferenceMapping

class Buggy(ReferenceMapping):
    def map(self, layer, array):
        m = super().map(layer, array)
        return dataclasses.replace(m, mapping_efficiency=m.mapping_efficiency * 0.5)
"""


@pytest.mark.slow
def test_runner_reports_candidate_violations_and_workload_numbers(
    backend: str, tmp_path: Path
) -> None:
    good = tmp_path / "good.py"
    good.write_text("from simcoder.simulator.storage.reference import ReferenceStorage as S\n")
    bad = tmp_path / "bad.py"
    bad.write_text(BUGGY_MAPPING)
    job = prepare_job(
        tmp_path / "job",
        {"storage": f"{good}:S", "mapping": f"{bad}:Buggy"},
        workloads=["alphago_zero"],
        limits=Limits(timeout_s=300, memory_mb=4096),
    )
    r = make_sandbox(backend).run(job)
    assert r.status is ExecStatus.OK, r.stderr
    assert r.result is not None
    assert r.result.modules["storage"].violations == ()
    assert r.result.modules["mapping"].failure is None
    checks = {v.check for v in r.result.modules["mapping"].violations}
    assert "column.mapping_efficiency_pct" in checks
    assert "differential.mapping.mapping_efficiency" in checks
    layers = r.result.workloads[0].layers
    assert len(layers) == 8 and layers[0].total_cycles == 17199


def test_runner_reports_an_import_error(backend: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("import socket\nraise ImportError('cannot import the network')\n")
    job = prepare_job(tmp_path / "job", {"interconnect": f"{broken}:X"}, checks=True)
    r = make_sandbox(backend).run(job)
    assert r.status is ExecStatus.OK and r.result is not None
    record = r.result.modules["interconnect"]
    assert record.failure == "import"
    assert record.error == "ImportError: cannot import the network"
    assert "ImportError" in (record.traceback or "")


def test_runner_names_a_module_without_the_contracts_method(backend: str, tmp_path: Path) -> None:
    """The typed failure kind the eval classifies on: the loader refused it (``interface``)."""
    wrong = tmp_path / "wrong.py"
    wrong.write_text("class Module:\n    def route(self, mapping):\n        return mapping\n")
    job = prepare_job(tmp_path / "job", {"interconnect": f"{wrong}:Module"}, checks=True)
    r = make_sandbox(backend).run(job)
    assert r.status is ExecStatus.OK and r.result is not None
    record = r.result.modules["interconnect"]
    assert record.failure == "interface" and record.error is not None
    assert "schedule()" in record.error


def test_runner_refuses_other_versions(backend: str, tmp_path: Path) -> None:
    job = prepare_job(tmp_path / "job", {}, checks=False)
    spec = json.loads((job.directory / "job.json").read_text())
    spec["numpy"] = "1.0.0"
    (job.directory / "job.json").write_text(json.dumps(spec))
    r = make_sandbox(backend).run(job)
    assert r.status is ExecStatus.FAILED and r.exit_code == 3
    assert "numpy 2.3.5 != host's pinned 1.0.0" in r.stderr


def test_the_job_package_is_the_whole_tree_and_the_config_travels(tmp_path: Path) -> None:
    """One builder: the workflow's package holds everything (the fast path, the agents), and
    the job carries the accelerator spec's config in the one JSON shape."""
    from simcoder.agents.spec import paper_spec
    from simcoder.simulator.compat.config_json import config_from_json

    config = paper_spec(array_rows=8, bandwidth_mode="USER", dram_words_per_cycle=4).sim_config()
    job = prepare_job(tmp_path / "job", {}, config=config, checks=False)
    pkg = job.directory / "pkg" / "simcoder"
    for part in ("simulator/fast", "simulator/storage/reference.py", "agents", "sandbox/runner.py"):
        assert (pkg / part).exists(), part
    assert not list(pkg.rglob("__pycache__"))
    spec = json.loads((job.directory / "job.json").read_text())
    assert config_from_json(spec["config"]) == config
    default = prepare_job(tmp_path / "default", {}, checks=False)
    from simcoder.simulator.presets import PRESETS

    doc = json.loads((default.directory / "job.json").read_text())["config"]
    assert config_from_json(doc) == PRESETS["paper"]


def test_runner_in_process_runs_a_workload_at_the_jobs_config(tmp_path: Path) -> None:
    """The runner uses the job's config, not a preset: a smaller array, more cycles."""
    from simcoder.agents.spec import paper_spec
    from simcoder.sandbox.job_spec import JobSpec
    from simcoder.sandbox.runner import run

    def cycles(rows: int) -> int:
        job = prepare_job(
            tmp_path / str(rows),
            {},
            workloads=["alphago_zero"],
            config=paper_spec(array_rows=rows).sim_config(),
            checks=False,
            layer_limit=1,
        )
        result = run(JobSpec.from_json(json.loads((job.directory / "job.json").read_text())))
        [workload] = result["workloads"]
        assert workload["error"] is None and len(workload["layers"]) == 1
        return int(workload["layers"][0]["fields"]["total_cycles"])

    assert cycles(8) > cycles(32)
