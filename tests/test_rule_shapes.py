"""Sets of other shapes than the 2016–2020 national one (issue 15): thresholds keyed by a
declared class (commune groups), rows moved to another class by a flag, no district,
bands declared by the set, and years a year-keyed threshold says nothing for.

The two shipped examples are fictional; their expected verdicts are fixtures under
``cases/verdicts`` (one row per commune: the class that judged it, why, its status), and
every way of judging (row by row, the column-wise lane) must give them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import run_cli

from ntm_eval.diagnostics import InputError
from ntm_eval.engine.evaluate import Evaluator, lookup_threshold
from ntm_eval.engine.pipeline import judge
from ntm_eval.engine.results import bands_for
from ntm_eval.input.rows import CommuneRow
from ntm_eval.input.source import Source
from ntm_eval.rules.loader import load_rules

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "rules" / "examples"
DATA = ROOT / "data" / "examples"
VERDICTS = Path(__file__).parent / "cases" / "verdicts"
SETS = ["example-2026-2030", "example-2021-2025"]


def _expected(set_id: str) -> list[dict[str, str]]:
    with (VERDICTS / f"{set_id}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _got(report) -> list[dict[str, str]]:
    return [
        {
            "code": c.code,
            "year": str(c.year),
            "class": c.region or "",
            "own_class": c.own_class or "",
            "reassigned_by": c.reassigned_by or "",
            "status": c.status,
            "criteria_met": str(c.criteria_met),
        }
        for c in report.communes
    ]


@pytest.mark.parametrize("column_wise", [True, False])
@pytest.mark.parametrize("set_id", SETS)
def test_examples_give_their_expected_verdicts_every_way(set_id, column_wise):
    ruleset = load_rules(EXAMPLES / f"{set_id}.yaml")
    report = judge(Source(DATA / f"{set_id}.csv"), ruleset, column_wise=column_wise)
    assert _got(report) == _expected(set_id)


def test_the_2026_example_has_its_shape():
    rs = load_rules(EXAMPLES / "example-2026-2030.yaml")
    assert len(rs.criteria) == 10
    assert rs.class_column == "commune_group" and list(rs.class_values) == ["1", "2", "3"]
    assert "district" not in rs.identity_columns
    assert rs.band_specs() == (("10/10", 10, 10), ("8–9", 8, 9), ("under 8", 0, 7))
    assert rs.sectors["noi_vu"].en == "Department of Home Affairs"
    assert "lao_dong" not in rs.sectors  # merged into Home Affairs in 2025
    every = [m.confirmation_of(k) for _, _, m in rs.measures() for k in m.thresholds]
    assert set(every) == {"unverified"}  # fictional: no value is confirmed


def test_group_thresholds_differ_and_boundaries_meet():
    rs = load_rules(EXAMPLES / "example-2026-2030.yaml")
    roads = next(m for _, _, m in rs.measures() if m.column == "ex_roads_hardened_pct")
    assert [lookup_threshold(roads, g, 2026)[0] for g in "123"] == [100, 90, 70]
    income = next(m for _, _, m in rs.measures() if m.column == "ex_income")
    assert lookup_threshold(income, "2", 2027)[:2] == (70, 2026)
    assert lookup_threshold(income, "2", 2028)[:2] == (78, 2028)
    assert lookup_threshold(income, "2", 2025)[3] == "no threshold for 2025 in this rule set"


def _row(region, year, own=None, by=None, **values):
    return CommuneRow(
        1, "1", "x", "", "p", region, year, values, frozenset(), own_class=own, reassigned_by=by
    )


def test_a_flagged_row_is_judged_with_the_other_class_and_says_so():
    rs = load_rules(EXAMPLES / "example-2021-2025.yaml")
    assert rs.judging_class("dbscl", {"special_difficulty": True}) == (
        "tdmnpb",
        "special_difficulty",
    )
    assert rs.judging_class("dbscl", {"special_difficulty": False, "safe_zone": None}) == (
        "dbscl",
        None,
    )
    values = {
        "ex_plan_approved": True,
        "ex_schools_pct": 70.0,
        "ex_income": 40.0,
        "ex_poverty_pct": 6.0,
        "ex_insured_pct": 85.0,
    }
    moved = Evaluator(rs).row(_row("tdmnpb", 2024, "dbscl", "special_difficulty", **values))
    stayed = Evaluator(rs).row(_row("dbscl", 2024, **values))
    assert (moved.status, moved.criteria_met) == ("met", 5)
    assert (stayed.status, stayed.criteria_met) == ("not_met", 1)
    assert moved.class_doc == {
        "column": "region",
        "value": "tdmnpb",
        "own": "dbscl",
        "reassigned_by": "special_difficulty",
    }
    assert stayed.class_doc is None  # a region set, no reassignment: output as before


def test_cli_2026_example_json_has_groups_bands_and_no_district():
    run = run_cli(
        "check",
        str(DATA / "example-2026-2030.csv"),
        "--rules",
        str(EXAMPLES / "example-2026-2030.yaml"),
        "--format",
        "json",
    )
    doc = json.loads(run.stdout)
    schema = json.loads((ROOT / "ntm_eval" / "schemas" / "check-output.schema.json").read_text())
    jsonschema.validate(doc, schema)
    first = doc["communes"][0]
    assert first["region"] is None and first["district"] == ""
    assert first["class"] == {
        "column": "commune_group",
        "value": "1",
        "own": "1",
        "reassigned_by": None,
    }
    assert [b["label"] for b in doc["summary"]["bands"]] == ["10/10", "8–9", "under 8"]
    assert [b["communes"] for b in doc["summary"]["bands"]] == [3, 2, 1]
    assert doc["summary"]["years"] == [2025, 2026, 2027]
    assert doc["summary"]["distinct_communes"] == 6
    assert [w["code"] for w in doc["warnings"]].count("W103") == 1


def test_cli_318_example_says_why_a_commune_took_tdmnpb_thresholds():
    run = run_cli(
        "check",
        str(DATA / "example-2021-2025.csv"),
        "--rules",
        str(EXAMPLES / "example-2021-2025.yaml"),
        "--commune",
        "80002",
    )
    text = " ".join(run.stdout.split())  # the title line wraps at the table's width
    assert (
        "region tdmnpb (thresholds of tdmnpb: special_difficulty says yes; its own: dbscl)" in text
    )


def test_a_2019_row_of_the_national_set_warns_once_with_the_count(tmp_path):
    src = (ROOT / "data" / "2020.csv").read_text(encoding="utf-8").splitlines()
    rows = [src[0]] + [line.replace(",2020,", ",2019,") for line in src[1:4]]
    path = tmp_path / "d.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run = run_cli("check", str(path), "--format", "json")
    doc = json.loads(run.stdout)
    w103 = [w for w in doc["warnings"] if w["code"] == "W103"]
    assert len(w103) == 1 and "not evaluable on 3 row(s)" in w103[0]["message"]
    reasons = {
        i["reason"]
        for c in doc["communes"]
        for k in c["criteria"]
        for i in k["indicators"]
        if i["id"] == "10"
    }
    assert reasons == {"no threshold for 2019 in this rule set"}


def test_two_years_are_counted_as_commune_years_and_year_keeps_one(tmp_path):
    src = (ROOT / "data" / "2020.csv").read_text(encoding="utf-8").splitlines()
    rows = [src[0], *src[1:4], *(line.replace(",2020,", ",2019,") for line in src[1:4])]
    path = tmp_path / "d.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run = run_cli("check", str(path))
    assert "6 rows are commune-years: 3 commune(s) over 2 years (2019–2020)." in run.stdout
    one = json.loads(run_cli("check", str(path), "--year", "2020", "--format", "json").stdout)
    assert one["summary"]["communes"] == 3 and "years" not in one["summary"]
    assert one["filters"]["year"] == [2020]
    assert {c["year"] for c in one["communes"]} == {2020}


def _write(tmp_path, text, name="r.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BASE = """schema_version: 1
id: shape
title: {vi: V, en: E}
legal_basis: "None (test)"
classes:
  column: commune_group
  name: {vi: Nhóm xã, en: Commune group}
  aliases: [Nhóm]
  values: {"1": {vi: Nhóm 1, en: Group 1}, "2": {vi: Nhóm 2, en: Group 2}}
