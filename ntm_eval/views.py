"""Views over a finished report: filters, and gaps (who is closest to the standard).

Pure functions: a report in, a smaller report or a ranked list out. They never read files
or print. A filter value that matches nothing is a usage mistake and raises ``InputError``
with a U-code, so the command line can say so on one line.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from typing import Any

from ntm_eval.diagnostics import InputError, Problem
from ntm_eval.evaluate import Tally
from ntm_eval.report import (
    MET,
    NOT_EVALUABLE,
    NOT_MET,
    STATUSES,
    CommuneResult,
    CriterionResult,
    Filters,
    IndicatorResult,
    Report,
    Summary,
    combine,
)
from ntm_eval.rules import Criterion, Indicator, Measure, RuleSet, Text

# --- filters --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """One column of a filtered view: a whole criterion, or one indicator of a criterion
    when a filter keeps only part of it."""

    id: str
    name: Text
    sector: str
    criterion: str
    indicators: tuple[str, ...]  # indicator ids the item covers

    @property
    def whole(self) -> bool:
        return self.id == self.criterion


def sector_of(criterion: Criterion, indicator: Indicator) -> str:
    """The sector that answers for ``indicator`` (its own, or its criterion's)."""
    return indicator.sector or criterion.sector


def _unknown(code: str, option: str, what: str, value: str, known: list[str]) -> Problem:
    hint = difflib.get_close_matches(value, known, n=1)
    if hint:
        tail = f"; did you mean '{hint[0]}'?"
    else:
        shown = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
        tail = f"; expected one of: {shown}"
    return Problem(code, f"{what} '{value}' is not in the {_source(code)}{tail}", option)


def _source(code: str) -> str:
    return "data" if code == "U003" else "rule set"


def select_items(ruleset: RuleSet, sectors: tuple[str, ...] = (),
                 criteria: tuple[str, ...] = ()) -> tuple[Item, ...]:
    """The criteria and indicators kept by a sector and a criterion filter, in rule-file
    order. A criterion all of whose indicators are kept stays whole; otherwise each kept
    indicator becomes an item of its own (``--sector lao_dong`` → 11, 12, 14.3, 18.6)."""
    problems = [_unknown("U001", "--sector", "sector", s, list(ruleset.sectors))
                for s in sectors if s not in ruleset.sectors]
    ids = [c.id for c in ruleset.criteria] + [i.id for c in ruleset.criteria
                                              for i in c.indicators if i.id != c.id]
    problems += [_unknown("U002", "--criterion", "criterion or indicator", c, ids)
                 for c in criteria if c not in ids]
    if problems:
        raise InputError(problems)
    items: list[Item] = []
    for crit in ruleset.criteria:
        kept = [ind for ind in crit.indicators
                if (not sectors or sector_of(crit, ind) in sectors)
                and (not criteria or crit.id in criteria or ind.id in criteria)]
        if not kept:
            continue
        if len(kept) == len(crit.indicators):
            items.append(Item(crit.id, crit.name, crit.sector, crit.id,
                              tuple(i.id for i in kept)))
        else:
            items += [Item(ind.id, ind.name, sector_of(crit, ind), crit.id, (ind.id,))
                      for ind in kept]
    if not items:
        raise InputError([Problem(
            "U004", "the --sector and --criterion filters together keep no criterion: "
            f"sector {', '.join(sectors)} answers for none of {', '.join(criteria)}",
            "--criterion")])
    return tuple(items)


def _district_key(name: str) -> str:
    """Districts compare as the unit list compares them, but without accents: a filter is
    typed quickly (``--district 'tuy phong'``)."""
    from ntm_eval.units import district_key

    return district_key(name, loose=True)


def _restrict(commune: CommuneResult, items: tuple[Item, ...]) -> CommuneResult:
    by_id = {c.id: c for c in commune.criteria}
    kept = []
    for item in items:
        crit = by_id[item.criterion]
        if item.whole:
            kept.append(crit)
            continue
        results = tuple(r for r in crit.indicators if r.id in item.indicators)
        kept.append(CriterionResult(id=item.id, name=item.name, sector=item.sector,
                                    status=combine(r.status for r in results),
                                    indicators=results, part_of=item.criterion))
    return replace(commune, criteria=tuple(kept), status=combine(c.status for c in kept),
                   criteria_met=sum(c.status == MET for c in kept), criteria_total=len(kept))


def summarise_items(items: list[tuple[str, Text]], communes: tuple[CommuneResult, ...]) -> Summary:
    """Counts and bands over ``items`` (id, name) — what ``evaluate.summarise`` does for a
    whole rule set, for any selection of criteria."""
    tally = Tally(items)
    for commune in communes:
        tally.add(commune)
    return tally.summary()


def filter_report(report: Report, filters: Filters) -> Report:
    """The report seen through ``filters``: only the kept criteria (a commune's status and
    its count of criteria met follow them), only the kept communes, and counts and bands
    recomputed over what is left. Raises ``InputError`` (U001–U004) for a filter value
    that names nothing in the rule set or the data."""
    if not filters:
        return report
    bad = [s for s in filters.statuses if s not in STATUSES]
    if bad:
        raise InputError([Problem("U005", f"status '{bad[0]}' is not one of "
                                  f"{', '.join(STATUSES)}", "--status")])
    communes = report.communes
    problems = []
    names = [(c.id, c.name) for c in report.ruleset.criteria]
    if filters.selects_items:
        try:
            items = select_items(report.ruleset, filters.sectors, filters.criteria)
        except InputError as exc:  # report them with any district or commune problems
            problems += exc.problems
        else:
            communes = tuple(_restrict(c, items) for c in communes)
            names = [(i.id, i.name) for i in items]
    if filters.districts:
        known = {}
        for c in report.communes:
            known.setdefault(_district_key(c.district), c.district)
        wanted = {_district_key(d) for d in filters.districts}
        problems += [_unknown("U003", "--district", "district", d, sorted(known.values()))
                     for d in filters.districts if _district_key(d) not in known]
        communes = tuple(c for c in communes if _district_key(c.district) in wanted)
    if filters.communes:
        codes = {c.code for c in report.communes}
        problems += [_unknown("U003", "--commune", "commune code", code, sorted(codes))
                     for code in filters.communes if code not in codes]
        wanted_codes = set(filters.communes)
        communes = tuple(c for c in communes if c.code in wanted_codes)
    if problems:
        raise InputError(problems)
    if filters.statuses:
        communes = tuple(c for c in communes if c.status in filters.statuses)
    return replace(report, communes=communes, summary=summarise_items(names, communes),
                   filters=filters)


# --- gaps -------------------------------------------------------------------------------


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
            if m.name is not None:  # one of several measures (17.1): say which
                name = Text(vi=m.name.vi[:1].upper() + m.name.vi[1:],
                            en=m.name.en[:1].upper() + m.name.en[1:])
            elif len(c.indicators) == 1:
                name = c.name
            else:
                name = ind.name
            to_go = abs(r.gap) if r.status == NOT_MET and r.gap is not None else None
            items.append(GapItem(
                criterion=c.id, indicator=r.id, column=r.column, name=name,
                sector=sector_of(c, ind), status=r.status, kind=r.kind, value=r.value, op=r.op,
                threshold=r.threshold, unit=r.unit, to_go=to_go, shortfall=_shortfall(r),
                reason=r.reason))
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
    ranked.sort(key=lambda t: (len(t[0]), len(t[1]), round(sum(i.shortfall for i in t[1]), 6),
                               t[2].code, t[2].year or 0))
    short = len(ranked)
    if top > 0:
        ranked = ranked[:top]
    candidates = tuple(Candidate(n, commune, missing, items)
                       for n, (missing, items, commune) in enumerate(ranked, 1))
    shares = None
    if by_sector:
        shares = []
        for key, name in ruleset.sectors.items():
            mine = tuple(replace(c, items=tuple(i for i in c.items if i.sector == key))
                         for c in candidates)
            mine = tuple(c for c in mine if c.items)
            if mine:
                shares.append(SectorShare(key, name, mine))
        shares = tuple(shares)
    return Gaps(report=report, short=short, candidates=candidates, by_sector=shares)
