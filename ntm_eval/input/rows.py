"""Commune data files: CSV or Excel → validated, immutable commune rows plus every problem.

One row per commune and year. Identity columns name the commune; one column per measure
of the rule set holds its value. Headers may be the column keys, their declared aliases
(Vietnamese headers) or ``Label [key]``. Cells are validated by pydantic, a
``TypeAdapter`` per kind of column built from the rule set, each distinct text once per
column (``RowReader``); ``row_model`` is the same validation as one model per row, the
plain reference. A bad cell never stops the run: the problem is reported with its line and
column (and, in a workbook, its cell such as ``Sheet1!D17``), and the cell counts as not
evaluable.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from collections import deque
from itertools import chain, islice, repeat
from operator import add, itemgetter
from typing import Annotated, Any, Callable, Iterable, Iterator, NamedTuple, Sequence

from pydantic import BeforeValidator, ConfigDict, create_model

from ntm_eval.diagnostics import HasProblems, InputError, Problem, cell_problem, column_label
from ntm_eval.input.headers import HeaderMatcher
from ntm_eval.lookalike import Folded, describe, fold_letters, replaced_list
from ntm_eval.rules.model import IDENTITY_COLUMNS, RuleSet
from ntm_eval.normalise import fold
from ntm_eval.input.cells import Ambiguous, CellError, NumberReader

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
class DataSet(HasProblems):
    path: str
    rows: tuple[CommuneRow, ...]
    problems: tuple[Problem, ...]
    columns: dict[str, int] = field(default_factory=dict)  # column key → 1-based position
    headers: dict[str, str] = field(default_factory=dict)  # column key → header as written
    sheet: str | None = None  # the worksheet read, for a workbook

    def cell_problem(
        self,
        code: str,
        line: int,
        column: str,
        message: str,
        value: str | None = None,
        severity: str = "error",
    ) -> Problem:
        """A problem about ``column`` of the row on ``line``, located like the loader's own."""
        col = self.columns.get(column)
        label = column_label(column, self.headers.get(column))
        return _locate(
            Problem(
                code,
                f"{label}: {message}",
                self.path,
                line,
                col,
                column=column,
                value=value,
                severity=severity,
            ),
            self.sheet,
        )


def _locate(problem: Problem, sheet: str | None) -> Problem:
    """Add the sheet cell (``Sheet1!D17``) to a problem found in a workbook."""
    if sheet is None or problem.line is None:
        return problem
    from ntm_eval.input.excel import sheet_ref

    return dataclasses.replace(problem, cell=sheet_ref(sheet, problem.line, problem.col))


class _Invalid(NamedTuple):
    code: str
    expected: str
    raw: str


