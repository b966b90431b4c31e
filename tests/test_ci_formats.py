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


# --- sarif ----------------------------------------------------------------------------------
# The official SARIF 2.1.0 JSON Schema is not shipped (it could not be fetched here): this
# is the part of it our logs use, written from the standard's definitions — the required
# properties, the enums, the minimums, and no property the standard does not define.


def _object(properties, required=()):
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": list(required),
    }


_MESSAGE = _object({"text": {"type": "string"}, "id": {"type": "string"}}, ["text"])
SARIF_SUBSET = _object(
    {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"enum": ["2.1.0"]},
        "runs": {
            "type": "array",
            "items": _object(
                {
                    "tool": _object(
                        {
                            "driver": _object(
                                {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "uniqueItems": True,
                                        "items": _object(
                                            {
                                                "id": {"type": "string"},
                                                "shortDescription": _MESSAGE,
                                            },
                                            ["id"],
                                        ),
                                    },
                                },
                                ["name"],
                            )
                        },
                        ["driver"],
                    ),
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    "results": {
                        "type": "array",
                        "items": _object(
                            {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": _MESSAGE,
                                "locations": {
                                    "type": "array",
                                    "items": _object(
                                        {
                                            "physicalLocation": _object(
                                                {
                                                    "artifactLocation": _object(
                                                        {"uri": {"type": "string"}}, ["uri"]
                                                    ),
                                                    "region": _object(
                                                        {
                                                            "startLine": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            },
                                                            "startColumn": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            },
                                                        }
                                                    ),
                                                }
                                            )
                                        }
                                    ),
                                },
                                "properties": {"type": "object"},
                            },
                            ["message"],
                        ),
                    },
                    "properties": {"type": "object"},
                },
                ["tool"],
            ),
        },
    },
    ["version", "runs"],
)


def _sarif(stdout):
    import jsonschema

    log = json.loads(stdout)
    jsonschema.validate(log, SARIF_SUBSET)
    [run] = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:  # a result names its rule by id and by index, the same
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    return run


