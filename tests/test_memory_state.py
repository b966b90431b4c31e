"""What a check keeps as it reads a file is compact, and exactly what the texts say: the
distinct commune codes it counts, the national unit lists it reads only when a row needs
them, the commune-years it checks for duplicates (D023)."""

from __future__ import annotations

import json
import random

import pytest
from conftest import commune_csv, run_cli

from ntm_eval.engine import results
from ntm_eval.engine.results import Codes, Tally
from ntm_eval.input import units as unit_lists

# --- the distinct communes of a summary ------------------------------------------------------

#: codes that are the same number written differently, codes of letters, of other digits,
#: of more digits than a bitmap takes
AWKWARD = ["00123", "123", "0123", "0", "00", "9999999", "09999999", "12345678", "AB-1", "١٢٣", ""]


def test_distinct_codes_are_counted_as_texts():
    """A code is its text: "00123", "0123" and "123" are three communes, and a batch of
    codes of one length with two in one byte of the bitmap is counted as well as one
    without."""
    rng = random.Random(17)
    for trial in range(200):
        codes, seen = Codes(), set()
        for _ in range(rng.randint(1, 6)):
            kind, n = rng.random(), rng.randint(0, 60)
            size = rng.randint(1, 8)
            if kind < 0.35:  # anywhere in the code space
                batch = [f"{rng.randrange(10**size):0{size}d}" for _ in range(n)]
            elif kind < 0.7:  # neighbours, several in a byte, or a few apart
                start, step = rng.randrange(10**size), rng.choice([1, 3, 8, 9, 10, 100])
                batch = [f"{(start + i * step) % 10**size:0{size}d}" for i in range(n)]
            else:
                batch = [rng.choice(AWKWARD) for _ in range(n)]
            codes.update(batch)
            seen.update(batch)
            assert len(codes) == len(seen), (trial, batch)


def test_digit_codes_are_counted_without_keeping_their_texts():
    tally = Tally([("1", "one")])
    codes = [f"{i * 10:07d}" for i in range(5000)]
    tally.add_columns([bytes(len(codes))], [results.Verdict("met", 1, 1, (), ())] * 5000, codes)
    assert tally.codes is not None and len(tally.codes) == 5000
    assert tally.codes.other == set()  # a bit each, not a text each


def test_the_summary_counts_each_written_code_once_over_several_years(tmp_path):
    written = ["00123", "123", "0123", "12345678", "012345678", "AB-1", "0000001", "1"]
    rows = [
        {"commune_code": code, "year": year, "commune_name": f"Xã {code}"}
        for year in ("2019", "2020")
        for code in written
    ]
    data = tmp_path / "d.csv"
    data.write_text(commune_csv(rows), encoding="utf-8")
    doc = json.loads(run_cli("check", str(data), "--format", "json").stdout)
    assert doc["summary"]["years"] == [2019, 2020]
    assert doc["summary"]["communes"] == len(rows)
    assert doc["summary"]["distinct_communes"] == len(written)


def test_too_many_distinct_codes_are_not_counted(monkeypatch):
    monkeypatch.setattr(results, "DISTINCT_LIMIT", 100)
    tally = Tally([("1", "one")])
    verdicts = [results.Verdict("met", 1, 1, (), ())]
    for i in range(100):
        tally.add_columns([bytes(1)], verdicts, [f"{i:05d}"], [2020])
    assert tally.summary().distinct == 100
    tally.add_columns([bytes(1)], verdicts, ["100"], [2020])  # a text not seen: 101
    assert tally.summary().distinct is None


# --- the national unit lists ------------------------------------------------------------------


@pytest.fixture
def fresh_lists():
    """The national lists as a new process has them: none read yet."""
    unit_lists.national.cache_clear()
    yield
    unit_lists.national.cache_clear()