def _shown(raw: Any) -> str:
    """A cell as text for messages: 85.0 → '85', 85.5 → '85.5'."""
    if raw.__class__ is str:
        return raw
    if (
        isinstance(raw, float)
        and raw == raw
        and raw not in (float("inf"), float("-inf"))
        and raw == int(raw)
    ):
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
        if (
            isinstance(raw, (int, float))
            and not isinstance(raw, bool)
            and raw == int(raw)
            and 1900 <= raw <= 2100
        ):
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
    """The pydantic model of one data row under ``ruleset`` — the plain reference for what
    ``RowReader`` does column by column (a test compares them).

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


def load_data(
    path: Path,
    ruleset: RuleSet,
    display: str | None = None,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
) -> DataSet:
    """Read a commune data file, CSV or Excel workbook (by its extension), under ``ruleset``.

    Raises ``InputError`` only when the file as a whole cannot be used (unreadable, wrong
    encoding, no header). Problems in columns, rows and cells are returned in the ``DataSet``.
    """
    from ntm_eval.input.excel import XLSX_SUFFIXES

    shown = display or str(path)
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        if encoding is not None:
            raise InputError(
                [
                    Problem(
                        "D001",
                        "--encoding applies to CSV files; a workbook carries its own encoding",
                        shown,
                    )
                ]
            )
        return load_xlsx(path, ruleset, display, sheet=sheet)
    if suffix in (".xls", ".ods", ".numbers"):
        raise InputError(
            [
                Problem(
                    "D001",
                    f"'{suffix}' files cannot be read; save the sheet as .xlsx or as CSV UTF-8",
                    shown,
                )
            ]
        )
    if sheet is not None:
        raise InputError(
            [
                Problem(
                    "D001",
                    "--sheet applies to Excel workbooks (.xlsx); this file is read as CSV",
                    shown,
                )
            ]
        )
    return load_csv(path, ruleset, display, encoding=encoding)


def load_csv(
    path: Path, ruleset: RuleSet, display: str | None = None, *, encoding: str | None = None
) -> DataSet:
    """Read a commune CSV file under ``ruleset``: UTF-8 (± BOM), UTF-16/32 with BOM, or
    ``encoding``; comma, semicolon or tab separated (detected)."""
    from ntm_eval.input.csvfile import read_records

    shown = display or str(path)
    matcher = HeaderMatcher(ruleset)
    records = read_records(path, shown, lambda cell: matcher.match(cell) is not None, encoding)
    return _load(records, shown, ruleset, matcher, sheet=None)


def load_xlsx(
    path: Path, ruleset: RuleSet, display: str | None = None, *, sheet: str | None = None
) -> DataSet:
    """Read the first worksheet (or ``sheet``) of an Excel workbook under ``ruleset``."""
    from ntm_eval.input.excel import read_sheet

    shown = display or str(path)
    title, records = read_sheet(path, shown, sheet)
    return _load(records, shown, ruleset, HeaderMatcher(ruleset), sheet=title)


def _load(
    records: Iterable[tuple[int, list[Any]]],
    shown: str,
    ruleset: RuleSet,
    matcher: HeaderMatcher,
    sheet: str | None,
) -> DataSet:
    records = iter(records)
    reader, first = open_rows(records, shown, ruleset, matcher, sheet)
    rows = [reader.read(line, cells) for line, cells in chain(first, records)]
    return reader.finish(rows)


def open_rows(
    records: Iterator[tuple[int, list[Any]]],
    shown: str,
    ruleset: RuleSet,
    matcher: HeaderMatcher,
    sheet: str | None,
) -> tuple[RowReader, list[tuple[int, list[Any]]]]:
    """Find the header among the first ``records`` and return a ``RowReader`` for the data
    rows, with the data records already taken from ``records`` (read them first)."""
    head = list(islice(records, HEADER_SEARCH if sheet is not None else 1))
    if not head:
        where = f"sheet '{sheet}' is empty" if sheet else "the file is empty"
        raise InputError(
            [
                Problem(
                    "D001",
                    f"{where}; expected a header row with "
                    "commune_code, commune_name, … and one column per measure",
                    shown,
                )
            ]
        )
    problems: list[Problem] = []
    start = 0
    if sheet is not None:  # a workbook may have title rows above its header
        scores = [
            sum(1 for c in cells if c.__class__ is str and matcher.match(c)) for _, cells in head
        ]
        start = max(range(len(scores)), key=lambda i: (scores[i], -i)) if max(scores) else 0
        if start:
            skipped = f"{head[0][0]}–{head[start - 1][0]}" if start > 1 else f"{head[0][0]}"
            problems.append(
                Problem(
                    "W113",
                    f"row(s) {skipped} above the header row (row {head[start][0]}) are not read",
                    shown,
                    head[0][0],
                    severity="warning",
                )
            )
    header_line, header_cells = head[start]
    header = [_text(c) for c in header_cells]
    keys = _header_keys(header, header_line, ruleset, matcher, shown, problems)
    reader = RowReader(ruleset, keys, header, shown, sheet, problems)
    reader.header_line = header_line
    return reader, head[start + 1 :]


#: Distinct raw cells remembered per column (see ``RowReader``): enough for every yes/no
#: word and the percentages of a national file, and a bound that keeps memory flat beyond.
MEMO_LIMIT = 4096
_MISS = object()


class RowReader:
    """Turns the data records of one file into ``CommuneRow``s, collecting every problem.

    Each column is validated by a pydantic ``TypeAdapter`` (one per kind of column: pct,
    count, money, yes/no, and each identity column) — the same tolerant validators as
    ``row_model`` — and each distinct raw text is validated once per column:
    the result is remembered (up to ``MEMO_LIMIT`` texts a column) and reused, while every
    bad cell is still reported at its own line and column. Remembering is exact: a parser's
    result depends only on the text, and the evidence a number gives about the file's
    separators is recorded the first time the text is read (``NumberReader`` keeps the first
    value showing each use).
    """

    def __init__(
        self,
        ruleset: RuleSet,
        keys: dict[str, int],
        header: list[str],
        shown: str,
        sheet: str | None,
        problems: list[Problem],
    ) -> None:
        from pydantic import TypeAdapter

        self.ruleset, self.keys, self.shown, self.sheet = ruleset, keys, shown, sheet
        self.header_line = 0  # the line of the header row (set by open_rows)
        self.width = len(header)
        self.headers = {key: header[i] for key, i in keys.items()}
        self.problems = problems
        self.ambiguous: list[tuple[int, str, Ambiguous]] = []
        self.numbers = numbers = NumberReader()
        self.kinds = ruleset.kinds()
        self.absent = frozenset(c for c in ruleset.columns if c not in keys)
        self.blank = dict.fromkeys(self.kinds)

        validators: dict[Any, Any] = {}  # parser → its adapter's validate: one per kind

        def plan(key: str, parse: Any) -> tuple:
            validate = validators.get(parse)
            if validate is None:
                adapter = TypeAdapter(Annotated[Any, BeforeValidator(_tolerant(parse))])
                validate = validators[parse] = adapter.validate_python
            # codes differ on every row: remembering them would only cost memory
            return key, keys[key], None if key == "commune_code" else {}, validate

        identity = {
            "commune_code": _text,
            "commune_name": _text,
            "district": _text,
            "province": _text,
            "region": region_parser(ruleset),
            "year": _year,
        }
        self.identity = [plan(k, p) for k, p in identity.items() if k in keys]
        parsers = {kind: numbers.parser(kind) for kind in set(self.kinds.values())}
        self.measures = [plan(k, parsers[kind]) for k, kind in self.kinds.items() if k in keys]
        self.measure_keys = [key for key, _, _, _ in self.measures]
        self.memos = [memo for _, _, memo, _ in self.measures]
        self.misses = [_MISS] * len(self.measures)
        indices = [i for _, i, _, _ in self.measures]
        self.last = max(indices, default=-1)  # a row with more cells has every measure
        getter = itemgetter(*indices) if indices else None
        self.raws_of = getter if len(indices) > 1 else lambda cells: (getter(cells),)
        self.duplicates = DuplicateCheck(shown, keys.get("commune_code", 0) + 1)
        #: Whether ``read`` gives each row to ``duplicates`` (``batch`` does it itself).
        self.track_duplicates = True
        self.period = PeriodCheck(ruleset, shown)

    def read(self, line: int, cells: list[Any]) -> CommuneRow:
        """The commune row of the record on ``line``; its problems join ``self.problems``."""
        problems, n = self.problems, len(cells)
        if n != self.width and (
            self.sheet is None or any(c is not None and _text(c) for c in cells[self.width :])
        ):
            problems.append(
                Problem(
                    "D005",
                    f"row has {n} cells but the header has {self.width}",
                    self.shown,
                    line,
                    min(n, self.width) + 1,
                )
            )
        ident: dict[str, Any] = {}
        bad: set[str] | None = None
        for key, i, memo, validate in self.identity:
            if i >= n:
                ident[key] = None  # a short row: the cell is missing, not invalid
                continue
            raw = cells[i]
            if key in NAME_COLUMNS and raw.__class__ is str and not raw.isascii():
                folded = fold_letters(raw)
                if folded.replaced or folded.foreign:
                    _report_letters(
                        folded, raw, line, i + 1, key, self.headers, self.shown, problems
                    )
                raw = folded.text
            value = self._cell(raw, memo, validate)
            if value.__class__ is _Invalid:
                self._invalid(line, key, value)
                bad = bad or set()
                bad.add(key)
                value = None
            ident[key] = value
        if n > self.last and self.measures:
            values, bad = self._measures(line, cells, bad)
        else:
            values, bad = self._measures_slowly(line, cells, bad)
        for key in REQUIRED_IDENTITY:
            if key in self.keys and not ident.get(key) and not (bad and key in bad):
                problems.append(
                    Problem(
                        "D020",
                        f"{column_label(key, self.headers.get(key))}: value is empty — "
                        f"expected the commune's {key.replace('_', ' ')}",
                        self.shown,
                        line,
                        self.keys[key] + 1,
                        column=key,
                        value="",
                    )
                )
        row = CommuneRow(
            line=line,
            code=ident.get("commune_code") or "",
            name=ident.get("commune_name") or "",
            district=ident.get("district") or "",
            province=ident.get("province") or "",
            region=ident.get("region"),
            year=ident.get("year"),
            values=values,
            invalid=self.absent | bad if bad else self.absent,
        )
        if self.track_duplicates:
            self.duplicates.see(row)
        self.period.see(row)
        return row

    def _measures_slowly(
        self, line: int, cells: list[Any], bad: set[str] | None
    ) -> tuple[dict[str, Any], set[str] | None]:
        """The measure values of a row, cell by cell (a short row: some cells missing)."""
        n = len(cells)
        values = self.blank.copy()
        for key, i, memo, validate in self.measures:
            if i >= n:
                continue
            value = self._cell(cells[i], memo, validate)
            if value is None:
                continue
            cls = value.__class__
            if cls is _Invalid:
                self._invalid(line, key, value)
                bad = bad or set()
                bad.add(key)
                continue
            if cls is Ambiguous:
                self.ambiguous.append((line, key, value))
            values[key] = value
        return values, bad

    def _measures(
        self, line: int, cells: list[Any], bad: set[str] | None
    ) -> tuple[dict[str, Any], set[str] | None]:
        """The measure values of a full row: every cell looked up in its column's memo at
        C speed; only texts not seen yet are validated, only bad or ambiguous cells looked
        at one by one."""
        raws = self.raws_of(cells)
        got = list(map(dict.get, self.memos, raws, self.misses))
        if _MISS in got:
            for j, value in enumerate(got):
                if value is _MISS:
                    _, _, memo, validate = self.measures[j]
                    got[j] = self._cell(raws[j], memo, validate)
        values = self.blank.copy()
        values.update(zip(self.measure_keys, got))
        kinds = set(map(type, got))
        if _Invalid in kinds or Ambiguous in kinds:
            for j, value in enumerate(got):
                cls = value.__class__
                if cls is _Invalid:
                    key = self.measure_keys[j]
                    self._invalid(line, key, value)
                    bad = bad or set()
                    bad.add(key)
                    values[key] = None
                elif cls is Ambiguous:
                    self.ambiguous.append((line, self.measure_keys[j], value))
        return values, bad

    @staticmethod
    def _cell(raw: Any, memo: dict | None, validate: Any) -> Any:
        if raw.__class__ is not str or memo is None:
            return validate(raw)
        value = memo.get(raw, _MISS)
        if value is _MISS:
            value = validate(raw)
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            memo[raw] = value
        return value

    def key_of(self, line: int, cells: list[Any]) -> tuple[int, str, int | None]:
        """(line, code, year) of a record, as ``read`` reads them (for ``DuplicateCheck``)."""
        values = []
        for key, reads in (("commune_code", _text), ("year", _year)):
            i = self.keys.get(key)
            try:
                values.append(reads(cells[i]) if i is not None and i < len(cells) else None)
            except CellError:
                values.append(None)
        return line, values[0] or "", values[1]

    def _invalid(self, line: int, key: str, value: _Invalid) -> None:
        self.problems.append(
            cell_problem(
                value.code,
                self.shown,
                line,
                self.keys[key] + 1,
                key,
                value.raw,
                value.expected,
                self.headers.get(key),
            )
        )

    def settle(self, number: Ambiguous, line: int, key: str) -> Any:
        """The value of an ambiguous number now that the file is read; None (and a problem)
        when the file does not settle it."""
        try:
            return self.numbers.resolve(number, self.kinds[key])
        except CellError as exc:
            self.problems.append(
                cell_problem(
                    exc.code,
                    self.shown,
                    line,
                    self.keys[key] + 1,
                    key,
                    number.raw,
                    exc.expected,
                    self.headers.get(key),
                )
            )
            return None

    def finish_problems(
        self, keys: Callable[[], Iterable[tuple[int, str, int | None]]]
    ) -> tuple[Problem, ...]:
        """Every problem found, file-wide ones included, sorted and located. ``keys()``
        gives (line, code, year) of every row again (see ``DuplicateCheck.finish``)."""
        self.duplicates.finish(self.problems, keys)
        self.period.finish(self.problems)
        self.problems.sort(key=lambda p: (p.line or 0, p.col or 0))
        return tuple(_locate(p, self.sheet) for p in self.problems)

    def finish(self, rows: list[CommuneRow]) -> DataSet:
        """The data set of ``rows`` (all rows read, in file order)."""
        if self.ambiguous:
            rows = self._settle(rows)
        columns = {key: i + 1 for key, i in self.keys.items()}
        problems = self.finish_problems(lambda: ((r.line, r.code, r.year) for r in rows))
        return DataSet(self.shown, tuple(rows), problems, columns, self.headers, self.sheet)

    def _settle(self, rows: list[CommuneRow]) -> list[CommuneRow]:
        """Read each ambiguous number now that the whole file's use of separators is known."""
        by_line: dict[int, dict[str, Any]] = {}
        for line, key, number in self.ambiguous:
            by_line.setdefault(line, {})[key] = self.settle(number, line, key)
        self.ambiguous = []
        return [settled(row, by_line[row.line]) if row.line in by_line else row for row in rows]


