"""The workflow's tools as LangChain tools, so each call is a "tool" run in the trace (inputs,
outputs, timing, errors) under the node that made it, and so a tool-calling agent can be given
them as they are (``model.bind_tools(ALL)``)."""

from simcoder.tools.workflow_tools import ALL, judge_candidates, run_candidates

__all__ = ["ALL", "judge_candidates", "run_candidates"]
