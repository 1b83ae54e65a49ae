"""Prompt templates (template files, strict: a missing value is an error) and their inputs."""

from __future__ import annotations

import string
from pathlib import Path

import simcoder.simulator as sim

PROMPTS = Path(__file__).with_name("prompts")
STRATEGIES = ("zero-shot", "icl", "cot", "icl+cot")
CLASS_NAME = "Module"


def render(name: str, **values: str) -> str:
    """Fill a template; a placeholder without a value raises KeyError (strict)."""
    return string.Template((PROMPTS / f"{name}.txt").read_text()).substitute(values)


def core_file(*parts: str) -> str:
    return Path(sim.__file__).parent.joinpath(*parts).read_text()


def module_spec(module: str) -> str:
    return core_file(module, "SPEC.md")


def contract() -> str:
    return core_file("contracts.py")
