"""The task suite: module-generation tasks, each with a description (what the coder is told), a
spec (the dataflow, bandwidth mode, layers, arrays and memories it is tested on), checks (every
report column on every case against the reference, the module's invariants, and numbers worked
out by hand) and a reference (SCALE-Sim 3.0.0's, through the verified core, or a variant's).

A task's target module is removed from the library coder and from the in-context pool, and its
folder is left out of the package the candidate runs with in the sandbox: no coder can import or
be shown the answer (see harness.py)."""

from __future__ import annotations

import dataclasses
import fnmatch
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from simcoder.sandbox.job_spec import CaseSpec, layer_json
from simcoder.simulator.compat.config_json import config_to_json
from simcoder.simulator.engine import Modules, simulate_layer
from simcoder.simulator.errors import ScaleSimFailure, UserError
from simcoder.simulator.registry import REFERENCE
from simcoder.simulator.report import REPORT_FIELDS
from simcoder.simulator.types import (
    ArrayConfig,
    BandwidthMode,
    Dataflow,
    Layer,
    LayerReport,
    MemoryConfig,
    SimConfig,
)

DATAFLOWS = {"os": "output-stationary", "ws": "weight-stationary", "is": "input-stationary"}
VARIANTS = "simcoder.simulator.components"

CONV = (
    Layer("conv_small", 7, 5, 5, 1, 4, 12, 3),  # the stride leaves partial windows
    Layer("conv_3x3", 10, 10, 3, 3, 3, 20, 1),
    Layer("conv_wide", 6, 14, 2, 3, 5, 9, 2),
)
GEMM = (
    Layer.from_gemm("gemm_37x23x19", 37, 23, 19),
    Layer("fc", 1, 1, 1, 1, 64, 10, 1),
    Layer.from_gemm("gemm_4x4x4", 4, 4, 4),
)
BIG = Layer("conv_big", 16, 16, 3, 3, 16, 48, 1)  # many buffer epochs and ofmap drains at 1 kB
FC_WIDE = Layer("fc_2048", 1, 1, 1, 1, 1, 2048, 1)  # fills a 1 kB ofmap buffer twice
ARRAYS = ((4, 4), (5, 7), (8, 8))
CALC_SRAMS = ((64, 64, 64), (1, 1, 1), (2, 4, 1))
# USER mode: (ofmap DRAM words/cycle, ifmap bank words/cycle, filter bank words/cycle)
USER_BANDWIDTHS = ((1, 2, 4), (10, 10, 10))
# the tiers of the suite: SCALE-Sim itself; a variant told by its rule; the same variant told only
# by the user's one-sentence description of it (agents/change/components.py), the rule left to
# the coder
TIERS = {"scalesim": "SCALE-Sim", "rule": "with rule", "words": "from words"}
WORDS_SUFFIX = "-words"


@dataclass(frozen=True)
class Case:
    name: str
    layer: Layer
    config: SimConfig

    def to_spec(self) -> CaseSpec:
        """The case as the sandbox job carries it (``JobSpec.cases``)."""
        return CaseSpec(self.name, layer_json(self.layer), config_to_json(self.config))


def _memory(mode: str, setting: tuple[int, int, int]) -> MemoryConfig:
    if mode == "CALC":
        return MemoryConfig(*setting)
    dram, ifmap_bw, filter_bw = setting
    return MemoryConfig(
        2,
        2,
        1,
        bandwidth_mode=BandwidthMode.USER,
        ofmap_dram_words_per_cycle=dram,
        ifmap_sram_bank_words_per_cycle=ifmap_bw,
        filter_sram_bank_words_per_cycle=filter_bw,
    )


def _case(layer: Layer, rows: int, cols: int, df: str, memory: MemoryConfig) -> Case:
    kib = f"{memory.ifmap_sram_kib}/{memory.filter_sram_kib}/{memory.ofmap_sram_kib}kB"
    mode = ""
    if memory.bandwidth_mode is BandwidthMode.USER:
        mode = (
            f" USER dram {memory.ofmap_dram_words_per_cycle} banks "
            f"{memory.ifmap_sram_bank_words_per_cycle}/{memory.filter_sram_bank_words_per_cycle}"
        )
    return Case(
        f"{layer.name} {df} {rows}x{cols} {kib}{mode}",
        layer,
        SimConfig(ArrayConfig(rows, cols, Dataflow(df)), memory),
    )


