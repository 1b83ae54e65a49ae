"""The pieces of the change path, one at a time: rule files, columns, components, sentences,
labels, and the command line's errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from simcoder.agents.change.components import COMPONENTS
from simcoder.agents.change.evidence import (
    DIFFERENTIAL,
    EXAMPLES,
    INVARIANTS,
    UNCHANGED,
    USER,
    apply_changes,
    label,
    user_numbers,
)
from simcoder.agents.change.examples import component_examples
from simcoder.agents.change.planning import plan_rules, sentences
from simcoder.agents.change.rules import Rule, parse_rule, write_rules
from simcoder.agents.references import reference_for
from simcoder.agents.spec import ChangeError, SpecError, expand_columns, paper_spec, read_spec
from simcoder.simulator.engine import Modules, simulate_layer
from tests.conftest import run_simcoder

ROOT = Path(__file__).resolve().parents[2]


def _rule(**extra: object) -> Rule:
    fields: dict[str, object] = {
        "number": 1,
        "change": 1,
        "text": "t",
        "module": "storage",
        "columns": ["stall_cycles"],
        "rule": "r",
    }
    return Rule.model_validate({**fields, **extra})


def test_declared_columns_bring_the_columns_derived_from_them() -> None:
    cols = expand_columns(["ofmap_dram_writes"])
    assert cols == ("avg_ofmap_dram_bw", "ofmap_dram_writes")
    assert "overall_util_pct" in expand_columns(["timing"])
    with pytest.raises(ValueError, match="unknown report column 'cycles'"):
        expand_columns(["cycles"])


def test_a_rule_file_round_trips_and_a_bad_edit_names_the_file_and_field(tmp_path: Path) -> None:
    spec = paper_spec("t", changes=[{"text": "wide", "component": "drain_width"}])
    rules, _ = plan_rules(spec, lambda m: None, None)
    (path,) = write_rules(tmp_path, rules)
    assert parse_rule(path) == rules[0]
    path.write_text(path.read_text().replace("module: storage", "module: dram"))
    with pytest.raises(ChangeError, match=r"1\.md: field module: Input should be"):
        parse_rule(path)
    path.write_text("no front matter")
    with pytest.raises(ChangeError, match="starts with a '---' YAML block"):
        parse_rule(path)


def test_every_component_moves_only_the_columns_it_declares() -> None:
    """On its own examples and the probe layers: a component's declared columns are honest."""
    from simcoder.simulator.checks.probes import probe_grid
    from simcoder.simulator.types import BandwidthMode

    reference = Modules.load()
    for comp in COMPONENTS.values():
        params = comp.resolve({})
        mods = dataclasses.replace(reference, **{comp.module: comp.instance(params)})
        kept = [c for c in expand_columns(["timing", "counts", "utilisation"]) if c not in
                expand_columns(comp.columns)]  # fmt: skip
        for p in probe_grid(quick=True):
            if p.config.memory.bandwidth_mode is BandwidthMode.USER:
                continue
            a = simulate_layer(p.layer, p.config, reference)
            b = simulate_layer(p.layer, p.config, mods)
            assert [c for c in kept if getattr(a, c) != getattr(b, c)] == [], (comp.name, p.name)


def test_component_examples_show_what_the_change_moves() -> None:
    spec = paper_spec("t")
    comp = COMPONENTS["hop_latency"]
    (first, second) = component_examples(spec, comp, {"cycles": 2}, expand_columns(comp.columns))
    # GEMM 4x4x4 on 4x4 OS: one fold of 10 rows (total 9); hops of 2 add R + C - 2 = 6
    assert first.expected["total_cycles"] == 15
    assert "oracle" in first.why and second.expected


def test_bad_component_parameters_are_one_line_each() -> None:
    for change, message in (
        ({"component": "warp_drive"}, "unknown component 'warp_drive'; choose one of"),
        ({"component": {"name": "drain_width", "word": 4}}, "has no parameter"),
        ({"component": {"name": "drain_width", "words": 0}}, "words must be an integer >= 1"),
        ({"component": "drain_width", "module": "mapping"}, "changes the storage module"),
    ):
        spec = paper_spec("t", changes=[{"text": "x", **change}])
        with pytest.raises(ChangeError, match=message):
            plan_rules(spec, lambda m: None, None)


