"""Exit codes tell causes apart, for every command: 0 done, 1 findings, 2 usage, 3 input.
The choice is ``exits.exit_code``; these tests go through the commands."""

from __future__ import annotations

import pytest
from conftest import DATA, NATIONAL, commune_csv, run_cli

from ntm_eval.diagnostics import Problem
from ntm_eval.exits import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, EXIT_USAGE, exit_code

SAMPLE = str(DATA / "2020.csv")
BAD_RULES = "schema_version: 1\nid: x\nextra: 1\n"


def test_the_choice_by_problem_codes():
    data = Problem("D010", "not a number", "d.csv", 2, 3)
    usage = Problem("U030", "no such file", "d.csv")
    warning = Problem("W101", "unknown column", "d.csv", 1, 4, severity="warning")
    assert exit_code() == EXIT_OK
    assert exit_code([warning]) == EXIT_OK
    assert exit_code([warning], findings=True) == EXIT_FINDINGS
    assert exit_code([data], findings=True) == EXIT_INPUT  # bad data wins over findings
    assert exit_code([data, usage]) == EXIT_USAGE  # usage wins over bad data
    assert exit_code(usage=True) == EXIT_USAGE
    assert exit_code([data], input_errors_are_findings=True) == EXIT_FINDINGS


def _bad_data(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(commune_csv([{}, {"poverty_rate_pct": "abc"}]), encoding="utf-8")
    return str(path)


def _bad_rules(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_RULES, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "command",
    [
        lambda t: ["check", str(t / "nope.csv")],
        lambda t: ["check", SAMPLE, "--rules", str(t / "nope.yaml")],
        lambda t: ["check", SAMPLE, "--units", str(t / "nope.csv")],
        lambda t: ["check", SAMPLE, "--format", "nope"],
        lambda t: ["check", SAMPLE, "--no-such-option"],
        lambda t: ["check", SAMPLE, "--sector", "nope"],
        lambda t: ["gaps", str(t / "nope.csv")],
        lambda t: ["compare", SAMPLE, str(t / "nope.csv")],
        lambda t: ["report", str(t / "nope.csv")],
        lambda t: ["validate", str(t / "nope.yaml")],
        lambda t: ["validate", str(t)],  # a folder without rule files
        lambda t: ["rules", "list", str(t / "nope.yaml")],
        lambda t: ["rules", "show", "no-such-set"],
        lambda t: ["template", "--region", "nowhere"],
    ],
    ids=lambda f: " ".join(f(__import__("pathlib").Path("T"))),
)
def test_usage_errors_exit_2(tmp_path, command):
    result = run_cli(*command(tmp_path))
    assert result.code == EXIT_USAGE, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        lambda d, r: ["check", d],
        lambda d, r: ["check", d, "--fail-on", "not-met"],
        lambda d, r: ["check", d, "--format", "json"],
        lambda d, r: ["check", SAMPLE, "--rules", r],
        lambda d, r: ["gaps", d],
        lambda d, r: ["gaps", SAMPLE, "--rules", r],
        lambda d, r: ["compare", SAMPLE, d],
        lambda d, r: ["report", d],
        lambda d, r: ["rules", "show", r],
    ],
    ids=[
        "check",
        "check-fail-on",
        "check-json",
        "check-rules",
        "gaps",
        "gaps-rules",
        "compare",
        "report",
        "rules-show",
    ],
)
def test_input_errors_exit_3(tmp_path, command):
    result = run_cli(*command(_bad_data(tmp_path), _bad_rules(tmp_path)))
    assert result.code == EXIT_INPUT, result.stderr
    assert "Traceback" not in result.stderr and " error [" in result.stderr


def test_results_are_still_printed_with_exit_3(tmp_path):
    result = run_cli("check", _bad_data(tmp_path))
    assert result.code == EXIT_INPUT and "2 commune(s)" in result.stdout


def test_validate_a_rule_file_with_errors_exits_1_and_a_valid_one_0(tmp_path):
    assert run_cli("validate", _bad_rules(tmp_path)).code == EXIT_FINDINGS
    assert run_cli("validate", str(NATIONAL)).code == EXIT_OK
