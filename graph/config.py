"""Workflow configuration, validated at construction with messages that say how to fix.

``WorkflowSettings`` is every choice a user makes that can be written down (spec, strategy,
sandbox, reference, budgets); ``WorkflowConfig`` adds the run directory and the chat model
objects, which cannot. ``run_config.json`` is a ``RunRecord``: the settings with the run's
thread id, so ``resume`` goes on with the budgets the run was started with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from simcoder.agents.models import ChatModel
from simcoder.agents.prompts import STRATEGIES
from simcoder.agents.references import MODES as REFERENCE_MODES
from simcoder.agents.spec import MODULES, AcceleratorSpec
from simcoder.sandbox.types import Sandbox


class WorkflowSettings(BaseModel):
    """The serialisable part of a run's configuration (saved in ``run_config.json``)."""

    model_config = ConfigDict(extra="forbid")

    spec: AcceleratorSpec | None = None  # a spec file skips the planner's model
    description: str | None = None
    endpoint: str | None = None
    strategy: str = "zero-shot"
    sandbox: str = "auto"
    reference_file: Path | None = None  # a user's expected cycles (JSON); overrides reference
    reference: str = "auto"  # auto | golden | simcoder | scalesim (agents/references.py)
    max_rounds: int = Field(default=3, gt=0, description="rounds per module")
    max_model_calls: int = Field(default=30, gt=0)
    wall_time_s: float = Field(default=1800, gt=0, description="running time, pauses excluded")
    sandbox_timeout_s: float = Field(default=600, gt=0)
    sandbox_memory_mb: int = Field(default=4096, gt=0)
    approve: bool = False  # pause before each sandbox run until a person approves (interrupt)
    # random differential cases per module per sandbox run (issue 13): seconds, and the seed
    # of the first run (run n uses random_seed + n - 1, so each round draws new cases)
    random_budget_s: float = Field(default=3.0, ge=0)
    random_seed: int = 0
    # independent versions of each changed module (issue 14): 2 writes a second version (a
    # second model, --model-for storage=A,B, or a second sample of the same model) and
    # compares the two on every probe
    versions: int = Field(default=1, ge=1, le=2)

    def model_post_init(self, __context: Any) -> None:
        if self.spec is None and not self.description:
            raise ValueError("give a spec file or a description of the accelerator")
        if self.strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy {self.strategy!r}; choose one of {STRATEGIES}")
        if self.reference not in REFERENCE_MODES:
            raise ValueError(
                f"reference {self.reference!r}: choose {', '.join(REFERENCE_MODES[:-1])} or "
                f"{REFERENCE_MODES[-1]}, or give a file of expected cycles"
            )


class WorkflowConfig(WorkflowSettings):
    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    run_dir: Path
    model: ChatModel | None = None  # a chat model for every module (None: the library coder)
    models: dict[str, ChatModel] = Field(default_factory=dict)  # per module, over ``model``
    # per module, the model of the second version (--versions 2); default: ``model_for``'s
    alt_models: dict[str, ChatModel] = Field(default_factory=dict)
    planner_model: ChatModel | None = None
    # a Sandbox object that runs the jobs in place of the backend ``sandbox`` names (a test's
    # FakeSandbox with its handler); ``sandbox`` becomes its name, which run_config.json keeps
    sandbox_backend: Sandbox | None = None

    def model_post_init(self, __context: Any) -> None:
        super().model_post_init(__context)
        if self.sandbox_backend is not None:
            self.sandbox = self.sandbox_backend.name
        unknown = set(self.models) - set(MODULES)
        if unknown:
            raise ValueError(f"unknown modules {sorted(unknown)}; choose from {MODULES}")

    def settings(self) -> WorkflowSettings:
        """What can be saved: everything but the run directory, the chat models and a
        sandbox object (saved by its name)."""
        return WorkflowSettings(**{k: getattr(self, k) for k in WorkflowSettings.model_fields})

    def model_for(self, module: str) -> ChatModel | None:
        return self.models.get(module, self.model)

    def alt_model_for(self, module: str) -> ChatModel | None:
        return self.alt_models.get(module, self.model_for(module))

    def recursion_limit(self) -> int:
        # planner + per round: coders, executor, critic; with headroom
        return 10 + 4 * self.max_rounds * len(MODULES)


class RunRecord(WorkflowSettings):
    """``run_config.json``: the settings a run goes on with, and its checkpoint thread."""

    thread_id: str = Field(min_length=1)
    created: float
