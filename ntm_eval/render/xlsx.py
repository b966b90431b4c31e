"""``--format xlsx``: the results as the workbook a provincial office files.

check: *Summary* (counts, bands, criteria, districts), *Matrix* (a commune per row, a
criterion per column: ✓ Đạt / ✗ Chưa đạt / ? Chưa đánh giá được, with fills), *Indicators*
(a commune × measure per row: value, comparison, threshold, gap, status) and, when there
are any, *Problems*. gaps: the ranked candidates and what each has left. compare: the
communes whose standing changed and, indicator by indicator, what changed. Sheet names and
words follow ``--lang``.

Written by ``render.ooxml``, which streams each sheet's XML into the zip file as rows come
(a national check — 10,000 communes, half a million Indicators rows — in seconds and
bounded memory; openpyxl's cell objects took minutes). The writer reads the result
objects every renderer reads; it never judges. Numbers are numbers (a percentage is
written as a share and formatted as a percent), codes are text, and every text that came
from a file is written as a string cell — never a formula, even when it starts with ``=``
(``shown.formula_like``: with Excel's quote prefix too) — shown as ``shown.printable``
shows it (controls escaped).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from typing import IO, Any

from ntm_eval import i18n
from ntm_eval.i18n import tr
from ntm_eval.render import input_name
from ntm_eval.render import place as render_place
from ntm_eval.render.ooxml import Book, Sheet, cells, letter, quoted_name
from ntm_eval.shown import formula_like, printable

#: Excel's last row: the Indicators of a large check go on over further sheets.
MAX_ROWS = 1_048_576

MARKS = {"met": "✓", "not_met": "✗", "not_evaluable": "?"}
#: Fills that read on screen; the marks read in black and white.
FILLS = {"met": "C6EFCE", "not_met": "FFC7CE", "not_evaluable": "FFEB9C"}
OPS = {">=": "≥", "<=": "≤", "==": "=", ">": ">", "<": "<", "!=": "≠"}
NUMBER_FORMATS = {"pct": "0.0%", "money": "#,##0.0", "count": "#,##0"}
HEAD_FILL = "DDEBF7"


def word(lang: str, key: str, **fields: Any) -> str:
    """A label of the workbooks (``i18n`` keys ``xlsx.*``)."""
    return tr(lang, "xlsx." + key, **fields)


def sheet_name(lang: str, key: str) -> str:
    """A sheet's name (at most 31 characters, none of []:*?/\\: ``i18n`` keys ``sheet.*``)."""
    return tr(lang, "sheet." + key)


def status_word(lang: str, status: str) -> str:
    """``✓ Đạt``: the mark reads without colour, the word in the language."""
    return f"{MARKS[status]} {tr(lang, f'status.{status}')}"


class _Book:
    """A workbook being written (``ooxml.Book``), its formats made once, and cells made
    the one way: a cell here is the text ``ooxml`` writes for it."""

    def __init__(self, lang: str, stream: IO[bytes]) -> None:
        self.lang = lang
        self.book = Book(stream)
        style = self.book.style
        self.bold = style(font="bold")
        self.title = style(font="title")
        self.link = style(font="link")
        self.head = style(font="bold", fill=HEAD_FILL, wrap=True)
        self.fills = {s: style(fill=c) for s, c in FILLS.items()}
        self.words = {s: self.book.text(status_word(lang, s), self.fills[s]) for s in FILLS}
        self._formats: dict[str | None, int] = {None: 0}

    def new_sheet(
        self,
        key: str,
        widths: Iterable[float] = (),
        freeze: str | None = None,
        n: int = 1,
        **options: Any,
    ) -> Sheet:
        """A new sheet (the ``n``-th of its kind: its name numbered after the first)."""
        name = sheet_name(self.lang, key)
        return self.book.sheet(name if n == 1 else f"{name} ({n})", widths, freeze, **options)

    def text(self, value: Any, style: int = 0) -> str:
        """A string cell for text from a file (or any text): shown as ``printable`` shows
        it, and never a formula."""
        return self.book.text(value if value.__class__ is str else str(value), style)

    def number(self, value: Any, number_format: str | None = None) -> str:
        style = self._formats.get(number_format)
        if style is None:
            style = self._formats[number_format] = self.book.style(number_format=number_format)
        return self.book.number(value, style)

    def status(self, status: str) -> str:
        return self.words[status]

    def header(self, labels: Iterable[str]) -> list[str]:
        return [self.text(x, self.head) for x in labels]

    def heading(self, label: str) -> list[str]:
        return [self.text(label, self.bold)]

    def save(self) -> None:
        self.book.close()