def settled(row: CommuneRow, fixes: dict[str, Any]) -> CommuneRow:
    """``row`` with its ambiguous numbers replaced by their settled values (None: unreadable)."""
    bad = {k for k, v in fixes.items() if v is None}
    return dataclasses.replace(row, values={**row.values, **fixes}, invalid=row.invalid | bad)


def _report_letters(
    folded: Folded,
    raw: str,
    line: int,
    col: int,
    key: str,
    headers: dict[str, str],
    shown: str,
    problems: list[Problem],
    what: str | None = None,
) -> None:
    label = what or column_label(key, headers.get(key))
    if folded.replaced:
        problems.append(
            Problem(
                "W110",
                f"{label}: '{raw}' read as '{folded.text}' — look-alike letters replaced: "
                f"{replaced_list(folded)}",
                shown,
                line,
                col,
                column=key,
                value=raw,
                severity="warning",
            )
        )
    if folded.foreign:
        problems.append(
            Problem(
                "W111",
                f"{label}: '{raw}' holds {', '.join(describe(ch) for ch in folded.foreign)}, "
                "not used in Vietnamese and not a known look-alike; retype it",
                shown,
                line,
                col,
                column=key,
                value=raw,
                severity="warning",
            )
        )


def _header_keys(
    header: list[str],
    line: int,
    ruleset: RuleSet,
    matcher: HeaderMatcher,
    shown: str,
    problems: list[Problem],
) -> dict[str, int]:
    """Map each known column key to its 0-based position in the header."""
    keys: dict[str, int] = {}
    for i, cell in enumerate(header):
        if not cell.isascii():
            folded = fold_letters(cell)
            if folded.replaced or folded.foreign:
                _report_letters(folded, cell, line, i + 1, "", {}, shown, problems, what="header")
        key = matcher.match(cell)
        if key is None:
            if not cell:
                continue  # an unnamed column (often an empty one): nothing to read there
            hint = matcher.closest(cell)
            problems.append(
                Problem(
                    "W101",
                    f"column '{cell}' is not used by rule set "
                    f"'{ruleset.id}'; its values are ignored"
                    + (f" (did you mean {hint}?)" if hint else ""),
                    shown,
                    line,
                    i + 1,
                    column=cell,
                    severity="warning",
                )
            )
        elif key in keys:
            problems.append(
                Problem(
                    "D004",
                    f"{column_label(key, cell)} appears twice (also "
                    f"column {keys[key] + 1}); only the first is read",
                    shown,
                    line,
                    i + 1,
                    column=key,
                )
            )
        else:
            keys[key] = i
    for key in IDENTITY_COLUMNS:
        if key not in keys:
            problems.append(
                Problem("D002", f"identity column '{key}' is missing", shown, line, column=key)
            )
    for key in ruleset.columns:
        if key not in keys:
            problems.append(
                Problem(
                    "D003",
                    f"column '{key}' is missing; rule set "
                    f"'{ruleset.id}' needs it: its indicator cannot be evaluated",
                    shown,
                    line,
                    column=key,
                )
            )
    return keys


