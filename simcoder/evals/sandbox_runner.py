"""In the sandbox: ``python3 -m simcoder.evals.sandbox_runner job.json``.

The sandbox runner (``simcoder.sandbox.runner``) with the eval's checks: it loads the one
candidate, runs it with the other two reference modules on each case of the task (a "workload"
of one layer with its own config) and records every report column, and here, on each case, the
module's invariants (``properties`` names them). It knows no expected numbers: the host compares.
The package it runs in lacks the target's reference (see harness.py).
"""

from __future__ import annotations

import sys
from typing import Any

from simcoder.sandbox import runner
from simcoder.sandbox.job_spec import JobSpec, JobSpecError


def _exact_ofmap_properties(mapping: Any, case: str) -> list[Any]:
    """The mapping invariants with the exact ofmap size (floor((H - R) / s) + 1)."""
    from simcoder.simulator.checks.properties import mapping_properties
    from simcoder.simulator.checks.violations import Violation

    x = mapping.layer
    e = (x.ifmap_h - x.filter_h) // x.stride + 1
    f = (x.ifmap_w - x.filter_w) // x.stride + 1
    want = e * f * x.filter_h * x.filter_w * x.channels * x.num_filters
    got = sum(fold.rows_used * fold.cols_used for fold in mapping.folds) * mapping.t
    out = [v for v in mapping_properties(mapping, case) if "macs" not in v.check]
    if got != want:
        out.append(Violation("property.exact_macs_conserved", "mapping", case, str(want), str(got)))
    return out


def properties(properties: str) -> runner.CaseChecks:
    """The case checks for ``properties`` (a module kind, or ``mapping_exact_ofmap``)."""

    def check(kind: str, mods: Any, layer: Any, config: Any, case: str) -> list[Any]:
        from simcoder.simulator.checks.properties import (
            mapping_properties,
            schedule_properties,
            storage_properties,
        )

        mapping = mods.mapping.map(layer, config.array)
        if kind == "mapping":
            exact = properties == "mapping_exact_ofmap"
            return list((_exact_ofmap_properties if exact else mapping_properties)(mapping, case))
        schedule = mods.interconnect.schedule(mapping)
        if kind == "interconnect":
            return list(schedule_properties(schedule, case))
        report = mods.storage.simulate(schedule, config.memory)
        return list(storage_properties(report, schedule, case))

    return check


def run(spec: JobSpec) -> dict[str, Any]:
    if spec.properties is None:
        raise JobSpecError("job.json: 'properties' must name the eval's case checks")
    return runner.run(spec, properties(spec.properties))


def main(argv: list[str] | None = None) -> int:
    return runner.main(argv, run, "simcoder eval runner")


if __name__ == "__main__":
    sys.exit(main())
