"""Cell parsers: numbers with decimal commas and thousands separators, yes/no words."""

import datetime

import pytest

from ntm_eval.input.cells import (
    Ambiguous,
    CellError,
    NumberReader,
    evidence_of,
    parse_bool,
    parse_count,
    parse_pct,
    read_number,
)


@pytest.mark.parametrize(
    "raw, value, shows",
    [
        ("85", 85, ()),
        ("85.5", 85.5, ("dec.",)),
        ("85,5", 85.5, ("dec,",)),
        (" 85,5\u00a0", 85.5, ("dec,",)),
        ("0.125", 0.125, ("dec.",)),
        ("1234.567", 1234.567, ("dec.",)),
        ("1.234,5", 1234.5, ("dec,", "thou.")),
        ("1,234.5", 1234.5, ("dec.", "thou,")),
        ("1.234.567", 1234567, ("thou.",)),
        ("1,234,567", 1234567, ("thou,",)),
        ("1 234", 1234, ()),
        ("1\u00a0234,5", 1234.5, ("dec,",)),
        ("1\u202f234\u202f567", 1234567, ()),
        ("-5", -5, ()),
        ("\u22125,5", -5.5, ("dec,",)),
    ],
)
def test_read_number(raw, value, shows):
    assert read_number(raw, False) == (value, shows)


@pytest.mark.parametrize("raw", ["1.234", "12,345", "100.000"])
def test_one_separator_before_three_digits_is_ambiguous(raw):
    value, shows = read_number(raw, False)
    assert isinstance(value, Ambiguous) and shows == ()


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "abc",
        "1,2,3",
        "1.23.4",
        "85 5",
        "1.234.5,6.7",
        "12..5",
        ".5",
        "5.",
        "1,234 567",
        "١٢",
        "²",
    ],
)
def test_not_numbers(raw):
    assert read_number(raw, False) is None


def test_percent_sign_only_for_percentages():
    assert read_number("85,5 %", True) == (85.5, ("dec,",))
    assert read_number("85,5 %", False) is None


def _read(cells, kind="money"):
    """Cells of one file read in order, as ``RowReader`` reads them: each value's evidence
    noted, then each ambiguous one settled."""
    reader = NumberReader()
    parse = reader.parser(kind)
    parsed = []
    for c in cells:
        parsed.append(parse(c))
        reader.note(evidence_of(c, kind), c)
    return [reader.resolve(v, kind) if isinstance(v, Ambiguous) else v for v in parsed]


def test_ambiguous_value_settled_by_the_rest_of_the_file():
    assert _read(["85,5", "1.234"]) == [85.5, 1234]  # comma is the decimal mark: '.' groups
    assert _read(["85.5", "1.234"]) == [85.5, 1.234]  # '.' is the decimal mark
    assert _read(["1.234.567", "1.234"]) == [1234567, 1234]


def test_ambiguous_value_without_evidence_is_an_error_that_explains():
    with pytest.raises(CellError) as exc:
        _read(["1.234", "100"])
    assert exc.value.code == "D040"
    assert "1.234" in exc.value.expected and "1234" in exc.value.expected
    assert "no other number in this file" in exc.value.expected


def test_ambiguous_value_with_conflicting_evidence_is_an_error():
    with pytest.raises(CellError) as exc:
        _read(["85.5", "1.234,5", "1.234"])
    assert exc.value.code == "D040" and "both ways" in exc.value.expected


def test_settled_value_is_still_range_checked():
    with pytest.raises(CellError) as exc:
        _read(["85,5", "1.234"], kind="pct")
    assert exc.value.code == "D011"


def test_standalone_parsers():
    assert parse_pct("85,5%") == 85.5
    assert parse_count("1.234.567") == 1234567
    with pytest.raises(CellError):
        parse_count("1.234")  # no file to settle it
    with pytest.raises(CellError):
        parse_pct("101")


def test_workbook_cells_keep_their_type():
    parse = NumberReader().parser("pct")
    assert parse(85.5) == 85.5 and parse(None) is None
    for bad in (True, datetime.datetime(2020, 1, 2), float("nan")):
        with pytest.raises(CellError):
            parse(bad)


@pytest.mark.parametrize(
    "raw, value",
    [
        ("Đạt", True),
        ("Chưa đạt", False),
        ("Ðạt", True),
        ("Cơ bản đạt", False),
        (True, True),
        (0, False),
        ("", None),
    ],
)
def test_bool_words(raw, value):
    assert parse_bool(raw) is value


@pytest.mark.parametrize(
    "raw, value", [("+7", 7), ("+ 7", 7), ("-7", -7), ("\u22127", -7), ("+1.234,5", 1234.5)]
)
def test_explicit_signs(raw, value):
    assert read_number(raw, False)[0] == value
