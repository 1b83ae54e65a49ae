"""``simcoder generate | resume | trace | judge``: the workflow's commands. Importing this module
imports only the standard library; the agent stack loads when a command runs."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simcoder.simulator.errors import SimcoderError, UserError

if TYPE_CHECKING:
    from simcoder.agents.models import ModelsChoice
    from simcoder.graph.state import ApprovalRequest, Decision, RunState, WorkflowState


class EndpointFailed(SimcoderError):
    """The model's endpoint refused, timed out or failed; the message says how to resume."""


def _validated(build: Any) -> Any:
    """Build a workflow config; pydantic's validation error becomes one line naming the field."""
    from pydantic import ValidationError

    try:
        return build()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise UserError(f"{where}: {message}" if where else message) from None


def _explained(run_dir: Path, call: Any) -> Any:
    """Run the workflow; an endpoint failure becomes one clear line that says how to go on.
    The checkpoints keep every finished step, so nothing done is lost."""
    from simcoder.agents.models import endpoint_failed

    try:
        return call()
    except Exception as exc:
        if not endpoint_failed(exc):
            raise
        request = getattr(exc, "request", None)
        where = f" {request.url}" if request is not None else ""
        first = (str(exc).splitlines() or [""])[0][:200]
        raise EndpointFailed(
            f"the model endpoint{where} failed ({type(exc).__name__}: {first}); nothing is "
            f"lost: {run_dir} keeps every finished step. Fix the endpoint (or give another with "
            f"--base-url URL) and run: simcoder resume {run_dir}"
        ) from None


def _config(args: argparse.Namespace, run_dir: Path) -> Any:
    from simcoder.agents.models import configure_models
    from simcoder.agents.references import MODES
    from simcoder.agents.spec import AcceleratorSpec, read_spec
    from simcoder.graph.config import WorkflowConfig

    spec = read_spec(args.spec) if args.spec else None
    if spec is not None and args.workload:  # validated like the file's own list
        spec = _validated(
            lambda: AcceleratorSpec.model_validate(
                {**spec.model_dump(exclude_unset=True), "workloads": args.workload}
            )
        )
    choice: ModelsChoice = {
        "model": args.model,
        "model_for": args.model_for or [],
        "base_url": args.base_url,
    }
    model, models, alternates = configure_models(choice, run_dir)
    return _validated(
        lambda: WorkflowConfig(
            run_dir=run_dir,
            spec=spec,
            description=args.description,
            model=model,
            models=models,
            alt_models=alternates,
            versions=args.versions,
            endpoint=args.base_url,
            strategy=args.strategy,
            sandbox=args.sandbox,
            max_rounds=args.max_rounds,
            reference_file=(
                Path(args.reference) if args.reference and args.reference not in MODES else None
            ),
            reference=args.reference if args.reference in MODES else "auto",
            approve=args.approve,
            random_seed=args.seed,
            random_budget_s=args.random_budget,
        )
    )


def _random_case_args(p: argparse.ArgumentParser) -> None:
    """The critic's random differential cases (docs/critic.md), for generate and judge."""
    p.add_argument("--seed", type=int, default=0, help="seed of the random differential cases")
    p.add_argument(
        "--random-budget",
        type=float,
        default=3.0,
        metavar="SECONDS",
        help="random differential cases per module per round, in seconds (default 3; 0: none)",
    )


def _ask_plan(request: ApprovalRequest) -> Decision:
    """The interactive reviewer of a plan: the rules to read (and edit), then approve or not."""
    print("\napproval needed before any module is written; the rules:", file=sys.stderr)
    for path in request["rules"]:
        print(f"  {path}", file=sys.stderr)
    print(f"{request['question']} [y]es / [n]o: ", end="", file=sys.stderr)
    if input().strip().lower() in ("y", "yes"):
        return {"approve": True}
    print("reason (optional): ", end="", file=sys.stderr)
    return {"approve": False, "reason": input().strip()}


