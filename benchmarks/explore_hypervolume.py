"""Optuna search vs the exhaustive grid on the same space: the hypervolume each reaches.

    .venv/bin/python benchmarks/explore_hypervolume.py [--network transformer] [--seeds 5]
        [--budget 0.1] [--objectives cycles,energy,area] [--samplers tpe,nsga2,random]
        [--json out.json]

The grid simulates every design of the space (rows, cols 8..128, three dataflows, ifmap and
filter SRAM 16/64/256 kB, ofmap SRAM 16/64 kB: 1,350 designs) on the fast core. Each sampler
then searches the same space with at most ``budget`` x the grid's evaluations, per seed; its
designs are looked up in the grid's results (the simulator is deterministic: the numbers are
the ones a fresh simulation gives, so the search's quality is measured, not its speed).
Hypervolume: every objective on a log10 scale, normalised so the grid's best is 0 and its worst
1, reference point 1.1 in each; both hypervolumes and their ratio are printed per seed and
averaged. The target: ratio >= 95% with <= 10% of the grid's evaluations.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from simcoder.api import resolve_layers
from simcoder.energy import load_table
from simcoder.explore.evaluate import Evaluation, Network, evaluate, parse_objectives
from simcoder.explore.pareto import hypervolume, pareto_mask
from simcoder.explore.space import Constraints, Design, Space
from simcoder.explore.study import Problem, search

SIZES = (8, 16, 32, 64, 128)
_CTX: dict[str, Any] = {}


def _eval(design: Design) -> tuple[Design, Evaluation]:
    return design, evaluate(design, _CTX["nets"], "CALC", _CTX["table"])


def grid(problem: Problem, jobs: int) -> dict[Design, Evaluation]:
    _CTX.update(nets=problem.networks, table=problem.table)
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return dict(pool.map(_eval, problem.space.designs(), chunksize=4))


def normaliser(results: dict[Design, Evaluation], objectives: tuple[str, ...]) -> Any:
    logs = [[math.log10(e.objective(o)) for o in objectives] for e in results.values()]
    lo = [min(v[i] for v in logs) for i in range(len(objectives))]
    hi = [max(v[i] for v in logs) for i in range(len(objectives))]

    def norm(e: Evaluation) -> tuple[float, ...]:
        return tuple(
            (math.log10(e.objective(o)) - lo[i]) / ((hi[i] - lo[i]) or 1)
            for i, o in enumerate(objectives)
        )

    return norm


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--network", default="transformer")
    p.add_argument("--objectives", default="cycles,energy,area")
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--budget", type=float, default=0.1)
    p.add_argument("--samplers", default="tpe,nsga2,random")
    p.add_argument("--jobs", type=int, default=multiprocessing.cpu_count())
    p.add_argument("--json")
    args = p.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # shows when piped
    objectives = parse_objectives(args.objectives)
    space = Space(SIZES, SIZES, ("is", "os", "ws"), (16, 64, 256), (16, 64, 256), (16, 64), (10,))
    nets = (Network(args.network, tuple(resolve_layers(args.network)), 1.0),)
    problem = Problem(nets, space, Constraints(), objectives, load_table())
    started = time.perf_counter()
    results = grid(problem, args.jobs)
    grid_s = time.perf_counter() - started
    norm = normaliser(results, objectives)
    ref = (1.1,) * len(objectives)
    grid_hv = hypervolume([norm(e) for e in results.values()], ref)
    vectors = {d: tuple(e.objective(o) for o in objectives) for d, e in results.items()}
    grid_front = {d for d, keep in zip(vectors, pareto_mask(list(vectors.values())), strict=True)
                  if keep}  # fmt: skip
    budget = int(args.budget * len(results))
    print(f"{args.network}, objectives {','.join(objectives)}: grid of {len(results)} designs "
          f"in {grid_s:.1f} s ({len(results) / grid_s:.1f} designs/s on {args.jobs} processes); "
          f"grid hypervolume {grid_hv:.4f}, {len(grid_front)} designs on its Pareto front; "
          f"search budget {budget} evaluations "
          f"({100 * budget / len(results):.1f}% of the grid)")  # fmt: skip
    out: dict[str, Any] = {"network": args.network, "objectives": objectives,
                           "grid_designs": len(results), "grid_seconds": round(grid_s, 1),
                           "grid_hv": grid_hv, "budget": budget, "samplers": {}}  # fmt: skip
    for sampler in args.samplers.split(","):
        ratios = []
        for seed in range(args.seeds):
            with tempfile.TemporaryDirectory() as tmp:
                t0 = time.perf_counter()
                recs = search(problem, Path(tmp), budget, sampler, seed,
                              evaluator=results.__getitem__)  # fmt: skip
                seconds = time.perf_counter() - t0
            hv = hypervolume([norm(r.evaluation) for r in recs if r.evaluation], ref)
            ratios.append(hv / grid_hv)
            found = len(grid_front & {r.design for r in recs})
            print(f"  {sampler:6s} seed {seed}: {len(recs)} evaluations, {found}/"
                  f"{len(grid_front)} of the grid's front found, hypervolume {hv:.4f} "
                  f"vs grid {grid_hv:.4f} = {100 * hv / grid_hv:.2f}% "
                  f"(search overhead {seconds:.1f} s)")  # fmt: skip
        mean = statistics.mean(ratios)
        print(f"  {sampler:6s} mean over {args.seeds} seeds: {100 * mean:.2f}% of the grid's "
              f"hypervolume with {100 * budget / len(results):.1f}% of its evaluations "
              f"(target >= 95%: {'met' if mean >= 0.95 else 'NOT met'})")  # fmt: skip
        out["samplers"][sampler] = {"ratios": ratios, "mean": mean}
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
