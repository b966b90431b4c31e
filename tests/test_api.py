"""The Python API (``import ntm_eval``): the same judgement as the command line, from a
file, mappings or a pandas / polars DataFrame; problems as objects, never an exception for
a data problem; results as JSON (the documented schema) and as frames."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys

import jsonschema
import pytest
from conftest import ROOT, run_cli

import ntm_eval
from ntm_eval import api

SAMPLE = ROOT / "data" / "2020.csv"
SCHEMA = json.loads((ROOT / "ntm_eval/schemas/check-output.schema.json").read_text("utf-8"))
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _rows() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _cli_communes() -> list[dict]:
    r = run_cli("check", str(SAMPLE), "-f", "json")
    assert r.code == 0, r.stderr
    return json.loads(r.stdout)["communes"]


def _verdicts(communes: list[dict], shift: int = 0) -> list[dict]:
    """The communes without where they came from (a file's line 2 is a frame's row 1)."""
    return [{**c, "line": c["line"] + shift} for c in communes]


def test_a_pandas_and_a_polars_frame_get_the_cli_verdicts():
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    expected = _verdicts(_cli_communes(), shift=-1)
    as_text = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    typed = pd.read_csv(SAMPLE)  # numbers as numpy numbers, empty cells as NaN
    for frame in (as_text, typed, pl.read_csv(SAMPLE), pl.read_csv(SAMPLE, infer_schema_length=0)):
        report = ntm_eval.judge(frame)
        assert report.problems == ()
        assert json.loads(ntm_eval.to_json(report))["communes"] == expected


def test_mappings_and_a_generator_of_them_get_the_cli_verdicts():
    expected = _verdicts(_cli_communes(), shift=-1)
    for rows in (_rows(), (row for row in _rows())):
        report = ntm_eval.judge(rows)
        assert json.loads(ntm_eval.to_json(report))["communes"] == expected


def test_a_file_gets_the_cli_document():
    r = run_cli("check", str(SAMPLE), "-f", "json")
    assert ntm_eval.to_json(ntm_eval.judge(str(SAMPLE))) == r.stdout


def test_a_bad_cell_is_a_problem_at_its_row_and_column_not_an_exception():
    rows = _rows()
    rows[2]["poverty_rate_pct"] = "105"
    rows[4]["year"] = "năm ngoái"
    report = ntm_eval.judge(rows)
    errors = [(p.code, p.line, p.col, p.column) for p in report.errors]
    column = list(rows[0]).index("poverty_rate_pct") + 1
    assert ("D011", 3, column, "poverty_rate_pct") in errors
    assert ("D022", 5, list(rows[0]).index("year") + 1, "year") in errors
    third = next(c for c in report.communes if c.line == 3)
    poverty = next(k for k in third.criteria if k.id == "11")
    assert poverty.status == "not_evaluable"
    assert report.problems[0].format().startswith("<rows>:3:")


def test_missing_and_extra_keys_are_the_problems_a_file_has():
    rows = _rows()[:3]
    del rows[1]["income_per_capita"]  # as an empty cell
    rows[2]["surplus"] = "1"  # more cells than the header: D005
    report = ntm_eval.judge(rows)
    codes = {(p.code, p.line) for p in report.errors}
    assert ("D005", 3) in codes
    second = next(c for c in report.communes if c.line == 2)
    income = next(k for k in second.criteria if k.id == "10")
    assert income.status == "not_evaluable"


def test_nothing_to_judge_is_a_report_that_says_why():
    empty = ntm_eval.judge([])
    assert empty.communes == () and [p.code for p in empty.errors] == ["D001"]
    missing = ntm_eval.judge(str(ROOT / "no-such.csv"))
    assert [(p.code, p.message) for p in missing.errors] == [("U030", "no such file")]
    jsonschema.validate(json.loads(ntm_eval.to_json(missing)), SCHEMA)
    # a row without the identity columns is judged as a file's is: not evaluable
    odd = ntm_eval.judge([{"a": 1}])
    assert [c.status for c in odd.communes] == ["not_evaluable"]
    assert {p.code for p in odd.errors} == {"D002", "D003"}


def test_json_follows_the_documented_schema():
    rows = _rows()
    rows[0]["poverty_rate_pct"] = "abc"
    jsonschema.validate(json.loads(ntm_eval.to_json(ntm_eval.judge(rows))), SCHEMA)


def test_records_are_one_per_commune_and_measure():
    report = ntm_eval.judge(_rows())
    records = ntm_eval.to_records(report)
    measures = sum(len(k.indicators) for c in report.communes for k in c.criteria)
    assert len(records) == measures == 93 * 50
    assert list(records[0]) == list(api.RECORD_COLUMNS)
    first = report.communes[0]
    poverty = next(
        i for k in first.criteria for i in k.indicators if i.column == "poverty_rate_pct"
    )
    row = next(r for r in records if r["code"] == first.code and r["column"] == "poverty_rate_pct")
    assert (row["value"], row["threshold"], row["status"]) == (
        poverty.value,
        poverty.threshold,
        poverty.status,
    )


def test_frames_of_the_results():
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    report = ntm_eval.judge(_rows())
    frame = ntm_eval.to_pandas(report)
    assert list(frame.columns) == list(api.RECORD_COLUMNS)
    assert len(frame) == len(ntm_eval.to_records(report))
    met = frame[frame.commune_status == "met"].code.nunique()
    assert met == report.summary.met
    polars = ntm_eval.to_polars(report)
    assert polars.columns == list(api.RECORD_COLUMNS) and polars.height == len(frame)
    assert isinstance(frame, pd.DataFrame) and isinstance(polars, pl.DataFrame)


def test_load_rules_by_id_or_path_and_its_errors(tmp_path):
    assert ntm_eval.load_rules().id == "national-2016-2020"
    assert ntm_eval.load_rules("national-2016-2020").id == "national-2016-2020"
    example = ROOT / "rules/examples/example-province-2016-2020.yaml"
    assert ntm_eval.load_rules(example).id == ntm_eval.load_rules(str(example)).id
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [\n", encoding="utf-8")
    with pytest.raises(ntm_eval.InputError) as caught:
        ntm_eval.load_rules(bad)
    assert caught.value.problems[0].code == "R002"
    with pytest.raises(ValueError, match="no shipped rule set"):
        ntm_eval.load_rules("atlantis-2020")


def test_results_are_frozen():
    report = ntm_eval.judge(_rows()[:1])
    with pytest.raises((AttributeError, TypeError)):
        report.communes = ()  # type: ignore[misc]
    with pytest.raises((AttributeError, TypeError)):
        report.communes[0].status = "met"  # type: ignore[misc]


def test_the_public_surface():
    assert sorted(ntm_eval.__all__) == sorted([*api.__all__, "__version__"])
    for name in api.__all__:
        assert getattr(ntm_eval, name) is getattr(api, name)
    with pytest.raises(AttributeError):
        ntm_eval.pipeline  # noqa: B018


def test_importing_the_package_does_not_import_the_api():
    code = "import sys, ntm_eval; print(sorted(m for m in sys.modules if m.startswith('ntm_eval')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['ntm_eval']"


def test_the_readme_example_prints_what_it_shows(tmp_path, monkeypatch, capsys):
    pytest.importorskip("pandas")
    section = README.split("## Python API", 1)[1].split("\n## ", 1)[0]
    code, shown = re.findall(r"```(?:python|text)\n(.*?)```", section, re.S)
    (tmp_path / "data").symlink_to(ROOT / "data")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    assert capsys.readouterr().out == shown
