"""The evaluator: rules + commune rows → report. Pure: no files, no printing, no exits."""

from __future__ import annotations

from typing import Any

from ntm_eval.data import CommuneRow, DataSet
from ntm_eval.report import (
    MET,
    NOT_EVALUABLE,
    NOT_MET,
    Band,
    CommuneResult,
    CriterionCount,
    CriterionResult,
    IndicatorResult,
    Report,
    Summary,
    combine,
)
from ntm_eval.rules import Measure, RuleSet

#: The bands provinces report in, as (label, lowest, highest) criteria met out of 19.
BANDS_19 = (("19/19", 19, 19), ("15–18", 15, 18), ("10–14", 10, 14), ("5–9", 5, 9), ("under 5", 0, 4))


def lookup_threshold(measure: Measure, region: str | None, year: int | None
                     ) -> tuple[Any, int | None, str | None, str | None]:
    """The threshold that applies to a commune of ``region`` assessed in ``year``.

    Returns ``(threshold, from_year, thresholds_key, reason)``; when no threshold applies,
    threshold is None and reason says why. Never borrows another region's value, nor a
    year-keyed value from a later year.
    """
    if region is None:
        return None, None, None, "region unknown"
    entry = measure.threshold_entry(region)
    if entry is None:
        return None, None, None, f"no threshold for region '{region}'"
    key, raw = entry
    if not isinstance(raw, dict):
        return raw, None, key, None
    if year is None:
        return None, None, key, "year unknown (this threshold depends on the year)"
    applicable = [y for y in raw if y <= year]
    if not applicable:
        first = min(raw)
        return None, None, key, f"no threshold for {year}: the first applies from {first}"
    from_year = max(applicable)
    return raw[from_year], from_year, key, None


def _gap(value: Any, op: str, threshold: Any) -> float | None:
    if op == "==":
        return None
    gap = value - threshold if op == ">=" else threshold - value
    gap = round(gap, 6) + 0.0  # decimal-text inputs: keep 6.2 − 5 at 1.2, and no −0.0
    return int(gap) if gap == int(gap) and isinstance(value, int) else gap


def evaluate_measure(measure: Measure, indicator_id: str, row: CommuneRow) -> IndicatorResult:
    """Judge one measured value against the threshold for the row's region and year."""
    value = row.values.get(measure.column)
    threshold, from_year, key, reason = lookup_threshold(measure, row.region, row.year)
    verified = measure.verified(key) if key is not None else None
    if measure.column in row.invalid:
        status, reason = NOT_EVALUABLE, "value invalid or column missing"
    elif value is None:
        status, reason = NOT_EVALUABLE, "value missing"
    elif reason is not None:
        status = NOT_EVALUABLE
    elif measure.op == ">=":
        status = MET if value >= threshold else NOT_MET
    elif measure.op == "<=":
        status = MET if value <= threshold else NOT_MET
    else:
        status = MET if value == threshold else NOT_MET
    gap = _gap(value, measure.op, threshold) if value is not None and threshold is not None else None
    return IndicatorResult(
        id=indicator_id,
        column=measure.column,
        kind=measure.kind,
        value=value,
        op=measure.op,
        threshold=threshold,
        threshold_from=from_year,
        unit=measure.unit_label,
        status=status,
        gap=gap,
        verified=verified,
        reason=reason if status == NOT_EVALUABLE else None,
    )


def evaluate_row(ruleset: RuleSet, row: CommuneRow) -> CommuneResult:
    criteria = []
    for criterion in ruleset.criteria:
        results = tuple(
            evaluate_measure(measure, indicator.id, row)
            for indicator in criterion.indicators
            for measure in indicator.measures
        )
        criteria.append(CriterionResult(
            id=criterion.id,
            name=criterion.name,
            sector=criterion.sector,
            status=combine(r.status for r in results),
            indicators=results,
        ))
    return CommuneResult(
        code=row.code,
        name=row.name,
        district=row.district,
        province=row.province,
        region=row.region,
        year=row.year,
        line=row.line,
        status=combine(c.status for c in criteria),
        criteria_met=sum(c.status == MET for c in criteria),
        criteria_total=len(criteria),
        criteria=tuple(criteria),
    )


def bands_for(total: int) -> tuple[tuple[str, int, int], ...]:
    """Reporting bands for a rule set of ``total`` criteria (the usual five for 19)."""
    if total == 19:
        return BANDS_19
    return ((f"{total}/{total}", total, total), (f"under {total}", 0, total - 1))


def summarise(ruleset: RuleSet, communes: tuple[CommuneResult, ...]) -> Summary:
    counts = {c.id: {MET: 0, NOT_MET: 0, NOT_EVALUABLE: 0} for c in ruleset.criteria}
    for commune in communes:
        for criterion in commune.criteria:
            counts[criterion.id][criterion.status] += 1
    total = len(ruleset.criteria)
    return Summary(
        communes=len(communes),
        met=sum(c.status == MET for c in communes),
        not_met=sum(c.status == NOT_MET for c in communes),
        not_evaluable=sum(c.status == NOT_EVALUABLE for c in communes),
        by_criterion=tuple(
            CriterionCount(c.id, c.name, counts[c.id][MET], counts[c.id][NOT_MET],
                           counts[c.id][NOT_EVALUABLE])
            for c in ruleset.criteria
        ),
        bands=tuple(
            Band(label, low, high, sum(low <= c.criteria_met <= high for c in communes))
            for label, low, high in bands_for(total)
        ),
    )


def evaluate(ruleset: RuleSet, data: DataSet) -> Report:
    """Judge every row of ``data`` against ``ruleset``."""
    communes = tuple(sorted(
        (evaluate_row(ruleset, row) for row in data.rows),
        key=lambda c: (c.code, c.year or 0, c.line),
    ))
    return Report(
        ruleset=ruleset,
        input_path=data.path,
        input_rows=len(data.rows),
        summary=summarise(ruleset, communes),
        communes=communes,
        problems=data.problems,
    )