def _ask(request: ApprovalRequest) -> Decision:
    """The interactive reviewer: show what would run, then approve, reject or show the code."""
    if request.get("stage") == "plan":
        return _ask_plan(request)
    print(f"\napproval needed before sandbox run {request['execution']}:", file=sys.stderr)
    for module, path in request["candidates"].items():
        lines = len(Path(path).read_text().splitlines())
        print(f"  {module}: {path} ({lines} lines)", file=sys.stderr)
    while True:
        print(f"{request['question']} [y]es / [n]o / [s]how the code: ", end="", file=sys.stderr)
        answer = input().strip().lower()
        if answer in ("y", "yes"):
            return {"approve": True}
        if answer in ("n", "no"):
            print("reason (optional): ", end="", file=sys.stderr)
            return {"approve": False, "reason": input().strip()}
        if answer in ("s", "show"):
            for module, path in request["candidates"].items():
                print(f"\n===== {module}: {path}\n{Path(path).read_text()}", file=sys.stderr)


def _approver(config: Any) -> Any:
    """Ask at the terminal; without one, the run pauses and says how to answer."""
    return _ask if config.approve and sys.stdin.isatty() else None


def _summarise(state: RunState, run_dir: Path, seconds: float) -> None:
    from simcoder.graph.run import AWAITING

    if state.get("status") == AWAITING and state["approval_request"].get("stage") == "plan":
        print("paused after planning, before any code is written; read and edit the rules:")
        for path in state["approval_request"]["rules"]:
            print(f"  {run_dir / path}")
        print(
            f"then answer with: simcoder resume {run_dir} --approve   "
            "(or --reject REASON to stop the run)"
        )
        return
    if state.get("status") == AWAITING:
        request = state["approval_request"]
        print(f"paused before sandbox run {request['execution']}; the code to review:")
        for module, path in request["candidates"].items():
            print(f"  {module}: {path}")
        print(
            f"answer with: simcoder resume {run_dir} --approve   "
            f"(or --reject REASON to stop the run)"
        )
        return
    print(
        f"status: {state.get('status')} after {state.get('executions', 0)} sandbox run(s) "
        f"in {seconds:.1f} s"
    )
    verdict = state.get("verdict") or {}
    evidence, kinds, labels = (verdict.get(k, {}) for k in ("evidence", "kinds", "labels"))
    for m, rec in state.get("modules", {}).items():
        print(f"  {m}: {'passing' if rec['passing'] else 'failing'} after {rec['round']} round(s)")
        if state.get("status") == "accepted" and m in labels:
            print(f"    accepted: {labels[m]} (evidence: {', '.join(kinds.get(m, []))})")
        if m in evidence:
            print(f"    evidence: {evidence[m]}")
    for r in state.get("rules", []):
        print(f"  rule changes/{r['number']}.md ({r['module']}): {r['text']}")
    compared = (state.get("verdict") or {}).get("compared")
    if compared:
        print(f"  {compared}")
    report = run_dir / "report.md"
    if report.exists():
        total = [x for x in report.read_text().splitlines() if x.startswith("Total cycle")]
        print("  " + (total[0] if total else ""))
        print(f"report: {report} (and report.html); simulator: {run_dir / 'simulator'}")


def _progress(node: str, update: WorkflowState) -> None:
    from simcoder.graph.run import describe

    line = describe(node, update)
    if line:
        print(f"  {line}", file=sys.stderr, flush=True)


def cmd_generate(args: argparse.Namespace) -> int:
    from simcoder.graph.run import generate

    if args.list_components:
        from simcoder.agents.change.components import component_listing

        print(component_listing())
        return 0
    if not args.spec and not args.description:
        raise UserError("describe the accelerator in quotes, or give --spec FILE (see examples/)")
    run_dir = Path(args.outdir or f"runs/{time.strftime('%Y%m%d-%H%M%S')}")
    start = time.perf_counter()
    config = _config(args, run_dir)
    state = _explained(
        run_dir, lambda: generate(config, progress=_progress, approver=_approver(config))
    )
    _summarise(state, run_dir, time.perf_counter() - start)
    return 0 if state.get("status") == "accepted" else 1


