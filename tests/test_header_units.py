"""A header that says a unit its measure's values are not in (thousand against million
VND, ‰ against %, households against %, % against a count) is D015, naming both units,
and that column is not read: never converted, never guessed. Template headers carry the
unit their measure needs and read back without a problem."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import IDENTITY, national_columns, passing_values, run_cli

ROW = {
    "commune_code": "10000",
    "commune_name": "Xã A",
    "district": "Huyện A",
    "province": "Tỉnh B",
    "region": "dhntb",
    "year": "2020",
}


def data_file(tmp_path, headers: dict[str, str], values: dict[str, str] | None = None):
    """A one-commune CSV file; ``headers`` gives some columns another header."""
    columns = IDENTITY + national_columns()
    row = {**ROW, **passing_values(), **(values or {})}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([headers.get(c, c) for c in columns])
    writer.writerow([row[c] for c in columns])
    path = tmp_path / "d.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def checked(path) -> tuple[int, dict]:
    result = run_cli("check", str(path), "--format", "json")
    return result.code, json.loads(result.stdout)


def status_of(document: dict, column: str) -> str:
    (commune,) = document["communes"]
    return next(
        i["status"] for k in commune["criteria"] for i in k["indicators"] if i["column"] == column
    )


@pytest.mark.parametrize(
    "column, header, said, needed",
    [
        (
            "income_per_capita",
            "Thu nhập bình quân đầu người (nghìn đồng/người/năm)",
            "'nghìn đồng/người/năm' (thousand VND per person per year)",
            "million VND per person per year",
        ),
        ("income_per_capita", "Thu nhập (1000đ)", "thousand VND", "million VND"),
        ("income_per_capita", "Thu nhap binh quan, ngan dong", "thousand VND", "million VND"),
        ("income_per_capita", "Thu nhập (thousand VND)", "thousand VND", "million VND"),
        ("income_per_capita", "Thu nhập (VND)", "'VND' (VND)", "million VND"),
        ("income_per_capita", "Thu nhập (triệu đồng/người/tháng)", "per month", "per year"),
        ("income_per_capita", "Thu nhập (tr.đ/hộ/năm)", "per household", "per person"),
        ("poverty_rate_pct", "Tỷ lệ hộ nghèo (‰)", "'‰' (per mille)", "expected values in percent"),
        ("poverty_rate_pct", "Tỷ lệ hộ nghèo, ‰", "'‰' (per mille)", "percent"),
        ("poverty_rate_pct", "Tỷ lệ hộ nghèo (hộ)", "'hộ' (a count)", "percent"),
        ("standard_schools_pct", "Trường học đạt chuẩn (trường)", "a count", "percent"),
        ("temporary_houses", "Số nhà tạm, dột nát (%)", "'%' (percent)", "a count"),
    ],
)
def test_a_header_in_another_unit_is_refused_and_not_read(tmp_path, column, header, said, needed):
    code, document = checked(data_file(tmp_path, {column: header}, {"income_per_capita": "30000"}))
    assert code == 3
    (problem,) = [p for p in document["errors"] if p["code"] == "D015"]
    assert problem["column"] == column and problem["value"] == header
    assert (problem["line"], problem["col"]) == (
        1,
        IDENTITY.index("year") + 2 + national_columns().index(column),
    )
    assert said in problem["message"] and needed in problem["message"]
    assert f"('{header}')" in problem["message"]  # the header as written
    assert status_of(document, column) == "not_evaluable"
    # the column is refused, not missing: no D003 besides
    assert not [p for p in document["errors"] if p["code"] == "D003"]


@pytest.mark.parametrize(
    "column, header",
    [
        ("income_per_capita", "Thu nhập bình quân đầu người (triệu đồng/người/năm)"),
        ("income_per_capita", "Thu nhập (tr.đ)"),
        ("income_per_capita", "Thu nhập (trđ/người/năm)"),
        ("income_per_capita", "Thu nhap (trieu dong)"),
        ("income_per_capita", "Thu nhập (million VND/person/year)"),
        ("income_per_capita", "Thu nhập, triệu đồng/người/năm"),
        ("poverty_rate_pct", "Tỷ lệ hộ nghèo (%)"),
        ("poverty_rate_pct", "Tỷ lệ hộ nghèo, %"),
        ("temporary_houses", "Số nhà tạm, dột nát (nhà)"),
        ("temporary_houses", "Số nhà tạm, dột nát (hộ)"),
        ("poverty_rate_pct", "Tỷ lệ hộ nghèo (đa chiều)"),  # no unit: left alone
        ("village_culture_houses_pct", "Tỷ lệ thôn có nhà văn hóa (năm 2020)"),
    ],
)
def test_a_header_in_the_measures_unit_is_read(tmp_path, column, header):
    code, document = checked(data_file(tmp_path, {column: header}))
    assert code == 0, document["errors"]
    assert document["warnings"] == [] or all(w["code"] == "W112" for w in document["warnings"])
    assert status_of(document, column) == "met"


def test_a_workbook_header_in_another_unit_is_refused(tmp_path):
    from openpyxl import Workbook

    columns = IDENTITY + national_columns()
    row = {**ROW, **passing_values(), "income_per_capita": "30000"}
    book = Workbook()
    sheet = book.active
    sheet.append(["Thu nhập (nghìn đồng)" if c == "income_per_capita" else c for c in columns])
    sheet.append([row[c] for c in columns])
    path = tmp_path / "d.xlsx"
    book.save(path)
    code, document = checked(path)
    assert code == 3
    (problem,) = [p for p in document["errors"] if p["code"] == "D015"]
    assert problem["cell"].endswith("1") and "thousand VND" in problem["message"]
    assert status_of(document, "income_per_capita") == "not_evaluable"


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_headers_carry_the_unit_and_read_back(tmp_path, lang, fmt):
    from openpyxl import load_workbook

    path = tmp_path / f"t.{fmt}"
    assert run_cli("template", "--lang", lang, "--format", fmt, "-o", str(path)).code == 0
    if fmt == "csv":
        headers = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    else:
        headers = [c.value for c in next(load_workbook(path).active.iter_rows(max_row=1))]
    (income,) = [h for h in headers if h.endswith("[income_per_capita]")]
    assert ("(triệu đồng/người/năm)" if lang == "vi" else "(million VND/person/year)") in income
    result = run_cli("check", str(path), "--format", "json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["errors"] == []
