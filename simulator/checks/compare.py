"""Field-by-field comparison of two module outputs (Mapping, Schedule, StorageReport): every
field of the contract, nested dataclasses and arrays included, not only the report columns that
happen to depend on them."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import numpy as np

from simcoder.simulator.equality import same_number

SHOWN = 6  # array elements quoted in a difference


@dataclasses.dataclass(frozen=True)
class FieldDiff:
    path: str  # e.g. "schedule.ifmap.cycles[17]" or "mapping.folds"
    expected: str
    got: str


def _array_diff(path: str, want: np.ndarray, got: Any) -> FieldDiff | None:
    have = np.asarray(got)
    if have.shape != want.shape:
        return FieldDiff(f"{path}.shape", str(want.shape), str(have.shape))
    if want.size == 0:
        return None
    if np.issubdtype(want.dtype, np.floating) or np.issubdtype(have.dtype, np.floating):
        bad = ~np.isclose(want, have, rtol=1e-9, atol=0.0)
    else:
        bad = want != have
    if not np.any(bad):
        return None
    where = np.argwhere(bad)
    first = tuple(int(i) for i in where[0])
    index = ",".join(str(i) for i in first)
    return FieldDiff(
        f"{path}[{index}]",
        f"{want[first]} ({int(bad.sum())} of {want.size} elements differ)",
        str(have[first]),
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def diff_fields(want: Any, got: Any, path: str) -> list[FieldDiff]:
    """Every place where ``got`` differs from ``want``: integers exactly, floats to
    ``same_number``'s tolerance, arrays element by element (first differing element quoted),
    dataclasses and tuples field by field. ``want`` is the reference's output."""
    if isinstance(want, np.ndarray):
        d = _array_diff(path, want, got)
        return [d] if d else []
    if dataclasses.is_dataclass(want) and not isinstance(want, type):
        if type(got).__name__ != type(want).__name__ and not dataclasses.is_dataclass(got):
            return [FieldDiff(path, type(want).__name__, type(got).__name__)]
        out: list[FieldDiff] = []
        for f in dataclasses.fields(want):
            if not hasattr(got, f.name):
                out.append(FieldDiff(f"{path}.{f.name}", "a value", "missing"))
                continue
            out += diff_fields(getattr(want, f.name), getattr(got, f.name), f"{path}.{f.name}")
        return out
    if isinstance(want, (tuple, list)):
        try:
            items = list(got)
        except TypeError:
            return [FieldDiff(path, f"a sequence of {len(want)}", _short(got))]
        if len(items) != len(want):
            return [FieldDiff(f"{path}.len", str(len(want)), str(len(items)))]
        out = []
        for i, (a, b) in enumerate(zip(want, items, strict=True)):
            out += diff_fields(a, b, f"{path}[{i}]")
            if len(out) >= SHOWN:
                break
        return out
    if isinstance(want, (int, float, np.integer, np.floating)) and not isinstance(want, bool):
        try:
            same = same_number(
                float(want) if isinstance(want, (float, np.floating)) else int(want),
                float(got) if isinstance(got, (float, np.floating)) else int(got),
            )
        except (TypeError, ValueError):
            same = False
        return [] if same else [FieldDiff(path, _short(want), _short(got))]
    return [] if want == got else [FieldDiff(path, _short(want), _short(got))]


def fingerprint(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """A small stand-in for a large output: every scalar field as it is, every integer array as
    its shape and a hash of its values (as int64, so a dtype alone changes nothing). Two
    outputs whose fingerprints are ``same_fingerprint`` have no ``diff_fields``; a workload
    layer can then drop the reference's output before the candidate computes its own."""
    if isinstance(value, np.ndarray):
        if np.issubdtype(value.dtype, np.integer) or value.dtype == bool:
            data = np.ascontiguousarray(value, dtype=np.int64)
            return [(path, ("array", value.shape, hashlib.blake2b(data.data).hexdigest()))]
        return [(path, ("floats", value.copy()))]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: list[tuple[str, Any]] = [(path, ("type", type(value).__name__))]
        for f in dataclasses.fields(value):
            out += fingerprint(getattr(value, f.name), f"{path}.{f.name}")
        return out
    if isinstance(value, (tuple, list)):
        out = [(path, ("len", len(value)))]
        for i, item in enumerate(value):
            out += fingerprint(item, f"{path}[{i}]")
        return out
    return [(path, ("value", value))]


def same_fingerprint(want: list[tuple[str, Any]], got: list[tuple[str, Any]]) -> bool:
    if len(want) != len(got):
        return False
    for (pa, a), (pb, b) in zip(want, got, strict=True):
        if pa != pb or a[0] != b[0]:
            return False
        if a[0] == "floats":
            if a[1].shape != b[1].shape or not np.allclose(a[1], b[1], rtol=1e-9, atol=0.0):
                return False
        elif a[0] == "value":
            if isinstance(a[1], (int, float, np.integer, np.floating)) and not isinstance(
                a[1], bool
            ):
                if diff_fields(a[1], b[1], pa):
                    return False
            elif a[1] != b[1]:
                return False
        elif a != b:
            return False
    return True
