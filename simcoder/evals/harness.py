"""``simcoder eval``: n samples per (model, strategy, task), each written by a coder and run in
the sandbox, classified, and scored as Pass@k with the unbiased estimator.

Every sample is stored as ``samples/<model>/<strategy>/<task>/<i>/outcome.json`` as soon as it
is decided, so an interrupted evaluation resumes where it stopped (samples whose sandbox could
not run at all are not stored, and run again)."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from simcoder.agents.change.rules import Rule
from simcoder.agents.coders import Attempt, Coder, LibraryCoder, LLMCoder
from simcoder.agents.models import ChatModel
from simcoder.agents.prompts import STRATEGIES
from simcoder.evals.tasks import TIERS, Task, cases_json, expected, hand_expected
from simcoder.sandbox.job_spec import JobSpec
from simcoder.sandbox.jobs import build_job
from simcoder.sandbox.types import ExecResult, ExecStatus, Job, Limits, SandboxUnavailable
from simcoder.simulator.equality import same_number
from simcoder.simulator.errors import UserError
from simcoder.simulator.registry import KINDS

CATEGORIES = ("pass", "no_code", "syntax", "signature", "crash", "timeout", "wrong_numbers")
FROM_ATTEMPT = {"no_code": "no_code", "syntax_error": "syntax", "bad_signature": "signature"}
NO_STRATEGY = "-"  # the library coder and the oracle take no prompt
RUNNER = ("python3", "-m", "simcoder.evals.sandbox_runner", "job.json")


class Sample(BaseModel):
    """One decided sample, as ``outcome.json`` stores it (the sandbox fields only when it ran)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str
    kind: str
    strategy: str
    task: str
    module: str
    sample: int
    model_calls: int
    tokens_in: int
    tokens_out: int
    category: str  # one of CATEGORIES
    detail: str
    sandbox: str | None = None
    sandbox_s: float | None = None
    seconds: float

    def to_json(self) -> str:
        """The text of ``outcome.json``: fields in this order, no sandbox fields if none ran."""
        return json.dumps(self.model_dump(exclude_none=True), indent=2)


class Undecided(Exception):
    """The sandbox or the endpoint could not decide a sample: nothing is stored, a rerun retries
    it. The message names the sample and says what failed."""


def _unreachable(exc: BaseException) -> bool:
    """The endpoint did not answer at all (refused, unknown host, timed out)."""
    import openai

    return isinstance(exc, openai.APIConnectionError)


@dataclass(frozen=True)
class ModelChoice:
    label: str  # as given on the command line
    kind: str  # library | oracle | llm
    model: ChatModel | None = None  # the chat model (llm)
    endpoint: str | None = None

    @property
    def strategies(self) -> bool:
        return self.kind == "llm"


def parse_models(
    text: str, make_model: Callable[[str], tuple[ChatModel, str | None]]
) -> list[ModelChoice]:
    """``library``, ``oracle`` or a chat model: ``make_model`` turns the item into (model,
    endpoint)."""
    out = []
    for item in (s.strip() for s in text.split(",")):
        if not item:
            continue
        if item in ("library", "oracle"):
            out.append(ModelChoice(item, item))
        else:
            out.append(ModelChoice(item, "llm", *make_model(item)))
    if not out:
        raise UserError(
            "--models is empty: give library, oracle or PROVIDER:MODEL, comma-separated"
        )
    if len({m.label for m in out}) != len(out):
        raise UserError(f"--models {text!r} names a model twice")
    return out


def parse_strategies(text: str) -> list[str]:
    picked = [s.strip() for s in text.split(",") if s.strip()]
    bad = [s for s in picked if s not in STRATEGIES]
    if bad or not picked:
        raise UserError(f"--strategies {text!r}: choose from {', '.join(STRATEGIES)}")
    return picked


def parse_ks(text: str) -> list[int]:
    try:
        ks = sorted({int(s) for s in text.split(",") if s.strip()})
    except ValueError:
        raise UserError(f"-k {text!r}: give positive integers, e.g. 1,5") from None
    if not ks or ks[0] < 1:
        raise UserError(f"-k {text!r}: give positive integers, e.g. 1,5")
    return ks


