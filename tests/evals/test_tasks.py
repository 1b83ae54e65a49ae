"""The task suite: its coverage, its references against numbers worked out by hand, and that the
variants really differ from SCALE-Sim."""

from __future__ import annotations

import dataclasses
import itertools
import math
from math import comb
from typing import Any

import pytest

from simcoder.evals import sandbox_runner
from simcoder.evals.harness import bootstrap_ci, pass_at_k
from simcoder.evals.tasks import BY_ID, TASKS, Task, expected, hand_expected, select
from simcoder.simulator.engine import simulate_layer
from simcoder.simulator.errors import ScaleSimFailure
from simcoder.simulator.registry import KINDS


def _quick_storage(tasks: list[Task]) -> list[Any]:
    """Storage tasks run the reference storage on every case (seconds each): the quick loop
    keeps the first storage task, full runs take them all."""
    storage = [t for t in tasks if t.module == "storage"]
    return [pytest.param(t, marks=pytest.mark.slow) if t in storage[1:] else t for t in tasks]


def test_the_suite_covers_modules_dataflows_modes_and_layer_kinds() -> None:
    assert len(TASKS) >= 30 and len(BY_ID) == len(TASKS)
    scalesim = [t for t in TASKS if t.variant is None]
    for module, df in itertools.product(KINDS, ("os", "ws", "is")):
        assert any(t.module == module and t.dataflow == df for t in scalesim)
    for module, df, mode in itertools.product(
        ("interconnect", "storage"), ("os", "ws", "is"), ("CALC", "USER")
    ):
        assert any(t.module == module and t.dataflow == df and t.mode == mode for t in scalesim)
    for df, kind in itertools.product(("os", "ws", "is"), ("conv", "gemm")):
        assert any(
            t.module == "mapping" and t.dataflow == df and t.layers == kind for t in scalesim
        )
    variants = [t for t in TASKS if t.variant]
    assert {t.module for t in variants} == {"mapping", "interconnect", "storage"}
    assert len(variants) >= 10
    assert all(t.hand for t in variants)  # each with numbers worked out by hand
    for t in TASKS:
        assert t.description and t.cases() and t.reference and t.spec()["module"] == t.module
        assert (t.variant is None) == ("differs from SCALE-Sim" not in t.description)


@pytest.mark.parametrize("task", _quick_storage([t for t in TASKS if t.hand]), ids=lambda t: t.id)
def test_the_reference_gives_the_numbers_worked_out_by_hand(task) -> None:  # type: ignore[no-untyped-def]
    want = expected(task.id)
    for case, fields in hand_expected(task).items():
        for field, value in fields.items():
            assert math.isclose(want[case][field], value, rel_tol=1e-12), (case, field)


@pytest.mark.parametrize(
    "task", _quick_storage([t for t in TASKS if t.variant]), ids=lambda t: t.id
)
def test_every_variant_differs_from_scalesim(task) -> None:  # type: ignore[no-untyped-def]
    """SCALE-Sim's own module must fail a variant task on some case (or it is no variant)."""
    from simcoder.evals.tasks import compared

    differs = 0
    for case in task.cases():
        if case.name not in expected(task.id):
            continue
        try:
            scalesim = compared(simulate_layer(case.layer, case.config), task)
        except ScaleSimFailure:
            continue
        differs += scalesim != expected(task.id)[case.name]
    assert differs > 0


@pytest.mark.parametrize(
    "task_id", ["mapping-is-exact-ofmap", "interconnect-ws-hop2", "storage-os-single-buffer"]
)
def test_variant_references_keep_their_invariants(task_id: str) -> None:
    """The in-sandbox runner, in process, on the variant's own reference: no violation."""
    from simcoder.evals.harness import eval_spec

    task = BY_ID[task_id]
    spec = {"nonce": "x", **eval_spec(task, task.reference)}
    result = sandbox_runner.run(spec)
    rec = result["modules"][task.module]
    assert rec["failure"] is None and rec["error"] is None and rec["violations"] == []
    assert all(w["error"] is None for w in result["workloads"])


def test_select() -> None:
    assert len(select("all")) == len(TASKS)
    assert {t.module for t in select("storage")} == {"storage"}
    assert [t.id for t in select("storage-os-*")] == [
        "storage-os-calc",
        "storage-os-user",
        "storage-os-single-buffer",
        "storage-os-drain2",
    ]
    assert all(t.variant for t in select("variant")) and all(
        t.mode == "USER" for t in select("user")
    )
    assert len(select("mapping-os-conv,mapping-os-conv,mapping")) == len(select("mapping"))
    with pytest.raises(ValueError, match="matches no task"):
        select("storage,nonsense")
    with pytest.raises(ValueError, match="empty"):
        select(" , ")


def test_pass_at_k_is_the_unbiased_estimator() -> None:
    """Against its definition: the chance that k samples drawn without replacement from n, c of
    them right, include a right one."""
    for n in range(1, 8):
        for c in range(n + 1):
            for k in range(1, n + 1):
                draws = list(itertools.combinations([1] * c + [0] * (n - c), k))
                brute = sum(any(d) for d in draws) / len(draws)
                assert math.isclose(pass_at_k(n, c, k), brute, abs_tol=1e-12)
                assert math.isclose(
                    pass_at_k(n, c, k), 1 - comb(n - c, k) / comb(n, k), abs_tol=1e-12
                )
    with pytest.raises(ValueError, match="at least 5"):
        pass_at_k(3, 1, 5)


def test_bootstrap_interval() -> None:
    assert bootstrap_ci([0.5]) == (0.5, 0.5)
    assert bootstrap_ci([1.0] * 9) == (1.0, 1.0)
    lo, hi = bootstrap_ci([0.0, 1.0] * 10)
    assert 0.2 < lo < 0.5 < hi < 0.8
    assert bootstrap_ci([0.0, 1.0] * 10) == (lo, hi)  # seeded: the same every run


def test_cases_are_unique_per_task() -> None:
    for t in TASKS:
        names = [c.name for c in t.cases()]
        assert len(names) == len(set(names)), t.id
        assert all(dataclasses.is_dataclass(c) for c in t.cases())
