"""Commune data files: CSV → validated, immutable commune rows plus every problem found.

One row per commune and year. Identity columns name the commune; one column per measure
of the rule set holds its value. Cells are validated by a pydantic model built from the
rule set; a bad cell never stops the run: the problem is reported with its line and
column, and the cell counts as not evaluable.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NamedTuple

from pydantic import BeforeValidator, ConfigDict, create_model

from ntm_eval.diagnostics import InputError, Problem, cell_problem
from ntm_eval.rules import IDENTITY_COLUMNS, RuleSet
from ntm_eval.text import fold
from ntm_eval.values import PARSERS, CellError

REQUIRED_IDENTITY = ("commune_code", "region", "year")


@dataclass(frozen=True, slots=True)
class CommuneRow:
    """One commune in one year, as read from the data file."""

    line: int
    code: str
    name: str
    district: str
    province: str
    region: str | None  # a region key of the rule set; None when missing or unknown
    year: int | None
    values: dict[str, Any]  # column → parsed value; None when empty or unreadable
    invalid: frozenset[str]  # columns whose cell could not be read (or is absent)


@dataclass(frozen=True, slots=True)
class DataSet:
    path: str
    rows: tuple[CommuneRow, ...]
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


class _Invalid(NamedTuple):
    code: str
    expected: str
    raw: str


def _tolerant(parse: Any) -> Any:
    """Wrap a cell parser so a bad cell becomes an ``_Invalid`` marker, not an exception:
    pydantic then validates every cell of a row, and the row keeps its good values."""
    def validate(raw: str) -> Any:
        try:
            return parse(raw)
        except CellError as exc:
            return _Invalid(exc.code, exc.expected, raw)
    return validate


def _text(raw: str) -> str:
    return " ".join(raw.split())


def _year(raw: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    if not text.isdigit() or not 1900 <= int(text) <= 2100:
        raise CellError("D022", "a year such as 2020")
    return int(text)


def region_parser(ruleset: RuleSet) -> Any:
    """Parser accepting a region key in any case, or its Vietnamese or English name."""
    names: dict[str, str] = {}
    for key, name in ruleset.regions.items():
        for spelling in (key, name.vi, name.en):
            names[fold(spelling)] = key
    expected = "a region: " + ", ".join(ruleset.regions) + " (or its Vietnamese name)"

    def parse(raw: str) -> str | None:
        word = fold(raw)
        if not word:
            return None
        if word not in names:
            raise CellError("D021", expected)
        return names[word]
    return parse


def row_model(ruleset: RuleSet) -> Any:
    """The pydantic model of one data row under ``ruleset``."""
    def field(parse: Any) -> tuple:
        # An absent column keeps the default None (validators do not run on defaults).
        return (Annotated[Any, BeforeValidator(_tolerant(parse))], None)

    fields: dict[str, Any] = {
        "commune_code": field(_text),
        "commune_name": field(_text),
        "district": field(_text),
        "province": field(_text),
        "region": field(region_parser(ruleset)),
        "year": field(_year),
    }
    for column, kind in ruleset.kinds().items():
        fields[column] = field(PARSERS[kind])
    return create_model(  # type: ignore[call-overload]
        "CommuneRowInput", __config__=ConfigDict(extra="ignore", frozen=True), **fields
    )


def _read_text(path: Path, shown: str) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem("D001", "no such file", shown)]) from None
    except IsADirectoryError:
        raise InputError([Problem("D001", "is a folder; give a data file", shown)]) from None
    except OSError as exc:
        raise InputError([Problem("D001", f"cannot read the file: {exc.strerror}", shown)]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError([Problem(
            "D001", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}); "
            "save the file as CSV UTF-8", shown, line)]) from None


def load_csv(path: Path, ruleset: RuleSet, display: str | None = None) -> DataSet:
    """Read a commune CSV file (UTF-8, with or without BOM) under ``ruleset``.

    Raises ``InputError`` only when the file as a whole cannot be used (unreadable, no
    header). Problems in columns, rows and cells are returned in the ``DataSet``.
    """
    shown = display or str(path)
    reader = csv.reader(io.StringIO(_read_text(path, shown), newline=""), strict=False)
    records: list[tuple[int, list[str]]] = []
    next_line = 1
    try:
        for cells in reader:
            if cells:  # csv yields [] for a blank line: nothing to evaluate there
                records.append((next_line, cells))
            next_line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError([Problem("D001", f"CSV syntax error: {exc}", shown, reader.line_num)]) from None
    if not records:
        raise InputError([Problem("D001", "the file is empty; expected a header row with "
                                  "commune_code, commune_name, … and one column per measure", shown)])
    header_line, header = records[0]
    problems: list[Problem] = []
    keys = _header_keys(header, header_line, ruleset, shown, problems)
    model = row_model(ruleset)
    absent = frozenset(c for c in ruleset.columns if c not in keys)
    rows: list[CommuneRow] = []
    for line, cells in records[1:]:
        if len(cells) != len(header):
            problems.append(Problem(
                "D005", f"row has {len(cells)} cells but the header has {len(header)}",
                shown, line, min(len(cells), len(header)) + 1))
        rows.append(_row(model, keys, cells, line, absent, shown, problems))
    _check_duplicates(rows, shown, keys, problems)
    _check_period(rows, ruleset, shown, problems)
    problems.sort(key=lambda p: (p.line or 0, p.col or 0))
    return DataSet(shown, tuple(rows), tuple(problems))


def _header_keys(header: list[str], line: int, ruleset: RuleSet, shown: str,
                 problems: list[Problem]) -> dict[str, int]:
    """Map each known column key to its 0-based position in the header."""
    known = set(IDENTITY_COLUMNS) | set(ruleset.columns)
    keys: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = cell.strip().lower()
        if key in keys:
            problems.append(Problem("D004", f"column '{key}' appears twice (also column "
                                    f"{keys[key] + 1}); only the first is read", shown, line, i + 1,
                                    column=key))
        elif key in known:
            keys[key] = i
        else:
            problems.append(Problem("W101", f"column '{cell.strip()}' is not used by rule set "
                                    f"'{ruleset.id}'; its values are ignored", shown, line, i + 1,
                                    column=cell.strip(), severity="warning"))
    for key in IDENTITY_COLUMNS:
        if key not in keys:
            problems.append(Problem("D002", f"identity column '{key}' is missing", shown, line,
                                    column=key))
    for key in ruleset.columns:
        if key not in keys:
            problems.append(Problem("D003", f"column '{key}' is missing; rule set "
                                    f"'{ruleset.id}' needs it: its indicator cannot be evaluated",
                                    shown, line, column=key))
    return keys


def _row(model: Any, keys: dict[str, int], cells: list[str], line: int,
         absent: frozenset[str], shown: str, problems: list[Problem]) -> CommuneRow:
    given = {key: cells[i] for key, i in keys.items() if i < len(cells)}
    parsed = model.model_validate(given).__dict__
    invalid = set(absent)
    values: dict[str, Any] = {}
    for key, value in parsed.items():
        if isinstance(value, _Invalid):
            problems.append(cell_problem(value.code, shown, line, keys[key] + 1, key,
                                         value.raw, value.expected))
            invalid.add(key)
            value = None
        values[key] = value
    for key in REQUIRED_IDENTITY:
        if key in keys and key not in invalid and not values[key]:
            problems.append(Problem("D020", f"column '{key}': value is empty — expected the "
                                    f"commune's {key.replace('_', ' ')}", shown, line,
                                    keys[key] + 1, column=key, value=""))
    return CommuneRow(
        line=line,
        code=values.pop("commune_code") or "",
        name=values.pop("commune_name") or "",
        district=values.pop("district") or "",
        province=values.pop("province") or "",
        region=values.pop("region"),
        year=values.pop("year"),
        values=values,
        invalid=frozenset(invalid),
    )


def _check_duplicates(rows: list[CommuneRow], shown: str, keys: dict[str, int],
                      problems: list[Problem]) -> None:
    first: dict[tuple[str, int | None], int] = {}
    col = keys.get("commune_code", 0) + 1
    for row in rows:
        if not row.code:
            continue
        key = (row.code, row.year)
        if key in first:
            problems.append(Problem(
                "D023", f"column 'commune_code': value '{row.code}' — already on line "
                f"{first[key]} for year {row.year}; expected one row per commune and year",
                shown, row.line, col, column="commune_code", value=row.code))
        else:
            first[key] = row.line


def _check_period(rows: list[CommuneRow], ruleset: RuleSet, shown: str,
                  problems: list[Problem]) -> None:
    period = ruleset.period
    if period is None:
        return
    outside: dict[int, list[int]] = {}
    for row in rows:
        if row.year is not None and not period.from_ <= row.year <= period.to:
            outside.setdefault(row.year, []).append(row.line)
    for year, lines in sorted(outside.items()):
        shown_lines = ", ".join(map(str, lines[:5])) + (", …" if len(lines) > 5 else "")
        problems.append(Problem(
            "W102", f"year {year} is outside the period of rule set '{ruleset.id}' "
            f"({period.from_}–{period.to}); {len(lines)} row(s), line(s) {shown_lines}",
            shown, lines[0], severity="warning"))
