"""Gaps: which communes are closest to the standard, and what each has left to do.

Pure: a report in, a ranked list out."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ntm_eval.engine.filters import sector_of
from ntm_eval.engine.results import (
    MET,
    NOT_EVALUABLE,
    NOT_MET,
    CommuneResult,
    IndicatorResult,
    Report,
)
from ntm_eval.rules.model import Criterion, Indicator, Measure, RuleSet, Text, measure_name


@dataclass(frozen=True, slots=True)
class GapItem:
    """One measure that stands between a commune and the standard."""

    criterion: str
    indicator: str
    column: str
    name: Text  # the criterion's name when it has one indicator, else the measure's
    sector: str
    status: str  # not_met or not_evaluable
    kind: str
    value: Any
    op: str
    threshold: Any
    unit: str | None
    to_go: float | None  # how far the value still has to move, in the indicator's unit
    shortfall: float  # to_go relative to the threshold, 0–1; 1 for yes/no and unknowns
    reason: str | None


@dataclass(frozen=True, slots=True)
class Candidate:
    rank: int
    commune: CommuneResult
    missing: tuple[str, ...]  # criteria not met or not evaluable, in rule-file order
    items: tuple[GapItem, ...]

    @property
    def shortfall(self) -> float:
        return round(sum(i.shortfall for i in self.items), 6)


@dataclass(frozen=True, slots=True)
class SectorShare:
    """What one sector has left to do among the ranked communes."""

    sector: str
    name: Text
    candidates: tuple[Candidate, ...]  # each carrying only this sector's items

    @property
    def items(self) -> int:
        return sum(len(c.items) for c in self.candidates)


@dataclass(frozen=True, slots=True)
class Gaps:
    report: Report
    short: int  # communes not meeting the standard
    candidates: tuple[Candidate, ...]  # ranked, after --top
    by_sector: tuple[SectorShare, ...] | None


def _shortfall(r: IndicatorResult) -> float:
    if r.status == NOT_EVALUABLE or r.gap is None:
        return 1.0
    return min(1.0, round(abs(r.gap) / max(abs(r.threshold), 1), 6))


def _measure_index(ruleset: RuleSet) -> dict[str, tuple[Criterion, Indicator, Measure]]:
    return {m.column: (c, i, m) for c, i, m in ruleset.measures()}


def gap_items(commune: CommuneResult, ruleset: RuleSet) -> tuple[GapItem, ...]:
    """Every measure of ``commune`` that is not met or not evaluable, in rule-file order."""
    index = _measure_index(ruleset)
    items = []
    for crit in commune.criteria:
        for r in crit.indicators:
            if r.status == MET:
                continue
            c, ind, m = index[r.column]
            name = measure_name(c, ind, m)
            to_go = abs(r.gap) if r.status == NOT_MET and r.gap is not None else None
            items.append(
                GapItem(
                    criterion=c.id,
                    indicator=r.id,
                    column=r.column,
                    name=name,
                    sector=sector_of(c, ind),
                    status=r.status,
                    kind=r.kind,
                    value=r.value,
                    op=r.op,
                    threshold=r.threshold,
                    unit=r.unit,
                    to_go=to_go,
                    shortfall=_shortfall(r),
                    reason=r.reason,
                )
            )
    return tuple(items)


def gaps(report: Report, top: int = 0, by_sector: bool = False) -> Gaps:
    """Communes that do not meet the standard, closest first: fewest criteria missing
    (not met or not evaluable — nothing unknown counts as met), then fewest measures
    short, then the smallest total shortfall relative to the thresholds, then code.
    ``top`` > 0 keeps the first ``top``; ``by_sector`` also splits their items by the
    sector that answers for each."""
    ruleset = report.ruleset
    ranked = []
    for commune in report.communes:
        if commune.status == MET:
            continue
        items = gap_items(commune, ruleset)
        missing = tuple(c.id for c in commune.criteria if c.status != MET)
        ranked.append((missing, items, commune))
    ranked.sort(
        key=lambda t: (
            len(t[0]),
            len(t[1]),
            round(sum(i.shortfall for i in t[1]), 6),
            t[2].code,
            t[2].year or 0,
        )
    )
    short = len(ranked)
    if top > 0:
        ranked = ranked[:top]
    candidates = tuple(
        Candidate(n, commune, missing, items)
        for n, (missing, items, commune) in enumerate(ranked, 1)
    )
    shares: tuple[SectorShare, ...] | None = None
    if by_sector:
        made = []
        for key, name in ruleset.sectors.items():
            mine = tuple(
                replace(c, items=tuple(i for i in c.items if i.sector == key)) for c in candidates
            )
            mine = tuple(c for c in mine if c.items)
            if mine:
                made.append(SectorShare(key, name, mine))
        shares = tuple(made)
    return Gaps(report=report, short=short, candidates=candidates, by_sector=shares)
