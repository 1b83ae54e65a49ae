from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

# the run's seconds by group at its end (tests/timings.py)
from timings import pytest_runtest_logreport, pytest_terminal_summary  # noqa: F401  (hooks)

ROOT = Path(__file__).resolve().parents[1]
SHARED_SCALESIM = ROOT.parent / "shared" / "reference" / "scalesim"
# seconds of random differential cases per module and round in the workflow's routing tests
# (WorkflowConfig's default is 3): they test where a verdict leads, not what random cases
# find, which tests/simulator/test_spec_checks.py and the critic study measure
ROUTING_RANDOM_S = 0.5


def simcoder_command(*args: str) -> list[str]:
    """``python -m simcoder ARGS`` with the interpreter running the tests."""
    return [sys.executable, "-m", "simcoder", *args]


def run_simcoder(
    *args: str, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """The command line as a user runs it: its exit code, stdout and stderr (never raises)."""
    return subprocess.run(
        simcoder_command(*args),
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


def need_scalesim() -> str:
    """SCALE-Sim 3.0.0's interpreter; a skip where it is missing, a failure in CI (which
    installs it)."""
    from simcoder.agents.scalesim_live import ScaleSimUnavailable, find_python

    try:
        return find_python()
    except ScaleSimUnavailable as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def scalesim_reference() -> Path:
    """SCALE-Sim's configs and topologies, as data beside the repo (../shared)."""
    if not SHARED_SCALESIM.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_SCALESIM} is missing; CI must clone with ../shared beside it")
        pytest.skip("../shared/reference/scalesim is not beside this checkout")
    return SHARED_SCALESIM


@pytest.fixture(autouse=True)
def _no_global_llm_cache() -> object:
    """A command run in-process with a model (``generate --model ...``) sets LangChain's global
    LLM cache to its run directory; reset it after every test so that no later test's scripted
    model is answered from another test's cache (or from a file that test's tmp_path removed)."""
    yield
    if "langchain_core.globals" in sys.modules:
        from langchain_core.globals import set_llm_cache

        set_llm_cache(None)
