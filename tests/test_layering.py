"""The rooms of the import package, top to bottom, and no circle: the two import-linter
contracts of pyproject.toml (``[tool.importlinter]``; docs/architecture.md, "Layering") hold on
the real import graph, and each breaks on a graph with one bad import added (so the check
cannot pass by checking nothing). TYPE_CHECKING imports count: a type is a dependency too."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import grimp
import pytest
from importlinter import api
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.layers import LayersContract
from importlinter.domain.contract import Contract

ROOT = Path(__file__).resolve().parents[1]
CONFIG = api.read_configuration(str(ROOT / "pyproject.toml"))
LAYERS = next(c for c in CONFIG["contracts_options"] if c["type"] == "layers")


KINDS: dict[str, type[Contract]] = {
    "layers": LayersContract,
    "acyclic_siblings": AcyclicSiblingsContract,
}


def _contracts() -> list[Contract]:
    """pyproject.toml's contracts, as ``lint-imports`` builds them."""
    return [
        KINDS[options["type"]](options["name"], CONFIG["session_options"], options)
        for options in CONFIG["contracts_options"]
    ]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("simcoder", cache_dir=None)


def _broken(graph: grimp.ImportGraph) -> dict[str, Any]:
    """Each broken contract's name -> what import-linter reports as breaking it."""
    out = {}
    for contract in _contracts():
        check = contract.check(copy.deepcopy(graph), verbose=False)
        if not check.kept:
            out[contract.name] = check.metadata
    return out


def test_the_rooms_are_every_part_of_the_package(graph: grimp.ImportGraph) -> None:
    """Every child of ``simcoder`` is on a floor (the contract is exhaustive), and the package
    root imports nothing of its own (every module may import it)."""
    named = {t.strip() for layer in LAYERS["layers"] for t in layer.replace(":", "|").split("|")}
    children = {m.split(".", 1)[1] for m in graph.find_children("simcoder")}
    assert children == named
    assert graph.find_modules_directly_imported_by("simcoder") == set()


def test_no_import_runs_upward_and_no_circle(graph: grimp.ImportGraph) -> None:
    assert _broken(graph) == {}


UPWARD = "no import runs upward between rooms"
CIRCLE = "no circle between modules or packages at any depth"


@pytest.mark.parametrize(
    ("importer", "imported", "broken"),
    [
        # the sandbox reaching up to the api (which does not import the sandbox: no circle)
        ("simcoder.sandbox.types", "simcoder.api", {UPWARD}),
        # independent siblings: a page module importing the energy model
        ("simcoder.pages.charts", "simcoder.energy", {UPWARD}),
        # the core reaching up to the workflow's state, which imports the core: both
        ("simcoder.simulator.types", "simcoder.graph.state", {UPWARD, CIRCLE}),
        # a circle inside one room (the engine <-> fast engine one this check was added with)
        ("simcoder.simulator.report", "simcoder.simulator.engine", {CIRCLE}),
    ],
)
def test_one_bad_import_breaks_a_contract(
    graph: grimp.ImportGraph, importer: str, imported: str, broken: set[str]
) -> None:
    assert graph.find_matching_modules(importer) and graph.find_matching_modules(imported)
    bad = copy.deepcopy(graph)
    bad.add_import(importer=importer, imported=imported)
    assert set(_broken(bad)) == broken
