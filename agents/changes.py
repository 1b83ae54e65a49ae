"""How a user's accelerator differs from SCALE-Sim 3.0.0: changes, the rules they become, and the
known components the offline coder composes.

A *change* is the user's sentence (``spec.changes``), optionally with the owning module, a rule,
a component and numbers the user trusts. Planning turns each change into one *rule* per module
it touches, saved as ``changes/<n>.md`` in the run directory (YAML front matter, then the rule in
prose): the module that owns it, the report columns it may move (every other column must stay
SCALE-Sim's), worked examples on small layers, and the component that implements it when one is
known. A person may edit those files while a run started with ``--approve`` waits; the run reads
them back before any code is written.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from simcoder.simulator.errors import UserError
from simcoder.simulator.registry import ModuleKind
from simcoder.simulator.report import ALL_COLUMNS, DERIVED, GROUPS
from simcoder.simulator.types import Layer, LayerReport

RULES_DIR = "changes"

# ---------------------------------------------------------------------------------------------
# report columns and the names a rule may declare them by

COLUMNS_HELP = (
    "total_cycles_incl_prefetch, total_cycles, stall_cycles, overall_util_pct, "
    "mapping_efficiency_pct, compute_util_pct, avg_{ifmap,filter,ofmap}_{sram,dram}_bw, "
    "{ifmap,filter}_sram_reads, ofmap_sram_writes, {ifmap,filter}_dram_reads, ofmap_dram_writes, "
    "{ifmap,filter,ofmap}_{sram,dram}_{start,stop}_cycle"
)


def expand_columns(names: Iterable[str]) -> tuple[str, ...]:
    """Column names and group names (timing, counts, utilisation) as report columns, in report
    order, with every column derived from one of them; an unknown name raises ValueError."""
    known = ALL_COLUMNS
    out: set[str] = set()
    for name in names:
        if name in GROUPS:
            out |= set(GROUPS[name])
        elif name in known:
            out.add(name)
        else:
            raise ValueError(
                f"unknown report column {name!r}; give a column of the reports "
                f"({', '.join(known[:3])}, ...) or a group: {', '.join(GROUPS)}"
            )
    out |= {d for d, inputs in DERIVED.items() if out & set(inputs)}
    return tuple(c for c in known if c in out)


# ---------------------------------------------------------------------------------------------
# what a spec file says


class LayerShape(BaseModel):
    """A small layer of a worked example: a convolution, or a GEMM with ``m``, ``n``, ``k``."""

    model_config = ConfigDict(extra="forbid")

    name: str = "example"
    ifmap_h: int | None = Field(default=None, gt=0)
    ifmap_w: int | None = Field(default=None, gt=0)
    filter_h: int | None = Field(default=None, gt=0)
    filter_w: int | None = Field(default=None, gt=0)
    channels: int | None = Field(default=None, gt=0)
    num_filters: int | None = Field(default=None, gt=0)
    stride: int = Field(default=1, gt=0)
    m: int | None = Field(default=None, gt=0)
    n: int | None = Field(default=None, gt=0)
    k: int | None = Field(default=None, gt=0)

    def layer(self) -> Layer:
        if self.m is not None and self.n is not None and self.k is not None:
            return Layer.from_gemm(self.name, self.m, self.n, self.k)
        conv = (self.ifmap_h, self.ifmap_w, self.filter_h, self.filter_w)
        if None in (*conv, self.channels, self.num_filters):
            raise ValueError(
                "a layer needs ifmap_h, ifmap_w, filter_h, filter_w, channels, num_filters "
                "(and stride), or m, n, k for a GEMM"
            )
        return Layer(self.name, *conv, self.channels, self.num_filters, self.stride)  # type: ignore[arg-type]

    @classmethod
    def of(cls, layer: Layer) -> LayerShape:
        if layer.gemm:  # SCALE-Sim's GEMM as a conv: M x K ifmap, 1 x K filter, N filters
            return cls(name=layer.name, m=layer.ifmap_h, n=layer.num_filters, k=layer.ifmap_w)
        return cls(
            name=layer.name,
            ifmap_h=layer.ifmap_h,
            ifmap_w=layer.ifmap_w,
            filter_h=layer.filter_h,
            filter_w=layer.filter_w,
            channels=layer.channels,
            num_filters=layer.num_filters,
            stride=layer.stride,
        )


CONFIG_KEYS = (
    "array_rows",
    "array_cols",
    "dataflow",
    "ifmap_sram_kib",
    "filter_sram_kib",
    "ofmap_sram_kib",
    "bandwidth_mode",
    "dram_words_per_cycle",
)


class RuleExample(BaseModel):
    """A worked example: a small layer, the accelerator (the spec's, with ``config`` on top) and
    the report columns the rule implies there."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    layer: LayerShape
    config: dict[str, Any] = Field(default_factory=dict)
    expected: dict[str, float] = Field(min_length=1)
    why: str = ""

    @field_validator("config")
    @classmethod
    def _known_keys(cls, v: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(v) - set(CONFIG_KEYS))
        if unknown:
            raise ValueError(f"unknown config keys {unknown}; choose from {list(CONFIG_KEYS)}")
        return v

    @field_validator("expected")
    @classmethod
    def _known_columns(cls, v: dict[str, float]) -> dict[str, float]:
        bad = [c for c in v if c not in ALL_COLUMNS]
        if bad:
            raise ValueError(f"unknown report columns {bad}")
        return v

    def model_post_init(self, __context: Any) -> None:
        try:  # a shape that makes no layer is an error here, not later in the sandbox
            self.layer.layer()
        except Exception as exc:
            raise ValueError(f"layer: {exc}") from None


class ExpectedRow(BaseModel):
    """Numbers the user trusts for one layer of one workload (any report columns)."""

    model_config = ConfigDict(extra="allow")

    workload: str
    layer: str

    def columns(self) -> dict[str, float]:
        extra = self.model_extra or {}
        return {k: float(v) for k, v in extra.items()}

    def model_post_init(self, __context: Any) -> None:
        extra = self.model_extra or {}
        bad = [c for c in extra if c not in ALL_COLUMNS]
        if bad:
            raise ValueError(f"unknown report columns {bad}; any report column may be given")
        if not extra:
            raise ValueError("give at least one report column, e.g. total_cycles: 1234")
        for k, v in extra.items():
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise ValueError(f"{k}: {v!r} is not a number")


class ComponentRef(BaseModel):
    """``component: NAME`` or ``component: {name: NAME, PARAM: VALUE, ...}``."""

    model_config = ConfigDict(extra="allow")

    name: str

    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class Change(BaseModel):
    """One way the accelerator differs from SCALE-Sim 3.0.0, in the user's words."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="the user's words")
    module: ModuleKind | None = None
    rule: str | None = None
    columns: list[str] | None = None  # the report columns it may move (names or groups)
    component: ComponentRef | None = None
    examples: list[RuleExample] | None = None
    expected: list[ExpectedRow] = Field(default_factory=list)

    @field_validator("component", mode="before")
    @classmethod
    def _component_name(cls, v: Any) -> Any:
        return {"name": v} if isinstance(v, str) else v

    @field_validator("columns")
    @classmethod
    def _columns(cls, v: list[str] | None) -> list[str] | None:
        if v is not None:
            expand_columns(v)
        return v


# ---------------------------------------------------------------------------------------------
# known components: changes the offline (library) coder composes


@dataclasses.dataclass(frozen=True)
class Param:
    name: str
    default: int
    help: str
    attr: str  # the component class's attribute it sets
    minimum: int = 1


@dataclasses.dataclass(frozen=True)
class Component:
    """A known change: the class that implements it (``simcoder.simulator.components``), its
    parameters, the columns it moves, its rule and the user's sentence for it."""

    name: str
    module: ModuleKind
    cls: str  # attribute of simcoder.simulator.components
    columns: tuple[str, ...]  # names or groups (expanded by expand_columns)
    words: str  # the sentence a user would write ({param} filled in)
    rule: str  # the rule, SPEC.md style ({param} filled in)
    examples: tuple[Layer, ...]  # small layers its worked examples run on
    example_config: dict[str, Any]
    params: tuple[Param, ...] = ()
    calc_only: bool = False

    def resolve(self, given: dict[str, Any]) -> dict[str, int]:
        """The parameters with defaults; unknown or bad ones raise ValueError naming them."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            names = ", ".join(known) or "none"
            raise ValueError(f"component {self.name} has no parameter {unknown} (it takes {names})")
        out = {}
        for p in self.params:
            v = given.get(p.name, p.default)
            if isinstance(v, bool) or not isinstance(v, int) or v < p.minimum:
                raise ValueError(
                    f"component {self.name}: {p.name} must be an integer >= {p.minimum}"
                )
            out[p.name] = v
        return out

    def instance(self, params: dict[str, int]) -> Any:
        import simcoder.simulator.components as components

        obj = getattr(components, self.cls)()
        for p in self.params:
            setattr(obj, p.attr, params[p.name])
        return obj

    def code(self, params: dict[str, int]) -> str:
        """``module.py`` of the library coder: the component with its parameters."""
        lines = [
            f'"""{self.module} module by the library coder: the known component {self.name} '
            f"({self.words.format(**params)}) — an oracle, written by simcoder's developers, "
            'not generated."""',
            "",
            f"from simcoder.simulator.components import {self.cls}",
            "",
            "",
            f"class Module({self.cls}):",
        ]
        body = [f"    {p.attr} = {params[p.name]}" for p in self.params] or ["    pass"]
        return "\n".join([*lines, *body, ""])


