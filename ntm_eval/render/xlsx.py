"""``--format xlsx``: the results as the workbook a provincial office files.

check: *Summary* (counts, bands, criteria, districts), *Matrix* (a commune per row, a
criterion per column: ✓ Đạt / ✗ Chưa đạt / ? Chưa đánh giá được, with fills), *Indicators*
(a commune × measure per row: value, comparison, threshold, gap, status) and, when there
are any, *Problems*. gaps: the ranked candidates and what each has left. compare: the
communes whose standing changed and, indicator by indicator, what changed. Sheet names and
words follow ``--lang``.

Written with openpyxl's write-only mode (rows go to disk as they come: a national check
stays in bounded memory), and openpyxl is imported only here. The writer reads the result
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
from ntm_eval.shown import formula_like, printable

#: Excel's last row: the Indicators of a large check go on over further sheets.
MAX_ROWS = 1_048_576

MARKS = {"met": "✓", "not_met": "✗", "not_evaluable": "?"}
#: Fills that read on screen; the marks read in black and white.
FILLS = {"met": "C6EFCE", "not_met": "FFC7CE", "not_evaluable": "FFEB9C"}
OPS = {">=": "≥", "<=": "≤", "==": "=", ">": ">", "<": "<", "!=": "≠"}
NUMBER_FORMATS = {"pct": "0.0%", "money": "#,##0.0", "count": "#,##0"}


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
    """A write-only workbook, its styles made once, and cells made the one way."""

    def __init__(self, lang: str) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        self.lang = lang
        self.book = Workbook(write_only=True)
        self._cell = WriteOnlyCell
        self.bold = Font(bold=True)
        self.title = Font(bold=True, size=14)
        self.link = Font(color="0563C1", underline="single")
        self.head_fill = PatternFill("solid", fgColor="DDEBF7")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.fills = {s: PatternFill("solid", fgColor=c) for s, c in FILLS.items()}
        self.words = {s: status_word(lang, s) for s in FILLS}
        self.sheet: Any = None  # the sheet cells are being made for

    def new_sheet(
        self, key: str, widths: Iterable[float] = (), freeze: str | None = None, n: int = 1
    ) -> Any:
        """A new sheet (the ``n``-th of its kind: its name numbered after the first)."""
        from openpyxl.utils import get_column_letter

        name = sheet_name(self.lang, key)
        ws = self.book.create_sheet(name if n == 1 else f"{name} ({n})")
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        if freeze:
            ws.freeze_panes = freeze
        self.sheet = ws
        return ws

    def text(self, value: Any, **style: Any) -> Any:
        """A string cell for text from a file (or any text): shown as ``printable`` shows
        it, and never a formula."""
        cell = not_formula(
            self._cell(self.sheet, printable(value) if value.__class__ is str else value)
        )
        for name, x in style.items():
            setattr(cell, name, x)
        return cell

    def number(self, value: Any, number_format: str | None = None) -> Any:
        cell = self._cell(self.sheet, value)
        if number_format and value is not None:
            cell.number_format = number_format
        return cell

    def status(self, status: str) -> Any:
        return self.text(self.words[status], fill=self.fills[status])

    def header(self, labels: Iterable[str]) -> list[Any]:
        return [
            self.text(x, font=self.bold, fill=self.head_fill, alignment=self.wrap) for x in labels
        ]

    def heading(self, label: str) -> list[Any]:
        return [self.text(label, font=self.bold)]

    def save(self, stream: IO[bytes]) -> None:
        self.book.save(stream)


def not_formula(cell: Any) -> Any:
    """``cell`` (an openpyxl cell), a string cell when it holds text a spreadsheet would
    take for a formula: that text stays text (``shown.formula_like``)."""
    if cell.data_type == "f" or (cell.value.__class__ is str and formula_like(cell.value)):
        cell.data_type = "s"  # openpyxl takes a text starting with "=" for a formula
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def _value(b: _Book, kind: str, x: Any) -> Any:
    """A measure's value or threshold: a number (a percentage as a share), or a word."""
    if x is None:
        return b.number(None)
    if x is True or x is False:
        return b.text(tr(b.lang, f"value.{str(x).lower()}"))
    if kind == "pct":
        return b.number(x / 100, NUMBER_FORMATS["pct"])
    return b.number(x, NUMBER_FORMATS.get(kind))


