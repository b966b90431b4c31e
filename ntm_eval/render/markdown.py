"""``--format markdown``: GitHub-flavoured Markdown for reports and pull requests.

Headings and tables in the chosen language; every table row carries the commune code and
the criterion or indicator id. Cell text is escaped so a name can never break a table:
controls and bidi characters as ``shown.printable`` shows them, Markdown syntax and ``|``
with a backslash; a table cell is cut to ``shown.CELL`` characters.
"""

from __future__ import annotations

import re
from typing import Any

from ntm_eval import i18n
from ntm_eval.i18n import tr
from ntm_eval.render import input_name
from ntm_eval.render import place as render_place
from ntm_eval.render.text import (
    band_label,
    filters_line,
    left_text,
    years_line,
)
from ntm_eval.shown import CELL, printable

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def esc(x: Any, limit: int | None = None) -> str:
    """Text safe inside a Markdown table cell (or a heading, a line), cut to ``limit``."""
    return _SPECIAL.sub(r"\\\1", " ".join(printable(str(x), limit).split()))


def table(header: list[str], rows: list[list[Any]], right: tuple[int, ...] = ()) -> list[str]:
    lines = [
        "| " + " | ".join(esc(h) for h in header) + " |",
        "|" + "|".join("---:" if n in right else "---" for n in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(esc(x, CELL) for x in row) + " |" for row in rows]
    return lines


def render(report: Any, lang: str = "en", **_: Any) -> str:
    rs, s = report.ruleset, report.summary
    total = len(s.by_criterion)
    out = [f"# {esc(rs.title.get(lang))} ({esc(rs.id)})", ""]
    out.append(esc(tr(lang, "rows", path=input_name(report, lang), rows=report.input_rows)))
    filters = filters_line(report, lang)
    if filters:
        out += ["", esc(filters)]
    out.append("")
    out += table(
        [
            tr(lang, "col.code"),
            tr(lang, "col.commune"),
            render_place(rs, lang)[1],
            tr(lang, "col.year"),
            tr(lang, "col.met"),
            tr(lang, "col.status"),
            tr(lang, "col.missing"),
        ],
        [
            [
                c.code,
                c.name,
                getattr(c, render_place(rs, lang)[0]) or "",
                c.year or "",
                f"{c.criteria_met}/{c.criteria_total}",
                i18n.status(lang, c.status),
                " ".join(c.not_met + ["?" + i for i in c.not_evaluable]),
            ]
            for c in report.communes
        ],
        right=(4,),
    )
    out += ["", esc(tr(lang, "missing.legend")), ""]
    out += [f"## {esc(tr(lang, 'counts.title', n=s.communes))}", ""]
    out += table(
        [
            tr(lang, "col.id"),
            tr(lang, "col.criterion"),
            tr(lang, "col.met"),
            tr(lang, "col.not_met"),
            tr(lang, "col.not_evaluable"),
        ],
        [[k.id, k.name.get(lang), k.met, k.not_met, k.not_evaluable] for k in s.by_criterion],
        right=(2, 3, 4),
    )
    out += ["", f"## {esc(tr(lang, 'bands.title'))}", ""]
    out += table(
        [tr(lang, "col.band"), tr(lang, "col.communes")],
        [[band_label(b.label, lang), b.communes] for b in s.bands],
        right=(1,),
    )
    key = "summary.items" if report.filters.selects_items else "summary.all"
    out += [
        "",
        "**"
        + esc(
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
        + "**",
        "",
    ]
    several = years_line(s, lang)
    if several:
        out += [esc(several), ""]
    return "\n".join(out)


def _gaps_rows(candidates: Any, lang: str) -> list[list[Any]]:
    return [
        [
            c.rank,
            c.commune.code,
            c.commune.name,
            c.commune.district,
            f"{c.commune.criteria_met}/{c.commune.criteria_total}",
            i.indicator,
            i.name.get(lang),
            left_text(i, lang),
        ]
        for c in candidates
        for i in c.items
    ]


def render_gaps(g: Any, lang: str = "en", **_: Any) -> str:
    r = g.report
    header = [
        tr(lang, "col.rank"),
        tr(lang, "col.code"),
        tr(lang, "col.commune"),
        tr(lang, "col.district"),
        tr(lang, "col.met"),
        tr(lang, "col.id"),
        tr(lang, "col.criterion"),
        tr(lang, "col.left"),
    ]
    out = [
        f"# {esc(tr(lang, 'gaps.title'))}",
        "",
        esc(f"{r.ruleset.title.get(lang)} ({r.ruleset.id}) · {input_name(r, lang)}: ")
        + esc(tr(lang, "gaps.count", short=g.short, n=r.summary.communes, shown=len(g.candidates))),
        "",
    ]
    if g.by_sector is None:
        out += table(header, _gaps_rows(g.candidates, lang), right=(0,))
    else:
        for share in g.by_sector:
            out += [f"## {esc(share.name.get(lang))} ({esc(share.sector)})", ""]
            out += table(header, _gaps_rows(share.candidates, lang), right=(0,))
            out.append("")
    out += ["", esc(tr(lang, "gaps.order")), ""]
    return "\n".join(out)


def _side(x: Any, status: str, v: Any, lang: str) -> str:
    return f"{i18n.value(x, v.kind, None, lang)} ({i18n.status(lang, status)})"


def render_compare(cmp: Any, lang: str = "en", **_: Any) -> str:
    from ntm_eval.render.text import reorganised_lines

    out = [
        f"# {esc(tr(lang, 'compare.title', old=cmp.old.path, new=cmp.new.path))}",
        "",
        esc(
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
        ),
        "",
    ]
    across = reorganised_lines(cmp, lang)
    if across:  # the new units of 1 July 2025 and the old communes each holds, as a list
        out += [esc(across[0]), ""]
        out += [
            f"  - {esc(line.strip())}" if line.startswith("  ") else f"- {esc(line)}"
            for line in across[1:]
        ]
        out.append("")
    header = [
        tr(lang, "col.code"),
        tr(lang, "col.commune"),
        tr(lang, "col.met"),
        tr(lang, "col.id"),
        tr(lang, "col.change"),
        tr(lang, "col.old"),
        tr(lang, "col.new"),
    ]

    def rows(communes: Any, only_lost: bool) -> list[list[Any]]:
        out_rows = []
        for c in communes:
            for k in c.criteria:
                if only_lost and k.new_status == "met":
                    continue
                for v in k.indicators:
                    out_rows.append(
                        [
                            c.code,
                            c.name,
                            f"{c.old_met}→{c.new_met}",
                            v.indicator,
                            f"{tr(lang, 'change.' + k.change)}: {cmp.name_of(v.column, lang)}",
                            _side(v.old_value, v.old_status, v, lang),
                            _side(v.new_value, v.new_status, v, lang),
                        ]
                    )
        return out_rows

    if cmp.maintaining:
        out += [
            f"## {esc(tr(lang, 'compare.maintain', n=len(cmp.maintaining), old=cmp.old.path))}",
            "",
        ]
        out += table(header, rows(cmp.maintaining, True))
    else:
        said = "compare.maintain.none" if cmp.old_met else "compare.maintain.nothing"
        out.append(esc(tr(lang, said, old=cmp.old.path, new=cmp.new.path)))
    out += ["", f"## {esc(tr(lang, 'compare.changes'))}", ""]
    if cmp.changed:
        out += table(header, rows(cmp.changed, False))
    else:
        out.append(esc(tr(lang, "compare.nochange")))
    if cmp.value_only:
        out += ["", esc(tr(lang, "compare.values", n=cmp.value_only))]
    out.append("")
    return "\n".join(out)