class DuplicateCheck:
    """One row per commune and year (D023), checked as rows are read, in bounded memory.

    Numeric codes of up to six digits (official codes have five) are marked in one byte
    array per number of digits, a slice of it per year — 100 kB a year for five digits —
    seven-digit codes in a bitmap per year (1.25 MB); other codes go to a set. A duplicate
    is noted as it is found; the line of its first occurrence, which the message names, is
    found at the end by a second look at the (code, year) of every row (``finish``), only
    when there are duplicates.
    """

    def __init__(self, shown: str, col: int) -> None:
        self.shown, self.col = shown, col
        self.marks: dict[int, bytearray] = {}  # digits → a slice per year, a byte per code
        self.slots: dict[int, dict[int | None, int]] = {}  # digits → year → its slice
        self.bitmaps: dict[int | None, bytearray] = {}  # year → seven-digit codes
        self.other: set[tuple[str, int | None]] = set()
        self.found: list[tuple[int, str, int | None]] = []  # (line, code, year) of each repeat

    def _offset(self, year: int | None, size: int) -> int:
        """Where the slice of ``year`` starts in the marks of ``size``-digit codes."""
        slots = self.slots.setdefault(size, {})
        slot = slots.get(year)
        if slot is None:
            slot = slots[year] = len(slots)
            self.marks.setdefault(size, bytearray()).extend(bytes(10**size))
        return slot * 10**size

    def see(self, row: CommuneRow) -> None:
        self.see_many((row.line,), (row.code,), (row.year,))

    def see_many(
        self, lines: Iterable[int], codes: Iterable[str], years: Iterable[int | None]
    ) -> None:
        """See the rows with these lines, codes and years, in file order."""
        other, found = self.other, self.found
        for line, code, year in zip(lines, codes, years):
            if not code:
                continue
            size = len(code)
            if size <= 6 and code.isdigit() and code.isascii():
                marks, at = self.marks, self._offset(year, size) + int(code)
                if not marks[size][at]:
                    marks[size][at] = 1
                    continue
            elif size == 7 and code.isdigit() and code.isascii():
                bitmap = self.bitmaps.get(year)
                if bitmap is None:
                    bitmap = self.bitmaps[year] = bytearray(10**7 // 8 + 1)
                n = int(code)
                byte, bit = n >> 3, 1 << (n & 7)
                if not bitmap[byte] & bit:
                    bitmap[byte] |= bit
                    continue
            else:
                key = (code, year)
                if key not in other:
                    other.add(key)
                    continue
            found.append((line, code, year))

    def see_digits(
        self, lines: Sequence[int], codes: Sequence[str], years: Sequence[int | None]
    ) -> None:
        """``see_many`` for codes that are all ASCII digits (what ``batch`` reads fast):
        looked up and marked at C speed when no code repeats."""
        sizes = set(map(len, codes))
        size = sizes.pop()
        if sizes or size > 6:
            self.see_many(lines, codes, years)
            return
        offsets = {year: self._offset(year, size) for year in set(years)}
        numbers = map(int, codes)
        if len(offsets) == 1:
            at = list(map(next(iter(offsets.values())).__add__, numbers))
        else:
            at = list(map(add, numbers, map(offsets.__getitem__, years)))
        marks = self.marks[size]
        if len(set(at)) != len(at) or any(map(marks.__getitem__, at)):
            self.see_many(lines, codes, years)  # a repeat: row by row, to find it
            return
        deque(map(marks.__setitem__, at, repeat(1)), maxlen=0)

    def finish(
        self, problems: list[Problem], keys: Callable[[], Iterable[tuple[int, str, int | None]]]
    ) -> None:
        """Report each repeat; ``keys()`` gives (line, code, year) of every row again, in
        file order, to find the first line of each repeated pair."""
        if not self.found:
            return
        wanted = {(code, year) for _, code, year in self.found}
        first: dict[tuple[str, int | None], int] = {}
        for line, code, year in keys():
            if (code, year) in wanted and (code, year) not in first:
                first[(code, year)] = line
                if len(first) == len(wanted):
                    break
        for line, code, year in self.found:
            problems.append(
                Problem(
                    "D023",
                    f"column 'commune_code': value '{code}' — already on line "
                    f"{first[(code, year)]} for year {year}; expected one row per commune and year",
                    self.shown,
                    line,
                    self.col,
                    column="commune_code",
                    value=code,
                )
            )


class PeriodCheck:
    """Rows whose year is outside the rule set's period (W102, one warning per year)."""

    def __init__(self, ruleset: RuleSet, shown: str) -> None:
        self.ruleset, self.shown = ruleset, shown
        self.period = ruleset.period
        self.outside: dict[int, tuple[int, list[int]]] = {}  # year → (count, first 5 lines)

    def see(self, row: CommuneRow) -> None:
        period, year = self.period, row.year
        if period is None or year is None or period.from_ <= year <= period.to:
            return
        self.see_line(row.line, year)

    def see_line(self, line: int, year: int) -> None:
        """Note a row of a year outside the period (rows may come in any order)."""
        count, lines = self.outside.get(year, (0, []))
        if len(lines) < 5 or line < lines[-1]:
            lines.append(line)
            lines.sort()
            del lines[5:]
        self.outside[year] = (count + 1, lines)

    def finish(self, problems: list[Problem]) -> None:
        period = self.period
        for year, (count, lines) in sorted(self.outside.items()):
            shown_lines = ", ".join(map(str, lines)) + (", …" if count > 5 else "")
            problems.append(
                Problem(
                    "W102",
                    f"year {year} is outside the period of rule set '{self.ruleset.id}' "
                    f"({period.from_}–{period.to}); {count} row(s), line(s) {shown_lines}",
                    self.shown,
                    lines[0],
                    severity="warning",
                )
            )
