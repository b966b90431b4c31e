"""Workbooks that would give a wrong verdict if read naively: hidden sheets, percent
formats on the wrong columns, rows stored out of order, zip bombs.

Ordinary workbooks are built with openpyxl; hostile ones by writing the zip and its XML
parts by hand, as a damaged or malicious file would hold them.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

from conftest import IDENTITY, commune_csv, national_columns, run_cli

COLUMNS = IDENTITY + national_columns()


def _records(overrides: list[dict[str, str]]) -> list[list]:
    """Header and rows (passing communes, with ``overrides``) as a sheet holds them."""
    return list(csv.reader(io.StringIO(commune_csv(overrides))))


def _book(path, sheets: list[tuple[str, list[list], str]]):
    """A workbook of ``(title, rows, state)`` sheets, state 'visible', 'hidden' or
    'veryHidden'."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows, state in sheets:
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        ws.sheet_state = state
    book.save(path)
    return path


def _read_as(stdout: str, column: str) -> list:
    """The value of ``column`` each commune of a JSON document was judged on."""
    return [
        i["value"]
        for c in json.loads(stdout)["communes"]
        for k in c["criteria"]
        for i in k["indicators"]
        if i["column"] == column
    ]


def _statuses(stdout: str) -> list[str]:
    return [c["status"] for c in json.loads(stdout)["communes"]]


# --- 1. hidden sheets -----------------------------------------------------------------


def test_the_first_visible_sheet_is_read_not_a_hidden_one_before_it(tmp_path):
    met = _records([{}])
    short = _records([{"power_system": "Chưa đạt"}])
    book = _book(tmp_path / "b.xlsx", [("Cũ", met, "hidden"), ("Năm 2020", short, "visible")])
    run = run_cli("check", str(book), "--format", "json")
    assert run.code == 0, run.stderr
    assert _statuses(run.stdout) == ["not_met"]
    assert json.loads(run.stdout)["input"]["sheet"] == "Năm 2020"
    assert "[W130]" not in run.stderr
    text = run_cli("check", "b.xlsx", cwd=tmp_path)
    assert "b.xlsx, sheet 'Năm 2020': 1 row(s)" in text.stdout.splitlines()
    vi = run_cli("check", "b.xlsx", "--lang", "vi", cwd=tmp_path)
    assert "b.xlsx, trang tính 'Năm 2020': 1 dòng" in vi.stdout.splitlines()


def test_a_hidden_sheet_is_read_only_when_named_and_then_with_a_warning(tmp_path):
    met = _records([{}])
    short = _records([{"power_system": "Chưa đạt"}])
    book = _book(tmp_path / "b.xlsx", [("Cũ", met, "veryHidden"), ("Mới", short, "visible")])
    run = run_cli("check", str(book), "--sheet", "Cũ", "--format", "jsonl")
    assert run.code == 0, run.stderr
    assert (
        "[W130] sheet 'Cũ' is very hidden (only a macro can show it) in the workbook; "
        "it is read because --sheet names it" in run.stderr
    )
    summary = json.loads(run.stdout.splitlines()[-1])
    assert summary["input"] == {"path": str(book), "sheet": "Cũ", "rows": 1}
    assert "W130" in [w["code"] for w in summary["warnings"]]
    md = run_cli("check", "b.xlsx", "--sheet", "Cũ", "--format", "markdown", cwd=tmp_path)
    assert "b.xlsx, sheet 'Cũ': 1 row(s)" in md.stdout.splitlines()


def test_a_workbook_with_no_visible_sheet_is_refused(tmp_path):
    book = _book(tmp_path / "b.xlsx", [("A", _records([{}]), "visible")])
    # openpyxl will not save a workbook with no visible sheet: hide it in the XML instead
    _rewrite(
        book,
        "xl/workbook.xml",
        lambda xml: xml.replace(b'state="visible" r:id', b'state="hidden" r:id'),
    )
    run = run_cli("check", str(book))
    assert run.code == 3
    assert "[D001] the workbook has no visible worksheet (hidden: 'A')" in run.stderr


