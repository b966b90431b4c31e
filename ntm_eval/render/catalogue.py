"""``rules list`` and ``rules show``: the catalogue of rule sets as a table, JSON or a
Markdown document (``rules/CATALOGUE.md``). A rule file's strings are shown through
``shown.printable`` in the table and the Markdown (JSON keeps them raw)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ntm_eval.diagnostics import Problem
from ntm_eval.i18n import tr, unit
from ntm_eval.render.text import OP_SIGNS, fmt_number
from ntm_eval.rules.catalogue import Catalogue, SetEntry, Value
from ntm_eval.rules.loader import shipped_sets
from ntm_eval.rules.model import NATIONAL, UNVERIFIED, Measure, said
from ntm_eval.shown import printable

SCHEMA_VERSION = 1


def _set_dict(e: SetEntry) -> dict[str, Any]:
    rs = e.loaded.ruleset if e.loaded else None
    return {
        "id": rs.id if rs else None,
        "title": rs.title.en if rs else None,
        "title_vi": rs.title.vi if rs else None,
        "extends": rs.extends if rs else None,
        "criteria": len(rs.criteria) if rs else None,
        "indicators": sum(len(c.indicators) for c in rs.criteria) if rs else None,
        "source": e.source,
        "path": e.path,
        "valid": rs is not None,
        "errors": [p.to_dict() for p in e.problems if p.is_error],
    }


def list_json(entries: list[SetEntry], **_: Any) -> str:
    doc = {"schema_version": SCHEMA_VERSION, "sets": [_set_dict(e) for e in entries]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def list_table(entries: list[SetEntry], color: bool = False, lang: str = "en", **_: Any) -> str:
    rows = []
    for e in entries:
        if e.loaded is None:
            errors = sum(p.is_error for p in e.problems)
            rows.append(
                [
                    "—",
                    tr(lang, "rules.invalid", errors=errors, path=e.path),
                    "",
                    "",
                    e.source,
                    e.path,
                ]
            )
            continue
        rs = e.loaded.ruleset
        rows.append(
            [rs.id, rs.title.get(lang), rs.extends or "", str(len(rs.criteria)), e.source, e.path]
        )
    header = [tr(lang, f"rules.col.{k}") for k in LIST_COLUMNS]
    return _table(header, rows, color)


LIST_COLUMNS = ("id", "title", "extends", "criteria", "source", "file")
SHOW_COLUMNS = (
    "id",
    "measure",
    "region",
    "threshold",
    "unit",
    "confirmed",
    "sector",
    "from",
    "legal_basis",
    "possible",
)


def threshold_text(m: Measure, value: Any, lang: str = "en") -> str:
    """``≥ 80``, ``= Đạt``, or ``≥ 39 from 2019, 43 from 2020`` for a year-keyed value."""
    if isinstance(value, dict):
        return (
            OP_SIGNS[m.op]
            + " "
            + ", ".join(
                tr(lang, "rules.from", value=fmt_number(v, lang), year=y)
                for y, v in sorted(value.items())
            )
        )
    return f"{OP_SIGNS[m.op]} {fmt_number(value, lang)}"


def _table(header: list[str], rows: list[list[str]], color: bool) -> str:
    """A plain table as wide as its content: one line per row, never wrapped, so that
    every line can be found with grep (a terminal folds what it cannot show)."""
    from rich.cells import cell_len  # display width: some characters take two columns

    rows = [[printable(c) for c in r] for r in rows]

    widths = [max(cell_len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [c + " " * (w - cell_len(c)) for c, w in zip(cells, widths)]
        return "   ".join(padded).rstrip()

    head = line(header)
    if color:
        head = f"\x1b[1m{head}\x1b[0m"
    rule = "─" * (sum(widths) + 3 * (len(widths) - 1))
    return "\n".join([head, rule, *(line(r) for r in rows)]) + "\n"


def _heading(cat: Catalogue, lang: str = "en") -> list[str]:
    rs = cat.ruleset
    lines = [f"{rs.title.get(lang)} ({rs.id})"]
    if rs.extends:
        lines.append(tr(lang, "rules.extends", base=rs.extends, files=", ".join(cat.files)))
    if cat.region:
        name = rs.class_values[cat.region].get(lang)
        lines.append(tr(lang, "rules.region", key=cat.region, name=name))
    return [printable(line) for line in lines]


def show_table(cat: Catalogue, color: bool = False, lang: str = "en", **_: Any) -> str:
    """One row per threshold value, each with its ids, so ``grep dhntb`` finds a region;
    the band of possible values last, when a row shown has one."""
    rows = [
        [
            r.indicator.id,
            r.measure.column,
            v.key,
            threshold_text(r.measure, v.value, lang),
            unit(r.measure.unit_label, lang) or "",
            v.confirmation,
            r.sector,
            f"{v.origin.path}:{v.origin.line}" if v.origin else "",
            said(r.indicator, "legal_basis", lang) or said(r.criterion, "legal_basis", lang) or "",
            r.measure.plausible.text() if r.measure.plausible else "",
        ]
        for r in cat.rows
        for v in r.values
    ]
    header = [tr(lang, f"rules.col.{k}") for k in SHOW_COLUMNS]
    if not any(row[-1] for row in rows):  # no band among these rows: no column for one
        header, rows = header[:-1], [row[:-1] for row in rows]
    text = "\n".join(_heading(cat, lang)) + "\n" + _table(header, rows, color)
    if not rows:
        text += tr(lang, "rules.none") + "\n"
    return text


def _value_dict(v: Value) -> dict[str, Any]:
    value = {str(y): x for y, x in v.value.items()} if isinstance(v.value, dict) else v.value
    origin = (
        {"path": v.origin.path, "line": v.origin.line, "col": v.origin.col} if v.origin else None
    )
    return {
        "key": v.key,
        "value": value,
        "confirmation": v.confirmation,
        "verified": v.confirmation != UNVERIFIED,
        "origin": origin,
    }


def catalogue_dict(cat: Catalogue) -> dict[str, Any]:
    rs = cat.ruleset
    criteria: dict[str, dict[str, Any]] = {}
    indicators: dict[tuple[str, str], dict[str, Any]] = {}
    for r in cat.rows:
        c = criteria.setdefault(
            r.criterion.id,
            {
                "id": r.criterion.id,
                "group": r.criterion.group,
                "name": r.criterion.name.en,
                "name_vi": r.criterion.name.vi,
                "sector": r.criterion.sector,
                "legal_basis": r.criterion.legal_basis,
                "indicators": [],
            },
        )
        key = (r.criterion.id, r.indicator.id)
        if key not in indicators:
            indicators[key] = {
                "id": r.indicator.id,
                "name": r.indicator.name.en,
                "name_vi": r.indicator.name.vi,
                "sector": r.sector,
                "legal_basis": r.indicator.legal_basis,
                "measures": [],
            }
            c["indicators"].append(indicators[key])
        m = r.measure
        indicators[key]["measures"].append(
            {
                "column": m.column,
                "name": m.name.en if m.name else None,
                "kind": m.kind,
                "op": m.op,
                "unit": m.unit_label,
                "plausible": m.plausible.model_dump() if m.plausible else None,
                "note": m.note,
                "reason": m.reason,
                "thresholds": [_value_dict(v) for v in r.values],
            }
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "ruleset": {
            "id": rs.id,
            "title": rs.title.en,
            "title_vi": rs.title.vi,
            "legal_basis": rs.legal_basis,
            "extends": rs.extends,
            "period": {"from": rs.period.from_, "to": rs.period.to} if rs.period else None,
            "files": list(cat.files),
        },
        "filters": cat.filters,
        "criteria": list(criteria.values()),
    }


def show_json(cat: Catalogue, **_: Any) -> str:
    return json.dumps(catalogue_dict(cat), ensure_ascii=False, indent=2) + "\n"


def failure_json(problems: list[Problem]) -> str:
    """``--format json`` when the set cannot be loaded: stdout still parses."""
    doc = {
        "schema_version": SCHEMA_VERSION,
        "ruleset": None,
        "criteria": [],
        "errors": [p.to_dict() for p in problems if p.is_error],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _md(text: str) -> str:
    """A rule file's text on one line of Markdown: shown, its ``|`` escaped."""
    return printable(text.replace("\n", " ")).replace("|", "\\|")


