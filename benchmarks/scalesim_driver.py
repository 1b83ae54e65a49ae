"""Run inside SCALE-Sim's own virtualenv: one SCALE-Sim 3.0.0 run that writes its three reports.

Prints one JSON line: in-process wall and CPU seconds of the run (imports excluded).
"""

import contextlib
import io
import json
import sys
import time

from scalesim.scale_sim import scalesim  # only in the SCALE-Sim venv


def main() -> None:
    cfg, topology, layout, outdir, gemm = sys.argv[1:6]
    sim = scalesim(
        save_disk_space=True,
        verbose=False,
        config=cfg,
        topology=topology,
        layout=layout,
        input_type_gemm=gemm == "gemm",
    )
    wall, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        sim.run_scale(top_path=outdir)
    print(json.dumps({"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}))


if __name__ == "__main__":
    main()