class OracleCoder:
    """Hands in the task's own reference: the labelled oracle baseline. It checks the harness
    (every task can be passed, no check contradicts its reference), not a model; its sandbox
    package keeps what the others' lacks."""

    name = "oracle"

    def __init__(self, task: Task) -> None:
        self.task = task

    def write(
        self,
        module: str,
        number: int,
        directory: Path,
        task: str,
        feedback: str,
        rules: Sequence[Rule] = (),
    ) -> Attempt:
        directory.mkdir(parents=True, exist_ok=True)
        target, attr = self.task.reference.split(":")
        path = directory / "module.py"
        path.write_text(
            f'"""The oracle: the task\'s reference."""\n\nfrom {target} import {attr} as Module\n'
        )
        return Attempt(module, number, path, "written", 0, oracle=True)


def coder_for(choice: ModelChoice, strategy: str, task: Task) -> Coder:
    if choice.kind == "library":
        return LibraryCoder(exclude=frozenset({task.module}))
    if choice.kind == "oracle":
        return OracleCoder(task)
    assert choice.model is not None  # parse_models gives every llm choice its model
    return LLMCoder(choice.model, strategy, endpoint=choice.endpoint)


def eval_spec(task: Task, candidate: str = "candidate/module.py:Module") -> JobSpec:
    """The job spec of a sample (the sandbox runner's, with the eval's case checks): one
    candidate, no module checks, the task's cases and the invariants to check on each."""
    return JobSpec(
        modules={task.module: candidate},
        checks=False,
        cases=cases_json(task),
        properties=task.checks,
    )


def prepare_eval_job(
    directory: Path, task: Task, candidate: Path, limits: Limits, full: bool
) -> Job:
    """The candidate, the task's cases and a package without the answer: the simulator core
    minus the target module's folder, the fast path (which fuses all three modules) and the
    known changes (``simulator/components``: the answers of the tasks beyond SCALE-Sim), the
    sandbox runner and this runner. ``full`` (the oracle) keeps everything."""
    return build_job(
        directory,
        eval_spec(task),
        {"module": candidate},
        runner=RUNNER,
        limits=limits,
        include=[
            "__init__.py",
            "simulator",
            "sandbox",
            "evals/__init__.py",
            "evals/sandbox_runner.py",
        ],
        exclude=[]
        if full
        else [f"simulator/{task.module}", "simulator/fast", "simulator/components"],
    )


def classify(result: ExecResult, task: Task) -> tuple[str, str]:
    """(category, detail) of one sandbox run; the host compares every number itself."""
    if result.status is ExecStatus.TIMEOUT:
        return "timeout", f"killed after {result.wall_s:.0f} s"
    if result.status is ExecStatus.OOM:
        return "crash", "ran out of memory"
    if result.status is not ExecStatus.OK or result.result is None:
        why = result.result_error or result.stderr[-400:]
        return "crash", f"sandbox run {result.status.value}: {why}"
    doc = result.result
    rec = doc.modules.get(task.module)
    if rec is None:
        return "crash", f"the runner reported no {task.module} module"
    if rec.failure is not None:
        # the runner's typed failure kind, re-checked by the host's schema: "interface" is a
        # module the loader refused (no Module, or not the contract's method)
        kind = "signature" if rec.failure == "interface" else "crash"
        return kind, f"{rec.failure}: {rec.error}"
    got = {w.name: w for w in doc.workloads}
    want = expected(task.id)
    for name in want:
        w = got.get(name)
        if w is None or w.error:
            return "crash", f"{name}: {w.error if w else 'not run'}"
    wrong = []
    checks = [(n, f, v, "reference") for n, fields in want.items() for f, v in fields.items()]
    checks += [
        (n, f, v, "hand-worked")
        for n, fields in hand_expected(task).items()
        for f, v in fields.items()
    ]
    for name, field, value, source in checks:
        layers = got[name].layers
        have = layers[0].fields.get(field) if layers else None
        if have is None or not same_number(have, value):
            wrong.append(f"{name}: {field} = {have}, {source} {value}")
    violations = [v.line() for v in rec.violations]
    if wrong or violations:
        shown = (wrong + violations)[:3]
        return (
            "wrong_numbers",
            f"{len(wrong)} wrong numbers, {len(violations)} violations; " + "; ".join(shown),
        )
    return "pass", ""


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._+-]+", "_", text)