def _command(cat: Catalogue) -> str:
    """The command that regenerates ``cat`` as Markdown (the set by id when shipped)."""
    rs = cat.ruleset
    parts = ["ntm-eval rules show", rs.id if rs.id in shipped_sets() else cat.files[0]]
    parts += [
        f"--{k} {cat.filters[k]}" for k in ("region", "sector", "criterion") if cat.filters[k]
    ]
    parts += ["--unverified"] if cat.filters["unverified"] else []
    return " ".join(parts + ["--format markdown"])


def show_markdown(cat: Catalogue, **_: Any) -> str:
    """A criteria catalogue document: one table per criterion, one column per region with
    the threshold that applies there (or only the region asked for). Deterministic, so a
    committed copy can be checked against the rule file."""
    rs = cat.ruleset
    base = cat.files[-1]
    national = any(v.key == NATIONAL for r in cat.rows for v in r.values)
    columns = [cat.region] if cat.region else [NATIONAL] * national + list(rs.class_values)
    lines = [
        f"<!-- Generated by `{_command(cat)}`: edit the rule file, then regenerate. -->",
        "",
        f"# {_md(rs.title.en)}",
        "",
        f"*{_md(rs.title.vi)}*",
        "",
        f"- Rule set: `{rs.id}`" + (f", extends `{rs.extends}`" if rs.extends else ""),
        f"- Legal basis: {_md(rs.legal_basis)}",
    ]
    if rs.period:
        lines.append(f"- Period: {rs.period.from_}–{rs.period.to}")
    lines.append(
        "- Each value's confirmation: C2 = two or more published sources, C1 = one; "
        "`*` = unverified, not confirmed from a published source."
    )
    if len(cat.files) > 1:
        lines.append(
            f"- `†` = set by a file that extends `{Path(base).name}`; "
            "`ntm-eval rules show … --format json` gives the file and line of each value."
        )
    lines.append(
        f"- {rs.class_name.en.capitalize()}s: "
        + ", ".join(f"`{k}` {_md(v.en)}" for k, v in rs.class_values.items())
        + (". `national`: the national target, for information." if national else ".")
    )
    current: str | None = None
    notes: list[str] = []
    for r in cat.rows:
        if r.criterion.id != current:
            lines += _notes(notes)
            current, notes = r.criterion.id, []
            c = r.criterion
            lines += [
                "",
                f"## {c.id}. {_md(c.name.en)} ({_md(c.name.vi)})",
                "",
                f"Group {c.group} · sector `{c.sector}`"
                + (f" · {_md(c.legal_basis)}" if c.legal_basis else ""),
                "",
                "| ID | Indicator | Column | Unit | "
                + " | ".join(columns)
                + " | Confirmation | Sector | Legal basis |",
                "|---|---|---|---|" + "---|" * len(columns) + "---|---|---|",
            ]
        by_key = {v.key: v for v in r.values}
        shown: dict[str, Value | None] = {}
        for column in columns:
            entry = (NATIONAL,) if column == NATIONAL else r.measure.threshold_entry(column)
            shown[column] = by_key.get(entry[0]) if entry else None
        cells = [
            ""
            if v is None
            else _md(threshold_text(r.measure, v.value))
            + ("*" if v.confirmation == UNVERIFIED else "")
            + ("†" if v.origin and v.origin.path != base else "")
            for v in shown.values()
        ]
        name = r.measure.name.en if r.measure.name else r.indicator.name.en
        lines.append(
            f"| {r.indicator.id} | {_md(name)} | `{r.measure.column}` | "
            f"{_md(r.measure.unit_label or '')} | "
            + " | ".join(cells)
            + f" | {_confirmation_summary(shown)} | `{r.sector}` | "
            f"{_md(r.indicator.legal_basis or '')} |"
        )
        notes += [
            f"{r.indicator.id} `{r.measure.column}`: {_md(text)}"
            for text in (
                r.measure.note,
                r.measure.reason and "Reason for loosening: " + r.measure.reason,
            )
            if text
        ]
    lines += _notes(notes)
    if not cat.rows:
        lines += ["", "No indicator matches these filters."]
    return "\n".join(lines) + "\n"


def _notes(notes: list[str]) -> list[str]:
    return ["", "Notes:", ""] + [f"- {n}" for n in notes] if notes else []


def _confirmation_summary(shown: dict[str, Value | None]) -> str:
    """``C1``, or ``C2 national, tdmnpb; others unverified``: the commonest status last."""
    by_status: dict[str, list[str]] = {}
    for column, v in shown.items():
        if v is not None:
            by_status.setdefault(v.confirmation, []).append(column)
    if len(by_status) <= 1:
        return next(iter(by_status), "")
    commonest = max(by_status, key=lambda k: len(by_status[k]))  # first of equals: stable
    rest = [
        f"{status} {', '.join(cols)}" for status, cols in by_status.items() if status != commonest
    ]
    return "; ".join(rest) + f"; others {commonest}"