def not_formula(cell: Any) -> Any:
    """``cell`` (an openpyxl cell: the data-entry templates), a string cell when it holds
    text a spreadsheet would take for a formula: that text stays text
    (``shown.formula_like``)."""
    if cell.data_type == "f" or (cell.value.__class__ is str and formula_like(cell.value)):
        cell.data_type = "s"  # openpyxl takes a text starting with "=" for a formula
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def _serial(moment: _dt.datetime) -> float:
    """A date and time as Excel's number of days since 1899-12-30."""
    return (moment - _dt.datetime(1899, 12, 30)).total_seconds() / 86400


def _value(b: _Book, kind: str, x: Any) -> str:
    """A measure's value or threshold: a number (a percentage as a share), or a word."""
    if x is None:
        return ""
    if x is True or x is False:
        return b.text(tr(b.lang, f"value.{str(x).lower()}"))
    if kind == "pct":
        return b.number(x / 100, NUMBER_FORMATS["pct"])
    return b.number(x, NUMBER_FORMATS.get(kind))


def _yes_no(b: _Book, x: bool | None) -> str:
    return "" if x is None else b.text(word(b.lang, "yes" if x else "no"))


def _reason(lang: str, reason: str | None) -> str | None:
    return None if reason is None else i18n.reason(lang, reason)


def _measure_names(ruleset: Any, lang: str) -> dict[str, str]:
    """Each measure's name by column key (``model.measure_name``)."""
    return {column: name.get(lang) for column, name in ruleset.measure_names().items()}


def _ruleset_of(results: Any) -> Any:
    report = getattr(results, "report", None)
    return report.ruleset if report is not None else results.ruleset


# --- check ----------------------------------------------------------------------------------


class _Districts:
    """Communes, met and per band, by district (by class for a set without districts:
    ``render.place``), added as communes come."""

    def __init__(self, bands: tuple[tuple[str, int, int], ...], place: str = "district") -> None:
        self.bands = bands
        self.place = place
        self.rows: dict[str, list[int]] = {}

    def add(self, c: Any) -> None:
        key = getattr(c, self.place) or ""
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = [0] * (2 + len(self.bands))
        row[0] += 1
        row[1] += c.status == "met"
        for i, (_, low, high) in enumerate(self.bands):
            if low <= c.criteria_met <= high:
                row[2 + i] += 1


def write_check(results: Any, stream: IO[bytes], lang: str = "en", **_: Any) -> None:
    """The check workbook of ``results`` (``results.Results``), communes as they come."""
    from ntm_eval.engine.results import bands_for

    b = _Book(lang, stream)
    ruleset = _ruleset_of(results)
    names = _measure_names(ruleset, lang)
    summary = b.new_sheet("summary", (34, 60, 16, 16, 16, 16, 16))
    matrix: Sheet | None = None
    place, heading = render_place(ruleset, lang)
    identity = [tr(lang, "col.code"), tr(lang, "col.commune"), heading]
    identity += [word(lang, "criteria_met"), tr(lang, "col.status")]
    ind_header = identity[:3] + [
        tr(lang, "col.id"),
        word(lang, "name"),
        tr(lang, "col.value"),
        word(lang, "op"),
        tr(lang, "col.threshold"),
        word(lang, "from"),
        word(lang, "unit"),
        tr(lang, "col.gap"),
        tr(lang, "col.status"),
        word(lang, "verified"),
        word(lang, "reason"),
    ]
    ind_widths = (10, 22, 16, 8, 50, 12, 10, 12, 10, 12, 10, 20, 12, 30)
    details: list[Sheet] = []  # the Indicators sheets
    columns: list[Any] = []
    total = len(ruleset.criteria)
    districts: _Districts | None = None
    measure = _Measures(b, names)

    def start_matrix(criteria: Iterable[Any]) -> Sheet:
        nonlocal columns, total, districts
        columns = [(k.id, k.name.get(lang)) for k in criteria]
        total = len(columns)
        districts = _Districts(bands_for(total, ruleset), place)
        # written between the Indicators' rows: it waits in a temporary file
        ws = b.new_sheet(
            "matrix",
            [10, 22, 16, 10, 20] + [11] * len(columns),
            freeze="F2",
            buffered=True,
            print_landscape_a3=True,  # the header on every page, across an A3 page
        )
        header = b.header(identity + [f"{i} {name}" for i, name in columns])
        ws.row(header, height=64)  # criterion names wrap in their narrow columns
        return ws

    def start_indicators() -> Sheet:
        if details:
            details[-1].auto_filter = f"A1:{letter(len(ind_header))}{details[-1].rows}"
            details[-1].close()
        ws = b.new_sheet("indicators", ind_widths, "D2", len(details) + 1)
        ws.row(b.header(ind_header))
        details.append(ws)
        return ws

    for batch in results.batches():
        communes = batch.communes()
        if not communes:
            continue
        if matrix is None:
            matrix = start_matrix(communes[0].criteria)
        for c in communes:
            assert districts is not None
            districts.add(c)
            ident = [b.text(c.code), b.text(c.name), b.text(getattr(c, place))]
            matrix.row(
                [
                    *ident,
                    b.number(c.criteria_met, f'0"/{c.criteria_total}"'),
                    b.status(c.status),
                    *(b.status(k.status) for k in c.criteria),
                ]
            )
            rests = [measure(r) for k in c.criteria for r in k.indicators]
            first = cells(ident)
            ws = details[-1] if details else start_indicators()
            while len(rests) > MAX_ROWS - ws.rows:  # Excel's last row: on a new sheet
                room = MAX_ROWS - ws.rows
                ws.rows_starting(first, rests[:room])
                ws, rests = start_indicators(), rests[room:]
            ws.rows_starting(first, rests)
    report = results.finish()
    if matrix is None:
        matrix = start_matrix(ruleset.criteria)
    matrix.auto_filter = f"A1:{letter(len(identity) + len(columns))}{matrix.rows}"
    if not details:
        start_indicators()
    details[-1].auto_filter = f"A1:{letter(len(ind_header))}{details[-1].rows}"
    details[-1].close()
    problems = list(report.problems)
    if problems:
        _problems_sheet(b, problems)
    districts = districts or _Districts(bands_for(total, ruleset), place)
    _summary(b, summary, report, districts, problems)
    b.save()


