"""SCALE-Sim ``.cfg`` files: 3.0.0's format, and v2's mapped onto 3.0.0's meaning."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

from simcoder.simulator.compat import InputError
from simcoder.simulator.compat.text import read_input_text
from simcoder.simulator.types import (
    ArrayConfig,
    BandwidthMode,
    Dataflow,
    MemoryConfig,
    SimConfig,
    ValidationError,
)

ARCH = "architecture_presets"
DATAFLOWS = {d.value: d for d in Dataflow}


class _Cfg:
    """A parsed .cfg with line numbers for error messages."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.parser = configparser.ConfigParser()
        try:
            self.parser.read_string(text, source=path)
        except configparser.Error as exc:
            line = getattr(exc, "lineno", None)
            raise InputError(
                path, f"not a valid .cfg file ({exc.message.splitlines()[0]})", line
            ) from None
        self.lines = text.splitlines()

    def line_of(self, section: str, key: str) -> int | None:
        current = None
        for number, raw in enumerate(self.lines, start=1):
            stripped = raw.strip()
            if stripped.startswith("["):
                current = stripped.strip("[]").strip().lower()
            elif current == section.lower() and re.match(
                rf"{re.escape(key)}\s*[:=]", stripped, re.IGNORECASE
            ):
                return number
        return None

    def error(self, section: str, key: str, message: str) -> InputError:
        return InputError(self.path, message, self.line_of(section, key), f"[{section}] {key}")

    def get(self, section: str, key: str, default: str | None = None) -> str:
        if not self.parser.has_section(section):
            if default is not None:
                return default
            raise InputError(
                self.path,
                f"section [{section}] is missing; add it with {key}",
                None,
                f"[{section}]",
            )
        if not self.parser.has_option(section, key):
            if default is not None:
                return default
            raise InputError(
                self.path,
                f"key {key} is missing; add '{key}: <value>' under [{section}]",
                None,
                f"[{section}] {key}",
            )
        return self.parser.get(section, key).strip()

    def get_int(self, section: str, key: str, default: int | None = None) -> int:
        raw = self.get(section, key, None if default is None else str(default))
        try:
            return int(raw)
        except ValueError:
            raise self.error(
                section, key, f"{raw!r} is not an integer; write a whole number"
            ) from None

    def get_bool(self, section: str, key: str, default: bool) -> bool:
        raw = self.get(section, key, str(default)).lower()
        if raw in ("true", "1", "yes", "on"):
            return True
        if raw in ("false", "0", "no", "off"):
            return False
        raise self.error(section, key, f"{raw!r} is not a boolean; write True or False")


def _refuse_unsupported(cfg: _Cfg) -> None:
    checks = [
        ("sparsity", "SparsitySupport", "sparsity"),
        ("layout", "IfmapCustomLayout", "custom ifmap layouts"),
        ("layout", "FilterCustomLayout", "custom filter layouts"),
        ("run_presets", "UseRamulatorTrace", "Ramulator DRAM traces"),
    ]
    for section, key, what in checks:
        if cfg.get_bool(section, key, False):
            raise cfg.error(
                section,
                key,
                f"{what} are not modelled by simcoder; set {key} to "
                "False (simcoder never runs such a config silently as dense)",
            )


def read_config(path: str | Path) -> SimConfig:
    """Read a SCALE-Sim 3.0.0 or v2 .cfg into a validated SimConfig."""
    p = str(path)
    cfg = _Cfg(p, read_input_text(path, "config file"))
    v2 = not cfg.parser.has_section("layout")  # v2 files have no [layout]/[sparsity]
    _refuse_unsupported(cfg)
    mode_raw = cfg.get("run_presets", "InterfaceBandwidth", "CALC" if v2 else None)
    try:
        mode = BandwidthMode(mode_raw.upper() if v2 else mode_raw)
    except ValueError:
        raise cfg.error(
            "run_presets",
            "InterfaceBandwidth",
            f"{mode_raw!r} is not a bandwidth mode; use CALC or USER",
        ) from None
    df_raw = cfg.get(ARCH, "Dataflow")
    if df_raw not in DATAFLOWS:
        raise cfg.error(ARCH, "Dataflow", f"unknown dataflow {df_raw!r}; use os, ws or is")
    bandwidth = 10
    if mode is BandwidthMode.USER:
        raw = cfg.get(ARCH, "Bandwidth")
        try:
            bandwidth = int(raw.split(",")[0])
        except ValueError:
            raise cfg.error(ARCH, "Bandwidth", f"{raw!r} is not an integer") from None
    ints = {}
    for key in ("ArrayHeight", "ArrayWidth", "IfmapSramSzkB", "FilterSramSzkB", "OfmapSramSzkB"):
        ints[key] = cfg.get_int(ARCH, key)
    # IfmapOffset/FilterOffset/OfmapOffset are accepted (every SCALE-Sim file has them) and ignored
    # knowingly: SCALE-Sim adds the offsets to its trace addresses only, and no report changes
    # with them (docs/scalesim-quirks.md, "Address offsets in the .cfg").
    layout = {}
    for key in (
        "IfmapSRAMBankBandwidth",
        "IfmapSRAMBankNum",
        "FilterSRAMBankBandwidth",
        "FilterSRAMBankNum",
    ):
        layout[key] = cfg.get_int("layout", key, 10 if v2 else None)
    try:
        array = ArrayConfig(ints["ArrayHeight"], ints["ArrayWidth"], DATAFLOWS[df_raw])
        memory = MemoryConfig(
            ints["IfmapSramSzkB"],
            ints["FilterSramSzkB"],
            ints["OfmapSramSzkB"],
            bandwidth_mode=mode,
            ofmap_dram_words_per_cycle=bandwidth,
            ifmap_sram_bank_words_per_cycle=layout["IfmapSRAMBankBandwidth"],
            filter_sram_bank_words_per_cycle=layout["FilterSRAMBankBandwidth"],
            ifmap_sram_banks=layout["IfmapSRAMBankNum"],
            filter_sram_banks=layout["FilterSRAMBankNum"],
        )
    except ValidationError as exc:
        section = "layout" if "SRAMBank" in exc.field else ARCH
        raise cfg.error(section, exc.field, exc.message) from None
    run_name = cfg.get("general", "run_name", "simcoder")
    return SimConfig(array, memory, run_name=run_name)
