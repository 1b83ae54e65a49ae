"""``simcoder eval`` end to end: coders write, the sandbox (bwrap) runs, the host classifies.
An OpenAI-protocol server on loopback plays a model whose replies cover every failure kind."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import simcoder.simulator as sim
from simcoder.agents.coders import LLMCoder
from simcoder.agents.retrieval import library_documents
from simcoder.cli import main
from simcoder.evals.harness import ModelChoice, OracleCoder, prepare_eval_job, run_eval
from simcoder.evals.tasks import BY_ID
from simcoder.sandbox.types import Limits
from tests.loopback import completion, openai_server

MAPPING_SOURCE = (Path(sim.__file__).parent / "mapping" / "reference.py").read_text()
RIGHT = MAPPING_SOURCE + "\n\nModule = ReferenceMapping\n"
WRONG = RIGHT.replace("efficiency = sum(per_fold) / len(per_fold)", "efficiency = 0.5")
assert WRONG != RIGHT
# the exact-ofmap variant worked out and written out in full (no import of its reference)
EXACT = (
    RIGHT
    + """

import dataclasses as _dc


class Module(ReferenceMapping):
    def map(self, layer, array):
        e = (layer.ifmap_h - layer.filter_h) // layer.stride + 1
        f = (layer.ifmap_w - layer.filter_w) // layer.stride + 1
        trimmed = _dc.replace(
            layer,
            ifmap_h=(e - 1) * layer.stride + layer.filter_h,
            ifmap_w=(f - 1) * layer.stride + layer.filter_w,
        )
        return super().map(trimmed, array)
