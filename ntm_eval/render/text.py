"""Default terminal output: one line per commune, then the province summary; also the
text views of ``gaps`` and ``compare``. Words come from ``i18n`` in the chosen language.
Text from a data or rule file (names, titles, paths) is shown through ``shown.printable``
— no control character reaches the terminal — and as rich ``Text`` or escaped markup."""

from __future__ import annotations

import io
from typing import Any

from ntm_eval import i18n
from ntm_eval.engine.results import (
    MET,
    NOT_EVALUABLE,
    NOT_MET,
    CommuneResult,
    IndicatorResult,
    Report,
)
from ntm_eval.i18n import tr
from ntm_eval.render import input_name
from ntm_eval.render import place as render_place
from ntm_eval.shown import CELL, printable

STATUS_WORDS = {MET: "met", NOT_MET: "not met", NOT_EVALUABLE: "not evaluable"}
STATUS_STYLE = {MET: "green", NOT_MET: "red", NOT_EVALUABLE: "yellow"}
OP_SIGNS = {">=": "≥", "<=": "≤", "==": "="}
UNVERIFIED_MARK = "*"


def fmt_number(x: Any, lang: str = "en") -> str:
    """Fixed, lossless formatting: 80 → '80', 85.5 → '85.5', 79.999 → '79.999'."""
    return i18n.number(x, lang)


def fmt_value(x: Any, kind: str, lang: str = "en") -> str:
    if x is None:
        return "—"
    return fmt_number(x, lang) + ("%" if kind == "pct" else "")


def fmt_gap(r: IndicatorResult, lang: str = "en") -> str:
    if r.gap is None:
        return ""
    sign = "+" if r.gap > 0 else ""
    return sign + fmt_number(r.gap, lang)


def _status(status: str, lang: str = "en") -> str:
    return f"[{STATUS_STYLE[status]}]{i18n.status(lang, status)}[/]"


def _missing(c: CommuneResult) -> str:
    return " ".join(c.not_met + ["?" + i for i in c.not_evaluable])


def _console(out: io.StringIO, width: int, color: bool) -> Any:
    from rich.console import Console

    return Console(
        file=out,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )


def _table(**kwargs: Any) -> Any:
    from rich import box
    from rich.table import Table

    return Table(
        box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, title_justify="left", **kwargs
    )


def _finish(out: io.StringIO) -> str:
    # Rich pads every table line to the full width; trailing blanks only get in the way.
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()) + "\n"


def filters_line(report: Report, lang: str) -> str | None:
    """'Filters: sector lao_dong · status not_met' — or None when nothing is filtered."""
    parts = []
    for key, values in report.filters.to_dict().items():
        if values:
            parts.append(f"{tr(lang, 'filter.' + key)} {', '.join(map(str, values))}")
    return f"{tr(lang, 'filters')}: " + " · ".join(parts) if parts else None


def years_line(summary: Any, lang: str) -> str | None:
    """With several years, that the counts are of commune-years, and how many communes."""
    if not summary.several_years:
        return None
    y = summary.years
    distinct = "?" if summary.distinct is None else summary.distinct
    return tr(
        lang,
        "summary.years",
        n=summary.communes,
        distinct=distinct,
        years=len(y),
        first=y[0],
        last=y[-1],
    )


def band_label(label: str, lang: str) -> str:
    if label.startswith("under "):
        return tr(lang, "band.under", n=label[len("under ") :])
    return label