def sample_dir(out: Path, choice: ModelChoice, strategy: str, task: Task, i: int) -> Path:
    return out / "samples" / _slug(choice.label) / _slug(strategy) / task.id / f"{i:03d}"


def run_sample(
    out: Path,
    choice: ModelChoice,
    strategy: str,
    task: Task,
    i: int,
    sandbox: str,
    limits: Limits,
    dead: set[str] | None = None,
) -> Sample:
    """One sample, decided and stored; a stored one is read back. Raises ``Undecided`` when the
    endpoint or the sandbox itself failed (nothing stored: a rerun tries again). ``dead`` holds
    the models whose endpoint did not answer in this run: their remaining samples are skipped
    rather than each waiting out the client's retries."""
    from simcoder.sandbox.registry import get_sandbox

    directory = sample_dir(out, choice, strategy, task, i)
    done = directory / "outcome.json"
    if done.is_file():
        return Sample.model_validate_json(done.read_text())
    where = f"{choice.label} {strategy} {task.id} #{i}"
    if dead is not None and choice.label in dead:
        raise Undecided(f"{where}: skipped, {choice.label}'s endpoint did not answer earlier")
    started = time.perf_counter()
    coder = coder_for(choice, strategy, task)
    try:
        attempt = coder.write(task.module, i, directory / "attempt", task.description, "")
    except Exception as exc:
        if dead is not None and _unreachable(exc):
            dead.add(choice.label)
        failed = (
            (f"the endpoint {choice.endpoint}" if choice.endpoint else "the provider's endpoint")
            if choice.kind == "llm"
            else f"the {choice.kind} coder"
        )
        raise Undecided(f"{where}: {failed} failed: {type(exc).__name__}: {exc}"[:400]) from exc
    record: dict[str, object] = {  # the fields of a Sample, as they are decided
        "model": choice.label,
        "kind": choice.kind,
        "strategy": strategy,
        "task": task.id,
        "module": task.module,
        "sample": i,
        "model_calls": attempt.model_calls,
        "tokens_in": attempt.tokens_in,
        "tokens_out": attempt.tokens_out,
    }
    if attempt.status != "written" or attempt.path is None:
        record |= {
            "category": FROM_ATTEMPT.get(attempt.status, "no_code"),
            "detail": attempt.detail,
        }
    else:
        job = prepare_eval_job(
            directory / "job", task, attempt.path, limits, choice.kind == "oracle"
        )
        result = get_sandbox(sandbox).run(job)
        shutil.rmtree(directory / "job", ignore_errors=True)
        if result.status is ExecStatus.ERROR:
            why = result.result_error or result.stderr.strip()[-300:] or "no output"
            raise Undecided(f"{where}: the {result.backend} sandbox failed: {why}"[:400])
        category, detail = classify(result, task)
        record |= {
            "category": category,
            "detail": detail[:600],
            "sandbox": result.backend,
            "sandbox_s": round(result.wall_s, 3),
        }
    decided = Sample.model_validate({**record, "seconds": round(time.perf_counter() - started, 3)})
    tmp = done.with_suffix(".tmp")
    tmp.write_text(decided.to_json())
    os.replace(tmp, done)
    return decided


def pass_at_k(n: int, c: int, k: int) -> float:
    """The unbiased estimator 1 - C(n-c, k) / C(n, k) (Chen et al. 2021), in its stable form."""
    if k > n:
        raise UserError(f"pass@{k} needs at least {k} samples per task, got {n}")
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