@dataclass(frozen=True)
class Hand:
    """Numbers worked out by hand (the arithmetic is in ``why`` and in docs/eval.md)."""

    layer: Layer
    rows: int
    cols: int
    kib: tuple[int, int, int]
    expected: dict[str, float]
    why: str


@dataclass(frozen=True)
class Task:
    id: str
    module: str  # mapping | interconnect | storage
    dataflow: str  # os | ws | is
    mode: str  # CALC | USER
    layers: str  # conv | gemm | both
    reference: str  # pkg.mod:Attr of the module the candidate must match
    variant: str | None = None  # what differs from SCALE-Sim 3.0.0 (None: nothing)
    hand: tuple[Hand, ...] = ()
    ignore: tuple[str, ...] = ()  # report columns the variant makes meaningless
    properties: str = ""  # the invariants run in the sandbox; default: the module's own
    extra_layers: tuple[Layer, ...] = field(default=())
    tier: str | None = None  # a variant's: "rule" (told the rule) | "words" (told the sentence)
    # the variant's known change, in agents/change/components.py COMPONENTS
    component: str | None = None

    @property
    def checks(self) -> str:
        return self.properties or self.module

    @property
    def tags(self) -> tuple[str, ...]:
        kind = "variant" if self.variant else "scalesim"
        tier = (self.tier,) if self.tier else ()
        return (self.module, self.dataflow, self.mode.lower(), self.layers, kind, *tier)

    @property
    def tier_key(self) -> str:
        """A key of TIERS: scalesim, rule or words."""
        return self.tier or "scalesim"

    @property
    def words(self) -> str | None:
        """The user's one-sentence description of the variant: its component's ``words`` in
        agents/change/components.py with the parameters at their defaults (which are the
        reference's)."""
        if self.component is None:
            return None
        from simcoder.agents.change.components import COMPONENTS  # lazy: pydantic and yaml, ~0.4 s

        c = COMPONENTS[self.component]
        return c.words.format(**{p.name: p.default for p in c.params})

    @property
    def told(self) -> str | None:
        """What the coder is told differs from SCALE-Sim: the rule, or for the words tier only
        the user's sentence (None: nothing differs)."""
        return self.words if self.tier == "words" else self.variant

    @property
    def description(self) -> str:
        kinds = {
            "conv": "convolution",
            "gemm": "GEMM and fully connected",
            "both": "convolution and GEMM",
        }
        text = (
            f"Write the {self.module} module of a cycle-accurate simulator of a systolic array "
            f"with the {DATAFLOWS[self.dataflow]} ({self.dataflow}) dataflow in {self.mode} "
            "bandwidth "
            f"mode, for {kinds[self.layers]} layers. It is run with the other two modules of "
            f"SCALE-Sim 3.0.0 on arrays of 4x4, 5x7 and 8x8 PEs"
        )
        if self.mode == "CALC":
            text += " with SRAMs of 1 to 64 kB"
        else:
            text += " with 2/2/1 kB SRAMs and DRAM and bank bandwidths from 1 to 10 words per cycle"
        text += ", and every report column must equal the reference."
        if self.variant is None:
            return text + " The reference is SCALE-Sim 3.0.0, quirks included (see the spec)."
        if self.tier == "words":
            return (
                text + " This accelerator differs from SCALE-Sim 3.0.0 in one way, which the "
                "spec below does not describe. Its user describes it in one sentence: "
                f'"{self.words}" Work out exactly what that means for the {self.module} module, '
                "on every case above. Everything else is as in the spec."
            )
        return (
            text + " This accelerator differs from SCALE-Sim 3.0.0 in one way, which the spec "
            f"below does not describe: {self.variant} Everything else is as in the spec."
        )

    def spec(self) -> dict[str, Any]:
        return {
            "module": self.module,
            "dataflow": self.dataflow,
            "bandwidth_mode": self.mode,
            "layers": [c.layer.name for c in self.cases()][:: len(ARRAYS)],
            "arrays": [f"{r}x{c}" for r, c in ARRAYS],
            "memories": [c.name.split(" ", 3)[-1] for c in self.cases()][: self._memories()],
            "variant": self.told,
            "tier": self.tier,
            "ignored_columns": list(self.ignore),
        }

    def _memories(self) -> int:
        return len(CALC_SRAMS if self.mode == "CALC" else USER_BANDWIDTHS)

    def cases(self) -> list[Case]:
        layers = {"conv": CONV, "gemm": GEMM, "both": (CONV[0], CONV[1], GEMM[0], GEMM[2])}
        settings = CALC_SRAMS if self.mode == "CALC" else USER_BANDWIDTHS
        out = [
            _case(layer, rows, cols, self.dataflow, _memory(self.mode, s))
            for layer in (*layers[self.layers], *self.extra_layers)
            for rows, cols in ARRAYS
            for s in settings
        ]
        if self.mode == "USER":  # the only place a DRAM fetch order shows
            out.append(_case(BIG, 8, 8, self.dataflow, _memory("USER", USER_BANDWIDTHS[0])))
        for h in self.hand:
            out.append(_case(h.layer, h.rows, h.cols, self.dataflow, MemoryConfig(*h.kib)))
        return list({c.name: c for c in out}.values())  # a hand case may be a grid case


