"""The evaluator: a rule set compiled for judging commune rows. Pure: no files, no
printing, no exits. ``lookup_threshold`` says which threshold applies to a commune;
``_CompiledMeasure.judge`` judges one value; ``Evaluator.row`` one commune. The
column-wise lane (``lane``) calls the same ``judge`` for each distinct cell."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import repeat
from operator import add, attrgetter, eq, ge, itemgetter, le, methodcaller, sub
from typing import Any

from ntm_eval.engine.results import (
    MET,
    NOT_EVALUABLE,
    NOT_MET,
    CommuneResult,
    CriterionResult,
    IndicatorResult,
    Verdict,
)
from ntm_eval.input.rows import CommuneRow
from ntm_eval.reasons import COLUMN_MISSING, REGION_UNKNOWN, VALUE_MISSING, YEAR_UNKNOWN, Reason
from ntm_eval.rules.model import Measure, RuleSet, in_force


def lookup_threshold(
    measure: Measure, region: str | None, year: int | None
) -> tuple[Any, int | None, str | None, str | None]:
    """The threshold that applies to a commune of ``region`` assessed in ``year``.

    Returns ``(threshold, from_year, thresholds_key, reason)``; when no threshold applies,
    threshold is None and reason says why. Never borrows another region's value, nor a
    year-keyed value from a later year.
    """
    if region is None:
        return None, None, None, REGION_UNKNOWN
    entry = measure.threshold_entry(region)
    if entry is None:
        return None, None, None, Reason("region_no_threshold", region=region)
    key, raw = entry
    if isinstance(raw, dict) and year is None:
        return None, None, key, YEAR_UNKNOWN
    found = in_force(raw, year)
    if found is None:  # see ``Measure.lacks_year``, which the W103 warning counts with
        return None, None, key, Reason("year_no_threshold", year=year, first=min(raw))
    return found[0], found[1], key, None


def _gaps(values: list[Any], op: str, threshold: Any) -> Iterable[Any]:
    """The gap of each value (none None) to ``threshold``: value − threshold for ``>=``,
    threshold − value for ``<=`` (< 0 is the shortfall), rounded to 6 decimals (decimal-text
    inputs: 6.2 − 5 is 1.2), never −0.0; whole for whole values; None for ``==``."""
    if op == "==":
        return repeat(None, len(values))
    if op == ">=":
        diffs = map(sub, values, repeat(threshold))
    else:
        diffs = map(sub, repeat(threshold), values)
    gaps = list(map(add, map(round, diffs, repeat(6)), repeat(0.0)))
    if set(map(type, values)) != {float}:  # a whole value's gap is whole
        gaps = [int(g) if g == int(g) and isinstance(v, int) else g for g, v in zip(gaps, values)]
    return gaps


#: a comparison's function, by ``op``
_COMPARE = {">=": ge, "<=": le, "==": eq}
_STATUS = (NOT_MET, MET)  # by whether the value meets its threshold


#: Cache bounds. Results are immutable values, so communes with the same value in the same
#: region and year share one result object; the bound keeps memory flat on huge files
#: whose numeric columns hold many distinct values.
_CACHE_LIMIT = 4096
#: Results cached by one evaluator, all groups together, before every cache is emptied: a
#: streamed national file would otherwise fill a cache per measure and (region, year).
_CACHE_BUDGET = 50_000
_INVALID = object()  # cache key of a cell that could not be read
#: Why a measure with no cell to read is not evaluable (its column is not in the file, or
#: not read); a cell that could not be read has its own reason (``CommuneRow.reasons``).
INVALID_REASON = COLUMN_MISSING
_value_of = attrgetter("value")


class _CompiledMeasure:
    """A measure prepared for many rows: its threshold lookup is done once per (region,
    year), and its result once per distinct value within that group."""

    __slots__ = ("column", "indicator_id", "kind", "measure", "op", "unit")

    def __init__(self, measure: Measure, indicator_id: str) -> None:
        self.measure = measure
        self.indicator_id = indicator_id
        self.column = measure.column
        self.kind = measure.kind
        self.op = measure.op
        self.unit = measure.unit_label

    def judge(
        self, value: Any, invalid: bool, lookup: tuple, why: str = INVALID_REASON
    ) -> IndicatorResult:
        """Judge ``value`` against ``lookup`` = (threshold, from_year, reason, verified);
        ``why`` is the reason an ``invalid`` value is not evaluable."""
        if invalid or value is None:
            threshold, from_year, _, verified = lookup
            return IndicatorResult(
                self.indicator_id,
                self.column,
                self.kind,
                value,
                self.op,
                threshold,
                from_year,
                self.unit,
                NOT_EVALUABLE,
                None,
                verified,
                why if invalid else VALUE_MISSING,
            )
        return self.judge_many([value], lookup)[0]

    def judge_many(self, values: list[Any], lookup: tuple) -> list[IndicatorResult]:
        """The result of each value (read, none None) against ``lookup``, a column at once:
        compare the values themselves, never the rounded gap; boundaries meet."""
        threshold, from_year, reason, verified = lookup
        n = len(values)
        if reason is not None:  # no threshold applies
            statuses: Iterable[str] = repeat(NOT_EVALUABLE, n)
            gaps: Iterable[Any] = repeat(None, n)
        else:
            compare = map(_COMPARE[self.op], values, repeat(threshold))
            statuses = list(map(_STATUS.__getitem__, compare))
            gaps = _gaps(values, self.op, threshold)
        return list(
            map(
                IndicatorResult,
                repeat(self.indicator_id, n),
                repeat(self.column, n),
                repeat(self.kind, n),
                values,
                repeat(self.op, n),
                repeat(threshold, n),
                repeat(from_year, n),
                repeat(self.unit, n),
                statuses,
                gaps,
                repeat(verified, n),
                repeat(reason, n),
            )
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

    __slots__ = ("caches", "criteria", "criterion_caches", "plan")

    def __init__(self, evaluator: Evaluator, region: str | None, year: int | None) -> None:
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
        self.class_column = ruleset.class_column
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
        if row.reason is not None:  # the row's own reason: no cache holds it
            return [m.judge(None, True, lookup, row.reason) for _, _, m, lookup in group.plan]
        values, invalid, reasons = row.values, row.invalid, row.reasons
        results: list[IndicatorResult] = []
        append = results.append
        for column, cache, m, lookup in group.plan:
            if invalid and column in invalid:
                if reasons and column in reasons:  # the cell's own reason: not cached
                    append(m.judge(None, True, lookup, reasons[column]))
                    continue
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
        results: list[Any] | None = None  # a result per measure
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
        criteria: list[Any] = list(map(dict.get, group.criterion_caches, keys))
        if None in criteria:
            for i, (criterion, start, stop, cache) in enumerate(group.criteria):
                if criteria[i] is None:
                    result = criteria[i] = CriterionResult.of(
                        criterion.id, criterion.name, criterion.sector, tuple(results[start:stop])
                    )
                    if len(cache) < _CACHE_LIMIT:
                        cache[keys[i]] = result
                        self._stored += 1
            if self._stored > _CACHE_BUDGET:
                self._forget()
        verdict = Verdict.of_criteria(criteria)
        return CommuneResult(
            code=row.code,
            name=row.name,
            district=row.district,
            province=row.province,
            region=row.region,
            year=row.year,
            line=row.line,
            status=verdict.status,
            criteria_met=verdict.criteria_met,
            criteria_total=verdict.criteria_total,
            criteria=tuple(criteria),
            own_class=row.own_class,
            reassigned_by=row.reassigned_by,
            class_column=self.class_column,
        )


def evaluate_row(ruleset: RuleSet, row: CommuneRow) -> CommuneResult:
    """Judge one commune row on every criterion of ``ruleset``."""
    return Evaluator(ruleset).row(row)
