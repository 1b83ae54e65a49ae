"""The Optuna study behind ``simcoder explore``: NSGA-II or TPE over the space's parameters, in
SQLite (``DIR/study.db``) so that a killed run resumes and several processes share one study.

Each design is simulated at most once: the study's own records say which designs have numbers,
a repeated proposal is told the stored values without a simulation, and an infeasible one
(a constraint broken; known before simulating) is pruned. ``--trials N`` counts simulated
designs. Optuna sees log10 of each objective (the same Pareto set; NSGA-II's crowding distance
then weighs the objectives alike)."""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simcoder.energy import EnergyTable
from simcoder.explore.evaluate import Evaluation, Network, evaluate
from simcoder.explore.space import PARAMS, Constraints, Design, Space, feasible_designs
from simcoder.simulator.errors import SimcoderError, UserError

SAMPLERS = ("tpe", "nsga2", "random")
Progress = Callable[[int, int, float], None]
Evaluator = Callable[[Design], Evaluation]


@dataclass(frozen=True)
class Problem:
    networks: tuple[Network, ...]
    space: Space
    constraints: Constraints
    objectives: tuple[str, ...]
    table: EnergyTable

    def key(self) -> str:
        """Names the study: the same problem resumes, a different one gets its own study."""
        what = repr((self.networks, self.space, self.constraints, self.objectives, self.table))
        return "explore-" + hashlib.sha256(what.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Record:
    """One simulated design: its numbers, or the reason it has none."""

    trial: int
    design: Design
    evaluation: Evaluation | None
    error: str = ""


def _optuna() -> Any:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def _storage(path: Path) -> Any:
    optuna = _optuna()
    return optuna.storages.RDBStorage(
        f"sqlite:///{path}", engine_kwargs={"connect_args": {"timeout": 120}}
    )


def _sampler(name: str, seed: int | None, population: int) -> Any:
    optuna = _optuna()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        if name == "tpe":
            return optuna.samplers.TPESampler(seed=seed, multivariate=True, n_startup_trials=10)
        if name == "nsga2":
            return optuna.samplers.NSGAIISampler(seed=seed, population_size=population)
        if name == "random":
            return optuna.samplers.RandomSampler(seed=seed)
    raise UserError(f"--sampler: {name!r} is not one; choose from {', '.join(SAMPLERS)}")


def _distributions(space: Space) -> dict[str, Any]:
    """Ordered parameters as an index into their sorted choices; dataflow as a category."""
    d = _optuna().distributions
    return {
        p: d.CategoricalDistribution(space.dataflow)
        if p == "dataflow"
        else d.IntDistribution(0, len(space.choices(p)) - 1)
        for p in PARAMS
    }


def _design(space: Space, params: dict[str, Any]) -> Design:
    values = [params[p] if p == "dataflow" else space.choices(p)[int(params[p])] for p in PARAMS]
    return Design(*values)  # type: ignore[arg-type]


def _encode(e: Evaluation) -> str:
    return json.dumps([e.cycles, e.energy_pj, e.edp_pj_cycles, e.area_mm2, e.layers])


def _decode(text: str) -> Evaluation:
    c, en, edp, a, layers = json.loads(text)
    return Evaluation(c, en, edp, a, tuple((n, name, cy, tuple(v)) for n, name, cy, v in layers))


def records(study: Any, space: Space) -> list[Record]:
    """The simulated designs in the study, first simulation of each design only."""
    out, seen = [], set()
    states = tuple(_optuna().trial.TrialState)
    finished = tuple(s for s in states if s.name in ("COMPLETE", "FAIL"))
    for t in study.get_trials(deepcopy=False, states=finished):  # not a killed run's trial
        if "simulated" not in t.user_attrs:
            continue
        design = _design(space, t.params)
        if design in seen:
            continue
        seen.add(design)
        numbers = t.user_attrs.get("evaluation")
        out.append(
            Record(t.number, design, None if numbers is None else _decode(numbers),
                   t.user_attrs.get("error", ""))
        )  # fmt: skip
    return out


def _values(e: Evaluation, objectives: tuple[str, ...]) -> list[float]:
    return [math.log10(max(e.objective(o), 1e-300)) for o in objectives]


def _work(
    problem: Problem,
    storage_path: Path,
    sampler: str,
    seed: int | None,
    target: int,
    evaluator: Evaluator,
    progress: Progress | None,
) -> None:
    optuna = _optuna()
    study = optuna.load_study(
        study_name=problem.key(),
        storage=_storage(storage_path),
        sampler=_sampler(sampler, seed, max(8, min(50, target // 5))),
    )
    distributions = _distributions(problem.space)
    started, idle = time.perf_counter(), 0
    known = {r.design: r for r in records(study, problem.space)}
    while len(known) < target and idle < 50 * target:
        trial = study.ask(distributions)
        design = _design(problem.space, trial.params)
        known.update({r.design: r for r in records(study, problem.space) if r.design not in known})
        if len(known) >= target:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
            break
        broken = problem.constraints.violation(design, problem.table, problem.space.mode)
        if broken is not None or design in known:
            idle += 1
            if broken is not None:
                trial.set_user_attr("infeasible", broken)
                study.tell(trial, state=optuna.trial.TrialState.PRUNED)
            elif (old := known[design].evaluation) is None:
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
            else:
                study.tell(trial, _values(old, problem.objectives))
            continue
        idle = 0
        trial.set_user_attr("simulated", True)
        try:
            evaluation = evaluator(design)
        except SimcoderError as exc:  # SCALE-Sim itself fails on some designs (tiny SRAMs)
            trial.set_user_attr("error", f"{type(exc).__name__}: {exc.one_line()}")
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
            known[design] = Record(trial.number, design, None, "failed")
        else:
            trial.set_user_attr("evaluation", _encode(evaluation))
            study.tell(trial, _values(evaluation, problem.objectives))
            known[design] = Record(trial.number, design, evaluation)
        if progress is not None:
            progress(len(known), target, time.perf_counter() - started)


def _worker(args: tuple[Any, ...]) -> None:
    problem, path, sampler, seed, target = args
    mode, nets, table = problem.space.mode, problem.networks, problem.table
    _work(problem, path, sampler, seed, target, lambda d: evaluate(d, nets, mode, table), None)


def search(
    problem: Problem,
    outdir: Path,
    trials: int,
    sampler: str = "tpe",
    seed: int | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    evaluator: Evaluator | None = None,
) -> list[Record]:
    """Simulate up to ``trials`` distinct feasible designs (fewer if the space has fewer),
    resuming the study in ``outdir/study.db``; returns every simulated design of the study."""
    if trials < 1:
        raise UserError(f"--trials: {trials}: give at least 1")
    _sampler(sampler, seed, 8)  # an unknown sampler fails before anything is written
    feasible = feasible_designs(problem.space, problem.constraints, problem.table)
    target = min(trials, len(feasible))
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / "study.db"
    directions = ["minimize"] * len(problem.objectives)
    optuna = _optuna()
    study = optuna.create_study(
        study_name=problem.key(), storage=_storage(path), directions=directions,
        load_if_exists=True,
    )  # fmt: skip
    mode, nets, table = problem.space.mode, problem.networks, problem.table
    run = evaluator or (lambda d: evaluate(d, nets, mode, table))
    if jobs <= 1:
        _work(problem, path, sampler, seed, target, run, progress)
    else:
        others = [(problem, path, sampler, None if seed is None else seed + i, target)
                  for i in range(1, jobs)]  # fmt: skip
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs - 1) as pool:
            pending = pool.map_async(_worker, others)
            _work(problem, path, sampler, seed, target, run, progress)
            pending.get()
    return records(study, problem.space)
