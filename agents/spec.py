"""The accelerator spec, validated at the edge (pydantic): the accelerator's fields and its
``changes:``, how it differs from SCALE-Sim 3.0.0 in the user's words (each a *change*: the
user's sentence, optionally with the owning module, a rule, a component and numbers the user
trusts), with the report columns a rule may name (the column lists and groups themselves are
``simulator/report.py``'s). What the changes become is ``agents/change/``'s."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from simcoder.simulator.compat.config_json import spec_config
from simcoder.simulator.compat.presets import PAPER
from simcoder.simulator.errors import UserError
from simcoder.simulator.registry import KINDS, ModuleKind, module_kind
from simcoder.simulator.report import ALL_COLUMNS, DERIVED, GROUPS
from simcoder.simulator.types import Layer, SimConfig
from simcoder.workloads.builtin import WORKLOADS

# ---------------------------------------------------------------------------------------------
# the spec's changes

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


class ChangeError(UserError):
    """A change cannot be planned or a rule file is wrong; says which and what to give."""


# ---------------------------------------------------------------------------------------------
# the accelerator

ModuleName = ModuleKind
MODULES: tuple[str, ...] = KINDS


class SpecError(UserError):
    """A spec file or a planned spec is wrong: names the file or field and how to fix it."""


class AcceleratorSpec(BaseModel):
    """What the user wants simulated. Every field is checkable by the simulator core."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="a short name for the accelerator")
    array_rows: int = Field(gt=0, description="systolic array height (PE rows)")
    array_cols: int = Field(gt=0, description="systolic array width (PE columns)")
    dataflow: Literal["os", "ws", "is"] = Field(description="output/weight/input stationary")
    ifmap_sram_kib: int = Field(gt=0)
    filter_sram_kib: int = Field(gt=0)
    ofmap_sram_kib: int = Field(gt=0)
    bandwidth_mode: Literal["CALC", "USER"] = "CALC"
    dram_words_per_cycle: int = Field(default=10, gt=0)
    workloads: list[str] = Field(default_factory=lambda: ["alphago_zero"])
    modules: list[ModuleName] = Field(default_factory=lambda: [module_kind(k) for k in KINDS])
    # how this accelerator differs from SCALE-Sim 3.0.0, in the user's words (see
    # agents/change/ and docs/workflow.md)
    changes: list[Change] = Field(default_factory=list)

    @field_validator("workloads")
    @classmethod
    def _known_workloads(cls, v: list[str]) -> list[str]:
        from simcoder.workloads.builtin import is_workload

        unknown = [w for w in v if not is_workload(w)]
        if unknown:
            raise ValueError(
                f"unknown workloads {unknown}; choose from {sorted(WORKLOADS)}, a model "
                "(torchvision:NAME, transformers:NAME, model.onnx, file.py:factory) or a "
                "topology CSV"
            )
        return v

    def sim_config(self) -> SimConfig:
        return spec_config(
            self.array_rows,
            self.array_cols,
            self.dataflow,
            (self.ifmap_sram_kib, self.filter_sram_kib, self.ofmap_sram_kib),
            self.bandwidth_mode,
            self.dram_words_per_cycle,
            run_name=self.name,
        )


def paper_spec(name: str = "paper", **overrides: Any) -> AcceleratorSpec:
    """The SimulatorCoder paper's accelerator: a 32x32 output-stationary array, 64 kB SRAMs,
    CALC bandwidth (the ``paper`` preset); ``overrides`` set any other field (workloads, ...)."""
    fields: dict[str, Any] = {
        "name": name,
        "array_rows": PAPER["rows"],
        "array_cols": PAPER["cols"],
        "dataflow": PAPER["dataflow"],
        "ifmap_sram_kib": PAPER["ifmap_kb"],
        "filter_sram_kib": PAPER["filter_kb"],
        "ofmap_sram_kib": PAPER["ofmap_kb"],
    }
    return AcceleratorSpec(**{**fields, **overrides})


def read_spec(path: str | Path) -> AcceleratorSpec:
    p = Path(path)
    try:
        raw = yaml.safe_load(p.read_text())
    except OSError as exc:
        raise SpecError(f"{p}: cannot read the spec file ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise SpecError(f"{p}: not valid YAML ({exc})") from None
    try:
        return AcceleratorSpec.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise SpecError(f"{p}: field {where}: {first['msg']}") from None
