"""The runner's result document, validated on the host into :class:`ResultDoc` (strict, frozen)
and carried typed from there on. A malformed or forged document is a clear failure verdict
(``ExecStatus.BAD_RESULT``), never a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from simcoder.sandbox.runner import SCHEMA

# Why a candidate module has no verdict from its checks, as the in-sandbox runner saw it:
#   interface  loading it raised ModuleLoadError: no such attribute, or not the contract's method
#   import     importing or instantiating it raised anything else
#   checks     it loaded, but running its checks raised
ModuleFailure = Literal["interface", "import", "checks"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ViolationDoc(_Strict):
    check: str
    module: str
    case: str
    expected: str
    got: str

    def line(self) -> str:
        return f"{self.check} on {self.case}: expected {self.expected}, got {self.got}"


class RandomDoc(_Strict):
    seed: int | None
    cases: int
    budget_s: float
    counterexample: dict[str, Any] | None  # the shrunk failing case: name, layer, config, ...


class EvidenceDoc(_Strict):
    """What a module's checks looked at: probes per source (grid, spec, workload, random,
    cross), the failing ones, the random cases and their seed, and the time taken."""

    probes: dict[str, int]
    failing: dict[str, int]
    random: RandomDoc
    seconds: float


class ModuleDoc(_Strict):
    spec: str
    failure: ModuleFailure | None  # set exactly when error is
    error: str | None
    traceback: str | None
    violations: tuple[ViolationDoc, ...]
    evidence: EvidenceDoc | None = None

    @model_validator(mode="after")
    def _failure_names_the_error(self) -> ModuleDoc:
        if (self.failure is None) != (self.error is None):
            raise ValueError("failure and error must be given together")
        return self


class LayerDoc(_Strict):
    name: str
    fields: dict[str, int | float]

    @property
    def total_cycles(self) -> int:
        return int(self.fields["total_cycles"])


class WorkloadDoc(_Strict):
    name: str
    error: str | None
    traceback: str | None
    layers: tuple[LayerDoc, ...]


class BlameDoc(_Strict):
    workload: str
    layer: str
    columns: tuple[str, ...]
    own_output_differs: tuple[str, ...]
    alone: dict[str, tuple[str, ...]]


class ResultDoc(_Strict):
    schema_: str = Field(alias="schema")
    nonce: str
    python: str
    numpy: str
    modules: dict[str, ModuleDoc]
    workloads: tuple[WorkloadDoc, ...]
    runtime_s: float
    # per workload layer whose columns missed the expected: which modules' own outputs differ
    # and which columns each candidate alone moves
    blame: tuple[BlameDoc, ...] = ()
    workload_seconds: float | None = None
    reference_outputs_computed: int | None = None


def parse_result(
    path: Path, nonce: str | None, max_bytes: int = 32 * 1024 * 1024
) -> tuple[ResultDoc | None, str | None]:
    """(document, None) when valid, else (None, why)."""
    if path.is_symlink():
        return None, "result.json is a symlink; the runner writes a plain file"
    if not path.is_file():
        return None, "no result.json was written"
    if path.stat().st_size > max_bytes:
        return None, f"result.json is {path.stat().st_size} bytes, over the {max_bytes} limit"
    try:
        text = path.read_text()
        raw = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"result.json is not JSON: {exc}"
    if isinstance(raw, dict) and raw.get("schema") != SCHEMA:
        return None, f"unknown result schema {raw.get('schema')!r} (this host reads {SCHEMA!r})"
    try:  # JSON mode: strict types, JSON arrays into tuples
        doc = ResultDoc.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        return None, f"result.json does not match the schema at {where}: {first['msg']}"
    if nonce is not None and doc.nonce != nonce:
        return None, "result.json carries the wrong nonce: it was not written for this job"
    return doc, None
