"""`ntm-eval check` with filters, every output format, --output and --lang (through run_cli)."""

from __future__ import annotations

import csv
import io
import json
import os
import re

import jsonschema
import pytest
from conftest import DATA, ROOT

SAMPLE = str(DATA / "2020.csv")
SCHEMAS = ROOT / "ntm_eval" / "schemas"
FORMATS = ["text", "json", "jsonl", "csv", "markdown"]


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}-output.schema.json").read_text(encoding="utf-8"))


def parse_markdown_tables(text: str) -> list[list[dict[str, str]]]:
    """Every pipe table in ``text`` as a list of row dicts (header → unescaped cell)."""

    def cells(line: str) -> list[str]:
        parts = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        return [re.sub(r"\\(.)", r"\1", p.strip()) for p in parts]

    tables, lines = [], text.splitlines()
    i = 0
    while i < len(lines) - 1:
        if lines[i].startswith("|") and re.fullmatch(r"\|(-+:?\|)+", lines[i + 1]):
            header = cells(lines[i])
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                row = cells(lines[i])
                assert len(row) == len(header), lines[i]
                rows.append(dict(zip(header, row)))
                i += 1
            tables.append(rows)
        else:
            i += 1
    return tables


def test_sector_filter_shows_only_the_labour_criteria(cli):
    r = cli("check", SAMPLE, "--sector", "lao_dong", "--max-rows", "0")
    assert r.code == 0, r.stderr
    assert "Filters: sector lao_dong" in r.stdout
    counts = r.stdout.split("Communes meeting each criterion")[1].split("Communes by")[0]
    ids = [line.split()[0] for line in counts.splitlines()[3:] if line and line[0].isdigit()]
    assert ids == ["11", "12", "14.3", "18.6"]
    assert re.search(r"22984\s+Vĩnh Tân\s+Tuy Phong\s+3/4\s+not met\s+11\n", r.stdout)
    assert "meet all 4 selected criteria (4/4)" in r.stdout


def test_sector_filter_in_json(cli):
    r = cli("check", SAMPLE, "--sector", "lao_dong", "--format", "json")
    assert r.code == 0, r.stderr
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, schema("check"))
    assert doc["filters"] == {
        "sector": ["lao_dong"],
        "criterion": [],
        "district": [],
        "status": [],
        "commune": [],
    }
    assert [c["id"] for c in doc["summary"]["by_criterion"]] == ["11", "12", "14.3", "18.6"]
    for commune in doc["communes"]:
        assert [k["id"] for k in commune["criteria"]] == ["11", "12", "14.3", "18.6"]
        assert commune["criteria_total"] == 4
    vinh_tan = next(c for c in doc["communes"] if c["code"] == "22984")
    assert (vinh_tan["criteria_met"], vinh_tan["not_met"]) == (3, ["11"])
    assert vinh_tan["criteria"][2]["part_of"] == "14"
    assert [b["label"] for b in doc["summary"]["bands"]] == ["4/4", "under 4"]
    assert sum(b["communes"] for b in doc["summary"]["bands"]) == 93


def test_unfiltered_json_says_no_filters(cli):
    doc = json.loads(cli("check", SAMPLE, "-f", "json").stdout)
    assert all(v == [] for v in doc["filters"].values())
    assert doc["summary"]["communes"] == 93


def test_criterion_district_and_status_filters(cli):
    r = cli(
        "check",
        SAMPLE,
        "--criterion",
        "11",
        "--criterion",
        "14.3",
        "--district",
        "tuy phong",
        "--status",
        "not_met",
        "-f",
        "json",
    )
    assert r.code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert {c["district"] for c in doc["communes"]} == {"Tuy Phong"}
    assert {c["status"] for c in doc["communes"]} == {"not_met"}
    assert "22984" in [c["code"] for c in doc["communes"]]
    assert doc["summary"]["communes"] == len(doc["communes"]) == doc["summary"]["not_met"]
    assert doc["filters"]["status"] == ["not_met"] and doc["filters"]["district"] == ["tuy phong"]


def test_commune_filter_keeps_the_commune_and_shows_its_detail(cli):
    r = cli("check", SAMPLE, "--commune", "22984")
    assert r.code == 0, r.stderr
    assert "1 commune(s): 0 meet the standard" in r.stdout
    assert re.search(r"11\s+Poor households\s+6.2%\s+≤ 5%\*\s+-1.2\s+not met", r.stdout)


