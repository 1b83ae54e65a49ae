"""Our built-in workloads have exactly the layer shapes of SCALE-Sim's topology files."""

from __future__ import annotations

from pathlib import Path

import pytest

from simcoder.simulator.compat.topology import TopologyWarning, read_topology
from simcoder.workloads.builtin import (
    GEMM_WORKLOADS,
    SCALESIM_FILES,
    WORKLOADS,
    UnknownWorkload,
    get_workload,
)


@pytest.mark.parametrize("name", sorted(WORKLOADS))
def test_workload_matches_scalesim_file(name: str, scalesim_reference: Path) -> None:
    path = scalesim_reference / "topologies" / f"{SCALESIM_FILES[name]}.csv"
    with (
        # their files have an empty second row (resnet50's rows also have trailing fields)
        pytest.warns(TopologyWarning, match=r":2: empty row skipped|field\(s\) after")
        if name in ("resnet50", "transformer", "sentimental_seqcnn")
        else _no_warnings()
    ):
        theirs = read_topology(path, gemm=name in GEMM_WORKLOADS)
    assert get_workload(name) == theirs


def test_paper_networks_are_built_in() -> None:
    """The SimulatorCoder paper's nine networks (their one list is bench's)."""
    from simcoder.bench import PAPER_NETWORKS

    assert len(set(PAPER_NETWORKS)) == 9 and set(PAPER_NETWORKS) <= set(WORKLOADS)


def test_unknown_workload_lists_choices() -> None:
    with pytest.raises(UnknownWorkload, match="alexnet"):
        get_workload("lenet")


class _no_warnings:
    def __enter__(self) -> None:
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("error", TopologyWarning)

    def __exit__(self, *exc: object) -> None:
        self._ctx.__exit__(*exc)
