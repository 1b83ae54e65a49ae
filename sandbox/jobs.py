"""Build a job directory: the package the runner imports, the candidate modules, a job spec.

One builder for every job (workflow executions, ``simcoder bench``, ``simcoder eval``): the
package is copied from one place, ``simcoder``'s own source tree (its subfolders link to the
top-level folders, so the copy is the tree as installed), so editing code needs no image rebuild.
What differs between jobs is a parameter: which parts of the tree travel (``include``), which
stay out (``exclude``: the eval withholds the target module and the fast path), the runner."""

from __future__ import annotations

import dataclasses
import json
import secrets
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from simcoder.sandbox.job_spec import ChangeSpec, ExpectedLayer, JobSpec, layer_json
from simcoder.sandbox.runtime import pinned_numpy, python_minor
from simcoder.sandbox.types import Job, Limits
from simcoder.simulator.compat.config_json import config_to_json
from simcoder.simulator.presets import PRESETS
from simcoder.simulator.types import SimConfig

# simcoder's source tree: this file is simcoder/sandbox/jobs.py there (not resolved, so that the
# tree's links to the top-level folders stay its subfolders; no import of the package root)
PACKAGE = Path(__file__).parent.parent
RUNNER = ("python3", "-m", "simcoder.sandbox.runner", "job.json")


def copy_package(
    dest: Path, include: Sequence[str] | None = None, exclude: Sequence[str] = ()
) -> None:
    """``simcoder``'s source tree as ``dest/simcoder``: all of it, or only the ``include`` paths
    (relative to the package, files or folders), less the ``exclude`` paths and bytecode."""
    src = PACKAGE
    target = dest / "simcoder"
    skipped = {src / p for p in exclude}

    def ignore(folder: str, names: list[str]) -> set[str]:
        here = Path(folder)
        return {n for n in names if n == "__pycache__" or n.endswith(".pyc") or here / n in skipped}

    for part in include if include is not None else ["."]:
        origin, copy = src / part, target / part
        copy.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, copy, ignore=ignore, dirs_exist_ok=True)
        else:
            shutil.copyfile(origin, copy)


def build_job(
    directory: Path,
    spec: JobSpec,
    candidates: Mapping[str, Path],
    *,
    runner: tuple[str, ...] = RUNNER,
    limits: Limits | None = None,
    include: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
) -> Job:
    """The job directory: the package (see ``copy_package``), each host file of ``candidates``
    copied in as ``candidate/<name>.py``, and ``job.json``: ``spec`` with a fresh nonce and the
    pinned Python and numpy, which the runner checks before it runs anything."""
    directory.mkdir(parents=True, exist_ok=True)
    copy_package(directory / "pkg", include, exclude)
    for name, path in candidates.items():
        (directory / "candidate").mkdir(exist_ok=True)
        shutil.copyfile(path, directory / "candidate" / f"{name}.py")
    nonce = secrets.token_hex(16)
    spec = dataclasses.replace(spec, nonce=nonce, python_minor=python_minor(), numpy=pinned_numpy())
    (directory / "job.json").write_text(json.dumps(spec.to_json(), indent=2))
    return Job(
        directory,
        runner,
        limits or Limits(),
        expect_result=True,
        env=(("PYTHONPATH", "pkg"),),
        nonce=nonce,
    )


def prepare_job(
    directory: Path,
    candidates: Mapping[str, str],
    *,
    workloads: Sequence[str] = (),
    preset: str = "paper",
    checks: bool = True,
    quick: bool = True,
    limits: Limits | None = None,
    config: SimConfig | None = None,
    expected: Mapping[str, Sequence[ExpectedLayer]] | None = None,
    layer_limit: int | None = None,
    random_seed: int = 0,
    random_budget_s: float = 0.0,
    random_max_cases: int | None = None,
    changes: Mapping[str, Mapping[str, object]] | None = None,
    alternates: Mapping[str, str] | None = None,
) -> Job:
    """A workflow job: ``candidates`` maps a module kind to ``path/file.py:Attr`` on the host;
    the workloads run at ``config`` (else the ``preset``). ``expected`` (per workload, the
    reference's report columns, or cycles, per layer) lets the runner say which candidate
    moves a column where the combination differs; the host still compares every number
    itself. ``random_seed``/``random_budget_s``: each candidate's random differential cases.
    ``changes``: per changed module, the columns its rules move (``moved``) and its rule
    examples; ``alternates``: a second version of a changed module, compared with the first."""
    files, modules = {}, {}
    for kind, target in candidates.items():
        path, _, attr = target.rpartition(":")
        files[kind] = Path(path)
        modules[kind] = f"candidate/{kind}.py:{attr}"
    job_changes: dict[str, ChangeSpec] = {}
    if changes:  # modules meant to differ from SCALE-Sim: columns they move, rule examples
        job_changes = {k: ChangeSpec.from_json(v, f"changes.{k}") for k, v in changes.items()}
        for kind, target in (alternates or {}).items():  # a second, independent version
            path, _, attr = target.rpartition(":")
            files[f"{kind}_b"] = Path(path)
            alternate = f"candidate/{kind}_b.py:{attr}"
            job_changes[kind] = dataclasses.replace(
                job_changes.get(kind, ChangeSpec()), alternate=alternate
            )
    from simcoder.workloads.builtin import WORKLOADS, get_workload

    imported = [w for w in workloads if w not in WORKLOADS]
    # models and topology files: resolved here, their layers carried in the job
    layers = {w: tuple(layer_json(x) for x in get_workload(w)) for w in imported}
    spec = JobSpec(
        modules=modules,
        workloads=tuple(workloads),
        config=config_to_json(config if config is not None else PRESETS[preset]),
        checks=checks,
        quick=quick,
        random_seed=int(random_seed),
        random_budget_s=float(random_budget_s),
        random_max_cases=random_max_cases,
        changes=job_changes,
        layers=layers,
        # only each workload's first layers (quick timings)
        layer_limit=None if layer_limit is None else int(layer_limit),
        expected={} if expected is None else {w: tuple(v) for w, v in expected.items()},
    )
    return build_job(directory, spec, files, limits=limits)
