"""Commune data records → validated, immutable commune rows, each problem with its place.

One row per commune and year. Identity columns name the commune; one column per measure
of the rule set holds its value. Headers may be the column keys, their declared aliases
(Vietnamese headers) or ``Label [key]``.

Every cell is read by its ``Column``: a pydantic ``TypeAdapter`` per kind of column, built
from the rule set, turns the text into a ``Reading`` — the value and what is wrong with
the text (``Finding``s, without a place yet) — once per distinct text (remembered).
``RowReader.read`` gives a record's readings their line and column. The column-wise lane
(``engine.lane``) reads cells through the same ``Column``s and sends every row whose
readings hold a finding to ``RowReader.read``: what a cell's text says is decided in one
place, ``Column.read``; a new cell check joins ``CELL_CHECKS``. ``row_model`` is the same
validation as one pydantic model per row, the plain reference a test compares with.

A bad cell never stops the run: it is reported at its line and column (and, in a workbook,
its cell such as ``Sheet1!D17``), and counts as not evaluable.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from typing import Annotated, Any, NamedTuple, Protocol

from pydantic import BeforeValidator, ConfigDict, create_model

from ntm_eval.diagnostics import (
    CODES,
    Finding,
    HasProblems,
    InputError,
    Problem,
    column_label,
    title_vi,
)
from ntm_eval.input.cells import (
    CHECKS,
    DECIMAL_POINT,
    PLAIN,
    PLAINS,
    WHOLE,
    WHOLES,
    Ambiguous,
    CellError,
    Invalid,
    NumberReader,
    blank,
    evidence_of,
    parse_bool,
    parse_text,
    parse_year,
    percent_format,
    region_parser,
    tolerant,
)
from ntm_eval.input.csvfile import MAX_CELL, Long, Misread, Stray
from ntm_eval.input.headers import HeaderMatcher, Marker, Unit
from ntm_eval.lookalike import Folded, describe, fold_letters, replaced_list
from ntm_eval.reasons import Reason
from ntm_eval.rules.model import Plausible, RuleSet
from ntm_eval.shown import quoted

REQUIRED_IDENTITY = ("commune_code", "region", "year")
#: Columns holding names: look-alike letters in them are folded back (and reported).
NAME_COLUMNS = ("commune_name", "district", "province", "region")
#: Rows searched for the header row of a workbook (title rows may sit above it).
HEADER_SEARCH = 10
#: Distinct texts remembered per column: enough for every yes/no word and the percentages
#: of a national file, and a bound that keeps memory flat beyond.
MEMO_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class CommuneRow:
    """One commune in one year, as read from the data file."""

    line: int
    code: str
    name: str
    district: str
    province: str
    #: the class (region, commune group…) whose thresholds judge the row; None when
    #: missing or unknown
    region: str | None
    year: int | None
    values: dict[str, Any]  # column → parsed value; None when empty or unreadable
    invalid: frozenset[str]  # columns whose cell could not be read (or is absent)
    #: Why no measure of the row can be judged (its cells cannot be placed under the
    #: header), shown as each measure's not-evaluable reason; None for a usual row.
    reason: str | None = None
    #: column → why its cell could not be read (``reasons.Reason``), for the columns of
    #: ``invalid`` that are in the file; None when every cell was read.
    reasons: dict[str, str] | None = None
    #: When a reassignment flag moved the row to another class (``RuleSet.reassign``):
    #: the row's own class and the flag column that moved it.
    own_class: str | None = None
    reassigned_by: str | None = None


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a file's columns are: what places a problem about one of them."""

    path: str
    columns: dict[str, int]  # column key → 1-based position
    headers: dict[str, str]  # column key → header as written
    sheet: str | None = None  # the worksheet read, for a workbook

    def problem(
        self,
        code: str,
        line: int,
        column: str,
        message: str,
        value: str | None = None,
        severity: str = "error",
        *,
        message_vi: str | None = None,
    ) -> Problem:
        """A problem about ``column`` of the row on ``line``; its message (``message_vi`` in
        Vietnamese) starts with the column's label."""
        label = column_label(column, self.headers.get(column))
        label_vi = column_label(column, self.headers.get(column), "vi")
        return Problem(
            code,
            f"{label}: {message}",
            self.path,
            line,
            self.columns.get(column),
            column=column,
            value=value,
            severity=severity,
            message_vi=None if message_vi is None else f"{label_vi}: {message_vi}",
        )

    def place(self, problems: Iterable[Problem]) -> tuple[Problem, ...]:
        """``problems`` in the order of the file (line, then column), each with its sheet
        cell (``Sheet1!D17``) in a workbook."""
        ordered = sorted(problems, key=lambda p: (p.line or 0, p.col or 0))
        if self.sheet is None:
            return tuple(ordered)
        from ntm_eval.input.excel import sheet_ref

        return tuple(
            p
            if p.line is None
            else dataclasses.replace(p, cell=sheet_ref(self.sheet, p.line, p.col))
            for p in ordered
        )


