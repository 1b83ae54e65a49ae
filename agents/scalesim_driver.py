"""One SCALE-Sim 3.0.0 run, in SCALE-Sim's own virtualenv: the only code that calls SCALE-Sim.

    .venv-scalesim/bin/python agents/scalesim_driver.py CFG TOPOLOGY LAYOUT OUTDIR [conv|gemm]

runs SCALE-Sim once (``save_disk_space=True``: its three reports, no per-cycle traces) and prints
one JSON line: the in-process wall and CPU seconds of the run, imports excluded. SCALE-Sim's
interpreter cannot import simcoder, so this file imports only the standard library and SCALE-Sim:
``agents/scalesim_live.py``, ``simcoder/bench`` and ``benchmarks/`` run it by path (``PATH``),
``scripts/make_golden.py`` loads it by path and calls ``run`` in-process.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
from pathlib import Path

PATH = Path(__file__).resolve()


def run(cfg: str, topology: str, layout: str, outdir: str, gemm: bool = False) -> dict[str, float]:
    """Run SCALE-Sim once; its reports go to ``outdir/<run name>/``. Returns the run's in-process
    ``wall_s`` and ``cpu_s``."""
    from scalesim.scale_sim import scalesim  # only in SCALE-Sim's virtualenv

    quiet = {"save_disk_space": True, "verbose": False}  # the reports only, no traces
    sim = scalesim(config=cfg, topology=topology, layout=layout, input_type_gemm=gemm, **quiet)
    wall, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        sim.run_scale(top_path=outdir)
    return {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    cfg, topology, layout, outdir = args[:4]
    kind = args[4] if len(args) > 4 else "conv"
    print(json.dumps(run(cfg, topology, layout, outdir, gemm=kind == "gemm")))


if __name__ == "__main__":
    if sys.path and Path(sys.path[0]).resolve() == PATH.parent:
        del sys.path[0]  # agents/ holds simcoder modules: SCALE-Sim must not import them
    main()