def cmd_resume(args: argparse.Namespace) -> int:
    from simcoder.agents.models import MODELS_FILE, configure_models
    from simcoder.graph.run import load_config, resume

    run_dir = Path(args.run_dir)
    if not (run_dir / "run_config.json").exists():
        raise UserError(f"{run_dir}: not a simcoder run directory (no run_config.json)")
    start = time.perf_counter()
    saved = run_dir / MODELS_FILE
    before = json.loads(saved.read_text()) if saved.exists() else {}
    choice: ModelsChoice = {  # what resume is given overrides what generate was given
        "model": args.model or before.get("model"),
        "model_for": args.model_for or before.get("model_for", []),
        "base_url": args.base_url or before.get("base_url"),
    }
    model, models, alternates = configure_models(choice, run_dir)
    config = _validated(
        lambda: load_config(
            run_dir,
            sandbox=args.sandbox or None,
            model=model,
            models=models,
            alt_models=alternates,
            endpoint=choice["base_url"],
        )
    )
    decision: Decision | None = None
    if args.approve or args.reject is not None:
        decision = {"approve": bool(args.approve), "reason": args.reject or ""}
    state = _explained(
        run_dir,
        lambda: resume(config, progress=_progress, approver=_approver(config), decision=decision),
    )
    _summarise(state, run_dir, time.perf_counter() - start)
    return 0 if state.get("status") == "accepted" else 1


def cmd_trace(args: argparse.Namespace) -> int:
    from simcoder.graph.tracing import read_trace, render_tree

    path = Path(args.run_dir) / "trace.jsonl"
    if not path.exists():
        raise UserError(f"{path}: no trace (is {args.run_dir} a run directory?)")
    print(render_tree(read_trace(path)))
    return 0


