"""Commune data files: CSV or Excel → validated, immutable commune rows plus every problem.

One row per commune and year. Identity columns name the commune; one column per measure
of the rule set holds its value. Headers may be the column keys, their declared aliases
(Vietnamese headers) or ``Label [key]``. Cells are validated by a pydantic model built
from the rule set; a bad cell never stops the run: the problem is reported with its line
and column (and, in a workbook, its cell such as ``Sheet1!D17``), and the cell counts as
not evaluable.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, NamedTuple

from pydantic import BeforeValidator, ConfigDict, create_model

from ntm_eval.diagnostics import InputError, Problem, cell_problem, column_label
from ntm_eval.headers import HeaderMatcher
from ntm_eval.lookalike import Folded, describe, fold_letters, replaced_list
from ntm_eval.rules import IDENTITY_COLUMNS, RuleSet
from ntm_eval.text import fold
from ntm_eval.values import Ambiguous, CellError, NumberReader

REQUIRED_IDENTITY = ("commune_code", "region", "year")
#: Columns holding names: look-alike letters in them are folded back (and reported).
NAME_COLUMNS = ("commune_name", "district", "province", "region")
#: Rows searched for the header row of a workbook (title rows may sit above it).
HEADER_SEARCH = 10


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
    columns: dict[str, int] = field(default_factory=dict)  # column key → 1-based position
    headers: dict[str, str] = field(default_factory=dict)  # column key → header as written
    sheet: str | None = None  # the worksheet read, for a workbook

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def cell_problem(self, code: str, line: int, column: str, message: str,
                     value: str | None = None, severity: str = "error") -> Problem:
        """A problem about ``column`` of the row on ``line``, located like the loader's own."""
        col = self.columns.get(column)
        label = column_label(column, self.headers.get(column))
        return _locate(Problem(code, f"{label}: {message}", self.path, line, col, column=column,
                               value=value, severity=severity), self.sheet)


def _locate(problem: Problem, sheet: str | None) -> Problem:
    """Add the sheet cell (``Sheet1!D17``) to a problem found in a workbook."""
    if sheet is None or problem.line is None:
        return problem
    from ntm_eval.excel import sheet_ref

    return dataclasses.replace(problem, cell=sheet_ref(sheet, problem.line, problem.col))


class _Invalid(NamedTuple):
    code: str
    expected: str
    raw: str


def _shown(raw: Any) -> str:
    """A cell as text for messages: 85.0 → '85', 85.5 → '85.5'."""
    if raw.__class__ is str:
        return raw
    if isinstance(raw, float) and raw == raw and raw not in (float("inf"), float("-inf")) \
            and raw == int(raw):
        return str(int(raw))
    return str(raw)


def _tolerant(parse: Any) -> Any:
    """Wrap a cell parser so a bad cell becomes an ``_Invalid`` marker, not an exception:
    pydantic then validates every cell of a row, and the row keeps its good values."""
    def validate(raw: Any) -> Any:
        try:
            return parse(raw)
        except CellError as exc:
            return _Invalid(exc.code, exc.expected, _shown(raw))
    return validate


def _text(raw: Any) -> str:
    if raw.__class__ is not str:
        return "" if raw is None else _shown(raw)
    return " ".join(raw.split())


def _year(raw: Any) -> int | None:
    if raw.__class__ is not str:
        if raw is None:
            return None
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and raw == int(raw) \
                and 1900 <= raw <= 2100:
            return int(raw)
        raise CellError("D022", "a year such as 2020")
    text = raw.strip()
    if not text:
        return None
    if not text.isdigit() or not text.isascii() or not 1900 <= int(text) <= 2100:
        raise CellError("D022", "a year such as 2020")
    return int(text)


def region_parser(ruleset: RuleSet) -> Any:
    """Parser accepting a region key in any case, or its Vietnamese or English name."""
    names: dict[str, str] = {}
    for key, name in ruleset.regions.items():
        for spelling in (key, name.vi, name.en):
            names[fold(spelling)] = key
    expected = "a region: " + ", ".join(ruleset.regions) + " (or its Vietnamese name)"

    def parse(raw: Any) -> str | None:
        word = fold(_text(raw))
        if not word:
            return None
        if word not in names:
            raise CellError("D021", expected)
        return names[word]
    return parse


def row_model(ruleset: RuleSet, numbers: NumberReader | None = None) -> Any:
    """The pydantic model of one data row under ``ruleset``.

    ``numbers`` reads the number cells of one file (see ``values.NumberReader``); an
    ambiguous number comes back as ``values.Ambiguous`` for the loader to settle.
    """
    numbers = numbers or NumberReader()

    def field_(parse: Any) -> tuple:
        # An absent column keeps the default None (validators do not run on defaults).
        return (Annotated[Any, BeforeValidator(_tolerant(parse))], None)

    fields: dict[str, Any] = {
        "commune_code": field_(_text),
        "commune_name": field_(_text),
        "district": field_(_text),
        "province": field_(_text),
        "region": field_(region_parser(ruleset)),
        "year": field_(_year),
    }
    for column, kind in ruleset.kinds().items():
        fields[column] = field_(numbers.parser(kind))
    return create_model(  # type: ignore[call-overload]
        "CommuneRowInput", __config__=ConfigDict(extra="ignore", frozen=True), **fields
    )