def render(
    report: Report,
    *,
    width: int = 80,
    color: bool = False,
    communes: tuple[str, ...] = (),
    max_rows: int = 200,
    lang: str = "en",
    **_: Any,
) -> str:
    """The human-readable report as text (ANSI colours only when ``color``)."""
    from rich.markup import escape

    out = io.StringIO()
    console = _console(out, width, color)
    rs, s = report.ruleset, report.summary
    total = len(s.by_criterion)
    console.print(f"[bold]{escape(printable(rs.title.get(lang)))}[/] ({escape(rs.id)})")
    console.print(
        escape(printable(tr(lang, "rows", path=input_name(report, lang), rows=report.input_rows)))
    )
    filters = filters_line(report, lang)
    if filters:
        console.print(escape(printable(filters)))

    table = _table()
    table.add_column(tr(lang, "col.code"), no_wrap=True)
    table.add_column(tr(lang, "col.commune"))
    place, heading = render_place(rs, lang)
    table.add_column(escape(printable(heading)))  # a rule file's words
    several_years = len({c.year for c in report.communes[: max_rows or None]}) > 1
    if several_years:
        table.add_column(tr(lang, "col.year"), no_wrap=True)
    table.add_column(tr(lang, "col.met"), justify="right", no_wrap=True)
    table.add_column(tr(lang, "col.status"), no_wrap=True)
    table.add_column(tr(lang, "col.missing"))
    shown = report.communes if max_rows <= 0 else report.communes[:max_rows]
    # Text cells, not markup: a national file lists hundreds of rows (no parsing per cell).
    from rich.text import Text

    statuses = {s: Text.from_markup(_status(s, lang)) for s in STATUS_STYLE}  # word styled
    for c in shown:
        cells = [Text(printable(x, CELL)) for x in (c.code, c.name, getattr(c, place) or "")]
        if several_years:
            cells.append(Text(str(c.year or "—")))
        cells += [
            Text(f"{c.criteria_met}/{c.criteria_total}"),
            statuses[c.status],
            Text(_missing(c)),
        ]
        table.add_row(*cells)
    console.print(table)
    console.print(escape(tr(lang, "missing.legend")))
    hidden = s.communes - len(shown)  # the report may hold only the first communes
    if hidden > 0:
        console.print(
            f"[yellow]{escape(tr(lang, 'more.hidden', hidden=i18n.count(hidden, lang)))}[/] "
            + escape(tr(lang, "more.how"))
        )

    names = rs.measure_names() if communes else {}
    for code in communes:
        console.print()
        matches = [c for c in report.communes if c.code == code]
        if not matches:
            console.print(f"[yellow]{escape(printable(tr(lang, 'no.commune', code=code)))}[/]")
        for c in matches:
            _detail(console, c, lang, names, width)

    counts = _table(title=tr(lang, "counts.title", n=s.communes))
    counts.add_column(tr(lang, "col.id"), no_wrap=True)
    counts.add_column(tr(lang, "col.criterion"))
    counts.add_column(tr(lang, "col.met"), justify="right")
    counts.add_column(tr(lang, "col.not_met"), justify="right")
    counts.add_column(tr(lang, "col.not_evaluable"), justify="right")
    for k in s.by_criterion:
        counts.add_row(
            k.id,
            escape(printable(k.name.get(lang), CELL)),
            str(k.met),
            str(k.not_met),
            str(k.not_evaluable),
        )
    console.print()
    console.print(counts)

    title = tr(lang, "bands.title")
    bands = _table(title=title, min_width=len(title))  # a narrow table would wrap its title
    bands.add_column(tr(lang, "col.band"))
    bands.add_column(tr(lang, "col.communes"), justify="right")
    for b in s.bands:
        bands.add_row(band_label(b.label, lang), str(b.communes))
    console.print()
    console.print(bands)
    console.print()
    key = "summary.items" if report.filters.selects_items else "summary.all"
    console.print(
        "[bold]"
        + escape(
            tr(
                lang,
                key,
                n=s.communes,
                met=s.met,
                total=total,
                not_met=s.not_met,
                not_evaluable=s.not_evaluable,
            )
        )
        + "[/]"
    )
    several = years_line(s, lang)
    if several:
        console.print(escape(several))
    return _finish(out)


def name_of(names: dict[str, Any], column: str, lang: str) -> str:
    """What the measure of ``column`` is called in ``lang`` (``RuleSet.measure_names``;
    its key when the rule set does not know it)."""
    name = names.get(column)
    return name.get(lang) if name is not None else column


def threshold_text(r: IndicatorResult, lang: str = "en", mark_unverified: bool = True) -> str:
    """'≥ 80%*' or '≥ 41 (from 2020)'; '—' when no threshold applies."""
    if r.threshold is None:
        return "—"
    mark = UNVERIFIED_MARK if mark_unverified and r.verified is False else ""
    since = f" ({tr(lang, 'detail.from', year=r.threshold_from)})" if r.threshold_from else ""
    return f"{OP_SIGNS[r.op]} {fmt_value(r.threshold, r.kind, lang)}{mark}{since}"


def _class_text(c: CommuneResult, lang: str) -> str:
    """``region dhntb``, ``commune group 2``, or with the flag that moved the commune:
    ``region tdmnpb (thresholds of tdmnpb: special_difficulty says yes; its own: dbscl)``."""
    from rich.markup import escape

    word = (
        tr(lang, "detail.region")
        if c.class_column == "region"
        else c.class_column.replace("_", " ")
    )
    text = f"{word} {c.region or '?'}"
    if c.reassigned_by:
        text += (
            " ("
            + tr(
                lang,
                "detail.reassigned",
                cls=c.region,
                flag=c.reassigned_by,
                own=c.own_class or "?",
            )
            + ")"
        )
    return escape(text)


