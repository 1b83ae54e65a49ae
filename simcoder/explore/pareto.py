"""Pareto fronts and hypervolume, for minimised objectives (no dependency: the sweep, explore
and the benchmark share these)."""

from __future__ import annotations

from collections.abc import Sequence

Vector = Sequence[float]


def dominates(a: Vector, b: Vector) -> bool:
    """``a`` is no worse than ``b`` in every objective and better in one."""
    return all(x <= y for x, y in zip(a, b, strict=True)) and any(
        x < y for x, y in zip(a, b, strict=True)
    )


def pareto_mask(points: Sequence[Vector]) -> list[bool]:
    """True for each point no other point dominates (equal points are all kept)."""
    return [not any(dominates(q, p) for q in points) for p in points]


def hypervolume(points: Sequence[Vector], reference: Vector) -> float:
    """The volume dominated by ``points`` and bounded by ``reference`` (every objective
    minimised; points not below the reference in every objective add nothing). Exact, by
    slicing along the first objective; fine for the fronts of a few hundred points."""
    pts = [tuple(p) for p in points if all(x < r for x, r in zip(p, reference, strict=True))]
    if not pts:
        return 0.0
    if len(reference) == 1:
        return reference[0] - min(p[0] for p in pts)
    front = [p for p, keep in zip(pts, pareto_mask(pts), strict=True) if keep]
    front.sort()
    volume = 0.0
    for i, p in enumerate(front):
        upper = front[i + 1][0] if i + 1 < len(front) else reference[0]
        if upper > p[0]:
            rest = [q[1:] for q in front[: i + 1]]
            volume += (upper - p[0]) * hypervolume(rest, reference[1:])
    return volume