def test_a_list_gives_its_provinces_without_reading_its_units(fresh_lists):
    every = unit_lists.national_lists()
    for name in [every[0], unit_lists.list_for_year(2020), every[-2], every[-1]]:
        listed = unit_lists.national(name)
        provinces = list(listed.provinces.items())
        assert listed.units._units is None, name  # type: ignore[attr-defined]
        units = list(listed.units.values())  # read now
        assert units and listed.units._units is not None  # type: ignore[attr-defined]
        # the provinces are those of its units, in the same order
        assert list(unit_lists._provinces(u.province for u in units).items()) == provinces


def test_units_of_a_list_are_read_only_for_a_row_of_a_province_it_covers(tmp_path, fresh_lists):
    data = tmp_path / "d.csv"
    data.write_text(commune_csv([{"province": "Tỉnh B (mẫu)"}] * 3), encoding="utf-8")
    result = run_cli("check", str(data), "--format", "jsonl")
    assert "W112" in result.stdout  # not checked: the province is in no list
    listed = unit_lists.national(unit_lists.list_for_year(2020))
    assert listed.units._units is None  # type: ignore[attr-defined]
    # a row of Bình Thuận with a code the list lacks: the list is read, the code refused
    data.write_text(
        commune_csv([{"province": "Bình Thuận", "commune_code": "99999"}]), encoding="utf-8"
    )
    result = run_cli("check", str(data), "--format", "jsonl")
    assert listed.units._units is not None  # type: ignore[attr-defined]
    assert "D031" in result.stdout


# --- duplicates of a commune and year (D023) ------------------------------------------------


def _identities(lines, codes, years):
    from ntm_eval.input.rows import Identities

    n = len(lines)
    return Identities(lines, codes, [""] * n, [""] * n, [""] * n, [None] * n, years)


def _reference(batches):
    """What a set of (code, year) texts finds: each repeat's line, code and year, and the
    line each pair was first on."""
    first, repeats = {}, []
    for lines, codes, years in batches:
        for line, code, year in zip(lines, codes, years):
            if not code:
                continue
            if (code, year) in first:
                repeats.append((line, code, year))
            else:
                first[code, year] = line
    return repeats, first


def test_every_duplicate_is_found_whatever_its_code(tmp_path):
    """Codes of one to eight digits (a byte, a bit or a text each), leading zeros that make
    another code ("00123" is not "123"), letters, other digits, several years, repeats in
    one batch and across batches: the check finds the repeats a set of texts finds, and
    holds back exactly those rows."""
    from ntm_eval.input.checks import REPEATS_LISTED, DuplicateCheck

    rng = random.Random(23)
    for trial in range(150):
        check = DuplicateCheck("d.csv", 1)
        batches, line = [], 2
        for _ in range(rng.randint(1, 5)):
            n = rng.randint(1, 80)
            size = rng.randint(1, 8)
            kind = rng.random()
            if kind < 0.4:  # one length, few distinct: repeats in and across batches
                pool = [f"{rng.randrange(10**size):0{size}d}" for _ in range(rng.randint(1, 30))]
                codes = [rng.choice(pool) for _ in range(n)]
            elif kind < 0.7:  # neighbours: several codes in one byte of a bitmap
                start = rng.randrange(10**size)
                codes = [f"{(start + i) % 10**size:0{size}d}" for i in range(n)]
            else:
                codes = [rng.choice(AWKWARD + ["123", "00123"]) for _ in range(n)]
            years = [rng.choice([2018, 2019, 2020]) for _ in range(n)]
            if rng.random() < 0.3:
                years = [2020] * n
            lines = list(range(line, line + n))
            line += n
            batches.append((lines, codes, years))
            held = check.see(_identities(lines, codes, years))
            repeats, _ = _reference(batches)
            expected = {lines.index(at) for at, _, _ in repeats if at in lines}
            assert set(held) == expected, (trial, codes, years)
        repeats, first = _reference(batches)
        counts = {}
        listed = []
        for at, code, year in repeats:
            counts[code, year] = counts.get((code, year), 0) + 1
            if counts[code, year] <= REPEATS_LISTED:
                listed.append((at, code, year))
        assert check.found == listed
        problems = []
        keys = [k for b in batches for k in zip(*b)]
        check.finish(problems, lambda keys=keys: iter(keys))
        for problem, (at, code, year) in zip(problems, listed):
            assert problem.line == at
            assert f"already on line {first[code, year]} for year {year}" in problem.message