"""
)


def block(code: str) -> str:
    return f"Here it is.\n```python\n{code}\n```\n"


# one reply per model call, in order (jobs=1): a sample that is re-asked takes three
SCRIPT = [
    *["I would rather not write code."] * 3,  # no code
    *[block("class Module(:\n    pass")] * 3,  # syntax
    *[block("class Module:\n    def mapp(self, layer, array):\n        return None")] * 3,
    block("class Module:\n    def map(self, layer, array):\n        raise RuntimeError('boom')"),
    block("class Module:\n    def map(self, layer, array):\n        while True:\n            pass"),
    block(WRONG),
    block(RIGHT),
]
CATEGORIES = ["no_code", "syntax", "signature", "crash", "timeout", "wrong_numbers", "pass"]


@pytest.fixture
def model_server() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    replies = list(SCRIPT)
    requests: list[dict[str, Any]] = []

    def reply(body: dict[str, Any]) -> tuple[int, bytes, dict[str, str]]:
        requests.append(body)
        return 200, completion(replies.pop(0) if replies else "out of script"), {}

    with openai_server(reply) as url:
        yield url, requests


class Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1


@pytest.mark.slow
def test_every_failure_kind_tokens_passk_and_resume(
    model_server: tuple[str, list[dict[str, Any]]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, requests = model_server
    out = tmp_path / "eval"
    argv = [
        "eval", "--tasks", "mapping-os-conv", "--models", "vllm:loopback", "--base-url", url,
        "-n", "7", "-k", "1,5", "--jobs", "1", "--sandbox", "bwrap", "--timeout", "8",
        "-o", str(out),
    ]  # fmt: skip
    from langchain_core.caches import InMemoryCache
    from langchain_core.globals import set_llm_cache

    set_llm_cache(InMemoryCache())  # a global cache must not turn n samples into one
    try:
        assert main(argv) == 0
    finally:
        set_llm_cache(None)
    result = json.loads((out / "eval.json").read_text())
    (row,) = result["rows"]
    got = [
        json.loads(
            (
                out
                / "samples"
                / "vllm_loopback"
                / "zero-shot"
                / "mapping-os-conv"
                / f"{i:03d}"
                / "outcome.json"
            ).read_text()
        )
        for i in range(1, 8)
    ]
    assert [s["category"] for s in got] == CATEGORIES
    assert "ModuleNotFoundError" not in got[3]["detail"] and "boom" in got[3]["detail"]
    assert "mapping_efficiency_pct" in got[5]["detail"]
    assert row["taxonomy"]["mapping"] == {c: 1 for c in ["pass", *CATEGORIES[:-1]]}
    assert row["pass_at_k"]["1"]["value"] == pytest.approx(1 / 7)
    assert row["pass_at_k"]["5"]["value"] == pytest.approx(1 - 6 / 21)  # 1 - C(6,5)/C(7,5)
    assert len(requests) == 13 and row["model_calls"] == 13
    assert row["tokens_in"] == 13 * 10 and row["tokens_out"] == 13 * 5  # the server's usage
    assert requests[0]["temperature"] == 0.8
    md = (out / "eval.md").read_text()
    assert "pass@5" in md and "14.3% [14.3, 14.3]" in md
    parsed = Structure()
    parsed.feed((out / "eval.html").read_text())
    assert parsed.tags["svg"] == 2 and parsed.tags["table"] == 4 and "script" not in parsed.tags
    assert parsed.tags["path"] == 2  # a confidence whisker per bar

    # resumable: nothing is asked again; a lost sample is redone alone
    assert main(argv) == 0
    assert len(requests) == 13
    (
        out / "samples" / "vllm_loopback" / "zero-shot" / "mapping-os-conv" / "007" / "outcome.json"
    ).unlink()
    requests.clear()
    assert main(argv) == 0  # the script is used up: the model now answers without code
    capsys.readouterr()
    again = json.loads((out / "eval.json").read_text())["rows"][0]
    assert len(requests) == 3 and again["taxonomy"]["mapping"]["no_code"] == 2
    assert again["passed"] == 0


@pytest.mark.slow
def test_the_answer_cannot_be_imported_and_scalesim_fails_a_variant(tmp_path: Path) -> None:
    cheat = tmp_path / "cheat.py"
    cheat.write_text(
        "from simcoder.simulator.mapping.reference import ReferenceMapping as Module\n"
    )
    fast = tmp_path / "fast.py"
    fast.write_text("from simcoder.simulator.fast.engine import simulate_network as Module\n")
    honest = tmp_path / "honest.py"
    honest.write_text(RIGHT)

    class Fixed:
        name = "fixed"

        def __init__(self, path: Path) -> None:
            self.path = path

        def write(self, module: str, number: int, directory: Path, task: str, feedback: str) -> Any:
            return (
                OracleCoder(BY_ID["mapping-os-conv"])
                .write(module, number, directory, task, feedback)
                .__class__(module, number, self.path, "written", 0)
            )

    import simcoder.evals.harness as harness

    picks = {"cheat": cheat, "fast": fast, "honest": honest}
    original = harness.coder_for
    harness.coder_for = lambda choice, strategy, task: Fixed(picks[choice.label])  # type: ignore[assignment,misc]
    try:
        models = [ModelChoice(label, "library") for label in picks]
        result = run_eval(
            tmp_path / "out",
            [BY_ID["mapping-os-conv"], BY_ID["mapping-os-exact-ofmap"]],
            models,
            ["zero-shot"],
            1,
            [1],
            "bwrap",
            2,
        )
    finally:
        harness.coder_for = original
    by = {r["model"]: r for r in result["rows"]}
    assert by["cheat"]["taxonomy"]["mapping"]["crash"] == 2  # no reference in its sandbox
    assert by["fast"]["taxonomy"]["mapping"]["crash"] == 2  # nor the fast path
    # SCALE-Sim's mapping written out in full passes the SCALE-Sim task, fails the variant
    assert by["honest"]["per_task"] == {
        "mapping-os-conv": {"n": 1, "c": 1},
        "mapping-os-exact-ofmap": {"n": 1, "c": 0},
    }
    detail = json.loads(
        (
            tmp_path
            / "out"
            / "samples"
            / "honest"
            / "-"
            / "mapping-os-exact-ofmap"
            / "001"
            / "outcome.json"
        ).read_text()
    )
    assert detail["category"] == "wrong_numbers"


def test_the_package_and_the_examples_leave_the_answer_out(tmp_path: Path) -> None:
    task = BY_ID["storage-ws-user"]
    stub = tmp_path / "m.py"
    stub.write_text("Module = None\n")
    prepare_eval_job(tmp_path / "job", task, stub, Limits(), full=False)
    sim_dir = tmp_path / "job" / "pkg" / "simcoder" / "simulator"
    assert (sim_dir / "mapping" / "reference.py").is_file()
    assert not (sim_dir / "storage").exists() and not (sim_dir / "fast").exists()
    assert not (sim_dir / "components").exists()
    prepare_eval_job(tmp_path / "oracle", task, stub, Limits(), full=True)
    assert (
        tmp_path / "oracle" / "pkg" / "simcoder" / "simulator" / "storage" / "reference.py"
    ).is_file()
    paths = {d.metadata["path"] for d in library_documents("storage")}
    assert paths and not any(p.startswith(("storage/", "fast/")) for p in paths)
    assert any(p.startswith("interconnect/") for p in paths)


def test_an_eval_job_runs_on_its_trimmed_package(tmp_path: Path) -> None:
    # quick: the job's package holds only what eval_spec's runner may import; a runner that
    # imports anything else (it once imported workloads for every job) crashes every sample
    import os

    from simcoder.evals.harness import classify
    from simcoder.sandbox import bwrap
    from simcoder.sandbox.registry import get_sandbox

    if problem := bwrap.available():
        if os.environ.get("CI"):
            pytest.fail(f"bwrap must run in CI: {problem}")
        pytest.skip(problem)

    task = BY_ID["mapping-os-conv"]
    answer = tmp_path / "m.py"
    answer.write_text(RIGHT)
    job = prepare_eval_job(tmp_path / "job", task, answer, Limits(), full=False)
    result = get_sandbox("bwrap").run(job)  # Debian's python: no editable install to fall back on
    assert classify(result, task)[0] == "pass", result.stderr[-2000:]


def test_icl_prompt_shows_no_target_code() -> None:
    prompt = LLMCoder(model=None, strategy="icl").prompt(
        "mapping", BY_ID["mapping-ws-gemm"].description, ""
    )
    text = prompt[1][1]
    assert "class ReferenceMapping" not in text and "### fast/" not in text and "```python" in text


def test_bad_arguments_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for argv, message in (
        (["--tasks", "nope"], "matches no task"),
        (["--models", "gpt4"], "PROVIDER:MODEL"),
        (["--strategies", "magic"], "choose from"),
        (["-k", "0"], "positive integers"),
        (["-n", "2", "-k", "1,5"], "-n of at least 5"),
    ):
        assert main(["eval", "-o", str(tmp_path), *argv]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err


@pytest.mark.slow
def test_a_dead_endpoint_leaves_samples_undecided(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """PROVIDER:MODEL@URL names a model's own endpoint; nothing answers there: the sample is not
    stored (a rerun retries it), the run says so and exits 1."""
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    argv = ["eval", "--tasks", "mapping-os-conv,mapping-ws-conv", "--models", f"vllm:x@{url}"]
    assert main([*argv, "-o", str(tmp_path), "--jobs", "1", "--sandbox", "bwrap"]) == 1
    captured = capsys.readouterr()
    assert "2 sample(s) undecided" in captured.out and "Connection" in captured.out
    # the error names the sample and the endpoint; the progress line says it will be retried
    assert f"vllm:x@{url} zero-shot mapping-os-conv #1: the endpoint {url} failed" in captured.out
    assert "[1/2] undecided, retried on the next run" in captured.err
    result = json.loads((tmp_path / "eval.json").read_text())
    assert result["undecided"] == 2 and result["rows"] == []
    # after the first refusal the model's other samples are skipped, not each retried
    assert "skipped" in result["errors"][1] and "mapping-ws-conv" in result["errors"][1]
    assert not list(tmp_path.rglob("outcome.json"))


def test_a_hosted_provider_without_a_key_is_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("OPENAI_API_KEY", "DEEPSEEK_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    argv = ["eval", "--tasks", "mapping-os-conv", "-o", str(tmp_path)]
    assert main([*argv, "--models", "deepseek:deepseek-chat"]) == 2
    err = capsys.readouterr().err
    assert "DEEPSEEK_API_KEY" in err and "api.deepseek.com" in err and "Traceback" not in err
    assert not (tmp_path / "eval.json").exists()


@pytest.mark.slow
def test_the_words_tier_end_to_end(tmp_path: Path) -> None:
    """A scripted chat model on a variant's two tiers: told the rule it writes the variant
    twice; told only the user's sentence it first writes SCALE-Sim's mapping (wrong), then the
    variant. Graded alike; the report splits Pass@1 by tier; the words prompt has no rule."""
    from simcoder.agents.scripted import scripted
    from simcoder.evals import report

    replies = [EXACT, EXACT, RIGHT, EXACT]  # jobs=1: rule #1, #2, then words #1, #2
    fake = scripted(*(block(r) for r in replies))
    rule, words = BY_ID["mapping-os-exact-ofmap"], BY_ID["mapping-os-exact-ofmap-words"]
    out = tmp_path / "eval"
    result = run_eval(
        out, [rule, words], [ModelChoice("scripted", "llm", fake)], ["zero-shot"], 2, [1],
        "bwrap", 1,
    )  # fmt: skip
    (row,) = result["rows"]
    assert row["per_task"] == {rule.id: {"n": 2, "c": 2}, words.id: {"n": 2, "c": 1}}
    assert row["pass_at_k"]["1"]["by_tier"] == {"scalesim": None, "rule": 1.0, "words": 0.5}
    assert result["tiers"] == {rule.id: "rule", words.id: "words"}
    sample = out / "samples" / "scripted" / "zero-shot" / words.id
    wrong = json.loads((sample / "001" / "outcome.json").read_text())
    assert wrong["category"] == "wrong_numbers" and "mapping_efficiency_pct" in wrong["detail"]
    told = "\n".join(
        m
        for _, m in json.loads((sample / "002" / "attempt" / "attempt.json").read_text())["prompt"]
    )
    assert words.words and words.words in told
    assert "no window runs off the ifmap" not in told and "E = floor" not in told
    md = report.markdown(result)
    assert "Tasks: 2 (1 with rule, 1 from words)" in md
    assert "| scripted | zero-shot | - | 100.0% | 50.0% |" in md
    html = report.page(result)
    assert "<td>from words</td>" in html and "<td>with rule</td>" in html
