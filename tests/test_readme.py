"""The README's examples run as written: `console` blocks must print exactly what they show;
every `ntm-eval` line of an `sh` block must succeed. Every command's --help has examples."""

from __future__ import annotations

import re
import shlex

import pytest
from conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(console|sh)\n(.*?)^```", README, re.M | re.S)
CONSOLE = [body for kind, body in BLOCKS if kind == "console"]
COMMANDS = [line for kind, body in BLOCKS if kind == "sh"
            for line in body.splitlines() if line.startswith("ntm-eval ")]


@pytest.fixture
def workdir(tmp_path):
    """A folder where README commands see data/ as in the repository and write their files."""
    (tmp_path / "data").symlink_to(ROOT / "data")
    return tmp_path


def test_readme_has_examples():
    assert len(CONSOLE) >= 3 and len(COMMANDS) >= 8


@pytest.mark.parametrize("block", CONSOLE, ids=[b.splitlines()[0][2:60] for b in CONSOLE])
def test_console_example(block, workdir):
    first, *expected = block.splitlines()
    assert first.startswith("$ ntm-eval ")
    r = run_cli(*shlex.split(first[len("$ ntm-eval "):]), cwd=workdir)
    assert r.code == 0, r.stderr
    assert r.stdout.splitlines() == expected


@pytest.mark.parametrize("command", COMMANDS)
def test_sh_example(command, workdir):
    args = shlex.split(command)[1:]
    if "self.json" in args and "compare" in args:  # uses the file the line before writes
        run_cli("check", "data/2020-self-assessment.csv", "-f", "json", "-o", "self.json",
                cwd=workdir)
    r = run_cli(*args, cwd=workdir)
    assert r.code == 0, r.stderr
    if "--output" in args:
        target = workdir / args[args.index("--output") + 1]
        assert target.stat().st_size > 0 and r.stdout == ""
    else:
        assert r.stdout


@pytest.mark.parametrize("command", ["check", "gaps", "compare", "report"])
def test_every_command_has_help_with_examples(command):
    r = run_cli(command, "--help")
    assert r.code == 0
    assert "Examples:" in r.stdout and f"ntm-eval {command} " in r.stdout
    assert f"ntm-eval {command}" in README


def test_generated_readme_tables_are_current():
    from ntm_eval.docs import fill, sections

    assert fill(README, sections()) == README, "run: python -m ntm_eval.docs README.md"
