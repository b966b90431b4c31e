"""Real-world input files: Excel workbooks, CSV dialects and encodings, Vietnamese headers."""

import json

import pytest
from conftest import DATA, sample_rows, verdicts, vietnamese_headers, write_xlsx


@pytest.fixture(scope="module")
def csv_verdicts():
    from conftest import run_cli

    result = run_cli("check", str(DATA / "2020.csv"), "--format", "json")
    assert result.code == 0, result.stderr
    return verdicts(result.stdout)


def cp1258(text: str) -> bytes:
    """Windows Vietnamese: vowels precomposed, tone marks as combining characters."""
    import unicodedata

    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def decimal_commas(row: list[str]) -> list[str]:
    return [cell.replace(".", ",") for cell in row]


def test_sample_as_xlsx_with_vietnamese_headers_and_decimal_commas_gives_the_same_verdicts(
    cli, tmp_path, csv_verdicts
):
    header, rows = sample_rows()
    book = write_xlsx(
        tmp_path / "2020.xlsx", [vietnamese_headers(header)] + [decimal_commas(r) for r in rows]
    )
    result = cli("check", str(book), "--format", "json")
    assert result.code == 0, result.stderr
    assert verdicts(result.stdout) == csv_verdicts
    assert "W101" not in result.stderr and "D0" not in result.stderr


def test_xlsx_with_typed_numbers_and_percent_format(cli, tmp_path, csv_verdicts):
    import openpyxl

    header, rows = sample_rows()
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(vietnamese_headers(header))
    for row in rows:
        ws.append(
            [float(c) if c.replace(".", "").isdigit() and i > 0 else c for i, c in enumerate(row)]
        )
    pct = header.index("poverty_rate_pct") + 1
    for r in range(2, len(rows) + 2):  # the poverty column as Excel percentages: 0.062 → 6.2%
        cell = ws.cell(r, pct)
        if isinstance(cell.value, float):
            cell.value = cell.value / 100
            cell.number_format = "0.0%"
    book.save(tmp_path / "typed.xlsx")
    result = cli("check", str(tmp_path / "typed.xlsx"), "--format", "json")
    assert result.code == 0, result.stderr
    assert verdicts(result.stdout) == csv_verdicts


def test_xlsx_problems_name_the_sheet_cell(cli, tmp_path):
    header, rows = sample_rows()
    rows[15][header.index("poverty_rate_pct")] = "105"
    book = write_xlsx(tmp_path / "bad.xlsx", [vietnamese_headers(header), *rows], sheet="Năm 2020")
    result = cli("check", str(book))
    assert result.code == 3
    col = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[header.index("poverty_rate_pct") % 26]
    prefix = "A" if header.index("poverty_rate_pct") >= 26 else ""
    assert (
        f"bad.xlsx:'Năm 2020'!{prefix}{col}17: error [D011] column 'poverty_rate_pct' "
        "('Tỷ lệ hộ nghèo'): value '105' — expected a percentage from 0 to 100"
    ) in result.stderr


def test_xlsx_sheet_option_and_title_rows(cli, tmp_path, csv_verdicts):
    import openpyxl

    header, rows = sample_rows()
    book = openpyxl.Workbook()
    book.active.title = "Ghi chú"
    book.active.append(["Bảng này không phải dữ liệu"])
    data = book.create_sheet("Dữ liệu")
    data.append(["BÁO CÁO KẾT QUẢ THỰC HIỆN TIÊU CHÍ NÔNG THÔN MỚI NĂM 2020"])
    data.append([])
    for row in [header, *rows]:
        data.append(row)
    book.save(tmp_path / "two.xlsx")
    result = cli("check", str(tmp_path / "two.xlsx"), "--sheet", "Dữ liệu", "--format", "json")
    assert result.code == 0, result.stderr
    assert verdicts(result.stdout) == csv_verdicts
    assert "W113" in result.stderr and "row(s) 1 above the header row (row 3)" in result.stderr
    missing = cli("check", str(tmp_path / "two.xlsx"), "--sheet", "Data")
    assert missing.code == 3
    assert "no sheet named 'Data'; the workbook has 'Ghi chú', 'Dữ liệu'" in missing.stderr


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files(cli, tmp_path, csv_verdicts, delimiter):
    header, rows = sample_rows()
    lines = [delimiter.join(vietnamese_headers(header))]
    lines += [delimiter.join(decimal_commas(r)) for r in rows]
    path = tmp_path / "data.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("check", str(path), "--format", "json")
    assert result.code == 0, result.stderr
    assert verdicts(result.stdout) == csv_verdicts


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_unicode_encodings_with_bom(cli, tmp_path, csv_verdicts, encoding):
    text = (DATA / "2020.csv").read_text(encoding="utf-8").replace(",", "\t")
    raw = text.encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw
    path = tmp_path / "unicode.txt"
    path.write_bytes(raw)
    result = cli("check", str(path), "--format", "json")
    assert result.code == 0, result.stderr
    assert verdicts(result.stdout) == csv_verdicts


