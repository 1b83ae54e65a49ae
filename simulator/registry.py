"""Load a module implementation by name, lazily: ``"reference"``, ``"pkg.mod:Attr"`` or
``"path/file.py:Attr"``. Errors list the choices."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast, get_args, overload

from simcoder.simulator.contracts import InterconnectModule, MappingModule, StorageModule
from simcoder.simulator.errors import UserError

# The one place the module kinds, their contracts, their methods and their reference classes are
# written down; everything else (agents, evals, sandbox runners, CLIs) imports them from here.
ModuleKind = Literal["mapping", "interconnect", "storage"]
# a loaded module of any kind: what ``load_module`` returns for a kind known only at run time
AnyModule = MappingModule | InterconnectModule | StorageModule
KINDS: tuple[str, ...] = get_args(ModuleKind)
CONTRACT: Mapping[str, type] = MappingProxyType(
    {"mapping": MappingModule, "interconnect": InterconnectModule, "storage": StorageModule}
)


def _only_method(protocol: type) -> str:
    """The one method a contract (a one-method Protocol in contracts.py) declares."""
    names = [n for n, v in vars(protocol).items() if callable(v) and not n.startswith("_")]
    if len(names) != 1:
        raise TypeError(f"{protocol.__name__} declares {names}; a contract has one method")
    return names[0]


METHOD: Mapping[str, str] = MappingProxyType({kind: _only_method(CONTRACT[kind]) for kind in KINDS})
REFERENCE: Mapping[str, str] = MappingProxyType(
    {
        "mapping": "simcoder.simulator.mapping.reference:ReferenceMapping",
        "interconnect": "simcoder.simulator.interconnect.reference:ReferenceInterconnect",
        "storage": "simcoder.simulator.storage.reference:ReferenceStorage",
    }
)
# (kind, name) -> "pkg.mod:Attr" for every implementation chosen by a bare name; a new
# built-in implementation adds its entry here
BUILTIN: dict[tuple[str, str], str] = {(kind, "reference"): REFERENCE[kind] for kind in KINDS}


class ModuleLoadError(UserError):
    """A module spec names no loadable module; the message lists the choices."""


def module_kind(name: str) -> ModuleKind:
    """``name`` as a module kind; an unknown name is a ModuleLoadError listing the kinds."""
    if name in KINDS:
        return cast(ModuleKind, name)
    raise ModuleLoadError(f"unknown module kind {name!r}; choose one of {', '.join(KINDS)}")


def builtin_names(kind: str) -> list[str]:
    return sorted(name for k, name in BUILTIN if k == kind)


# a file loaded by path becomes the module CANDIDATE_PREFIX + <hash of its path> (the fake
# sandbox drops these after each in-process job)
CANDIDATE_PREFIX = "_simcoder_candidate_"


def _load_attr(spec: str) -> Any:
    target, _, attr = spec.rpartition(":")
    if not target or not attr:
        raise ModuleLoadError(f"{spec!r} is not 'pkg.mod:Attr' or 'path/file.py:Attr'")
    if target.endswith(".py"):
        path = Path(target)
        if not path.is_file():
            raise ModuleLoadError(f"{target}: no such file")
        name = f"{CANDIDATE_PREFIX}{abs(hash(path.resolve()))}"
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


@overload
def load_module(kind: Literal["mapping"], spec: str) -> MappingModule: ...
@overload
def load_module(kind: Literal["interconnect"], spec: str) -> InterconnectModule: ...
@overload
def load_module(kind: Literal["storage"], spec: str) -> StorageModule: ...
@overload
def load_module(kind: str, spec: str) -> AnyModule: ...


def load_module(kind: str, spec: str) -> AnyModule:
    """Return a ready module instance. A class is instantiated with no arguments.

    Typed as the kind's contract: the loader has checked that it has the contract's method
    (the contract tests and ``simcoder check`` check the rest), so callers are typed by the
    contract they rely on."""
    method = METHOD[module_kind(kind)]
    if ":" not in spec:
        if (kind, spec) not in BUILTIN:
            raise ModuleLoadError(
                f"unknown {kind} module {spec!r}; choose one of {', '.join(builtin_names(kind))}, "
                "or give 'pkg.mod:Attr' or 'path/file.py:Attr'"
            )
        spec = BUILTIN[(kind, spec)]
    obj = _load_attr(spec)
    instance = obj() if isinstance(obj, type) else obj
    if not callable(getattr(instance, method, None)):
        raise ModuleLoadError(f"{spec}: a {kind} module needs a method {method}()")
    return cast(AnyModule, instance)
