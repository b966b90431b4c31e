"""Filters over a finished report: which criteria, indicators and communes a view keeps.

Pure functions: a report in, a smaller report out. A filter value that matches nothing is
a usage mistake and raises ``InputError`` with a U-code.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace

from ntm_eval.diagnostics import InputError, Problem
from ntm_eval.engine.results import (
    STATUSES,
    CommuneResult,
    CriterionResult,
    Filters,
    Report,
    Verdict,
    summarise,
)
from ntm_eval.rules.model import Criterion, Indicator, RuleSet, Text


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
        tail, tail_vi = f"; did you mean '{hint[0]}'?", f"; có phải là '{hint[0]}'?"
    else:
        shown = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
        tail, tail_vi = f"; expected one of: {shown}", f"; cần một trong: {shown}"
    source_vi = "dữ liệu" if code == "U003" else "bộ tiêu chí"
    return Problem(
        code,
        f"{what} '{value}' is not in the {_source(code)}{tail}",
        option,
        message_vi=f"{_WHAT_VI.get(what, what)} '{value}' không có trong {source_vi}{tail_vi}",
    )


#: The things a filter names, in Vietnamese (the sentences of U001–U003).
_WHAT_VI = {
    "sector": "ngành",
    "criterion or indicator": "tiêu chí hoặc chỉ tiêu",
    "district": "huyện",
    "commune code": "mã xã",
}


def _source(code: str) -> str:
    return "data" if code == "U003" else "rule set"


def select_items(
    ruleset: RuleSet, sectors: tuple[str, ...] = (), criteria: tuple[str, ...] = ()
) -> tuple[Item, ...]:
    """The criteria and indicators kept by a sector and a criterion filter, in rule-file
    order. A criterion all of whose indicators are kept stays whole; otherwise each kept
    indicator becomes an item of its own (``--sector lao_dong`` → 11, 12, 14.3, 18.6)."""
    problems = [
        _unknown("U001", "--sector", "sector", s, list(ruleset.sectors))
        for s in sectors
        if s not in ruleset.sectors
    ]
    ids = [c.id for c in ruleset.criteria] + [
        i.id for c in ruleset.criteria for i in c.indicators if i.id != c.id
    ]
    problems += [
        _unknown("U002", "--criterion", "criterion or indicator", c, ids)
        for c in criteria
        if c not in ids
    ]
    if problems:
        raise InputError(problems)
    items: list[Item] = []
    for crit in ruleset.criteria:
        kept = [
            ind
            for ind in crit.indicators
            if (not sectors or sector_of(crit, ind) in sectors)
            and (not criteria or crit.id in criteria or ind.id in criteria)
        ]
        if not kept:
            continue
        if len(kept) == len(crit.indicators):
            items.append(Item(crit.id, crit.name, crit.sector, crit.id, tuple(i.id for i in kept)))
        else:
            items += [
                Item(ind.id, ind.name, sector_of(crit, ind), crit.id, (ind.id,)) for ind in kept
            ]
    if not items:
        raise InputError(
            [
                Problem(
                    "U004",
                    "the --sector and --criterion filters together keep no criterion: "
                    f"sector {', '.join(sectors)} answers for none of {', '.join(criteria)}",
                    "--criterion",
                    message_vi="hai bộ lọc --sector và --criterion không giữ lại tiêu chí nào: "
                    f"ngành {', '.join(sectors)} không phụ trách tiêu chí nào trong "
                    f"{', '.join(criteria)}",
                )
            ]
        )
    return tuple(items)


def _district_key(name: str) -> str:
    """Districts compare as the unit list compares them, but without accents: a filter is
    typed quickly (``--district 'tuy phong'``)."""
    from ntm_eval.input.units import district_key

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
        kept.append(CriterionResult.of(item.id, item.name, item.sector, results, item.criterion))
    verdict = Verdict.of_criteria(kept)
    return replace(
        commune,
        criteria=tuple(kept),
        status=verdict.status,
        criteria_met=verdict.criteria_met,
        criteria_total=verdict.criteria_total,
    )


def filter_report(report: Report, filters: Filters) -> Report:
    """The report seen through ``filters``: only the kept criteria (a commune's status and
    its count of criteria met follow them), only the kept communes, and counts and bands
    recomputed over what is left. Raises ``InputError`` (U001–U004) for a filter value
    that names nothing in the rule set or the data."""
    if not filters:
        return report
    bad = [s for s in filters.statuses if s not in STATUSES]
    if bad:
        raise InputError(
            [
                Problem(
                    "U005",
                    f"status '{bad[0]}' is not one of {', '.join(STATUSES)}",
                    "--status",
                    message_vi=f"kết quả '{bad[0]}' không thuộc: {', '.join(STATUSES)}",
                )
            ]
        )
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
        known: dict[str, str] = {}
        for c in report.communes:
            known.setdefault(_district_key(c.district), c.district)
        wanted = {_district_key(d) for d in filters.districts}
        problems += [
            _unknown("U003", "--district", "district", d, sorted(known.values()))
            for d in filters.districts
            if _district_key(d) not in known
        ]
        communes = tuple(c for c in communes if _district_key(c.district) in wanted)
    if filters.communes:
        codes = {c.code for c in report.communes}
        problems += [
            _unknown("U003", "--commune", "commune code", code, sorted(codes))
            for code in filters.communes
            if code not in codes
        ]
        wanted_codes = set(filters.communes)
        communes = tuple(c for c in communes if c.code in wanted_codes)
    if filters.years:
        years = {c.year for c in report.communes if c.year is not None}
        problems += [
            _unknown("U003", "--year", "year", str(y), [str(k) for k in sorted(years)])
            for y in filters.years
            if y not in years
        ]
        wanted_years = set(filters.years)
        communes = tuple(c for c in communes if c.year in wanted_years)
    if problems:
        raise InputError(problems)
    if filters.statuses:
        communes = tuple(c for c in communes if c.status in filters.statuses)
    return replace(
        report,
        communes=communes,
        summary=summarise(names, communes, report.ruleset),
        filters=filters,
    )
