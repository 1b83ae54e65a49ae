"""The search space of ``simcoder explore``: the values each parameter may take, the
constraints a design must meet, and the designs of the exhaustive grid. Constraints depend on
the design alone (area, SRAM, PEs), so they are checked before anything is simulated."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from simcoder.energy import EnergyTable, area
from simcoder.simulator.compat.config_json import spec_config
from simcoder.simulator.errors import UserError
from simcoder.simulator.types import SimConfig

PARAMS = ("rows", "cols", "dataflow", "ifmap_kib", "filter_kib", "ofmap_kib", "bandwidth")


@dataclass(frozen=True)
class Design:
    rows: int
    cols: int
    dataflow: str
    ifmap_kib: int
    filter_kib: int
    ofmap_kib: int
    bandwidth: int  # words/cycle: the ofmap drain and each read bank (USER mode)

    def config(self, mode: str) -> SimConfig:
        srams = (self.ifmap_kib, self.filter_kib, self.ofmap_kib)
        return spec_config(self.rows, self.cols, self.dataflow, srams, mode, self.bandwidth)

    @property
    def pes(self) -> int:
        return self.rows * self.cols

    @property
    def sram_kib(self) -> int:
        return self.ifmap_kib + self.filter_kib + self.ofmap_kib


@dataclass(frozen=True)
class Space:
    """Each parameter's choices (sorted, no repeats); ``mode`` CALC or USER."""

    rows: tuple[int, ...]
    cols: tuple[int, ...]
    dataflow: tuple[str, ...]
    ifmap_kib: tuple[int, ...]
    filter_kib: tuple[int, ...]
    ofmap_kib: tuple[int, ...]
    bandwidth: tuple[int, ...]
    mode: str = "CALC"

    def __post_init__(self) -> None:
        for name in PARAMS:
            if not getattr(self, name):
                raise UserError(f"--{name.replace('_kib', '-sram')}: the search space is empty")
        if self.mode == "CALC" and len(self.bandwidth) > 1:
            raise UserError(
                "--bandwidth: CALC mode does not use it (DRAM never stalls); search it with "
                "--mode user or give one value"
            )

    def choices(self, name: str) -> tuple[int | str, ...]:
        values: tuple[int | str, ...] = getattr(self, name)
        return values

    def size(self) -> int:
        n = 1
        for name in PARAMS:
            n *= len(self.choices(name))
        return n

    def designs(self) -> list[Design]:
        """Every combination: the exhaustive grid."""
        combos = itertools.product(*(getattr(self, p) for p in PARAMS))
        return [Design(*combo) for combo in combos]


@dataclass(frozen=True)
class Constraints:
    max_area_mm2: float | None = None
    max_sram_kib: int | None = None
    max_pes: int | None = None

    def violation(self, design: Design, table: EnergyTable, mode: str) -> str | None:
        """The first constraint the design breaks, named as its flag; None if it meets all."""
        if self.max_pes is not None and design.pes > self.max_pes:
            return "--max-pes"
        if self.max_sram_kib is not None and design.sram_kib > self.max_sram_kib:
            return "--max-sram"
        if (
            self.max_area_mm2 is not None
            and area(design.config(mode), table).total_mm2 > self.max_area_mm2
        ):
            return "--max-area"
        return None


def feasible_designs(space: Space, constraints: Constraints, table: EnergyTable) -> list[Design]:
    """The grid's designs that meet the constraints; an error naming the constraint that
    leaves none."""
    designs = space.designs()
    kept = [d for d in designs if constraints.violation(d, table, space.mode) is None]
    if kept:
        return kept
    flags = {constraints.violation(d, table, space.mode) for d in designs}
    limits = {
        "--max-pes": f"{constraints.max_pes} PEs (smallest: {min(d.pes for d in designs)})",
        "--max-sram": f"{constraints.max_sram_kib} kB of SRAM "
        f"(smallest: {min(d.sram_kib for d in designs)} kB)",
        "--max-area": f"{constraints.max_area_mm2} mm2 (smallest: "
        f"{min(area(d.config(space.mode), table).total_mm2 for d in designs):.3f} mm2 at "
        f"{table.node})",
    }
    named = [f"{flag} {limits[flag]}" for flag in ("--max-pes", "--max-sram", "--max-area")
             if flag in flags]  # fmt: skip
    raise UserError(
        f"no design in the search space ({len(designs)} designs) meets the constraints: "
        + "; ".join(named)
        + "; raise the limit or widen the space"
    )
