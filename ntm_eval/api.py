"""The Python API: ``import ntm_eval``, then ``ntm_eval.judge(data)``.

The same engine as the command line: ``judge`` builds a ``pipeline.Run`` (the one place a
check is put together) and gives the frozen ``Report`` every format renders; ``to_json``
is ``check --format json``'s document (schema ``ntm_eval/schemas/check-output.schema.json``).
A data problem is never an exception: it is a ``Problem`` in ``report.problems`` (code,
message, path, line, col, column), exactly as the command line prints it; rows of a frame
or iterable are located by their 1-based row number (``line``) and column (``col``).
Only a rule set that cannot be loaded (``load_rules``) or a unit list that cannot be read
raises ``InputError``, which carries its problems: there is nothing to judge against.

The names in ``__all__`` are the public surface; everything else in the package is
private and may change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

from ntm_eval.diagnostics import InputError, Problem
from ntm_eval.engine.results import (
    CommuneResult,
    CriterionResult,
    IndicatorResult,
    Report,
    Tally,
)
from ntm_eval.rules.model import RuleSet

__all__ = [
    "CommuneResult",
    "CriterionResult",
    "IndicatorResult",
    "InputError",
    "Problem",
    "Report",
    "RuleSet",
    "judge",
    "load_rules",
    "to_json",
    "to_pandas",
    "to_polars",
    "to_records",
]

Data = str | PathLike[str] | Iterable[Mapping[str, Any]] | Any  # Any: a pandas/polars frame


def load_rules(ref: str | PathLike[str] | None = None) -> RuleSet:
    """The rule set ``ref`` names: a shipped set's or example's id
    (``"national-2016-2020"``, see ``ntm-eval rules list``), or a rule file's path;
    None: the national 2016–2020 set. Raises ``InputError`` (its ``problems`` located at
    their line and column) when the file cannot be loaded, and ``ValueError`` for an id
    that names no shipped set."""
    from ntm_eval.rules.catalogue import resolve_set
    from ntm_eval.rules.loader import default_rules_path
    from ntm_eval.rules.loader import load_rules as load

    if ref is None:
        return load(default_rules_path())
    if isinstance(ref, PathLike):
        return load(Path(ref), str(ref))
    path, shown = resolve_set(ref)
    return load(path, shown)


def judge(
    data: Data,
    rules: RuleSet | str | PathLike[str] | None = None,
    *,
    units: str | PathLike[str] | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    name: str | None = None,
) -> Report:
    """Judge ``data`` against ``rules`` (a ``RuleSet``, or what ``load_rules`` takes) and
    return the ``Report``: communes in the report's order (code, year, row), the summary,
    and every problem found.

    ``data`` is a data file's path (CSV or .xlsx, as ``ntm-eval check`` reads it; ``sheet``
    and ``encoding`` as its options), an iterable of mappings (one per commune: column →
    value), or a pandas or polars DataFrame (one row per commune; the index is not read).
    Rows go through the same checks as a file's: a bad cell is a problem at its row and
    column and makes its indicator not evaluable. ``units``: the unit list to check codes
    and names against (a shipped list's name or a CSV path; default ``binh-thuan-2020``,
    as on the command line). ``name``: what problems call the data (default: the path,
    or ``<DataFrame>`` / ``<rows>``)."""
    from ntm_eval.engine.pipeline import judge as run
    from ntm_eval.input.source import Source
    from ntm_eval.input.units import load_units

    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    unit_list = load_units(None if units is None else str(units))
    if isinstance(data, (str, PathLike)):
        source = Source(Path(data), name or str(data), sheet, encoding)
    else:
        from ntm_eval.input import records

        if sheet is not None or encoding is not None:
            raise TypeError("sheet and encoding apply to a data file, not to rows")
        frame = type(data).__module__.split(".")[0] in ("pandas", "polars")
        shown = name or ("<DataFrame>" if frame else "<rows>")
        source = Source(Path(shown), shown, records=records.of(data))
    try:
        return run(source, ruleset, unit_list)
    except InputError as exc:  # nothing could be judged: a report that says why
        return Report(
            ruleset=ruleset,
            input_path=source.name,
            input_rows=0,
            summary=Tally.of(ruleset).summary(),
            communes=(),
            problems=tuple(exc.problems),
        )


def to_json(report: Report) -> str:
    """The report as ``ntm-eval check --format json`` writes it (one compact document,
    schema ``ntm_eval/schemas/check-output.schema.json``)."""
    from ntm_eval.render.json import render

    return render(report)


#: The columns of ``to_records``: the commune, its criterion, then the measure.
RECORD_COLUMNS = (
    "code",
    "name",
    "district",
    "province",
    "region",
    "year",
    "line",
    "commune_status",
    "criteria_met",
    "criteria_total",
    "criterion",
    "criterion_name",
    "sector",
    "criterion_status",
    "indicator",
    "column",
    "kind",
    "value",
    "op",
    "threshold",
    "threshold_from",
    "unit",
    "status",
    "gap",
    "verified",
    "reason",
)


def to_records(report: Report) -> list[dict[str, Any]]:
    """One flat mapping per commune × measure (17.1 has two measures), with the keys of
    ``RECORD_COLUMNS``: the JSON document's communes, criteria and indicators, flattened
    (the same values, the same names)."""
    from ntm_eval.render.json import commune_dict

    out = []
    for commune in report.communes:
        c = commune_dict(commune)
        head = {
            "code": c["code"],
            "name": c["name"],
            "district": c["district"],
            "province": c["province"],
            "region": c["region"],
            "year": c["year"],
            "line": c["line"],
            "commune_status": c["status"],
            "criteria_met": c["criteria_met"],
            "criteria_total": c["criteria_total"],
        }
        for k in c["criteria"]:
            crit = {
                "criterion": k["id"],
                "criterion_name": k["name"],
                "sector": k["sector"],
                "criterion_status": k["status"],
            }
            for i in k["indicators"]:
                measure = {("indicator" if key == "id" else key): v for key, v in i.items()}
                out.append({**head, **crit, **measure})
    return out


def to_pandas(report: Report) -> Any:
    """``to_records`` as a pandas DataFrame (pandas must be installed; ntm-eval does not
    need it)."""
    import pandas as pd

    return pd.DataFrame(to_records(report), columns=list(RECORD_COLUMNS))


def to_polars(report: Report) -> Any:
    """``to_records`` as a polars DataFrame (polars must be installed; ntm-eval does not
    need it). ``value`` and ``threshold`` mix numbers and yes/no: they are objects."""
    import polars as pl

    records = to_records(report)
    mixed = {"value", "threshold"}
    columns = {
        col: pl.Series(col, [r[col] for r in records], dtype=pl.Object if col in mixed else None)
        for col in RECORD_COLUMNS
    }
    return pl.DataFrame(list(columns.values()))