@dataclass(frozen=True, slots=True)
class DataSet(HasProblems):
    """A data file read whole (``load_data``): its rows and every problem, placed."""

    path: str
    rows: tuple[CommuneRow, ...]
    problems: tuple[Problem, ...]
    layout: Layout


# --- what the row checks (``checks``) see of the rows, and how they answer ---------------

#: ``keys()`` gives (line, code, year) of every row again, in file order (a second look).
Keys = Callable[[], Iterable[tuple[int, str, "int | None"]]]


@dataclass(frozen=True)
class Identities:
    """Who and where the rows of a batch are, column by column, in file order."""

    lines: Sequence[int]
    codes: Sequence[str]
    names: Sequence[str]
    districts: Sequence[str]
    provinces: Sequence[str]
    regions: Sequence[str | None]
    years: Sequence[int | None]

    @classmethod
    def of(cls, rows: Sequence[CommuneRow]) -> Identities:
        return cls(
            [r.line for r in rows],
            [r.code for r in rows],
            [r.name for r in rows],
            [r.district for r in rows],
            [r.province for r in rows],
            [r.region for r in rows],
            [r.year for r in rows],
        )

    def __len__(self) -> int:
        return len(self.lines)

    @cached_property
    def codes_are_digits(self) -> bool:
        """Whether every code is ASCII digits (and none is empty)."""
        joined = "".join(self.codes)
        return all(self.codes) and joined.isdigit() and joined.isascii()


#: The rows of a batch a row check holds back, by position: ``None`` — not evaluated at
#: all (a ward); a reason — judged with no measure read, so never met (a code the unit
#: list does not know: whose verdict it would be cannot be told).
Seen = dict[int, str | None]


#: What an identity value is, in Vietnamese (the sentence of D020).
IDENTITY_VI = {
    "commune_code": "mã",
    "commune_name": "tên",
    "district": "huyện",
    "province": "tỉnh",
    "region": "vùng",
    "year": "năm đánh giá",
}


def held_back(code: str) -> str:
    """The not-evaluable reason of a row held back by a problem ``code`` of its row."""
    return Reason("row_held", title=CODES[code], title_vi=title_vi(code), code=code)


def unread(detail: str, code: str) -> str:
    """The not-evaluable reason of a row whose cells cannot be placed (``detail``: the
    English account of why; the Vietnamese one is the code's title)."""
    return Reason("row_unread", detail=detail, title_vi=title_vi(code), code=code)


def cell_reason(code: str, raw: Any, line: int, col: int, sheet: str | None) -> str:
    """Why a cell that could not be read is not evaluable: its value, the problem code and
    where it is (a workbook cell 'AC21', or line and column of a CSV file)."""
    if sheet is not None:
        from ntm_eval.input.excel import column_letter

        cell = f"{column_letter(col)}{line}"
        where, where_vi = f"cell {cell}", f"ô {cell}"
    else:
        where, where_vi = f"line {line}, column {col}", f"dòng {line}, cột {col}"
    return Reason(
        "cell_invalid",
        value=quoted(raw if raw.__class__ is str else str(raw)),
        title=CODES[code],
        title_vi=title_vi(code),
        code=code,
        where=where,
        where_vi=where_vi,
    )


class RowCheck(Protocol):
    def see(self, rows: Identities) -> Seen | None:
        """Check the rows of a batch; those it holds back, if any."""

    def finish(self, problems: list[Problem], keys: Keys) -> None:
        """Add this check's problems to ``problems`` (or mend theirs)."""


class Reading(NamedTuple):
    """What one cell's text reads as, and what is wrong with it (not placed yet)."""

    value: Any  # the typed value; None when empty, unreadable or ambiguous
    findings: tuple[Finding, ...] = ()
    invalid: bool = False  # the text cannot be read as the column's kind
    ambiguous: Ambiguous | None = None  # a number only the whole file can settle
    evidence: tuple[str, ...] = ()  # what a number shows of the file's separators


#: Checks of one cell beyond what its column's parser reads: ``check(column, text, value)``
#: gives a ``Finding`` or None. Each runs once per distinct text of a column, on every
#: path (the row-by-row reader and the column-wise lane both read through ``Column``).
CELL_CHECKS: list[Callable[[Column, Any, Any], Finding | None]] = [percent_format]