def _rewrite(path, part: str, change) -> None:
    """Rewrite one part of a workbook's zip with ``change(bytes) -> bytes``."""
    with zipfile.ZipFile(path) as old:
        parts = [(info, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info, data in parts:
            new.writestr(info, change(data) if info.filename == part else data)


# --- 2. percent-formatted cells -------------------------------------------------------


def _typed_book(path, formats: dict[str, tuple[float, str]]):
    """One passing commune, with ``formats``: column → (stored number, number format)."""
    import openpyxl

    header, row = _records([{}])
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(header)
    ws.append(row)
    for column, (value, number_format) in formats.items():
        cell = ws.cell(2, header.index(column) + 1)
        cell.value, cell.number_format = value, number_format
    book.save(path)
    return path


def test_a_percent_format_scales_only_a_percentage_column(tmp_path):
    book = _typed_book(
        tmp_path / "b.xlsx",
        {"income_per_capita": (0.41, "0%"), "electricity_households_pct": (0.855, "0.0%")},
    )
    run = run_cli("check", str(book), "--format", "json")
    assert _read_as(run.stdout, "income_per_capita") == [0.41]
    assert _read_as(run.stdout, "electricity_households_pct") == [85.5]
    assert _statuses(run.stdout) == ["not_met"]  # an income of 0.41 million VND is short
    assert (
        "!AB2: warning [W131] column 'income_per_capita': the cell is formatted as a "
        "percentage (41%) but the column is not a percentage; read as the stored value 0.41"
    ) in run.stderr
    assert run.stderr.count("[W131]") == 1  # not for the percentage column


def test_a_percent_formatted_yes_no_or_count_cell_is_read_as_stored_with_a_warning(tmp_path):
    book = _typed_book(
        tmp_path / "b.xlsx", {"power_system": (1, "0%"), "temporary_houses": (0, "0.0%")}
    )
    run = run_cli("check", str(book), "--format", "jsonl")
    assert _warned(run.stderr, "W131") == {"power_system", "temporary_houses"}


def test_a_percent_formatted_percentage_above_100_is_shown_as_the_sheet_shows_it(tmp_path):
    book = _typed_book(tmp_path / "b.xlsx", {"electricity_households_pct": (1.2, "0%")})
    run = run_cli("check", str(book))
    assert "value '120%' — expected a percentage from 0 to 100" in run.stderr


def _warned(stderr: str, code: str) -> set[str]:
    """The columns the problem lines on stderr name with ``code``."""
    return {
        line.split("column '")[1].split("'")[0]
        for line in stderr.splitlines()
        if f"[{code}]" in line
    }


# --- 3. rows stored out of order ------------------------------------------------------


def _sheet_xml(rows: list[tuple[int, list[str]]]) -> bytes:
    """A sheet part holding ``rows`` as ``(row number, texts)``, in the order given, as
    inline strings."""
    from xml.sax.saxutils import escape

    def cell(number: int, col: int, text: str) -> str:
        from ntm_eval.input.excel import column_letter

        ref = f"{column_letter(col)}{number}"
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'

    body = "".join(
        f'<row r="{n}">' + "".join(cell(n, i, t) for i, t in enumerate(texts, 1)) + "</row>"
        for n, texts in rows
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
        '"http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def _stored(tmp_path, rows: list[tuple[int, list[str]]]):
    book = _book(tmp_path / "b.xlsx", [("Data", [["x"]], "visible")])
    _rewrite(book, "xl/worksheets/sheet1.xml", lambda _: _sheet_xml(rows))
    return book


def test_rows_stored_out_of_order_are_all_read_in_stored_order(tmp_path):
    header, *rows = _records([{}, {}, {}, {}])
    book = _stored(tmp_path, [(1, header), (2, rows[0]), (5, rows[3]), (3, rows[1]), (4, rows[2])])
    run = run_cli("check", str(book), "--format", "json")
    assert run.code == 0, run.stderr
    communes = json.loads(run.stdout)["communes"]
    assert sorted((c["line"], c["code"]) for c in communes) == [
        (2, rows[0][0]),
        (3, rows[1][0]),
        (4, rows[2][0]),
        (5, rows[3][0]),
    ]
    jsonl = run_cli("check", str(book), "--format", "jsonl")
    assert [json.loads(line)["line"] for line in jsonl.stdout.splitlines()[:-1]] == [2, 5, 3, 4]


def test_a_row_number_stored_twice_is_an_error_and_both_rows_are_read(tmp_path):
    header, first, second, third = _records([{}, {"power_system": "Chưa đạt"}, {}])
    book = _stored(tmp_path, [(1, header), (2, first), (3, second), (4, third), (3, first)])
    run = run_cli("check", str(book), "--format", "jsonl")
    assert run.code == 3
    assert (
        "b.xlsx:Data!3:3: error [D050] row 3 is stored twice in the sheet (the 3rd and the "
        "5th row stored); Excel shows only one of them — both are read"
    ) in run.stderr
    lines = [json.loads(line) for line in run.stdout.splitlines()[:-1]]
    assert [(c["line"], c["code"], c["status"]) for c in lines] == [
        (2, first[0], "met"),
        (3, second[0], "not_met"),
        (4, third[0], "met"),
        (3, first[0], "not_evaluable"),  # the commune of line 2 again (D023): held back
    ]
    assert "[D023]" in run.stderr


# --- 4. zip bombs and giant parts -----------------------------------------------------


_STRINGS_TYPE = (
    b'<Override PartName="/%s" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def _bomb(path, part: str, size: int, letter: bytes = b"a") -> None:
    """Replace ``part`` of the workbook at ``path`` by ``size`` bytes of one repeated
    letter inside a shared string, written to the zip in chunks (little memory)."""
    with zipfile.ZipFile(path) as old:
        parts = [(info, old.read(info)) for info in old.infolist() if info.filename != part]
    chunk = letter * 2**20
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info, data in parts:
            if info.filename == "[Content_Types].xml":  # so that openpyxl reads the part
                data = data.replace(b"</Types>", _STRINGS_TYPE % part.encode() + b"</Types>")
            new.writestr(info, data)
        with new.open(part, "w", force_zip64=True) as out:
            out.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            out.write(b"<si><t>")
            for _ in range(size // len(chunk)):
                out.write(chunk)
            out.write(b"</t></si></sst>")


def test_a_shared_string_bomb_is_refused_by_its_size_before_it_is_read(tmp_path):
    book = _book(tmp_path / "b.xlsx", [("Data", _records([{}]), "visible")])
    _bomb(book, "xl/sharedStrings.xml", 300 * 2**20)
    assert book.stat().st_size < 2**20
    part = zipfile.ZipFile(book).getinfo("xl/sharedStrings.xml")
    run = run_cli("check", str(book))
    assert run.code == 3
    assert (
        f"error [D001] part 'xl/sharedStrings.xml' of the workbook unpacks to "
        f"{part.file_size:,} bytes from {part.compress_size:,} in the file; "
    ) in run.stderr
    assert "more than the shared strings may hold (268,435,456 bytes)" in run.stderr


def test_a_part_compressed_too_well_is_refused(tmp_path):
    book = _book(tmp_path / "b.xlsx", [("Data", _records([{}]), "visible")])
    _bomb(book, "xl/sharedStrings.xml", 32 * 2**20)
    run = run_cli("check", str(book), "--format", "json")
    assert run.code == 3
    assert "compressed more than 100:1, far more than real data is" in run.stderr
    assert json.loads(run.stdout)["errors"][0]["code"] == "D001"


def test_a_cell_longer_than_excel_allows_is_refused(tmp_path):
    header, row = _records([{}])
    long = _stored(tmp_path, [(1, header), (2, [row[0], "x" * 40_000, *row[2:]])])
    run = run_cli("check", str(long))
    assert run.code == 3
    assert "b.xlsx:Data!B2: error [D051] the cell holds more than 32,767 characters" in run.stderr


def test_a_shared_string_longer_than_excel_allows_is_refused(tmp_path):
    book = _book(tmp_path / "b.xlsx", [("Data", _records([{}]), "visible")])
    _bomb(book, "xl/sharedStrings.xml", 2**20)  # 1 MB, compressed well but small
    run = run_cli("check", str(book))
    assert run.code == 3
    assert "[D051] shared string 0 holds 1,048,576 characters" in run.stderr


# --- 5. reading as it comes -----------------------------------------------------------


def test_inline_strings_read_as_openpyxl_reads_them(tmp_path, monkeypatch):
    """Plain inline strings are read by a short way (``excel._parser``); rich and phonetic
    ones by openpyxl's. Every kind reads as openpyxl's own read-only sheet reads it."""
    import openpyxl
    from openpyxl.cell.text import Text

    from ntm_eval.input.excel import Sheet

    book = _stored(tmp_path, [(1, ["a", " b ", "Đạt", ""])])
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rich = (
        '<c r="E1" t="inlineStr"><is><r><t>Đ</t></r><r><rPr><b/></rPr><t>ạt</t></r></is></c>'
        '<c r="F1" t="inlineStr"><is><t>Hà</t><rPh sb="0" eb="1"><t>ha</t></rPh></is></c>'
        '<c r="G1" t="inlineStr"><is><t/></is></c><c r="H1" t="inlineStr"/>'
        '<c r="I1" t="inlineStr"><is><t>x</t></is></c>'
    )
    _rewrite(
        book,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"</row>", rich.encode() + b"</row>"),
    )
    assert main.encode() in zipfile.ZipFile(book).read("xl/worksheets/sheet1.xml")
    theirs = next(openpyxl.load_workbook(book, read_only=True).active.iter_rows(values_only=True))
    built = []  # the inline strings openpyxl built a rich-text object for
    made = Text.from_tree.__func__
    monkeypatch.setattr(Text, "from_tree", classmethod(lambda *a: built.append(1) or made(*a)))
    ours = list(Sheet(book, "b.xlsx", None).rows())
    assert ours == [(1, list(theirs))]
    assert ours[0][1][4:6] == ["Đạt", "Hà"]
    assert len(built) == 2  # the rich and the phonetic ones only


def test_a_sheet_is_read_as_it_comes_with_progress(tmp_path, monkeypatch):
    """The first batch is given, with its progress, before the rest of the sheet is read;
    the second look (``again``) reads the sheet once more, from the start."""
    from ntm_eval.input import excel
    from ntm_eval.input.source import Source, open_source

    header, *rows = _records([{} for _ in range(3000)])
    book = _book(tmp_path / "b.xlsx", [("Data", [header, *rows], "visible")])
    parsed = []  # rows parsed so far
    values = excel._values
    monkeypatch.setattr(excel, "_values", lambda cells, pct: parsed.append(1) or values(cells, pct))
    told = []  # (share told, line, rows parsed by then)
    opened = open_source(
        Source(book),
        lambda _: True,
        1024,
        progress=lambda share, line: told.append((share, line, len(parsed))),
    )
    lines = [line for batch, _ in opened.batches for line in batch]
    assert lines == list(range(1, 3002))
    assert [line for _, line, _ in told] == [1024, 2048, 3001]
    assert told[0][2] < 3001 and 0 < told[0][0] < told[1][0] < told[2][0] == 1.0
    parsed.clear()
    assert next(opened.again()) == (1, header)
    assert len(parsed) < 3001


def test_two_rows_stored_on_one_line_keep_their_own_numbers(tmp_path):
    """Ambiguous numbers (``1.234``, settled by the file's ``99,5``) on two rows stored
    with the same row number are settled each for its own row."""
    header, first, second = _records([{}, {}])
    at = header.index("income_per_capita")
    first[at], second[at] = "1.234", "50"
    second[header.index("temporary_houses")] = "1.000"
    first[header.index("electricity_households_pct")] = "99,5"  # ',' marks decimals here
    second[0] = "20000"
    book = _stored(tmp_path, [(1, header), (2, first), (2, second)])
    run = run_cli("check", str(book), "--format", "json")
    assert sorted(_read_as(run.stdout, "income_per_capita")) == [50, 1234]
    assert sorted(_read_as(run.stdout, "temporary_houses")) == [0, 1000]
