"""``ntm-eval report``: one self-contained HTML page for a province.

Everything is inline — styles, a few lines of script, the bar chart (CSS) — so the file
opens anywhere without a network, and prints. Status is shown by colour *and* a symbol
(✓ ✗ ?), so it survives black-and-white printing. Hovering a matrix cell shows its values
and thresholds (the cell's title); clicking or pressing Enter pins them in a panel.

Every text is HTML-escaped and shown through ``shown.printable`` (no control or bidi
character from a file reorders or hides what the page says); a name in a table is cut to
``shown.CELL`` characters.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ntm_eval import __version__, i18n
from ntm_eval.engine.results import (
    MET,
    NOT_EVALUABLE,
    NOT_MET,
    CommuneResult,
    CriterionResult,
    Report,
)
from ntm_eval.i18n import tr
from ntm_eval.render import input_name
from ntm_eval.render import place as render_place
from ntm_eval.render.text import (
    band_label,
    item_label,
    left_text,
    name_of,
    threshold_text,
    years_line,
)
from ntm_eval.shown import CELL, printable

SYMBOLS = {MET: "✓", NOT_MET: "✗", NOT_EVALUABLE: "?"}


def _text(x: str, limit: int | None = None) -> str:
    """Text for the page (an element's content or an attribute's value): shown, escaped."""
    return escape(printable(x, limit))


CSS = """
:root { --met: #1b7a34; --met-bg: #cdebd3; --not: #a61b1b; --not-bg: #f7c9c9;
        --unk: #7a5a00; --unk-bg: #fbe7a6; --line: #d0d4da; --ink: #1d2430; --muted: #5b6472; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 24px; color: var(--ink);
       font: 14px/1.45 system-ui, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif;
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta, .note { color: var(--muted); margin: 4px 0; }
.banner { border: 2px solid var(--unk); background: var(--unk-bg); border-radius: 6px;
          padding: 8px 12px; margin: 12px 0; }
.banner.errors { border-color: var(--not); background: var(--not-bg); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 150px; }
.card b { display: block; font-size: 24px; }
.card.s-met b { color: var(--met); } .card.s-not_met b { color: var(--not); }
.card.s-not_evaluable b { color: var(--unk); }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f1f3f6; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.bars { display: grid; grid-template-columns: minmax(180px, 320px) 1fr 70px; gap: 3px 10px;
        align-items: center; }
.bar { background: #eef0f3; height: 16px; border-radius: 3px; overflow: hidden; }
.fill { display: block; height: 100%; background: var(--met); }
.bar-n { font-variant-numeric: tabular-nums; text-align: right; }
.c { text-align: center; cursor: pointer; min-width: 26px; font-weight: bold; }
.s-met.c { background: var(--met-bg); color: var(--met); }
.s-not_met.c { background: var(--not-bg); color: var(--not); }
.s-not_evaluable.c { background: var(--unk-bg); color: var(--unk); }
.c:focus, .c.sel { outline: 2px solid var(--ink); outline-offset: -2px; }
.st-met { color: var(--met); } .st-not_met { color: var(--not); } .st-not_evaluable { color: var(--unk); }
#matrix { font-size: 12.5px; }
#matrix thead th { position: sticky; top: 0; z-index: 1; }
#matrix th.c { cursor: default; }
.legend span { display: inline-block; padding: 1px 8px; margin-right: 8px; border-radius: 3px; }
#detail { position: fixed; right: 16px; bottom: 16px; max-width: 460px; background: #fff;
          border: 1px solid var(--ink); border-radius: 6px; padding: 10px 12px;
          box-shadow: 0 4px 16px rgba(0,0,0,.2); z-index: 2; }
#detail pre { white-space: pre-wrap; margin: 6px 0 0; font-size: 13px; line-height: 1.4; font-family: inherit; }
#detail button { float: right; }
ul.left { margin: 0; padding-left: 18px; }
footer { margin-top: 28px; color: var(--muted); font-size: 12px; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { padding: 0; max-width: none; font-size: 11px; }
  #detail, .hint { display: none !important; }
  #matrix { font-size: 9px; }
  #matrix thead th { position: static; }
  tr, .card, .bars > * { break-inside: avoid; }
  h2 { break-after: avoid; }
}
"""

SCRIPT = """
(function () {
  var panel = document.getElementById("detail");
  var text = document.getElementById("detail-text");
  var selected = null;
  function show(cell) {
    if (selected) selected.classList.remove("sel");
    selected = cell;
    cell.classList.add("sel");
    text.textContent = cell.getAttribute("data-detail");
    panel.hidden = false;
  }
  var matrix = document.getElementById("matrix");
  matrix.addEventListener("click", function (e) {
    var cell = e.target.closest("td.c");
    if (cell) show(cell);
  });
  matrix.addEventListener("keydown", function (e) {
    var cell = e.target.closest("td.c");
    if (cell && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); show(cell); }
  });
  document.getElementById("detail-close").addEventListener("click", function () {
    panel.hidden = true;
    if (selected) selected.classList.remove("sel");
  });
})();
"""


def _cell_detail(
    c: CommuneResult, k: CriterionResult, lang: str, names: dict[str, Any] | None = None
) -> str:
    """The lines of a matrix cell's tooltip and panel: its names shown, the lines kept;
    each measure by its id and name (``names``: ``RuleSet.measure_names``)."""
    name = printable(f"{c.code} {c.name}", CELL)
    lines = [f"{name} — {k.id} {printable(k.name.get(lang))}: {i18n.status(lang, k.status)}"]
    for r in k.indicators:
        value = i18n.value(r.value, r.kind, None, lang)
        line = (
            f"{r.id} {name_of(names or {}, r.column, lang)}: {value} "
            f"({threshold_text(r, lang)}) — {i18n.status(lang, r.status)}"
        )
        if r.reason:
            line += f": {i18n.reason(lang, r.reason)}"
        lines.append(printable(line))
    return "\n".join(lines)


def _summary(report: Report, lang: str) -> list[str]:
    s = report.summary
    share = i18n.percent(s.met / s.communes, lang) if s.communes else "—"
    total = len(s.by_criterion)
    cards = [
        ("", s.communes, tr(lang, "report.communes")),
        (
            MET,
            s.met,
            f"{i18n.status(lang, MET)} ({total}/{total}) · "
            + tr(lang, "report.met_share", pct=share),
        ),
        (NOT_MET, s.not_met, i18n.status(lang, NOT_MET)),
        (NOT_EVALUABLE, s.not_evaluable, i18n.status(lang, NOT_EVALUABLE)),
    ]
    out = [
        f'<section id="summary"><h2>{_text(tr(lang, "report.summary"))}</h2>',
        '<div class="cards">',
    ]
    out += [
        f'<div class="card s-{key}" data-status="{key}"><b>{n}</b>{_text(label)}</div>'
        for key, n, label in cards
    ]
    out.append("</div>")
    out.append(
        f'<p class="meta">{_text(tr(lang, "summary.all", n=s.communes, met=s.met, total=total, not_met=s.not_met, not_evaluable=s.not_evaluable))}</p>'
    )
    several = years_line(s, lang)
    if several:
        out.append(f'<p class="meta">{_text(several)}</p>')
    out.append("</section>")
    return out


def _chart(report: Report, lang: str) -> list[str]:
    s = report.summary
    out = [
        f'<section id="chart"><h2>{_text(tr(lang, "report.chart"))}</h2>',
        '<div class="bars" role="list">',
    ]
    for k in s.by_criterion:
        width = 100 * k.met / s.communes if s.communes else 0
        label = f"{k.id} {k.name.get(lang)}"
        out.append(
            f'<span class="bar-label" role="listitem">{_text(label)}</span>'
            f'<span class="bar" data-id="{_text(k.id)}" title="{_text(label)}: {k.met}/{s.communes}">'
            f'<span class="fill" style="width:{width:.1f}%"></span></span>'
            f'<span class="bar-n">{k.met}/{s.communes}</span>'
        )
    out.append("</div></section>")
    return out


def _bands(report: Report, lang: str) -> list[str]:
    out = [
        f'<section id="bands"><h2>{_text(tr(lang, "report.bands"))}</h2><table>',
        f"<thead><tr><th>{_text(tr(lang, 'col.band'))}</th>"
        f'<th class="n">{_text(tr(lang, "col.communes"))}</th></tr></thead><tbody>',
    ]
    out += [
        f'<tr><td>{_text(band_label(b.label, lang))}</td><td class="n">{b.communes}</td></tr>'
        for b in report.summary.bands
    ]
    out.append("</tbody></table></section>")
    return out


def _candidates(g: Any, lang: str) -> list[str]:
    out = [f'<section id="candidates"><h2>{_text(tr(lang, "report.candidates"))}</h2>']
    if not g.candidates:
        out.append(f"<p>{_text(tr(lang, 'gaps.none'))}</p></section>")
        return out
    out.append(
        f'<p class="note">{_text(tr(lang, "gaps.count", short=g.short, n=g.report.summary.communes, shown=len(g.candidates)))} '
        f"{_text(tr(lang, 'gaps.order'))}</p>"
    )
    out.append(
        "<table><thead><tr>"
        + "".join(
            f"<th>{_text(tr(lang, k))}</th>"
            for k in ("col.rank", "col.code", "col.commune", "col.district", "col.met", "col.left")
        )
        + "</tr></thead><tbody>"
    )
    for c in g.candidates:
        k = c.commune
        items = "".join(
            f"<li>{_text(item_label(i, lang))}: {_text(left_text(i, lang))}</li>" for i in c.items
        )
        out.append(
            f'<tr data-code="{_text(k.code)}"><td class="n">{c.rank}</td>'
            f"<td>{_text(k.code, CELL)}</td><td>{_text(k.name, CELL)}</td>"
            f"<td>{_text(k.district, CELL)}</td>"
            f'<td class="n">{k.criteria_met}/{k.criteria_total}</td>'
            f'<td><ul class="left">{items}</ul></td></tr>'
        )
    out.append("</tbody></table></section>")
    return out


def _matrix(report: Report, lang: str) -> list[str]:
    s = report.summary
    place, heading = render_place(report.ruleset, lang)
    names = report.ruleset.measure_names()
    legend = "".join(
        f'<span class="c s-{key}">{SYMBOLS[key]} {_text(i18n.status(lang, key))}</span>'
        for key in (MET, NOT_MET, NOT_EVALUABLE)
    )
    out = [
        f'<section id="matrix-section"><h2>{_text(tr(lang, "report.matrix"))}</h2>',
        f'<p class="legend">{_text(tr(lang, "report.legend"))}: {legend}</p>',
        f'<p class="note hint">{_text(tr(lang, "report.click"))}</p>',
        '<table id="matrix"><thead><tr>'
        f"<th>{_text(tr(lang, 'col.code'))}</th><th>{_text(tr(lang, 'col.commune'))}</th>"
        f'<th>{_text(heading)}</th><th class="n">{_text(tr(lang, "col.met"))}</th>',
    ]
    out += [
        f'<th class="c" title="{_text(k.name.get(lang))}">{_text(k.id)}</th>'
        for k in s.by_criterion
    ]
    out.append("</tr></thead><tbody>")
    for c in report.communes:
        cells = "".join(
            f'<td class="c s-{k.status}" tabindex="0" data-id="{_text(k.id)}" '
            f'data-detail="{escape(detail)}" title="{escape(detail)}" '
            f'aria-label="{_text(k.id)}: {_text(i18n.status(lang, k.status))}">{SYMBOLS[k.status]}</td>'
            for k in c.criteria
            for detail in (_cell_detail(c, k, lang, names),)
        )
        out.append(
            f'<tr data-code="{_text(c.code)}" data-status="{c.status}">'
            f"<td>{_text(c.code, CELL)}</td><td>{_text(c.name, CELL)}</td>"
            f"<td>{_text(getattr(c, place), CELL)}</td>"
            f'<td class="n st-{c.status}">{c.criteria_met}/{c.criteria_total}</td>{cells}</tr>'
        )
    out.append("</tbody></table></section>")
    return out


def _banner(report: Report, lang: str) -> list[str]:
    """At the top, when the input had problems: how many, and a link to their list."""
    if not report.problems:
        return []
    kind = "errors" if report.errors else "warnings"
    counts = tr(lang, "problems", errors=len(report.errors), warnings=len(report.warnings))
    return [
        f'<div id="banner" class="banner {kind}" role="alert">'
        f"<b>{_text(tr(lang, 'report.banner', counts=counts))}</b> "
        f'<a href="#problems">{_text(tr(lang, "report.banner.link"))}</a></div>'
    ]


def _problems(report: Report, lang: str) -> list[str]:
    if not report.problems:
        return []
    out = [
        '<section id="problems"><h2>'
        + _text(tr(lang, "report.problems"))
        + " ("
        + _text(tr(lang, "problems", errors=len(report.errors), warnings=len(report.warnings)))
        + ")</h2><ul>"
    ]
    out += [f"<li><code>{_text(p.format(lang=lang))}</code></li>" for p in report.problems]
    out.append("</ul></section>")
    return out


def _districts(report: Report, lang: str) -> list[str]:
    """Communes per district (or class, for a set without districts): how many, and how
    many are met, not met, not evaluable."""
    place, heading = render_place(report.ruleset, lang)
    title = (
        tr(lang, "report.districts")
        if place == "district"
        else tr(lang, "report.by_class", name=heading.lower())
    )
    rows: dict[str, list[int]] = {}
    for c in report.communes:
        row = rows.setdefault(getattr(c, place) or "", [0, 0, 0, 0])
        row[0] += 1
        row[1 + (MET, NOT_MET, NOT_EVALUABLE).index(c.status)] += 1
    heads = [heading, tr(lang, "col.communes")]
    heads += [i18n.status(lang, k) for k in (MET, NOT_MET, NOT_EVALUABLE)]
    out = [
        f'<section id="districts"><h2>{_text(title)}</h2><table>',
        "<thead><tr>"
        + "".join(f"<th{'' if i == 0 else ' class=n'}>{_text(h)}</th>" for i, h in enumerate(heads))
        + "</tr></thead><tbody>",
    ]
    for district in sorted(rows):
        cells = "".join(f'<td class="n">{n}</td>' for n in rows[district])
        out.append(f"<tr><td>{_text(district or '—', CELL)}</td>{cells}</tr>")
    out.append("</tbody></table></section>")
    return out


def run_date() -> str:
    """The date of the run, YYYY-MM-DD (``SOURCE_DATE_EPOCH`` when set: reproducible)."""
    import datetime as dt
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date().isoformat()
    return dt.date.today().isoformat()


def render(report: Report, *, candidates: Any = None, lang: str = "en", **_: Any) -> str:
    """The whole page. ``candidates`` is the ``views.gaps`` ranking to list."""
    from ntm_eval.engine.gaps import gaps

    g = candidates if candidates is not None else gaps(report, top=10)
    rs = report.ruleset
    title = f"{rs.title.get(lang)} — {input_name(report, lang)}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_text(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{_text(rs.title.get(lang))}</h1>",
        f'<p class="meta">{_text(tr(lang, "rows", path=input_name(report, lang), rows=report.input_rows))} · '
        f"{_text(rs.id)} · {_text(rs.legal_basis_in(lang))} · "
        f"{_text(tr(lang, 'report.date', date=run_date()))}</p></header>",
    ]
    parts += _banner(report, lang)
    parts += _summary(report, lang)
    parts += _chart(report, lang)
    parts += _bands(report, lang)
    parts += _districts(report, lang)
    parts += _candidates(g, lang)
    parts += _matrix(report, lang)
    parts += _problems(report, lang)
    parts += [
        '<div id="detail" role="dialog" aria-live="polite" hidden>'
        '<button type="button" id="detail-close" aria-label="close">×</button>'
        '<pre id="detail-text"></pre></div>',
        f"<footer>{_text(tr(lang, 'report.generated', version=__version__, path=report.input_path, ruleset=rs.id))}</footer>",
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)
