"""The named accelerators, as plain numbers in SCALE-Sim's .cfg vocabulary (the fields of
``scalesim_cfg.CFG_TEMPLATE``): the one home of the SimulatorCoder paper's accelerator and its
relatives.

``simulator/presets.py`` builds ``simcoder simulate -c NAME``'s configs from this table and the
planner's ``paper_spec`` reads ``PAPER``. This file imports nothing, so scripts running in
SCALE-Sim's own virtualenv (``scripts/make_golden.py``, which imports nothing from simcoder so
that the golden data cannot inherit our bugs) load it by path, like ``scalesim_cfg.py``.
"""

from __future__ import annotations

# SCALE-Sim's scale.cfg bandwidth and bank settings (used in USER mode only)
SCALE_BANKS: dict[str, int] = dict(
    bandwidth=10, ifmap_bank_bw=10, filter_bank_bw=10, ifmap_bank_num=10, filter_bank_num=10
)
# The SimulatorCoder paper's configuration: 32x32, output stationary, 64 kB SRAMs, CALC.
PAPER: dict[str, int | str] = dict(
    rows=32, cols=32, ifmap_kb=64, filter_kb=64, ofmap_kb=64, dataflow="os"
)

ARCHITECTURES: dict[str, dict[str, int | str]] = {
    "paper": PAPER,
    "paper-ws": {**PAPER, "dataflow": "ws"},
    "paper-is": {**PAPER, "dataflow": "is"},
    # a TPU-v1-sized array with SCALE-Sim's google.cfg SRAM sizes, in CALC mode
    "tpu-calc": dict(
        rows=256, cols=256, ifmap_kb=6144, filter_kb=6144, ofmap_kb=2048, dataflow="os"
    ),
    "small-sram": dict(rows=16, cols=8, ifmap_kb=2, filter_kb=4, ofmap_kb=1, dataflow="ws"),
    # the paper's array with a real bandwidth limit (SCALE-Sim's scale.cfg bank settings)
    "paper-user": {**PAPER, "mode": "USER", **SCALE_BANKS},
}

# the presets of ``simcoder simulate -c NAME`` (and the sandbox job's default config)
SIMULATE: tuple[str, ...] = ("paper", "paper-ws", "paper-is", "tpu-calc")
# the presets golden network runs are made at (``scripts/make_golden.py network --preset``)
GOLDEN: tuple[str, ...] = ("paper", "paper-ws", "paper-is", "small-sram", "paper-user")

__all__ = ["ARCHITECTURES", "GOLDEN", "PAPER", "SCALE_BANKS", "SIMULATE"]
