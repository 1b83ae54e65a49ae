"""The job document: one type written by the host and read by the runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simcoder.sandbox.job_spec import ChangeSpec, JobSpec, JobSpecError
from simcoder.sandbox.jobs import prepare_job


def test_what_the_host_writes_the_runner_reads_back(tmp_path: Path) -> None:
    job = prepare_job(
        tmp_path / "job",
        {},
        workloads=["alphago_zero"],
        expected={"alphago_zero": [123]},
        layer_limit=1,
        changes={"storage": {"moved": ["total_cycles"], "examples": []}},
    )
    doc = json.loads((job.directory / "job.json").read_text())
    spec = JobSpec.from_json(doc)
    assert spec.nonce == job.nonce and spec.python_minor and spec.numpy
    assert spec.workloads == ("alphago_zero",) and spec.expected == {"alphago_zero": (123,)}
    assert spec.changes == {"storage": ChangeSpec(moved=("total_cycles",))}
    assert spec.to_json() == doc  # the keys on disk are the ones written


def test_a_recorded_job_without_the_optional_keys_still_loads() -> None:
    spec = JobSpec.from_json({"nonce": "n", "modules": {"mapping": "candidate/m.py:Module"}})
    assert spec.checks and spec.quick and spec.config is None and spec.cases == ()
    assert spec.modules == {"mapping": "candidate/m.py:Module"}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({}, r"'nonce' must be a string, got NoneType"),
        ({"nonce": "n", "checks": "yes"}, r"'checks' must be true or false, got str"),
        ({"nonce": "n", "workloads": "alexnet"}, r"'workloads' must be a list, got str"),
        ({"nonce": "n", "modules": {"mapping": 1}}, r"modules.mapping must be a string"),
        ({"nonce": "n", "random_seed": 1.5}, r"'random_seed' must be an integer, got float"),
        ({"nonce": "n", "expected": {"w": ["x"]}}, r"expected.w\[0\] must be an object"),
        ({"nonce": "n", "cases": [{"name": "c"}]}, r"cases\[0\].layer must be an object"),
        ({"nonce": "n", "layer_limt": 2}, r"the document: unknown key 'layer_limt'"),
        ({"nonce": "n", "layers": {"w": 1}}, r"layers.w must be a list, got int"),
        (
            {"nonce": "n", "changes": {"storage": {"moved": [], "alternat": "b.py:M"}}},
            r"changes.storage: unknown key 'alternat'",
        ),
    ],
)
def test_a_wrong_key_is_named(doc: dict[str, object], message: str) -> None:
    with pytest.raises(JobSpecError, match=message):
        JobSpec.from_json(doc)


def test_a_changed_module_with_examples_and_a_second_version_round_trips(tmp_path: Path) -> None:
    from simcoder.agents.change.evidence import job_changes
    from simcoder.agents.change.planning import plan_rules
    from simcoder.agents.spec import read_spec

    candidate = tmp_path / "b.py"
    candidate.write_text("")
    spec = read_spec(Path(__file__).resolve().parents[2] / "examples" / "drain-width.yaml")
    rules, _ = plan_rules(spec, lambda _module: None, None)  # the component's own examples
    changes = job_changes(spec, rules)
    job = prepare_job(
        tmp_path / "job",
        {},
        changes=changes,
        alternates={kind: f"{candidate}:Module" for kind in changes},
    )
    doc = json.loads((job.directory / "job.json").read_text())
    parsed = JobSpec.from_json(doc)
    assert all(c.examples and c.alternate for c in parsed.changes.values())
    assert parsed.to_json() == doc


def test_the_layer_document_has_exactly_the_layers_fields() -> None:
    """LayerJson restates Layer's fields for the runner's reader: kept in step by this test."""
    import dataclasses

    from simcoder.sandbox.job_spec import LayerJson
    from simcoder.simulator.types import Layer

    assert list(LayerJson.__annotations__) == [f.name for f in dataclasses.fields(Layer)]
