"""`ntm-eval validate`: folders of example files, the shipped rules, formats, exit codes.

A new invalid case joins by adding ``tests/cases/rules-invalid/NAME.yaml`` and
``NAME.expected`` (the exact stdout of ``ntm-eval validate NAME.yaml`` run in that folder).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import NATIONAL, ROOT, run_cli

CASES = ROOT / "tests" / "cases"
PROBLEM_LINE = re.compile(r"^\S+:\d+:\d+: (error|warning) \[[RW]\d{3}\] .+$")


def _cases(folder: str) -> list[Path]:
    return sorted((CASES / folder).glob("*.yaml"))


@pytest.mark.parametrize(
    "case",
    _cases("rules-invalid") + _cases("rules-hostile"),
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_invalid_case_fails_at_its_expected_line_and_column(case):
    expected = case.with_suffix(".expected").read_text(encoding="utf-8")
    result = run_cli("validate", case.name, cwd=case.parent)
    assert result.code == 1, result.stderr
    assert result.stdout == expected
    assert "Traceback" not in result.stderr
    assert "invalid" in result.stderr


@pytest.mark.parametrize("folder", ["rules-invalid", "rules-hostile"])
def test_every_invalid_case_has_located_expectations(folder):
    cases = _cases(folder)
    assert cases
    for case in cases:
        lines = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
        assert lines, case
        # Every expected problem is located; a hostile file may be unreadable as a whole.
        for line in lines:
            assert PROBLEM_LINE.match(line) or folder == "rules-hostile", line


@pytest.mark.parametrize("case", _cases("rules-valid"), ids=lambda p: p.stem)
def test_valid_case_passes(case):
    result = run_cli("validate", case.name, cwd=case.parent)
    assert result.code == 0, result.stdout + result.stderr
    assert " error " not in result.stdout
    assert "all valid" in result.stderr


def test_shipped_rules_are_valid_by_default():
    result = run_cli("validate")
    assert result.code == 0, result.stdout
    assert " error " not in result.stdout
    assert re.search(r"^\d+ file\(s\) checked, all valid: 0 error\(s\)", result.stderr, re.M)


def _unverified(rs) -> int:
    return sum(not m.verified(key) for _, _, m in rs.measures() for key in m.thresholds)


def test_unverified_values_are_one_warning_line_per_file_with_the_count():
    from ntm_eval.rules.loader import load_rules

    count = _unverified(load_rules(NATIONAL))
    example = "rules/examples/example-province-2016-2020.yaml"
    result = run_cli("validate", "rules/national-2016-2020.yaml", example)
    assert result.code == 0
    assert result.stdout.splitlines() == [
        f"rules/national-2016-2020.yaml: warning [W301] {count} threshold value(s) marked "
        "unverified; list them with: ntm-eval rules show rules/national-2016-2020.yaml "
        "--unverified",
        # The example sets two dhntb values without a confirmation (and one with C1,
        # replacing an inherited C2 value).
        f"{example}: warning [W301] {count} threshold value(s) marked unverified (2 set in "
        f"this file, {count - 2} inherited); list them with: ntm-eval rules show {example} "
        "--unverified",
    ]
    assert result.stderr == "2 file(s) checked, all valid: 0 error(s), 2 warning(s)\n"


def _national_with(tmp_path: Path, old: str, new: str) -> tuple[Path, int, int]:
    """A copy of the national file with the first ``old`` replaced; where ``new`` sits."""
    text = NATIONAL.read_text(encoding="utf-8")
    start = text.index(old)
    line = text.count("\n", 0, start) + 1
    col = start - text.rfind("\n", 0, start)
    path = tmp_path / "national.yaml"
    path.write_text(text[:start] + new + text[start + len(old) :], encoding="utf-8")
    return path, line, col


def test_threshold_150_in_shipped_file_is_reported_at_its_line(tmp_path):
    old = "{national: 80, tdmnpb: 80, dbsh: 80"
    path, line, col = _national_with(tmp_path, old, "{national: 80, tdmnpb: 150, dbsh: 80")
    result = run_cli("validate", path.name, cwd=tmp_path)
    assert result.code == 1
    value_col = col + len("{national: 80, tdmnpb: ")
    assert result.stdout == (
        f"national.yaml:{line}:{value_col}: error [R024] indicator 3.1 (irrigated_area_pct): "
        "percentage threshold 150 is outside 0–100\n"
    )


def test_every_problem_is_reported_at_once(tmp_path):
    path, *_ = _national_with(tmp_path, "kind: pct", "knd: pct")
    text = path.read_text(encoding="utf-8").replace("tdmnpb: 95, dbsh: 99", "tdmnpb: 95, dbsh: 199")
    path.write_text(text, encoding="utf-8")
    result = run_cli("validate", path.name, cwd=tmp_path)
    assert result.code == 1
    codes = re.findall(r"\[(R\d+)\]", result.stdout)
    assert sorted(codes) == ["R010", "R011"]  # structure first: meaning is checked on a sound tree
    assert "1 file(s) checked, 1 invalid: 2 error(s), 0 warning(s)" in result.stderr


def test_github_format_prints_annotations():
    case = CASES / "rules-invalid" / "pct-out-of-range.yaml"
    result = run_cli("validate", "--format", "github", case.name, cwd=case.parent)
    assert result.code == 1
    assert result.stdout == (
        "::error file=pct-out-of-range.yaml,line=26,col=33,title=ntm-eval R024::[R024] "
        "indicator 1.1 (irrigated_pct): percentage threshold 150 is outside 0–100\n"
    )


def test_github_format_escapes_what_would_break_a_workflow_command(tmp_path):
    path = tmp_path / "a,b%.yaml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    result = run_cli("validate", "-f", "github", path.name, cwd=tmp_path)
    assert result.code == 1
    assert result.stdout.startswith("::error file=a%2Cb%25.yaml,line=2,col=1,title=ntm-eval R003::")


def test_json_format_is_one_document_with_every_problem():
    folder = CASES / "rules-invalid"
    result = run_cli(
        "validate", "--format", "json", "unknown-key.yaml", "pct-out-of-range.yaml", cwd=folder
    )
    assert result.code == 1
    doc = json.loads(result.stdout)
    assert doc["valid"] is False
    assert doc["files"] == [
        {"path": "unknown-key.yaml", "valid": False},
        {"path": "pct-out-of-range.yaml", "valid": False},
    ]
    assert [(e["path"], e["line"], e["col"], e["code"]) for e in doc["errors"]] == [
        ("unknown-key.yaml", 23, 13, "R011"),
        ("unknown-key.yaml", 26, 13, "R010"),
        ("pct-out-of-range.yaml", 26, 33, "R024"),
    ]
    assert doc["warnings"] == []


def test_a_folder_is_searched_for_rule_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    valid = (CASES / "rules-valid" / "minimal.yaml").read_text(encoding="utf-8")
    (tmp_path / "sub" / "a.yml").write_text(valid, encoding="utf-8")
    (tmp_path / ".hidden" / "b.yaml").write_text("not: [valid", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not: [valid", encoding="utf-8")
    result = run_cli("validate", ".", cwd=tmp_path)
    assert result.code == 0, result.stdout
    assert "1 file(s) checked, all valid" in result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_a_path_that_does_not_exist_is_a_usage_error(fmt, tmp_path):
    result = run_cli("validate", "--format", fmt, "missing.yaml", cwd=tmp_path)
    assert result.code == 2
    assert "nothing checked" in result.stderr
    if fmt == "json":
        assert json.loads(result.stdout)["errors"][0]["message"] == "no such file or folder"
    else:
        assert "missing.yaml" in result.stdout and "U030" in result.stdout


def test_a_folder_without_rule_files_is_a_usage_error(tmp_path):
    result = run_cli("validate", str(tmp_path))
    assert result.code == 2
    assert (
        result.stdout == f"{tmp_path}: error [U031] no rule files (*.yaml, *.yml) in this folder\n"
    )


def test_validate_help_gives_examples_and_exit_codes():
    result = run_cli("validate", "--help")
    assert result.code == 0
    assert "ntm-eval validate --format github rules/" in result.stdout
    assert "Exit codes: 0 every file is valid" in " ".join(result.stdout.split())


def test_text_colours_only_the_severity_when_asked():
    from ntm_eval.diagnostics import Problem
    from ntm_eval.render.validation import render_text
    from ntm_eval.rules.validation import FileResult, Validation

    error = Problem("R024", "too high", "a.yaml", 3, 5)
    warning = Problem("W301", "2 unverified", "a.yaml", severity="warning")
    result = Validation((FileResult("a.yaml", (error, warning)),))
    assert render_text(result) == (
        "a.yaml:3:5: error [R024] too high\na.yaml: warning [W301] 2 unverified\n"
    )
    assert render_text(result, color=True) == (
        "a.yaml:3:5: \x1b[31merror\x1b[0m [R024] too high\n"
        "a.yaml: \x1b[33mwarning\x1b[0m [W301] 2 unverified\n"
    )
