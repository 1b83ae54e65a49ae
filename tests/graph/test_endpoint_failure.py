"""A model endpoint that fails mid-run: `generate` stops with one clear line (no traceback) that
names the endpoint and the resume command; nothing done is lost; `resume` asks the same model
(or one at another `--base-url`) and finishes. Real HTTP on loopback, real sandbox."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from simcoder.cli import main
from tests.loopback import completion, openai_server

CLASSES = {
    "mapping": ("ReferenceMapping", "map", "layer, array"),
    "interconnect": ("ReferenceInterconnect", "schedule", "mapping"),
    "storage": ("ReferenceStorage", "simulate", "schedule, memory"),
}


def right_module(body: dict[str, Any]) -> tuple[int, bytes, dict[str, str]]:
    """The reference, subclassed, for whichever module the prompt asks for."""
    prompt = " ".join(str(m.get("content", "")) for m in body["messages"])
    for module, (cls, method, params) in CLASSES.items():
        if f"({module}/SPEC.md)" in prompt:
            code = (
                f"from simcoder.simulator.{module}.reference import {cls}\n\n\n"
                f"class Module({cls}):\n    def {method}(self, {params}):\n"
                f"        return super().{method}({params})\n"
            )
            return 200, completion(f"```python\n{code}```"), {}
    return 200, completion("I do not know which module you mean."), {}


@pytest.mark.slow
def test_a_dead_endpoint_stops_cleanly_and_resume_finishes_with_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/v1"
    run = tmp_path / "run"
    spec = Path(__file__).resolve().parents[2] / "examples" / "paper-os.yaml"
    argv = ["generate", "--spec", str(spec), "--workload", "alphago_zero"]
    argv += ["--model", "vllm:coder", "--base-url", dead, "--sandbox", "bwrap", "-o", str(run)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "the model endpoint" in err and f"simcoder resume {run}" in err
    assert "Traceback" not in err
    saved = json.loads((run / "models.json").read_text())
    assert saved == {"model": "vllm:coder", "model_for": [], "base_url": dead}
    assert (run / "plan.json").exists()  # the planner's work is kept

    with openai_server(right_module) as url:
        assert main(["resume", str(run), "--base-url", url, "--sandbox", "bwrap"]) == 0
    out = capsys.readouterr().out
    assert "Total cycle error: 0.00%" in (run / "report.md").read_text()
    for module in CLASSES:  # written by the model, not silently by the library coder
        attempt = json.loads((run / "attempts" / module / "01" / "attempt.json").read_text())
        assert attempt["coder"] == "llm" and attempt["status"] == "written", module
    assert json.loads((run / "models.json").read_text())["base_url"] == url
    assert "accepted" in out
