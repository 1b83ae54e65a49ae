"""The job document, ``job.json``: one type for the host that writes it and the runner that
reads it.

The runner reads it inside the sandbox, where only the standard library, numpy and the
simulator core travel (no pydantic, see ``types.py``), so ``JobSpec`` is a frozen dataclass
with its own ``to_json``/``from_json``; ``from_json`` checks every key it reads and says which
one is wrong. The keys on disk are the ones the runner has always read, so a recorded run's
``job.json`` still loads: a key left out takes its default. The simulator's own values travel
as their JSON documents (a layer as ``dataclasses.asdict(Layer)``, a configuration as
``config_to_json``) and are built in the runner, after it has checked the pinned versions.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, TypedDict, cast

from simcoder.simulator.errors import SimcoderError

if TYPE_CHECKING:
    from simcoder.simulator.types import Layer

# A configuration as ``simulator.compat.config_json.config_to_json`` writes it.
ConfigDoc = Mapping[str, object]
# One layer's expected result: its report columns by name, or its total cycles alone.
ExpectedLayer = int | Mapping[str, object]


class LayerJson(TypedDict):
    """A ``simulator.types.Layer`` as ``dataclasses.asdict`` writes it (``Layer(**doc)``)."""

    name: str
    ifmap_h: int
    ifmap_w: int
    filter_h: int
    filter_w: int
    channels: int
    num_filters: int
    stride: int
    depthwise: bool
    gemm: bool


def layer_json(layer: Layer) -> LayerJson:
    """``layer`` as the job carries it (``Layer(**doc)`` builds it back)."""
    return cast(LayerJson, dataclasses.asdict(layer))


class JobSpecError(SimcoderError, ValueError):
    """``job.json`` is not a job document: the message names the key and what it must be."""


def _check(value: object, kind: type | tuple[type, ...], where: str, what: str) -> None:
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _types(kind)):
        raise JobSpecError(f"job.json: {where} must be {what}, got {type(value).__name__}")


def _types(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _object(value: object, where: str) -> dict[str, object]:
    _check(value, dict, where, "an object")
    return cast(dict[str, object], value)


def _list(value: object, where: str) -> list[object]:
    _check(value, list, where, "a list")
    return cast(list[object], value)


def _strings(value: object, where: str) -> tuple[str, ...]:
    items = _list(value, where)
    for i, item in enumerate(items):
        _check(item, str, f"{where}[{i}]", "a string")
    return tuple(cast(list[str], items))


def _layer(value: object, where: str) -> LayerJson:
    doc = _object(value, where)
    _known(doc, LayerJson.__annotations__, where)
    return cast(LayerJson, doc)


def _known(doc: Mapping[str, object], keys: Iterable[str], where: str) -> None:
    """A key the reader does not know is a misspelling (it would silently take a default)."""
    unknown = sorted(set(doc) - set(keys))
    if unknown:
        raise JobSpecError(f"job.json: {where}: unknown key {unknown[0]!r}")


@dataclass(frozen=True)
class CaseSpec:
    """One layer at its own configuration (an eval task's case)."""

    name: str
    layer: LayerJson
    config: ConfigDoc

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "layer": dict(self.layer), "config": dict(self.config)}

    @classmethod
    def from_json(cls, doc: object, where: str = "case") -> CaseSpec:
        d = _object(doc, where)
        _known(d, ("name", "layer", "config", "expected"), where)
        name = d.get("name")
        _check(name, str, f"{where}.name", "a string")
        return cls(
            cast(str, name),
            _layer(d.get("layer"), f"{where}.layer"),
            _object(d.get("config"), f"{where}.config"),
        )


@dataclass(frozen=True)
class ExampleSpec:
    """A changed module's rule example: a layer, its configuration, the columns it expects."""

    name: str
    layer: LayerJson
    config: ConfigDoc
    expected: Mapping[str, float]

    def to_json(self) -> dict[str, object]:
        return {
            **CaseSpec(self.name, self.layer, self.config).to_json(),
            "expected": dict(self.expected),
        }

    @classmethod
    def from_json(cls, doc: object, where: str = "example") -> ExampleSpec:
        case = CaseSpec.from_json(doc, where)
        expected = _object(_object(doc, where).get("expected"), f"{where}.expected")
        for k, v in expected.items():
            _check(v, (int, float), f"{where}.expected.{k}", "a number")
        return cls(case.name, case.layer, case.config, cast(dict[str, float], expected))


@dataclass(frozen=True)
class ChangeSpec:
    """A module meant to differ from SCALE-Sim: the columns its rules move, their examples,
    and a second, independent version to compare it with (``candidate/<kind>_b.py:Attr``)."""

    moved: tuple[str, ...] = ()
    examples: tuple[ExampleSpec, ...] = ()
    alternate: str | None = None

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "moved": list(self.moved),
            "examples": [e.to_json() for e in self.examples],
        }
        if self.alternate is not None:
            out["alternate"] = self.alternate
        return out

    @classmethod
    def from_json(cls, doc: object, where: str = "change") -> ChangeSpec:
        d = _object(doc, where)
        _known(d, (f.name for f in fields(cls)), where)
        alternate = d.get("alternate")
        if alternate is not None:
            _check(alternate, str, f"{where}.alternate", "a string")
        examples = _list(d.get("examples", []), f"{where}.examples")
        return cls(
            _strings(d.get("moved", []), f"{where}.moved"),
            tuple(
                ExampleSpec.from_json(e, f"{where}.examples[{i}]") for i, e in enumerate(examples)
            ),
            cast(str | None, alternate),
        )


