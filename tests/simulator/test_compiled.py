"""The ahead-of-time kernels: equal to numba's JIT ones, loaded without numba, and a failed
build falls back (or, when asked for ``aot``, fails) with a message that says why."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from simcoder.simulator.checks.probes import probe_grid
from simcoder.simulator.errors import ScaleSimFailure
from simcoder.simulator.fast import compiled
from simcoder.simulator.fast import engine as fast_engine
from simcoder.simulator.fast.engine import fast_simulate_layer

PROBES = probe_grid()


def test_aot_module_is_the_default_and_not_numba() -> None:
    k = compiled.kernels()
    assert k.__name__ == compiled.MODULE
    assert Path(k.__file__).parent == compiled.module_dir()


@pytest.mark.slow  # compiles the JIT kernels
def test_jit_and_aot_kernels_agree_on_the_probe_grid(monkeypatch: pytest.MonkeyPatch) -> None:
    aot, jit = compiled.load("aot"), compiled.load("jit")
    assert aot is not jit
    compared = 0
    for probe in PROBES:
        got = []
        for module in (aot, jit):
            monkeypatch.setattr(fast_engine, "kernels", lambda m=module: m)
            try:
                got.append(dataclasses.asdict(fast_simulate_layer(probe.layer, probe.config)))
            except ScaleSimFailure as exc:
                got.append({"failure": str(exc)})
        assert got[0] == got[1], probe.name
        compared += 1
    assert compared >= 100


def test_a_whole_run_does_not_import_numba(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from simcoder.api import simulate\n"
        f"simulate('paper', 'alphago_zero', outdir={str(tmp_path)!r})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numba', 'llvmlite')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
    assert (tmp_path / "COMPUTE_REPORT.csv").is_file()


def test_failed_build_falls_back_to_jit_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("SIMCODER_CACHE_DIR", str(blocker))
    with pytest.warns(RuntimeWarning, match="JIT kernels.*not-a-dir"):
        k = compiled.load()
    assert k.__name__ == "simcoder.simulator.fast.kernels"
    with pytest.raises(OSError):
        compiled.load("aot")


def test_a_build_that_fails_in_the_compiler_names_its_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIMCODER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "executable", "/bin/false")
    with pytest.raises(compiled.KernelBuildError, match="exit status 1"):
        compiled.build(tmp_path / "k")
    assert not any(p.name.startswith(".build-") for p in tmp_path.iterdir())


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="auto, aot or jit"):
        compiled.load("fast")
