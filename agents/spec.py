"""The accelerator spec and the plan, validated at the edge (pydantic)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from simcoder.agents.changes import Change
from simcoder.simulator.compat.config_json import spec_config
from simcoder.simulator.compat.presets import PAPER
from simcoder.simulator.errors import UserError
from simcoder.simulator.registry import KINDS, ModuleKind, module_kind
from simcoder.simulator.types import SimConfig
from simcoder.workloads.builtin import WORKLOADS

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
    # agents/changes.py and docs/workflow.md)
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
