"""Traces: every node, model call and tool call as a LangSmith run record (its Run schema,
with trace_id, dotted_order and parent_run_id), appended to trace.jsonl as runs finish. Also
sent to LangSmith when LANGSMITH_API_KEY is set (LangChain's own tracer does that)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from langchain_core.tracers.base import BaseTracer
from langchain_core.tracers.schemas import Run


class JsonlTracer(BaseTracer):
    name = "simcoder_jsonl_tracer"

    def __init__(self, path: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = path
        self._lock = threading.Lock()

    def _persist_run(self, run: Run) -> None:  # every run is written in _on_run_update
        pass

    def _on_run_update(self, run: Run) -> None:
        record = run.model_dump(mode="json", exclude={"child_runs"})
        usage = _token_usage(record)
        if usage:
            record.setdefault("extra", {}).setdefault("metadata", {})["token_usage"] = usage
        with self._lock, self.path.open("a") as f:
            f.write(json.dumps(record, default=str) + "\n")


def _token_usage(record: dict[str, Any]) -> dict[str, Any] | None:
    outputs = record.get("outputs") or {}
    llm_output = outputs.get("llm_output") or {}
    usage = llm_output.get("token_usage")
    if usage:
        return dict(usage)
    for gen in (outputs.get("generations") or [[]])[0]:
        msg = (gen or {}).get("message", {}).get("kwargs", {})
        if msg.get("usage_metadata"):
            return dict(msg["usage_metadata"])
    return None


def read_trace(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def render_tree(runs: list[dict[str, Any]]) -> str:
    """The run tree with timings, tokens and errors (``simcoder trace``)."""
    from datetime import datetime

    def seconds(r: dict[str, Any]) -> float:
        if not r.get("end_time"):
            return 0.0
        return (
            datetime.fromisoformat(r["end_time"]) - datetime.fromisoformat(r["start_time"])
        ).total_seconds()

    children: dict[str | None, list[dict[str, Any]]] = {}
    for r in sorted(runs, key=lambda r: r.get("dotted_order", "")):
        children.setdefault(r.get("parent_run_id"), []).append(r)
    lines: list[str] = []

    def walk(parent: str | None, depth: int) -> None:
        for r in children.get(parent, []):
            tokens = ((r.get("extra") or {}).get("metadata") or {}).get("token_usage")
            extra = f"  tokens={tokens.get('total_tokens', tokens)}" if tokens else ""
            err = f"  ERROR: {str(r['error']).splitlines()[0][:100]}" if r.get("error") else ""
            lines.append(
                f"{'  ' * depth}{r['name']} [{r['run_type']}] {seconds(r):.2f}s{extra}{err}"
            )
            walk(r["id"], depth + 1)

    walk(None, 0)
    return "\n".join(lines)