def _yes_no(b: _Book, x: bool | None) -> Any:
    return b.number(None) if x is None else b.text(word(b.lang, "yes" if x else "no"))


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
    """Communes, met and per band, by district, added as communes come."""

    def __init__(self, bands: tuple[tuple[str, int, int], ...]) -> None:
        self.bands = bands
        self.rows: dict[str, list[int]] = {}

    def add(self, c: Any) -> None:
        row = self.rows.get(c.district)
        if row is None:
            row = self.rows[c.district] = [0] * (2 + len(self.bands))
        row[0] += 1
        row[1] += c.status == "met"
        for i, (_, low, high) in enumerate(self.bands):
            if low <= c.criteria_met <= high:
                row[2 + i] += 1


def write_check(results: Any, stream: IO[bytes], lang: str = "en", **_: Any) -> None:
    """The check workbook of ``results`` (``results.Results``), communes as they come."""
    from ntm_eval.engine.results import bands_for

    b = _Book(lang)
    ruleset = _ruleset_of(results)
    names = _measure_names(ruleset, lang)
    summary = b.new_sheet("summary", (34, 60, 16, 16, 16, 16, 16))
    matrix: Any = None
    identity = [tr(lang, "col.code"), tr(lang, "col.commune"), tr(lang, "col.district")]
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
    details: list[Any] = []
    rows = MAX_ROWS  # rows on the current Indicators sheet
    columns: list[Any] = []
    total = len(ruleset.criteria)
    districts: _Districts | None = None

    def start_matrix(criteria: Iterable[Any]) -> Any:
        nonlocal columns, total, districts
        columns = [(k.id, k.name.get(lang)) for k in criteria]
        total = len(columns)
        districts = _Districts(bands_for(total, ruleset))
        ws = b.new_sheet("matrix", [10, 22, 16, 10, 20] + [11] * len(columns), freeze="F2")
        last = _letter(len(identity) + len(columns))
        ws.auto_filter.ref = f"A1:{last}1"  # widened to the last row at the end
        ws.row_dimensions[1].height = 64  # criterion names wrap in their narrow columns
        ws.print_title_rows = "1:1"  # printed: the header on every page,
        ws.page_setup.orientation = "landscape"  # across an A3 page
        ws.page_setup.paperSize = "8"  # A3
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.append(b.header(identity + [f"{i} {name}" for i, name in columns]))
        return ws

    matrix_rows = 1
    for batch in results.batches():
        communes = batch.communes()
        if not communes:
            continue
        if matrix is None:
            matrix = start_matrix(communes[0].criteria)
        b.sheet = matrix
        for c in communes:
            assert districts is not None
            districts.add(c)
            matrix.append(
                [
                    b.text(c.code),
                    b.text(c.name),
                    b.text(c.district),
                    b.number(c.criteria_met, f'0"/{c.criteria_total}"'),
                    b.status(c.status),
                    *(b.status(k.status) for k in c.criteria),
                ]
            )
        matrix_rows += len(communes)
        for c in communes:
            ident = None
            for k in c.criteria:
                for r in k.indicators:
                    if rows >= MAX_ROWS:
                        ws = b.new_sheet("indicators", ind_widths, "D2", len(details) + 1)
                        ws.append(b.header(ind_header))
                        details.append(ws)
                        rows, ident = 1, None
                    b.sheet = details[-1]
                    if ident is None:
                        ident = [c.code, c.name, c.district]
                    details[-1].append(
                        [
                            *(b.text(x) for x in ident),
                            b.text(r.id),
                            b.text(names.get(r.column, r.column)),
                            _value(b, r.kind, r.value),
                            b.text(OPS.get(r.op, r.op)),
                            _value(b, r.kind, r.threshold),
                            b.number(r.threshold_from),
                            b.text(r.unit) if r.unit else b.number(None),
                            _value(b, r.kind, r.gap) if r.kind != "bool" else b.number(None),
                            b.status(r.status),
                            _yes_no(b, r.verified),
                            b.text(_reason(lang, r.reason)) if r.reason else b.number(None),
                        ]
                    )
                    rows += 1
    report = results.finish()
    if matrix is None:
        matrix = start_matrix(ruleset.criteria)
    matrix.auto_filter.ref = f"A1:{_letter(len(identity) + len(columns))}{matrix_rows}"
    if not details:
        ws = b.new_sheet("indicators", ind_widths, freeze="D2")
        ws.append(b.header(ind_header))
        details.append(ws)
        rows = 1
    for ws in details:  # every full sheet holds MAX_ROWS rows, the last one ``rows``
        last = rows if ws is details[-1] else MAX_ROWS
        ws.auto_filter.ref = f"A1:{_letter(len(ind_header))}{last}"
    problems = list(report.problems)
    if problems:
        _problems_sheet(b, problems)
    b.sheet = summary
    for row in _summary_rows(
        b, report, districts or _Districts(bands_for(total, ruleset)), problems
    ):
        summary.append(row)
    b.save(stream)


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def _summary_rows(
    b: _Book, report: Any, districts: _Districts, problems: list[Any]
) -> Iterator[list[Any]]:
    from ntm_eval.render.text import band_label

    lang, s, rs = b.lang, report.summary, report.ruleset
    yield [b.text(rs.title.get(lang), font=b.title)]
    yield [b.text(word(lang, "ruleset"), font=b.bold), b.text(rs.id)]
    yield [b.text(word(lang, "legal_basis"), font=b.bold), b.text(rs.legal_basis_in(lang))]
    yield [b.text(word(lang, "input"), font=b.bold), b.text(input_name(report, lang))]
    now = _dt.datetime.now().replace(microsecond=0)
    yield [b.text(word(lang, "date"), font=b.bold), b.number(now, "yyyy-mm-dd hh:mm")]
    yield []
    yield [b.text(word(lang, "communes"), font=b.bold), b.number(s.communes)]
    for key in ("met", "not_met", "not_evaluable"):
        yield [b.text(word(lang, key)), b.number(getattr(s, key)), b.status(key)]
    if problems:
        errors = sum(p.is_error for p in problems)
        see = b.text(
            word(lang, "problems.see", errors=errors, warnings=len(problems) - errors)
            + f" '{sheet_name(lang, 'problems')}'",
            font=b.link,
        )
        see.hyperlink = f"#'{sheet_name(lang, 'problems')}'!A1"
        yield [b.text(word(lang, "problems"), font=b.bold), see]
    else:
        yield [b.text(word(lang, "problems"), font=b.bold), b.text(word(lang, "problems.none"))]
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
    yield b.heading(word(lang, "districts"))
    yield b.header(
        [tr(lang, "col.district"), tr(lang, "col.communes"), tr(lang, "col.met")]
        + [band_label(band.label, lang) for band in s.bands]
    )
    for district, counts in sorted(districts.rows.items()):
        yield [b.text(district), *(b.number(n) for n in counts)]