def test_duplicates_over_years_and_code_lengths_in_a_file(tmp_path):
    rows = [
        {"commune_code": code, "year": year, "commune_name": f"Xã {code}"}
        for code, year in [
            ("00123", "2019"),
            ("123", "2019"),  # another code
            ("0123", "2019"),
            ("00123", "2020"),  # another year
            ("1234567", "2019"),
            ("01234567", "2019"),
            ("123456", "2019"),
            ("00123", "2019"),  # a repeat: line 9
            ("1234567", "2019"),  # a repeat: line 10
            ("123456", "2020"),
            ("01234567", "2019"),  # a repeat: line 12
            ("123456", "2019"),  # a repeat: line 13
        ]
    ]
    data = tmp_path / "d.csv"
    data.write_text(commune_csv(rows), encoding="utf-8")
    doc = json.loads(run_cli("check", str(data), "--format", "json").stdout)
    found = [(p["line"], p["value"]) for p in doc["errors"] if p["code"] == "D023"]
    assert found == [(9, "00123"), (10, "1234567"), (12, "01234567"), (13, "123456")]
    messages = [p["message"] for p in doc["errors"] if p["code"] == "D023"]
    assert "already on line 2 for year 2019" in messages[0]
    assert "already on line 6 for year 2019" in messages[1]
    assert "already on line 7 for year 2019" in messages[2]
    assert "already on line 8 for year 2019" in messages[3]
    assert doc["summary"]["distinct_communes"] == 6


def test_six_digit_codes_are_marked_a_bit_each():
    from ntm_eval.input.checks import DuplicateCheck

    check = DuplicateCheck("d.csv", 1)
    codes = [f"{i:06d}" for i in range(0, 5000, 3)]
    check.see(_identities(list(range(2, 2 + len(codes))), codes, [2020] * len(codes)))
    assert not check.marks  # no byte a code: a bitmap of 125 kB, not a megabyte
    assert [len(b) for b in check.bitmaps.values()] == [10**6 // 8 + 1]


def test_seven_digit_codes_past_a_container_of_arrays_are_still_exact():
    """Seven-digit codes go to containers of 65,536 codes: a sorted array up to
    ``SPARSE`` codes, then a bitmap. Repeats before, at and after that change are found,
    in batches of digits only and in mixed batches alike."""
    from ntm_eval.input.checks import SPARSE, DuplicateCheck

    rng = random.Random(5)
    pool = rng.sample(range(16 << 16, 17 << 16), SPARSE + 500)  # one container
    codes = [f"{n:07d}" for n in pool]
    codes += [rng.choice(codes) for _ in range(300)]  # repeats of codes marked either way
    codes += [f"{n:07d}" for n in rng.sample(range(65_536), 200)]  # leading zeros
    codes += ["0" + codes[0][1:], codes[0], codes[-1], "AB-1", "AB-1"]
    check = DuplicateCheck("d.csv", 1)
    batches = []
    for start in range(0, len(codes), 700):
        part = codes[start : start + 700]
        lines = list(range(2 + start, 2 + start + len(part)))
        years = [2020] * len(part)
        batches.append((lines, part, years))
        held = check.see(_identities(lines, part, years))
        repeats, _ = _reference(batches)
        assert set(held) == {lines.index(at) for at, _, _ in repeats if at in lines}
    assert any(box.__class__ is bytearray for box in check.wide.values())
    repeats, _ = _reference(batches)
    assert [at for at, _, _ in check.found] == [at for at, _, _ in repeats]
