"""One cold simcoder run in a fresh process, writing the three reports (or, with
``compute-only``, just the cycles and utilization). Prints in-process wall and CPU seconds of
the call (imports excluded, as for SCALE-Sim; the whole-process time includes them)."""

import json
import sys
import time


def main() -> None:
    from simcoder.api import compute_summary, simulate

    cfg, topology, outdir, gemm, mode = sys.argv[1:6]
    wall, cpu = time.perf_counter(), time.process_time()
    if mode == "compute-only":
        compute_summary(cfg, topology, gemm=gemm == "gemm")
    else:
        simulate(cfg, topology, gemm=gemm == "gemm", outdir=outdir)
    print(json.dumps({"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}))


if __name__ == "__main__":
    main()
