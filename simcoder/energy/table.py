"""The energy and area reference table: a YAML file read and validated here, built into frozen
values. Every value names its unit (``2.2 pJ``, ``1239.5 um2``, ``8 kB``); a missing action, a
negative value or a unit we do not know is one line naming the key."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic import ValidationError as PydanticError

from simcoder.simulator.errors import InputError

DEFAULT = "default_table.yaml"
# unit -> factor to the unit we compute in (pJ, um2, bytes)
UNITS: dict[str, dict[str, float]] = {
    "energy": {"fJ": 1e-3, "pJ": 1.0, "nJ": 1e3},
    "area": {"um2": 1.0, "mm2": 1e6},
    "capacity": {"B": 1, "kB": 1024, "MB": 1024 * 1024},  # SCALE-Sim's kB: 1024 bytes
}


class EnergyTableError(InputError):
    """A bad energy table: the file, the key, what is wrong and how to fix it."""


def _parser(kind: str) -> Callable[[object], float]:
    def parse(value: object) -> float:
        examples = {"energy": "2.2 pJ", "area": "1239.5 um2", "capacity": "64 kB"}
        if not isinstance(value, str) or len(value.split()) != 2:
            raise ValueError(f"write a number and a unit, e.g. '{examples[kind]}'")
        number, unit = value.split()
        if unit not in UNITS[kind]:
            raise ValueError(
                f"unit {unit!r} is not one we know for {kind}; use one of " + ", ".join(UNITS[kind])
            )
        try:
            x = float(number)
        except ValueError:
            raise ValueError(f"{number!r} is not a number") from None
        if not math.isfinite(x) or x < 0:
            raise ValueError(f"{value!r} must be a finite, non-negative {kind}")
        return float(x * UNITS[kind][unit])

    return parse


Energy = Annotated[float, BeforeValidator(_parser("energy"))]
Area = Annotated[float, BeforeValidator(_parser("area"))]
Capacity = Annotated[float, BeforeValidator(_parser("capacity"))]
Count = Annotated[int, Field(ge=0, strict=True)]
Bits = Annotated[int, Field(gt=0, strict=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Mac(_Strict):
    energy: Energy
    idle_energy: Energy
    area: Area


class _Register(_Strict):
    width_bits: Bits
    words: Bits
    read_energy: Energy
    write_energy: Energy
    area: Area
    words_per_pe: Count
    reads_per_mac: Count
    writes_per_mac: Count


class _Sram(_Strict):
    capacity: Capacity
    width_bits: Bits
    read_energy: Energy
    write_energy: Energy
    area: Area


class _Dram(_Strict):
    width_bits: Bits
    read_energy: Energy
    write_energy: Energy


class _Table(_Strict):
    node: str
    word_bits: Bits
    mac: _Mac
    registers: _Register = Field(alias="register")
    sram: Annotated[list[_Sram], Field(min_length=1)]
    dram: _Dram


@dataclass(frozen=True)
class SramPoint:
    """One estimated SRAM: per-access energies (pJ) for ``width_bits``, area in um2."""

    capacity_bytes: float
    width_bits: int
    read_pj: float
    write_pj: float
    area_um2: float


@dataclass(frozen=True)
class EnergyTable:
    """Per-action energies in pJ and areas in um2 at one technology node."""

    node: str
    word_bits: int
    mac_pj: float
    pe_idle_pj: float  # per PE and cycle without a MAC
    mac_area_um2: float
    register_read_pj: float  # per word_bits-wide register access
    register_write_pj: float
    register_area_um2_per_word: float
    register_words_per_pe: int
    register_reads_per_mac: int
    register_writes_per_mac: int
    sram_points: tuple[SramPoint, ...]  # by capacity
    dram_read_pj: float  # per word_bits-wide word
    dram_write_pj: float
    source: str  # the file it was read from


def _first_error(exc: PydanticError) -> tuple[str, str]:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"]) or "(top level)"
    kind, msg = err["type"], err["msg"]
    if kind == "missing":
        msg = "missing; add it with its unit (docs/energy.md lists every key)"
    elif kind == "extra_forbidden":
        msg = "not a key of the energy table; remove it or check its spelling (docs/energy.md)"
    elif kind == "value_error":
        msg = msg.removeprefix("Value error, ")
    return key, msg


def _build(t: _Table, source: str) -> EnergyTable:
    words = t.word_bits / t.registers.width_bits
    points = sorted(
        (
            SramPoint(s.capacity, s.width_bits, s.read_energy, s.write_energy, s.area)
            for s in t.sram
        ),
        key=lambda p: p.capacity_bytes,
    )
    if any(p.capacity_bytes <= 0 for p in points):
        raise EnergyTableError(source, "capacities must be above zero", field="sram")
    if len({p.capacity_bytes for p in points}) != len(points):
        raise EnergyTableError(source, "two points have the same capacity", field="sram")
    per_word = t.word_bits / t.dram.width_bits
    return EnergyTable(
        node=t.node,
        word_bits=t.word_bits,
        mac_pj=t.mac.energy,
        pe_idle_pj=t.mac.idle_energy,
        mac_area_um2=t.mac.area,
        register_read_pj=t.registers.read_energy * words,
        register_write_pj=t.registers.write_energy * words,
        register_area_um2_per_word=t.registers.area / t.registers.words * words,
        register_words_per_pe=t.registers.words_per_pe,
        register_reads_per_mac=t.registers.reads_per_mac,
        register_writes_per_mac=t.registers.writes_per_mac,
        sram_points=tuple(points),
        dram_read_pj=t.dram.read_energy * per_word,
        dram_write_pj=t.dram.write_energy * per_word,
        source=source,
    )


def parse_table(text: str, source: str) -> EnergyTable:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise EnergyTableError(
            source, "not valid YAML; see docs/energy.md", None if line is None else line + 1
        ) from None
    if not isinstance(data, dict):
        raise EnergyTableError(
            source, "must be a YAML mapping of the table's keys (docs/energy.md)"
        )
    try:
        table = _Table.model_validate(data)
    except PydanticError as exc:
        key, msg = _first_error(exc)
        raise EnergyTableError(source, msg, field=key) from None
    return _build(table, source)


def load_table(path: str | Path | None = None) -> EnergyTable:
    """The table in ``path``, or the default (Accelergy's 40 nm estimates, docs/energy.md)."""
    if path is None:
        text = resources.files("simcoder.energy").joinpath(DEFAULT).read_text()
        return parse_table(text, f"simcoder/energy/{DEFAULT}")
    p = Path(path)
    if not p.is_file():
        raise EnergyTableError(str(p), "no such energy table file")
    return parse_table(p.read_text(), str(p))
