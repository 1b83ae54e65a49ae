"""Built-in hardware presets for ``simcoder simulate -c NAME``."""

from __future__ import annotations

from simcoder.simulator.types import ArrayConfig, Dataflow, MemoryConfig, SimConfig


def _calc(run_name: str, rows: int, cols: int, dataflow: Dataflow, kib: int) -> SimConfig:
    return SimConfig(
        ArrayConfig(rows, cols, dataflow), MemoryConfig(kib, kib, kib), run_name=run_name
    )


PRESETS: dict[str, SimConfig] = {
    # The SimulatorCoder paper's configuration: 32x32, output stationary, 64 kB SRAMs, CALC.
    "paper": _calc("paper", 32, 32, Dataflow.OUTPUT_STATIONARY, 64),
    "paper-ws": _calc("paper-ws", 32, 32, Dataflow.WEIGHT_STATIONARY, 64),
    "paper-is": _calc("paper-is", 32, 32, Dataflow.INPUT_STATIONARY, 64),
    # A TPU-v1-sized array with SCALE-Sim's google.cfg SRAM sizes, in CALC mode.
    "tpu-calc": SimConfig(
        ArrayConfig(256, 256, Dataflow.OUTPUT_STATIONARY),
        MemoryConfig(6144, 6144, 2048),
        run_name="tpu-calc",
    ),
}
