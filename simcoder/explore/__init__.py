"""``simcoder explore``: multi-objective design-space search (docs/explore.md). ``pareto``
holds the fronts and hypervolume the sweep and the benchmark share."""

from simcoder.explore.pareto import dominates, hypervolume, pareto_mask

__all__ = ["dominates", "hypervolume", "pareto_mask"]