def load_data(path: Path, ruleset: RuleSet, display: str | None = None, *,
              sheet: str | None = None, encoding: str | None = None) -> DataSet:
    """Read a commune data file, CSV or Excel workbook (by its extension), under ``ruleset``.

    Raises ``InputError`` only when the file as a whole cannot be used (unreadable, wrong
    encoding, no header). Problems in columns, rows and cells are returned in the ``DataSet``.
    """
    from ntm_eval.excel import XLSX_SUFFIXES

    shown = display or str(path)
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        if encoding is not None:
            raise InputError([Problem("D001", "--encoding applies to CSV files; a workbook "
                                      "carries its own encoding", shown)])
        return load_xlsx(path, ruleset, display, sheet=sheet)
    if suffix in (".xls", ".ods", ".numbers"):
        raise InputError([Problem("D001", f"'{suffix}' files cannot be read; save the sheet as "
                                  ".xlsx or as CSV UTF-8", shown)])
    if sheet is not None:
        raise InputError([Problem("D001", "--sheet applies to Excel workbooks (.xlsx); this "
                                  "file is read as CSV", shown)])
    return load_csv(path, ruleset, display, encoding=encoding)


def load_csv(path: Path, ruleset: RuleSet, display: str | None = None, *,
             encoding: str | None = None) -> DataSet:
    """Read a commune CSV file under ``ruleset``: UTF-8 (± BOM), UTF-16/32 with BOM, or
    ``encoding``; comma, semicolon or tab separated (detected)."""
    from ntm_eval.csvfile import read_records

    shown = display or str(path)
    matcher = HeaderMatcher(ruleset)
    records = read_records(path, shown, lambda cell: matcher.match(cell) is not None, encoding)
    return _load(records, shown, ruleset, matcher, sheet=None)


def load_xlsx(path: Path, ruleset: RuleSet, display: str | None = None, *,
              sheet: str | None = None) -> DataSet:
    """Read the first worksheet (or ``sheet``) of an Excel workbook under ``ruleset``."""
    from ntm_eval.excel import read_sheet

    shown = display or str(path)
    title, records = read_sheet(path, shown, sheet)
    return _load(records, shown, ruleset, HeaderMatcher(ruleset), sheet=title)


def _load(records: list[tuple[int, list[Any]]], shown: str, ruleset: RuleSet,
          matcher: HeaderMatcher, sheet: str | None) -> DataSet:
    if not records:
        where = f"sheet '{sheet}' is empty" if sheet else "the file is empty"
        raise InputError([Problem("D001", f"{where}; expected a header row with "
                                  "commune_code, commune_name, … and one column per measure", shown)])
    problems: list[Problem] = []
    start = 0
    if sheet is not None:  # a workbook may have title rows above its header
        scores = [sum(1 for c in cells if c.__class__ is str and matcher.match(c))
                  for _, cells in records[:HEADER_SEARCH]]
        start = max(range(len(scores)), key=lambda i: (scores[i], -i)) if max(scores) else 0
        if start:
            skipped = f"{records[0][0]}–{records[start - 1][0]}" if start > 1 else f"{records[0][0]}"
            problems.append(Problem("W113", f"row(s) {skipped} above the header row (row "
                                    f"{records[start][0]}) are not read", shown, records[0][0],
                                    severity="warning"))
    header_line, header_cells = records[start]
    header = [_text(c) for c in header_cells]
    keys = _header_keys(header, header_line, ruleset, matcher, shown, problems)
    headers = {key: header[i] for key, i in keys.items()}
    numbers = NumberReader()
    model = row_model(ruleset, numbers)
    absent = frozenset(c for c in ruleset.columns if c not in keys)
    names = [(key, keys[key]) for key in NAME_COLUMNS if key in keys]
    rows: list[CommuneRow] = []
    ambiguous: list[tuple[int, str, Ambiguous]] = []
    for line, cells in records[start + 1:]:
        if len(cells) != len(header) and (sheet is None or any(
                c is not None and _text(c) for c in cells[len(header):])):
            problems.append(Problem(
                "D005", f"row has {len(cells)} cells but the header has {len(header)}",
                shown, line, min(len(cells), len(header)) + 1))
        given = {key: cells[i] for key, i in keys.items() if i < len(cells)}
        for key, i in names:
            raw = given.get(key)
            if raw.__class__ is str and not raw.isascii():
                folded = fold_letters(raw)
                if folded.replaced or folded.foreign:
                    _report_letters(folded, raw, line, i + 1, key, headers, shown, problems)
                given[key] = folded.text
        rows.append(_row(model, keys, given, line, absent, shown, headers, problems, ambiguous))
    if ambiguous:
        rows = _settle(rows, ambiguous, numbers, ruleset.kinds(), keys, headers, shown,
                       problems)
    _check_duplicates(rows, shown, keys, problems)
    _check_period(rows, ruleset, shown, problems)
    problems.sort(key=lambda p: (p.line or 0, p.col or 0))
    located = tuple(_locate(p, sheet) for p in problems)
    columns = {key: i + 1 for key, i in keys.items()}
    return DataSet(shown, tuple(rows), located, columns, headers, sheet)