class _Measures:
    """The cells of an Indicators row after the commune's (columns D to N) for a measure's
    result: the same result (a threshold, a status word…) is often on many rows, and its
    cells are made once."""

    #: results remembered: memory stays bounded when every value differs
    KEPT = 8_192

    def __init__(self, b: _Book, names: dict[str, str]) -> None:
        self.b = b
        self.names = names
        # by the result's id, the result kept: the engine hands the same result object
        # for the same value, and a tuple's id is cheaper than its hash
        self.made: dict[int, tuple[Any, str]] = {}

    def __call__(self, r: Any) -> str:
        """The cells of ``r``'s columns, ``ooxml.cells`` made (with ``ROW`` in them)."""
        hit = self.made.get(id(r))
        if hit is not None and hit[0] is r:
            return hit[1]
        b = self.b
        made = cells(
            [
                b.text(r.id),
                b.text(self.names.get(r.column, r.column)),
                _value(b, r.kind, r.value),
                b.text(OPS.get(r.op, r.op)),
                _value(b, r.kind, r.threshold),
                b.number(r.threshold_from),
                b.text(r.unit) if r.unit else "",
                _value(b, r.kind, r.gap) if r.kind != "bool" else "",
                b.status(r.status),
                _yes_no(b, r.verified),
                b.text(_reason(b.lang, r.reason)) if r.reason else "",
            ],
            first=3,
        )
        if len(self.made) >= self.KEPT:
            self.made.clear()
        self.made[id(r)] = (r, made)
        return made


def _summary(b: _Book, ws: Sheet, report: Any, districts: _Districts, problems: list[Any]) -> None:
    for row in _summary_rows(b, ws, report, districts, problems):
        ws.row(row)