def _detail(
    console: Any, c: CommuneResult, lang: str, names: dict[str, Any], width: int = 80
) -> None:
    """The measures of one commune: each one's id and name, value, threshold, gap and
    status; under the table, why those not evaluable are not."""
    from rich.cells import cell_len
    from rich.markup import escape

    code, name, where = (
        escape(printable(x, CELL))
        for x in (c.code, c.name, ", ".join(x for x in (c.district, c.province) if x))
    )
    title = (
        f"{code} {name} — {where} · "
        f"{_class_text(c, lang)} · "
        f"{c.year or '?'} · {c.criteria_met}/{c.criteria_total} · {_status(c.status, lang)}"
    )
    unverified = False
    reasons = []  # listed under the table: a long reason in a cell would squeeze the table
    rows = []
    for k in c.criteria:
        for r in k.indicators:
            unverified |= r.threshold is not None and r.verified is False
            measure = escape(printable(name_of(names, r.column, lang)))
            if r.reason:
                reasons.append(
                    f"{r.id} {measure}: {escape(printable(i18n.reason(lang, r.reason)))}"
                )
            rows.append(
                (
                    r.id,
                    measure,
                    fmt_value(r.value, r.kind, lang),
                    threshold_text(r, lang),
                    fmt_gap(r, lang),
                    r.status,
                )
            )
    # Names, not column keys: wrapped between words, in what the other columns leave (the
    # status wraps too when they leave less than a short name needs).
    heads = [tr(lang, k) for k in ("col.id", "col.value", "col.threshold", "col.gap")]
    fixed = [
        max([cell_len(h)] + [cell_len(row[i]) for row in rows]) for h, i in zip(heads, (0, 2, 3, 4))
    ]
    state = max(
        [cell_len(tr(lang, "col.status"))] + [cell_len(i18n.status(lang, r[5])) for r in rows]
    )
    room = width - sum(fixed) - state - 15  # 15: five column rules, a space either side
    table = _table(title=title)
    table.add_column(heads[0], no_wrap=True)
    table.add_column(tr(lang, "col.measure"), min_width=max(12, room) if room >= 12 else None)
    table.add_column(heads[1], justify="right", no_wrap=True)
    table.add_column(heads[2], no_wrap=True)
    table.add_column(heads[3], justify="right", no_wrap=True)
    table.add_column(tr(lang, "col.status"), no_wrap=room >= 12)
    for row in rows:
        table.add_row(*row[:5], _status(row[5], lang))
    console.print(table)
    for reason in reasons:
        console.print(f"{_status(NOT_EVALUABLE, lang)} {reason}")
    if unverified:
        console.print(f"{UNVERIFIED_MARK} {escape(tr(lang, 'unverified'))}")


# --- wording shared by every format that shows gaps or changes -------------------------------


def amount(x: Any, kind: str, unit_label: str | None, lang: str) -> str:
    """A distance in the indicator's unit: '1.2 points', '2.5 million VND/person/year', '3'."""
    if kind == "pct":
        if lang == "vi":
            return f"{fmt_number(x, lang)} điểm %"
        return f"{fmt_number(x, lang)} point" + ("" if x == 1 else "s")
    if unit_label:
        return f"{fmt_number(x, lang)} {i18n.unit(unit_label, lang)}"
    return fmt_number(x, lang)


def item_label(item: Any, lang: str) -> str:
    """'11 Poor households' — the indicator id and the name of what is measured."""
    return f"{item.indicator} {item.name.get(lang)}"


def left_text(item: Any, lang: str) -> str:
    """What is left for one gap item: '6.2% → must be ≤ 5%: 1.2 points to go'."""
    if item.status == NOT_EVALUABLE:
        return tr(lang, "left.unknown", reason=i18n.reason(lang, item.reason))
    if item.kind == "bool":
        return tr(
            lang,
            "left.bool",
            value=fmt_number(item.value, lang),
            threshold=fmt_number(item.threshold, lang),
        )
    return tr(
        lang,
        "left.numeric",
        value=i18n.value(item.value, item.kind, None, lang),
        op=OP_SIGNS[item.op],
        threshold=i18n.value(item.threshold, item.kind, item.unit, lang),
        to_go=amount(item.to_go, item.kind, item.unit, lang),
    )


def change_text(v: Any, lang: str) -> str:
    """One indicator's change: '4.9% → 6.2% (≤ 5%)'."""
    old = i18n.value(v.old_value, v.kind, None, lang)
    new = i18n.value(v.new_value, v.kind, None, lang)
    text = f"{old} → {new}"
    if v.new_threshold is not None and v.kind != "bool":
        text += f" ({OP_SIGNS[v.op]} {i18n.value(v.new_threshold, v.kind, v.unit, lang)})"
    return text


