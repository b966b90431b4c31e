"""Default terminal output: one line per commune, then the province summary."""

from __future__ import annotations

import io
from typing import Any

from ntm_eval.report import MET, NOT_EVALUABLE, NOT_MET, CommuneResult, IndicatorResult, Report

STATUS_WORDS = {MET: "met", NOT_MET: "not met", NOT_EVALUABLE: "not evaluable"}
STATUS_STYLE = {MET: "green", NOT_MET: "red", NOT_EVALUABLE: "yellow"}
OP_SIGNS = {">=": "≥", "<=": "≤", "==": "="}
UNVERIFIED_MARK = "*"


def fmt_number(x: Any) -> str:
    """Fixed, lossless formatting: 80 → '80', 85.5 → '85.5', 79.999 → '79.999'."""
    if isinstance(x, bool):
        return "Đạt" if x else "Chưa đạt"
    if x == int(x):
        return str(int(x))
    return repr(float(x))


def fmt_value(x: Any, kind: str) -> str:
    if x is None:
        return "—"
    return fmt_number(x) + ("%" if kind == "pct" else "")


def fmt_gap(r: IndicatorResult) -> str:
    if r.gap is None:
        return ""
    sign = "+" if r.gap > 0 else ""
    return sign + fmt_number(r.gap)


def _status(status: str) -> str:
    return f"[{STATUS_STYLE[status]}]{STATUS_WORDS[status]}[/]"


def _missing(c: CommuneResult) -> str:
    return " ".join(c.not_met + ["?" + i for i in c.not_evaluable])


def render(report: Report, *, width: int = 80, color: bool = False, communes: tuple[str, ...] = (),
           max_rows: int = 200, **_: Any) -> str:
    """The human-readable report as text (ANSI colours only when ``color``)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    from rich import box

    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=color, no_color=not color,
                      color_system="standard" if color else None, highlight=False,
                      emoji=False, legacy_windows=False)
    rs, s = report.ruleset, report.summary
    total = len(rs.criteria)
    console.print(f"[bold]{escape(rs.title.en)}[/] ({escape(rs.id)})")
    console.print(f"{escape(report.input_path)}: {report.input_rows} row(s)")

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("Code", no_wrap=True)
    table.add_column("Commune")
    table.add_column("District")
    several_years = len({c.year for c in report.communes}) > 1
    if several_years:
        table.add_column("Year", no_wrap=True)
    table.add_column("Met", justify="right", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Missing")
    shown = report.communes if max_rows <= 0 else report.communes[:max_rows]
    for c in shown:
        cells = [escape(c.code), escape(c.name), escape(c.district)]
        if several_years:
            cells.append(str(c.year or "—"))
        cells += [f"{c.criteria_met}/{c.criteria_total}", _status(c.status), _missing(c)]
        table.add_row(*cells)
    console.print(table)
    console.print(f"Missing: criteria not met; ?N: criterion N could not be evaluated "
                  f"(see --commune CODE).")
    hidden = len(report.communes) - len(shown)
    if hidden > 0:
        console.print(f"[yellow]… {hidden:,} more commune(s) not shown.[/] Use --max-rows 0 to "
                      "list every commune, or --format json for the full results.")

    for code in communes:
        console.print()
        matches = [c for c in report.communes if c.code == code]
        if not matches:
            console.print(f"[yellow]No commune with code {escape(code)} in the data.[/]")
        for c in matches:
            _detail(console, c)

    counts = Table(title=f"Communes meeting each criterion (of {s.communes})", title_justify="left",
                   box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    counts.add_column("ID", no_wrap=True)
    counts.add_column("Criterion")
    counts.add_column("Met", justify="right")
    counts.add_column("Not met", justify="right")
    counts.add_column("Not evaluable", justify="right")
    for k in s.by_criterion:
        counts.add_row(k.id, escape(k.name.en), str(k.met), str(k.not_met), str(k.not_evaluable))
    console.print()
    console.print(counts)

    bands = Table(title="Communes by criteria met", title_justify="left", box=box.SIMPLE_HEAD,
                  pad_edge=False, show_edge=False)
    bands.add_column("Band")
    bands.add_column("Communes", justify="right")
    for b in s.bands:
        bands.add_row(b.label, str(b.communes))
    console.print()
    console.print(bands)
    console.print()
    console.print(
        f"[bold]{s.communes} commune(s): {s.met} meet the standard ({total}/{total}), "
        f"{s.not_met} do not, {s.not_evaluable} could not be evaluated.[/]"
    )
    # Rich pads every table line to the full width; trailing blanks only get in the way.
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()) + "\n"


def _detail(console: Any, c: CommuneResult) -> None:
    from rich.markup import escape
    from rich.table import Table
    from rich import box

    where = ", ".join(x for x in (c.district, c.province) if x)
    title = (f"{escape(c.code)} {escape(c.name)} — {escape(where)} · region {c.region or '?'} · "
             f"{c.year or '?'} · {c.criteria_met}/{c.criteria_total} · {_status(c.status)}")
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                  show_edge=False)
    table.add_column("ID", no_wrap=True)
    table.add_column("Measure", overflow="fold")
    table.add_column("Value", justify="right", no_wrap=True)
    table.add_column("Threshold", no_wrap=True)
    table.add_column("Gap", justify="right", no_wrap=True)
    table.add_column("Status")
    unverified = False
    reasons = []
    for k in c.criteria:
        for r in k.indicators:
            if r.threshold is None:
                threshold = "—"
            else:
                mark = UNVERIFIED_MARK if r.verified is False else ""
                unverified |= r.verified is False
                since = f" ({r.threshold_from}+)" if r.threshold_from else ""
                threshold = f"{OP_SIGNS[r.op]} {fmt_value(r.threshold, r.kind)}{mark}{since}"
            if r.reason:
                reasons.append(f"{r.id} {r.column}: {escape(r.reason)}")
            table.add_row(r.id, r.column, fmt_value(r.value, r.kind), threshold, fmt_gap(r),
                          _status(r.status))
    console.print(table)
    for reason in reasons:
        console.print(f"[yellow]not evaluable[/] {reason}")
    if unverified:
        console.print(f"{UNVERIFIED_MARK} threshold not confirmed from a published source "
                      "(marked unverified in the rule file).")