def test_legacy_encoding_is_refused_with_advice_then_read_with_encoding(
    cli, tmp_path, csv_verdicts
):
    text = (DATA / "2020.csv").read_text(encoding="utf-8")
    path = tmp_path / "windows.csv"
    path.write_bytes(cp1258(text))
    result = cli("check", str(path), "--format", "json")
    assert result.code == 3
    assert "not UTF-8 text" in result.stderr and "--encoding" in result.stderr
    assert json.loads(result.stdout)["communes"] == []  # nothing read, nothing garbled
    result = cli("check", str(path), "--encoding", "cp1258", "--format", "json")
    assert result.code == 0, result.stderr
    assert verdicts(result.stdout) == csv_verdicts


@pytest.mark.parametrize(
    "content, message",
    [
        ("utf-16-le", "looks like UTF-16 text without a byte-order mark; use --encoding utf-16-le"),
        ("zip", "this is a zip file — probably an Excel workbook"),
        ("binary", "not a text file"),
    ],
)
def test_unreadable_files_say_what_to_do(cli, tmp_path, content, message):
    path = tmp_path / "data.csv"
    if content == "utf-16-le":
        path.write_bytes((DATA / "2020.csv").read_text(encoding="utf-8").encode("utf-16-le"))
    elif content == "zip":
        write_xlsx(tmp_path / "book.xlsx", [["commune_code"], ["1"]])
        path.write_bytes((tmp_path / "book.xlsx").read_bytes())
    else:
        path.write_bytes(bytes(range(256)) * 4)
    result = cli("check", str(path))
    assert result.code == 3 and "Traceback" not in result.stderr
    assert message in result.stderr


def test_unknown_encoding_name(cli, tmp_path):
    result = cli("check", str(DATA / "2020.csv"), "--encoding", "klingon")
    assert result.code == 3
    assert "unknown encoding 'klingon'" in result.stderr


def test_damaged_workbook(cli, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    result = cli("check", str(path))
    assert result.code == 3 and "Traceback" not in result.stderr
    assert "not a readable Excel workbook" in result.stderr


def test_options_that_do_not_fit_the_file(cli, tmp_path):
    assert (
        "--sheet applies to Excel workbooks"
        in cli("check", str(DATA / "2020.csv"), "--sheet", "A").stderr
    )
    book = write_xlsx(tmp_path / "b.xlsx", [["commune_code"]])
    assert (
        "--encoding applies to CSV files" in cli("check", str(book), "--encoding", "utf-8").stderr
    )
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "save the sheet as .xlsx" in cli("check", str(old)).stderr


def test_unmatched_header_gets_a_hint(cli, write_csv, tmp_path):
    path = write_csv([{}])
    text = path.read_text(encoding="utf-8").replace("poverty_rate_pct", "Tỷ lệ hộ nghèoo", 1)
    path.write_text(text, encoding="utf-8")
    result = cli("check", str(path))
    assert result.code == 3
    assert (
        "warning [W101] column 'Tỷ lệ hộ nghèoo' is not used by rule set 'national-2016-2020'; "
        "its values are ignored (did you mean 'Tỷ lệ hộ nghèo' (poverty_rate_pct)?)"
    ) in result.stderr
    assert "error [D003] column 'poverty_rate_pct' is missing" in result.stderr


@pytest.mark.parametrize(
    "cells, code, message",
    [
        (
            ["1.234", "85"],
            "D040",
            "reads as 1.234 if '.' marks decimals or 1234 if it separates thousands",
        ),
        (["1.234", "85,5"], "D011", "value '1.234' — expected a percentage from 0 to 100"),
        (["1.234", "85.5"], None, None),
    ],
)
def test_thousands_separators_in_a_file(cli, write_csv, cells, code, message):
    path = write_csv([{"poverty_rate_pct": cells[0]}, {"poverty_rate_pct": cells[1]}])
    result = cli("check", str(path))
    if code is None:
        assert result.code == 0, result.stderr
    else:
        assert result.code == 3
        assert f"[{code}]" in result.stderr and message in result.stderr
