"""``--format csv``: flat rows for spreadsheets.

check: one row per commune × criterion. gaps: one row per commune × measure left.
compare: one row per commune × changed indicator. Headers and status words are fixed keys
(the same in every language); names follow ``--lang``. A cell that starts with ``=``,
``+``, ``-``, ``@`` (or a tab or carriage return) gets a leading ``'`` so a spreadsheet
shows it as text instead of running it as a formula; a control or bidi character in a
text cell is written as ``shown.printable`` shows it (``\x1b``, ``<U+202E>``), values whole.
Streams row by row; ``check`` of a CSV file streams its rows as the communes are judged
(``write_stream``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import IO, Any

from ntm_eval.engine.results import NOT_EVALUABLE, NOT_MET, Memo
from ntm_eval.render.json import once_per_object
from ntm_eval.shown import FORMULA_START, UNSAFE, printable

#: Written first when the output is a file: spreadsheet programs detect UTF-8 by it.
BOM = True

_RISKY = FORMULA_START


def cell(x: Any) -> str:
    """One CSV cell: None → '', booleans → true/false, risky text neutralised."""
    if x.__class__ is str:  # the common case first: this runs for every cell
        return "'" + x if x[:1] in _RISKY_FIRST else x
    if x is None:
        return ""
    if x is True or x is False:
        return "true" if x else "false"
    if x.__class__ is float and x == int(x):
        x = int(x)
    text = str(x)
    return "'" + text if text.startswith(_RISKY) else text


_RISKY_FIRST = frozenset(_RISKY)


def shown_cell(x: Any) -> str:
    """A cell whose text may hold a control character: escaped, then as ``cell``."""
    return cell(printable(x) if x.__class__ is str else x)


def _writer(stream: IO[str]) -> Any:
    return csv.writer(stream, lineterminator="\n")


def _rows(stream: IO[str], header: list[str], rows: Iterable[list[Any]]) -> None:
    w = _writer(stream)
    w.writerow(header)
    for row in rows:
        w.writerow([shown_cell(x) for x in row])


CHECK_HEADER = [
    "code",
    "name",
    "district",
    "province",
    "region",
    "year",
    "commune_status",
    "criteria_met",
    "criteria_total",
    "criterion",
    "part_of",
    "criterion_name",
    "sector",
    "status",
    "indicators_not_met",
    "indicators_not_evaluable",
    "values",
]


def _values(k: Any) -> str:
    # Starts with a column key (a lower-case letter), so it never needs neutralising.
    return "; ".join([f"{r.column}={cell(r.value)}" for r in k.indicators])


class _CheckRows:
    """The rows of each commune, as CSV text. A commune's identity and verdict are formatted
    once, and each criterion's cells once per judged result: the column-wise lane gives the
    same ``CriterionResult`` object to every commune whose cells are the same. A batch's
    column-wise rows (``batch``) are made from its codes: each cell of the identity once
    per distinct value, each criterion's cells once per code."""

    LIMIT = 4096  # criterion texts kept (with their results) before starting again
    NAMES = 10_000  # identity cells kept by value before starting again
    BY_CODE = 50_000  # criterion texts kept by code (all criteria) before starting again

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.buffer = io.StringIO()
        self.writer = _writer(self.buffer)
        self.tails: dict[int, tuple[str, Any]] = {}  # id(result) → (its cells, result)
        self.names: dict[str, str] = {}
        self.header = self.format(CHECK_HEADER) + "\n"
        self._fields: dict[Any, str] = {}  # (class, value) of an identity cell → its text
        self._dictionary: Any = None  # the dictionary the codes below are of
        self._places: dict[int, str] = {}  # place code → its region and year cells
        self._by_code: list[Memo] = []  # per criterion: key of a result → ",cells\n"

    def format(self, fields: list[Any]) -> str:
        """Cells as csv.writer writes them, without the line end."""
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow(fields)
        return self.buffer.getvalue()[:-1]

    def tail(self, k: Any) -> str:
        return once_per_object(self.tails, k, self._tail, self.LIMIT)

    def _tail(self, k: Any) -> str:
        name = self.names.get(k.id)
        if name is None:
            name = self.names[k.id] = shown_cell(k.name.get(self.lang))
        # ids, sector keys and status words come from the rule file's strict patterns
        return self.format(
            [
                k.id,
                k.part_of or "",
                name,
                k.sector,
                k.status,
                " ".join([r.id for r in k.indicators if r.status == NOT_MET]),
                " ".join([r.id for r in k.indicators if r.status == NOT_EVALUABLE]),
                _values(k),
            ]
        )

    def commune(self, c: Any) -> str:
        fields = (
            c.code,
            c.name,
            c.district,
            c.province,
            c.region,
            c.year,
            c.status,
            c.criteria_met,
            c.criteria_total,
        )
        head = ",".join(map(self.field, fields))
        return "".join([f"{head},{self.tail(k)}\n" for k in c.criteria])

    def field(self, x: Any) -> str:
        """One cell of a commune's head (``commune``, ``batch``): csv.writer quotes each
        cell on its own; a cell with something to show is shown (``shown_cell``)."""
        key = (x.__class__, x)  # 1, 1.0 and True are equal keys, not equal cells
        text = self._fields.get(key)
        if text is None:
            if len(self._fields) >= self.NAMES:
                self._fields.clear()
            shown = cell(x)
            # a lone empty cell is written as "" (a row of one empty cell), within a row
            # as nothing
            text = self.format([shown]) if shown else ""
            if UNSAFE.search(text) is not None:
                shown = shown_cell(x)
                text = self.format([shown]) if shown else ""
            self._fields[key] = text
        return text

    def batch(self, batch: Any) -> str:
        """The rows of every commune of ``batch``, in input order."""
        singles = [self.commune(c) for _, c in batch.singles]
        if not batch.lines:
            return "".join(singles)
        d = batch.dictionary
        if d is not self._dictionary or sum(map(len, self._by_code)) > self.BY_CODE:
            self._dictionary, self._places = d, {}
            self._by_code = [Memo(self._tail_of(made)) for made in d.made]
        field = self.field
        places = self._places
        for p in set(batch.places).difference(places):
            region, year = d.places[p]
            places[p] = field(region) + "," + field(year)
        codes = batch.codes
        joined = "".join(codes)
        if joined.isdigit() and joined.isascii() and all(codes):  # a number: shown as is
            code_texts: Any = codes
        else:
            code_texts = map(field, codes)
        verdicts = {}  # a verdict's id → its cells (the lane shares verdict objects)
        for v in batch.verdicts:
            if id(v) not in verdicts:
                verdicts[id(v)] = ",".join(map(field, v[:3]))
        heads = list(
            map(
                ",".join,
                zip(
                    code_texts,
                    map(field, batch.names),
                    map(field, batch.districts),
                    map(field, batch.provinces),
                    map(places.__getitem__, batch.places),
                    map(verdicts.__getitem__, map(id, batch.verdicts)),
                ),
            )
        )
        tails = [
            list(map(texts.__getitem__, column.keys()))
            for texts, column in zip(self._by_code, batch.criteria)
        ]
        if tails:
            rows = [head + head.join(t) for head, t in zip(heads, zip(*tails))]
        else:
            rows = [""] * len(heads)
        return "".join(batch.in_order(rows, singles))

    def _tail_of(self, made: Any) -> Callable[[Any], str]:
        """``,cells\n`` of a criterion's result by its key in ``made`` (its results)."""

        def make(key: Any) -> str:
            return "," + self._tail(made[key]) + "\n"

        return make