def cmd_judge(args: argparse.Namespace) -> int:
    """The executor and critic on modules a person wrote."""
    from simcoder.agents.critic import judge
    from simcoder.agents.executor import execute
    from simcoder.agents.references import expected_columns, reference_for
    from simcoder.agents.spec import MODULES, paper_spec, read_spec
    from simcoder.sandbox.types import Limits

    candidates = {}
    for item in args.modules:
        kind, sep, target = item.partition("=")
        if not sep or kind not in MODULES:
            raise UserError(
                f"{item!r}: write MODULE=FILE.py[:Attr] with MODULE one of {', '.join(MODULES)}"
            )
        path, _, attr = target.partition(":")
        if not Path(path).is_file():
            raise UserError(f"{path}: no such file")
        candidates[kind] = (path, attr or "Module")
    spec = read_spec(args.spec) if args.spec else paper_spec("check")
    spec = spec.model_copy(
        update={"workloads": args.workload or spec.workloads, "modules": list(candidates)}
    )
    run_dir = Path(args.outdir or f"runs/check-{time.strftime('%Y%m%d-%H%M%S')}")
    staged = {}
    for kind, (path, attr) in candidates.items():  # the executor imports class Module
        dest = run_dir / "modules" / f"{kind}.py"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(
            Path(path).read_text() + (f"\n\nModule = {attr}\n" if attr != "Module" else "")
        )
        staged[kind] = str(dest)
    refs = {w: reference_for(spec, w) for w in spec.workloads}
    limits = Limits(timeout_s=600, memory_mb=4096)
    summary = execute(
        run_dir,
        1,
        spec,
        staged,
        args.sandbox,
        limits,
        expected_columns(refs),
        random_seed=args.seed,
        random_budget_s=args.random_budget,
    )
    verdict = judge(summary, list(candidates), refs)
    out = {
        "accept": verdict.accept,
        "blame": verdict.blame,
        "feedback": verdict.feedback,
        "passing": list(verdict.passing),
        "sandbox": summary.backend,
        "references": {w: r.source for w, r in refs.items()},
        "evidence": verdict.evidence,
        "compared": verdict.compared,
    }
    evidence = "".join(f"\n  {m}: {line}" for m, line in verdict.evidence.items())
    print(
        json.dumps(out, indent=2)
        if args.json
        else f"verdict: {'accept' if verdict.accept else 'reject'}"
        + (f"; blame: {verdict.blame}" if verdict.blame else "")
        + f"\n{verdict.feedback}\nevidence:{evidence}\n  {verdict.compared}"
    )
    return 0 if verdict.accept else 1


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    g = sub.add_parser("generate", help="describe an accelerator, get a verified simulator")
    g.add_argument("description", nargs="?", help="the accelerator in plain language")
    g.add_argument("--spec", help="a spec file (YAML), skipping the planner's model")
    g.add_argument("--workload", action="append", help="built-in workload(s) to check on")
    g.add_argument("--model", help="PROVIDER:MODEL for every coder (default: library coder)")
    g.add_argument(
        "--model-for",
        action="append",
        metavar="MODULE=PROVIDER:MODEL[,PROVIDER:MODEL]",
        help="the model of one module's coder; a second model after a comma writes the "
        "second version (--versions 2)",
    )
    g.add_argument("--base-url", help="an OpenAI-compatible endpoint (vLLM, Ollama, ...)")
    g.add_argument(
        "--strategy", default="zero-shot", choices=["zero-shot", "icl", "cot", "icl+cot"]
    )
    g.add_argument("--sandbox", default="auto", choices=["auto", "docker", "bwrap", "local"])
    g.add_argument(
        "--reference",
        metavar="scalesim|simcoder|golden|FILE",
        help="what the cycles are checked against, named in the report: scalesim (SCALE-Sim "
        "3.0.0 run live; scripts/setup_scalesim.sh installs it), simcoder (our core), golden "
        "(SCALE-Sim's committed numbers only), or a JSON file {workload: [cycles, ...]}; "
        "default: golden where it covers the spec, else simcoder",
    )
    g.add_argument("--max-rounds", type=int, default=3)
    g.add_argument(
        "--versions",
        type=int,
        choices=[1, 2],
        default=1,
        help="2: write each changed module twice, independently (--model-for MODULE=A,B, or "
        "two samples of one model), and compare the two on every probe",
    )
    g.add_argument(
        "--list-components",
        action="store_true",
        help="list the known changes the offline coder composes (component: in a spec)",
    )
    _random_case_args(g)
    g.add_argument(
        "--approve",
        action="store_true",
        help="pause after planning (read and edit the rules in changes/*.md) and before each "
        "sandbox run (read the code), to approve or reject",
    )
    g.add_argument("-o", "--outdir", help="the run directory (default runs/<time>)")
    g.set_defaults(func=cmd_generate)
    r = sub.add_parser("resume", help="finish a stopped run from its last checkpoint")
    r.add_argument("run_dir")
    r.add_argument("--sandbox", choices=["auto", "docker", "bwrap", "local"])
    r.add_argument("--model", help="PROVIDER:MODEL for every coder (default: as generate had it)")
    r.add_argument("--model-for", action="append", metavar="MODULE=PROVIDER:MODEL")
    r.add_argument("--base-url", help="another OpenAI-compatible endpoint than generate's")
    answer = r.add_mutually_exclusive_group()
    answer.add_argument("--approve", action="store_true", help="approve the paused sandbox run")
    answer.add_argument("--reject", metavar="REASON", help="reject it and stop the run")
    r.set_defaults(func=cmd_resume)
    t = sub.add_parser("trace", help="a run's tree of nodes and model calls, with timings")
    t.add_argument("run_dir")
    t.set_defaults(func=cmd_trace)
    c = sub.add_parser(
        "judge",
        aliases=["check"],
        help="run modules you wrote through the executor (sandbox, the spec's workloads) and "
        "the critic: the workflow's verdict (`check` is the old name)",
    )
    c.add_argument("modules", nargs="+", metavar="MODULE=FILE.py[:Attr]")
    c.add_argument("--workload", action="append")
    c.add_argument("--spec")
    c.add_argument("--sandbox", default="auto", choices=["auto", "docker", "bwrap", "local"])
    c.add_argument("-o", "--outdir")
    c.add_argument("--json", action="store_true")
    _random_case_args(c)
    c.set_defaults(func=cmd_judge)
