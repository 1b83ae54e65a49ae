"""Smoke test: every kind of HTML page simcoder writes renders in headless Chromium (Debian's
chromium package; CI installs it) to a non-blank screenshot, with no network at view time, and
no markdown syntax shows as text in what Chromium rendered."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from simcoder.agents.spec import read_spec
from simcoder.api import resolve_layers
from simcoder.bench import accuracy, write_accuracy
from simcoder.cli import main
from simcoder.evals.harness import ModelChoice, run_eval
from simcoder.evals.report import write as write_eval
from simcoder.evals.tasks import select
from simcoder.graph.config import WorkflowConfig
from simcoder.graph.run import generate
from simcoder.sweep import grid, run_sweep, write_html
from tests.page_text import markdown_shown

ROOT = Path(__file__).resolve().parents[1]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            raise AssertionError("CI installs chromium (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


def _screenshot(page: Path, png: Path) -> int:
    """The PNG's size in bytes (a page that renders blank compresses to almost nothing)."""
    subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--window-size=1000,900", f"--screenshot={png}", page.resolve().as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return len(data)


def _dom(page: Path) -> str:
    """The page as Chromium parsed it: its DOM, serialised."""
    return subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
         page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip


@pytest.mark.slow
def test_sweep_accuracy_eval_explore_and_run_reports_render(tmp_path: Path) -> None:
    _chromium()
    pages = {}
    rows = run_sweep(
        resolve_layers("alphago_zero"),
        grid([(16, 16), (32, 32), (64, 64)], ["os", "ws", "is"], [(64, 64, 64)], "CALC", [10]),
        jobs=1,
    )
    pages["sweep"] = tmp_path / "sweep.html"
    write_html(rows, pages["sweep"], "alphago_zero", 1.0, False)

    run = tmp_path / "run"
    spec = read_spec(ROOT / "examples" / "paper-os.yaml").model_copy(update={"workloads": ["ncf"]})
    assert generate(WorkflowConfig(run_dir=run, spec=spec, sandbox="bwrap"))["status"] == "accepted"
    pages["report"] = run / "report.html"
    write_accuracy(accuracy(run, ["ncf"], "bwrap"), run / "bench")
    pages["accuracy"] = run / "bench" / "accuracy.html"
    tasks = select("mapping-os-conv,storage-os-drain2")
    models = [ModelChoice("oracle", "oracle"), ModelChoice("library", "library")]
    evaluated = run_eval(tmp_path / "eval", tasks, models, ["zero-shot"], 1, [1], "bwrap", 2)
    pages["eval"] = write_eval(evaluated, tmp_path / "eval")[2]
    explore = ["explore", "-t", "alphago_zero", "--objectives", "cycles,energy,area",
               "--trials", "8", "--seed", "0", "-o", str(tmp_path / "explore")]  # fmt: skip
    assert main(explore) == 0
    pages["explore"] = tmp_path / "explore" / "explore.html"

    shown = {kind: lines for kind, page in pages.items() if (lines := markdown_shown(_dom(page)))}
    assert shown == {}, f"markdown shows as text (page: lines): {shown}"

    for kind, page in pages.items():
        size = _screenshot(page, tmp_path / f"{kind}.png")
        assert size > 15_000, f"{kind}: a {size}-byte screenshot is blank or nearly so"
