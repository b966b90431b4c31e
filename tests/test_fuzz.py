"""Nothing lost, nothing crashes: property-based tests over random files.

Whatever the input — random bytes, random CSV shapes, random cell values, in CSV or in a
workbook — loading either refuses the file as a whole (InputError, with messages) or
returns every row: each input row is evaluated or named in an error. The in-process tests
run the same steps as ``ntm-eval check``; a few examples also go through the command line
(run_cli). Examples are few and derandomised so the suite stays fast and repeatable.
"""

import datetime
import json
import string

from conftest import IDENTITY, NATIONAL, national_columns, passing_values, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ntm_eval.diagnostics import InputError
from ntm_eval.engine.pipeline import judge
from ntm_eval.input.source import Source
from ntm_eval.input.units import load_units
from ntm_eval.render.json import render as render_json
from ntm_eval.render.text import render as render_text
from ntm_eval.rules.loader import load_rules

RULES = load_rules(NATIONAL)
UNITS = load_units()
COLUMNS = IDENTITY + national_columns()
BASE = passing_values()
FAST = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SLOW = settings(FAST, max_examples=6)

# Cell text people really type, plus the awkward: separators, spaces, look-alikes, scripts.
TRICKY = st.sampled_from(
    [
        "",
        " ",
        "Đạt",
        "Chưa đạt",
        "Cơ bản đạt",
        "Ðạt",
        "85,5",
        "85.5",
        "1.234",
        "1,234",
        "1.234,5",
        "1 234",
        "\u00a085\u00a0",
        "85,5 %",
        "-1",
        "1e5",
        "nan",
        "inf",
        "١٢",
        "𝟙",
        "\u200b",
        "Tâп Bìпh",
        "пôпg tʜôп",
        "ᵭầʋ",
        "Bжnh",
        "22915",
        "22957",
        "23221",
        "Tân Hà",
        "Đức Linh",
        "Hàm Tân",
        "Bình Thuận",
        "Tỉnh B",
        "dhntb",
        "Duyên hải Nam Trung Bộ",
        "2020",
        "1899",
        '"',
        "'",
        ";",
        "\t",
        "=1+1",
        "#DIV/0!",
        "😀",
    ]
)
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
    max_size=12,
)
CELL = st.one_of(TRICKY, TRICKY, TEXT)


def run_pipeline(path, **options):
    """What ``ntm-eval check --format json`` does, in process; None when the file is refused."""
    try:
        report = judge(Source(path, str(path), **options), RULES, UNITS)
    except InputError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        return None
    json.loads(render_json(report))
    render_text(report, width=80, color=False)
    return report


def assert_every_row_accounted_for(report, lines):
    evaluated = {c.line for c in report.communes}
    named = {p.line for p in report.errors}
    assert all(line in evaluated or line in named for line in lines)
    assert all(p.line is not None or p.code in ("D002", "D003") for p in report.errors)


@FAST
@given(raw=st.binary(max_size=600))
def test_random_bytes_never_crash(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("bytes") / "data.csv"
    path.write_bytes(raw)
    run_pipeline(path)


@FAST
@given(raw=st.binary(max_size=300))
def test_random_bytes_as_a_workbook_never_crash(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("bytes") / "data.xlsx"
    path.write_bytes(b"PK\x03\x04" + raw)
    assert run_pipeline(path) is None


@st.composite
def csv_files(draw):
    """A header of known names (some translated, some missing, some junk) and ragged rows."""
    known = draw(st.lists(st.sampled_from(COLUMNS), max_size=len(COLUMNS), unique=True))
    junk = draw(st.lists(st.text(string.ascii_letters + "Đạt xã ", max_size=8), max_size=2))
    header = draw(st.permutations(known + junk))
    base = BASE
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        row = [base.get(h, "") for h in header]
        for i in draw(st.lists(st.integers(0, max(len(header) - 1, 0)), max_size=6)):
            if header:
                row[i] = draw(CELL)
        cut = draw(st.integers(0, 2))  # some rows short or long
        row = row[: len(row) - cut] if draw(st.booleans()) else row + [draw(CELL)] * cut
        rows.append(row)
    return header, rows, draw(st.sampled_from([",", ";", "\t"]))


def write_csv_file(path, header, rows, delimiter):
    import csv

    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return [i + 2 for i, row in enumerate(rows) if any(c.strip() for c in row)]


@FAST
@given(shape=csv_files())
def test_random_csv_shapes_lose_no_row(tmp_path_factory, shape):
    header, rows, delimiter = shape
    path = tmp_path_factory.mktemp("csv") / "data.csv"
    lines = write_csv_file(path, header, rows, delimiter)
    report = run_pipeline(path)
    if report is None:
        assert not any(h.strip() for h in header) or not (header or rows)
        return
    assert_every_row_accounted_for(report, lines)


XLSX_CELL = st.one_of(
    CELL.map(lambda s: "".join(ch for ch in s if ch >= " " or ch == "\t")),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(2100, 1, 1)),
)


@settings(FAST, max_examples=20)
@given(
    cells=st.lists(st.tuples(st.sampled_from(COLUMNS[:6] + COLUMNS[6::7]), XLSX_CELL), max_size=12),
    n_rows=st.integers(1, 4),
)
def test_random_workbook_cells_lose_no_row(tmp_path_factory, cells, n_rows):
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(COLUMNS)
    base = BASE
    rows = [
        [f"{10000 + r}", "A", "B", "Tỉnh B", "dhntb", 2020] + [base[c] for c in COLUMNS[6:]]
        for r in range(n_rows)
    ]
    for i, (column, value) in enumerate(cells):
        rows[i % n_rows][COLUMNS.index(column)] = value
    for row in rows:
        ws.append(row)
    path = tmp_path_factory.mktemp("xlsx") / "data.xlsx"
    book.save(path)
    report = run_pipeline(path)
    assert report is not None
    assert_every_row_accounted_for(
        report, [r + 2 for r in range(n_rows) if any(v not in (None, "") for v in rows[r])]
    )
    for p in report.problems:
        assert p.cell is None or p.cell.startswith("Sheet!")


# --- the command (run_cli): exit 0 or 3, messages, never a traceback --------------------


def assert_clean_exit(result):
    assert result.code in (0, 3), result.stderr
    assert "Traceback" not in result.stderr
    json.loads(result.stdout)  # stdout stays JSON whatever happened
    if result.code == 3:
        assert "error [" in result.stderr


@SLOW
@given(raw=st.binary(max_size=400))
def test_command_on_random_bytes(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("cmd") / "data.csv"
    path.write_bytes(raw)
    assert_clean_exit(run_cli("check", str(path), "--format", "json"))


@SLOW
@given(shape=csv_files())
def test_command_on_random_csv(tmp_path_factory, shape):
    path = tmp_path_factory.mktemp("cmd") / "data.csv"
    write_csv_file(path, *shape)
    assert_clean_exit(run_cli("check", str(path), "--format", "json"))
