"""The simulator core: SCALE-Sim 3.0.0-exact, split into three swappable modules.

Depends on numpy only; nothing here imports the agent stack.
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
