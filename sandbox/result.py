"""The runner's result document, validated on the host. A malformed or forged document is a
clear failure verdict (``ExecStatus.BAD_RESULT``), never a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ViolationDoc(_Strict):
    check: str
    module: str
    case: str
    expected: str
    got: str


class ModuleDoc(_Strict):
    spec: str
    error: str | None
    traceback: str | None
    violations: list[ViolationDoc]


class LayerDoc(_Strict):
    name: str
    fields: dict[str, int | float]


class WorkloadDoc(_Strict):
    name: str
    error: str | None
    traceback: str | None
    layers: list[LayerDoc]


class ResultDoc(_Strict):
    schema_: str = Field(alias="schema")
    nonce: str
    python: str
    numpy: str
    modules: dict[str, ModuleDoc]
    workloads: list[WorkloadDoc]
    runtime_s: float
    # each candidate alone on the workloads where the combination missed the expected cycles
    isolated: dict[str, list[WorkloadDoc]] = {}


def parse_result(
    path: Path, nonce: str | None, max_bytes: int = 32 * 1024 * 1024
) -> tuple[dict[str, Any] | None, str | None]:
    """(document, None) when valid, else (None, why)."""
    if path.is_symlink():
        return None, "result.json is a symlink; the runner writes a plain file"
    if not path.is_file():
        return None, "no result.json was written"
    if path.stat().st_size > max_bytes:
        return None, f"result.json is {path.stat().st_size} bytes, over the {max_bytes} limit"
    try:
        raw = json.loads(path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"result.json is not JSON: {exc}"
    try:
        doc = ResultDoc.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        return None, f"result.json does not match the schema at {where}: {first['msg']}"
    if doc.schema_ != "simcoder.sandbox.result/1":
        return None, f"unknown result schema {doc.schema_!r}"
    if nonce is not None and doc.nonce != nonce:
        return None, "result.json carries the wrong nonce: it was not written for this job"
    return doc.model_dump(by_alias=True), None