districts: false
sectors: {s: {vi: S, en: S}}
groups: [{id: A, name: {vi: A, en: A}}]
criteria:
  - id: "1"
    group: A
    name: {vi: C, en: C}
    sector: s
    indicators:
      - id: "1"
        name: {vi: I, en: I}
        measures:
          - column: share_pct
            kind: pct
            op: ">="
            thresholds: {"1": 80, "2": 70}
  - id: "2"
    group: A
    name: {vi: C2, en: C2}
    sector: s
    indicators:
      - id: "2"
        name: {vi: I2, en: I2}
        measures:
          - {column: ok, kind: bool, op: "==", thresholds: {default: true}}
"""


def _problems(path):
    with pytest.raises(InputError) as exc:
        load_rules(path)
    return [(p.code, p.message) for p in exc.value.problems]


def test_a_missing_group_threshold_is_named_as_a_group(tmp_path):
    path = _write(tmp_path, BASE.replace('{"1": 80, "2": 70}', '{"1": 80}'))
    assert (
        "R022",
        "indicator 1 (share_pct): no threshold for commune group(s) 2 and no 'default'",
    ) in _problems(path)


def test_regions_and_classes_together_or_neither_are_errors(tmp_path):
    both = BASE.replace("districts: false", "districts: false\nregions: {r: {vi: R, en: R}}")
    assert [c for c, _ in _problems(_write(tmp_path, both))] == ["R020"]
    start, end = BASE.index("classes:"), BASE.index("districts:")
    neither = BASE[:start] + BASE[end:]
    assert "R011" in [c for c, _ in _problems(_write(tmp_path, neither))]


def test_bands_must_fit_the_criteria_and_not_overlap(tmp_path):
    bad = BASE + "bands: [{label: all, min: 2, max: 3}, {label: one, min: 1, max: 2}]\n"
    codes = [c for c, _ in _problems(_write(tmp_path, bad))]
    assert codes == ["R024"]
    overlap = BASE + "bands: [{label: all, min: 1, max: 2}, {label: one, min: 1, max: 1}]\n"
    assert [c for c, _ in _problems(_write(tmp_path, overlap))] == ["R020"]


def test_a_reassignment_to_an_undeclared_class_is_an_error(tmp_path):
    text = BASE + "reassign: [{flag: hard, name: {vi: K, en: K}, to: '9'}]\n"
    assert [c for c, _ in _problems(_write(tmp_path, text))] == ["R021"]


def test_bands_default_to_all_and_the_rest_and_extends_may_replace_them(tmp_path):
    base = load_rules(_write(tmp_path, BASE, "base.yaml"))
    assert base.band_specs() == (("2/2", 2, 2), ("under 2", 0, 1))
    child = _write(
        tmp_path,
        "schema_version: 1\nid: child\nextends: base.yaml\ntitle: {vi: C, en: C}\n"
        'legal_basis: "None"\nbands: [{label: "2", min: 2, max: 2}, {label: "0–1", min: 0, max: 1}]\n'
        'classes: {values: {"3": {vi: Nhóm 3, en: Group 3}}}\n'
        'criteria:\n  - id: "1"\n    indicators:\n      - id: "1"\n        measures:\n'
        '          - {column: share_pct, thresholds: {"3": 60}}\n',
        "child.yaml",
    )
    rs = load_rules(child)
    assert rs.band_specs() == (("2", 2, 2), ("0–1", 0, 1))
    assert rs.class_column == "commune_group"  # declared by the base
    assert list(rs.class_values) == ["1", "2", "3"]
    assert bands_for(2, rs) == rs.band_specs()


def test_a_data_file_without_district_reads_the_group_column(tmp_path):
    rs_path = _write(tmp_path, BASE)
    data = _write(
        tmp_path,
        "commune_code,commune_name,province,Nhóm,year,share_pct,ok\n1,A,P,2,2026,70,Đạt\n2,B,P,Nhóm 1,2026,70,Đạt\n3,C,P,4,2026,90,Đạt\n",
        "d.csv",
    )
    run = run_cli("check", str(data), "--rules", str(rs_path), "--format", "json")
    doc = json.loads(run.stdout)
    assert [(c["code"], c["status"]) for c in doc["communes"]] == [
        ("1", "met"),
        ("2", "not_met"),
        ("3", "not_evaluable"),
    ]
    assert [e["code"] for e in doc["errors"]] == ["D021"]
    assert "a commune group: 1, 2" in doc["errors"][0]["message"]
    assert not any(w["code"] == "D002" for w in doc["errors"] + doc["warnings"])


VIEWS = [
    ["check", "{data}", "-f", fmt]
    for fmt in ("text", "json", "jsonl", "csv", "markdown", "github", "sarif", "junit")
] + [
    ["gaps", "{data}"],
    ["compare", "{data}", "{data}"],
    ["report", "{data}", "-o", "{tmp}/r.html"],
    ["check", "{data}", "-f", "xlsx", "-o", "{tmp}/c.xlsx"],
    ["template", "-o", "{tmp}/t.xlsx"],
    ["template"],
    ["rules", "show", "{rules}", "-f", "markdown"],
    ["rules", "show", "{rules}", "-f", "json"],
]


@pytest.mark.parametrize("set_id", SETS)
@pytest.mark.parametrize("view", VIEWS, ids=lambda v: "-".join(a for a in v if "{" not in a))
def test_every_view_works_on_the_examples(set_id, view, tmp_path):
    fill = {
        "data": str(DATA / f"{set_id}.csv"),
        "rules": str(EXAMPLES / f"{set_id}.yaml"),
        "tmp": str(tmp_path),
    }
    args = [a.format(**fill) for a in view]
    if args[0] != "rules":
        args += ["--rules", fill["rules"]]
    run = run_cli(*args)
    assert run.code in (0, 1), run.stderr
    assert "Traceback" not in run.stderr


def test_no_count_of_the_national_set_is_written_in_the_engine_or_renderers():
    """The 19 criteria, 49 indicators and 7 regions are the national file's, not the code's."""
    pkg = ROOT / "ntm_eval"
    files = [*sorted((pkg / "engine").glob("*.py")), *sorted((pkg / "render").glob("*.py"))]
    files += [pkg / "usage.py", pkg / "i18n.py", pkg / "cli.py", pkg / "output.py"]
    import re

    found = [
        f"{f.name}:{n}"
        for f in files
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\b(19|49)\b|\b7 regions\b", line.split("#")[0])
    ]
    assert found == []


@pytest.mark.parametrize("set_id", SETS)
def test_jsonl_lines_of_the_examples_fit_their_schema(set_id):
    from test_output_schemas import LINE

    run = run_cli(
        "check",
        str(DATA / f"{set_id}.csv"),
        "--rules",
        str(EXAMPLES / f"{set_id}.yaml"),
        "-f",
        "jsonl",
    )
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert any("class" in line for line in lines)
    for line in lines:
        LINE.validate(line)


def test_a_set_without_districts_shows_the_group_where_the_district_was(tmp_path):
    """Every table of communes (terminal, Markdown, HTML, workbook) has the commune group
    in its third column, headed by the class's name, and the per-district tables count
    communes by group: no empty district column for the set in force since 2026."""
    import openpyxl

    data, rules = str(DATA / "example-2026-2030.csv"), str(EXAMPLES / "example-2026-2030.yaml")
    doc = json.loads(run_cli("check", data, "--rules", rules, "-f", "json").stdout)
    groups = [c["class"]["value"] for c in doc["communes"]]
    assert set(groups) == {"1", "2", "3"}

    book_path = tmp_path / "c.xlsx"
    assert run_cli("check", data, "--rules", rules, "-o", str(book_path)).code == 0
    book = openpyxl.load_workbook(book_path)
    matrix, details = book["Matrix"], book["Indicators"]
    assert matrix["C1"].value == details["C1"].value == "Commune group"
    assert [row[2] for row in matrix.iter_rows(min_row=2, values_only=True)] == groups
    summary = list(book["Summary"].iter_rows(values_only=True))
    at = summary.index(("By commune group",) + (None,) * (len(summary[0]) - 1))
    assert summary[at + 1][:2] == ("Commune group", "Communes")
    assert {row[0] for row in summary[at + 2 : at + 5]} == {"1", "2", "3"}

    page = tmp_path / "r.html"
    assert run_cli("report", data, "--rules", rules, "-o", str(page), "--lang", "vi").code == 0
    html = page.read_text(encoding="utf-8")
    assert "<h2>Số xã theo nhóm xã</h2>" in html and "<th>Nhóm xã</th>" in html
    assert "Số xã theo huyện" not in html

    md = run_cli("check", data, "--rules", rules, "-f", "markdown").stdout
    assert "| Code | Commune | Commune group |" in md


def test_the_group_heading_from_a_rule_file_is_text_on_the_terminal(tmp_path):
    """The class's name is a rule file's words: rich markup in it is shown, not obeyed."""
    text = (EXAMPLES / "example-2026-2030.yaml").read_text(encoding="utf-8")
    text = text.replace("en: Commune group}", 'en: "[red]Group[/red]"}', 1)
    rules = tmp_path / "marked.yaml"
    rules.write_text(text, encoding="utf-8")
    run = run_cli("check", str(DATA / "example-2026-2030.csv"), "--rules", str(rules))
    assert run.code == 0, run.stderr
    assert "[red]group[/red]" in run.stdout.splitlines()[3]
