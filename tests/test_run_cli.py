"""The in-process runner (conftest.run_in_process) runs the command as a process would.

Commands added to the app for a test show what a run sees and what the runner gives back;
conftest's NTM_EVAL_TEST_SUBPROCESS=compare runs the whole suite both ways and requires the
same code, stdout and stderr.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import run_in_process


@pytest.fixture
def command():
    """``app.command()`` for a command that exists during the test only."""
    from ntm_eval.cli import app

    before = list(app.registered_commands)
    yield app.command
    app.registered_commands[:] = before


def test_an_exception_is_not_swallowed_and_the_folder_comes_back(command, tmp_path):
    @command("boom")
    def boom() -> None:
        assert Path.cwd() == tmp_path
        raise LookupError("boom")

    here = os.getcwd()
    with pytest.raises(LookupError, match="boom"):
        run_in_process("boom", cwd=tmp_path)
    assert os.getcwd() == here


def test_the_environment_folder_and_stdin_of_a_run(command, tmp_path, monkeypatch):
    @command("show")
    def show() -> None:
        names = ("NO_COLOR", "COLUMNS", "FORCE_COLOR", "NTM_EVAL_LANG", "NTM_EVAL_PROGRESS")
        for name in names:
            print(f"{name}={os.environ.get(name)}")
        print(f"cwd={Path.cwd()}")
        print(f"stdin={sys.stdin.read()!r}")

    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "")
    monkeypatch.setenv("NTM_EVAL_PROGRESS", "0")  # the caller's: not the run's
    here = os.getcwd()
    run = run_in_process("show", cwd=tmp_path, env={"NTM_EVAL_LANG": "vi"}, stdin="Đạt\n")
    assert run.stdout.splitlines() == [
        "NO_COLOR=1",
        "COLUMNS=80",
        "FORCE_COLOR=None",
        "NTM_EVAL_LANG=vi",
        "NTM_EVAL_PROGRESS=None",
        f"cwd={tmp_path}",
        "stdin='Đạt\\n'",
    ]
    assert (run.code, run.stderr) == (0, "")
    assert os.environ["NTM_EVAL_PROGRESS"] == "0" and os.environ["FORCE_COLOR"] == "1"
    assert os.getcwd() == here


def test_streams_apart_as_a_pipe_gives_them_and_the_exit_code(command):
    @command("write")
    def write() -> None:
        assert not sys.stdout.isatty() and not sys.stderr.isatty()
        print("text", end="\r\n")
        sys.stdout.flush()
        sys.stdout.buffer.write("bytes ế\r".encode())
        print("problem", file=sys.stderr)
        sys.exit(3)

    run = run_in_process("write")
    assert (run.code, run.stdout, run.stderr) == (3, "text\nbytes ế\n", "problem\n")


def test_problems_go_to_the_runs_stderr(tmp_path):
    """What the command prints to standard error, through streams it keeps from import
    time too, is the run's standard error: never the test's."""
    run = run_in_process("check", str(tmp_path / "none.csv"))
    assert run.code == 2 and run.stdout == ""
    assert "error [U030]" in run.stderr


def test_help_is_as_wide_as_in_a_process(command):
    """click's rule: the terminal's width (COLUMNS=80) less 2, not the test runner's 80."""

    @command("wide", help="a " * 200)
    def wide() -> None:
        pass

    lines = run_in_process("wide", "--help").stdout.splitlines()
    assert max(len(line) for line in lines if line.lstrip().startswith("a a")) in (77, 78)
