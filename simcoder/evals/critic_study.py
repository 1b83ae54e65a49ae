"""How good the critic is: a frozen suite of seeded bugs and correct-but-different modules, run
through the real executor (sandbox) and critic, scored as detection rate, blame accuracy, a
confusion matrix and false alarms. ``benchmarks/critic_study.py`` is the command; the suite is
``tests/critic_suite/``; the published numbers are in ``docs/critic.md``."""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from simcoder.agents.critic import judge
from simcoder.agents.executor import execute
from simcoder.agents.references import Reference, expected_columns, reference_for
from simcoder.agents.spec import MODULES, AcceleratorSpec
from simcoder.sandbox.types import Limits
from simcoder.simulator.errors import UserError

STUDY_RANDOM_BUDGET_S = 120.0  # a ceiling only: the study's random cases are counted


@dataclass(frozen=True)
class Entry:
    module: str  # mapping | interconnect | storage
    name: str
    path: Path
    buggy: bool
    summary: str  # the docstring's first line

    @property
    def label(self) -> str:
        return f"{self.module}/{self.name}"


@dataclass(frozen=True)
class Case:
    """One executor + critic run: which file stands in for each replaced module."""

    name: str
    entries: tuple[Entry, ...]

    @property
    def bugged(self) -> tuple[str, ...]:
        """The buggy modules, in pipeline order."""
        return tuple(m for m in MODULES for e in self.entries if e.module == m and e.buggy)


@dataclass(frozen=True)
class Outcome:
    case: str
    replaced: tuple[str, ...]
    bugged: tuple[str, ...]
    accepted: bool
    blame: str | None
    flagged: tuple[str, ...]  # replaced modules whose own checks failed
    seconds: float
    feedback: str


def _summary(path: Path) -> str:
    text = path.read_text()
    start = text.find('"""')
    return text[start + 3 :].split("\n", 1)[0].strip() if start >= 0 else path.stem


def load_suite(root: Path) -> list[Entry]:
    """Bugs: ``<root>/<module>/*.py``; correct variants: ``<root>/correct/<module>_*.py``."""
    out = []
    for module in MODULES:
        for path in sorted((root / module).glob("*.py")):
            out.append(Entry(module, path.stem, path, True, _summary(path)))
        for path in sorted((root / "correct").glob(f"{module}_*.py")):
            out.append(Entry(module, path.stem, path, False, _summary(path)))
    if not out:
        raise UserError(f"{root}: no suite files (expected <module>/*.py and correct/*.py)")
    return out


def make_cases(suite: list[Entry], combos: int, seed: int) -> list[Case]:
    """Every entry alone, then ``combos`` cases that replace all three modules at once: each
    module is buggy with probability 1/2 (some cases end up with no bug at all), drawn with a
    fixed seed so the suite stays frozen."""
    cases = [Case(e.label, (e,)) for e in suite]
    rng = random.Random(seed)
    by = {
        (m, b): [e for e in suite if e.module == m and e.buggy is b]
        for m in MODULES
        for b in (True, False)
    }
    for i in range(combos):
        picked = []
        for m in MODULES:
            buggy = rng.random() < 0.5 and bool(by[(m, True)])
            pool = by[(m, buggy)] or by[(m, True)]
            picked.append(rng.choice(pool))
        cases.append(Case(f"combo-{i:02d}: " + " + ".join(e.label for e in picked), tuple(picked)))
    return cases


def run_case(
    case: Case,
    spec: AcceleratorSpec,
    refs: dict[str, Reference],
    sandbox: str,
    work: Path,
    number: int,
    seed: int = 0,
    random_cases: int = 300,
) -> Outcome:
    candidates = {e.module: str(e.path) for e in case.entries}
    spec = spec.model_copy(update={"modules": list(candidates)})
    start = time.perf_counter()
    summary = execute(
        work,
        number,
        spec,
        candidates,
        sandbox,
        Limits(timeout_s=600),
        expected_columns(refs),
        random_seed=seed,
        random_budget_s=STUDY_RANDOM_BUDGET_S,
        random_max_cases=random_cases,
    )
    verdict = judge(summary, list(candidates), refs)
    replaced = tuple(m for m in MODULES if m in candidates)
    return Outcome(
        case=case.name,
        replaced=replaced,
        bugged=case.bugged,
        accepted=verdict.accept,
        blame=verdict.blame,
        flagged=tuple(m for m in replaced if m not in verdict.passing),
        seconds=round(time.perf_counter() - start, 2),
        feedback=verdict.feedback[:300],
    )


