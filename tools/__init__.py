"""The workflow's tools as LangChain tools, so each call is a "tool" run in the trace (inputs,
outputs, timing, errors) under the node that made it, and so a tool-calling agent can be given
them as they are (``model.bind_tools(ALL)``)."""

from simcoder.tools.workflow_tools import (
    ALL,
    JudgeRequest,
    RunRequest,
    judge_candidates,
    judge_in_trace,
    run_candidates,
    run_in_trace,
)

__all__ = [
    "ALL",
    "JudgeRequest",
    "RunRequest",
    "judge_candidates",
    "judge_in_trace",
    "run_candidates",
    "run_in_trace",
]