def implausible(column: Column, raw: Any, value: Any) -> Finding | None:
    """W120: a number outside the band of possible values its measure declares
    (``plausible`` in the rule file) — most often a slip of unit; judged as written."""
    band = column.band
    if band is None or value is None or band[0].holds(value):
        return None
    plausible, unit = band
    shown = raw.strip() if raw.__class__ is str else str(raw)
    return Finding(
        "W120",
        f"{column.label}: value '{shown}' is outside the values possible "
        f"({plausible.text()}{' ' + unit if unit else ''}); check the value and its unit — "
        "it is judged as written",
        shown,
        "warning",
        message_vi=f"cột{column.label[6:]}: giá trị '{shown}' nằm ngoài khoảng giá trị có thể "
        f"({plausible.text()}{' ' + unit if unit else ''}); hãy kiểm tra giá trị và đơn vị — "
        "giá trị vẫn được đánh giá như đã ghi",
    )


CELL_CHECKS.append(implausible)


def _letters(folded: Folded, raw: str, label: str) -> list[Finding]:
    """What look-alike letters in ``raw`` say (W110 replaced, W111 not Vietnamese)."""
    found = []
    label_vi = "cột" + label[6:] if label.startswith("column") else "tiêu đề cột"
    if folded.replaced:
        found.append(
            Finding(
                "W110",
                f"{label}: {quoted(raw)} read as {quoted(folded.text)} — look-alike letters replaced: "
                f"{replaced_list(folded)}",
                raw,
                "warning",
                message_vi=f"{label_vi}: {quoted(raw)} được đọc là {quoted(folded.text)} — đã "
                f"thay các chữ trông giống: {replaced_list(folded, 'vi')}",
            )
        )
    if folded.foreign:
        found.append(
            Finding(
                "W111",
                f"{label}: {quoted(raw)} holds {', '.join(describe(ch) for ch in folded.foreign)}, "
                "not used in Vietnamese and not a known look-alike; retype it",
                raw,
                "warning",
                message_vi=f"{label_vi}: {quoted(raw)} có "
                f"{', '.join(describe(ch) for ch in folded.foreign)}, chữ không dùng trong "
                "tiếng Việt và không phải chữ trông giống đã biết; hãy gõ lại",
            )
        )
    return found


class Column:
    """How one column of one file is read: each cell → a ``Reading``, each distinct text
    once (up to ``MEMO_LIMIT`` texts, then the memory starts again)."""

    __slots__ = (
        "band",
        "empty",
        "folds",
        "index",
        "key",
        "kind",
        "label",
        "memo",
        "required",
        "validate",
    )

    def __init__(
        self,
        key: str,
        index: int,
        header: str,
        kind: str | None,
        validate: Any,
        memo: bool,
        band: tuple[Plausible, str | None] | None = None,
        required: bool | None = None,
    ) -> None:
        self.key, self.index, self.kind, self.validate = key, index, kind, validate
        self.band = band  # the measure's possible values, and its unit (see ``implausible``)
        self.label = column_label(key, header)
        self.folds = key in NAME_COLUMNS
        self.required = key in REQUIRED_IDENTITY if required is None else required
        # codes differ on every row: remembering them would only cost memory
        self.memo: dict[str, Reading] | None = {} if memo else None
        self.empty = self._read(None)  # an empty cell, or one a short row lacks

    def read(self, raw: Any) -> Reading:
        """The reading of a cell (text, a workbook's typed value, or None)."""
        memo = self.memo
        if raw.__class__ is str and memo is not None:
            reading = memo.get(raw)
            if reading is None:
                reading = self._read(raw)
                if len(memo) >= MEMO_LIMIT:
                    memo.clear()
                memo[raw] = reading
            return reading
        return self.empty if raw is None else self._read(raw)

    def read_new(self, raw: Any) -> Reading:
        """``read``, not remembered: for a caller with a cache of its own (the column-wise
        lane), where a second memory of the same texts would only cost memory."""
        return self.empty if raw is None else self._read(raw)

    def read_plain(self, texts: list[str]) -> tuple[list[Any], tuple[str, ...]]:
        """The values of a number column's cells (texts, each NFC) written plainly, as
        ``_read`` reads them, a batch at once: the value where the cell reads without a
        finding, None where it does not or is not written plainly (``cells.PLAIN``, for a
        count ``cells.WHOLE``: read it alone). And what the values read show of the
        file's separators, together (``Reading.evidence``: a '.' marking decimals)."""
        check = CHECKS.get(self.kind)  # type: ignore[arg-type]
        if check is None or self.folds:
            return [None] * len(texts), ()
        joined = "\x1f".join(texts)
        whole = self.kind == "count"
        if (WHOLES if whole else PLAINS).fullmatch(joined):
            values: list[Any] = list(map(float, texts))  # every text is plain
            dotted = "." in joined
        else:
            match = (WHOLE if whole else PLAIN).fullmatch
            values = [float(t) if match(t) else None for t in texts]
            dotted = any("." in t for t, v in zip(texts, values) if v is not None)
        try:
            values = list(map(check, values))
        except (CellError, TypeError):  # a value out of the kind's range: read alone
            values = [_checked(check, v) for v in values]
        for cell_check in CELL_CHECKS:
            found = list(map(cell_check, repeat(self), texts, values))
            if found.count(None) != len(found):  # a finding: that cell is read alone
                values = [None if f is not None else v for v, f in zip(values, found)]
        return values, DECIMAL_POINT if dotted else ()

    def _read(self, raw: Any) -> Reading:
        if self.kind is not None and raw.__class__ is str and ("\n" in raw or "\r" in raw):
            # a measure over several lines: which line was meant is not known
            return Reading(None, (self._broken(raw),), True)
        findings: list[Finding] = []
        text = raw
        if self.folds and raw.__class__ is str and not raw.isascii():
            folded = fold_letters(raw)
            if folded.replaced or folded.foreign:
                findings += _letters(folded, raw, self.label)
            text = folded.text
        value = self.validate(text)
        invalid, ambiguous = False, None
        cls = value.__class__
        if cls is Invalid:
            findings.append(value.finding(self.label))
            invalid, value = True, None
        elif cls is Ambiguous:
            ambiguous, value = value, None
        elif self.required and not value:
            findings.append(
                Finding(
                    "D020",
                    f"{self.label}: value is empty — expected the commune's "
                    f"{self.key.replace('_', ' ')}",
                    "",
                    message_vi=f"cột{self.label[6:]}: ô trống — cần "
                    f"{IDENTITY_VI.get(self.key, self.key)} của xã",
                )
            )
        if raw.__class__ is str and ("\n" in raw or "\r" in raw):
            findings.append(self._broken(raw))
        for check in CELL_CHECKS:
            found = check(self, raw, value)
            if found is not None:
                findings.append(found)
        evidence = evidence_of(text, self.kind) if text.__class__ is str else ()
        return Reading(value, tuple(findings), invalid, ambiguous, evidence)

    def _broken(self, raw: str) -> Finding:
        """A cell holding a line end (D006): in a CSV file, a quoted cell that ran over line
        ends — often a stray quote that swallowed what follows it."""
        lines = raw.splitlines() or [raw]
        shown = " ⏎ ".join(lines) if len(raw) <= 80 else lines[0][:60] + " ⏎ …"
        return Finding(
            "D006",
            f"{self.label}: value '{shown}' runs over {len(lines)} lines — expected a value "
            "on one line (is a quote at its start missing its closing quote?)",
            raw,
            message_vi=f"cột{self.label[6:]}: giá trị '{shown}' kéo dài qua {len(lines)} dòng — "
            "cần một giá trị trên một dòng (dấu ngoặc kép ở đầu ô thiếu dấu đóng?)",
        )


