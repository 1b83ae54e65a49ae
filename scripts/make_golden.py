"""Generate golden report data by running real SCALE-Sim 3.0.0.

Run with the interpreter of a virtualenv that has ``scalesim==3.0.0`` and numpy 2.3.x
(``bash scripts/setup_scalesim.sh`` makes one at ``.venv-scalesim``)::

    .venv-scalesim/bin/python scripts/make_golden.py random --count 300
    .venv-scalesim/bin/python scripts/make_golden.py network --topology alexnet --preset paper

Each case is one SCALE-Sim run; its inputs and the three reports (as SCALE-Sim wrote them) are
appended as one JSON line to ``tests/golden/<suite>.jsonl``. The script is resumable: case ids
already present in the output file are skipped, and a case is written only once it finished.
It imports nothing from simcoder, so the golden data cannot inherit our bugs.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
SHARED = ROOT.parent / "shared" / "reference" / "scalesim"


def _load(relative: str):  # type: ignore[no-untyped-def]
    """A simcoder file that imports nothing from simcoder, by path."""
    import importlib.util

    path = ROOT / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_CFG = _load("simulator/compat/scalesim_cfg.py")  # the one .cfg template
CFG_TEMPLATE, cfg_text = _CFG.CFG_TEMPLATE, _CFG.cfg_text
_DRIVER = _load("agents/scalesim_driver.py")  # the one call of SCALE-Sim


_PRESETS = _load("simulator/compat/presets.py")  # the one table of named accelerators
SCALE_BANKS = _PRESETS.SCALE_BANKS
PRESETS = {name: _PRESETS.ARCHITECTURES[name] for name in _PRESETS.GOLDEN}


def case_cfg(config: dict, run_name: str = "golden") -> str:
    """The .cfg of a case's ``config`` (a preset's or a random one): CALC mode and SCALE-Sim's
    scale.cfg bank settings unless it says otherwise."""
    full = dict(SCALE_BANKS, mode="CALC")
    full.update(config)
    return cfg_text(run_name=run_name, **full)


def run_case(config: dict, layers: list[list], gemm: bool) -> dict:
    """Run SCALE-Sim once in-process; return the three reports as lists of raw rows."""
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "c.cfg").write_text(case_cfg(config))
        header = (
            "Layer, M, N, K,\n"
            if gemm
            else (
                "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
                "Num Filter, Strides,\n"
            )
        )
        rows = "".join(", ".join(str(x) for x in layer) + ",\n" for layer in layers)
        (t / "topo.csv").write_text(header + rows)
        layout = SHARED / "configs" / "v3" / "layout_test.csv"
        _DRIVER.run(str(t / "c.cfg"), str(t / "topo.csv"), str(layout), str(t / "out"), gemm)
        out = t / "out" / "golden"
        return {
            name: (out / f"{name}.csv").read_text().splitlines()
            for name in ("COMPUTE_REPORT", "BANDWIDTH_REPORT", "DETAILED_ACCESS_REPORT")
        }


def random_layer(rng: random.Random, gemm: bool, dp: bool, idx: int) -> list:
    if gemm:
        return [f"g{idx}", rng.randint(1, 40), rng.randint(1, 40), rng.randint(1, 60)]
    h = rng.randint(1, 16)
    w = rng.randint(1, 16)
    r = rng.randint(1, min(h, 5))
    s = rng.randint(1, min(w, 5))
    c = rng.randint(1, 3) if dp else rng.randint(1, 8)
    m = rng.randint(1, 40)
    stride = rng.randint(1, 3)
    name = f"DP{idx}" if dp else f"conv{idx}"
    return [name, h, w, r, s, c, m, stride]


def random_config(rng: random.Random, mode: str) -> dict:
    shapes = [(4, 4), (8, 8), (16, 16), (32, 32), (8, 16), (16, 4), (5, 7), (3, 12), (2, 2)]
    rows, cols = rng.choice(shapes)
    kbs = [1, 1, 2, 3, 4, 8, 64]
    cfg = dict(
        rows=rows,
        cols=cols,
        ifmap_kb=rng.choice(kbs),
        filter_kb=rng.choice(kbs),
        ofmap_kb=rng.choice(kbs),
        dataflow=rng.choice(["os", "ws", "is"]),
        mode=mode,
    )
    if mode == "USER":
        # SCALE-Sim asserts that a bank bandwidth divides evenly among the banks; keep one case
        # in ten that breaks this, to check that we refuse it too
        ifmap_banks, filter_banks = rng.choice([1, 2, 5, 10]), rng.choice([1, 2, 5, 10])
        odd = 1 if rng.random() < 0.1 else 0
        cfg.update(
            bandwidth=rng.choice([1, 2, 4, 10, 32]),
            ifmap_bank_bw=ifmap_banks * rng.choice([1, 2, 4]) + odd,
            filter_bank_bw=filter_banks * rng.choice([1, 2, 4]),
            ifmap_bank_num=ifmap_banks,
            filter_bank_num=filter_banks,
        )
    return cfg


def existing_ids(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()}


def append(
    path: Path,
    case_id: str,
    config: dict,
    layers: list[list],
    gemm: bool,
    record_errors: bool = True,
    **more: object,
) -> str:
    """Run the case and append its line (id, inputs, ``more``, reports, SCALE-Sim's error if it
    failed and ``record_errors``, else the error is raised; seconds) to ``path``; returns the
    error or "ok"."""
    start = time.perf_counter()
    try:
        reports, error = run_case(config, layers, gemm), None
    except Exception as exc:  # SCALE-Sim itself fails on some inputs: record that, too
        if not record_errors:
            raise
        reports, error = None, f"{type(exc).__name__}: {exc}"
    record = dict(id=case_id, config=config, gemm=gemm, layers=layers, **more)
    record.update(
        reports=reports, scalesim_error=error, seconds=round(time.perf_counter() - start, 3)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as f:
        f.write(json.dumps(record, separators=(",", ":")) + "\n")
    return "error " + error if error else "ok"


def cmd_random(args: argparse.Namespace) -> None:
    path = GOLDEN / f"random_{args.mode.lower()}.jsonl"
    done = existing_ids(path)
    for i in range(args.count):
        case_id = f"{args.mode.lower()}-{args.seed}-{i}"
        if case_id in done:
            continue
        rng = random.Random(f"{args.seed}-{i}")
        gemm = rng.random() < 0.2
        dp = (not gemm) and rng.random() < 0.15
        layers = [random_layer(rng, gemm, dp, j) for j in range(rng.randint(1, 2))]
        config = random_config(rng, args.mode)
        outcome = append(path, case_id, config, layers, gemm)
        print(
            f"{case_id} {config['dataflow']} {config['rows']}x{config['cols']} {outcome}",
            flush=True,
        )


def read_topology(name: str) -> tuple[list[list], bool]:
    text = (SHARED / "topologies" / f"{name}.csv").read_text().splitlines()
    gemm = name in ("NCF", "gpt2", "transformer_partial")
    layers = []
    for line in text[1:]:
        fields = [f.strip() for f in line.split(",")]
        if not any(fields):
            continue
        width = 4 if gemm else 8
        layers.append([fields[0]] + [int(x) for x in fields[1:width]])
    return layers, gemm


def cmd_network(args: argparse.Namespace) -> None:
    path = ROOT / "workloads" / "golden" / "networks.jsonl"  # shipped: the critic uses it
    config = dict({"mode": args.mode}, **PRESETS[args.preset])
    case_id = f"{args.topology}-{args.preset}-{str(config['mode']).lower()}"
    if case_id in existing_ids(path):
        print(f"{case_id} already done")
        return
    layers, gemm = read_topology(args.topology)
    start = time.perf_counter()
    append(path, case_id, config, layers, gemm, record_errors=False, topology=args.topology)
    print(f"{case_id} ok in {time.perf_counter() - start:.1f}s")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("random", help="hundreds of small random layers")
    r.add_argument("--count", type=int, default=300)
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--mode", choices=["CALC", "USER"], default="CALC")
    n = sub.add_parser("network", help="one whole SCALE-Sim topology")
    n.add_argument("--topology", required=True)
    n.add_argument("--preset", default="paper", choices=sorted(PRESETS))
    n.add_argument("--mode", choices=["CALC", "USER"], default="CALC")
    args = p.parse_args(argv)
    {"random": cmd_random, "network": cmd_network}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
