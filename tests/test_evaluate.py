"""The evaluator: boundaries in every region, missing values, years, and status precedence."""

from __future__ import annotations

import pytest
from conftest import NATIONAL, passing_values

from ntm_eval.engine.evaluate import Evaluator, evaluate_row, lookup_threshold
from ntm_eval.engine.results import MET, NOT_EVALUABLE, NOT_MET, Tally, combine
from ntm_eval.input.cells import PARSERS
from ntm_eval.input.rows import CommuneRow
from ntm_eval.rules.loader import load_rules

RS = load_rules(NATIONAL)
REGIONS = list(RS.regions)
NUMERIC = [(i.id, m) for _, i, m in RS.measures() if m.kind != "bool"]


def row(region="dhntb", year=2020, invalid=(), **values) -> CommuneRow:
    base = {
        m.column: PARSERS[m.kind](v)
        for (_, _, m), v in zip(RS.measures(), passing_values().values())
    }
    base.update(values)
    return CommuneRow(
        line=2,
        code="10000",
        name="A",
        district="B",
        province="C",
        region=region,
        year=year,
        values=base,
        invalid=frozenset(invalid),
    )


def indicator(result, column):
    return next(i for c in result.criteria for i in c.indicators if i.column == column)


def threshold_of(measure, region):
    return lookup_threshold(measure, region, 2020)[0]


CASES = []
for _ind_id, m in NUMERIC:
    for region in REGIONS:
        t = threshold_of(m, region)
        step = 1 if m.kind == "count" else 0.1
        better, worse = (t + step, t - step) if m.op == ">=" else (t - step, t + step)
        CASES.append(pytest.param(m.column, region, t, MET, id=f"{m.column}-{region}-at"))
        if m.kind != "pct" or 0 <= better <= 100:
            CASES.append(
                pytest.param(m.column, region, better, MET, id=f"{m.column}-{region}-better")
            )
        if worse >= 0:
            CASES.append(
                pytest.param(m.column, region, worse, NOT_MET, id=f"{m.column}-{region}-worse")
            )


@pytest.mark.parametrize("column, region, value, expected", CASES)
def test_numeric_boundaries_in_every_region(column, region, value, expected):
    value = round(value, 6)  # as typed in a file: 79.9, not 79.89999999
    result = evaluate_row(RS, row(region=region, **{column: value}))
    ind = indicator(result, column)
    assert ind.status == expected, (ind.value, ind.op, ind.threshold)
    crit = next(c for c in result.criteria if any(i.column == column for i in c.indicators))
    assert crit.status == expected
    assert result.status == expected


def test_upper_bounds_are_the_three_the_decision_names():
    assert sorted(m.column for _, m in NUMERIC if m.op == "<=") == [
        "child_stunting_pct",
        "poverty_rate_pct",
        "temporary_houses",
    ]


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("value, expected", [(True, MET), (False, NOT_MET)])
def test_yes_no_judgements(region, value, expected):
    result = evaluate_row(RS, row(region=region, gender_equality=value))
    assert indicator(result, "gender_equality").status == expected
    assert indicator(result, "gender_equality").gap is None


def test_thresholds_differ_by_region():
    # 11 poverty 6%: within the tdmnpb ceiling (12) but above the dhntb one (5).
    assert (
        indicator(evaluate_row(RS, row("tdmnpb", poverty_rate_pct=6.0)), "poverty_rate_pct").status
        == MET
    )
    assert (
        indicator(evaluate_row(RS, row("dhntb", poverty_rate_pct=6.0)), "poverty_rate_pct").status
        == NOT_MET
    )


def test_gap_is_signed_in_the_indicator_unit():
    result = evaluate_row(
        RS,
        row(
            poverty_rate_pct=6.2,
            standard_schools_pct=66.7,
            income_per_capita=45.5,
            temporary_houses=3,
        ),
    )
    assert indicator(result, "poverty_rate_pct").gap == -1.2
    assert indicator(result, "standard_schools_pct").gap == -13.3
    assert indicator(result, "income_per_capita").gap == 4.5
    gap = indicator(result, "temporary_houses").gap
    assert gap == -3 and isinstance(gap, int)
    assert indicator(result, "poverty_rate_pct").unit == "%"
    assert indicator(result, "income_per_capita").unit == "million VND/person/year"