# What each known change may move: the columns it moved on the full probe grid, and in USER
# mode every DRAM start and stop and the stalls (timing there depends on the demand's cycles);
# tests/graph/test_change_units.py checks that none moves a column it does not declare.
_ENDS = (
    "total_cycles_incl_prefetch",
    "total_cycles",
    "stall_cycles",
    "ifmap_sram_stop_cycle",
    "filter_sram_stop_cycle",
    "ofmap_sram_stop_cycle",
    "ifmap_dram_stop_cycle",
    "filter_dram_stop_cycle",
    "ofmap_dram_start_cycle",
    "ofmap_dram_stop_cycle",
)
_DRAIN_COLUMNS = (*_ENDS, "ofmap_dram_writes")
_HOP_COLUMNS = (
    *_ENDS,
    "compute_util_pct",
    "ofmap_sram_start_cycle",
    "ifmap_dram_start_cycle",
    "filter_dram_start_cycle",
)
_EXACT_OFMAP_COLUMNS = (
    *_HOP_COLUMNS,
    "mapping_efficiency_pct",
    "ifmap_sram_reads",
    "filter_sram_reads",
    "ofmap_sram_writes",
    "ifmap_dram_reads",
    "ofmap_dram_writes",
)
_G4 = Layer.from_gemm("gemm_4x4x4", 4, 4, 4)
_G8 = Layer.from_gemm("gemm_8x4x4", 8, 4, 4)
_CONV = Layer("conv_small", 7, 5, 5, 1, 4, 12, 3)
_FC = Layer.from_gemm("fc_wide", 1, 2048, 655)
_SMALL = {"array_rows": 4, "array_cols": 4, "ifmap_sram_kib": 64, "filter_sram_kib": 64}

