"""``simcoder check-modules KIND=SPEC ...``: check modules from the command line."""

from __future__ import annotations

import json

from simcoder.simulator.checks.runner import check_module
from simcoder.simulator.registry import KINDS, ModuleLoadError, load_module


def run_checks(specs: list[str], quick: bool = False, as_json: bool = False) -> int:
    pairs = []
    for spec in specs or [f"{k}=reference" for k in KINDS]:
        kind, sep, target = spec.partition("=")
        if not sep or kind not in KINDS:
            raise ModuleLoadError(f"{spec!r}: write KIND=SPEC with KIND one of {', '.join(KINDS)}")
        pairs.append((kind, target))
    results = {}
    for kind, target in pairs:
        results[kind] = check_module(kind, load_module(kind, target), quick=quick)
    if as_json:
        print(json.dumps({k: [v.to_dict() for v in vs] for k, vs in results.items()}, indent=2))
    else:
        for kind, violations in results.items():
            status = "pass" if not violations else f"{len(violations)} violation(s)"
            print(f"{kind}: {status}")
            for v in violations[:20]:
                print(f"  {v}")
            if len(violations) > 20:
                print(f"  ... {len(violations) - 20} more (use --json for all)")
    return 0 if all(not v for v in results.values()) else 1