def status_change(old: str, new: str, lang: str) -> str:
    return f"{i18n.status(lang, old)} → {i18n.status(lang, new)}"


# --- gaps ----------------------------------------------------------------------------------


def _gaps_table(console: Any, candidates: Any, lang: str) -> None:
    from rich.markup import escape

    table = _table()
    table.add_column(tr(lang, "col.rank"), justify="right", no_wrap=True)
    table.add_column(tr(lang, "col.code"), no_wrap=True)
    table.add_column(tr(lang, "col.commune"))
    table.add_column(tr(lang, "col.met"), justify="right", no_wrap=True)
    table.add_column(tr(lang, "col.id"), no_wrap=True)
    table.add_column(tr(lang, "col.left"))
    for c in candidates:
        k = c.commune
        for n, item in enumerate(c.items):
            first = n == 0
            table.add_row(
                str(c.rank),
                escape(printable(k.code, CELL)),
                escape(printable(k.name, CELL)) if first else "",
                f"{k.criteria_met}/{k.criteria_total}" if first else "",
                item.indicator,
                escape(printable(f"{item.name.get(lang)}: {left_text(item, lang)}")),
            )
    console.print(table)


def render_gaps(g: Any, *, width: int = 80, color: bool = False, lang: str = "en", **_: Any) -> str:
    """Communes ranked by closeness to the standard, with what is left for each."""
    from rich.markup import escape

    out = io.StringIO()
    console = _console(out, width, color)
    r = g.report
    console.print(
        f"[bold]{escape(tr(lang, 'gaps.title'))}[/] — "
        f"{escape(printable(r.ruleset.title.get(lang)))} ({escape(r.ruleset.id)})"
    )
    console.print(
        escape(
            printable(
                f"{input_name(r, lang)}: "
                + tr(
                    lang, "gaps.count", short=g.short, n=r.summary.communes, shown=len(g.candidates)
                )
            )
        )
    )
    if not g.short:
        console.print(escape(tr(lang, "gaps.none")))
        return _finish(out)
    if g.by_sector is None:
        _gaps_table(console, g.candidates, lang)
    else:
        for share in g.by_sector:
            console.print()
            console.print(
                "[bold]"
                + escape(
                    printable(
                        tr(
                            lang,
                            "gaps.sector",
                            sector=share.name.get(lang),
                            key=share.sector,
                            communes=len(share.candidates),
                            items=share.items,
                        )
                    )
                )
                + "[/]"
            )
            _gaps_table(console, share.candidates, lang)
    hidden = g.short - len(g.candidates)
    if hidden > 0:
        console.print(f"[yellow]{escape(tr(lang, 'gaps.more', hidden=hidden))}[/]")
    console.print(escape(tr(lang, "gaps.order")))
    return _finish(out)


# --- compare -------------------------------------------------------------------------------


def reorganised_lines(cmp: Any, lang: str) -> list[str]:
    """The new units of a comparison across 1 July 2025, each with the old units it holds
    (plain lines, shown as they are by every text format; names through ``printable``)."""
    if not cmp.reorganised:
        return []

    def status(code: str, met: int, total: int) -> str:
        return f"{tr(lang, 'status.' + code)} {met}/{total}"

    lines = [tr(lang, "compare.across", old=cmp.old.path, new=cmp.new.path, n=len(cmp.reorganised))]
    for unit in cmp.reorganised:
        fields = {"code": unit.code, "name": unit.name, "province": unit.province}
        if unit.rural and unit.new_status is None:
            lines.append(tr(lang, "compare.unit.absent", path=cmp.new.path, **fields))
        elif unit.rural:
            now = status(unit.new_status, unit.new_met, unit.total)
            lines.append(tr(lang, "compare.unit", path=cmp.new.path, status=now, **fields))
        else:
            kind = tr(lang, "kind." + unit.type)
            lines.append(tr(lang, "compare.unit.out", kind=kind, **fields))
        others = [h.code for h in unit.held if h.old_status is None]
        for h in unit.held:
            if h.old_status is None:
                continue
            how = (
                tr(lang, "compare.held.part", note=h.note)
                if h.part
                else tr(lang, "compare.held.whole")
            )
            lines.append(
                tr(
                    lang,
                    "compare.held",
                    code=h.code,
                    name=h.name,
                    district=f", {h.district}" if h.district else "",
                    how=how,
                    path=cmp.old.path,
                    status=status(h.old_status, h.old_met, h.total),
                )
            )
        if others:
            lines.append(
                tr(
                    lang,
                    "compare.held.others",
                    n=len(others),
                    path=cmp.old.path,
                    codes=", ".join(others),
                )
            )
    return [printable(line) for line in lines]