def _report_letters(folded: Folded, raw: str, line: int, col: int, key: str,
                    headers: dict[str, str], shown: str, problems: list[Problem],
                    what: str | None = None) -> None:
    label = what or column_label(key, headers.get(key))
    if folded.replaced:
        problems.append(Problem(
            "W110", f"{label}: '{raw}' read as '{folded.text}' — look-alike letters replaced: "
            f"{replaced_list(folded)}", shown, line, col, column=key, value=raw,
            severity="warning"))
    if folded.foreign:
        problems.append(Problem(
            "W111", f"{label}: '{raw}' holds {', '.join(describe(ch) for ch in folded.foreign)}, "
            "not used in Vietnamese and not a known look-alike; retype it", shown, line, col,
            column=key, value=raw, severity="warning"))


def _header_keys(header: list[str], line: int, ruleset: RuleSet, matcher: HeaderMatcher,
                 shown: str, problems: list[Problem]) -> dict[str, int]:
    """Map each known column key to its 0-based position in the header."""
    keys: dict[str, int] = {}
    for i, cell in enumerate(header):
        if not cell.isascii():
            folded = fold_letters(cell)
            if folded.replaced or folded.foreign:
                _report_letters(folded, cell, line, i + 1, "", {}, shown, problems,
                                what="header")
        key = matcher.match(cell)
        if key is None:
            if not cell:
                continue  # an unnamed column (often an empty one): nothing to read there
            hint = matcher.closest(cell)
            problems.append(Problem("W101", f"column '{cell}' is not used by rule set "
                                    f"'{ruleset.id}'; its values are ignored"
                                    + (f" (did you mean {hint}?)" if hint else ""),
                                    shown, line, i + 1, column=cell, severity="warning"))
        elif key in keys:
            problems.append(Problem("D004", f"{column_label(key, cell)} appears twice (also "
                                    f"column {keys[key] + 1}); only the first is read", shown,
                                    line, i + 1, column=key))
        else:
            keys[key] = i
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


def _row(model: Any, keys: dict[str, int], given: dict[str, Any], line: int,
         absent: frozenset[str], shown: str, headers: dict[str, str], problems: list[Problem],
         ambiguous: list[tuple[int, str, Ambiguous]]) -> CommuneRow:
    parsed = model.model_validate(given).__dict__
    invalid = set(absent)
    values: dict[str, Any] = {}
    for key, value in parsed.items():
        if value.__class__ is _Invalid:
            problems.append(cell_problem(value.code, shown, line, keys[key] + 1, key,
                                         value.raw, value.expected, headers.get(key)))
            invalid.add(key)
            value = None
        elif value.__class__ is Ambiguous:
            ambiguous.append((line, key, value))
        values[key] = value
    for key in REQUIRED_IDENTITY:
        if key in keys and key not in invalid and not values[key]:
            problems.append(Problem("D020", f"{column_label(key, headers.get(key))}: value is "
                                    f"empty — expected the commune's {key.replace('_', ' ')}",
                                    shown, line, keys[key] + 1, column=key, value=""))
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


def _settle(rows: list[CommuneRow], ambiguous: list[tuple[int, str, Ambiguous]],
            numbers: NumberReader, kinds: dict[str, str], keys: dict[str, int],
            headers: dict[str, str], shown: str, problems: list[Problem]) -> list[CommuneRow]:
    """Read each ambiguous number now that the whole file's use of separators is known."""
    by_line: dict[int, dict[str, Any]] = {}
    for line, key, number in ambiguous:
        try:
            by_line.setdefault(line, {})[key] = numbers.resolve(number, kinds[key])
        except CellError as exc:
            problems.append(cell_problem(exc.code, shown, line, keys[key] + 1, key,
                                         number.raw, exc.expected, headers.get(key)))
            by_line.setdefault(line, {})[key] = None
    settled = []
    for row in rows:
        fixes = by_line.get(row.line)
        if fixes:
            bad = {k for k, v in fixes.items() if v is None}
            row = dataclasses.replace(row, values={**row.values, **fixes},
                                      invalid=row.invalid | bad)
        settled.append(row)
    return settled


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
