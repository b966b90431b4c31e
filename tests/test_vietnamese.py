"""Vietnamese all the way (``--lang vi``): every problem code and every not-evaluable reason
has a sentence in both languages; a cell that cannot be read is not evaluable for its own
reason, told where the value is shown; tables show names, never column keys."""

from __future__ import annotations

import csv
import json
import re

import pytest
from conftest import DATA, ROOT

from ntm_eval.diagnostics import CODES, CODES_VI, Problem, cell_finding
from ntm_eval.reasons import REASONS, SAMPLES, Reason, told
from ntm_eval.rules.loader import default_rules_path, load_rules

SAMPLE = DATA / "2020.csv"
VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def _columns() -> list[str]:
    return load_rules(default_rules_path()).columns


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_problem_code_has_a_vietnamese_sentence(code):
    assert CODES_VI.get(code), f"{code} has no Vietnamese title"
    assert VIETNAMESE.search(CODES_VI[code]), CODES_VI[code]
    line = Problem(code, "details", "book.xlsx", 3, 4).format(lang="vi")
    assert line.startswith("book.xlsx:3:4: ")
    assert f"[{code}] {CODES_VI[code]}" in line
    assert ("lỗi [" in line) and "error" not in line
    assert Problem(code, "details", "f").format() == f"f: error [{code}] details"  # English kept


def test_no_title_without_a_code():
    assert set(CODES_VI) == set(CODES)


@pytest.mark.parametrize("code", sorted(REASONS))
def test_every_reason_renders_in_both_languages(code):
    reason = Reason(code, **SAMPLES.get(code, {}))
    en, vi = reason.text("en"), reason.text("vi")
    assert en == str(reason) and "{" not in en and "{" not in vi
    assert en != vi and VIETNAMESE.search(vi), vi
    assert told(reason, "vi") == vi
    assert Reason(code, **SAMPLES.get(code, {})).text("vi") == vi


def test_a_reason_read_back_as_text_is_told_in_vietnamese():
    assert told("value missing", "vi") == "thiếu giá trị"  # from a check JSON result
    assert told("something else", "vi") == "something else"