@pytest.mark.parametrize(
    "args, code, where",
    [
        (["--sector", "lao_dog"], "U001", "--sector"),
        (["--criterion", "14.9"], "U002", "--criterion"),
        (["--district", "Nowhere"], "U003", "--district"),
        (["--commune", "99999"], "U003", "--commune"),
        (["--sector", "quoc_phong", "--criterion", "11"], "U004", "--criterion"),
    ],
)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_filter_mistakes_are_usage_errors(cli, args, code, where, fmt):
    r = cli("check", SAMPLE, *args, "--format", fmt)
    assert r.code == 2
    assert f"{where}: error [{code}] " in r.stderr
    assert "Traceback" not in r.stderr
    if fmt == "json":
        doc = json.loads(r.stdout)
        assert doc["errors"][0]["code"] == code
        jsonschema.validate(doc, schema("check"))
    else:
        assert r.stdout == ""


def test_status_filter_rejects_unknown_words(cli):
    r = cli("check", SAMPLE, "--status", "passed")
    assert r.code == 2 and "Traceback" not in r.stderr and "passed" in r.stderr


# --- every format, parsed back -------------------------------------------------------------


def test_jsonl_one_line_per_commune_then_summary(cli):
    r = cli("check", SAMPLE, "--format", "jsonl", "--sector", "lao_dong")
    assert r.code == 0, r.stderr
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert [x["type"] for x in lines] == ["commune"] * 93 + ["summary"]
    assert lines[-1]["summary"]["communes"] == 93
    assert lines[-1]["filters"]["sector"] == ["lao_dong"]
    full = json.loads(cli("check", SAMPLE, "-f", "json", "--sector", "lao_dong").stdout)
    assert [{k: v for k, v in x.items() if k != "type"} for x in lines[:-1]] == full["communes"]


def test_csv_one_row_per_commune_and_criterion(cli):
    r = cli("check", SAMPLE, "--format", "csv")
    assert r.code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 93 * 19
    row = next(x for x in rows if x["code"] == "22984" and x["criterion"] == "11")
    assert (row["status"], row["commune_status"], row["criteria_met"]) == (
        "not_met",
        "not_met",
        "18",
    )
    assert row["indicators_not_met"] == "11" and "poverty_rate_pct=6.2" in row["values"]
    assert row["criterion_name"] == "Poor households"
    unknown = next(x for x in rows if x["code"] == "22957" and x["criterion"] == "16")
    assert unknown["status"] == "not_evaluable" and unknown["indicators_not_evaluable"] == "16"


def test_csv_neutralises_formulas(cli, write_csv):
    path = write_csv(
        [
            {"commune_code": "1", "commune_name": '=HYPERLINK("http://x")', "district": "+cmd"},
            {"commune_code": "2", "commune_name": "@SUM(A1)", "district": "-2+3"},
            {"commune_code": "3", "commune_name": "Tân Bình", "district": "La Gi"},
        ]
    )
    r = cli("check", str(path), "--format", "csv")
    assert r.code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    names = {x["code"]: (x["name"], x["district"]) for x in rows}
    assert names == {
        "1": ('\'=HYPERLINK("http://x")', "'+cmd"),
        "2": ("'@SUM(A1)", "'-2+3"),
        "3": ("Tân Bình", "La Gi"),
    }
    for x in rows:
        assert not any(v.startswith(("=", "+", "-", "@")) for v in x.values())


def test_markdown_tables_parse_back(cli, write_csv):
    path = write_csv(
        [
            {"commune_code": "1", "commune_name": "A | B *bold*"},
            {"commune_code": "2", "poverty_rate_pct": "7"},
        ]
    )
    r = cli("check", str(path), "--format", "markdown")
    assert r.code == 0, r.stderr
    communes, counts, bands = parse_markdown_tables(r.stdout)
    assert [(x["Code"], x["Commune"], x["Met"], x["Status"], x["Missing"]) for x in communes] == [
        ("1", "A | B *bold*", "19/19", "met", ""),
        ("2", "Xã 1", "18/19", "not met", "11"),
    ]
    assert [x["ID"] for x in counts] == [str(n) for n in range(1, 20)]
    assert {x["Band"]: x["Communes"] for x in bands}["19/19"] == "1"
    assert r.stdout.startswith("# National criteria")


def test_markdown_of_the_sample(cli):
    r = cli("check", SAMPLE, "--format", "markdown", "--sector", "lao_dong")
    communes, counts, _ = parse_markdown_tables(r.stdout)
    assert len(communes) == 93 and [x["ID"] for x in counts] == ["11", "12", "14.3", "18.6"]