def run_study(
    suite_root: Path,
    spec: AcceleratorSpec,
    sandbox: str,
    combos: int = 30,
    seed: int = 5,
    progress: Callable[[int, int, Outcome], None] | None = None,
    only: Callable[[Case], bool] | None = None,
    jobs: int = 1,
    random_cases: int = 300,
) -> dict[str, Any]:
    """Every case through executor and critic; ``jobs`` sandbox runs at a time; each module
    gets ``random_cases`` random differential cases from ``seed`` (a count, not seconds, so the
    study gives the same verdicts on a loaded machine)."""
    suite = load_suite(suite_root)
    cases = [c for c in make_cases(suite, combos, seed) if only is None or only(c)]
    refs = {w: reference_for(spec, w) for w in spec.workloads}
    work = Path(tempfile.mkdtemp(prefix="simcoder-critic-study-"))
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = [
                pool.submit(run_case, case, spec, refs, sandbox, work, i + 1, seed, random_cases)
                for i, case in enumerate(cases)
            ]
            outcomes = []
            for i, future in enumerate(futures):  # in case order, whatever finishes first
                outcomes.append(future.result())
                if progress is not None:
                    progress(i + 1, len(cases), outcomes[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "spec": spec.model_dump(),
        "sandbox": sandbox,
        "seed": seed,
        "random_cases": random_cases,
        "references": {w: r.source for w, r in refs.items()},
        "suite": [{"label": e.label, "buggy": e.buggy, "summary": e.summary} for e in suite],
        "outcomes": [asdict(o) for o in outcomes],
        "scores": score(outcomes),
    }


def score(outcomes: list[Outcome]) -> dict[str, Any]:
    """Detection, blame and false alarms, for single-module and all-three cases separately."""

    def part(rows: list[Outcome]) -> dict[str, Any]:
        buggy = [o for o in rows if o.bugged]
        clean = [o for o in rows if not o.bugged]
        caught = [o for o in buggy if not o.accepted]
        right = [o for o in caught if o.blame == o.bugged[0]]
        every = [o for o in caught if set(o.flagged) >= set(o.bugged)]
        matrix: dict[str, dict[str, int]] = {
            m: {b: 0 for b in (*MODULES, "accepted")} for m in MODULES
        }
        for o in buggy:
            matrix[o.bugged[0]][o.blame if not o.accepted and o.blame else "accepted"] += 1
        return {
            "bug_cases": len(buggy),
            "caught": len(caught),
            "detection_rate": len(caught) / len(buggy) if buggy else None,
            "blamed_right": len(right),
            "blame_accuracy": len(right) / len(caught) if caught else None,
            "all_bugged_modules_flagged": len(every),
            "clean_cases": len(clean),
            "false_alarms": sum(1 for o in clean if not o.accepted),
            "false_alarm_rate": (
                sum(1 for o in clean if not o.accepted) / len(clean) if clean else None
            ),
            "missed": [o.case for o in buggy if o.accepted],
            "misblamed": [f"{o.case} -> {o.blame}" for o in caught if o not in right],
            "false_alarm_cases": [o.case for o in clean if not o.accepted],
            "confusion": matrix,
        }

    return {
        "single": part([o for o in outcomes if len(o.replaced) == 1]),
        "all_three": part([o for o in outcomes if len(o.replaced) == len(MODULES)]),
        "overall": part(outcomes),
    }


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def render_markdown(result: dict[str, Any]) -> str:
    lines = []
    for key, title in (
        ("single", "One module replaced"),
        ("all_three", "All three replaced at once"),
        ("overall", "Overall"),
    ):
        s = result["scores"][key]
        lines += [
            f"### {title}",
            "",
            f"- bugs caught: {s['caught']} / {s['bug_cases']} ({_pct(s['detection_rate'])})",
            f"- blamed on the right module (the first buggy one in pipeline order): "
            f"{s['blamed_right']} / {s['caught']} ({_pct(s['blame_accuracy'])})",
            f"- cases where every buggy module failed its own checks: "
            f"{s['all_bugged_modules_flagged']} / {s['caught']}",
            f"- false alarms on correct modules: {s['false_alarms']} / {s['clean_cases']} "
            f"({_pct(s['false_alarm_rate'])})",
            "",
            "| bugged \\ blamed | " + " | ".join((*MODULES, "accepted")) + " |",
            "|---|" + "---|" * (len(MODULES) + 1),
        ]
        for m, row in s["confusion"].items():
            lines.append(f"| {m} | " + " | ".join(str(v) for v in row.values()) + " |")
        for label, items in (
            ("missed", s["missed"]),
            ("misblamed", s["misblamed"]),
            ("false alarms", s["false_alarm_cases"]),
        ):
            if items:
                lines.append("")
                lines.append(f"{label}: " + "; ".join(items))
        lines.append("")
    return "\n".join(lines)


def _exposed_by(path: Path) -> str:
    text = path.read_text()
    start = text.find("Exposed by:")
    if start < 0:
        return "-"
    line = " ".join(text[start + len("Exposed by:") :].split("\n\n", 1)[0].split())
    return line.replace('"""', "").replace("|", "/").strip()


def render_entries(result: dict[str, Any], root: Path) -> str:
    """Every suite file alone: what is wrong, what exposes it, the verdict it got."""
    outcomes = {o["case"]: o for o in result["outcomes"]}
    lines = [
        "| file | kind | what is wrong | exposed by | verdict alone |",
        "|---|---|---|---|---|",
    ]
    for e in load_suite(root):
        o = outcomes.get(e.label)
        verdict = (
            "-" if o is None else "accepted" if o["accepted"] else f"rejected, blamed {o['blame']}"
        )
        lines.append(
            f"| `{e.label}` | {'bug' if e.buggy else 'correct'} | {e.summary.rstrip(chr(34))} | "
            f"{_exposed_by(e.path) if e.buggy else '-'} | {verdict} |"
        )
    return "\n".join(lines) + "\n"
