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


class _CompiledMeasure:
    """A measure with its threshold lookup cached per (region, year): a file holds a few
    regions and years but thousands of communes, so each lookup is done once."""

    __slots__ = ("measure", "indicator_id", "column", "kind", "op", "unit", "_lookups")

    def __init__(self, measure: Measure, indicator_id: str) -> None:
        self.measure = measure
        self.indicator_id = indicator_id
        self.column = measure.column
        self.kind = measure.kind
        self.op = measure.op
        self.unit = measure.unit_label
        self._lookups: dict[tuple[str | None, int | None], tuple] = {}

    def lookup(self, region: str | None, year: int | None) -> tuple:
        """``(threshold, from_year, reason, verified)`` for a commune of region and year."""
        found = self._lookups.get((region, year))
        if found is None:
            threshold, from_year, key, reason = lookup_threshold(self.measure, region, year)
            verified = self.measure.verified(key) if key is not None else None
            found = self._lookups[(region, year)] = (threshold, from_year, reason, verified)
        return found

    def evaluate(self, row: CommuneRow) -> IndicatorResult:
        """Judge the row's value against the threshold for its region and year."""
        column = self.column
        value = row.values.get(column)
        threshold, from_year, reason, verified = self.lookup(row.region, row.year)
        gap = None if value is None or threshold is None else _gap(value, self.op, threshold)
        if column in row.invalid:
            status, reason = NOT_EVALUABLE, "value invalid or column missing"
        elif value is None:
            status, reason = NOT_EVALUABLE, "value missing"
        elif reason is not None:
            status = NOT_EVALUABLE
        else:  # compare the values themselves, never the rounded gap; boundaries meet
            op = self.op
            if op == ">=":
                status = MET if value >= threshold else NOT_MET
            elif op == "<=":
                status = MET if value <= threshold else NOT_MET
            else:
                status = MET if value == threshold else NOT_MET
        return IndicatorResult(self.indicator_id, column, self.kind, value, self.op, threshold,
                               from_year, self.unit, status, gap, verified,
                               reason if status == NOT_EVALUABLE else None)


def evaluate_measure(measure: Measure, indicator_id: str, row: CommuneRow) -> IndicatorResult:
    """Judge one measured value against the threshold for the row's region and year."""
    return _CompiledMeasure(measure, indicator_id).evaluate(row)


class _Compiled:
    """A rule set prepared for evaluating many rows."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.criteria = [
            (criterion, [_CompiledMeasure(m, i.id) for i in criterion.indicators for m in i.measures])
            for criterion in ruleset.criteria
        ]


def _compiled(ruleset: RuleSet) -> _Compiled:
    return _Compiled(ruleset)


def evaluate_row(ruleset: RuleSet, row: CommuneRow, compiled: _Compiled | None = None) -> CommuneResult:
    compiled = compiled or _compiled(ruleset)
    criteria = []
    met = 0
    for criterion, measures in compiled.criteria:
        results = tuple([m.evaluate(row) for m in measures])
        status = combine([r.status for r in results])
        met += status == MET
        criteria.append(CriterionResult(
            id=criterion.id,
            name=criterion.name,
            sector=criterion.sector,
            status=status,
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
        status=combine([c.status for c in criteria]),
        criteria_met=met,
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
    compiled = _compiled(ruleset)
    communes = tuple(sorted(
        (evaluate_row(ruleset, row, compiled) for row in data.rows),
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
