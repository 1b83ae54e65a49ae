"""The simulator core: SCALE-Sim 3.0.0-exact, split into three swappable modules.

Depends on numpy, and for the compiled fast path (``fast/``) on numba: its kernels are built
once per machine in a child process, after which a run imports only numpy (``fast/compiled.py``;
without a C compiler it falls back to numba's JIT). Nothing here imports the agent stack (graph,
agents, tools, sandbox).
"""

from simcoder.simulator.engine import simulate_layer, simulate_network
from simcoder.simulator.types import (
    ArrayConfig,
    BandwidthMode,
    Dataflow,
    Layer,
    LayerReport,
    MemoryConfig,
    NetworkReport,
    SimConfig,
)

__all__ = [
    "ArrayConfig",
    "BandwidthMode",
    "Dataflow",
    "Layer",
    "LayerReport",
    "MemoryConfig",
    "NetworkReport",
    "SimConfig",
    "simulate_layer",
    "simulate_network",
]
