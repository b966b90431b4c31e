"""--format xlsx: the workbooks of check, gaps and compare, read back with openpyxl (and
opened by LibreOffice), cell for cell against --format json."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import DATA, NTM_EVAL

openpyxl = pytest.importorskip("openpyxl")

DATA_2020 = DATA / "2020.csv"
WORDS_VI = {"met": "✓ Đạt", "not_met": "✗ Chưa đạt", "not_evaluable": "? Chưa đánh giá được"}
WORDS_EN = {"met": "✓ met", "not_met": "✗ not met", "not_evaluable": "? not evaluable"}
FILLS = {"met": "C6EFCE", "not_met": "FFC7CE", "not_evaluable": "FFEB9C"}


def _json(cli, *args: str) -> dict:
    result = cli(*args, "--format", "json")
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)


def _book(path: Path):
    return openpyxl.load_workbook(path)


def _no_formula(book) -> int:
    """Every cell of every sheet: none is a formula. The number of cells read."""
    n = 0
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}: {cell.value!r}"
                n += 1
    return n


def test_check_workbook_matrix_agrees_with_json(cli, tmp_path):
    out = tmp_path / "ket-qua.xlsx"
    result = cli("check", str(DATA_2020), "--lang", "vi", "-o", str(out))  # xlsx by its name
    assert result.code == 0, result.stderr
    assert out.read_bytes().startswith(b"PK\x03\x04")
    doc = _json(cli, "check", str(DATA_2020))
    book = _book(out)
    assert book.sheetnames == ["Tổng hợp", "Kết quả theo tiêu chí", "Chi tiết chỉ tiêu"]
    assert _no_formula(book) > 5000
    matrix = book["Kết quả theo tiêu chí"]
    assert matrix.freeze_panes == "F2"
    rows = list(matrix.iter_rows())
    header = [c.value for c in rows[0]]
    criteria = list(doc["communes"][0]["criteria"])
    assert len(criteria) == 19 and len(header) == 5 + 19
    assert header[5:] == [f"{k['id']} {k['name_vi']}" for k in criteria]
    assert matrix.auto_filter.ref == f"A1:X{len(doc['communes']) + 1}"
    body = rows[1:]
    assert len(body) == len(doc["communes"]) == 93
    for row, commune in zip(body, doc["communes"]):
        code, name, district, met, status, *cells = row
        assert code.data_type == "s" and code.value == commune["code"]
        assert (name.value, district.value) == (commune["name"], commune["district"])
        assert met.value == commune["criteria_met"] and met.data_type == "n"
        assert met.number_format == '0"/19"'
        assert status.value == WORDS_VI[commune["status"]]
        assert len(cells) == 19
        for cell, k in zip(cells, commune["criteria"]):
            assert cell.value == WORDS_VI[k["status"]], (commune["code"], k["id"])
            assert cell.fill.fgColor.rgb.endswith(FILLS[k["status"]])


def test_check_workbook_indicators_and_summary(cli, tmp_path):
    out = tmp_path / "results.xlsx"
    assert cli("check", str(DATA_2020), "--format", "xlsx", "-o", str(out)).code == 0
    doc = _json(cli, "check", str(DATA_2020))
    book = _book(out)
    assert book.sheetnames == ["Summary", "Matrix", "Indicators"]  # English with --lang en
    assert book["Matrix"]["E2"].value in WORDS_EN.values()
    expected = [
        (c["code"], i) for c in doc["communes"] for k in c["criteria"] for i in k["indicators"]
    ]
    rows = list(book["Indicators"].iter_rows(min_row=2))
    assert len(rows) == len(expected)
    kinds = set()
    for row, (code, i) in zip(rows, expected):
        assert row[0].value == code and row[3].value == i["id"]
        value, threshold, gap = row[5], row[7], row[10]
        kinds.add(i["kind"])
        if i["value"] is None:
            assert value.value is None
        elif i["kind"] == "bool":
            assert value.value == ("Đạt" if i["value"] else "Chưa đạt")
        elif i["kind"] == "pct":  # a share, shown as a percent
            assert value.data_type == "n" and value.number_format == "0.0%"
            assert value.value == pytest.approx(i["value"] / 100)
            assert threshold.value == pytest.approx(i["threshold"] / 100)
        else:
            assert value.data_type == "n" and value.value == pytest.approx(i["value"])
        if i["gap"] is not None and i["kind"] != "bool":
            scale = 100 if i["kind"] == "pct" else 1
            assert gap.value == pytest.approx(i["gap"] / scale)
        assert row[11].value == WORDS_EN[i["status"]]
        assert row[9].value == i["unit"]
        assert row[8].value == i["threshold_from"]
    assert {"pct", "bool", "count"} <= kinds

    summary = {row[0]: row[1:] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    s = doc["summary"]
    assert summary["Communes"][0] == s["communes"]
    assert summary["Meet the standard"][0] == s["met"]
    assert summary["Do not meet it"][0] == s["not_met"]
    assert summary["Could not be evaluated"][0] == s["not_evaluable"]
    assert summary["Rule set"][0] == doc["ruleset"]["id"]
    for band in s["bands"]:
        assert summary[band["label"]][0] == band["communes"]
    for k in s["by_criterion"]:
        assert summary[k["id"]][1:4] == (k["met"], k["not_met"], k["not_evaluable"])
    districts = {c["district"] for c in doc["communes"]}
    for d in districts:
        mine = [c for c in doc["communes"] if c["district"] == d]
        met = sum(c["status"] == "met" for c in mine)
        assert summary[d][:2] == (len(mine), met)
    assert summary["Data problems"][0] == "none"


def _hostile(tmp_path: Path) -> Path:
    """data/2020.csv with typed cells a spreadsheet would run, or that hold controls."""
    rows = list(csv.reader(io.StringIO(DATA_2020.read_text(encoding="utf-8"))))
    rows[1][1] = '=HYPERLINK("http://evil.example","click")'
    rows[2][1] = "@SUM(A1)\x1b]0;owned\x07"
    rows[3][2] = "+1-2"
    rows[4][0] = "007"  # leading zeros kept: a code is text
    path = tmp_path / "hostile.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_typed_text_is_never_a_formula(cli, tmp_path):
    data = _hostile(tmp_path)
    out = tmp_path / "hostile.xlsx"
    result = cli("check", str(data), "--lang", "vi", "-o", str(out))
    assert result.code == 3  # 007 is not in the unit list: problems, and still a workbook
    book = _book(out)
    _no_formula(book)
    assert book.sheetnames[-1] == "Lỗi dữ liệu"
    matrix = {row[0].value: row for row in book["Kết quả theo tiêu chí"].iter_rows(min_row=2)}
    names = {row[1].value: row[1] for row in matrix.values()}
    evil = names['=HYPERLINK("http://evil.example","click")']
    assert evil.data_type == "s" and evil.quotePrefix
    assert "@SUM(A1)\\x1b]0;owned\\x07" in names  # controls shown as printable shows them
    assert any(row[2].value == "+1-2" and row[2].data_type == "s" for row in matrix.values())
    assert "007" in matrix and matrix["007"][0].data_type == "s"
    problems = list(book["Lỗi dữ liệu"].iter_rows(min_row=2, values_only=True))
    doc = json.loads(cli("check", str(data), "--format", "json").stdout)
    assert len(problems) == len(doc["errors"]) + len(doc["warnings"]) > 0
    codes = {p[2] for p in problems}
    assert codes == {p["code"] for p in doc["errors"] + doc["warnings"]}
    link = next(row[1] for row in book["Tổng hợp"].iter_rows() if row[0].value == "Lỗi dữ liệu")
    assert link.hyperlink is not None and "Lỗi dữ liệu" in (
        link.hyperlink.location or link.hyperlink.target or ""
    )


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "text", "-o", "x.xlsx"),
        ("--format", "csv", "-o", "x.XLSX"),
        ("--format", "xlsx", "-o", "x.csv"),
        ("--format", "xlsx", "-o", "x"),
    ],
)
@pytest.mark.parametrize("command", ["check", "gaps"])
def test_a_format_that_does_not_fit_the_name_is_refused(cli, tmp_path, args, command):
    result = cli(command, str(DATA_2020), *args, cwd=tmp_path)
    assert result.code == 2 and "[U013]" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary file


def test_compare_format_that_does_not_fit_is_refused(cli, tmp_path):
    old = DATA / "2020-self-assessment.csv"
    result = cli("compare", str(old), str(DATA_2020), "-o", str(tmp_path / "c.xlsx"), "-f", "json")
    assert result.code == 2 and "[U013]" in result.stderr


def test_workbook_to_a_terminal_is_refused_to_a_pipe_written(tmp_path):
    main, other = pty.openpty()
    try:
        proc = subprocess.run(
            [str(NTM_EVAL), "check", str(DATA_2020), "--format", "xlsx"],
            stdout=other,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    finally:
        os.close(other)
        os.close(main)
    assert proc.returncode == 2 and b"[U014]" in proc.stderr and b"-o FILE.xlsx" in proc.stderr
    piped = subprocess.run(
        [str(NTM_EVAL), "check", str(DATA_2020), "--format", "xlsx"],
        capture_output=True,
        timeout=120,
    )
    assert piped.returncode == 0 and piped.stdout.startswith(b"PK\x03\x04")
    path = tmp_path / "piped.xlsx"
    path.write_bytes(piped.stdout)
    assert _book(path)["Matrix"].max_row == 94


def test_filtered_check_workbook(cli, tmp_path):
    out = tmp_path / "f.xlsx"
    args = ("check", str(DATA_2020), "--criterion", "11", "--district", "Tuy Phong")
    assert cli(*args, "-o", str(out)).code == 0
    doc = _json(cli, *args)
    rows = list(_book(out)["Matrix"].iter_rows(values_only=True))
    assert len(rows[0]) == 6 and rows[0][5].startswith("11 ")
    assert [r[0] for r in rows[1:]] == [c["code"] for c in doc["communes"]]
    assert [r[5] for r in rows[1:]] == [
        WORDS_EN[c["criteria"][0]["status"]] for c in doc["communes"]
    ]


def test_gaps_workbook(cli, tmp_path):
    out = tmp_path / "gaps.xlsx"
    assert cli("gaps", str(DATA_2020), "--lang", "vi", "-o", str(out)).code == 0
    doc = _json(cli, "gaps", str(DATA_2020))
    book = _book(out)
    _no_formula(book)
    rows = list(book["Xã gần đạt chuẩn"].iter_rows(min_row=2, values_only=True))
    expected = [
        (c["rank"], c["code"], i["indicator"]) for c in doc["candidates"] for i in c["items"]
    ]
    assert [(r[0], r[1], r[6]) for r in rows] == expected and expected


def test_compare_workbook(cli, tmp_path):
    out = tmp_path / "compare.xlsx"
    old = DATA / "2020-self-assessment.csv"
    assert cli("compare", str(old), str(DATA_2020), "-o", str(out)).code == 0
    doc = _json(cli, "compare", str(old), str(DATA_2020))
    book = _book(out)
    _no_formula(book)
    communes = list(book["Communes"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in communes] == [c["code"] for c in doc["communes"]] and communes
    standard = {"gained": "gained the standard", "lost": "lost the standard"}
    for row, c in zip(communes, doc["communes"]):
        assert row[3] == WORDS_EN[c["old_status"]] and row[4] == WORDS_EN[c["new_status"]]
        if c["standard"]:
            assert row[7] == standard[c["standard"]]
    changes = list(book["Changes"].iter_rows(min_row=2, values_only=True))
    assert len(changes) == sum(len(c["values"]) for c in doc["communes"])
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["gained the standard"] == len(doc["summary"]["gained"])
    assert summary["lost the standard"] == len(doc["summary"]["lost"])


SOFFICE = shutil.which("soffice")
PDFTOPPM = shutil.which("pdftoppm")


@pytest.mark.skipif(
    SOFFICE is None or PDFTOPPM is None,
    reason="LibreOffice (soffice) or pdftoppm missing: apt-get install libreoffice-calc "
    "poppler-utils (.ci/run does)",
)
def test_libreoffice_opens_the_workbook(cli, tmp_path):
    out = tmp_path / "ket-qua.xlsx"
    assert cli("check", str(DATA_2020), "--lang", "vi", "-o", str(out)).code == 0
    profile = tmp_path / "profile"
    proc = subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        capture_output=True,
        timeout=300,
    )
    pdf = tmp_path / "ket-qua.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        [str(PDFTOPPM), "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
        timeout=120,
    )
    assert list(tmp_path.glob("p*.png"))


@pytest.mark.parametrize("fmt", ["text", "csv", "json"])
def test_openpyxl_is_imported_only_to_read_a_workbook(fmt, tmp_path):
    """Start-up speed: a command that writes no workbook does not import the workbook
    writer, and one that writes a workbook does not import openpyxl (``render.ooxml``
    writes it; openpyxl reads workbooks and writes templates)."""
    import sys

    probe = (
        "import sys\n"
        "from ntm_eval.cli import main\n"
        f"sys.argv = ['ntm-eval', 'check', {str(DATA_2020)!r}, '-f', {fmt!r}, '-o', {str(tmp_path / 'out')!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('openpyxl' in sys.modules, 'ntm_eval.render.xlsx' in sys.modules)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert proc.stdout.split() == ["False", "False"], proc.stderr
    assert (tmp_path / "out").stat().st_size > 0
    probe = probe.replace(f"'-f', {fmt!r}", "'-f', 'xlsx'").replace("'out'", "'out.xlsx'")
    probe = probe.replace(str(tmp_path / "out"), str(tmp_path / "out.xlsx"))
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert proc.stdout.split() == ["False", "True"], proc.stderr  # the probe can tell


def test_indicators_go_on_over_further_sheets_past_the_last_row(tmp_path, monkeypatch):
    """Past Excel's last row the Indicators go on in "Indicators (2)", … (a sheet of
    1,000 rows here): each with its header, frozen panes and auto-filter, the rows in
    order, none lost or repeated, a commune's rows split where the sheet is full."""
    from conftest import run_in_process

    from ntm_eval.render import xlsx

    whole = tmp_path / "whole.xlsx"
    assert run_in_process("check", str(DATA_2020), "-o", str(whole)).code == 0
    expected = list(_book(whole)["Indicators"].iter_rows(values_only=True))
    monkeypatch.setattr(xlsx, "MAX_ROWS", 1000)
    split = tmp_path / "split.xlsx"
    assert run_in_process("check", str(DATA_2020), "-o", str(split)).code == 0
    book = _book(split)
    sheets = [ws for ws in book if ws.title.startswith("Indicators")]
    n = -(-(len(expected) - 1) // 999)  # 999 rows under each header
    assert n > 2 and [ws.title for ws in sheets] == ["Indicators"] + [
        f"Indicators ({i})" for i in range(2, n + 1)
    ]
    assert book.sheetnames == ["Summary", "Matrix", *(ws.title for ws in sheets)]
    rows = []
    for ws in sheets:
        got = list(ws.iter_rows(values_only=True))
        assert got[0] == expected[0] and 1 < len(got) <= 1000
        assert ws.freeze_panes == "D2" and ws.auto_filter.ref == f"A1:N{len(got)}"
        rows += got[1:]
    assert rows == expected[1:]


def test_the_same_run_writes_the_same_workbook(cli, tmp_path):
    """Byte for byte, but for the time of the run (zip entries carry a fixed date)."""
    import re
    import zipfile

    books = []
    for name in ("a.xlsx", "b.xlsx"):
        assert cli("check", str(DATA_2020), "-o", str(tmp_path / name)).code == 0
        with zipfile.ZipFile(tmp_path / name) as z:
            assert z.testzip() is None
            assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
            parts = {i.filename: z.read(i) for i in z.infolist()}
        summary = parts["xl/worksheets/sheet1.xml"]
        parts["xl/worksheets/sheet1.xml"] = re.sub(rb'(r="B5"[^>]*><v>)[^<]+', rb"\1", summary)
        books.append(parts)
    assert books[0] == books[1]
    assert list(books[0])[:1] == ["_rels/.rels"]  # what tells a file it is a package


def test_text_xml_cannot_hold_is_shown_escaped(cli, tmp_path):
    """U+FFFE and U+FFFF (which ``printable`` lets through) cannot be in XML: shown as
    ``<U+FFFE>``, the workbook still opens; a text that looks like OOXML's own escape
    (``_x0041_``) reads back as typed."""
    rows = list(csv.reader(io.StringIO(DATA_2020.read_text(encoding="utf-8"))))
    rows[1][1] = "Xã\ufffe Một\uffff"
    rows[2][1] = "Xã _x0041_ & <b>"
    data = tmp_path / "odd.csv"
    with data.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    out = tmp_path / "odd.xlsx"
    assert cli("check", str(data), "-o", str(out)).code in (0, 3)
    names = [r[1] for r in _book(out)["Matrix"].iter_rows(min_row=2, values_only=True)]
    assert "Xã<U+FFFE> Một<U+FFFF>" in names and "Xã _x0041_ & <b>" in names


def test_the_writer_holds_bounded_memory_for_many_distinct_texts():
    """200,000 rows of texts that all differ: the shared-string table and the cells
    remembered stop growing at their bound, rows go out as they come."""
    import tracemalloc

    from ntm_eval.render import ooxml

    class Sink(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, b) -> int:
            return len(b)

    tracemalloc.start()
    try:
        book = ooxml.Book(Sink())  # type: ignore[arg-type]
        ws = book.sheet("Data", (10, 20))
        for i in range(200_000):
            ws.row([book.text(f"commune {i:06d}"), book.number(i / 7)])
        book.close()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(book.strings) == ooxml.SHARED
    assert peak < 40 * 2**20, peak


def test_cells_excel_cannot_hold_are_written_as_it_can(tmp_path):
    """A text longer than a cell holds is cut, with a note of its length; a number that is
    not finite is an empty cell (as openpyxl wrote it); a float has 16 digits."""
    from ntm_eval.render import ooxml

    path = tmp_path / "b.xlsx"
    with path.open("wb") as f:
        book = ooxml.Book(f)
        ws = book.sheet("Data", (10,), freeze="B2")
        long = "x" * 40_000
        ws.row([book.text(long), book.number(float("nan")), book.number(float("inf"))])
        ws.row([book.number(5.8 / 100), book.number(7), book.text("=1+1"), book.text("")])
        book.close()
    ws = _book(path)["Data"]
    assert ws["A1"].value.startswith("x" * 32_000) and ws["A1"].value.endswith(
        "… (40,000 characters)"
    )
    assert len(ws["A1"].value) <= 32_767
    assert ws["B1"].value is None and ws["C1"].value is None
    assert ws["A2"].value == 0.058 and ws["B2"].value == 7 and ws["B2"].data_type == "n"
    assert ws["C2"].value == "=1+1" and ws["C2"].data_type == "s" and ws["C2"].quotePrefix
    assert ws["D2"].value is None and ws.freeze_panes == "B2"