def test_a_cell_finding_has_its_sentence_in_both_languages():
    finding = cell_finding(
        "D011", "poverty_rate_pct", "Tỷ lệ hộ nghèo", "105", "a percentage from 0 to 100"
    )
    assert finding.message == (
        "column 'poverty_rate_pct' ('Tỷ lệ hộ nghèo'): value '105' — expected a percentage from 0 to 100"
    )
    assert finding.message_vi == (
        "cột 'poverty_rate_pct' ('Tỷ lệ hộ nghèo'): giá trị '105' — cần tỷ lệ phần trăm từ 0 đến 100"
    )


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The sample as a workbook, with 105 in a percentage column of commune 23020."""
    import openpyxl

    with SAMPLE.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in rows:
        ws.append(row)
    line = next(i for i, r in enumerate(rows, 1) if r[0] == "23020")
    ws.cell(row=line, column=header.index("poverty_rate_pct") + 1).value = 105
    path = tmp_path_factory.mktemp("vi") / "book.xlsx"
    wb.save(path)
    from openpyxl.utils import get_column_letter

    return path, f"{get_column_letter(header.index('poverty_rate_pct') + 1)}{line}"


def test_the_real_reason_where_the_value_is_shown(cli, book):
    path, cell = book
    r = cli("check", str(path), "--lang", "vi", "--commune", "23020")
    flat = " ".join(r.stdout.split())
    assert (
        f"Chưa đánh giá được 11 Hộ nghèo: giá trị '105' không hợp lệ: tỷ lệ phần trăm nằm "
        f"ngoài khoảng 0–100 (D011, ô {cell})"
    ) in flat
    assert re.search(r"11\s+Hộ nghèo\s+—\s+≤ 5%\*", r.stdout)  # the threshold is shown
    for column in _columns():  # names, not column keys, in the table
        assert column not in r.stdout
    # the problem line: code, place and value as in English, the sentence in Vietnamese
    assert (
        f"book.xlsx:Data!{cell}: lỗi [D011] cột 'poverty_rate_pct': giá trị '105' — cần tỷ lệ "
        "phần trăm từ 0 đến 100"
    ) in r.stderr
    assert r.stderr.rstrip().endswith("1 lỗi, 0 cảnh báo")
    # as README "Languages" shows it
    assert cell == "AC19"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = f"book.xlsx:Data!{cell}: lỗi [D011] cột 'poverty_rate_pct': giá trị '105'"
    assert shown in readme and shown in r.stderr
    assert f"khoảng 0–100 (D011, ô {cell})" in readme
    en = cli("check", str(path), "--commune", "23020")
    assert f"value '105' is not valid: percentage outside 0–100 (D011, cell {cell})" in " ".join(
        en.stdout.split()
    )
    assert "error [D011] column 'poverty_rate_pct': value '105'" in en.stderr


def test_json_keeps_english_and_adds_message_vi(cli, book):
    path, cell = book
    doc = json.loads(cli("check", str(path), "--format", "json", "--lang", "vi").stdout)
    (problem,) = doc["errors"]
    assert problem["message"].startswith("column 'poverty_rate_pct': value '105'")
    assert problem["message_vi"].startswith("cột 'poverty_rate_pct': giá trị '105'")
    reasons = {
        i["reason"]
        for c in doc["communes"]
        if c["code"] == "23020"
        for k in c["criteria"]
        for i in k["indicators"]
        if i["reason"]
    }
    assert reasons == {f"value '105' is not valid: percentage outside 0–100 (D011, cell {cell})"}


def test_a_missing_column_says_so(cli, tmp_path):
    with SAMPLE.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    drop = rows[0].index("poverty_rate_pct")
    path = tmp_path / "short.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([r[:drop] + r[drop + 1 :] for r in rows[:3]])
    code = rows[1][0]
    vi = " ".join(cli("check", str(path), "--lang", "vi", "--commune", code).stdout.split())
    assert "Chưa đánh giá được 11 Hộ nghèo: tệp không có cột này" in vi
    en = " ".join(cli("check", str(path), "--commune", code).stdout.split())
    assert "not evaluable 11 Poor households: column missing from the file" in en


@pytest.mark.parametrize(
    "args",
    [
        ("check", str(SAMPLE), "--commune", "22984", "--commune", "22957"),
        ("gaps", str(SAMPLE), "--top", "5"),
        ("compare", str(DATA / "2020-self-assessment.csv"), str(SAMPLE)),
        ("check", str(SAMPLE), "--format", "markdown"),
    ],
    ids=["check-detail", "gaps", "compare", "markdown"],
)
def test_no_column_key_in_a_vietnamese_table(cli, args):
    out = cli(*args, "--lang", "vi").stdout
    for column in _columns():
        assert column not in out, column


def test_the_report_has_a_vietnamese_banner_and_problem_list(cli, book, tmp_path):
    path, _ = book
    page = tmp_path / "report.html"
    r = cli("report", str(path), "--lang", "vi", "-o", str(page))
    assert r.code == 3, r.stderr  # written, and the input error still tells in the exit code
    html = page.read_text(encoding="utf-8")
    top = html.index('id="banner"')
    assert top < html.index('id="summary"')  # at the top
    assert "Tệp dữ liệu có lỗi: 1 lỗi, 0 cảnh báo." in html
    assert '<a href="#problems">Xem danh sách lỗi</a>' in html
    assert "Lỗi trong dữ liệu đầu vào" in html
    assert "lỗi [D011] cột &#x27;poverty_rate_pct&#x27;: giá trị &#x27;105&#x27;" in html
    assert "Quyết định số 1980/QĐ-TTg ngày 17/10/2016 của Thủ tướng Chính phủ" in html
    assert "đánh giá ngày " in html and 'id="districts"' in html
    clean = tmp_path / "clean.html"
    cli("report", str(SAMPLE), "--lang", "vi", "-o", str(clean))
    assert 'id="banner"' not in clean.read_text(encoding="utf-8")