def _summary_rows(
    b: _Book, ws: Sheet, report: Any, districts: _Districts, problems: list[Any]
) -> Iterator[list[str]]:
    """The Summary's rows, each written before the next is made."""
    from ntm_eval.render.text import band_label

    lang, s, rs = b.lang, report.summary, report.ruleset
    yield [b.text(rs.title.get(lang), b.title)]
    yield [b.text(word(lang, "ruleset"), b.bold), b.text(rs.id)]
    yield [b.text(word(lang, "legal_basis"), b.bold), b.text(rs.legal_basis_in(lang))]
    yield [b.text(word(lang, "input"), b.bold), b.text(input_name(report, lang))]
    now = _dt.datetime.now().replace(microsecond=0)
    yield [b.text(word(lang, "date"), b.bold), b.number(_serial(now), "yyyy-mm-dd hh:mm")]
    yield []
    yield [b.text(word(lang, "communes"), b.bold), b.number(s.communes)]
    for key in ("met", "not_met", "not_evaluable"):
        yield [b.text(word(lang, key)), b.number(getattr(s, key)), b.status(key)]
    if problems:
        errors = sum(p.is_error for p in problems)
        see = word(lang, "problems.see", errors=errors, warnings=len(problems) - errors)
        see += f" '{sheet_name(lang, 'problems')}'"
        ws.link(f"B{ws.rows + 1}", f"{quoted_name(sheet_name(lang, 'problems'))}!A1", see)
        yield [b.text(word(lang, "problems"), b.bold), b.text(see, b.link)]
    else:
        yield [b.text(word(lang, "problems"), b.bold), b.text(word(lang, "problems.none"))]
    yield []
    yield b.heading(word(lang, "bands"))
    yield b.header([tr(lang, "col.band"), tr(lang, "col.communes")])
    for band in s.bands:
        label = band_label(band.label, lang)
        yield [b.text(label), b.number(band.communes)]
    yield []
    yield b.heading(word(lang, "criteria"))
    yield b.header(
        [
            tr(lang, "col.id"),
            tr(lang, "col.criterion"),
            tr(lang, "col.met"),
            tr(lang, "col.not_met"),
            tr(lang, "col.not_evaluable"),
        ]
    )
    for k in s.by_criterion:
        yield [
            b.text(k.id),
            b.text(k.name.get(lang)),
            b.number(k.met),
            b.number(k.not_met),
            b.number(k.not_evaluable),
        ]
    yield []
    place, heading = render_place(report.ruleset, lang)
    by = (
        word(lang, "districts")
        if place == "district"
        else word(lang, "by_class", name=heading.lower())
    )
    yield b.heading(by)
    yield b.header(
        [heading, tr(lang, "col.communes"), tr(lang, "col.met")]
        + [band_label(band.label, lang) for band in s.bands]
    )
    for district, counts in sorted(districts.rows.items()):
        yield [b.text(district), *(b.number(n) for n in counts)]


def _problems_sheet(b: _Book, problems: list[Any]) -> None:
    lang = b.lang
    ws = b.new_sheet("problems", (24, 18, 8, 10, 18, 24, 80), freeze="A2")
    ws.row(
        b.header(
            [
                word(lang, "file"),
                word(lang, "where"),
                word(lang, "code"),
                word(lang, "severity"),
                word(lang, "column"),
                tr(lang, "col.value"),
                word(lang, "message"),
            ]
        )
    )
    for p in problems:
        if p.cell:
            where = p.cell
        elif p.line is not None:
            where = f"{p.line}:{p.col}" if p.col is not None else str(p.line)
        else:
            where = None
        ws.row(
            [
                b.text(p.path),
                b.text(where) if where else "",
                b.text(p.code),
                b.text(word(lang, "error" if p.is_error else "warning")),
                b.text(p.column) if p.column else "",
                b.text(printable(p.value, 200)) if p.value is not None else "",
                b.text(p.text(lang)),
            ]
        )


# --- gaps -----------------------------------------------------------------------------------


def write_gaps(g: Any, stream: IO[bytes], lang: str = "en", **_: Any) -> None:
    """The ranked candidates, one row per commune × measure left."""
    from ntm_eval.render.text import left_text

    b = _Book(lang, stream)
    groups = (
        [c for s in g.by_sector for c in s.candidates] if g.by_sector is not None else g.candidates
    )
    ws = b.new_sheet(
        "candidates", (6, 10, 22, 16, 10, 10, 8, 40, 12, 10, 12, 12, 12, 40, 20), freeze="E2"
    )
    ws.row(
        b.header(
            [
                tr(lang, "col.rank"),
                tr(lang, "col.code"),
                tr(lang, "col.commune"),
                tr(lang, "col.district"),
                word(lang, "criteria_met"),
                word(lang, "missing"),
                tr(lang, "col.id"),
                word(lang, "name"),
                tr(lang, "col.sector"),
                tr(lang, "col.value"),
                word(lang, "op"),
                tr(lang, "col.threshold"),
                word(lang, "to_go"),
                word(lang, "left"),
                tr(lang, "col.status"),
            ]
        )
    )
    n = 1
    for c in groups:
        k = c.commune
        for i in c.items:
            ws.row(
                [
                    b.number(c.rank),
                    b.text(k.code),
                    b.text(k.name),
                    b.text(k.district),
                    b.number(k.criteria_met, f'0"/{k.criteria_total}"'),
                    b.number(len(c.missing)),
                    b.text(i.indicator),
                    b.text(i.name.get(lang)),
                    b.text(i.sector),
                    _value(b, i.kind, i.value),
                    b.text(OPS.get(i.op, i.op)),
                    _value(b, i.kind, i.threshold),
                    _value(b, i.kind, i.to_go) if i.kind != "bool" else "",
                    b.text(left_text(i, lang)),
                    b.status(i.status),
                ]
            )
            n += 1
    ws.auto_filter = f"A1:O{n}"
    summary = b.new_sheet("summary", (40, 16))
    summary.row([b.text(tr(lang, "gaps.title"), b.title)])
    summary.row([b.text(word(lang, "input"), b.bold), b.text(input_name(g.report, lang))])
    summary.row([b.text(word(lang, "communes"), b.bold), b.number(g.report.summary.communes)])
    summary.row([b.text(word(lang, "short"), b.bold), b.number(g.short)])
    summary.row([b.text(tr(lang, "gaps.order"))])
    b.save()