def _checked(check: Callable[[float], Any], value: float | None) -> Any:
    """``check(value)``; None when the value is None or out of range."""
    if value is None:
        return None
    try:
        return check(value)
    except CellError:
        return None


def row_model(ruleset: RuleSet) -> Any:
    """The pydantic model of one data row under ``ruleset`` — the plain reference for what
    ``RowReader`` does column by column (a test compares them). An ambiguous number comes
    back as ``cells.Ambiguous``, for the file to settle."""
    numbers = NumberReader()

    def field_(parse: Any) -> tuple:
        # An absent column keeps the default None (validators do not run on defaults).
        return (Annotated[Any, BeforeValidator(tolerant(parse))], None)

    fields: dict[str, Any] = {key: field_(parse) for key, parse in _identity(ruleset).items()}
    for column, kind in ruleset.kinds().items():
        fields[column] = field_(numbers.parser(kind))
    return create_model(
        "CommuneRowInput", __config__=ConfigDict(extra="ignore", frozen=True), **fields
    )


def _identity(ruleset: RuleSet) -> dict[str, Callable[[Any], Any]]:
    """The parser of each identity column of ``ruleset`` (``RuleSet.identity_columns``)."""
    parsers: dict[str, Callable[[Any], Any]] = {
        "commune_code": parse_text,
        "commune_name": parse_text,
        "district": parse_text,
        "province": parse_text,
        ruleset.class_column: region_parser(ruleset.class_values, ruleset.class_name.en),
        "year": parse_year,
    }
    for r in ruleset.reassign:
        parsers[r.flag] = parse_bool
    return {key: parsers[key] for key in ruleset.identity_columns}


def nfc(cell: Any) -> Any:
    """A text cell NFC-normalised (a cell of bytes is UTF-8 text: ``UnicodeDecodeError``
    when it is not); other cells as they are."""
    cls = cell.__class__
    if cls is bytes:
        cell = cell.decode()
    elif cls is not str:
        return cell
    return cell if cell.isascii() else unicodedata.normalize("NFC", cell)


def nfc_record(cells: Sequence[Any]) -> list[Any]:
    """A record's cells NFC-normalised (``nfc``); a ``csvfile.Misread`` record keeps its
    mark."""
    out = [nfc(c) for c in cells]
    return cells.like(out) if cells.__class__ is Misread else out


