"""The ``simcoder`` command line: one module per command group, one error map for all.

Error map: a ``SimcoderError`` (a user's mistake, or a limit of what can be simulated) is one
line on stderr, ``simcoder: error: ...``, and exit status 2; any other exception is a bug and
keeps its traceback. Command modules import only the standard library and the core at import
time; the agent stack loads when a workflow command runs, so ``simulate`` starts fast."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

from simcoder import __version__
from simcoder.cli import bench, evals, explore, imports, sandbox, simulate, sweep, workflow
from simcoder.simulator.errors import SimcoderError

GROUPS = (simulate, imports, sweep, explore, bench, evals, sandbox, workflow)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="simcoder",
        description=(
            "Cycle-accurate, SCALE-Sim 3.0.0-exact DNN accelerator simulation, and the tools to "
            "generate and verify simulators."
        ),
    )
    p.add_argument("--version", action="version", version=f"simcoder {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.add_parsers(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", message="`langchain-community` is being sunset")
        try:
            status = int(args.func(args))
        except SimcoderError as exc:
            print(f"simcoder: error: {exc.one_line()}", file=sys.stderr)
            status = 2
    for w in caught:
        print(f"simcoder: warning: {w.message}", file=sys.stderr)
    return status


__all__ = ["build_parser", "main"]
