"""Pareto fronts and hypervolume on cases worked by hand."""

from __future__ import annotations

import pytest

from simcoder.explore.pareto import dominates, hypervolume, pareto_mask


def test_dominance_and_the_front() -> None:
    assert dominates((1, 2), (2, 2)) and not dominates((1, 2), (1, 2))
    assert not dominates((1, 3), (2, 2))
    assert pareto_mask([(1, 3), (2, 2), (3, 1), (2, 3), (2, 2)]) == [True, True, True, False, True]


@pytest.mark.parametrize(
    ("points", "reference", "volume"),
    [
        ([(1, 3), (2, 2), (3, 1)], (4, 4), 3 + 2 + 1),  # staircase: 1x3 + 1x2 + 1x1
        ([(1, 1), (2, 2)], (3, 3), 4),  # (2, 2) is dominated: one 2x2 box
        ([(5, 1)], (4, 4), 0),  # beyond the reference
        ([(1, 1, 1)], (2, 2, 2), 1),
        ([(1, 2, 1), (2, 1, 1)], (3, 3, 3), 4 + 4 - 2),  # two boxes minus their overlap
    ],
)
def test_hypervolume(
    points: list[tuple[int, ...]], reference: tuple[int, ...], volume: float
) -> None:
    assert hypervolume(points, reference) == pytest.approx(volume)
