"""A money or count value far outside what is possible (an income above 1,000 million VND
per person per year) is a warning (W120) with its cell, value and band; it never changes
a verdict. The band is data on the measure (``plausible``), checked by the loader and
shown by ``rules show``."""

from __future__ import annotations

import json

import pytest
from conftest import NATIONAL, commune_csv, run_cli


def national_without_bands(tmp_path):
    """The national set with no ``plausible`` band: the reference verdicts."""
    text = "".join(
        line
        for line in NATIONAL.read_text(encoding="utf-8").splitlines(keepends=True)
        if not line.lstrip().startswith("plausible:")
    )
    path = tmp_path / "no-bands.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def checked(path, *options) -> dict:
    result = run_cli("check", str(path), "--format", "json", *options)
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "column, value, band",
    [("income_per_capita", "30000", "0–1000"), ("temporary_houses", "20 000", "0–10000")],
)
def test_an_impossible_value_is_a_warning_and_judged_as_written(tmp_path, column, value, band):
    data = tmp_path / "d.csv"
    data.write_text(commune_csv([{}, {column: value}, {}]), encoding="utf-8")
    document = checked(data)
    (warning,) = [w for w in document["warnings"] if w["code"] == "W120"]
    assert (warning["line"], warning["column"], warning["value"]) == (3, column, value)
    assert f"value '{value}' is outside the values possible ({band}" in warning["message"]
    reference = checked(data, "--rules", str(national_without_bands(tmp_path)))
    assert not [w for w in reference["warnings"] if w["code"] == "W120"]
    assert document["communes"] == reference["communes"]
    assert document["summary"] == reference["summary"]


def test_a_possible_value_has_no_warning(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text(commune_csv([{"income_per_capita": "1000", "temporary_houses": "0"}]))
    assert not [w for w in checked(data)["warnings"] if w["code"] == "W120"]


def test_a_number_the_file_settles_is_checked_too(tmp_path):
    """``4.100`` waits for the file: ``1.234.567`` says '.' groups thousands, so it is
    4100 — impossible, and warned about like any other value."""
    data = tmp_path / "d.csv"
    data.write_text(
        commune_csv([{"income_per_capita": "4.100"}, {"temporary_houses": "1.234.567"}])
    )
    found = {(w["line"], w["value"]) for w in checked(data)["warnings"] if w["code"] == "W120"}
    assert found == {(2, "4.100"), (3, "1.234.567")}


def test_a_workbook_cell_is_checked(tmp_path):
    import csv
    import io

    from conftest import IDENTITY, national_columns, write_xlsx

    rows = list(csv.reader(io.StringIO(commune_csv([{"income_per_capita": "30000"}]))))
    book = write_xlsx(tmp_path / "d.xlsx", rows)
    (warning,) = [w for w in checked(book)["warnings"] if w["code"] == "W120"]
    from openpyxl.utils import get_column_letter

    column = len(IDENTITY) + national_columns().index("income_per_capita") + 1
    assert warning["cell"] == f"Sheet1!{get_column_letter(column)}2"


@pytest.mark.parametrize(
    "measure, band, code",
    [
        ("poverty_rate_pct", "{max: 50}", "R023"),
        ("income_per_capita", "{min: 10, max: 5}", "R024"),
        ("income_per_capita", "{min: -1}", "R024"),
        ("income_per_capita", "{}", "R011"),
        ("income_per_capita", "{max: 10, upper: 3}", "R010"),
    ],
)
def test_the_loader_checks_a_band(tmp_path, measure, band, code):
    text = NATIONAL.read_text(encoding="utf-8")
    anchor = f"          - column: {measure}\n"
    assert anchor in text
    text = "".join(
        line
        for line in text.splitlines(keepends=True)
        if not line.lstrip().startswith("plausible:")
    )
    text = text.replace(anchor, anchor + f"            plausible: {band}\n")
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("validate", str(path))
    assert result.code == 1  # a rule file with errors
    assert f"[{code}]" in result.stdout + result.stderr


def test_rules_show_gives_the_band():
    result = run_cli("rules", "show", str(NATIONAL), "--format", "json")
    measures = {
        m["column"]: m
        for c in json.loads(result.stdout)["criteria"]
        for i in c["indicators"]
        for m in i["measures"]
    }
    assert measures["income_per_capita"]["plausible"]["max"] == 1000
    assert measures["poverty_rate_pct"]["plausible"] is None
    table = run_cli("rules", "show", str(NATIONAL), "--region", "dhntb").stdout
    (row,) = [line for line in table.splitlines() if " income_per_capita " in line]
    assert row.rstrip().endswith("0–1000")
