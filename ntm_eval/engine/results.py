"""The result of a check: frozen, typed, and free of any presentation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from ntm_eval.diagnostics import HasProblems, Problem
from ntm_eval.rules.model import RuleSet, Text

MET = "met"
NOT_MET = "not_met"
NOT_EVALUABLE = "not_evaluable"
STATUSES = (MET, NOT_MET, NOT_EVALUABLE)


def combine(statuses: Any) -> str:
    """Not met if any part is not met; else not evaluable if any part is; else met."""
    seen = set(statuses)
    if NOT_MET in seen:
        return NOT_MET
    if NOT_EVALUABLE in seen:
        return NOT_EVALUABLE
    return MET


class IndicatorResult(NamedTuple):
    """One measure of one indicator for one commune (17.1 yields two).

    A NamedTuple rather than a dataclass: a national file makes half a million of these,
    and a tuple is immutable and several times cheaper to build.
    """

    id: str
    column: str
    kind: str
    value: Any  # float, int or bool; None when missing or unreadable
    op: str
    threshold: Any  # None when no threshold applies to the commune's region and year
    threshold_from: int | None  # the year a year-keyed threshold applies from
    unit: str | None
    status: str
    gap: float | None  # value − threshold, signed so that < 0 is the shortfall
    verified: bool | None  # whether the threshold is confirmed by a published source
    reason: str | None  # why the indicator is not evaluable


@dataclass(frozen=True, slots=True)
class CriterionResult:
    id: str
    name: Text
    sector: str
    status: str
    indicators: tuple[IndicatorResult, ...]
    #: Set when a filter kept only some indicators of a criterion: this result is then one
    #: indicator (``id`` "14.3") of criterion ``part_of`` ("14").
    part_of: str | None = None


@dataclass(frozen=True, slots=True)
class CommuneResult:
    code: str
    name: str
    district: str
    province: str
    region: str | None
    year: int | None
    line: int
    status: str
    criteria_met: int
    criteria_total: int
    criteria: tuple[CriterionResult, ...]

    @property
    def not_met(self) -> list[str]:
        return [c.id for c in self.criteria if c.status == NOT_MET]

    @property
    def not_evaluable(self) -> list[str]:
        return [c.id for c in self.criteria if c.status == NOT_EVALUABLE]


@dataclass(frozen=True, slots=True)
class CriterionCount:
    id: str
    name: Text
    met: int
    not_met: int
    not_evaluable: int


@dataclass(frozen=True, slots=True)
class Band:
    label: str
    low: int
    high: int
    communes: int


@dataclass(frozen=True, slots=True)
class Summary:
    communes: int
    met: int
    not_met: int
    not_evaluable: int
    by_criterion: tuple[CriterionCount, ...]
    bands: tuple[Band, ...]


@dataclass(frozen=True, slots=True)
class Filters:
    """Which criteria and communes a view keeps. Empty tuples keep everything; several
    values of one filter are alternatives (or), different filters all apply (and)."""

    sectors: tuple[str, ...] = ()
    criteria: tuple[str, ...] = ()  # criterion or indicator ids
    districts: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()  # commune codes

    @property
    def selects_items(self) -> bool:
        """Whether the filters keep only some criteria or indicators."""
        return bool(self.sectors or self.criteria)

    def __bool__(self) -> bool:
        return any((self.sectors, self.criteria, self.districts, self.statuses, self.communes))

    def to_dict(self) -> dict[str, list[str]]:
        return {
            "sector": list(self.sectors),
            "criterion": list(self.criteria),
            "district": list(self.districts),
            "status": list(self.statuses),
            "commune": list(self.communes),
        }


@dataclass(frozen=True, slots=True)
class Report(HasProblems):
    ruleset: RuleSet
    input_path: str
    input_rows: int
    summary: Summary
    communes: tuple[CommuneResult, ...]
    problems: tuple[Problem, ...]
    filters: Filters = Filters()