def render_compare(
    cmp: Any, *, width: int = 80, color: bool = False, lang: str = "en", **_: Any
) -> str:
    """Who gained or lost the standard or a criterion, indicator by indicator."""
    from rich.markup import escape

    out = io.StringIO()
    console = _console(out, width, color)
    console.print(
        "[bold]"
        + escape(printable(tr(lang, "compare.title", old=cmp.old.path, new=cmp.new.path)))
        + "[/]"
    )
    console.print(
        escape(
            tr(
                lang,
                "compare.summary",
                both=cmp.both,
                old_met=cmp.old_met,
                new_met=cmp.new_met,
                gained=len(cmp.gained),
                lost=len(cmp.lost),
                changed=len(cmp.changed),
            )
        )
    )
    across = reorganised_lines(cmp, lang)
    if across:
        from rich.padding import Padding

        console.print()
        for line in across:  # an old unit under its new one, indented as it wraps
            indent = len(line) - len(line.lstrip(" "))
            console.print(Padding(escape(line.lstrip(" ")), (0, 0, 0, indent)))
    if cmp.only_old:
        console.print(
            escape(
                printable(
                    tr(lang, "compare.only_old", path=cmp.old.path, codes=", ".join(cmp.only_old))
                )
            )
        )
    if cmp.only_new:
        console.print(
            escape(
                printable(
                    tr(lang, "compare.only_new", path=cmp.new.path, codes=", ".join(cmp.only_new))
                )
            )
        )

    console.print()
    keep = cmp.maintaining
    if keep:
        title = tr(lang, "compare.maintain", n=len(keep), old=cmp.old.path)
        table = _table(title=escape(printable(title)))
        table.add_column(tr(lang, "col.code"), no_wrap=True)
        table.add_column(tr(lang, "col.commune"))
        table.add_column(tr(lang, "col.met"), justify="right", no_wrap=True)
        table.add_column(tr(lang, "col.id"), no_wrap=True)
        table.add_column(tr(lang, "col.change"))
        for c in keep:
            rows = [
                (k, v) for k in c.criteria if k.new_status != MET for v in (k.indicators or (None,))
            ]
            for n, (k, v) in enumerate(rows):
                what = (
                    escape(printable(k.name.get(lang)))
                    + ": "
                    + status_change(k.old_status, k.new_status, lang)
                )
                if v is not None:
                    what = escape(
                        printable(f"{cmp.name_of(v.column, lang)} {change_text(v, lang)}")
                    )
                table.add_row(
                    escape(printable(c.code, CELL)),
                    escape(printable(c.name, CELL)) if n == 0 else "",
                    f"{c.old_met}→{c.new_met}/{c.total}" if n == 0 else "",
                    v.indicator if v is not None else k.id,
                    what,
                )
        console.print(table)
    else:
        said = "compare.maintain.none" if cmp.old_met else "compare.maintain.nothing"
        console.print(escape(printable(tr(lang, said, old=cmp.old.path, new=cmp.new.path))))

    console.print()
    changed = cmp.changed
    if changed:
        table = _table(title=tr(lang, "compare.changes"))
        table.add_column(tr(lang, "col.code"), no_wrap=True)
        table.add_column(tr(lang, "col.commune"))
        table.add_column(tr(lang, "col.met"), justify="right", no_wrap=True)
        table.add_column(tr(lang, "col.id"), no_wrap=True)
        table.add_column(tr(lang, "col.change"))
        for c in changed:
            rows = [(k, v) for k in c.criteria for v in (k.indicators or (None,))]
            for n, (k, v) in enumerate(rows):
                head = tr(lang, "change." + k.change)
                detail = (
                    escape(printable(f"{cmp.name_of(v.column, lang)} {change_text(v, lang)}"))
                    if v is not None
                    else status_change(k.old_status, k.new_status, lang)
                )
                standard = (
                    f" — {tr(lang, 'change.' + c.standard + '_standard')}"
                    if (n == 0 and c.standard)
                    else ""
                )
                table.add_row(
                    escape(printable(c.code, CELL)),
                    escape(printable(c.name, CELL)) if n == 0 else "",
                    f"{c.old_met}→{c.new_met}" if n == 0 else "",
                    v.indicator if v is not None else k.id,
                    f"{head}: {detail}{standard}",
                )
        console.print(table)
    else:
        console.print(escape(tr(lang, "compare.nochange")))
    if cmp.value_only:
        console.print(escape(tr(lang, "compare.values", n=cmp.value_only)))
    return _finish(out)