def write(results: Any, stream: IO[str], lang: str = "en", **_: Any) -> None:
    """The rows of each commune as the results come (``results.Results``: a ``Run`` gives
    them batch by batch, in input order), in memory that does not grow with the file."""
    rows = _CheckRows(lang)
    stream.write(rows.header)
    for batch in results.batches():
        stream.write(rows.batch(batch))


GAPS_HEADER = [
    "rank",
    "code",
    "name",
    "district",
    "criteria_met",
    "criteria_total",
    "missing",
    "criterion",
    "indicator",
    "column",
    "item_name",
    "sector",
    "status",
    "value",
    "op",
    "threshold",
    "unit",
    "to_go",
    "left",
]


def write_gaps(g: Any, stream: IO[str], lang: str = "en", **_: Any) -> None:
    from ntm_eval.render.text import left_text

    groups = (
        [c for s in g.by_sector for c in s.candidates] if g.by_sector is not None else g.candidates
    )

    def rows() -> Iterable[list[Any]]:
        for c in groups:
            k = c.commune
            for i in c.items:
                yield [
                    c.rank,
                    k.code,
                    k.name,
                    k.district,
                    k.criteria_met,
                    k.criteria_total,
                    len(c.missing),
                    i.criterion,
                    i.indicator,
                    i.column,
                    i.name.get(lang),
                    i.sector,
                    i.status,
                    i.value,
                    i.op,
                    i.threshold,
                    i.unit,
                    i.to_go,
                    left_text(i, lang),
                ]

    _rows(stream, GAPS_HEADER, rows())


COMPARE_HEADER = [
    "code",
    "name",
    "district",
    "old_status",
    "new_status",
    "old_criteria_met",
    "new_criteria_met",
    "standard",
    "criterion",
    "criterion_old_status",
    "criterion_new_status",
    "indicator",
    "column",
    "old_value",
    "new_value",
    "indicator_old_status",
    "indicator_new_status",
    "threshold",
]


def write_compare(cmp: Any, stream: IO[str], **_: Any) -> None:
    def rows() -> Iterable[list[Any]]:
        for c in cmp.communes:
            crit = {k.id: k for k in c.criteria}
            for v in c.values:
                k = crit.get(v.criterion)
                yield [
                    c.code,
                    c.name,
                    c.district,
                    c.old_status,
                    c.new_status,
                    c.old_met,
                    c.new_met,
                    c.standard,
                    v.criterion,
                    k.old_status if k else None,
                    k.new_status if k else None,
                    v.indicator,
                    v.column,
                    v.old_value,
                    v.new_value,
                    v.old_status,
                    v.new_status,
                    v.new_threshold,
                ]

    _rows(stream, COMPARE_HEADER, rows())
