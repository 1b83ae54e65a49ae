"""``simcoder bench accuracy RUN_DIR``: the paper's accuracy table for a generated simulator —
its cycles per network and layer against SCALE-Sim 3.0.0's golden numbers at the ``paper``
preset (32x32 OS, 64 kB SRAMs, CALC), the generated code run in the sandbox."""

from __future__ import annotations

import html
import json
import statistics
from pathlib import Path
from typing import Any

from simcoder.simulator.compat import InputError
from simcoder.simulator.registry import KINDS

# The SimulatorCoder paper's networks (docs: ../shared/docs/PAPER.md), as built-in workloads
PAPER_NETWORKS = [
    "resnet50",
    "yolo_tiny",
    "alphago_zero",
    "ncf",
    "transformer",
    "mobilenet",
    "deepspeech2",
    "fasterrcnn",
    "sentimental_seqcnn",
]


def generated_modules(run_dir: Path) -> dict[str, str]:
    pkg = run_dir / "simulator"
    found = {m: str(pkg / f"{m}.py") for m in KINDS if (pkg / f"{m}.py").is_file()}
    if not found:
        raise InputError(
            str(run_dir),
            "no generated simulator here (expected simulator/mapping.py, interconnect.py or "
            "storage.py, written by `simcoder generate`)",
        )
    return found


def accuracy(
    run_dir: Path, networks: list[str], sandbox: str = "auto", timeout_s: float = 7200
) -> dict[str, Any]:
    """Run the generated modules on each network in the sandbox; compare with the reference."""
    from simcoder.agents.executor import execute
    from simcoder.agents.references import reference_for
    from simcoder.sandbox.types import Limits
    from simcoder.workloads.builtin import WORKLOADS

    unknown = [n for n in networks if n not in WORKLOADS]
    if unknown:
        raise InputError("--networks", f"unknown workload(s) {unknown}; see `simcoder workloads`")
    candidates = generated_modules(run_dir)
    from simcoder.agents.spec import paper_spec

    spec = paper_spec(workloads=networks)
    out_dir = run_dir / "bench"
    existing = sorted(out_dir.glob("executions/*")) if out_dir.exists() else []
    summary = execute(
        out_dir,
        len(existing) + 1,
        spec,
        candidates,
        sandbox,
        Limits(timeout_s=timeout_s, memory_mb=8192),
    )
    if summary["status"] != "ok":
        raise RuntimeError(
            f"the sandbox run ended with status {summary['status']}: "
            f"{summary['result_error'] or summary['stderr_tail'][-600:]}"
        )
    rows = []
    for name in networks:
        ref = reference_for(spec, name)
        got = summary["workloads"].get(name, {})
        layers = got.get("layers", [])
        per_layer = []
        for (layer, want), (_, have) in zip(ref.layers, layers, strict=False):
            per_layer.append(
                {
                    "layer": layer,
                    "reference": want,
                    "generated": have,
                    "error_pct": _err(have, want),
                }
            )
        total_ref = sum(c for _, c in ref.layers)
        total_gen = sum(c for _, c in layers) if layers else None
        rows.append(
            {
                "network": name,
                "reference": ref.source,
                "error": got.get("error"),
                "layers_compared": len(per_layer),
                "layers_expected": len(ref.layers),
                "reference_cycles": total_ref,
                "generated_cycles": total_gen,
                "cycle_error_pct": None if total_gen is None else _err(total_gen, total_ref),
                "max_layer_error_pct": max((x["error_pct"] for x in per_layer), default=None),
                "layers": per_layer,
            }
        )
    return {
        "run_dir": str(run_dir),
        "modules": candidates,
        "preset": "paper (32x32 OS, 64 kB SRAMs, CALC, DRAM 10 words/cycle)",
        "sandbox": summary["backend"],
        "seconds": summary["wall_s"],
        "networks": rows,
    }


def _err(have: int, want: int) -> float:
    return abs(have - want) * 100 / want if want else float(have != want) * 100


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}%"


