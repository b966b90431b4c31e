"""The command as a user runs it: exit codes, streams, JSON, colour, help.

Most tests run the app in-process (``run_cli``); the few that need what only a real
process of the installed command shows use ``run_installed`` or subprocess directly,
and say why."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import jsonschema
import pytest
from conftest import DATA, NTM_EVAL, ROOT, run_cli, run_installed

from ntm_eval import __version__
from ntm_eval.exits import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, EXIT_USAGE

SAMPLE = str(DATA / "2020.csv")
SCHEMA = json.loads((ROOT / "ntm_eval" / "schemas" / "check-output.schema.json").read_text())


def test_exit_code_values_are_the_documented_contract():
    assert (EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INPUT) == (0, 1, 2, 3)


def test_exit_0_when_every_row_is_evaluated_even_if_communes_fail():
    """Installed command: exit status 0 as the shell sees it, from a real process."""
    result = run_installed("check", SAMPLE)
    assert result.code == EXIT_OK
    assert "31 do not" in result.stdout
    assert result.stderr == ""


def test_exit_1_with_fail_on_not_met():
    """Installed command: exit status 1 as the shell sees it, from a real process."""
    assert run_installed("check", SAMPLE, "--fail-on", "not-met").code == EXIT_FINDINGS


def test_exit_1_with_fail_on_not_evaluable(write_csv):
    assert run_cli("check", SAMPLE, "--fail-on", "not-evaluable").code == EXIT_FINDINGS  # 22957
    clean = write_csv([{}, {"poverty_rate_pct": "50"}])
    assert run_cli("check", str(clean), "--fail-on", "not-evaluable").code == EXIT_OK


def test_exit_2_for_a_missing_data_file(tmp_path):
    """Installed command: exit status 2 as the shell sees it, from a real process: a path
    that does not exist is a usage error, not bad data."""
    result = run_installed("check", str(tmp_path / "nope.csv"))
    assert result.code == EXIT_USAGE
    assert result.stdout == ""
    assert f"{tmp_path / 'nope.csv'}: error [U030] no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_exit_3_for_a_data_error_and_results_are_still_printed(write_csv):
    path = write_csv([{}, {"poverty_rate_pct": "abc"}])
    result = run_cli("check", str(path), "--fail-on", "not-met")
    assert result.code == EXIT_INPUT  # 3 wins over 1
    assert "2 commune(s)" in result.stdout
    assert "error [D010] column 'poverty_rate_pct': value 'abc'" in result.stderr


def test_exit_3_for_an_invalid_rule_file(tmp_path):
    rules = tmp_path / "r.yaml"
    rules.write_text(
        "schema_version: 1\nid: x\ntitle: {vi: a, en: b}\nlegal_basis: c\n"
        "regions: {a: {vi: a, en: a}}\nsectors: {s: {vi: s, en: s}}\n"
        "groups: [{id: I, name: {vi: a, en: a}}]\ncriteria: []\nextra: 1\n"
    )
    result = run_cli("check", SAMPLE, "--rules", str(rules))
    assert result.code == EXIT_INPUT
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert (
        f"{rules}:8:11: error [R012] criteria: List should have at least 1 item after validation, not 0"
        in lines
    )
    assert any(
        line.startswith(
            f"{rules}:9:1: error [R010] unknown key 'extra' in (top level); "
            "expected one of: schema_version, id,"
        )
        for line in lines
    )


def test_exit_3_for_a_rule_file_with_a_python_tag(tmp_path):
    marker = tmp_path / "ran"
    rules = tmp_path / "evil.yaml"
    rules.write_text(f"schema_version: !!python/object/apply:os.system ['touch {marker}']\n")
    result = run_cli("check", SAMPLE, "--rules", str(rules))
    assert result.code == EXIT_INPUT
    assert "error [R004] tag '!!python/object/apply:os.system' is not allowed" in result.stderr
    assert not marker.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["check"],  # DATA missing
        ["check", SAMPLE, "--format", "xml"],
        ["check", SAMPLE, "--fail-on", "sometimes"],
        ["check", SAMPLE, "--no-such-option"],
        ["frobnicate"],
    ],
)
def test_exit_2_for_usage_errors(args):
    result = run_cli(*args)
    assert result.code == EXIT_USAGE
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and result.stderr


def test_json_is_one_document_that_matches_the_schema():
    result = run_cli("check", SAMPLE, "--format", "json")
    assert result.code == EXIT_OK
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["input"] == {"path": SAMPLE, "rows": 93}
    assert doc["summary"]["communes"] == 93
    assert (doc["summary"]["met"], doc["summary"]["not_met"], doc["summary"]["not_evaluable"]) == (
        61,
        31,
        1,
    )
    assert [b["communes"] for b in doc["summary"]["bands"]] == [61, 12, 12, 8, 0]
    vinh_tan = next(c for c in doc["communes"] if c["code"] == "22984")
    assert (vinh_tan["status"], vinh_tan["criteria_met"], vinh_tan["not_met"]) == (
        "not_met",
        18,
        ["11"],
    )
    poverty = vinh_tan["criteria"][10]["indicators"][0]
    assert poverty == {
        "id": "11",
        "column": "poverty_rate_pct",
        "kind": "pct",
        "value": 6.2,
        "op": "<=",
        "threshold": 5,
        "threshold_from": None,
        "unit": "%",
        "status": "not_met",
        "gap": -1.2,
        "verified": False,
        "reason": None,
    }
    water = [i["column"] for i in vinh_tan["criteria"][16]["indicators"] if i["id"] == "17.1"]
    assert water == ["hygienic_water_pct", "clean_water_pct"]
    assert sum(len(k["indicators"]) for k in vinh_tan["criteria"]) == 50


def test_json_pipes_into_json_tool():
    """Real process: stdout is a pipe's file descriptor (written through fd 1), read by another."""
    producer = subprocess.Popen(
        [str(NTM_EVAL), "check", SAMPLE, "--format", "json"], stdout=subprocess.PIPE
    )
    tool = subprocess.run(
        [sys.executable, "-m", "json.tool"], stdin=producer.stdout, capture_output=True, text=True
    )
    producer.stdout.close()
    assert producer.wait() == 0 and tool.returncode == 0
    assert '"schema_version": 1' in tool.stdout


