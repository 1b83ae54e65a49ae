"""Load a module implementation by name, lazily: ``"reference"``, ``"pkg.mod:Attr"`` or
``"path/file.py:Attr"``. Errors list the choices."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Any

from simcoder.simulator.errors import UserError

KINDS = ("mapping", "interconnect", "storage")
BUILTIN = {
    ("mapping", "reference"): "simcoder.simulator.mapping.reference:ReferenceMapping",
    (
        "interconnect",
        "reference",
    ): "simcoder.simulator.interconnect.reference:ReferenceInterconnect",
    ("storage", "reference"): "simcoder.simulator.storage.reference:ReferenceStorage",
}


class ModuleLoadError(UserError):
    """A module spec names no loadable module; the message lists the choices."""


def builtin_names(kind: str) -> list[str]:
    return sorted(name for k, name in BUILTIN if k == kind)


def _load_attr(spec: str) -> Any:
    target, _, attr = spec.rpartition(":")
    if not target or not attr:
        raise ModuleLoadError(f"{spec!r} is not 'pkg.mod:Attr' or 'path/file.py:Attr'")
    if target.endswith(".py"):
        path = Path(target)
        if not path.is_file():
            raise ModuleLoadError(f"{target}: no such file")
        name = f"_simcoder_candidate_{abs(hash(path.resolve()))}"
        file_spec = importlib.util.spec_from_file_location(name, path)
        if file_spec is None or file_spec.loader is None:
            raise ModuleLoadError(f"{target}: cannot be imported as a Python file")
        module = importlib.util.module_from_spec(file_spec)
        sys.modules[name] = module
        file_spec.loader.exec_module(module)
    else:
        module = importlib.import_module(target)
    try:
        return getattr(module, attr)
    except AttributeError:
        raise ModuleLoadError(f"{target} has no attribute {attr!r}") from None


def load_module(kind: str, spec: str) -> Any:
    """Return a ready module instance. A class is instantiated with no arguments."""
    if kind not in KINDS:
        raise ModuleLoadError(f"unknown module kind {kind!r}; choose one of {', '.join(KINDS)}")
    if ":" not in spec:
        if (kind, spec) not in BUILTIN:
            raise ModuleLoadError(
                f"unknown {kind} module {spec!r}; choose one of {', '.join(builtin_names(kind))}, "
                "or give 'pkg.mod:Attr' or 'path/file.py:Attr'"
            )
        spec = BUILTIN[(kind, spec)]
    obj = _load_attr(spec)
    instance = obj() if isinstance(obj, type) else obj
    method = {"mapping": "map", "interconnect": "schedule", "storage": "simulate"}[kind]
    if not callable(getattr(instance, method, None)):
        raise ModuleLoadError(f"{spec}: a {kind} module needs a method {method}()")
    return instance
