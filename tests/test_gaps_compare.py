"""`ntm-eval gaps` and `ntm-eval compare` through the command line (run_cli), in every format."""

from __future__ import annotations

import csv
import io
import json
import re

import jsonschema
import pytest
from conftest import DATA, ROOT, load_script
from test_check_views import parse_markdown_tables, schema

SAMPLE = str(DATA / "2020.csv")
SELF = str(DATA / "2020-self-assessment.csv")


# --- gaps --------------------------------------------------------------------------------------


def test_gaps_puts_the_registered_commune_that_falls_short_near_the_top(cli):
    r = cli("gaps", SAMPLE)
    assert r.code == 0, r.stderr
    flat = " ".join(r.stdout.split())
    assert "32 of 93 commune(s) do not meet the standard yet; 32 shown" in flat
    rows = [line for line in r.stdout.splitlines() if re.match(r"\s*\d+\s+\d{5}\s", line)]
    ranks = {line.split()[1]: int(line.split()[0]) for line in rows}
    assert ranks["22984"] <= 5
    vinh_tan = [line for line in rows if line.split()[1] == "22984"]
    assert len(vinh_tan) == 1  # its one missing item
    assert "Poor households: 6.2% → must be ≤ 5%: 1.2 points to go" in flat
    assert "Schools: 66.7% → must be ≥ 80%: 13.3 points to go" in flat
    assert "Culture: cannot be judged: value missing" in flat


def test_gaps_json(cli):
    r = cli("gaps", SAMPLE, "--format", "json")
    assert r.code == 0, r.stderr
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, schema("gaps"))
    assert doc["summary"] == {"communes": 93, "met": 61, "short": 32, "shown": 32}
    assert [c["rank"] for c in doc["candidates"]] == list(range(1, 33))
    keys = [(len(c["missing"]), len(c["items"]), c["shortfall"]) for c in doc["candidates"]]
    assert keys == sorted(keys)
    vinh_tan = next(c for c in doc["candidates"] if c["code"] == "22984")
    assert vinh_tan["missing"] == ["11"]
    (item,) = vinh_tan["items"]
    assert (
        item["value"],
        item["op"],
        item["threshold"],
        item["to_go"],
        item["unit"],
        item["sector"],
    ) == (6.2, "<=", 5, 1.2, "%", "lao_dong")
    assert doc["by_sector"] is None


def test_gaps_top_and_by_sector(cli):
    r = cli("gaps", SAMPLE, "--top", "5", "--by-sector", "-f", "json")
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, schema("gaps"))
    assert doc["summary"]["shown"] == 5 and len(doc["candidates"]) == 5
    shares = {s["sector"]: s for s in doc["by_sector"]}
    assert "22984" in [c["code"] for c in shares["lao_dong"]["candidates"]]
    for share in doc["by_sector"]:
        assert all(i["sector"] == share["sector"] for c in share["candidates"] for i in c["items"])
    text = cli("gaps", SAMPLE, "--top", "5", "--by-sector").stdout
    assert "Department of Labour, Invalids and Social Affairs (lao_dong): " in text
    assert "27 more commune(s) not shown; use --top 0 to list them all." in " ".join(text.split())


def test_gaps_csv_jsonl_markdown(cli):
    rows = list(csv.DictReader(io.StringIO(cli("gaps", SAMPLE, "-f", "csv").stdout)))
    vinh_tan = [x for x in rows if x["code"] == "22984"]
    assert len(vinh_tan) == 1
    assert (vinh_tan[0]["indicator"], vinh_tan[0]["to_go"], vinh_tan[0]["left"]) == (
        "11",
        "1.2",
        "6.2% → must be ≤ 5%: 1.2 points to go",
    )
    lines = [json.loads(x) for x in cli("gaps", SAMPLE, "-f", "jsonl").stdout.splitlines()]
    assert [x["type"] for x in lines] == ["candidate"] * 32 + ["summary"]
    (table,) = parse_markdown_tables(cli("gaps", SAMPLE, "-f", "markdown", "--top", "3").stdout)
    assert [x["Code"] for x in table][:3] == [x["code"] for x in lines[:3]]
    assert {x["#"] for x in table} == {"1", "2", "3"}


def test_gaps_in_vietnamese(cli):
    flat = " ".join(cli("gaps", SAMPLE, "--lang", "vi").stdout.split())
    assert "Hộ nghèo: 6,2% → phải ≤ 5%: còn 1,2 điểm %" in flat
    assert "32/93 xã chưa đạt chuẩn" in flat


def test_gaps_when_every_commune_meets_the_standard(cli, write_csv):
    r = cli("gaps", str(write_csv([{}, {}])))
    assert r.code == 0 and "Every commune meets the standard." in r.stdout
    doc = json.loads(cli("gaps", str(write_csv([{}])), "-f", "json").stdout)
    assert doc["candidates"] == []


def test_gaps_on_a_missing_file(cli, tmp_path):
    r = cli("gaps", str(tmp_path / "none.csv"), "-f", "json")
    assert r.code == 2 and "[U030]" in r.stderr and "Traceback" not in r.stderr
    assert json.loads(r.stdout)["errors"][0]["code"] == "U030"


# --- compare -----------------------------------------------------------------------------------


