"""The README tells the truth: its commands, output, flags and exit codes are checked here."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from conftest import ROOT, run_cli
from ntm_eval import docs

README = (ROOT / "README.md").read_text(encoding="utf-8")
SETUP_AND_RUN = ("python3 -m venv .venv && .venv/bin/pip install -q -e . && "
                 ".venv/bin/ntm-eval check data/2020.csv")
SETUP_AND_TEST = ("python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && "
                  ".venv/bin/python -m pytest")


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, re.S)


def test_the_two_commands_are_in_the_readme():
    commands = [b.strip() for b in blocks("sh")]
    assert commands[:2] == [SETUP_AND_RUN, SETUP_AND_TEST]


def test_ci_runs_the_readme_test_command():
    assert SETUP_AND_TEST in (ROOT / ".ci" / "run").read_text()


def test_the_main_command_works_in_a_fresh_copy(tmp_path):
    """The first README command, exactly as written, in a copy of the tracked files."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    for name in tracked.stdout.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tmp_path / name)
    proc = subprocess.run(["bash", "-c", SETUP_AND_RUN], cwd=tmp_path, capture_output=True,
                          text=True, timeout=600, env={"PATH": "/usr/local/bin:/usr/bin:/bin",
                                                       "HOME": str(tmp_path), "NO_COLOR": "1"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "93 commune(s): 61 meet the standard (19/19)" in proc.stdout


def test_sample_output_is_what_the_command_prints():
    block = next(b for b in blocks("console") if b.startswith("$ ntm-eval check"))
    command, expected = block.split("\n", 1)
    args = command.removeprefix("$ ntm-eval ").split()
    assert run_cli(*args).stdout == expected


def test_problem_line_example_is_real(tmp_path, write_csv):
    example = next(line for line in README.splitlines() if "error [D011]" in line)
    path = write_csv([{}, {}, {"poverty_rate_pct": "105"}], name="bad.csv")
    result = run_cli("check", "bad.csv", cwd=path.parent)
    assert example in result.stderr.splitlines()


def test_generated_sections_are_up_to_date():
    assert docs.fill(README, docs.sections()) == README, \
        "README is stale: run `python -m ntm_eval.docs README.md`"


def test_every_flag_in_the_usage_table_exists_and_every_flag_is_documented():
    usage = README.split("## Usage", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"(--[a-z][a-z-]+)", usage))
    help_text = run_cli("check", "--help").stdout + run_cli("--help").stdout
    offered = set(re.findall(r"(--[a-z][a-z-]+)", help_text)) - {"--help"}
    assert documented - {"--help"} == offered


def test_exit_code_table():
    table = README.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^\| (\d) \|", table, re.M) == ["0", "1", "2"]


@pytest.mark.parametrize("path", ["data/README.md", "ntm_eval/schemas/check-output.schema.json",
                                  "rules/national-2016-2020.yaml", ".ci/run"])
def test_files_the_readme_names_exist(path):
    assert path in README or path == ".ci/run"
    assert (ROOT / path).is_file()
