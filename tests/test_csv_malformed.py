"""Malformed CSV files never give a wrong verdict: a row whose cells cannot be placed
under the header, a stray quote, a cell too long to read — each is an error at its place,
its commune not evaluable, and every other row read and judged as usual."""

from __future__ import annotations

import csv
import io
import json

from conftest import run_cli, sample_rows

HEADER, RECORDS = sample_rows()


def write(tmp_path, records: list[list[str]], header: list[str] = HEADER) -> str:
    path = tmp_path / "data.csv"
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([header, *records])
    path.write_text(text.getvalue(), encoding="utf-8")
    return str(path)


def judged(path: str) -> tuple[int, dict]:
    run = run_cli("check", path, "-f", "json")
    return run.code, json.loads(run.stdout)


def met_line() -> int:
    """The index (in RECORDS) of the first commune of the sample that meets the standard."""
    _, doc = judged(str(sample_path()))
    line = next(c["line"] for c in doc["communes"] if c["status"] == "met")
    return line - 2


def sample_path():
    from conftest import DATA

    return DATA / "2020.csv"


def commune(doc: dict, code: str) -> dict:
    return next(c for c in doc["communes"] if c["code"] == code)


def reasons(c: dict) -> set[str | None]:
    return {i["reason"] for crit in c["criteria"] for i in crit["indicators"]}


# --- 1. a row with the wrong number of cells ---------------------------------------------


def test_an_extra_cell_mid_row_makes_the_commune_not_evaluable(tmp_path):
    i = met_line()
    records = [list(r) for r in RECORDS]
    code = records[i][0]
    records[i].insert(30, "ghi chú")  # one cell typed in the middle: the rest shifts right
    code_, doc = judged(write(tmp_path, records))
    assert code_ == 2
    c = commune(doc, code)
    assert c["status"] == "not_evaluable"
    assert c["criteria_met"] == 0
    width = len(HEADER)
    assert reasons(c) == {f"row has {width + 1} cells but the header has {width} (D005)"}
    assert [(e["code"], e["line"]) for e in doc["errors"]] == [("D005", i + 2)]
    # every other commune is judged as in the sample
    _, sample = judged(str(sample_path()))
    others = [(x["code"], x["status"]) for x in sample["communes"] if x["code"] != code]
    assert [(x["code"], x["status"]) for x in doc["communes"] if x["code"] != code] == others


def test_the_text_detail_names_the_reason(tmp_path):
    i = met_line()
    records = [list(r) for r in RECORDS]
    code = records[i][0]
    records[i].insert(30, "ghi chú")
    run = run_cli("check", write(tmp_path, records), "-c", code)
    assert run.code == 2
    width = len(HEADER)
    reason = f"row has {width + 1} cells but the header has {width} (D005)"
    assert f"{records[i][0]}" in run.stdout and reason in run.stdout.replace("\n", " ")
    assert "[D005]" in run.stderr


def test_a_row_with_fewer_cells_is_not_evaluable(tmp_path):
    i = met_line()
    records = [list(r) for r in RECORDS]
    code = records[i][0]
    del records[i][20]  # one cell left out
    code_, doc = judged(write(tmp_path, records))
    assert code_ == 2
    c = commune(doc, code)
    assert c["status"] == "not_evaluable" and c["criteria_met"] == 0
    assert reasons(c) == {
        f"row has {len(HEADER) - 1} cells but the header has {len(HEADER)} (D005)"
    }


def test_trailing_empty_cells_are_only_separators(tmp_path):
    records = [list(r) + ["", " "] if n % 2 else list(r) for n, r in enumerate(RECORDS)]
    code, doc = judged(write(tmp_path, records))
    sample_code, sample = judged(str(sample_path()))
    assert (code, doc["communes"], doc["errors"]) == (
        sample_code,
        sample["communes"],
        sample["errors"],
    )


def test_a_workbook_row_with_cells_beyond_the_header_is_not_evaluable(tmp_path):
    from conftest import write_xlsx

    i = met_line()
    records = [list(r) for r in RECORDS]
    code = records[i][0]
    records[i].append("ghi chú")
    book = write_xlsx(tmp_path / "data.xlsx", [HEADER, *records])
    code_, doc = judged(str(book))
    assert code_ == 2
    c = commune(doc, code)
    assert c["status"] == "not_evaluable" and c["criteria_met"] == 0
    assert [e["code"] for e in doc["errors"]] == ["D005"]
