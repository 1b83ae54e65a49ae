"""SCALE-Sim 3.0.0's .cfg text for a configuration: one template for every place that runs the
real SCALE-Sim (golden data, the benchmark, the live reference).

This file imports nothing from simcoder at run time, so scripts running in SCALE-Sim's own
virtualenv (scripts/make_golden.py) load it by path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simcoder.simulator.types import SimConfig

CFG_TEMPLATE = """[general]
run_name = {run_name}

[architecture_presets]
ArrayHeight: {rows}
ArrayWidth: {cols}
IfmapSramSzkB: {ifmap_kb}
FilterSramSzkB: {filter_kb}
OfmapSramSzkB: {ofmap_kb}
IfmapOffset: 0
FilterOffset: 10000000
OfmapOffset: 20000000
Bandwidth : {bandwidth}
Dataflow : {dataflow}
ReadRequestBuffer: 32
WriteRequestBuffer: 32

[layout]
IfmapCustomLayout: False
IfmapSRAMBankBandwidth: {ifmap_bank_bw}
IfmapSRAMBankNum: {ifmap_bank_num}
IfmapSRAMBankPort: 2
FilterCustomLayout: False
FilterSRAMBankBandwidth: {filter_bank_bw}
FilterSRAMBankNum: {filter_bank_num}
FilterSRAMBankPort: 2

[sparsity]
SparsitySupport : false
SparseRep : ellpack_block
OptimizedMapping : false
BlockSize : 8
RandomNumberGeneratorSeed : 40

[run_presets]
InterfaceBandwidth: {mode}
UseRamulatorTrace: False
"""

# One row per layer, SCALE-Sim's conv topology header (GEMM layers are written as the conv
# layer SCALE-Sim itself reads a GEMM row as: ifmap M x K, filter 1 x K, N filters).
TOPOLOGY_HEADER = (
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
    "Num Filter, Strides,\n"
)


def cfg_text(**fields: Any) -> str:
    """The template filled in; ``run_name`` defaults to ``golden``."""
    return CFG_TEMPLATE.format(**{"run_name": "golden", **fields})


def cfg_for(config: SimConfig, run_name: str = "simcoder") -> str:
    m, a = config.memory, config.array
    return cfg_text(
        run_name=run_name,
        rows=a.rows,
        cols=a.cols,
        ifmap_kb=m.ifmap_sram_kib,
        filter_kb=m.filter_sram_kib,
        ofmap_kb=m.ofmap_sram_kib,
        dataflow=a.dataflow.value,
        bandwidth=m.ofmap_dram_words_per_cycle,
        ifmap_bank_bw=m.ifmap_sram_bank_words_per_cycle,
        filter_bank_bw=m.filter_sram_bank_words_per_cycle,
        ifmap_bank_num=m.ifmap_sram_banks,
        filter_bank_num=m.filter_sram_banks,
        mode=m.bandwidth_mode.value,
    )