G4 = GEMM[2]
_SCALESIM_HAND = {  # the worked examples of the specs: GEMM 4x4x4 on 4x4 at 64 kB, CALC
    "os": Hand(
        G4,
        4,
        4,
        (64, 64, 64),
        {"total_cycles": 9, "compute_util_pct": 40.0, "mapping_efficiency_pct": 100.0},
        "one fold of L = T+R+C-2 = 10 rows, no stalls: total = L-1 = 9; util 16*4/(16*10)",
    ),
    "ws": Hand(
        G4,
        4,
        4,
        (64, 64, 64),
        {"total_cycles": 13, "compute_util_pct": 6400 / 272, "mapping_efficiency_pct": 100.0},
        "one fold of L = 2R+C+T-2 = 14 rows: total 13; util 16*4/(16*(L+C-1)) = 64/272",
    ),
    "is": Hand(
        G4,
        4,
        4,
        (64, 64, 64),
        {"total_cycles": 13, "compute_util_pct": 6400 / 272, "mapping_efficiency_pct": 100.0},
        "as WS: L = 14, total 13, util 64/272",
    ),
}

HOP = (
    "every PE-to-PE hop takes 2 cycles instead of 1. Each fold therefore lasts "
    "X = R + C - 2 cycles longer (R x C array); within a fold the ifmap and filter requests keep "
    "their cycle relative to the fold's first cycle and every ofmap write comes X cycles later; "
    "fold_cycles lists the longer length, and the fold length in compute_utilization grows by X "
    "as well. The SRAM read and write counts are unchanged."
)
EXACT_WRITES = (
    "SRAM OFMAP Writes (Schedule.ofmap_sram_writes) counts only the ofmap words the array "
    "writes: for OS, drop the R + C per fold that SCALE-Sim 3.0.0 adds."
)
EXACT_OFMAP = (
    "the ofmap size is exact: E = floor((H - R) / s) + 1 and F = floor((W - S) / s) + 1 (SCALE-Sim "
    "3.0.0's ceil((H - R + s) / s) is one too large when s does not divide H - R), so P = E * F "
    "and no window runs off the ifmap. Overall Util % is computed by the engine from SCALE-Sim's "
    "MAC count and is not compared."
)
SINGLE_BUFFER = (
    "the ofmap SRAM (CALC mode) is single-buffered. Its size is ofmap_sram_kib * 1024 words and "
    "its lines hold W = array columns words. Writes are processed one word at a time in stream "
    "order at the row's current cycle c: if c < drain_end the write stalls to c = drain_end; the "
    "word goes into the current line (a line closes at W words); when the buffer holds size "
    "words, the partial line closes and every closed line drains to DRAM from cycle c, one line "
    "per cycle (drain_end = c + lines - 1), and the buffer is empty again. After the last demand "
    "row the remaining lines drain from max(last row's completion cycle, drain_end). DRAM OFMAP "
    "Writes count the real words only; DRAM OFMAP start/stop are the first drain's start and the "
    "last drain's end. The ifmap and filter buffers are SCALE-Sim's."
)
DRAIN_WIDTH = (
    "the ofmap buffer (CALC mode) drains 2 words per cycle: its lines hold W = 2 words instead "
    "of the array's column count (so lines_per_drain = ceil(drain / 2)); everything else in the "
    "write buffer, its quirks included, is SCALE-Sim's."
)


