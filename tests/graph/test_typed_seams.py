"""The workflow's seams are typed: each tool's arguments are one model, chat models conform to
the ChatModel protocol, and the module loader returns the kind's contract."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.tools import StructuredTool
from pydantic import BaseModel, ValidationError

from simcoder.agents.models import ChatModel
from simcoder.agents.spec import paper_spec
from simcoder.graph.config import WorkflowConfig
from simcoder.simulator.contracts import MappingModule
from simcoder.simulator.registry import load_module
from simcoder.tools import JudgeRequest, RunRequest, judge_candidates, run_candidates


@pytest.mark.parametrize(
    ("tool", "request_model"),
    [(run_candidates, RunRequest), (judge_candidates, JudgeRequest)],
)
def test_each_tools_arguments_are_its_request_model(
    tool: StructuredTool, request_model: type[BaseModel]
) -> None:
    assert tool.args_schema is request_model
    assert tool.func is not None
    params = inspect.signature(tool.func).parameters
    assert list(params) == list(request_model.model_fields)


def test_a_langchain_chat_model_is_a_chat_model_and_anything_else_is_refused(
    tmp_path: Path,
) -> None:
    fake = GenericFakeChatModel(messages=iter([AIMessage(content="hi")]))
    assert isinstance(fake, ChatModel)
    config = WorkflowConfig(run_dir=tmp_path, spec=paper_spec(), model=fake)
    assert config.model_for("mapping") is fake
    with pytest.raises(ValidationError):
        WorkflowConfig(run_dir=tmp_path, spec=paper_spec(), model=object())


def test_the_loader_returns_the_kinds_contract() -> None:
    module: MappingModule = load_module("mapping", "reference")
    assert callable(module.map)