def test_json_stays_json_when_the_input_cannot_be_read(tmp_path):
    result = run_cli("check", str(tmp_path / "nope.csv"), "--format", "json")
    assert result.code == EXIT_USAGE
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["communes"] == [] and doc["summary"] is None
    assert [e["code"] for e in doc["errors"]] == ["U030"]


def test_json_carries_errors_and_warnings(write_csv, tmp_path):
    from conftest import IDENTITY, national_columns

    path = write_csv(
        [{"poverty_rate_pct": "x", "note": "y"}], IDENTITY + national_columns() + ["note"]
    )
    result = run_cli("check", str(path), "--format", "json")
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert [(e["code"], e["line"], e["column"], e["value"]) for e in doc["errors"]] == [
        ("D010", 2, "poverty_rate_pct", "x")
    ]
    assert [w["code"] for w in doc["warnings"]] == ["W101", "W112"]  # W112: not Bình Thuận


def test_version():
    result = run_cli("--version")
    assert (result.code, result.stdout) == (0, f"ntm-eval {__version__}\n")


def test_python_dash_m():
    """Real process: ``python -m ntm_eval`` runs ntm_eval/__main__.py as a program."""
    proc = subprocess.run(
        [sys.executable, "-m", "ntm_eval", "--version"], capture_output=True, text=True
    )
    assert proc.stdout == f"ntm-eval {__version__}\n"


@pytest.mark.parametrize("command", [[], ["check"]])
def test_help_with_examples(command):
    result = run_cli(*command, "--help")
    assert result.code == 0
    assert "Usage: ntm-eval" in result.stdout
    assert "Examples:" in result.stdout and "ntm-eval check data/2020.csv" in result.stdout
    if not command:
        assert "Exit codes: 0 done; 1 " in result.stdout


def test_commune_detail_marks_unverified_thresholds_and_reasons():
    result = run_cli("check", SAMPLE, "--commune", "22957")
    out = result.stdout
    assert "22957 Thiện Nghiệp" in out
    assert "not evaluable 16 Culture: value missing" in out  # the name, not the column key
    assert "cultural_villages_pct" not in out
    assert "≤ 5%*" in out and "* threshold not confirmed from a published source" in out


def test_max_rows_truncation_is_visible():
    result = run_cli("check", SAMPLE, "--max-rows", "5")
    assert "… 88 more commune(s) not shown. Use --max-rows 0" in result.stdout
    assert result.stdout.count("Phan Thiết") == 4  # 4 of the first 5 rows; the rest hidden
    assert "93 commune(s): 61 meet" in result.stdout  # the summary still counts every commune


def _run_on_a_terminal(*args, env_extra=None):
    """Run with stdout on a pseudo-terminal, as in an interactive shell."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    env.update({"COLUMNS": "100", "TERM": "xterm-256color", **(env_extra or {})})
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [str(NTM_EVAL), *args], stdout=follower, stderr=subprocess.DEVNULL, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait()
    os.close(leader)
    return b"".join(chunks).decode("utf-8")


def test_colour_on_a_terminal_and_none_with_no_color():
    """Real process: stdout on a pseudo-terminal (isatty, terminal size), as in a shell."""
    assert "\x1b[" in _run_on_a_terminal("check", SAMPLE)
    assert "\x1b[" not in _run_on_a_terminal("check", SAMPLE, env_extra={"NO_COLOR": "1"})


def test_no_colour_when_piped():
    """Real process: stdout a real pipe and NO_COLOR unset from start-up (the terminal's pair)."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    proc = subprocess.run([str(NTM_EVAL), "check", SAMPLE], capture_output=True, text=True, env=env)
    assert "\x1b[" not in proc.stdout


def test_broken_pipe_is_not_an_error():
    """Real process: `| head` closes the pipe early (EPIPE/SIGPIPE, exit status, stderr at exit)."""
    proc = subprocess.run(
        f"'{NTM_EVAL}' check '{SAMPLE}' --max-rows 0 | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
    )
    assert proc.stdout.startswith("National criteria")
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
