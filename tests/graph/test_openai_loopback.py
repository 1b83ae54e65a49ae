"""ChatOpenAI against a real HTTP server on loopback that speaks the OpenAI chat protocol:
a 429 then success, a 500, and a timeout. Nothing leaves the machine."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simcoder.agents.coders import LLMCoder
from simcoder.agents.models import make_model
from tests.loopback import completion, openai_server

RIGHT = (
    "```python\nfrom simcoder.simulator.storage.reference import ReferenceStorage\n\n\n"
    "class Module(ReferenceStorage):\n    def simulate(self, schedule, memory):\n"
    "        return super().simulate(schedule, memory)\n```"
)


class Script:
    def __init__(self, *steps: str) -> None:
        self.steps = list(steps)
        self.requests: list[dict[str, Any]] = []


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script()

    def reply(body: dict[str, Any]) -> tuple[int, bytes, dict[str, str]]:
        script.requests.append(body)
        step = script.steps.pop(0) if script.steps else "ok"
        if step == "sleep":
            time.sleep(3)
        code = {"429": 429, "500": 500}.get(step, 200)
        if code == 200:
            return code, completion(RIGHT), {}
        error = json.dumps({"error": {"message": f"status {code}", "type": "test"}}).encode()
        return code, error, {"Retry-After": "0"} if code == 429 else {}

    with openai_server(reply) as url:
        yield url, script


def test_429_then_success(server: tuple[str, Script], tmp_path: Path) -> None:
    url, script = server
    script.steps = ["429", "ok"]
    coder = LLMCoder(make_model("vllm:loopback", url), endpoint=url)
    attempt = coder.write("storage", 1, tmp_path, "Write the storage module.", "")
    assert attempt.status == "written" and attempt.path is not None
    assert len(script.requests) == 2  # retried after the 429
    assert script.requests[0]["model"] == "loopback"
    record = json.loads((tmp_path / "attempt.json").read_text())
    assert record["endpoint"] == url and record["model"] == "loopback"


def test_500_after_retries_is_an_error(server: tuple[str, Script], tmp_path: Path) -> None:
    import openai

    url, script = server
    script.steps = ["500"] * 10
    model = make_model("vllm:loopback", url, max_retries=1)
    with pytest.raises(openai.InternalServerError):
        LLMCoder(model).write("storage", 1, tmp_path, "Write it.", "")
    assert len(script.requests) == 2


def test_timeout_is_an_error(server: tuple[str, Script], tmp_path: Path) -> None:
    import openai

    url, script = server
    script.steps = ["sleep"] * 5
    model = make_model("vllm:loopback", url, max_retries=0, timeout_s=0.5)
    start = time.perf_counter()
    with pytest.raises(openai.APITimeoutError):
        LLMCoder(model).write("storage", 1, tmp_path, "Write it.", "")
    assert time.perf_counter() - start < 3


def test_a_hosted_provider_needs_a_key_unless_the_endpoint_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for var in ("OPENAI_API_KEY", "DEEPSEEK_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(ValueError, match="set OPENAI_API_KEY"):
        make_model("openai:gpt-4o", None)
    # an OpenAI-compatible server of one's own, or a local provider, needs none
    assert make_model("openai:gpt-4o", "http://127.0.0.1:9/v1") is not None
    assert make_model("ollama:qwen2.5-coder", None) is not None
    monkeypatch.setenv("DEEPSEEK_API_KEY", "sk-test")
    assert make_model("deepseek:deepseek-chat", None) is not None
