"""The evaluator: rules + commune rows → report. Pure: no files, no printing, no exits."""

from __future__ import annotations

from operator import attrgetter, itemgetter, methodcaller
from typing import Any

from ntm_eval.input.rows import CommuneRow, DataSet
from ntm_eval.engine.results import (
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
from ntm_eval.rules.model import Measure, RuleSet, in_force

#: The bands provinces report in, as (label, lowest, highest) criteria met out of 19.
BANDS_19 = (
    ("19/19", 19, 19),
    ("15–18", 15, 18),
    ("10–14", 10, 14),
    ("5–9", 5, 9),
    ("under 5", 0, 4),
)


def lookup_threshold(
    measure: Measure, region: str | None, year: int | None
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
    if isinstance(raw, dict) and year is None:
        return None, None, key, "year unknown (this threshold depends on the year)"
    found = in_force(raw, year)
    if found is None:
        return None, None, key, f"no threshold for {year}: the first applies from {min(raw)}"
    return found[0], found[1], key, None


def _gap(value: Any, op: str, threshold: Any) -> float | None:
    if op == "==":
        return None
    gap = value - threshold if op == ">=" else threshold - value
    gap = round(gap, 6) + 0.0  # decimal-text inputs: keep 6.2 − 5 at 1.2, and no −0.0
    return int(gap) if gap == int(gap) and isinstance(value, int) else gap


#: Cache bounds. Results are immutable values, so communes with the same value in the same
#: region and year share one result object; the bound keeps memory flat on huge files
#: whose numeric columns hold many distinct values.
_CACHE_LIMIT = 4096
#: Results cached by one evaluator, all groups together, before every cache is emptied: a
#: streamed national file would otherwise fill a cache per measure and (region, year).
_CACHE_BUDGET = 50_000
_INVALID = object()  # cache key of a cell that could not be read
_value_of = attrgetter("value")


class _CompiledMeasure:
    """A measure prepared for many rows: its threshold lookup is done once per (region,
    year), and its result once per distinct value within that group."""

    __slots__ = ("measure", "indicator_id", "column", "kind", "op", "unit")

    def __init__(self, measure: Measure, indicator_id: str) -> None:
        self.measure = measure
        self.indicator_id = indicator_id
        self.column = measure.column
        self.kind = measure.kind
        self.op = measure.op
        self.unit = measure.unit_label

    def judge(self, value: Any, invalid: bool, lookup: tuple) -> IndicatorResult:
        """Judge ``value`` against ``lookup`` = (threshold, from_year, reason, verified)."""
        threshold, from_year, reason, verified = lookup
        gap = None if value is None or threshold is None else _gap(value, self.op, threshold)
        if invalid:
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
        return IndicatorResult(
            self.indicator_id,
            self.column,
            self.kind,
            value,
            self.op,
            threshold,
            from_year,
            self.unit,
            status,
            gap,
            verified,
            reason if status == NOT_EVALUABLE else None,
        )

    def lookup(self, region: str | None, year: int | None) -> tuple:
        threshold, from_year, key, reason = lookup_threshold(self.measure, region, year)
        verified = self.measure.verified(key) if key is not None else None
        return threshold, from_year, reason, verified


class _Group:
    """Everything that depends only on (region, year): thresholds and result caches.

    A result depends only on the measure, its threshold lookup and the value, so groups
    whose lookups are equal (most thresholds are the same in many regions and years)
    share one cache; a criterion result depends only on its parts, so criterion caches
    are shared by every group."""

    __slots__ = ("plan", "caches", "criteria", "criterion_caches")

    def __init__(self, evaluator: "Evaluator", region: str | None, year: int | None) -> None:
        #: Per measure: (column, result cache, compiled measure, threshold lookup).
        self.plan = []
        for i, m in enumerate(evaluator.measures):
            lookup = m.lookup(region, year)
            # The threshold's type is part of the key: 80 and 80.0 are equal but print apart.
            cache = evaluator.result_caches.setdefault((i, type(lookup[0]), lookup), {})
            self.plan.append((m.column, cache, m, lookup))
        self.caches = [cache for _, cache, _, _ in self.plan]
        #: Per criterion: (criterion, first measure, end, result cache keyed by part ids).
        self.criteria = [
            (c, span.start, span.stop, cache)
            for (c, span), cache in zip(evaluator.criteria, evaluator.criterion_caches)
        ]
        self.criterion_caches = evaluator.criterion_caches


class Evaluator:
    """A rule set compiled for evaluating many rows (see ``evaluate`` for one call)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.measures: list[_CompiledMeasure] = []
        self.criteria: list[tuple[Any, range]] = []
        for criterion in ruleset.criteria:
            first = len(self.measures)
            self.measures += [
                _CompiledMeasure(m, i.id) for i in criterion.indicators for m in i.measures
            ]
            self.criteria.append((criterion, range(first, len(self.measures))))
        self._groups: dict[tuple, _Group] = {}
        self._stored = 0  # results in the caches of all groups
        #: Result caches by (measure index, threshold type, lookup), shared between groups.
        self.result_caches: dict[tuple, dict] = {}
        self.criterion_caches: list[dict] = [{} for _ in self.criteria]
        self.columns = [m.column for m in self.measures]
        #: Per criterion: the key of its result from the ids of the row's indicator results.
        self.criterion_keys = [
            itemgetter(*span)
            if len(span) > 1
            else itemgetter(span.start)
            if span
            else lambda ids: ()
            for _, span in self.criteria
        ]
        getter = itemgetter(*self.columns)
        self.values_of = getter if len(self.columns) > 1 else lambda values: (getter(values),)

    def _forget(self) -> None:
        """Empty every result cache (thresholds stay): memory stays flat on any file."""
        for cache in self.result_caches.values():
            cache.clear()
        for cache in self.criterion_caches:
            cache.clear()
        self._stored = 0

    def _judge_all(self, group: _Group, row: CommuneRow) -> list[IndicatorResult]:
        values, invalid = row.values, row.invalid
        results = []
        append = results.append
        for column, cache, m, lookup in group.plan:
            if invalid and column in invalid:
                value, key = None, _INVALID
            else:
                value = key = values.get(column)
            result = cache.get(key)
            if result is None or result.value.__class__ is not value.__class__:  # 1 == True == 1.0
                result = m.judge(value, key is _INVALID, lookup)
                if len(cache) < _CACHE_LIMIT:
                    cache[key] = result
                    self._stored += 1
            append(result)
        return results

    def row(self, row: CommuneRow) -> CommuneResult:
        """Judge one commune row on every criterion."""
        group = self._groups.get((row.region, row.year))
        if group is None:
            group = self._groups[(row.region, row.year)] = _Group(self, row.region, row.year)
        results = None
        if not row.invalid:
            # The usual row: every value read. Look all values up at C speed, then judge
            # only the values not seen yet in this group (or of another type than the
            # cached result's value: 1 == 1.0 == True share a key).
            try:
                vals = self.values_of(row.values)
            except KeyError:
                pass
            else:
                results = list(map(dict.get, group.caches, vals))
                if None in results or list(map(type, vals)) != list(
                    map(type, map(_value_of, results))
                ):
                    plan = group.plan
                    for i, value in enumerate(vals):
                        result = results[i]
                        if result is None or result.value.__class__ is not value.__class__:
                            _, cache, m, lookup = plan[i]
                            result = results[i] = m.judge(value, False, lookup)
                            if len(cache) < _CACHE_LIMIT:
                                cache[value] = result
                                self._stored += 1
        if results is None:
            results = self._judge_all(group, row)
        # A criterion's result is cached by the identities of its indicator results: a
        # cached criterion result keeps its parts alive, so no other live result can share
        # their ids. Keys and lookups at C speed; only new combinations are built.
        ids = list(map(id, results))
        keys = list(map(methodcaller("__call__", ids), self.criterion_keys))
        criteria = list(map(dict.get, group.criterion_caches, keys))
        if None in criteria:
            for i, (criterion, start, stop, cache) in enumerate(group.criteria):
                if criteria[i] is None:
                    parts = tuple(results[start:stop])
                    result = criteria[i] = CriterionResult(
                        criterion.id,
                        criterion.name,
                        criterion.sector,
                        combine([r.status for r in parts]),
                        parts,
                    )
                    if len(cache) < _CACHE_LIMIT:
                        cache[keys[i]] = result
                        self._stored += 1
            if self._stored > _CACHE_BUDGET:
                self._forget()
        statuses = [c.status for c in criteria]
        return CommuneResult(
            code=row.code,
            name=row.name,
            district=row.district,
            province=row.province,
            region=row.region,
            year=row.year,
            line=row.line,
            status=NOT_MET
            if NOT_MET in statuses
            else NOT_EVALUABLE
            if NOT_EVALUABLE in statuses
            else MET,
            criteria_met=statuses.count(MET),
            criteria_total=len(criteria),
            criteria=tuple(criteria),
        )


def evaluate_row(ruleset: RuleSet, row: CommuneRow) -> CommuneResult:
    """Judge one commune row on every criterion of ``ruleset``."""
    return Evaluator(ruleset).row(row)


def bands_for(total: int) -> tuple[tuple[str, int, int], ...]:
    """Reporting bands for a rule set of ``total`` criteria (the usual five for 19)."""
    if total == 19:
        return BANDS_19
    return ((f"{total}/{total}", total, total), (f"under {total}", 0, total - 1))


class Tally:
    """Counts and bands over communes, added one at a time (a streamed check never holds
    them all)."""

    def __init__(self, items: list[tuple[str, Any]]) -> None:
        self.items = items  # (criterion or indicator id, name), in order
        self.counts = {i: {MET: 0, NOT_MET: 0, NOT_EVALUABLE: 0} for i, _ in items}
        self.communes = 0
        self.statuses = {MET: 0, NOT_MET: 0, NOT_EVALUABLE: 0}
        self.by_met: dict[int, int] = {}  # criteria met → communes

    @classmethod
    def of(cls, ruleset: RuleSet) -> "Tally":
        return cls([(c.id, c.name) for c in ruleset.criteria])

    def add(self, commune: CommuneResult) -> None:
        counts = self.counts
        for criterion in commune.criteria:
            counts[criterion.id][criterion.status] += 1
        self.communes += 1
        self.statuses[commune.status] += 1
        self.by_met[commune.criteria_met] = self.by_met.get(commune.criteria_met, 0) + 1

    def add_counts(
        self, criteria: list[dict[str, int]], statuses: dict[str, int], by_met: dict[int, int]
    ) -> None:
        """Add communes counted elsewhere (``batch``): per criterion in rule order, status →
        communes; overall status → communes; criteria met → communes."""
        for (i, _), counted in zip(self.items, criteria):
            counts = self.counts[i]
            for status, n in counted.items():
                counts[status] += n
        for status, n in statuses.items():
            self.statuses[status] += n
            self.communes += n
        for met, n in by_met.items():
            self.by_met[met] = self.by_met.get(met, 0) + n

    def summary(self) -> Summary:
        counts = self.counts
        return Summary(
            communes=self.communes,
            met=self.statuses[MET],
            not_met=self.statuses[NOT_MET],
            not_evaluable=self.statuses[NOT_EVALUABLE],
            by_criterion=tuple(
                CriterionCount(
                    i, name, counts[i][MET], counts[i][NOT_MET], counts[i][NOT_EVALUABLE]
                )
                for i, name in self.items
            ),
            bands=tuple(
                Band(
                    label, low, high, sum(n for met, n in self.by_met.items() if low <= met <= high)
                )
                for label, low, high in bands_for(len(self.items))
            ),
        )


def summarise(ruleset: RuleSet, communes: tuple[CommuneResult, ...]) -> Summary:
    """Counts and bands over ``communes`` for every criterion of ``ruleset``."""
    tally = Tally.of(ruleset)
    for commune in communes:
        tally.add(commune)
    return tally.summary()


def evaluate(ruleset: RuleSet, data: DataSet) -> Report:
    """Judge every row of ``data`` against ``ruleset``."""
    evaluator = Evaluator(ruleset)
    communes = tuple(
        sorted(
            (evaluator.row(row) for row in data.rows),
            key=lambda c: (c.code, c.year or 0, c.line),
        )
    )
    return Report(
        ruleset=ruleset,
        input_path=data.path,
        input_rows=len(data.rows),
        summary=summarise(ruleset, communes),
        communes=communes,
        problems=data.problems,
    )
