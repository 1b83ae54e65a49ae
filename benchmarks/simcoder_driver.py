"""One cold simcoder run in a fresh process, writing the three reports (or, with
``compute-only``, just the cycles and utilization). Prints in-process wall and CPU seconds of
the call, imports excluded as for SCALE-Sim (the compiled kernels' module is imported first:
the ahead-of-time module, or numba's JIT kernels with ``SIMCODER_KERNELS=jit``). The whole-process
time, measured by the parent, includes everything. ``warm_s`` is the same call repeated in
the same process."""

import json
import sys
import time


def main() -> None:
    from simcoder.simulator.fast.compiled import kernels

    kind = kernels().__name__  # an import, like SCALE-Sim's
    from simcoder.api import compute_summary, simulate

    cfg, topology, outdir, gemm, mode = sys.argv[1:6]

    def call() -> None:
        if mode == "compute-only":
            compute_summary(cfg, topology, gemm=gemm == "gemm")
        else:
            simulate(cfg, topology, gemm=gemm == "gemm", outdir=outdir)

    wall, cpu = time.perf_counter(), time.process_time()
    call()
    wall_s, cpu_s = time.perf_counter() - wall, time.process_time() - cpu
    warm = time.perf_counter()
    call()
    print(
        json.dumps(
            {
                "wall_s": wall_s,
                "cpu_s": cpu_s,
                "warm_s": time.perf_counter() - warm,
                "kernels": kind,
            }
        )
    )


if __name__ == "__main__":
    main()