def test_missing_value_is_not_evaluable_never_met():
    result = evaluate_row(RS, row(cultural_villages_pct=None))
    ind = indicator(result, "cultural_villages_pct")
    assert (ind.status, ind.reason, ind.gap) == (NOT_EVALUABLE, "value missing", None)
    assert result.status == NOT_EVALUABLE
    assert result.criteria_met == 18 and result.not_evaluable == ["16"]


def test_invalid_value_is_not_evaluable():
    result = evaluate_row(RS, row(invalid={"poverty_rate_pct"}, poverty_rate_pct=None))
    assert indicator(result, "poverty_rate_pct").status == NOT_EVALUABLE


def test_not_met_wins_over_not_evaluable():
    # Criterion 17: one measure missing, another failing → not met.
    result = evaluate_row(RS, row(hygienic_water_pct=None, clean_water_pct=10.0))
    crit = next(c for c in result.criteria if c.id == "17")
    assert crit.status == NOT_MET
    # Commune: one criterion not evaluable, another not met → not met.
    result = evaluate_row(RS, row(cultural_villages_pct=None, poverty_rate_pct=50.0))
    assert result.status == NOT_MET
    assert result.not_met == ["11"] and result.not_evaluable == ["16"]


@pytest.mark.parametrize(
    "statuses, expected",
    [
        ([MET, MET], MET),
        ([MET, NOT_EVALUABLE], NOT_EVALUABLE),
        ([NOT_EVALUABLE, NOT_MET], NOT_MET),
        ([NOT_MET, MET], NOT_MET),
        ([], MET),
    ],
)
def test_combine(statuses, expected):
    assert combine(statuses) == expected


def test_indicator_171_needs_both_measures():
    both = evaluate_row(RS, row(hygienic_water_pct=96.0, clean_water_pct=60.0))
    assert next(c for c in both.criteria if c.id == "17").status == MET
    clean_short = evaluate_row(RS, row(hygienic_water_pct=96.0, clean_water_pct=59.9))
    entries = [
        i
        for i in next(c for c in clean_short.criteria if c.id == "17").indicators
        if i.id == "17.1"
    ]
    assert [(i.column, i.status) for i in entries] == [
        ("hygienic_water_pct", MET),
        ("clean_water_pct", NOT_MET),
    ]


@pytest.mark.parametrize(
    "year, status, threshold, reason",
    [
        (2020, MET, 41, None),
        (2024, MET, 41, None),  # a value keyed 2020 applies from 2020 on
        (2019, NOT_EVALUABLE, None, "no threshold for 2019 in this rule set"),
        (None, NOT_EVALUABLE, None, "year unknown (this threshold depends on the year)"),
    ],
)
def test_income_threshold_is_keyed_by_year(year, status, threshold, reason):
    ind = indicator(evaluate_row(RS, row(year=year, income_per_capita=45.0)), "income_per_capita")
    assert (ind.status, ind.threshold, ind.reason) == (status, threshold, reason)


def test_a_later_key_replaces_an_earlier_one():
    m = (
        RS.criteria[9]
        .indicators[0]
        .measures[0]
        .model_copy(update={"thresholds": {"dhntb": {2018: 30, 2020: 41}}})
    )
    assert lookup_threshold(m, "dhntb", 2019)[:2] == (30, 2018)
    assert lookup_threshold(m, "dhntb", 2020)[:2] == (41, 2020)
    assert lookup_threshold(m, "dhntb", 2017)[3] == "no threshold for 2017 in this rule set"


