"""``simcoder bench``: the paper's accuracy and runtime tables for a generated simulator.
``engine`` runs and measures; ``page`` writes the markdown and HTML."""

from simcoder.bench.engine import (
    PAPER_NETWORKS,
    QUICK_NETWORK,
    accuracy,
    generated_modules,
    runtime,
    time_scalesim,
)
from simcoder.bench.page import (
    accuracy_html,
    accuracy_markdown,
    runtime_html,
    runtime_markdown,
    write_accuracy,
    write_runtime,
)
from simcoder.pages import bars_svg

__all__ = [
    "PAPER_NETWORKS",
    "QUICK_NETWORK",
    "accuracy",
    "accuracy_html",
    "accuracy_markdown",
    "bars_svg",
    "generated_modules",
    "runtime",
    "runtime_html",
    "runtime_markdown",
    "time_scalesim",
    "write_accuracy",
    "write_runtime",
]