COMPONENTS: dict[str, Component] = {
    c.name: c
    for c in (
        Component(
            "drain_width",
            "storage",
            "DrainWidthStorage",
            _DRAIN_COLUMNS,
            "The ofmap SRAM drains {words} words per cycle to DRAM.",
            "CALC mode only. The ofmap write buffer drains {words} words per cycle: its lines "
            "hold W = {words} words instead of the array's column count, so a drain of D words "
            "takes lines_per_drain = ceil(D / {words}) cycles. Everything else in the write "
            "buffer, its quirks included, is SCALE-Sim 3.0.0's (storage/SPEC.md).",
            (_G4, _CONV),
            {**_SMALL, "ofmap_sram_kib": 64},
            (Param("words", 2, "ofmap words drained to DRAM per cycle", "width"),),
            calc_only=True,
        ),
        Component(
            "hop_latency",
            "interconnect",
            "HopLatencyInterconnect",
            _HOP_COLUMNS,
            "Every PE-to-PE hop takes {cycles} cycles.",
            "Every PE-to-PE hop takes {cycles} cycles instead of 1. Each fold of an R x C array "
            "therefore lasts X = ({cycles} - 1) * (R + C - 2) cycles longer; within a fold the "
            "ifmap and filter requests keep their cycle relative to the fold's first cycle and "
            "every ofmap write comes X cycles later; fold_cycles lists the longer length and the "
            "fold length in compute_utilization grows by X as well. SRAM read and write counts "
            "are SCALE-Sim's.",
            (_G4, _CONV),
            dict(_SMALL, ofmap_sram_kib=64),
            (Param("cycles", 2, "cycles per PE-to-PE hop", "hops"),),
        ),
        Component(
            "single_buffer_ofmap",
            "storage",
            "SingleBufferStorage",
            _DRAIN_COLUMNS,
            "The ofmap SRAM is single-buffered.",
            "CALC mode only. The ofmap SRAM is single-buffered: it holds ofmap_sram_kib * 1024 "
            "words in lines of W = array columns words. Writes are taken one word at a time in "
            "stream order at the row's current cycle c: if c < drain_end the write stalls to c = "
            "drain_end; the word goes into the current line (a line closes at W words); when the "
            "buffer holds its size in words, the partial line closes and every closed line "
            "drains to DRAM from cycle c, one line per cycle (drain_end = c + lines - 1), and "
            "the buffer is empty again. After the last demand row the rest drains from max(last "
            "row's completion cycle, drain_end). DRAM OFMAP Writes count the real words only.",
            (_FC, _G4),
            {"array_rows": 8, "array_cols": 8, "ofmap_sram_kib": 1},
            calc_only=True,
        ),
        Component(
            "exact_ofmap",
            "mapping",
            "ExactOfmapMapping",
            _EXACT_OFMAP_COLUMNS,
            "The ofmap size is exact: floor((H - R) / s) + 1 rows and columns.",
            "The ofmap size is exact: E = floor((H - R) / s) + 1 and F = floor((W - S) / s) + 1 "
            "(SCALE-Sim 3.0.0's ceil((H - R + s) / s) is one too large when s does not divide "
            "H - R), so P = E * F and no window runs off the ifmap. The mapping is SCALE-Sim's "
            "for the layer trimmed to the rows and columns its windows cover. Overall Util % "
            "is computed from SCALE-Sim's MAC count.",
            (_CONV, Layer("conv_odd", 10, 10, 3, 3, 2, 4, 2)),
            dict(_SMALL, ofmap_sram_kib=64),
        ),
        Component(
            "exact_ofmap_writes",
            "interconnect",
            "ExactWritesInterconnect",
            ("ofmap_sram_writes",),
            "SRAM ofmap writes count only the ofmap words the array writes.",
            "SRAM OFMAP Writes (Schedule.ofmap_sram_writes) count only the ofmap words the "
            "array writes, sum over folds of rows_used * cols_used: for OS, without the R + C "
            "per fold SCALE-Sim 3.0.0 adds. WS and IS are SCALE-Sim's.",
            (_G8, _G4),
            dict(_SMALL, ofmap_sram_kib=64),
        ),
    )
}


