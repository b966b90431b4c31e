"""The CSV loader: identity columns, every error at once with its location, nothing dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import IDENTITY, NATIONAL, commune_csv, national_columns

from ntm_eval.diagnostics import InputError
from ntm_eval.input.dataset import load_data
from ntm_eval.rules.loader import load_rules


@pytest.fixture(scope="module")
def rs():
    return load_rules(NATIONAL)


def load(tmp_path: Path, text: str, rs, encoding: str = "utf-8", name: str = "d.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return load_data(path, rs)


def codes(ds):
    return [p.code for p in ds.problems]


def test_clean_file_has_no_problems(tmp_path, rs):
    ds = load(tmp_path, commune_csv([{}, {}]), rs)
    assert ds.problems == ()
    assert len(ds.rows) == 2
    assert ds.rows[0].line == 2 and ds.rows[1].line == 3


def test_utf8_bom_is_accepted(tmp_path, rs):
    ds = load(tmp_path, "\ufeff" + commune_csv([{}]), rs)
    assert ds.problems == ()
    assert ds.rows[0].code == "10000"


def test_code_stays_a_string_with_leading_zeros(tmp_path, rs):
    ds = load(tmp_path, commune_csv([{"commune_code": "00127"}]), rs)
    assert ds.rows[0].code == "00127"


@pytest.mark.parametrize(
    "spelling",
    [
        "dhntb",
        "DHNTB",
        "Dhntb",
        " dhntb ",
        "Duyên hải Nam Trung Bộ",
        "duyen hai nam trung bo",
        "DUYÊN HẢI NAM TRUNG BỘ",
    ],
)
def test_region_spellings(tmp_path, rs, spelling):
    ds = load(tmp_path, commune_csv([{"region": spelling}]), rs)
    assert ds.problems == ()
    assert ds.rows[0].region == "dhntb"


def test_values_are_parsed(tmp_path, rs):
    ds = load(
        tmp_path,
        commune_csv(
            [
                {
                    "poverty_rate_pct": "4,5 %",
                    "plan_approved": "chua dat",
                    "temporary_houses": "3",
                    "income_per_capita": "41,2",
                }
            ]
        ),
        rs,
    )
    values = ds.rows[0].values
    assert values["poverty_rate_pct"] == 4.5
    assert values["plan_approved"] is False
    assert values["temporary_houses"] == 3
    assert values["income_per_capita"] == 41.2


def test_empty_cell_is_missing_not_an_error(tmp_path, rs):
    ds = load(tmp_path, commune_csv([{"poverty_rate_pct": ""}]), rs)
    assert ds.problems == ()
    assert ds.rows[0].values["poverty_rate_pct"] is None
    assert "poverty_rate_pct" not in ds.rows[0].invalid


def test_every_bad_cell_is_reported_at_once_with_its_location(tmp_path, rs):
    text = commune_csv(
        [
            {},
            {"poverty_rate_pct": "105", "plan_approved": "maybe"},
            {"temporary_houses": "1.5", "year": "20x0", "region": "Mars"},
        ]
    )
    ds = load(tmp_path, text, rs)
    header = IDENTITY + national_columns()
    col = {name: header.index(name) + 1 for name in header}
    got = [(p.line, p.col, p.code, p.column, p.value) for p in ds.problems]
    assert got == [
        (3, col["plan_approved"], "D014", "plan_approved", "maybe"),
        (3, col["poverty_rate_pct"], "D011", "poverty_rate_pct", "105"),
        (4, col["region"], "D021", "region", "Mars"),
        (4, col["year"], "D022", "year", "20x0"),
        (4, col["temporary_houses"], "D012", "temporary_houses", "1.5"),
    ]
    line = ds.problems[1].format()
    assert line == (
        f"{tmp_path / 'd.csv'}:3:{col['poverty_rate_pct']}: error [D011] column "
        "'poverty_rate_pct': value '105' — expected a percentage from 0 to 100"
    )
    # Rows with bad cells are kept; the bad cells are marked, the good ones keep their values.
    assert len(ds.rows) == 3
    assert ds.rows[1].invalid == {"poverty_rate_pct", "plan_approved"}
    assert ds.rows[1].values["poverty_rate_pct"] is None
    assert ds.rows[1].values["employment_rate_pct"] == 100
    assert ds.rows[2].region is None and ds.rows[2].year is None


def test_duplicate_code_for_the_same_year(tmp_path, rs):
    text = commune_csv(
        [
            {"commune_code": "22984"},
            {"commune_code": "22984", "year": "2019"},
            {"commune_code": "22984"},
        ]
    )
    ds = load(tmp_path, text, rs)
    assert codes(ds) == ["W103", "D023"]  # W103: the 2019 row has no income threshold
    problem = ds.problems[1]
    assert (problem.line, problem.col, problem.value) == (4, 1, "22984")
    assert "already on line 2 for year 2020" in problem.message
    assert len(ds.rows) == 3  # both rows are still evaluated


def test_missing_identity_and_measure_columns_are_named(tmp_path, rs):
    columns = [c for c in IDENTITY + national_columns() if c not in ("year", "poverty_rate_pct")]
    ds = load(tmp_path, commune_csv([{}], columns), rs)
    assert [(p.code, p.column, p.line) for p in ds.problems] == [
        ("D002", "year", 1),
        ("D003", "poverty_rate_pct", 1),
    ]
    assert "poverty_rate_pct" in ds.rows[0].invalid


def test_unknown_column_is_a_warning(tmp_path, rs):
    columns = IDENTITY + national_columns() + ["ghi_chu"]
    ds = load(tmp_path, commune_csv([{"ghi_chu": "x"}], columns), rs)
    assert [(p.code, p.severity, p.col) for p in ds.problems] == [("W101", "warning", len(columns))]
    assert "ghi_chu" in ds.problems[0].message


def test_header_is_case_and_space_insensitive(tmp_path, rs):
    text = commune_csv([{}])
    header, rest = text.split("\n", 1)
    ds = load(tmp_path, " COMMUNE_CODE ," + header.split(",", 1)[1].upper() + "\n" + rest, rs)
    assert ds.problems == ()


def test_duplicate_header(tmp_path, rs):
    columns = IDENTITY + national_columns() + ["region"]
    ds = load(tmp_path, commune_csv([{}], columns), rs)
    assert codes(ds) == ["D004"]


def test_short_and_long_rows(tmp_path, rs):
    text = commune_csv([{}, {}])
    lines = text.splitlines()
    lines[1] = lines[1].rsplit(",", 3)[0]  # three cells short
    lines[2] = lines[2] + ",extra"
    ds = load(tmp_path, "\n".join(lines) + "\n", rs)
    assert codes(ds) == ["D005", "D005"]
    assert "row has 53 cells but the header has 56" in ds.problems[0].message
    # The short row's absent cells are missing values, not errors, and the row is kept.
    assert len(ds.rows) == 2
    assert ds.rows[0].values["security_order"] is None


def test_blank_lines_are_skipped_but_lines_still_counted(tmp_path, rs):
    text = commune_csv([{}, {"poverty_rate_pct": "x"}])
    lines = text.splitlines()
    ds = load(tmp_path, "\n".join([lines[0], "", lines[1], "", lines[2]]) + "\n", rs)
    assert len(ds.rows) == 2
    assert [r.line for r in ds.rows] == [3, 5]
    assert ds.problems[0].line == 5


def test_quoted_multiline_cell_keeps_line_numbers(tmp_path, rs):
    text = commune_csv([{"commune_name": "Tân\nBình"}, {"poverty_rate_pct": "bad"}])
    ds = load(tmp_path, text, rs)
    assert [r.line for r in ds.rows] == [2, 4]
    # the name over two lines is an error of its own (D006), on the line its cell starts
    assert [(p.code, p.line) for p in ds.problems] == [("D006", 2), ("D010", 4)]


def test_required_identity_value_missing(tmp_path, rs):
    ds = load(tmp_path, commune_csv([{"commune_code": "", "region": " "}]), rs)
    assert [(p.code, p.column) for p in ds.problems] == [
        ("D020", "commune_code"),
        ("D020", "region"),
    ]


def test_year_outside_the_rule_period_is_a_warning(tmp_path, rs):
    ds = load(tmp_path, commune_csv([{"year": "2023"}, {"year": "2023"}]), rs)
    assert [(p.code, p.severity) for p in ds.problems] == [("W102", "warning")]
    assert "2016–2020" in ds.problems[0].message and "2 row(s)" in ds.problems[0].message


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "the file is empty"),
        (b"\n\n", "the file is empty"),
        ("commune_code\n22984,Tân\n".encode("latin-1"), "not UTF-8"),
        ("mã xã\nxã Vĩnh Tân\n".encode("utf-16-le"), "UTF-16 text without a byte-order mark"),
    ],
)
def test_unusable_files(tmp_path, rs, content, expected):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        load_data(path, rs)
    assert [p.code for p in info.value.problems] == ["D001"]
    assert expected in info.value.problems[0].message


def test_missing_file(tmp_path, rs):
    with pytest.raises(InputError) as info:
        load_data(tmp_path / "nope.csv", rs)
    assert info.value.problems[0].format() == f"{tmp_path / 'nope.csv'}: error [U030] no such file"
