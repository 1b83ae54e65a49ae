"""Run code an LLM wrote, contained: the Sandbox protocol and its docker, bwrap and local backends.

Importing this package is cheap; backends load lazily through :func:`get_sandbox`.
"""

from simcoder.sandbox.types import ExecResult, ExecStatus, Job, Limits, Sandbox

__all__ = ["ExecResult", "ExecStatus", "Job", "Limits", "Sandbox"]
