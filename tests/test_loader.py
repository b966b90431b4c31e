"""The data loader on small files: dialect details, spaces, names, locations."""

import json

import jsonschema
from conftest import NATIONAL, ROOT, commune_csv, sample_rows, vietnamese_headers, write_xlsx

from ntm_eval.input.dataset import load_data
from ntm_eval.rules.loader import load_rules

RULES = load_rules(NATIONAL)


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_excel_sep_line_and_rows_of_only_separators(tmp_path):
    text = commune_csv([{}, {}]).replace(",", ";")
    lines = text.splitlines()
    path = write(tmp_path, "\n".join(["sep=;", lines[0], lines[1], ";;;;", lines[2]]) + "\n")
    data = load_data(path, RULES)
    assert data.problems == ()
    assert [r.line for r in data.rows] == [3, 5]


def test_spaces_in_numbers_and_names(tmp_path):
    path = write(
        tmp_path,
        commune_csv(
            [
                {
                    "commune_name": "  Tân\u00a0 Bình ",
                    "income_per_capita": "\u00a041,5 ",
                    "poverty_rate_pct": " 4,5 % ",
                }
            ]
        ),
    )
    data = load_data(path, RULES)
    assert data.problems == ()
    [row] = data.rows
    assert row.name == "Tân Bình" and row.values["income_per_capita"] == 41.5
    assert row.values["poverty_rate_pct"] == 4.5


def test_a_bad_cell_keeps_the_row_and_is_located(tmp_path):
    path = write(tmp_path, commune_csv([{"poverty_rate_pct": "nhiều"}, {}]))
    data = load_data(path, RULES)
    [problem] = data.problems
    assert (problem.code, problem.line, problem.column, problem.value) == (
        "D010",
        2,
        "poverty_rate_pct",
        "nhiều",
    )
    assert problem.col == 6 + RULES.columns.index("poverty_rate_pct") + 1
    assert len(data.rows) == 2 and "poverty_rate_pct" in data.rows[0].invalid


def test_workbook_problems_carry_the_cell_and_the_json_schema_allows_it(tmp_path, cli):
    header, rows = sample_rows()
    rows[0][header.index("year")] = "năm ngoái"
    book = write_xlsx(tmp_path / "b.xlsx", [vietnamese_headers(header), *rows], sheet="Sheet1")
    data = load_data(book, RULES)
    [problem] = data.problems
    assert problem.cell == "Sheet1!F2" and problem.line == 2 and problem.col == 6
    assert problem.format() == (
        f"{book}:Sheet1!F2: error [D022] column 'year' ('Năm'): value "
        "'năm ngoái' — expected a year such as 2020"
    )
    result = cli("check", str(book), "--format", "json")
    doc = json.loads(result.stdout)
    schema = json.loads(
        (ROOT / "ntm_eval/schemas/check-output.schema.json").read_text(encoding="utf-8")
    )
    jsonschema.validate(doc, schema)
    assert doc["errors"][0]["cell"] == "Sheet1!F2"


def test_decomposed_text_is_recomposed(tmp_path):
    import unicodedata

    path = write(
        tmp_path, unicodedata.normalize("NFD", commune_csv([{"commune_name": "Tân Bình"}]))
    )
    data = load_data(path, RULES)
    assert data.problems == () and data.rows[0].name == "Tân Bình"
