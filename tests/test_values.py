"""Cell parsers: every spelling people type, and every way a cell can be wrong."""

from __future__ import annotations

import pytest

from ntm_eval.input.cells import CellError, parse_bool, parse_count, parse_money, parse_pct


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("85.5", 85.5),
        ("85,5", 85.5),
        ("85.5%", 85.5),
        ("85,5 %", 85.5),
        ("  85.5  ", 85.5),
        ("0", 0.0),
        ("100", 100.0),
        ("100%", 100.0),
        ("7", 7.0),
        ("+7", 7.0),
        ("0,0", 0.0),
    ],
)
def test_percentages(raw, expected):
    assert parse_pct(raw) == expected


@pytest.mark.parametrize(
    "raw, code",
    [
        ("100.1", "D011"),
        ("-0.5", "D011"),
        ("105%", "D011"),
        ("abc", "D010"),
        ("85..5", "D010"),
        ("8 5", "D010"),
        ("nan", "D010"),
        ("inf", "D010"),
        ("1e2", "D010"),
        ("85,5,1", "D010"),
        ("%", "D010"),
        ("1.234,5", "D011"),
    ],
)
def test_bad_percentages(raw, code):
    with pytest.raises(CellError) as info:
        parse_pct(raw)
    assert info.value.code == code


@pytest.mark.parametrize("raw", ["", "   ", "\t"])
def test_empty_cells_are_missing_not_errors(raw):
    for parse in (parse_pct, parse_count, parse_money, parse_bool):
        assert parse(raw) is None


@pytest.mark.parametrize(
    "raw, expected", [("0", 0), ("3", 3), (" 12 ", 12), ("2.0", 2), ("2,0", 2)]
)
def test_counts(raw, expected):
    value = parse_count(raw)
    assert value == expected and isinstance(value, int)


@pytest.mark.parametrize(
    "raw, code", [("2.5", "D012"), ("-1", "D012"), ("1%", "D010"), ("two", "D010")]
)
def test_bad_counts(raw, code):
    with pytest.raises(CellError) as info:
        parse_count(raw)
    assert info.value.code == code


@pytest.mark.parametrize(
    "raw, expected", [("41", 41.0), ("41,5", 41.5), ("0", 0.0), ("120.25", 120.25)]
)
def test_money(raw, expected):
    assert parse_money(raw) == expected


@pytest.mark.parametrize("raw, code", [("-3", "D013"), ("41%", "D010"), ("41 triệu", "D010")])
def test_bad_money(raw, code):
    with pytest.raises(CellError) as info:
        parse_money(raw)
    assert info.value.code == code


@pytest.mark.parametrize(
    "raw",
    [
        "Đạt",
        "đạt",
        "ĐẠT",
        "DAT",
        "dat",
        " Đạt ",
        "1",
        "true",
        "TRUE",
        "yes",
        "Yes",
        "có",
        "Có",
        "CO",
    ],
)
def test_yes(raw):
    assert parse_bool(raw) is True


@pytest.mark.parametrize(
    "raw",
    [
        "Chưa đạt",
        "chua dat",
        "CHƯA ĐẠT",
        "Chưa  đạt",
        "Không đạt",
        "khong dat",
        "Cơ bản đạt",
        "co ban dat",
        "CƠ BẢN ĐẠT",
        "0",
        "false",
        "no",
        "không",
        "Không",
    ],
)
def test_no(raw):
    assert parse_bool(raw) is False


@pytest.mark.parametrize("raw", ["Đạt một phần", "x", "2", "maybe", "đạt?", "-"])
def test_bad_yes_no(raw):
    with pytest.raises(CellError) as info:
        parse_bool(raw)
    assert info.value.code == "D014"
    assert "Đạt, Chưa đạt" in info.value.expected