def bootstrap_ci(
    values: Sequence[float], resamples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """95% percentile interval of the mean over tasks (tasks resampled with replacement)."""
    v = np.asarray(values, dtype=float)
    if len(v) == 1:
        return float(v[0]), float(v[0])
    rng = np.random.default_rng(seed)
    means = v[rng.integers(0, len(v), size=(resamples, len(v)))].mean(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(lo), float(hi)


def score(samples: list[Sample], tasks: list[Task], ks: list[int]) -> list[dict[str, Any]]:
    """One row per (model, strategy): Pass@k with CIs, per module and per tier (SCALE-Sim, with
    rule, from words), the failure taxonomy by module and token use."""
    cells: dict[tuple[str, str], list[Sample]] = {}
    for s in samples:
        cells.setdefault((s.model, s.strategy), []).append(s)
    rows = []
    for (model, strategy), items in cells.items():
        per_task = {t.id: [s for s in items if s.task == t.id] for t in tasks}
        counts = {
            tid: (len(v), sum(s.category == "pass" for s in v)) for tid, v in per_task.items() if v
        }
        passk: dict[str, Any] = {}
        for k in ks:
            if min(n for n, _ in counts.values()) < k:
                passk[str(k)] = None
                continue
            values = [pass_at_k(n, c, k) for n, c in counts.values()]
            lo, hi = bootstrap_ci(values)
            by_module = {}
            for module in KINDS:
                mv = [
                    pass_at_k(*counts[t.id], k)
                    for t in tasks
                    if t.module == module and t.id in counts
                ]
                by_module[module] = sum(mv) / len(mv) if mv else None
            by_tier = {}
            for tier in TIERS:
                tv = [
                    pass_at_k(*counts[t.id], k)
                    for t in tasks
                    if t.tier_key == tier and t.id in counts
                ]
                by_tier[tier] = sum(tv) / len(tv) if tv else None
            passk[str(k)] = {
                "value": sum(values) / len(values),
                "ci95": [lo, hi],
                "by_module": by_module,
                "by_tier": by_tier,
            }
        taxonomy = {
            module: {
                c: sum(1 for s in items if s.module == module and s.category == c)
                for c in CATEGORIES
            }
            for module in KINDS
        }
        rows.append(
            {
                "model": model,
                "kind": items[0].kind,
                "strategy": strategy,
                "tasks": len(counts),
                "samples": len(items),
                "passed": sum(c for _, c in counts.values()),
                "pass_at_k": passk,
                "per_task": {tid: {"n": n, "c": c} for tid, (n, c) in counts.items()},
                "taxonomy": taxonomy,
                "tokens_in": sum(s.tokens_in for s in items),
                "tokens_out": sum(s.tokens_out for s in items),
                "model_calls": sum(s.model_calls for s in items),
            }
        )
    return rows


def run_eval(
    out: Path,
    tasks: list[Task],
    models: list[ModelChoice],
    strategies: list[str],
    n: int,
    ks: list[int],
    sandbox: str = "auto",
    jobs: int = 2,
    timeout_s: float = 120,
    progress: Callable[[int, int, Sample | str], None] | None = None,
) -> dict[str, Any]:
    """Every sample (stored ones are read back), then the scores."""
    if n < 1:
        raise UserError("-n must be at least 1")
    if max(ks) > n:
        raise UserError(
            f"-k {max(ks)} needs -n of at least {max(ks)} samples per task (got -n {n})"
        )
    out.mkdir(parents=True, exist_ok=True)
    limits = Limits(timeout_s=timeout_s, memory_mb=2048)
    work = [
        (m, s, t, i)
        for m in models
        for s in (strategies if m.strategies else [NO_STRATEGY])
        for t in tasks
        for i in range(1, n + 1)
    ]
    for t in tasks:
        expected(t.id)  # the references, once, before the threads start
    samples: list[Sample] = []
    errors: list[str] = []
    dead: set[str] = set()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [
            pool.submit(run_sample, out, m, s, t, i, sandbox, limits, dead) for m, s, t, i in work
        ]
        for done, future in enumerate(futures, 1):
            outcome: Sample | str
            try:
                outcome = future.result()
            except SandboxUnavailable:
                raise
            except Exception as exc:  # the sandbox or the endpoint failed, not the candidate
                outcome = str(exc) if isinstance(exc, Undecided) else f"{type(exc).__name__}: {exc}"
                errors.append(outcome[:400])
            else:
                samples.append(outcome)
            if progress is not None:
                progress(done, len(futures), outcome)
    result = {
        "schema": "simcoder.eval/1",
        "tasks": [t.id for t in tasks],
        "tiers": {t.id: t.tier_key for t in tasks},  # keys of tasks.TIERS
        "models": [{"label": m.label, "kind": m.kind, "endpoint": m.endpoint} for m in models],
        "strategies": strategies,
        "n": n,
        "k": ks,
        "sandbox": sandbox,
        "timeout_s": timeout_s,
        # samples the sandbox or the endpoint could not decide: not stored, a rerun retries them
        "undecided": len(work) - len(samples),
        "errors": errors[:10],
        "rows": score(samples, tasks, ks),
    }
    return result