def test_unknown_region_is_not_evaluable_even_for_yes_no():
    result = evaluate_row(RS, row(region=None))
    assert result.status == NOT_EVALUABLE and result.criteria_met == 0
    assert {i.reason for c in result.criteria for i in c.indicators} == {"region unknown"}


def test_never_borrows_another_regions_threshold():
    m = RS.criteria[10].indicators[0].measures[0]
    only_one = m.model_copy(update={"thresholds": {"national": 6, "tdmnpb": 12}})
    assert lookup_threshold(only_one, "dhntb", 2020) == (
        None,
        None,
        None,
        "no threshold for region 'dhntb'",
    )
    with_default = m.model_copy(update={"thresholds": {"tdmnpb": 12, "default": 5}})
    assert lookup_threshold(with_default, "dhntb", 2020) == (5, None, "default", None)


def test_unverified_thresholds_are_marked():
    result = evaluate_row(RS, row())
    assert indicator(result, "poverty_rate_pct").verified is False  # U for regions
    assert indicator(result, "health_insurance_pct").verified is True  # C2


def test_report_summary_counts_and_bands():
    rows = [
        row(),
        row(poverty_rate_pct=50.0),
        row(cultural_villages_pct=None),
        row(
            **dict.fromkeys(
                ("plan_approved", "road_commune", "power_system", "rural_market", "postal_point"),
                False,
            )
        ),
    ]
    rows = [
        CommuneRow(**{**{f: getattr(r, f) for f in r.__slots__}, "code": str(i), "line": i + 2})
        for i, r in enumerate(rows)
    ]
    evaluator, tally = Evaluator(RS), Tally.of(RS)
    communes = sorted((evaluator.row(r) for r in rows), key=lambda c: c.sort_key)
    for commune in communes:
        tally.add(commune)
    s = tally.summary()
    assert (s.communes, s.met, s.not_met, s.not_evaluable) == (4, 1, 2, 1)
    assert [(b.label, b.communes) for b in s.bands] == [
        ("19/19", 1),
        ("15–18", 2),
        ("10–14", 1),
        ("5–9", 0),
        ("under 5", 0),
    ]
    poor = next(k for k in s.by_criterion if k.id == "11")
    assert (poor.met, poor.not_met, poor.not_evaluable) == (3, 1, 0)
    assert [c.code for c in communes] == ["0", "1", "2", "3"]


@pytest.mark.parametrize("value, expected", [(79.9999999, NOT_MET), (80.0000001, MET), (80.0, MET)])
def test_verdict_compares_values_not_the_rounded_gap(value, expected):
    ind = indicator(evaluate_row(RS, row(standard_schools_pct=value)), "standard_schools_pct")
    assert ind.status == expected


def test_one_evaluator_never_mixes_regions_or_years_that_share_a_value():
    """Results are shared between (region, year) groups whose thresholds are equal: a
    result must still carry its own group's threshold, year and confirmation."""

    ev = Evaluator(RS)
    rows = [
        row(region, year, poverty_rate_pct=6.0, income_per_capita=45.0)
        for region in REGIONS
        for year in (2019, 2020, 2021)
    ]
    for r in rows + rows:  # twice: the second pass reads every result from the caches
        got = ev.row(r)
        alone = evaluate_row(RS, r)  # a fresh evaluator: nothing shared
        for column in ("poverty_rate_pct", "income_per_capita", "gender_equality"):
            assert indicator(got, column) == indicator(alone, column), (r.region, r.year, column)
        assert got.criteria == alone.criteria
    poverty = {(r.region, r.year): indicator(ev.row(r), "poverty_rate_pct").status for r in rows}
    assert poverty[("tdmnpb", 2020)] == MET and poverty[("dhntb", 2020)] == NOT_MET
    income = {(r.region, r.year): indicator(ev.row(r), "income_per_capita") for r in rows}
    assert income[("dnb", 2020)].status == NOT_MET and income[("dhntb", 2020)].status == MET
    assert (
        income[("dhntb", 2019)].status == NOT_EVALUABLE
        and income[("dhntb", 2021)].threshold_from == 2020
    )
