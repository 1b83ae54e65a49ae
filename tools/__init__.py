"""The workflow's tools as LangChain tools, so each call is a "tool" run in the trace (inputs,
outputs, timing, errors) under the node that made it. The graph's executor and critic nodes call
them directly (the workflow decides what runs; no model chooses a tool), so no list of them is
bound to a model."""

from simcoder.tools.workflow_tools import (
    JudgeRequest,
    RunRequest,
    judge_candidates,
    judge_in_trace,
    run_candidates,
    run_in_trace,
)

__all__ = [
    "JudgeRequest",
    "RunRequest",
    "judge_candidates",
    "judge_in_trace",
    "run_candidates",
    "run_in_trace",
]
