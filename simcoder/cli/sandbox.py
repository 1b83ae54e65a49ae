"""``simcoder sandbox build`` and ``simcoder sandbox exec``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from simcoder.sandbox.types import Job, Limits
from simcoder.simulator.errors import UserError


def cmd_build(args: argparse.Namespace) -> int:
    from simcoder.sandbox import image, runtime

    tag = image.build(args.method, log=lambda m: print(m, file=sys.stderr))
    site = runtime.install_site()
    print(f"image {tag} ready (Python {runtime.python_minor()}, numpy {runtime.pinned_numpy()})")
    print(f"bwrap runtime ready: {runtime.SANDBOX_PYTHON} + {site}")
    return 0


def cmd_exec(args: argparse.Namespace) -> int:
    from simcoder.sandbox.local import WARNING
    from simcoder.sandbox.registry import get_sandbox

    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        raise UserError(
            "sandbox exec: give a command after --, e.g. "
            "`simcoder sandbox exec -- python3 -c 'print(1)'`"
        )
    sandbox = get_sandbox(args.backend)
    if sandbox.name == "local":
        print(f"simcoder: warning: {WARNING}", file=sys.stderr)
    limits = Limits(timeout_s=args.timeout, memory_mb=args.memory)
    result = sandbox.run(Job(Path.cwd(), tuple(command), limits))
    print(json.dumps(result.to_json(), indent=2))
    return 0 if result.status.value == "ok" else 1


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = sub.add_parser("sandbox", help="build the sandbox image, or run a command in a sandbox")
    ss = s.add_subparsers(dest="sandbox_command", required=True)
    b = ss.add_parser("build", help="build the sandbox image (offline when no registry answers)")
    b.add_argument("--method", choices=["auto", "dockerfile", "offline"], default="auto")
    b.set_defaults(func=cmd_build)
    e = ss.add_parser(
        "exec",
        help="run COMMAND in a sandbox, the current directory as its job "
        "directory (outputs come back in ./out); prints the ExecResult as JSON",
    )
    e.add_argument("--backend", choices=["auto", "docker", "bwrap", "local"], default="auto")
    e.add_argument("--timeout", type=float, default=60.0, metavar="S")
    e.add_argument("--memory", type=int, default=1024, metavar="MB")
    e.add_argument("command", nargs=argparse.REMAINDER)
    e.set_defaults(func=cmd_exec)