class ChangeError(UserError):
    """A change cannot be planned or a rule file is wrong; says which and what to give."""


def component_listing() -> str:
    """``simcoder generate --list-components``: every known change and its parameters."""
    lines = ["Known changes the offline (library) coder composes (oracles, not generated):", ""]
    for c in COMPONENTS.values():
        defaults = {p.name: p.default for p in c.params}
        lines.append(f"  {c.name}  ({c.module}{', CALC mode only' if c.calc_only else ''})")
        lines.append(f"      {c.words.format(**defaults)}")
        for p in c.params:
            lines.append(f"      {p.name}: {p.help} (default {p.default})")
        lines.append(f"      moves: {', '.join(expand_columns(c.columns))}")
        lines.append("")
    lines.append("In a spec: changes: [{text: ..., component: {name: drain_width, words: 4}}]")
    return "\n".join(lines)


def component_of(change: Change, where: str) -> tuple[Component, dict[str, int]] | None:
    if change.component is None:
        return None
    comp = COMPONENTS.get(change.component.name)
    if comp is None:
        raise ChangeError(
            f"{where}.component: unknown component {change.component.name!r}; choose one of "
            f"{', '.join(COMPONENTS)} (simcoder generate --list-components)"
        )
    if change.module is not None and change.module != comp.module:
        raise ChangeError(
            f"{where}.module: component {comp.name} changes the {comp.module} module, not "
            f"{change.module}; drop module: or fix it"
        )
    try:
        return comp, comp.resolve(change.component.params())
    except ValueError as exc:
        raise ChangeError(f"{where}.component: {exc}") from None


