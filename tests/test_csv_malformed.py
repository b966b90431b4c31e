"""Malformed CSV files never give a wrong verdict: a row whose cells cannot be placed
under the header, a stray quote, a cell too long to read — each is an error at its place,
its commune not evaluable, and every other row read and judged as usual."""

from __future__ import annotations

import csv
import io
import json

import pytest
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
    assert code_ == 3
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
    assert run.code == 3
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
    assert code_ == 3
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
    assert code_ == 3
    c = commune(doc, code)
    assert c["status"] == "not_evaluable" and c["criteria_met"] == 0
    assert [e["code"] for e in doc["errors"]] == ["D005"]


# --- 2. stray quotes ---------------------------------------------------------------------

NOTES = [*HEADER, "ghi_chu"]  # a notes column the rules do not use


def with_notes(notes: dict[int, str] | None = None) -> list[str]:
    """The sample's lines with a notes column (``notes``: record index → note), as text
    lines: a stray quote is written as typed, not as a CSV writer would escape it."""
    notes = notes or {}
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([NOTES, *[[*r, ""] for r in RECORDS]])
    lines = out.getvalue().splitlines()
    for i, note in notes.items():
        lines[i + 1] += note
    return lines


def write_lines(tmp_path, lines: list[str], name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def rows_seen(lines: list[str]) -> int:
    """The oracle: the data lines that look like rows (a code, then a separator)."""
    return sum(1 for line in lines[1:] if line[:5].isdigit() and line[5:6] == ",")


def outcome(path: str) -> tuple[int, dict[str, str], list[tuple[str, int | None]]]:
    code, doc = judged(path)
    statuses = {c["code"]: c["status"] for c in doc["communes"]}
    assert len(statuses) == len(doc["communes"])
    return code, statuses, [(e["code"], e["line"]) for e in doc["errors"]]


def test_a_stray_quote_that_never_closes_loses_no_commune(tmp_path):
    clean = outcome(write_lines(tmp_path, with_notes(), "clean.csv"))
    lines = with_notes({3: '"xem phụ lục'})
    code, statuses, errors = outcome(write_lines(tmp_path, lines))
    assert len(statuses) == rows_seen(lines) == len(RECORDS)
    assert (code, errors) == (3, [("D006", 5)])
    stray = RECORDS[3][0]
    assert statuses[stray] == "not_evaluable"
    assert {k: v for k, v in statuses.items() if k != stray} == {
        k: v for k, v in clean[1].items() if k != stray
    }
    _, doc = judged(write_lines(tmp_path, lines))
    assert reasons(commune(doc, stray)) == {"stray quote in column 57 ('ghi_chu') (D006)"}
    assert "does not close within 90 lines (5–94)" in doc["errors"][0]["message"]


def test_a_stray_quote_in_a_measure_cell(tmp_path):
    lines = with_notes()
    at = lines[11].index(",Đạt,") + 1
    lines[11] = lines[11][:at] + '"' + lines[11][at:]
    code, statuses, errors = outcome(write_lines(tmp_path, lines))
    assert len(statuses) == rows_seen(lines)
    assert code == 3 and [c for c, _ in errors] == ["D006"] and errors[0][1] == 12
    assert statuses[RECORDS[10][0]] == "not_evaluable"


def test_two_stray_quotes_that_close_each_other(tmp_path):
    """The quote on line 5 closes at the one on line 20: one record of the right width,
    but the lines it swallowed look like rows — both quotes are strays."""
    lines = with_notes({3: '"xem phụ lục', 18: 'còn thiếu"'})
    code, statuses, errors = outcome(write_lines(tmp_path, lines))
    assert len(statuses) == rows_seen(lines) == len(RECORDS)
    assert (code, [c for c, _ in errors]) == (3, ["D006"])
    assert statuses[RECORDS[3][0]] == "not_evaluable"


def test_a_stray_quote_on_the_last_line(tmp_path):
    lines = with_notes({len(RECORDS) - 1: '"xem'})
    code, statuses, errors = outcome(write_lines(tmp_path, lines))
    assert len(statuses) == len(RECORDS)
    assert (code, errors) == (3, [("D006", len(RECORDS) + 1)])


def test_a_quoted_note_over_several_lines_is_fine(tmp_path):
    clean = outcome(write_lines(tmp_path, with_notes(), "clean.csv"))
    lines = with_notes({3: '"xem\nphụ lục 2,\nvà 3"'})  # Alt+Enter in an unused column
    path = write_lines(tmp_path, lines)
    assert outcome(path) == clean
    _, doc = judged(path)
    assert [c["line"] for c in doc["communes"]][3:6] == [5, 8, 9]


@pytest.mark.parametrize("column, evaluable", [("commune_name", True), ("poverty_rate_pct", False)])
def test_a_line_break_in_an_identity_or_measure_cell(tmp_path, column, evaluable):
    records = [list(r) for r in RECORDS]
    i = HEADER.index(column)
    records[3][i] = records[3][i][:1] + "\n" + records[3][i][1:]
    code, doc = judged(write(tmp_path, records))
    assert code == 3
    errors = [(e["code"], e["line"], e["col"]) for e in doc["errors"]]
    assert [e for e in errors if e[0] == "D006"] == errors[:1] == [("D006", 5, i + 1)]
    assert "runs over 2 lines" in doc["errors"][0]["message"]
    (indicator,) = [
        x
        for c in commune(doc, records[3][0])["criteria"]
        for x in c["indicators"]
        if x["column"] == column
    ] or [None]
    assert evaluable or indicator["status"] == "not_evaluable"
    assert [c["line"] for c in doc["communes"]][3:5] == [5, 7]


def test_both_readers_split_a_stray_quote_alike(tmp_path):
    from ntm_eval.input.csvfile import iter_records, read_records

    lines = with_notes({3: '"xem phụ lục', 18: 'còn thiếu"', 40: '"a'})
    path = tmp_path / "data.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    known = lambda cell: cell in HEADER  # noqa: E731
    whole = read_records(path, "data.csv", known)
    streamed = list(iter_records(path, "data.csv", known))
    assert [(line, list(c), getattr(c, "why", None)) for line, c in whole] == [
        (line, list(c), getattr(c, "why", None)) for line, c in streamed
    ]
    # the closing quote on line 20 ends an unquoted cell: a letter, as the csv module reads it
    assert [line for line, c in whole if getattr(c, "why", None)] == [5, 42]


def test_the_lane_reads_a_stray_quote_as_the_row_reader(tmp_path):
    from pathlib import Path

    from test_lane import assert_lane_is_plain, plain

    lines = with_notes({3: '"xem phụ lục', 18: 'còn thiếu"', 40: '"a'})
    path = Path(write_lines(tmp_path, lines))
    assert [(p.code, p.line) for p in plain(path).errors] == [("D006", 5), ("D006", 42)]
    assert_lane_is_plain(path)


def test_a_line_break_is_read_alike_on_every_path(tmp_path):
    """The check lives in the column readers: the lane and the row-by-row reader report
    it alike, and a workbook cell typed with Alt+Enter is the same error."""
    from pathlib import Path

    from conftest import write_xlsx
    from test_lane import assert_lane_is_plain

    records = [list(r) for r in RECORDS]
    i, j = HEADER.index("commune_name"), HEADER.index("poverty_rate_pct")
    records[3][i] = "Tân\nBình"
    records[7][j] = "3\r\n5"
    records[9][j] = records[7][j]
    assert_lane_is_plain(Path(write(tmp_path, records)))
    book = write_xlsx(tmp_path / "data.xlsx", [HEADER, *records])
    code, doc = judged(str(book))
    assert code == 3
    assert [(e["code"], e["cell"]) for e in doc["errors"] if e["code"] == "D006"] == [
        ("D006", "Sheet1!B5"),
        ("D006", "Sheet1!AC9"),
        ("D006", "Sheet1!AC11"),
    ]


# --- 4. cells too long to read -----------------------------------------------------------


@pytest.mark.parametrize("quoted", [False, True])
@pytest.mark.parametrize("column", ["ghi_chu", "poverty_rate_pct"])
def test_a_huge_cell_is_an_error_of_its_row(tmp_path, column, quoted):
    clean = outcome(write_lines(tmp_path, with_notes(), "clean.csv"))
    lines = with_notes()
    cells = next(csv.reader([lines[5]]))
    huge = "x" * 200_000
    cells[NOTES.index(column)] = f'"{huge}"' if quoted else huge
    lines[5] = ",".join(cells)
    path = write_lines(tmp_path, lines)
    code, statuses, errors = outcome(path)
    assert (code, errors) == (3, [("D007", 6)])
    stray = RECORDS[4][0]
    assert statuses[stray] == "not_evaluable"
    assert {k: v for k, v in statuses.items() if k != stray} == {
        k: v for k, v in clean[1].items() if k != stray
    }
    _, doc = judged(path)
    message = doc["errors"][0]["message"]
    assert "200,000 characters long" in message and "131,072" in message
    assert len(message) < 300


# --- 3. encodings named with --encoding ---------------------------------------------------


def sample_text() -> str:
    return sample_path().read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "codec, named",
    [
        ("utf-16-le", "utf-16"),
        ("utf-16-be", "utf-16"),
        ("utf-32-le", "utf-32"),
        ("utf-32-be", "utf-32"),
        ("utf-16-le", "UTF16"),
    ],
)
def test_utf16_and_utf32_without_a_mark_are_read_in_their_byte_order(tmp_path, codec, named):
    path = tmp_path / "data.csv"
    path.write_bytes(sample_text().encode(codec))
    run = run_cli("check", str(path), "--encoding", named, "-f", "json")
    expected = run_cli("check", str(sample_path()), "-f", "json")
    assert (run.code, json.loads(run.stdout)["communes"]) == (
        expected.code,
        json.loads(expected.stdout)["communes"],
    )


def test_an_order_that_cannot_be_told_is_refused(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(sample_text().encode("utf-32-le"))  # not UTF-16 in either order
    run = run_cli("check", str(path), "--encoding", "utf-16")
    assert run.code == 3 and run.stdout == ""
    assert "[D001]" in run.stderr and "--encoding utf-16-le or --encoding utf-16-be" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    "name", ["rot13", "rot_13", "zlib", "base64", "hex", "bz2", "uu", "quopri", "zip"]
)
@pytest.mark.parametrize("command", ["check", "gaps"])
def test_a_codec_that_is_no_text_encoding_is_refused(name, command):
    run = run_cli(command, str(sample_path()), "--encoding", name)
    assert run.code == 3 and run.stdout == ""
    assert f"[D001] '{name}' (given with --encoding) is not a text encoding" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("name", ["idna", "punycode", "utf-7"])
def test_a_text_encoding_the_file_is_not_in_is_refused(name):
    run = run_cli("check", str(sample_path()), "--encoding", name)
    assert run.code == 3 and "[D001] not " in run.stderr and "Traceback" not in run.stderr
