"""The fast path's kernels, compiled ahead of time so that a run does not import numba.

`kernels.py` holds the kernels as numba functions. Importing numba (with llvmlite) costs about
90 MB of resident memory and ~0.2 s per process, more than the simulation itself on small
networks; so the first run compiles the four public kernels with ``numba.pycc`` into a plain
CPython extension module (it links numba's runtime statically and needs only numpy at run
time), in a child process so the parent never imports numba. Later runs import that module.

The module lives in a per-machine cache keyed by the kernels' source, numba, numpy and Python
versions, so an edit or an upgrade rebuilds it. When it cannot be built (no C compiler, a
read-only cache) the numba JIT kernels are used instead, with one warning saying why.
``SIMCODER_KERNELS=jit`` forces the JIT kernels, ``=aot`` makes a failed build an error.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import warnings
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

MODULE = "_simcoder_kernels"
_HERE = Path(__file__).resolve().parent
_SOURCES = ("kernels.py", "geometry.py", "compiled.py")

_A1, _A2 = "i8[::1]", "i8[:,::1]"
# name -> numba signature (C-contiguous int64 arrays; the engine only passes fresh arrays)
SIGNATURES = {
    "prefetch_walk": f"Tuple(({_A1},{_A1},{_A1}))"
    f"({_A2},{_A2},{_A2},i8,i8,i8,b1,i8,i8,{_A1},{_A1},{_A1},b1)",
    "epoch_walk": f"Tuple(({_A1},{_A1}))({_A2},{_A2},{_A2},i8,i8,i8,b1,i8,i8,i8,i8)",
    "ofmap_row_counts": f"{_A1}({_A2},i8)",
    "timeline": f"Tuple(({_A1},{_A1},{_A1}))({_A1},i8,i8,{_A1},{_A1},{_A1},{_A1},{_A1},{_A1},b1)",
}


class KernelBuildError(RuntimeError):
    """The ahead-of-time build failed; the message carries the compiler's output."""


def cache_root() -> Path:
    """``$SIMCODER_CACHE_DIR``, else ``$XDG_CACHE_HOME/simcoder``, else ``~/.cache/simcoder``."""
    if env := os.environ.get("SIMCODER_CACHE_DIR"):
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "simcoder"


def build_key() -> str:
    """Changes whenever the compiled module could differ: sources and toolchain versions."""
    h = hashlib.sha256()
    for name in _SOURCES:
        h.update((_HERE / name).read_bytes())
    for part in (
        importlib.metadata.version("numba"),
        np.__version__,
        sys.implementation.cache_tag,
        sysconfig.get_platform(),
    ):
        h.update(part.encode())
    return h.hexdigest()[:16]


def module_dir() -> Path:
    return cache_root() / "kernels" / build_key()


def _find(directory: Path) -> Path | None:
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = directory / f"{MODULE}{suffix}"
        if path.is_file():
            return path
    return None


def _import(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(MODULE, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(directory: Path) -> Path:
    """Compile the kernels into ``directory`` (in a child process) and return the module path.

    Concurrent builders do not collide: each compiles into its own temporary directory and
    renames it into place; the loser of the race keeps the winner's module.
    """
    if found := _find(directory):
        return found
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=directory.parent))
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "simcoder.simulator.fast.compiled", str(tmp)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if proc.returncode != 0 or _find(tmp) is None:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-12:]
            raise KernelBuildError("\n".join(tail) or f"exit status {proc.returncode}")
        try:
            tmp.rename(directory)
        except OSError:  # another process finished first
            if _find(directory) is None:
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    found = _find(directory)
    assert found is not None
    return found


def load(mode: str | None = None) -> Any:
    """The kernels: the ahead-of-time module (built on first use) or numba's JIT functions."""
    mode = (mode or os.environ.get("SIMCODER_KERNELS") or "auto").lower()
    if mode not in ("auto", "aot", "jit"):
        raise ValueError(f"SIMCODER_KERNELS={mode!r}: use auto, aot or jit")
    if mode != "jit":
        directory = module_dir()
        try:
            path = _find(directory)
            if path is None:
                print(
                    f"simcoder: compiling the fast-path kernels once into {directory} ...",
                    file=sys.stderr,
                    flush=True,
                )
                path = build(directory)
            return _import(path)
        except (OSError, KernelBuildError, subprocess.SubprocessError, ImportError) as exc:
            if mode == "aot":
                raise
            warnings.warn(
                f"simcoder: using numba's JIT kernels (more memory, slower start): the "
                f"ahead-of-time build in {directory} failed: {exc}",
                RuntimeWarning,
                stacklevel=2,
            )
    from simcoder.simulator.fast import kernels

    return kernels


@cache
def kernels() -> Any:
    """The process's kernels (see :func:`load`), loaded once."""
    return load()


def _compile(out_dir: str) -> None:
    with warnings.catch_warnings():  # pycc is "pending deprecation" with no replacement yet
        warnings.simplefilter("ignore")
        CC: Any = importlib.import_module("numba.pycc").CC

        from simcoder.simulator.fast import kernels as jit

        cc = CC(MODULE)
        cc.output_dir = out_dir
        cc.verbose = False
        for name, signature in SIGNATURES.items():
            cc.export(name, signature)(getattr(jit, name).py_func)
        cc.compile()


if __name__ == "__main__":
    _compile(sys.argv[1])