def accuracy_markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Cycle accuracy of a generated simulator",
        "",
        f"Run: `{result['run_dir']}`; modules: "
        + ", ".join(f"{m} ({Path(p).name})" for m, p in result["modules"].items())
        + f"; preset {result['preset']}; sandbox {result['sandbox']}, {result['seconds']:.1f} s.",
        "",
        "| network | reference | layers | reference cycles | generated cycles | cycle error | "
        "max layer error |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in result["networks"]:
        gen = "-" if r["generated_cycles"] is None else f"{r['generated_cycles']:,}"
        lines.append(
            f"| {r['network']} | {r['reference']} | {r['layers_compared']}/{r['layers_expected']}"
            f" | {r['reference_cycles']:,} | {gen} | {_pct(r['cycle_error_pct'])} | "
            f"{_pct(r['max_layer_error_pct'])} |"
        )
        if r["error"]:
            lines.append(f"|  | failed: {r['error'][:200]} | | | | | |")
    return "\n".join(lines) + "\n"


def bars_svg(
    values: list[tuple[str, float | None]],
    title: str,
    unit: str = "%",
    intervals: list[tuple[float, float] | None] | None = None,
) -> str:
    """One bar per network (no bar and "failed" where there is no number); the axis runs to at
    least 1 so that exact results read as zero, not as noise. ``intervals``: a (low, high)
    whisker per bar, e.g. a confidence interval."""
    w, h, left, bottom, top = 640, 310, 60, 70, 44
    top_value = max([1.0, *(v for _, v in values if v is not None)])
    step = (w - left - 20) / max(len(values), 1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img">'
        f"<title>{html.escape(title)}</title>"
        f'<text x="{w / 2}" y="18" text-anchor="middle" font-weight="bold">'
        f"{html.escape(title)}</text>"
        f'<line x1="{left}" y1="{h - bottom}" x2="{w - 20}" y2="{h - bottom}" stroke="#333"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="#333"/>'
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">'
        f"{top_value:g}{unit}</text>"
        f'<text x="{left - 6}" y="{h - bottom + 4}" text-anchor="end" font-size="11">0</text>'
    ]
    for i, (name, v) in enumerate(values):
        x = left + i * step + step * 0.15
        label_y = h - bottom + 14
        out.append(
            f'<text x="{x + step * 0.35:.1f}" y="{label_y}" font-size="10" text-anchor="end" '
            f'transform="rotate(-35 {x + step * 0.35:.1f} {label_y})">{html.escape(name)}</text>'
        )
        if v is None:
            out.append(
                f'<text x="{x:.1f}" y="{h - bottom - 4}" font-size="10" fill="#d62728">'
                "failed</text>"
            )
            continue
        height = v / top_value * (h - top - bottom)
        out.append(
            f'<rect x="{x:.1f}" y="{h - bottom - height:.1f}" width="{step * 0.7:.1f}" '
            f'height="{max(height, 0.5):.1f}" fill="#1f77b4"/>'
            f'<text x="{x + step * 0.7 + 2:.1f}" y="{h - bottom - height + 10:.1f}" '
            f'font-size="10">{v:.2f}{unit}</text>'
            if intervals
            else f'<rect x="{x:.1f}" y="{h - bottom - height:.1f}" width="{step * 0.7:.1f}" '
            f'height="{max(height, 0.5):.1f}" fill="#1f77b4"/>'
            f'<text x="{x + step * 0.35:.1f}" y="{h - bottom - height - 4:.1f}" '
            f'text-anchor="middle" font-size="10">{v:.2f}{unit}</text>'
        )
        interval = intervals[i] if intervals else None
        if interval is not None:  # drawn over the bar
            y_lo, y_hi = (h - bottom - b / top_value * (h - top - bottom) for b in interval)
            mid = x + step * 0.35
            out.append(
                f'<path d="M{mid:.1f} {y_lo:.1f}V{y_hi:.1f}M{mid - 4:.1f} {y_lo:.1f}'
                f'h8M{mid - 4:.1f} {y_hi:.1f}h8" stroke="#333" fill="none" class="interval"/>'
            )
    out.append("</svg>")
    return "".join(out)