@dataclass(frozen=True)
class JobSpec:
    """What one sandbox job runs (see ``runner.run`` for what each part does).

    ``nonce``, ``python_minor`` and ``numpy`` are filled in by ``jobs.build_job``: the result
    must carry the nonce, and the runner refuses a Python or numpy the host did not pin."""

    modules: Mapping[str, str] = field(default_factory=dict)  # kind -> file.py:Attr
    workloads: tuple[str, ...] = ()
    config: ConfigDoc | None = None
    checks: bool = True
    quick: bool = True
    random_seed: int = 0
    random_budget_s: float = 0.0
    random_max_cases: int | None = None
    changes: Mapping[str, ChangeSpec] = field(default_factory=dict)
    layers: Mapping[str, tuple[LayerJson, ...]] = field(default_factory=dict)  # resolved on host
    layer_limit: int | None = None
    expected: Mapping[str, tuple[ExpectedLayer, ...]] = field(default_factory=dict)
    cases: tuple[CaseSpec, ...] = ()
    properties: str | None = None  # the eval runner's case checks
    nonce: str = ""
    python_minor: str | None = None
    numpy: str | None = None

    def to_json(self) -> dict[str, object]:
        """The document: every key the runner reads; the optional parts only when set."""
        out: dict[str, object] = {
            "nonce": self.nonce,
            "python_minor": self.python_minor,
            "numpy": self.numpy,
            "modules": dict(self.modules),
            "workloads": list(self.workloads),
        }
        if self.config is not None:
            out["config"] = dict(self.config)
        out |= {
            "checks": self.checks,
            "quick": self.quick,
            "random_seed": self.random_seed,
            "random_budget_s": self.random_budget_s,
            "random_max_cases": self.random_max_cases,
        }
        if self.changes:
            out["changes"] = {k: c.to_json() for k, c in self.changes.items()}
        if self.layers:
            out["layers"] = {w: [dict(x) for x in rows] for w, rows in self.layers.items()}
        if self.layer_limit is not None:
            out["layer_limit"] = self.layer_limit
        if self.expected:
            out["expected"] = {
                w: [x if isinstance(x, int) else dict(x) for x in v]
                for w, v in self.expected.items()
            }
        if self.cases:
            out["cases"] = [c.to_json() for c in self.cases]
        if self.properties is not None:
            out["properties"] = self.properties
        return out

    @classmethod
    def from_json(cls, doc: object) -> JobSpec:
        """The job in ``doc`` (``job.json`` parsed); a ``JobSpecError`` names a wrong key."""
        d = _object(doc, "the document")
        _known(d, (f.name for f in fields(cls)), "the document")
        nonce = d.get("nonce")
        _check(nonce, str, "'nonce'", "a string")
        optional = {"python_minor": str, "numpy": str, "random_max_cases": int}
        optional |= {"layer_limit": int, "properties": str}
        for key, kind in optional.items():
            if d.get(key) is not None:
                _check(d[key], kind, repr(key), kind.__name__)
        for key in ("checks", "quick"):
            _check(d.get(key, True), bool, repr(key), "true or false")
        _check(d.get("random_seed", 0), int, "'random_seed'", "an integer")
        _check(d.get("random_budget_s", 0.0), (int, float), "'random_budget_s'", "a number")
        modules = _object(d.get("modules", {}), "'modules'")
        for name, target in modules.items():
            _check(target, str, f"modules.{name}", "a string")
        config = d.get("config")
        return cls(
            modules=cast(dict[str, str], modules),
            workloads=_strings(d.get("workloads", []), "'workloads'"),
            config=None if config is None else _object(config, "'config'"),
            checks=cast(bool, d.get("checks", True)),
            quick=cast(bool, d.get("quick", True)),
            random_seed=cast(int, d.get("random_seed", 0)),
            random_budget_s=float(cast(float, d.get("random_budget_s", 0.0))),
            random_max_cases=cast(int | None, d.get("random_max_cases")),
            changes={
                k: ChangeSpec.from_json(v, f"changes.{k}")
                for k, v in _object(d.get("changes") or {}, "'changes'").items()
            },
            layers={
                w: tuple(
                    _layer(x, f"layers.{w}[{i}]") for i, x in enumerate(_list(v, f"layers.{w}"))
                )
                for w, v in _object(d.get("layers") or {}, "'layers'").items()
            },
            layer_limit=cast(int | None, d.get("layer_limit")),
            expected={
                w: tuple(
                    _expected(x, f"expected.{w}[{i}]")
                    for i, x in enumerate(_list(v, f"expected.{w}"))
                )
                for w, v in _object(d.get("expected") or {}, "'expected'").items()
            },
            cases=tuple(
                CaseSpec.from_json(c, f"cases[{i}]")
                for i, c in enumerate(_list(d.get("cases", []), "'cases'"))
            ),
            properties=cast(str | None, d.get("properties")),
            nonce=cast(str, nonce),
            python_minor=cast(str | None, d.get("python_minor")),
            numpy=cast(str | None, d.get("numpy")),
        )


def _expected(value: object, where: str) -> ExpectedLayer:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return _object(value, where)
