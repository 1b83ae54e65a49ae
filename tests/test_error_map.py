"""One error map for the whole command line: a user's mistake is one line and exit 2, a bug is a
traceback (the map must not swallow it)."""

from __future__ import annotations

from pathlib import Path

import pytest

import simcoder.cli.simulate as simulate_cli
from simcoder.cli import main
from simcoder.simulator.errors import SimcoderError


def test_a_users_mistake_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "-c", "paper", "-t", "no_such_network"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("simcoder: error: no_such_network: no such topology file")
    assert "'" not in err[0].split(":")[2]  # not KeyError's quoting of the message


def test_a_bug_keeps_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(args: object) -> int:
        raise ValueError("a bug in simcoder, not the user's mistake")

    monkeypatch.setattr(simulate_cli, "cmd_simulate", broken)
    with pytest.raises(ValueError, match="a bug in simcoder"):
        main(["simulate", "-c", "paper", "-t", "alexnet"])


def test_every_user_facing_error_is_a_simcoder_error() -> None:
    from simcoder.agents.scalesim_live import ScaleSimUnavailable
    from simcoder.agents.spec import SpecError
    from simcoder.cli.workflow import EndpointFailed
    from simcoder.graph.nodes import PlannerError
    from simcoder.sandbox.types import SandboxUnavailable
    from simcoder.simulator.compat import InputError
    from simcoder.simulator.errors import ScaleSimFailure, UserError
    from simcoder.simulator.registry import ModuleLoadError
    from simcoder.simulator.types import ValidationError
    from simcoder.workloads.builtin import UnknownWorkload

    for cls in (
        ScaleSimUnavailable,
        SpecError,
        EndpointFailed,
        PlannerError,
        SandboxUnavailable,
        InputError,
        ScaleSimFailure,
        UserError,
        ModuleLoadError,
        ValidationError,
        UnknownWorkload,
    ):
        assert issubclass(cls, SimcoderError), cls


def test_a_multi_line_message_prints_its_first_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuses(args: object) -> int:
        raise SimcoderError("first line names the field\nsecond line is detail")

    monkeypatch.setattr(simulate_cli, "cmd_simulate", refuses)
    assert main(["simulate", "-c", "paper", "-t", "alexnet"]) == 2
    assert capsys.readouterr().err == "simcoder: error: first line names the field\n"


def test_workflow_config_mistakes_name_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = Path(__file__).resolve().parents[1]
    argv = ["generate", "--spec", str(root / "examples" / "paper-os.yaml"), "--max-rounds", "0"]
    assert main([*argv, "-o", str(tmp_path / "run")]) == 2
    assert capsys.readouterr().err.startswith("simcoder: error: max_rounds: ")