def accuracy_html(result: dict[str, Any]) -> str:
    chart = bars_svg(
        [(r["network"], r["cycle_error_pct"]) for r in result["networks"]],
        "Cycle error per network (vs the named reference)",
    )
    table = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(v))}</td>"
            for v in (
                r["network"],
                r["reference"],
                r["reference_cycles"],
                r["generated_cycles"],
                _pct(r["cycle_error_pct"]),
                _pct(r["max_layer_error_pct"]),
            )
        )
        + "</tr>"
        for r in result["networks"]
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>simcoder bench accuracy"
        "</title><style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;"
        "padding:2px 6px}table{border-collapse:collapse}</style></head><body>"
        "<h1>Cycle accuracy of a generated simulator</h1>"
        f"<p>Run <code>{html.escape(result['run_dir'])}</code>, preset "
        f"{html.escape(result['preset'])}; every reference is named per network.</p>"
        + chart
        + "<table><tr><th>network</th><th>reference</th><th>reference cycles</th>"
        "<th>generated cycles</th><th>cycle error</th><th>max layer error</th></tr>"
        + table
        + "</table></body></html>"
    )


def _write(
    stem: str, result: dict[str, Any], markdown: str, page: str, out_dir: Path
) -> list[Path]:
    """``<stem>.json``, ``.md`` and ``.html`` in ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{stem}.{ext}" for ext in ("json", "md", "html")]
    for path, text in zip(paths, (json.dumps(result, indent=2), markdown, page), strict=True):
        path.write_text(text)
    return paths


def write_accuracy(result: dict[str, Any], out_dir: Path) -> list[Path]:
    return _write("accuracy", result, accuracy_markdown(result), accuracy_html(result), out_dir)


# ---- runtime: the generated simulator against SCALE-Sim 3.0.0, repeated, median and spread

QUICK_NETWORK = "alphago_zero[:2]"  # --quick: the first two layers of AlphaGo Zero
# SCALE-Sim's in-process time of the run (imports excluded, as for the generated simulator)
_TIMED_DRIVER = """
import contextlib, io, sys, time
from scalesim.scale_sim import scalesim
cfg, topology, layout, out = sys.argv[1:5]
sim = scalesim(save_disk_space=True, verbose=False, config=cfg, topology=topology,
               layout=layout, input_type_gemm=False)
start = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    sim.run_scale(top_path=out)
print(time.perf_counter() - start)
"""


def _layers(network: str) -> list[Any]:
    from simcoder.workloads.builtin import get_workload

    if network == QUICK_NETWORK:
        return get_workload("alphago_zero")[:2]
    return get_workload(network)


def _stats(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    return {
        "runs": len(ordered),
        "median_s": round(statistics.median(ordered), 4),
        "min_s": round(ordered[0], 4),
        "max_s": round(ordered[-1], 4),
        "samples_s": [round(x, 4) for x in samples],
    }


def time_scalesim(config: Any, layers: list[Any], repeats: int) -> tuple[list[float], str]:
    """SCALE-Sim's wall time on these inputs, ``repeats`` runs, cached per machine (runs are
    minutes each): earlier runs are reused and only the missing ones are made."""
    import hashlib
    import platform
    import subprocess

    from simcoder.agents.scalesim_live import find_python, scalesim_inputs, topology_text
    from simcoder.simulator.compat.scalesim_cfg import cfg_for
    from simcoder.simulator.fast.compiled import cache_root

    cfg, topology = cfg_for(config, "simcoder"), topology_text(layers)
    key = hashlib.sha256(f"{cfg}\0{topology}\0{platform.node()}".encode()).hexdigest()[:24]
    path = cache_root() / "scalesim-timings" / f"{key}.json"
    samples: list[float] = json.loads(path.read_text())["wall_s"] if path.is_file() else []
    python = find_python() if len(samples) < repeats else "(cached)"
    while len(samples) < repeats:
        with scalesim_inputs(cfg, topology) as files:
            out = subprocess.run(
                [python, "-c", _TIMED_DRIVER, *files], check=True, capture_output=True, text=True
            ).stdout
            samples.append(float(out.strip().splitlines()[-1]))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"wall_s": samples}))
    return samples[:repeats], python


def runtime(
    run_dir: Path,
    networks: list[str],
    repeats: int = 3,
    scalesim_repeats: int = 1,
    sandbox: str = "auto",
) -> dict[str, Any]:
    """Per network: the generated simulator's in-sandbox time (the runner's own clock: module
    import and simulation, no container start-up), ``repeats`` runs, and SCALE-Sim's."""
    from simcoder.sandbox.jobs import prepare_job
    from simcoder.sandbox.registry import get_sandbox
    from simcoder.sandbox.types import Limits
    from simcoder.workloads.builtin import WORKLOADS

    unknown = [n for n in networks if n not in WORKLOADS and n != QUICK_NETWORK]
    if unknown:
        raise InputError("--networks", f"unknown workload(s) {unknown}; see `simcoder workloads`")
    candidates = generated_modules(run_dir)
    from simcoder.agents.spec import paper_spec

    config = paper_spec().sim_config()
    box = get_sandbox(sandbox)
    rows = []
    for network in networks:
        layers = _layers(network)
        ours = []
        for i in range(repeats):
            job = prepare_job(
                run_dir / "bench" / "runtime-jobs" / f"{network.replace(':', '_')}-{i}",
                {k: f"{v}:Module" for k, v in candidates.items()},
                workloads=[network if network != QUICK_NETWORK else "alphago_zero"],
                checks=False,
                limits=Limits(timeout_s=7200, memory_mb=8192),
                layer_limit=2 if network == QUICK_NETWORK else None,
            )
            result = box.run(job)
            if result.result is None:
                raise RuntimeError(f"{network}: the sandbox run failed: {result.result_error}")
            ours.append(float(result.result["runtime_s"]))
        theirs, python = time_scalesim(config, layers, scalesim_repeats)
        mine, ss = _stats(ours), {**_stats(theirs), "python": python}
        rows.append(
            {
                "network": network,
                "generated": mine,
                "scalesim": ss,
                "ratio": round(ss["median_s"] / mine["median_s"], 1),
            }
        )
    return {
        "run_dir": str(run_dir),
        "modules": candidates,
        "preset": "paper (32x32 OS, 64 kB SRAMs, CALC)",
        "sandbox": box.name,
        "repeats": repeats,
        "networks": rows,
    }


def runtime_markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Runtime of a generated simulator against SCALE-Sim 3.0.0",
        "",
        f"Run: `{result['run_dir']}`; preset {result['preset']}; the generated simulator timed "
        f"inside the {result['sandbox']} sandbox by its runner (simulation, not container "
        "start-up); SCALE-Sim timed in its own virtualenv (runs cached per machine).",
        "",
        "| network | generated median s (min-max, runs) | SCALE-Sim median s (min-max, runs) "
        "| SCALE-Sim / generated |",
        "|---|---|---|---|",
    ]
    for r in result["networks"]:
        g, s = r["generated"], r["scalesim"]
        lines.append(
            f"| {r['network']} | {g['median_s']:.3f} ({g['min_s']:.3f}-{g['max_s']:.3f}, "
            f"{g['runs']}) | {s['median_s']:.1f} ({s['min_s']:.1f}-{s['max_s']:.1f}, {s['runs']})"
            f" | {r['ratio']:,}x |"
        )
    return "\n".join(lines) + "\n"


def runtime_html(result: dict[str, Any]) -> str:
    chart = bars_svg(
        [(r["network"], r["ratio"]) for r in result["networks"]],
        "SCALE-Sim time / generated simulator time (median)",
        unit="x",
    )
    body = html.escape(runtime_markdown(result))
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>simcoder bench runtime"
        "</title><style>body{font-family:sans-serif;margin:2em}</style></head><body>"
        "<h1>Runtime of a generated simulator against SCALE-Sim 3.0.0</h1>"
        + chart
        + f"<pre>{body}</pre></body></html>"
    )


def write_runtime(result: dict[str, Any], out_dir: Path) -> list[Path]:
    return _write("runtime", result, runtime_markdown(result), runtime_html(result), out_dir)
