"""The ``scalesim`` reference: SCALE-Sim 3.0.0 itself, run live on the spec and workload.

SCALE-Sim lives in its own virtualenv (it needs numpy < 2.4): ``$SIMCODER_SCALESIM_PYTHON``,
else ``.venv-scalesim/bin/python`` in the current directory or the source tree
(``bash scripts/setup_scalesim.sh`` makes it). Runs take seconds to minutes, so the cycles are
cached per machine by the exact .cfg and topology text.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from simcoder.simulator.compat.scalesim_cfg import TOPOLOGY_HEADER, cfg_for
from simcoder.simulator.errors import UserError
from simcoder.simulator.fast.compiled import cache_root
from simcoder.simulator.types import Layer, SimConfig

RUN_NAME = "simcoder"
DRIVER = Path(__file__).with_name("scalesim_driver.py")  # runs in SCALE-Sim's interpreter


class ScaleSimUnavailable(UserError):
    """No interpreter with SCALE-Sim 3.0.0 was found; the message says how to get one."""


def find_python() -> str:
    env = os.environ.get("SIMCODER_SCALESIM_PYTHON")
    if env and not Path(env).exists():
        raise ScaleSimUnavailable(f"SIMCODER_SCALESIM_PYTHON={env}: no such file")
    candidates = (
        [Path(env)]
        if env
        else [
            Path.cwd() / ".venv-scalesim" / "bin" / "python",
            Path(__file__).resolve().parents[1] / ".venv-scalesim" / "bin" / "python",
        ]
    )
    for python in candidates:
        if not python.exists():
            continue
        probe = subprocess.run(
            [str(python), "-c", "import scalesim"], capture_output=True, text=True, timeout=120
        )
        if probe.returncode == 0:
            return str(python)
        if env:
            raise ScaleSimUnavailable(
                f"SIMCODER_SCALESIM_PYTHON={env} cannot import scalesim; install it there "
                "(pip install scalesim==3.0.0 'numpy<2.4')"
            )
    raise ScaleSimUnavailable(
        "the scalesim reference needs SCALE-Sim 3.0.0: run `bash scripts/setup_scalesim.sh` "
        "(a virtualenv at .venv-scalesim) or set SIMCODER_SCALESIM_PYTHON to a Python that has it"
    )


def topology_text(layers: list[Layer]) -> str:
    """SCALE-Sim's conv topology for these layers. Depthwise layers keep SCALE-Sim's "DP" name
    marker (it expands them per channel, as we do); other names must not contain it."""
    rows = []
    for layer in layers:
        name = layer.name.replace(",", "_")
        name = ("DP_" + name if "DP" not in name else name) if layer.depthwise else name
        if not layer.depthwise:
            name = name.replace("DP", "Dp")
        fields = (
            layer.ifmap_h,
            layer.ifmap_w,
            layer.filter_h,
            layer.filter_w,
            layer.channels,
            layer.num_filters,
            layer.stride,
        )
        rows.append(", ".join([name, *map(str, fields)]) + ",\n")
    return TOPOLOGY_HEADER + "".join(rows)


def run_driver(
    python: str, files: list[str], timeout_s: float | None = None, check: bool = False
) -> subprocess.CompletedProcess[str]:
    """One SCALE-Sim run by ``scalesim_driver.py`` in ``python`` on the files of
    ``scalesim_inputs``; its last stdout line is the run's JSON timing."""
    return subprocess.run(
        [python, str(DRIVER), *files],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=check,
    )


def driver_seconds(proc: subprocess.CompletedProcess[str]) -> float:
    """The in-process wall seconds the driver printed."""
    return float(json.loads(proc.stdout.strip().splitlines()[-1])["wall_s"])


@contextmanager
def scalesim_inputs(cfg: str, topology: str) -> Iterator[list[str]]:
    """A temporary directory with SCALE-Sim's three input files; yields the driver's arguments
    (config, topology, layout, output directory)."""
    with tempfile.TemporaryDirectory(prefix="simcoder-scalesim-") as tmp:
        t = Path(tmp)
        (t / "c.cfg").write_text(cfg)
        (t / "topology.csv").write_text(topology)
        # 3.0.0 always reads a layout file; a header alone means no custom layout
        (t / "layout.csv").write_text("Layer name,\n")
        yield [str(t / n) for n in ("c.cfg", "topology.csv", "layout.csv", "out")]


def run_scalesim(config: SimConfig, layers: list[Layer], timeout_s: float = 3600) -> list[int]:
    """SCALE-Sim 3.0.0's Total Cycles per (expanded) layer, cached by the exact inputs."""
    return scalesim_cycles(config, layers, timeout_s)[0]


def scalesim_cycles(
    config: SimConfig, layers: list[Layer], timeout_s: float = 3600
) -> tuple[list[int], str]:
    """(Total Cycles per layer, the interpreter that ran SCALE-Sim), from the cache when these
    exact inputs ran before (then no interpreter is probed)."""
    cfg, topology = cfg_for(config, RUN_NAME), topology_text(layers)
    key = hashlib.sha256((cfg + "\0" + topology).encode()).hexdigest()[:24]
    cached = cache_root() / "scalesim" / f"{key}.json"
    if cached.is_file():
        saved = json.loads(cached.read_text())
        return saved["total_cycles"], saved["python"]
    python = find_python()
    with scalesim_inputs(cfg, topology) as files:
        proc = run_driver(python, files, timeout_s)
        report = Path(files[3]) / RUN_NAME / "COMPUTE_REPORT.csv"
        if proc.returncode != 0 or not report.is_file():
            tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-8:])
            raise RuntimeError(f"SCALE-Sim 3.0.0 ({python}) failed:\n{tail}")
        with report.open() as f:
            rows = list(csv.reader(f))
    header = [h.strip() for h in rows[0]]
    column = header.index("Total Cycles")
    cycles = [int(float(r[column])) for r in rows[1:] if len(r) > column and r[column].strip()]
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps({"python": python, "total_cycles": cycles}))
    return cycles, python