def test_a_spec_file_with_a_bad_expected_row_names_the_field(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(
        (ROOT / "examples" / "hop-latency.yaml").read_text().replace("stall_cycles: 0", "stalls: 0")
    )
    with pytest.raises(SpecError, match=r"s\.yaml: field changes\.0\.expected\.0: .*stalls"):
        read_spec(p)


def test_the_description_is_split_into_sentences() -> None:
    text = "A 32x32 array, e.g. for CNNs. It runs at 1.5 GHz! Does it drain?\n\nSRAMs: 64 kB"
    assert sentences(text) == [
        "A 32x32 array, e.g. for CNNs.",
        "It runs at 1.5 GHz!",
        "Does it drain?",
        "SRAMs: 64 kB",
    ]


def test_the_expected_numbers_drop_declared_columns_and_carry_the_users() -> None:
    spec = paper_spec(
        "t",
        workloads=["ncf"],
        changes=[
            {
                "text": "hops",
                "component": "hop_latency",
                "expected": [{"workload": "ncf", "layer": "2", "total_cycles": 5}],
            }
        ],
    )
    rules, _ = plan_rules(spec, lambda m: None, None)
    refs = apply_changes({"ncf": reference_for(spec, "ncf")}, rules, user_numbers(spec, rules))
    first, second = refs["ncf"].columns[:2]
    assert "total_cycles" not in first and "ifmap_sram_reads" in first
    assert second["total_cycles"] == 5
    assert refs["ncf"].owners[1] == {"total_cycles": "interconnect"}


def test_labels_never_call_invariants_alone_verified() -> None:
    model_rule = [_rule(examples_by="planner")]
    assert label([UNCHANGED, INVARIANTS], model_rule, "storage") == (
        "accepted on invariants alone — not verified"
    )
    assert "not verified" in label(
        [UNCHANGED, f"{EXAMPLES} (planner)", INVARIANTS], model_rule, "storage"
    )
    assert label([UNCHANGED, USER, INVARIANTS], model_rule, "storage") == (
        "verified against your numbers"
    )
    assert label([DIFFERENTIAL], [], "mapping") == "verified against SCALE-Sim 3.0.0"


def test_the_command_line_lists_components_and_explains_a_change_it_cannot_write(
    tmp_path: Path,
) -> None:
    listing = run_simcoder("generate", "--list-components")
    assert listing.returncode == 0
    for name in COMPONENTS:
        assert name in listing.stdout
    spec = tmp_path / "s.yaml"
    spec.write_text(
        (ROOT / "examples" / "drain-width.yaml")
        .read_text()
        .replace("    component: {name: drain_width, words: 4}\n", "")
    )
    out = run_simcoder("generate", "--spec", str(spec), "-o", str(tmp_path / "run"))
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    assert "Give component:" in out.stderr and "--model" in out.stderr


def test_a_reference_file_may_carry_report_columns_per_layer(tmp_path: Path) -> None:
    import json

    from simcoder.agents.references import read_user_reference

    path = tmp_path / "ref.json"
    path.write_text(json.dumps({"ncf": [{"total_cycles": 7, "stall_cycles": 0}] + [9] * 11}))
    table = read_user_reference(path)
    spec = paper_spec(
        "t", workloads=["ncf"], changes=[{"text": "hops", "component": "hop_latency"}]
    )
    rules, _ = plan_rules(spec, lambda m: None, None)
    numbers = user_numbers(spec, rules, table)
    assert numbers["ncf"]["1"] == ({"total_cycles": 7.0, "stall_cycles": 0.0}, {})
    path.write_text(json.dumps({"ncf": [9]}))
    with pytest.raises(Exception, match="ncf has 12 layers, the file gives 1 entries"):
        user_numbers(spec, rules, read_user_reference(path))
    refs = apply_changes({"ncf": reference_for(spec, "ncf")}, rules, numbers)
    # a column a rule declares answers to that rule's module
    assert refs["ncf"].owners[0] == {"total_cycles": "interconnect", "stall_cycles": "interconnect"}
    path.write_text(json.dumps({"ncf": [{"cycles": 7}]}))
    with pytest.raises(Exception, match="an object of report columns"):
        read_user_reference(path)


def test_component_examples_tell_the_change_from_scalesim() -> None:
    """A 4-word drain on a 4-column array is SCALE-Sim's own: the examples move to an array
    where it is not, so a module that ignores the change fails them."""
    spec = paper_spec(
        "t", changes=[{"text": "x", "component": {"name": "drain_width", "words": 4}}]
    )
    (rule,), _ = plan_rules(spec, lambda m: None, None)
    assert rule.distinguishing == len(rule.examples) == 2
    assert all(ex.config["array_cols"] != 4 for ex in rule.examples)


def test_a_reviewed_rule_is_checked_and_its_component_examples_follow_its_parameters(
    tmp_path: Path,
) -> None:
    from simcoder.agents.change.planning import reviewed

    spec = paper_spec("t", changes=[{"text": "x", "component": "hop_latency"}])
    (rule,), _ = plan_rules(spec, lambda m: None, None)
    edited = rule.model_copy(update={"component": {"name": "hop_latency", "cycles": 3}})
    again = reviewed(spec, edited, rule, "changes/1.md")
    assert again.examples != rule.examples  # recomputed for three-cycle hops
    assert again.examples[0].expected["total_cycles"] == 21  # 9 + 2 * (4 + 4 - 2)
    for component, message in (
        ({"name": "hop_latncy"}, r"changes/1\.md: field\.component: unknown component"),
        ({"name": "hop_latency", "cycles": 0}, "cycles must be an integer >= 1"),
    ):
        with pytest.raises(ChangeError, match=message):
            reviewed(spec, rule.model_copy(update={"component": component}), rule, "changes/1.md")


def test_a_calc_only_component_in_user_mode_is_refused_at_planning() -> None:
    spec = paper_spec(
        "t", bandwidth_mode="USER", changes=[{"text": "x", "component": "single_buffer_ofmap"}]
    )
    with pytest.raises(ChangeError, match="CALC bandwidth mode only"):
        plan_rules(spec, lambda m: None, None)