def _hand_hop(df: str) -> tuple[Hand, ...]:
    if df == "os":
        return (
            Hand(
                G4,
                4,
                4,
                (64, 64, 64),
                {
                    "total_cycles": 15,
                    "compute_util_pct": 25.0,
                    "ofmap_sram_start_cycle": 9,
                    "ofmap_sram_stop_cycle": 15,
                    "ofmap_dram_stop_cycle": 18,
                    "total_cycles_incl_prefetch": 84,
                },
                "L = 10 + X (X = 6) = 16: total 15; util 64/(16*16); writes at 3+i+j+6 = 9..15; "
                "4 lines drain from 15 to 18; ifmap/filter DRAM start -ceil(655/10) = -66",
            ),
        )
    return (
        Hand(
            G4,
            4,
            4,
            (64, 64, 64),
            {"total_cycles": 19, "compute_util_pct": 6400 / 368},
            "L = 14 + 6 = 20: total 19; util 64/(16*(17+6))",
        ),
    )


_HAND_SINGLE = Hand(
    FC_WIDE,
    8,
    8,
    (64, 64, 1),
    {
        "total_cycles": 3958,
        "stall_cycles": 119,
        "ofmap_dram_writes": 2048,
        "ofmap_dram_start_cycle": 1919,
        "ofmap_dram_stop_cycle": 4085,
        "total_cycles_incl_prefetch": 4347,
    },
    "256 folds of 15 rows, one write per row at 15f+7..15f+14; the 1024th word (row 1919) fills "
    "the buffer: 128 lines drain to 2046; the next write (row 1927) stalls 119; the 2048th word "
    "(row 3839, cycle 3958) drains to 4085; filter DRAM start -ceil(4*655/10) = -262",
)
_HAND_DRAIN = Hand(
    G4,
    4,
    4,
    (64, 64, 64),
    {
        "total_cycles": 9,
        "ofmap_dram_start_cycle": 9,
        "ofmap_dram_stop_cycle": 16,
        "total_cycles_incl_prefetch": 82,
    },
    "16 ofmap words in 8 lines of 2, drained from the last row (9) to 16; 16 - (-66) = 82",
)
_HAND_EXACT_WRITES = Hand(
    Layer.from_gemm("gemm_8x4x4", 8, 4, 4),
    4,
    4,
    (64, 64, 64),
    {"ofmap_sram_writes": 32},
    "P x N = 8 x 4 = 32 words in 2 folds (SCALE-Sim: 32 + 2 * (4 + 4) = 48)",
)
_HAND_EXACT_OFMAP = Hand(
    CONV[0],
    4,
    4,
    (64, 64, 64),
    {"mapping_efficiency_pct": 50.0, "total_cycles": 77, "compute_util_pct": 16000 / 416},
    "E = 2//3+1 = 1, F = 4//3+1 = 2: P = 2, K = 20, N = 12; OS: 3 folds of 2x4 PEs (50%) and "
    "T+R+C-2 = 26 rows: total 77; util 160/(16*26)",
)


