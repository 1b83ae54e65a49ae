"""Build a job directory: the candidate modules, the simulator package, and a job spec."""

from __future__ import annotations

import json
import secrets
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import simcoder
from simcoder.sandbox.runtime import pinned_numpy, python_minor
from simcoder.sandbox.types import Job, Limits

RUNNER = ("python3", "-m", "simcoder.sandbox.runner", "job.json")


def copy_package(dest: Path) -> None:
    """The simulator package, as installed, so that editing code needs no image rebuild."""
    src = Path(simcoder.__file__).parent
    target = dest / "simcoder"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(src, target, ignore=ignore, dirs_exist_ok=True)
    import simcoder.sandbox as sb
    import simcoder.simulator as sim
    import simcoder.workloads as wl

    for mod, name in ((sim, "simulator"), (wl, "workloads"), (sb, "sandbox")):
        assert mod.__file__ is not None
        shutil.copytree(Path(mod.__file__).parent, target / name, ignore=ignore, dirs_exist_ok=True)


def prepare_job(
    directory: Path,
    candidates: Mapping[str, str],
    *,
    workloads: Sequence[str] = (),
    preset: str = "paper",
    checks: bool = True,
    quick: bool = True,
    limits: Limits | None = None,
    config: Mapping[str, object] | None = None,
    expected: Mapping[str, Sequence[int]] | None = None,
    layer_limit: int | None = None,
) -> Job:
    """``candidates`` maps a module kind to ``path/file.py:Attr`` on the host; each file is
    copied in as ``candidate/<kind>.py``. ``expected`` (per workload, the reference's cycles
    per layer) lets the runner run each candidate alone where the combination differs; the
    host still compares every number itself."""
    directory.mkdir(parents=True, exist_ok=True)
    copy_package(directory / "pkg")
    modules = {}
    for kind, spec in candidates.items():
        path, _, attr = spec.rpartition(":")
        (directory / "candidate").mkdir(exist_ok=True)
        shutil.copyfile(path, directory / "candidate" / f"{kind}.py")
        modules[kind] = f"candidate/{kind}.py:{attr}"
    nonce = secrets.token_hex(16)
    spec_doc = {
        "nonce": nonce,
        "python_minor": python_minor(),
        "numpy": pinned_numpy(),
        "modules": modules,
        "workloads": list(workloads),
        "preset": preset,
        "checks": checks,
        "quick": quick,
    }
    if config is not None:
        spec_doc["config"] = dict(config)
    if layer_limit is not None:  # only each workload's first layers (quick timings)
        spec_doc["layer_limit"] = int(layer_limit)
    if expected is not None:
        spec_doc["expected"] = {w: [int(c) for c in v] for w, v in expected.items()}
    (directory / "job.json").write_text(json.dumps(spec_doc, indent=2))
    return Job(
        directory,
        RUNNER,
        limits or Limits(),
        expect_result=True,
        env=(("PYTHONPATH", "pkg"),),
        nonce=nonce,
    )