def read_header(
    batches: Iterator[tuple[Sequence[int], list[list[Any]]]],
    shown: str,
    ruleset: RuleSet,
    matcher: HeaderMatcher,
    sheet: str | None,
) -> tuple[RowReader, list[tuple[int, list[Any]]]]:
    """Find the header among the first records of ``batches`` (the first non-blank one; in
    a workbook, the best of the first ``HEADER_SEARCH``, title rows above it skipped) and
    return a ``RowReader`` for the data rows, with the records after the header already
    taken from ``batches`` (read them first). Cells come NFC-normalised."""
    wanted = HEADER_SEARCH if sheet is not None else 1
    head: list[tuple[int, list[Any]]] = []
    rest: list[tuple[int, list[Any]]] = []
    for lines, rows in batches:
        for line, cells in zip(lines, rows):
            if len(head) < wanted:
                cells = [nfc(c) for c in cells]
                if not blank(cells):
                    head.append((line, cells))
            else:
                rest.append((line, cells))
        if len(head) >= wanted:
            break
    if not head:
        where = f"sheet '{sheet}' is empty" if sheet else "the file is empty"
        where_vi = f"trang tính '{sheet}' trống" if sheet else "tệp trống"
        raise InputError(
            [
                Problem(
                    "D001",
                    f"{where}; expected a header row with "
                    "commune_code, commune_name, … and one column per measure",
                    shown,
                    message_vi=f"{where_vi}; cần một dòng tiêu đề với commune_code, "
                    "commune_name, … và một cột cho mỗi chỉ số đo",
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
                    message_vi=f"không đọc các dòng {skipped} phía trên dòng tiêu đề "
                    f"(dòng {head[start][0]})",
                )
            )
    header_line, header_cells = head[start]
    header = [parse_text(c) for c in header_cells]
    keys = _header_keys(header, header_line, ruleset, matcher, shown, problems)
    layout = Layout(
        shown,
        {key: i + 1 for key, i in keys.items()},
        {key: header[i] for key, i in keys.items()},
        sheet,
    )
    reader = RowReader(ruleset, keys, header, layout, problems)
    reader.header_line = header_line
    return reader, head[start + 1 :] + rest


class RowReader:
    """Turns the data records of one file into ``CommuneRow``s, collecting every problem.

    Each column is read by a ``Column``: a pydantic ``TypeAdapter`` per kind of column
    (pct, count, money, yes/no, and each identity column) — the same tolerant validators
    as ``row_model`` — each distinct text once. Remembering is exact: a reading depends
    only on the text. The evidence a number gives about the file's separators is noted in
    file order, as rows are read (``note_evidence``).
    """

    def __init__(
        self,
        ruleset: RuleSet,
        keys: dict[str, int],
        header: list[str],
        layout: Layout,
        problems: list[Problem],
    ) -> None:
        from pydantic import TypeAdapter

        self.ruleset, self.keys, self.layout = ruleset, keys, layout
        self.class_column = ruleset.class_column
        self.flags = bool(ruleset.reassign)
        self.shown, self.sheet = layout.path, layout.sheet
        self.header_line = 0  # the line of the header row (set by read_header)
        self.width = len(header)
        self.header = header
        self.problems = problems
        #: (line, column key, number) of every ambiguous number, settled at the end
        self.ambiguous: list[tuple[int, str, Ambiguous]] = []
        self.numbers = numbers = NumberReader()
        self.kinds = ruleset.kinds()
        self.absent = frozenset(c for c in ruleset.columns if c not in keys)
        self.blank = dict.fromkeys(self.kinds)

        validators: dict[Any, Any] = {}  # parser → its adapter's validate: one per kind
        measures = {m.column: m for _, _, m in ruleset.measures()}

        def column(key: str, parse: Any, kind: str | None) -> Column:
            validate = validators.get(parse)
            if validate is None:
                adapter = TypeAdapter(Annotated[Any, BeforeValidator(tolerant(parse))])
                validate = validators[parse] = adapter.validate_python
            measure = measures.get(key)
            band = (
                (measure.plausible, measure.unit_label) if measure and measure.plausible else None
            )
            return Column(
                key,
                keys[key],
                header[keys[key]],
                kind,
                validate,
                key != "commune_code",
                band,
                key in required if kind is None else False,
            )

        required = ("commune_code", ruleset.class_column, "year")

        self.identity = [column(k, p, None) for k, p in _identity(ruleset).items() if k in keys]
        parsers = {kind: numbers.parser(kind) for kind in set(self.kinds.values())}
        self.measures = [
            column(k, parsers[kind], kind) for k, kind in self.kinds.items() if k in keys
        ]
        #: every column read, by key
        self.column = {c.key: c for c in (*self.identity, *self.measures)}
        self._measure_keys = [c.key for c in self.measures]
        self._last = max((c.index for c in self.measures), default=-1)

    def read(self, line: int, cells: Sequence[Any]) -> CommuneRow:
        """The commune row of the record on ``line`` (text cells NFC-normalised); its
        problems join ``self.problems``, its ambiguous numbers ``self.ambiguous``."""
        problems, n, width = self.problems, len(cells), self.width
        why = None  # why none of the row's measures is read
        if cells.__class__ is Misread:
            problem, why = self.misread(line, cells.why)
            problems.append(problem)
        misfit = self.misfit(cells)
        if misfit is not None:
            problems.append(
                Problem(
                    "D005",
                    misfit,
                    self.shown,
                    line,
                    min(n, width) + 1,
                    message_vi=f"dòng có {n} ô nhưng dòng tiêu đề có {width} cột",
                )
            )
            why = why or unread(misfit, "D005")
        shown = self.shown
        ident: dict[str, Any] = {}
        doubt = None  # why the row, its cells read, is not judged
        for col in self.identity:
            reading = col.read(cells[col.index]) if col.index < n else col.empty
            for finding in reading.findings:
                problems.append(finding.at(shown, line, col.index + 1, col.key))
                if doubt is None and finding.is_error:  # whose verdict it is is in doubt
                    doubt = held_back(finding.code)
            ident[col.key] = reading.value
        if why is not None:  # its measure cells would be read at guessed places
            return self._aside(line, ident, why)
        if n > self._last:
            readings = [col.read(cells[col.index]) for col in self.measures]
        else:
            readings = [
                col.read(cells[col.index]) if col.index < n else col.empty for col in self.measures
            ]
        values = self.blank.copy()
        values.update(zip(self._measure_keys, [r.value for r in readings]))
        bad: dict[str, str] | None = None  # column → why its cell is not read
        for col, reading in zip(self.measures, readings):
            if reading.findings or reading.ambiguous or reading.evidence:
                for finding in reading.findings:
                    problems.append(finding.at(shown, line, col.index + 1, col.key))
                if reading.invalid:
                    bad = bad or {}
                    code = next((f.code for f in reading.findings if f.is_error), "D010")
                    bad[col.key] = cell_reason(
                        code, cells[col.index], line, col.index + 1, self.sheet
                    )
                if reading.ambiguous is not None:
                    self.ambiguous.append((line, col.key, reading.ambiguous))
                    values[col.key] = reading.ambiguous
                if reading.evidence:
                    self.numbers.note(reading.evidence, cells[col.index])
        if doubt is not None:  # every cell read for its problems; none judged
            return self._aside(line, ident, doubt)
        own = ident.get(self.class_column)
        cls, moved = self.ruleset.judging_class(own, ident) if self.flags else (own, None)
        return CommuneRow(
            line=line,
            code=ident.get("commune_code") or "",
            name=ident.get("commune_name") or "",
            district=ident.get("district") or "",
            province=ident.get("province") or "",
            region=cls,
            year=ident.get("year"),
            values=values,
            invalid=self.absent.union(bad) if bad else self.absent,
            reasons=bad,
            own_class=own if moved else None,
            reassigned_by=moved,
        )

    def set_aside(
        self,
        line: int,
        code: str,
        name: str,
        district: str,
        province: str,
        region: str | None,
        year: int | None,
        reason: str,
    ) -> CommuneRow:
        """The row of a commune none of whose measures can be judged, for ``reason``: each
        is not evaluable with it, so the commune is never met."""
        return CommuneRow(
            line=line,
            code=code,
            name=name,
            district=district,
            province=province,
            region=region,
            year=year,
            values=self.blank.copy(),
            invalid=self.absent.union(self.kinds),
            reason=reason,
        )

    def hold(self, row: CommuneRow, reason: str) -> CommuneRow:
        """``row`` held back by a row check (``Seen``): none of its measures judged, for
        ``reason`` — unless it has its own reason already."""
        if row.reason is not None:
            return row
        return self.set_aside(
            row.line, row.code, row.name, row.district, row.province, row.region, row.year, reason
        )

    def _aside(self, line: int, ident: dict[str, Any], reason: str) -> CommuneRow:
        return self.set_aside(
            line,
            ident.get("commune_code") or "",
            ident.get("commune_name") or "",
            ident.get("district") or "",
            ident.get("province") or "",
            ident.get(self.class_column),
            ident.get("year"),
            reason,
        )

    def misread(self, line: int, why: Stray | Long) -> tuple[Problem, str]:
        """The problem of a record the CSV reader could only read by a guess (see
        ``csvfile.split_records``), and the reason its measures are not evaluable."""
        key = next((k for k, i in self.keys.items() if i == why.column), None)
        header = self.header[why.column] if why.column < len(self.header) else ""
        label = column_label(key, header) if key else f"column {why.column + 1}"
        label_vi = column_label(key, header, "vi") if key else f"cột {why.column + 1}"
        if header and not key:
            label += f" ('{header}')"
            label_vi += f" ('{header}')"
        if isinstance(why, Stray):
            code = "D006"
            reach = (
                f"closes only on line {line + why.lines - 1}, on lines that look like rows"
                if why.closed
                else f"does not close within {why.lines} lines ({line}–{line + why.lines - 1})"
            )
            reach_vi = (
                f"chỉ đóng ở dòng {line + why.lines - 1}, sau các dòng trông như dòng dữ liệu"
                if why.closed
                else f"không đóng trong {why.lines} dòng ({line}–{line + why.lines - 1})"
            )
            message_vi = (
                f"{label_vi}: ô mở bằng dấu ngoặc kép và {reach_vi} — cần dấu ngoặc kép ở cả "
                "hai đầu ô; dấu ngoặc kép được đọc như một chữ và các dòng sau như các dòng "
                "dữ liệu"
            )
            message = (
                f"{label}: a quote opens this cell and {reach} — expected a quote at both "
                "ends of a cell; the quote is read as a letter and the next lines as rows"
            )
            reason = unread(f"stray quote in {label}", code)
        else:
            code = "D007"
            message = (
                f"{label}: value '{why.head}…' is {why.length:,} characters long — expected "
                f"at most {MAX_CELL:,} (a cell longer than a spreadsheet holds)"
            )
            message_vi = (
                f"{label_vi}: giá trị '{why.head}…' dài {why.length:,} ký tự — cần không quá "
                f"{MAX_CELL:,} (ô dài hơn mức một bảng tính chứa được)"
            )
            reason = unread(f"cell of {why.length:,} characters in {label}", code)
        problem = Problem(
            code, message, self.shown, line, why.column + 1, column=key, message_vi=message_vi
        )
        return problem, reason

    def misfit(self, cells: Sequence[Any]) -> str | None:
        """Why the cells of a record do not fit under the header (D005), or None. A CSV
        row with more or fewer cells than the header has its values shifted against
        their columns by a cell typed in or left out somewhere: which one cannot be told,
        so none is placed. Surplus cells that are all empty, at the end, are only
        separators (Excel writes them); a workbook's shorter row keeps its cells in their
        columns."""
        n, width = len(cells), self.width
        if n == width or (n < width and self.sheet is not None):
            return None
        if n > width and not any(c is not None and parse_text(c) for c in cells[width:]):
            return None
        return f"row has {n} cells but the header has {width}"

    def note_evidence(self, rows: Iterable[Sequence[Any]], wanted: set[str]) -> None:
        """Note, in file order, the first value of ``rows`` showing each of the separator
        uses ``wanted`` (the column-wise lane reads a batch column by column: the first
        value it met need not be the first in the file)."""
        numbers = self.numbers
        wanted = {e for e in wanted if not numbers.knows(e)}
        for cells in rows:
            if not wanted:
                return
            n = len(cells)
            for col in self.measures:
                if col.index < n:
                    text = nfc(cells[col.index])
                    shows = col.read(text).evidence
                    if shows and not wanted.isdisjoint(shows):
                        numbers.note(shows, text)
                        wanted.difference_update(shows)

    def key_of(self, line: int, cells: Sequence[Any]) -> tuple[int, str, int | None]:
        """(line, code, year) of a record, as ``read`` reads them (see
        ``checks.DuplicateCheck``)."""
        out = []
        for key in ("commune_code", "year"):
            col = self.column.get(key)
            out.append(
                col.read(nfc(cells[col.index])).value
                if col is not None and col.index < len(cells)
                else None
            )
        return line, out[0] or "", out[1]

    def settle(self, rows: Iterable[CommuneRow]) -> list[CommuneRow]:
        """``rows`` with each ambiguous number read now that the whole file's use of
        separators is known (a number it does not settle is a problem, and unreadable)."""
        # by column and number, not by line: a workbook may store two rows on one line
        fixes: dict[tuple[str, Ambiguous], Any] = {}
        for line, key, number in self.ambiguous:
            fixes[key, number] = self._settled(number, line, key)
        lines = {line for line, _, _ in self.ambiguous}
        self.ambiguous = []
        return [
            settled(
                row,
                {k: fixes[k, v] for k, v in row.values.items() if v.__class__ is Ambiguous},
                self._unsettled_reasons(row),
            )
            if row.line in lines
            else row
            for row in rows
        ]

    def _unsettled_reasons(self, row: CommuneRow) -> dict[str, str]:
        """Why each ambiguous number of ``row`` left unsettled is not evaluable."""
        return {
            k: cell_reason("D040", v.raw, row.line, self.column[k].index + 1, self.sheet)
            for k, v in row.values.items()
            if v.__class__ is Ambiguous
        }

    def _settled(self, number: Ambiguous, line: int, key: str) -> Any:
        col = self.column[key]
        try:
            value = self.numbers.resolve(number, self.kinds[key])
        except CellError as exc:
            finding = Invalid(exc.code, exc.expected, number.raw, exc.expected_vi).finding(
                col.label
            )
            self.problems.append(finding.at(self.shown, line, col.index + 1, key))
            return None
        for check in CELL_CHECKS:  # what ``Column.read`` checks of a value it knows at once
            found = check(col, number.raw, value)
            if found is not None:
                self.problems.append(found.at(self.shown, line, col.index + 1, key))
        return value


def settled(
    row: CommuneRow, fixes: dict[str, Any], why: dict[str, str] | None = None
) -> CommuneRow:
    """``row`` with its ambiguous numbers replaced by their settled values (None: unreadable,
    for the reason ``why`` gives by column)."""
    bad = {k for k, v in fixes.items() if v is None}
    if not bad:
        return dataclasses.replace(row, values={**row.values, **fixes})
    reasons = {**(row.reasons or {}), **{k: why[k] for k in bad if why and k in why}}
    return dataclasses.replace(
        row, values={**row.values, **fixes}, invalid=row.invalid | bad, reasons=reasons or None
    )


def _header_keys(
    header: list[str],
    line: int,
    ruleset: RuleSet,
    matcher: HeaderMatcher,
    shown: str,
    problems: list[Problem],
) -> dict[str, int]:
    """Map each known column key to its 0-based position in the header (a column whose
    header says a unit its values are not in is not read: D015)."""
    keys: dict[str, int] = {}
    refused: set[str] = set()  # columns named only by headers of the wrong unit
    for i, cell in enumerate(header):
        if not cell.isascii():
            folded = fold_letters(cell)
            problems += [f.at(shown, line, i + 1, "") for f in _letters(folded, cell, "header")]
        key = matcher.match(cell)
        if key is None:
            if not cell:
                continue  # an unnamed column (often an empty one): nothing to read there
            hint = matcher.closest(cell)
            problems.append(
                Problem(
                    "W101",
                    f"{column_label(cell)} is not used by rule set "
                    f"'{ruleset.id}'; its values are ignored"
                    + (f" (did you mean {hint}?)" if hint else ""),
                    shown,
                    line,
                    i + 1,
                    column=cell,
                    severity="warning",
                    message_vi=f"{column_label(cell, lang='vi')} không được bộ tiêu chí "
                    f"'{ruleset.id}' sử dụng; các giá trị của cột bị bỏ qua"
                    + (f" (có phải là {hint}?)" if hint else ""),
                )
            )
        elif key not in keys and (wrong := matcher.disagreement(cell, key)) is not None:
            refused.add(key)
            problems.append(_wrong_unit(cell, key, *wrong, shown, line, i + 1))
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
                    message_vi=f"{column_label(key, cell, 'vi')} xuất hiện hai lần (cả ở cột "
                    f"{keys[key] + 1}); chỉ đọc cột đầu tiên",
                )
            )
        else:
            keys[key] = i
    for key in ruleset.identity_columns:
        if key not in keys:
            problems.append(
                Problem(
                    "D002",
                    f"identity column '{key}' is missing",
                    shown,
                    line,
                    column=key,
                    message_vi=f"thiếu cột định danh '{key}'",
                )
            )
    for key in ruleset.columns:
        if key not in keys and key not in refused:
            problems.append(
                Problem(
                    "D003",
                    f"column '{key}' is missing; rule set "
                    f"'{ruleset.id}' needs it: its indicator cannot be evaluated",
                    shown,
                    line,
                    column=key,
                    message_vi=f"thiếu cột '{key}'; bộ tiêu chí '{ruleset.id}' cần cột này: "
                    "chỉ tiêu của cột chưa đánh giá được",
                )
            )
    return keys


def _wrong_unit(
    header: str, column: str, marker: Marker, needed: Unit, shown: str, line: int, col: int
) -> Problem:
    """D015: the header of ``column`` says a unit its values are not in."""
    return Problem(
        "D015",
        f"{column_label(column, header)}: the header gives the unit '{marker.written}' "
        f"({marker.unit.describe()}) — expected values in {needed.describe()}; values are "
        "never converted, so this column is not read and its indicator cannot be "
        f"evaluated: give the values in {needed.describe()} and write that unit in the header",
        shown,
        line,
        col,
        column=column,
        value=header,
        message_vi=f"{column_label(column, header, 'vi')}: tiêu đề ghi đơn vị "
        f"'{marker.written}' ({marker.unit.describe_vi()}) — cần giá trị tính bằng "
        f"{needed.describe_vi()}; giá trị không bao giờ được quy đổi, nên cột này không được "
        "đọc và chỉ tiêu của cột chưa đánh giá được: hãy ghi giá trị tính bằng "
        f"{needed.describe_vi()} và ghi đơn vị đó trong tiêu đề",
    )