# --- compare --------------------------------------------------------------------------------


def write_compare(cmp: Any, stream: IO[bytes], lang: str = "en", **_: Any) -> None:
    """The communes whose standing changed, and indicator by indicator what changed."""
    b = _Book(lang, stream)
    summary = b.new_sheet("summary", (40, 60))
    summary.row([b.text(tr(lang, "compare.title", old=cmp.old.path, new=cmp.new.path), b.title)])
    summary.row([b.text(word(lang, "old"), b.bold), b.text(cmp.old.path)])
    summary.row([b.text(word(lang, "new"), b.bold), b.text(cmp.new.path)])
    for key, n in (
        ("both", cmp.both),
        ("old_met", cmp.old_met),
        ("new_met", cmp.new_met),
        ("gained", len(cmp.gained)),
        ("lost", len(cmp.lost)),
    ):
        summary.row([b.text(word(lang, key), b.bold), b.number(n)])
    for key, codes in (("only_old", cmp.only_old), ("only_new", cmp.only_new)):
        summary.row([b.text(word(lang, key), b.bold), b.text(", ".join(codes))])

    ws = b.new_sheet("communes", (10, 22, 16, 20, 20, 10, 10, 22, 30), freeze="D2")
    ws.row(
        b.header(
            [
                tr(lang, "col.code"),
                tr(lang, "col.commune"),
                tr(lang, "col.district"),
                f"{tr(lang, 'col.status')} ({word(lang, 'old')})",
                f"{tr(lang, 'col.status')} ({word(lang, 'new')})",
                f"{word(lang, 'criteria_met')} ({word(lang, 'old')})",
                f"{word(lang, 'criteria_met')} ({word(lang, 'new')})",
                word(lang, "standard"),
                tr(lang, "col.change"),
            ]
        )
    )
    for c in cmp.communes:
        standard = c.standard or ("kept" if c.old_status == c.new_status == "met" else None)
        ws.row(
            [
                b.text(c.code),
                b.text(c.name),
                b.text(c.district),
                b.status(c.old_status),
                b.status(c.new_status),
                b.number(c.old_met, f'0"/{c.total}"'),
                b.number(c.new_met, f'0"/{c.total}"'),
                b.text(word(lang, standard)) if standard else "",
                b.text(
                    ", ".join(
                        f"{k.id} {MARKS[k.old_status]}→{MARKS[k.new_status]}" for k in c.criteria
                    )
                ),
            ]
        )
    ws.auto_filter = f"A1:I{len(cmp.communes) + 1}"

    ws = b.new_sheet("changes", (10, 22, 8, 8, 12, 12, 10, 12, 20, 20), freeze="C2")
    ws.row(
        b.header(
            [
                tr(lang, "col.code"),
                tr(lang, "col.commune"),
                tr(lang, "col.criterion"),
                tr(lang, "col.id"),
                f"{tr(lang, 'col.value')} ({word(lang, 'old')})",
                f"{tr(lang, 'col.value')} ({word(lang, 'new')})",
                word(lang, "op"),
                tr(lang, "col.threshold"),
                f"{tr(lang, 'col.status')} ({word(lang, 'old')})",
                f"{tr(lang, 'col.status')} ({word(lang, 'new')})",
            ]
        )
    )
    n = 1
    for c in cmp.communes:
        for v in c.values:
            ws.row(
                [
                    b.text(c.code),
                    b.text(c.name),
                    b.text(v.criterion),
                    b.text(v.indicator),
                    _value(b, v.kind, v.old_value),
                    _value(b, v.kind, v.new_value),
                    b.text(OPS.get(v.op, v.op)),
                    _value(b, v.kind, v.new_threshold),
                    b.status(v.old_status),
                    b.status(v.new_status),
                ]
            )
            n += 1
    ws.auto_filter = f"A1:J{n}"
    b.save()