def test_sarif_check_has_every_problem_json_reports_where_it_is(tmp_path):
    from ntm_eval.diagnostics import CODES

    path = _bad(tmp_path)
    doc = json.loads(run_cli("check", path.name, "-f", "json", cwd=tmp_path).stdout)
    result = run_cli("check", path.name, "-f", "sarif", cwd=tmp_path)
    assert result.code == 3
    run = _sarif(result.stdout)
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == list(CODES)
    expected = [(p, "error") for p in doc["errors"]] + [(p, "warning") for p in doc["warnings"]]
    got = sorted(run["results"], key=lambda r: r["level"])
    assert len(got) == len(expected) > 0
    for r, (p, level) in zip(got, sorted(expected, key=lambda e: e[1]), strict=True):
        assert (r["ruleId"], r["level"], r["message"]["text"]) == (p["code"], level, p["message"])
        location = r["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "bad.csv"  # relative to the cwd
        assert location["region"]["startLine"] == p["line"]
        assert location["region"].get("startColumn") == p["col"]
    assert run["properties"]["summary"]["communes"] == doc["summary"]["communes"]


def test_sarif_validate_of_a_broken_rule_file(tmp_path):
    (tmp_path / "r.yaml").write_text("schema_version: 1\nid: x\nextra: 1\n", encoding="utf-8")
    text = run_cli("validate", "-f", "text", "r.yaml", cwd=tmp_path)
    result = run_cli("validate", "-f", "sarif", "r.yaml", cwd=tmp_path)
    assert result.code == text.code == 1
    run = _sarif(result.stdout)
    shown = [
        f"{r['locations'][0]['physicalLocation']['artifactLocation']['uri']}:"
        f"{r['locations'][0]['physicalLocation']['region']['startLine']}:"
        f"{r['locations'][0]['physicalLocation']['region']['startColumn']}: "
        f"{r['level']} [{r['ruleId']}] {r['message']['text']}"
        for r in run["results"]
    ]
    assert shown == text.stdout.splitlines()


def test_sarif_a_file_outside_the_working_directory_is_a_file_uri(tmp_path):
    (tmp_path / "here").mkdir()
    result = run_cli(
        "check", str(tmp_path / "nope dữ liệu.csv"), "-f", "sarif", cwd=tmp_path / "here"
    )
    assert result.code == 2
    [r] = _sarif(result.stdout)["results"]
    uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert (
        uri.startswith("file:///")
        and " " not in uri
        and uri.endswith("nope%20d%E1%BB%AF%20li%E1%BB%87u.csv")
    )
    assert r["ruleId"] == "U030"


def test_a_plain_check_imports_nothing_of_sarif_or_junit():
    import subprocess
    import sys

    code = (
        "import sys\nfrom ntm_eval.cli import main\nsys.argv = ['ntm-eval', 'check', "
        f"{SAMPLE!r}]\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(repr(sorted(m for m in sys.modules if 'sarif' in m or 'junit' in m "
        "or m.startswith('xml'))))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.stderr == "[]"


# --- junit ----------------------------------------------------------------------------------


def _junit(stdout):
    import xml.etree.ElementTree as ET

    root = ET.fromstring(stdout.encode("utf-8"))
    assert root.tag == "testsuites"
    for suite in root.findall("testsuite"):  # each suite's counts are those of its cases
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        for tag, key in (("failure", "failures"), ("skipped", "skipped"), ("error", "errors")):
            assert int(suite.get(key)) == sum(c.find(tag) is not None for c in cases)
    for key in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(key)) == sum(int(s.get(key)) for s in root.findall("testsuite"))
    return root


def test_junit_counts_agree_with_json():
    doc = json.loads(run_cli("check", SAMPLE, "-f", "json").stdout)
    result = run_cli("check", SAMPLE, "-f", "junit")
    assert result.code == 0
    communes, problems = _junit(result.stdout).findall("testsuite")
    cases = communes.findall("testcase")
    summary = doc["summary"]
    assert len(cases) == summary["communes"]
    assert sum(c.find("failure") is not None for c in cases) == summary["not_met"]
    assert sum(c.find("skipped") is not None for c in cases) == summary["not_evaluable"]
    by_name = {c.get("name"): c for c in cases}
    for commune in doc["communes"]:
        case = by_name[f"{commune['code']} {commune['name']}"]
        assert case.get("classname") == commune["district"]
        failure, skipped = case.find("failure"), case.find("skipped")
        if commune["status"] == "not_met":
            assert failure.get("message") == "criteria not met: " + ", ".join(commune["not_met"])
            assert [line.split(" ", 1)[0] for line in failure.text.splitlines()] == commune[
                "not_met"
            ]
        elif commune["status"] == "not_evaluable":
            assert skipped.get("message").startswith(
                "not evaluable: " + ", ".join(commune["not_evaluable"])
            )
        else:
            assert failure is None and skipped is None
    assert problems.findall("testcase") == []


def test_junit_problems_are_a_suite_of_errors(tmp_path):
    path = _bad(tmp_path)
    doc = json.loads(run_cli("check", str(path), "-f", "json").stdout)
    result = run_cli("check", str(path), "-f", "junit", "--fail-on", "not-met")
    assert result.code == 3
    communes, problems = _junit(result.stdout).findall("testsuite")
    assert int(communes.get("tests")) == doc["summary"]["communes"]
    errors = [c.find("error") for c in problems.findall("testcase") if c.find("error") is not None]
    assert [e.get("type") for e in errors] == [p["code"] for p in doc["errors"]]
    assert [e.get("message") for e in errors] == [p["message"] for p in doc["errors"]]
    assert len(problems.findall("testcase")) == len(doc["errors"]) + len(doc["warnings"])


def test_junit_when_nothing_can_be_judged_is_still_a_report(tmp_path):
    result = run_cli("check", str(tmp_path / "nope.csv"), "-f", "junit")
    assert result.code == 2
    [problems] = _junit(result.stdout).findall("testsuite")
    [case] = problems.findall("testcase")
    assert case.find("error").get("type") == "U030"
