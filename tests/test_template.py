"""ntm-eval template: data-entry files that validate input and load back once filled."""

import csv
import io

import pytest
from conftest import DATA, sample_rows, verdicts


@pytest.fixture(scope="module")
def sample_verdicts():
    from conftest import run_cli

    return verdicts(run_cli("check", str(DATA / "2020.csv"), "--format", "json").stdout)


def sample_by_code() -> dict[str, dict[str, str]]:
    header, rows = sample_rows()
    return {row[0]: dict(zip(header, row)) for row in rows}


def key_of(header: str) -> str:
    return header.rsplit("[", 1)[1].rstrip("]")


def test_xlsx_template_validates_input(cli, tmp_path):
    import openpyxl

    path = tmp_path / "nhap-lieu.xlsx"
    result = cli("template", "--format", "xlsx", "-o", str(path))
    assert result.code == 0 and result.stdout == ""
    assert "mẫu xlsx, 56 cột, điền sẵn 0 dòng xã" in result.stderr  # the template's language
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Dữ liệu", "Hướng dẫn"]
    ws = book["Dữ liệu"]
    headers = [c.value for c in ws[1]]
    assert headers[:2] == ["Mã xã [commune_code]", "Tên xã [commune_name]"]
    assert "Tỷ lệ hộ nghèo (%) [poverty_rate_pct]" in headers
    assert "Thu nhập bình quân đầu người (triệu đồng/người/năm) [income_per_capita]" in headers
    assert ws.freeze_panes == "C2"
    assert ws.column_dimensions["B"].width == 18
    rules = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            rules[
                headers[
                    openpyxl.utils.column_index_from_string(rng.split(":")[0].rstrip("0123456789"))
                    - 1
                ]
            ] = dv
    plan = rules["Quy hoạch chung được phê duyệt (Đạt/Chưa đạt) [plan_approved]"]
    assert plan.type == "list" and plan.formula1 == '"Đạt,Chưa đạt"' and plan.showErrorMessage
    poverty = rules["Tỷ lệ hộ nghèo (%) [poverty_rate_pct]"]
    assert (poverty.type, poverty.operator, poverty.formula1, poverty.formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    houses = next(dv for h, dv in rules.items() if h.endswith("[temporary_houses]"))
    assert (houses.type, houses.operator, houses.formula1) == ("whole", "greaterThanOrEqual", "0")
    year = rules["Năm [year]"]
    assert (year.formula1, year.formula2) == ("2016", "2020")
    assert rules["Vùng [region]"].type == "list"
    help_sheet = list(book["Hướng dẫn"].iter_rows(values_only=True))
    assert any(r[0] == "poverty_rate_pct" and r[2].startswith("11 ") for r in help_sheet)


def test_filled_xlsx_template_loads_without_edits(cli, tmp_path, sample_verdicts):
    import openpyxl

    path = tmp_path / "binh-thuan.xlsx"
    result = cli(
        "template",
        "--format",
        "xlsx",
        "--units",
        "binh-thuan-2020",
        "--region",
        "dhntb",
        "--year",
        "2020",
        "-o",
        str(path),
    )
    assert result.code == 0, result.stderr
    assert "điền sẵn 93 dòng xã" in result.stderr
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    keys = [key_of(c.value) for c in ws[1]]
    sample = sample_by_code()
    filled = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value]
    assert filled == list(range(2, 95))
    assert ws.cell(200, 1).number_format == "@"  # codes typed later stay text too
    for r in filled:
        code = ws.cell(r, 1).value
        assert ws.cell(r, 5).value == "Duyên hải Nam Trung Bộ" and ws.cell(r, 6).value == 2020
        for c, key in enumerate(keys[6:], start=7):
            value = sample[code][key]
            ws.cell(r, c).value = float(value) if value and value[0].isdigit() else (value or None)
    book.save(path)
    result = cli("check", str(path), "--format", "json")
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    assert verdicts(result.stdout) == sample_verdicts


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_csv_template_to_stdout_loads_when_filled(cli, tmp_path, sample_verdicts, lang):
    result = cli("template", "--lang", lang, "--units", "binh-thuan-2020", "--region", "dhntb")
    assert result.code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    keys = [key_of(h) for h in rows[0]]
    assert len(rows) == 94 and keys[:6] == [
        "commune_code",
        "commune_name",
        "district",
        "province",
        "region",
        "year",
    ]
    sample = sample_by_code()
    filled = [rows[0]] + [
        [sample[r[0]][k] if i > 4 else r[i] for i, k in enumerate(keys)] for r in rows[1:]
    ]
    path = tmp_path / "filled.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(filled)
    result = cli("check", str(path), "--format", "json")
    assert result.code == 0, result.stderr
    assert verdicts(result.stdout) == sample_verdicts


