"""``simcoder eval``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from simcoder.simulator.errors import UserError

if TYPE_CHECKING:
    from simcoder.agents.models import ChatModel


def cmd_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from simcoder.evals import harness, report
    from simcoder.evals.tasks import TASKS, TIERS, select

    if args.list:
        width = max(len(t.id) for t in TASKS)
        print(f"{'task':{width}} {'tier':10} tags")
        for t in TASKS:
            print(f"{t.id:{width}} {TIERS[t.tier_key]:10} {' '.join(t.tags)}")
        counts = ", ".join(
            f"{sum(t.tier_key == k for t in TASKS)} {label}" for k, label in TIERS.items()
        )
        print(
            f"{len(TASKS)} tasks ({counts}); select a tier with --tasks scalesim, rule or words; "
            "`simcoder eval --show ID` prints one task's description"
        )
        return 0
    if args.show:
        from simcoder.evals.tasks import BY_ID, rule_twin

        if args.show not in BY_ID:
            raise UserError(f"--show {args.show!r}: no such task; see `simcoder eval --list`")
        task = BY_ID[args.show]
        print(f"{task.id} ({TIERS[task.tier_key]})\n\n{task.description}")
        print(f"\nreference: {task.reference}")
        if task.tier == "words":
            print(f"graded as its rule twin {rule_twin(task).id} (--show it for the rule)")
        for h in task.hand:
            print(
                f"hand-worked ({h.layer.name}, {h.rows}x{h.cols}, {h.kib}): {h.expected} - {h.why}"
            )
        return 0
    tasks = select(args.tasks)

    def model(spec: str) -> tuple[ChatModel, str | None]:
        """PROVIDER:MODEL, or PROVIDER:MODEL@URL for a model on its own endpoint."""
        from simcoder.agents.models import make_model

        name, _, url = spec.partition("@")
        endpoint = url or args.base_url
        # never a cached answer: n samples of one prompt must be n model calls
        chat = make_model(name, endpoint, temperature=args.temperature, cache=False)
        return chat, endpoint

    models = harness.parse_models(args.models, model)
    strategies = harness.parse_strategies(args.strategies)
    ks = harness.parse_ks(args.k)
    out = Path(args.outdir)

    def progress(i: int, n: int, rec: harness.Sample | str) -> None:
        what = (
            f"undecided, retried on the next run: {rec}"
            if isinstance(rec, str)
            else f"{rec.model} {rec.strategy} {rec.task} #{rec.sample}: {rec.category}"
        )
        print(f"  [{i}/{n}] {what}", file=sys.stderr, flush=True)

    result = harness.run_eval(
        out,
        tasks,
        models,
        strategies,
        args.n,
        ks,
        args.sandbox,
        args.jobs,
        args.timeout,
        progress,
    )
    paths = report.write(result, out)
    print(report.markdown(result))
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0 if not result["undecided"] else 1


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    e = sub.add_parser(
        "eval", help="Pass@k of module coders on the task suite (models x prompting strategies)"
    )
    e.add_argument(
        "--tasks",
        default="all",
        help="all, ids, globs (storage-*) or tags (os, user, variant, ...); the tiers: "
        "scalesim, rule (variants told their rule), words (told only the user's sentence)",
    )
    e.add_argument(
        "--models",
        default="oracle,library",
        help="comma-separated: oracle, library, PROVIDER:MODEL or PROVIDER:MODEL@URL (any "
        "OpenAI-compatible endpoint)",
    )
    e.add_argument(
        "--strategies", default="zero-shot", help="zero-shot,icl,cot,icl+cot (models only)"
    )
    e.add_argument("-n", type=int, default=1, help="samples per task, model and strategy")
    e.add_argument("-k", default="1", help="Pass@k for these k (each <= n), e.g. 1,5")
    e.add_argument("-o", "--outdir", default="eval", help="results and samples (rerun to resume)")
    e.add_argument(
        "--jobs", type=int, default=2, help="samples in flight at once (model calls + sandbox)"
    )
    e.add_argument("--sandbox", default="auto", choices=["auto", "docker", "bwrap", "local"])
    e.add_argument("--timeout", type=float, default=120, help="seconds per sample's sandbox run")
    e.add_argument("--base-url", help="the endpoint of PROVIDER:MODEL models (else the provider's)")
    e.add_argument("--temperature", type=float, default=0.8, help="sampling temperature of models")
    e.add_argument("--list", action="store_true", help="list the tasks and their tags")
    e.add_argument(
        "--show", metavar="ID", help="print one task's description and hand-worked numbers"
    )
    e.set_defaults(func=cmd_eval)
