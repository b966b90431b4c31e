"""``check --format github`` (annotations), ``sarif`` and ``junit``: the same result
objects as ``--format json``, in the shapes CI systems read."""

from __future__ import annotations

import json
import re

from conftest import DATA, commune_csv, run_cli

SAMPLE = str(DATA / "2020.csv")


def _bad(tmp_path, name="bad.csv"):
    path = tmp_path / name
    rows = [{}, {"poverty_rate_pct": "7%x"}, {"commune_code": "22984", "year": "twenty"}]
    path.write_text(commune_csv(rows), encoding="utf-8")
    return path


# --- github ---------------------------------------------------------------------------------

ANNOTATION = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def _annotations(stdout):
    lines = stdout.splitlines()
    assert all(ANNOTATION.match(line) for line in lines), lines
    return [ANNOTATION.match(line).groups() for line in lines]


def test_github_annotates_every_problem_json_reports(tmp_path):
    path = _bad(tmp_path)
    doc = json.loads(run_cli("check", str(path), "-f", "json").stdout)
    result = run_cli("check", str(path), "-f", "github")
    assert result.code == 3
    found = _annotations(result.stdout)
    errors = [(k, p, m) for k, p, m in found if k == "error"]
    assert len(errors) == len(doc["errors"]) > 0
    assert len([f for f in found if f[0] == "warning"]) == len(doc["warnings"])
    for (_, props, message), problem in zip(errors, doc["errors"], strict=True):
        assert f"line={problem['line']}" in props.split(",")
        assert message.startswith(f"[{problem['code']}] ")
    kind, _, summary = found[-1]
    assert kind == "notice" and summary.endswith(
        f"{doc['summary']['communes']} commune(s): {doc['summary']['met']} met, "
        f"{doc['summary']['not_met']} not met, {doc['summary']['not_evaluable']} not "
        f"evaluable; {len(doc['errors'])} error(s), {len(doc['warnings'])} warning(s)"
    )


def test_github_escapes_per_the_workflow_command_rules(tmp_path):
    path = _bad(tmp_path, "a,b:c%.csv")
    result = run_cli("check", path.name, "-f", "github", cwd=tmp_path)
    found = _annotations(result.stdout)
    props, message = next((p, m) for k, p, m in found if "D010" in m)
    assert props.startswith("file=a%2Cb%3Ac%25.csv,line=3,")
    assert "'7%25x'" in message and "%" not in message.replace("%25", "")


def test_github_a_clean_run_is_one_notice_and_exit_0():
    result = run_cli("check", SAMPLE, "-f", "github")
    assert result.code == 0
    assert _annotations(result.stdout) == [
        (
            "notice",
            "title=ntm-eval",
            f"{SAMPLE}: 93 commune(s): 61 met, 31 not met, "
            "1 not evaluable; 0 error(s), 0 warning(s)",
        )
    ]


def test_github_when_nothing_can_be_judged_the_problem_is_still_annotated(tmp_path):
    result = run_cli("check", str(tmp_path / "nope.csv"), "-f", "github")
    assert result.code == 2
    found = _annotations(result.stdout)
    assert found[0][0] == "error" and "[U030] no such file" in found[0][2]
    assert found[-1][0] == "notice" and "no commune judged" in found[-1][2]


def test_github_with_output_writes_the_annotations_there_and_nothing_else(tmp_path):
    out = tmp_path / "annotations.txt"
    result = run_cli("check", str(_bad(tmp_path)), "-f", "github", "-o", str(out))
    assert result.code == 3 and result.stdout == ""
    assert _annotations(out.read_text(encoding="utf-8"))[-1][0] == "notice"