_HAND_EXACT_OFMAP_WS_IS = {
    "ws": Hand(
        CONV[0],
        4,
        4,
        (64, 64, 64),
        {"mapping_efficiency_pct": 100.0, "total_cycles": 179, "compute_util_pct": 200 / 15},
        "P = 2, K = 20, N = 12; WS: Sr = 20, Sc = 12, T = 2: 5 x 3 full folds of 2R+C+T-2 = 12 "
        "rows: total 15*12-1 = 179; util 16*2/(16*(12+3)) = 2/15 (SCALE-Sim's P = 6: 239)",
    ),
    "is": Hand(
        CONV[0],
        4,
        4,
        (64, 64, 64),
        {"mapping_efficiency_pct": 50.0, "total_cycles": 109, "compute_util_pct": 24.0},
        "IS: Sr = K = 20, Sc = P = 2, T = N = 12: 5 folds of 4x2 PEs (50%) and 2R+C+T-2 = 22 "
        "rows: total 109; util 8*12/(16*(22+3)) = 0.24",
    ),
}
_HAND_SINGLE_WS_IS = {
    "ws": Hand(
        FC_WIDE,
        8,
        8,
        (64, 64, 1),
        {
            "total_cycles": 5998,
            "stall_cycles": 111,
            "ofmap_dram_start_cycle": 2943,
            "ofmap_dram_stop_cycle": 6125,
            "total_cycles_incl_prefetch": 6387,
        },
        "256 folds of 2R+C+T-2 = 23 rows, writes at 23f+15..23f+22; the 1024th (row 2943) drains "
        "128 lines to 3070, the next (row 2959) stalls 111; the last (row 5887, cycle 5998) "
        "drains to 6125; 6125 + 262",
    ),
    "is": Hand(
        FC_WIDE,
        8,
        8,
        (64, 64, 1),
        {
            "total_cycles": 2195,
            "stall_cycles": 126,
            "ofmap_dram_start_cycle": 1038,
            "ofmap_dram_stop_cycle": 2315,
            "total_cycles_incl_prefetch": 2577,
        },
        "one fold of 2R+C+T-2 = 2070 rows, a write per row at 15..2062; the 1024th (row 1038) "
        "drains to 1165, the next (row 1039) stalls 126; the last (cycle 2188) drains to 2315; "
        "total 2069 + 126; 2315 + 262",
    ),
}
_HAND_DRAIN_WS_IS = Hand(
    G4,
    4,
    4,
    (64, 64, 64),
    {
        "total_cycles": 13,
        "ofmap_dram_start_cycle": 13,
        "ofmap_dram_stop_cycle": 20,
        "total_cycles_incl_prefetch": 86,
    },
    "L = 14: 16 ofmap words in 8 lines of 2, drained from the last row (13) to 20; 20 + 66",
)


def _build() -> tuple[Task, ...]:
    tasks = []
    for df in DATAFLOWS:
        for layers in ("conv", "gemm"):
            hand = (_SCALESIM_HAND[df],) if layers == "gemm" else ()
            tasks.append(
                Task(
                    f"mapping-{df}-{layers}",
                    "mapping",
                    df,
                    "CALC",
                    layers,
                    REFERENCE["mapping"],
                    hand=hand,
                )
            )
        for module in ("interconnect", "storage"):
            for mode in ("CALC", "USER"):
                hand = (_SCALESIM_HAND[df],) if mode == "CALC" else ()
                tasks.append(
                    Task(
                        f"{module}-{df}-{mode.lower()}",
                        module,
                        df,
                        mode,
                        "both",
                        REFERENCE[module],
                        hand=hand,
                    )
                )
    for df in DATAFLOWS:
        tasks += [
            Task(
                f"mapping-{df}-exact-ofmap",
                "mapping",
                df,
                "CALC",
                "conv",
                f"{VARIANTS}:ExactOfmapMapping",
                EXACT_OFMAP,
                (_HAND_EXACT_OFMAP if df == "os" else _HAND_EXACT_OFMAP_WS_IS[df],),
                ignore=("overall_util_pct",),
                properties="mapping_exact_ofmap",
                tier="rule",
                component="exact_ofmap",
            ),
            Task(
                f"interconnect-{df}-hop2",
                "interconnect",
                df,
                "CALC",
                "both",
                f"{VARIANTS}:HopLatencyInterconnect",
                HOP,
                _hand_hop(df),
                tier="rule",
                component="hop_latency",
            ),
            Task(
                f"storage-{df}-single-buffer",
                "storage",
                df,
                "CALC",
                "both",
                f"{VARIANTS}:SingleBufferStorage",
                SINGLE_BUFFER,
                (_HAND_SINGLE if df == "os" else _HAND_SINGLE_WS_IS[df],),
                extra_layers=(BIG,),
                tier="rule",
                component="single_buffer_ofmap",
            ),
            Task(
                f"storage-{df}-drain2",
                "storage",
                df,
                "CALC",
                "both",
                f"{VARIANTS}:DrainWidthStorage",
                DRAIN_WIDTH,
                (_HAND_DRAIN if df == "os" else _HAND_DRAIN_WS_IS,),
                extra_layers=(BIG,),
                tier="rule",
                component="drain_width",
            ),
        ]
    tasks.append(
        Task(
            "interconnect-os-exact-writes",
            "interconnect",
            "os",
            "CALC",
            "both",
            f"{VARIANTS}:ExactWritesInterconnect",
            EXACT_WRITES,
            (_HAND_EXACT_WRITES,),
            tier="rule",
            component="exact_ofmap_writes",
        )
    )
    # the "from words" tier: each variant again, told only the user's sentence; same reference,
    # cases, hand-worked numbers and grading as its rule twin
    tasks += [
        dataclasses.replace(t, id=t.id + WORDS_SUFFIX, tier="words")
        for t in tasks
        if t.tier == "rule"
    ]
    return tuple(tasks)