# ---------------------------------------------------------------------------------------------
# rules: one per module a change touches, one file each


class Rule(BaseModel):
    """``changes/<number>.md``: what one change means for one module."""

    model_config = ConfigDict(extra="forbid")

    number: int = Field(gt=0)
    change: int = Field(gt=0, description="which of the spec's changes (1-based)")
    text: str
    module: ModuleKind
    columns: list[str]  # as declared (names or groups)
    component: dict[str, Any] | None = None  # {name, params...}
    examples_by: Literal["user", "planner", "component (oracle)", "none"] = "none"
    examples: list[RuleExample] = Field(default_factory=list)
    # how many examples state a number SCALE-Sim 3.0.0 does not give (computed at planning and
    # after a review): only those count as evidence that the module makes the change
    distinguishing: int = Field(default=0, ge=0)
    rule: str = Field(min_length=1)

    @field_validator("columns")
    @classmethod
    def _columns(cls, v: list[str]) -> list[str]:
        expand_columns(v)
        return v

    @property
    def moved(self) -> tuple[str, ...]:
        return expand_columns(self.columns)

    @property
    def filename(self) -> str:
        return f"{self.number}.md"

    def markdown(self) -> str:
        head = self.model_dump(mode="json", exclude={"rule", "number"})
        examples = head.pop("examples")
        head["examples"] = [_compact_example(e) for e in examples]
        return (
            f"---\n{yaml.safe_dump(head, sort_keys=False, width=100)}---\n"
            f"# Rule {self.number}: {self.module}\n\n{self.rule.strip()}\n"
        )


def _compact_example(e: dict[str, Any]) -> dict[str, Any]:
    e = dict(e)
    e["layer"] = {k: v for k, v in e["layer"].items() if v is not None}
    return e


FRONT = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)
HEADING = re.compile(r"\A\s*# Rule [^\n]*\n")