def test_compare_lists_what_the_appraisal_changed(cli):
    r = cli("compare", SELF, SAMPLE)
    assert r.code == 0, r.stderr
    flat = " ".join(r.stdout.split())
    assert (
        "93 commune(s) in both files: 66 met the standard before, 61 now; 0 gained it, "
        "5 lost it" in flat
    )
    maintain = r.stdout.split("Maintaining the standard")[1].split("Criteria gained")[0]
    codes = re.findall(r"^(\d{5})\s", maintain, re.M)
    assert codes == ["22957", "22984", "23185", "23224", "23242"]
    assert re.search(
        r"22984\s+Vĩnh Tân\s+19→18/19\s+11\s+Poor households 4.9% → 6.2% \(≤ 5%\)", maintain
    )
    assert "Culture 72.4% → —" in maintain
    assert "8 other value(s) changed without changing a status" in flat


def test_compare_json(cli):
    r = cli("compare", SELF, SAMPLE, "-f", "json")
    assert r.code == 0, r.stderr
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, schema("compare"))
    s = doc["summary"]
    assert (s["both"], s["old_met"], s["new_met"], s["gained"]) == (93, 66, 61, [])
    assert s["lost"] == s["maintaining"] == ["22957", "22984", "23185", "23224", "23242"]
    assert s["value_only_changes"] == 8 and s["changed"] == 18
    vinh_tan = next(c for c in doc["communes"] if c["code"] == "22984")
    assert vinh_tan["standard"] == "lost"
    (crit,) = vinh_tan["criteria"]
    assert (crit["id"], crit["change"], crit["old_status"], crit["new_status"]) == (
        "11",
        "lost",
        "met",
        "not_met",
    )
    assert (crit["indicators"][0]["old_value"], crit["indicators"][0]["new_value"]) == (4.9, 6.2)


def test_compare_reversed_shows_gains(cli):
    doc = json.loads(cli("compare", SAMPLE, SELF, "-f", "json").stdout)
    assert doc["summary"]["gained"] == ["22957", "22984", "23185", "23224", "23242"]
    assert doc["summary"]["maintaining"] == []
    assert "every commune that met it in" in cli("compare", SAMPLE, SELF).stdout


def test_compare_json_results_like_data_files(cli, tmp_path):
    old_json, new_json = tmp_path / "self.json", tmp_path / "appraisal.json"
    assert cli("check", SELF, "-f", "json", "-o", str(old_json)).code == 0
    assert cli("check", SAMPLE, "-f", "json", "-o", str(new_json)).code == 0
    from_data = json.loads(cli("compare", SELF, SAMPLE, "-f", "json").stdout)
    from_json = json.loads(cli("compare", str(old_json), str(new_json), "-f", "json").stdout)
    mixed = json.loads(cli("compare", str(old_json), SAMPLE, "-f", "json").stdout)
    for doc in (from_json, mixed):
        assert doc["summary"] == from_data["summary"]
        assert doc["communes"] == from_data["communes"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not valid JSON"),
        ('{"schema_version": 1, "communes": []}', "not a result of 'ntm-eval check --format json'"),
        (
            '{"schema_version":1,"ruleset":null,"input":{"path":"x","rows":0},"summary":null,'
            '"communes":[],"errors":[],"warnings":[]}',
            "could not evaluate anything",
        ),
    ],
)
def test_compare_rejects_json_that_is_not_a_result(cli, tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    r = cli("compare", str(bad), SAMPLE)
    assert r.code == 2
    assert f"{bad}" in r.stderr and "error [U020]" in r.stderr and message in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_compare_csv_jsonl_markdown(cli):
    rows = list(csv.DictReader(io.StringIO(cli("compare", SELF, SAMPLE, "-f", "csv").stdout)))
    vinh_tan = [x for x in rows if x["code"] == "22984"]
    assert [(x["indicator"], x["old_value"], x["new_value"], x["standard"]) for x in vinh_tan] == [
        ("11", "4.9", "6.2", "lost")
    ]
    thien = next(x for x in rows if x["code"] == "22957")
    assert (thien["old_value"], thien["new_value"], thien["indicator_new_status"]) == (
        "72.4",
        "",
        "not_evaluable",
    )
    lines = [json.loads(x) for x in cli("compare", SELF, SAMPLE, "-f", "jsonl").stdout.splitlines()]
    assert lines[-1]["type"] == "summary" and lines[-1]["summary"]["lost"][1] == "22984"
    assert {x["type"] for x in lines[:-1]} == {"change"}
    maintain, changes = parse_markdown_tables(cli("compare", SELF, SAMPLE, "-f", "markdown").stdout)
    assert [x["Code"] for x in maintain] == ["22957", "22984", "23185", "23224", "23242"]
    assert next(x for x in maintain if x["Code"] == "22984")["New"] == "6.2% (not met)"
    assert len({x["Code"] for x in changes}) == 18


def test_compare_in_vietnamese(cli):
    flat = " ".join(cli("compare", SELF, SAMPLE, "--lang", "vi").stdout.split())
    assert "trước 66 xã đạt chuẩn, nay 61 xã" in flat
    assert "Hộ nghèo 4,9% → 6,2% (≤ 5%)" in flat
    assert "poverty_rate_pct" not in flat  # names, not column keys


def test_compare_missing_file(cli, tmp_path):
    r = cli("compare", str(tmp_path / "a.csv"), SAMPLE)
    assert r.code == 2 and "[U030]" in r.stderr and "Traceback" not in r.stderr


# --- the sample data ---------------------------------------------------------------------------


def test_generator_reproduces_both_samples(tmp_path):
    generator = load_script(ROOT / "data" / "generate.py", "data_generate_for_tests")
    generator.main(ROOT / "ntm_eval" / "unit_lists" / "binh-thuan-2020.csv", tmp_path)
    for name in ("2020.csv", "2020-self-assessment.csv"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