TASKS = _build()
BY_ID = {t.id: t for t in TASKS}


def rule_twin(task: Task) -> Task:
    """A words task's twin told the rule (a task that is no words task is its own)."""
    return BY_ID[task.id.removesuffix(WORDS_SUFFIX)] if task.tier == "words" else task


def select(selector: str) -> list[Task]:
    """``all``; or comma-separated task ids, glob patterns (``storage-*``) or tags (a module,
    ``os|ws|is``, ``calc|user``, ``conv|gemm|both``, ``scalesim|variant``, and for the variants
    their tier ``rule|words``; ``variant`` is both tiers). A task is picked when any item
    matches it."""
    items = [s.strip() for s in selector.split(",") if s.strip()]
    if not items:
        raise UserError("--tasks is empty: give 'all', task ids, glob patterns or tags")
    picked = []
    for item in items:
        found = [
            t for t in TASKS if item == "all" or item in t.tags or fnmatch.fnmatchcase(t.id, item)
        ]
        if not found:
            raise UserError(
                f"--tasks {item!r} matches no task; see `simcoder eval --list` (ids, or tags "
                "mapping/interconnect/storage, os/ws/is, calc/user, conv/gemm, "
                "scalesim/variant, rule/words)"
            )
        picked += [t for t in found if t not in picked]
    return [t for t in TASKS if t in picked]


def compared(report: LayerReport, task: Task) -> dict[str, float]:
    return {f: getattr(report, f) for f in REPORT_FIELDS if f not in task.ignore}


@cache
def expected(task_id: str) -> dict[str, dict[str, float]]:
    """The reference's report columns per case (cases where SCALE-Sim itself fails are left
    out), plus the hand-worked numbers, which must agree with it (tests/evals checks)."""
    task = BY_ID[task_id]
    if task.tier == "words":  # graded exactly as its rule twin
        return expected(rule_twin(task).id)
    modules = Modules.load(**{task.module: task.reference})  # the others: the reference
    out = {}
    for case in task.cases():
        try:
            out[case.name] = compared(simulate_layer(case.layer, case.config, modules), task)
        except ScaleSimFailure:
            continue
    return out


def hand_expected(task: Task) -> dict[str, dict[str, float]]:
    return {
        _case(h.layer, h.rows, h.cols, task.dataflow, MemoryConfig(*h.kib)).name: h.expected
        for h in task.hand
    }


def cases_json(task: Task) -> tuple[CaseSpec, ...]:
    """The task's cases that have reference numbers, as the sandbox job carries them."""
    keep = expected(task.id)
    return tuple(c.to_spec() for c in task.cases() if c.name in keep)