def _problems_sheet(b: _Book, problems: list[Any]) -> None:
    lang = b.lang
    ws = b.new_sheet("problems", (24, 18, 8, 10, 18, 24, 80), freeze="A2")
    ws.append(
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
        ws.append(
            [
                b.text(p.path),
                b.text(where) if where else b.number(None),
                b.text(p.code),
                b.text(word(lang, "error" if p.is_error else "warning")),
                b.text(p.column) if p.column else b.number(None),
                b.text(printable(p.value, 200)) if p.value is not None else b.number(None),
                b.text(p.text(lang)),
            ]
        )


# --- gaps -----------------------------------------------------------------------------------


def write_gaps(g: Any, stream: IO[bytes], lang: str = "en", **_: Any) -> None:
    """The ranked candidates, one row per commune × measure left."""
    from ntm_eval.render.text import left_text

    b = _Book(lang)
    groups = (
        [c for s in g.by_sector for c in s.candidates] if g.by_sector is not None else g.candidates
    )
    ws = b.new_sheet(
        "candidates", (6, 10, 22, 16, 10, 10, 8, 40, 12, 10, 12, 12, 12, 40, 20), freeze="E2"
    )
    ws.append(
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
            ws.append(
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
                    _value(b, i.kind, i.to_go) if i.kind != "bool" else b.number(None),
                    b.text(left_text(i, lang)),
                    b.status(i.status),
                ]
            )
            n += 1
    ws.auto_filter.ref = f"A1:O{n}"
    summary = b.new_sheet("summary", (40, 16))
    summary.append([b.text(tr(lang, "gaps.title"), font=b.title)])
    summary.append([b.text(word(lang, "input"), font=b.bold), b.text(input_name(g.report, lang))])
    summary.append(
        [b.text(word(lang, "communes"), font=b.bold), b.number(g.report.summary.communes)]
    )
    summary.append([b.text(word(lang, "short"), font=b.bold), b.number(g.short)])
    summary.append([b.text(tr(lang, "gaps.order"))])
    b.save(stream)


# --- compare --------------------------------------------------------------------------------


def write_compare(cmp: Any, stream: IO[bytes], lang: str = "en", **_: Any) -> None:
    """The communes whose standing changed, and indicator by indicator what changed."""
    b = _Book(lang)
    summary = b.new_sheet("summary", (40, 60))
    summary.append(
        [b.text(tr(lang, "compare.title", old=cmp.old.path, new=cmp.new.path), font=b.title)]
    )
    summary.append([b.text(word(lang, "old"), font=b.bold), b.text(cmp.old.path)])
    summary.append([b.text(word(lang, "new"), font=b.bold), b.text(cmp.new.path)])
    for key, n in (
        ("both", cmp.both),
        ("old_met", cmp.old_met),
        ("new_met", cmp.new_met),
        ("gained", len(cmp.gained)),
        ("lost", len(cmp.lost)),
    ):
        summary.append([b.text(word(lang, key), font=b.bold), b.number(n)])
    for key, codes in (("only_old", cmp.only_old), ("only_new", cmp.only_new)):
        summary.append([b.text(word(lang, key), font=b.bold), b.text(", ".join(codes))])

    ws = b.new_sheet("communes", (10, 22, 16, 20, 20, 10, 10, 22, 30), freeze="D2")
    ws.append(
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
        ws.append(
            [
                b.text(c.code),
                b.text(c.name),
                b.text(c.district),
                b.status(c.old_status),
                b.status(c.new_status),
                b.number(c.old_met, f'0"/{c.total}"'),
                b.number(c.new_met, f'0"/{c.total}"'),
                b.text(word(lang, standard)) if standard else b.number(None),
                b.text(
                    ", ".join(
                        f"{k.id} {MARKS[k.old_status]}→{MARKS[k.new_status]}" for k in c.criteria
                    )
                ),
            ]
        )
    ws.auto_filter.ref = f"A1:I{len(cmp.communes) + 1}"

    ws = b.new_sheet("changes", (10, 22, 8, 8, 12, 12, 10, 12, 20, 20), freeze="C2")
    ws.append(
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
            ws.append(
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
    ws.auto_filter.ref = f"A1:J{n}"
    b.save(stream)