def parse_rule(path: Path) -> Rule:
    """A rule file read back (a person may have edited it); errors name the file and field."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise ChangeError(f"{path}: cannot read the rule file ({exc.strerror})") from None
    m = FRONT.match(text)
    if m is None:
        raise ChangeError(
            f"{path}: a rule file starts with a '---' YAML block (module, columns, examples) "
            "and a closing '---' line, then the rule"
        )
    try:
        head = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise ChangeError(f"{path}: the YAML block is not valid YAML ({exc})") from None
    if not isinstance(head, dict):
        raise ChangeError(f"{path}: the YAML block must be a mapping of fields")
    number = re.match(r"(\d+)", path.stem)
    body = HEADING.sub("", m.group(2)).strip()
    try:
        return Rule.model_validate(
            {**head, "number": int(number.group(1)) if number else 0, "rule": body}
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        msg = first["msg"].removeprefix("Value error, ")
        raise ChangeError(f"{path}: field {where}: {msg}") from None


def write_rules(run_dir: Path, rules: Sequence[Rule]) -> list[Path]:
    folder = run_dir / RULES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for r in rules:
        p = folder / r.filename
        p.write_text(r.markdown())
        paths.append(p)
    return paths


def read_rules(run_dir: Path) -> list[Rule]:
    folder = run_dir / RULES_DIR
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.md"), key=lambda p: (len(p.stem), p.stem))
    return [parse_rule(p) for p in files]


# ---------------------------------------------------------------------------------------------
# running a rule's examples (host side, for component examples and for tests)


def example_config(spec: Any, example: RuleExample) -> Any:
    """The SimConfig of an example: the spec's, with the example's ``config`` on top."""
    merged = spec.model_copy(update=example.config)
    return type(spec).model_validate(merged.model_dump()).sim_config()


def report_columns(report: LayerReport, columns: Iterable[str]) -> dict[str, float]:
    return {c: float(getattr(report, c)) for c in columns}


Simulate = Callable[[Layer, Any], LayerReport]


def component_examples(
    spec: Any, comp: Component, params: dict[str, int], columns: Sequence[str]
) -> list[RuleExample]:
    """The component's worked examples: its small layers at its small configuration with the
    spec's dataflow, the moved columns computed by the component itself (an oracle)."""
    from simcoder.simulator.engine import Modules, simulate_layer

    reference = Modules.load()
    modules = dataclasses.replace(reference, **{comp.module: comp.instance(params)})
    out = []
    base_config = {**comp.example_config, "dataflow": spec.dataflow}
    if comp.calc_only:
        base_config["bandwidth_mode"] = "CALC"
    # an example must tell the change from SCALE-Sim (a 4-word drain on a 4-column array is
    # SCALE-Sim's own): try a few array shapes until one does
    shapes = [(base_config["array_rows"], base_config["array_cols"]), (8, 8), (5, 7), (16, 16)]
    for layer in comp.examples:
        best = None
        for rows, cols in shapes:
            config = {**base_config, "array_rows": rows, "array_cols": cols}
            ex = RuleExample(
                name=f"{layer.name} on {rows}x{cols}",
                layer=LayerShape.of(layer),
                config=config,
                expected={"total_cycles": 0.0},
            )
            sim_config = example_config(spec, ex)
            report = simulate_layer(layer, sim_config, modules)
            base = simulate_layer(layer, sim_config, reference)
            moved = [
                c
                for c in columns
                if not c.startswith("avg_") and getattr(report, c) != getattr(base, c)
            ]
            shown = list(dict.fromkeys(["total_cycles", *moved]))[:8]
            best = ex.model_copy(
                update={
                    "expected": report_columns(report, shown),
                    "why": f"computed by the component {comp.name} itself (an oracle); "
                    f"SCALE-Sim 3.0.0: total_cycles {base.total_cycles}"
                    + ("" if moved else "; this example does not tell the change from SCALE-Sim"),
                }
            )
            if moved:
                break
        assert best is not None
        out.append(best)
    return out


def distinguishing(spec: Any, examples: Sequence[RuleExample]) -> int:
    """How many examples state a number SCALE-Sim 3.0.0 does not give: only those can tell a
    module that makes the change from one that ignores it."""
    from simcoder.simulator.engine import simulate_layer

    n = 0
    for ex in examples:
        report = simulate_layer(ex.layer.layer(), example_config(spec, ex))
        if any(float(getattr(report, c)) != float(v) for c, v in ex.expected.items()):
            n += 1
    return n