# --- --output ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_file_holds_exactly_what_stdout_would(cli, tmp_path, fmt):
    target = tmp_path / f"out.{fmt}"
    r = cli("check", SAMPLE, "--format", fmt, "--output", str(target))
    assert r.code == 0, r.stderr
    assert r.stdout == ""
    assert f"wrote {target}" in r.stderr
    expected = cli("check", SAMPLE, "--format", fmt).stdout
    written = target.read_text(encoding="utf-8")
    assert written == ("\ufeff" + expected if fmt == "csv" else expected)
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temp file left
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_output_replaces_an_old_file_and_keeps_it_on_failure(cli, tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    r = cli("check", SAMPLE, "--format", "json", "-o", str(target), "--sector", "nope")
    assert r.code == 2
    assert target.read_text(encoding="utf-8") == "old"
    assert cli("check", SAMPLE, "-f", "json", "-o", str(target)).code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["communes"] == 93
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


@pytest.mark.parametrize("where", ["missing-dir/out.txt", "a-file/out.txt"])
def test_output_that_cannot_be_written_is_a_usage_error(cli, tmp_path, where):
    (tmp_path / "a-file").write_text("", encoding="utf-8")  # not a folder to write in
    target = tmp_path / where
    r = cli("check", SAMPLE, "-o", str(target))
    assert r.code == 2
    assert "error [U010] cannot write the output file" in r.stderr
    assert "Traceback" not in r.stderr


# --- languages ---------------------------------------------------------------------------------


def test_vietnamese_text(cli):
    r = cli("check", SAMPLE, "--lang", "vi", "--commune", "22984", "--commune", "22957")
    assert r.code == 0, r.stderr
    assert "Bộ tiêu chí quốc gia về xã nông thôn mới" in r.stdout
    assert re.search(r"22984\s+Vĩnh Tân\s+Tuy Phong\s+18/19\s+Chưa đạt\s+11", r.stdout)
    assert re.search(r"22957\s+Thiện Nghiệp\s+Phan Thiết\s+18/19\s+Chưa đánh giá\s+được", r.stdout)
    assert re.search(r"Hộ nghèo\s+6,2%\s+≤ 5%\*\s+-1,2\s+Chưa đạt", r.stdout)
    assert "poverty_rate_pct" not in r.stdout  # names, not column keys
    assert "Hộ nghèo" in r.stdout and "Số xã đạt từng tiêu chí" in r.stdout
    assert "2 xã: 0 xã đạt chuẩn (19/19)" in r.stdout
    assert "thiếu giá trị" in " ".join(r.stdout.split())  # the reason, wrapped at 80 columns
    for english in ("not met", "Poor households", "Communes meeting", "row(s)"):
        assert english not in r.stdout


def test_language_from_the_environment(cli):
    r = cli("check", SAMPLE, "--max-rows", "3", env={"NTM_EVAL_LANG": "vi"})
    assert "Đạt" in r.stdout and "93 xã: 61 xã đạt chuẩn" in r.stdout
    r = cli("check", SAMPLE, "--max-rows", "3", "--lang", "en", env={"NTM_EVAL_LANG": "vi"})
    assert "93 commune(s): 61 meet the standard" in r.stdout


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_machine_formats_do_not_change_with_the_language(cli, fmt):
    en = cli("check", SAMPLE, "-f", fmt, "--lang", "en").stdout
    vi = cli("check", SAMPLE, "-f", fmt, "--lang", "vi").stdout
    assert en == vi


def test_csv_keeps_keys_and_status_words_in_vietnamese(cli):
    rows = list(
        csv.DictReader(io.StringIO(cli("check", SAMPLE, "-f", "csv", "--lang", "vi").stdout))
    )
    assert rows[0]["status"] in ("met", "not_met", "not_evaluable")
    assert {r["criterion_name"] for r in rows if r["criterion"] == "11"} == {"Hộ nghèo"}


def test_vietnamese_markdown(cli):
    r = cli("check", SAMPLE, "-f", "markdown", "--lang", "vi")
    communes = parse_markdown_tables(r.stdout)[0]
    assert {x["Kết quả"] for x in communes} == {"Đạt", "Chưa đạt", "Chưa đánh giá được"}


@pytest.mark.parametrize("env, args", [({}, ["--lang", "fr"]), ({"NTM_EVAL_LANG": "fr"}, [])])
def test_unknown_language_is_a_usage_error(cli, env, args):
    r = cli("check", SAMPLE, *args, env=env)
    assert r.code == 2 and "Traceback" not in r.stderr and "fr" in r.stderr
