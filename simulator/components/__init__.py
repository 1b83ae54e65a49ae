"""The known changes: small, stated changes to the SCALE-Sim-exact reference modules, one class
per change (drain width, hop latency, single-buffered ofmap, exact ofmap, exact writes).

The library coder composes them for a spec's ``changes:`` (``agents/change/components.py``),
the eval's tasks beyond SCALE-Sim name them as their references (``simcoder/evals/tasks.py``;
checked against numbers worked out by hand in docs/eval.md), and
``simulator/checks/invariants.py`` is tested on them. They are answers: an eval job leaves this
folder out of a candidate's sandbox (only the ``oracle`` baseline runs them there) and the
coders' in-context examples never show them (``agents/retrieval.py``)."""

from simcoder.simulator.components.interconnect import (
    ExactWritesInterconnect,
    HopLatencyInterconnect,
)
from simcoder.simulator.components.mapping import ExactOfmapMapping
from simcoder.simulator.components.storage import DrainWidthStorage, SingleBufferStorage

__all__ = [
    "DrainWidthStorage",
    "ExactOfmapMapping",
    "ExactWritesInterconnect",
    "HopLatencyInterconnect",
    "SingleBufferStorage",
]
