"""The package layout needs no import hook: a fresh clone imports with ``PYTHONPATH=.`` and no
install, and a wheel built from the tree installs and simulates (docs/architecture.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _clone(dest: Path) -> Path:
    """A fresh clone of this checkout's committed tree (uncommitted edits are not in it)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the layout is checked on a clone")
    subprocess.run(
        ["git", "clone", "--quiet", "--depth", "1", f"file://{ROOT}", str(dest)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return dest


def _without_pythonpath() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def test_a_fresh_clone_imports_with_pythonpath_and_no_install(tmp_path: Path) -> None:
    clone = _clone(tmp_path / "clone")
    code = (
        "import json, sys, simcoder.graph.build, simcoder.simulator.engine\n"
        "print(json.dumps({m: getattr(sys.modules[m], '__file__', None)"
        " for m in sys.modules if m == 'simcoder' or m.startswith('simcoder.')}))\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        cwd=clone,
        env={**_without_pythonpath(), "PYTHONPATH": str(clone)},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    files = json.loads(r.stdout.splitlines()[-1])
    assert {"simcoder.graph.build", "simcoder.simulator.engine"} <= set(files)
    outside = {
        m: f
        for m, f in files.items()
        if f is not None and not Path(f).resolve().is_relative_to(clone.resolve())
    }
    assert outside == {}, "imported from outside the clone (an install's import hook?)"
    # through the committed symlink simcoder/graph -> ../graph, as a plain directory
    assert Path(files["simcoder.graph.build"]) == clone / "simcoder" / "graph" / "build.py"


@pytest.mark.slow
def test_a_wheel_installs_and_simulates_outside_the_repo(tmp_path: Path) -> None:
    """Build a wheel from a clone, install it (no deps, no index) into a fresh venv that reuses
    this venv's site-packages through a .pth line, and run the console script elsewhere."""
    clone = _clone(tmp_path / "clone")
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(clone)],
        check=True,
        timeout=600,
        env=_without_pythonpath(),
    )
    (wheel,) = dist.glob("simcoder-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # a path line only: the editable install's .pth (its import hook) in there is not run
    Path(purelib, "shared-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = ["install", "-q", "--no-deps", "--no-index", str(wheel)]
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), *install],
        check=True,
        timeout=300,
        env=_without_pythonpath(),
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**_without_pythonpath(), "PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '')}"}

    def installed_simulate(flag: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [venv / "bin" / "simcoder", "simulate", "-c", "paper", "-t", "alexnet", flag],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    r = installed_simulate("--json")
    assert r.returncode == 0, r.stderr
    installed = json.loads(r.stdout)
    r = installed_simulate("--energy")  # package data: the default energy table (YAML) ships
    assert r.returncode == 0 and "mm2 at 40nm" in r.stdout, r.stdout + r.stderr
    where = subprocess.run(
        [python, "-c", "import simcoder.simulator.engine as e; print(e.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(purelib), where  # the wheel's copy, not this tree
    tree = subprocess.run(
        [sys.executable, "-m", "simcoder", "simulate", "-c", "paper", "-t", "alexnet", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert _numbers(installed) == _numbers(json.loads(tree.stdout))


def _numbers(report: object) -> object:
    """The report without its timings (they differ run to run)."""
    if isinstance(report, dict):
        return {k: _numbers(v) for k, v in report.items() if "second" not in k and k != "wall_s"}
    if isinstance(report, list):
        return [_numbers(v) for v in report]
    return report