def test_blank_template_loads_with_nothing_to_evaluate(cli, tmp_path):
    path = tmp_path / "blank.csv"
    assert (
        cli(
            "template",
            "--units",
            "binh-thuan-2020",
            "--region",
            "dhntb",
            "--year",
            "2020",
            "-o",
            str(path),
        ).code
        == 0
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel shows the accents
    result = cli("check", str(path))
    assert result.code == 0 and result.stderr == ""
    assert "93 could not be evaluated" in result.stdout


def test_xlsx_template_to_a_pipe(cli):
    """Real process: a workbook's bytes on a real pipe (stdout not a terminal, fd 1 binary)."""
    import subprocess

    from conftest import NTM_EVAL

    proc = subprocess.run([str(NTM_EVAL), "template", "--format", "xlsx"], capture_output=True)
    assert proc.returncode == 0 and proc.stdout.startswith(b"PK\x03\x04")


def test_template_usage_errors(cli, tmp_path):
    result = cli("template", "--region", "mars")  # Vietnamese unless --lang en, as the rest
    assert result.code == 2 and "lỗi: --region 'mars' không phải vùng của bộ tiêu chí" in (
        result.stderr
    )
    result = cli("template", "--region", "mars", "--lang", "en")
    assert result.code == 2 and "--region 'mars' is not a region of rule set" in result.stderr
    result = cli("template", "--units", str(tmp_path / "none.csv"))
    assert result.code == 2 and "[U030]" in result.stderr
    result = cli("template", "-o", str(tmp_path / "no-such-dir" / "t.csv"))
    # the template's language (Vietnamese unless --lang en)
    assert result.code == 2 and "[U010] không ghi được tệp kết quả" in result.stderr


def test_help_has_examples(cli):
    result = cli("template", "--help")
    assert result.code == 0
    assert "Examples:" in result.stdout and "[column_key]" in result.stdout
    assert "--units binh-thuan-2020" in result.stdout
    check = cli("check", "--help").stdout
    assert all(option in check for option in ("--sheet", "--encoding", "--units", ".xlsx"))


def test_names_from_a_unit_list_are_never_a_formula_nor_raw_controls(cli, tmp_path):
    """A unit list is a file too: a name written as a formula, or holding ESC, is shown
    escaped and kept as text in the template, CSV and workbook alike."""
    import openpyxl

    units = tmp_path / "units.csv"
    units.write_text(
        "province_code,district_code,district_name,commune_code,commune_name,unit_type\n"
        '60,593,Huyện A,10001,"=HYPERLINK(""http://x"",""y"")",xa\n'
        "60,593,Huyện A,10002,Xã\x1b]0;pwned\x07B,xa\n",
        encoding="utf-8",
    )
    result = cli("template", "--units", str(units))
    assert result.code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\\x1b]0;pwned\\x07" in result.stdout
    assert "'=HYPERLINK" in result.stdout  # a spreadsheet opening the CSV keeps it text
    book_path = tmp_path / "t.xlsx"
    assert cli("template", "--units", str(units), "-o", str(book_path)).code == 0
    ws = openpyxl.load_workbook(book_path).worksheets[0]
    names = {c.value: c.data_type for row in ws.iter_rows(min_row=2) for c in row[1:2]}
    assert names.get('=HYPERLINK("http://x","y")') == "s"
    assert "Xã\\x1b]0;pwned\\x07B" in names
