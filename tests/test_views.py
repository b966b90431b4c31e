"""Library level: filters, gaps ranking and comparison as pure functions over reports."""

from __future__ import annotations

import pytest
from conftest import NATIONAL, commune_csv

from ntm_eval.diagnostics import InputError
from ntm_eval.engine.compare import GAINED, LOST, Side, compare
from ntm_eval.engine.filters import filter_report, select_items
from ntm_eval.engine.gaps import gaps
from ntm_eval.engine.pipeline import judge as judge_source
from ntm_eval.engine.results import MET, NOT_EVALUABLE, NOT_MET, Filters
from ntm_eval.input.source import Source
from ntm_eval.rules.loader import load_rules


@pytest.fixture(scope="module")
def ruleset():
    return load_rules(NATIONAL)


def judge(ruleset, tmp_path, rows, name="d.csv"):
    path = tmp_path / name
    path.write_text(commune_csv(rows), encoding="utf-8")
    return judge_source(Source(path), ruleset)


@pytest.mark.parametrize(
    "sectors, criteria, expected",
    [
        (("lao_dong",), (), ["11", "12", "14.3", "18.6"]),
        ((), ("11", "14.3"), ["11", "14.3"]),
        ((), ("14",), ["14"]),
        ((), ("13.1", "13.2"), ["13"]),  # every indicator of 13 kept: the criterion stays whole
        ((), ("17.1",), ["17.1"]),
        (("noi_vu",), (), ["18.1", "18.2", "18.3", "18.4"]),
        (("lao_dong",), ("14",), ["14.3"]),  # both filters apply
        (("giao_duc", "lao_dong"), (), ["5", "11", "12", "14", "18.6"]),
    ],
)
def test_select_items(ruleset, sectors, criteria, expected):
    assert [i.id for i in select_items(ruleset, sectors, criteria)] == expected


@pytest.mark.parametrize(
    "sectors, criteria, code",
    [
        (("lao_dog",), (), "U001"),
        ((), ("14.9",), "U002"),
        (("quoc_phong",), ("11",), "U004"),
    ],
)
def test_select_items_rejects_what_names_nothing(ruleset, sectors, criteria, code):
    with pytest.raises(InputError) as exc:
        select_items(ruleset, sectors, criteria)
    assert [p.code for p in exc.value.problems] == [code]


def test_sector_filter_counts_the_sectors_items(ruleset, tmp_path):
    report = judge(
        ruleset,
        tmp_path,
        [
            {"commune_code": "1", "poverty_rate_pct": "6.2"},  # 11 not met
            {"commune_code": "2", "trained_labour_pct": ""},  # 14.3 not evaluable
            {"commune_code": "3", "standard_schools_pct": "10"},  # 5: not a labour criterion
        ],
    )
    view = filter_report(report, Filters(sectors=("lao_dong",)))
    by_code = {c.code: c for c in view.communes}
    assert [(c.criteria_met, c.criteria_total, c.status) for c in view.communes] == [
        (3, 4, NOT_MET),
        (3, 4, NOT_EVALUABLE),
        (4, 4, MET),
    ]
    part = next(k for k in by_code["2"].criteria if k.id == "14.3")
    assert part.part_of == "14" and [r.id for r in part.indicators] == ["14.3"]
    assert [k.id for k in view.summary.by_criterion] == ["11", "12", "14.3", "18.6"]
    assert [(b.label, b.communes) for b in view.summary.bands] == [("4/4", 1), ("under 4", 2)]
    assert (view.summary.met, view.summary.not_met, view.summary.not_evaluable) == (1, 1, 1)
    # the unfiltered report is untouched
    assert report.communes[2].criteria_total == 19


def test_commune_filters_and_status(ruleset, tmp_path):
    report = judge(
        ruleset,
        tmp_path,
        [
            {"commune_code": "1", "district": "Tuy Phong", "poverty_rate_pct": "6.2"},
            {"commune_code": "2", "district": "Tuy Phong"},
            {"commune_code": "3", "district": "Bắc Bình"},
        ],
    )
    view = filter_report(report, Filters(districts=("huyện tuy phong",), statuses=(MET,)))
    assert [c.code for c in view.communes] == ["2"]
    assert view.summary.communes == 1 and view.summary.bands[0].communes == 1
    view = filter_report(report, Filters(communes=("3", "1")))
    assert [c.code for c in view.communes] == ["1", "3"]
    with pytest.raises(InputError) as exc:
        filter_report(report, Filters(districts=("Tuy Fong",), communes=("9",)))
    assert [(p.code, p.path) for p in exc.value.problems] == [
        ("U003", "--district"),
        ("U003", "--commune"),
    ]
    assert "did you mean 'Tuy Phong'" in exc.value.problems[0].message


def test_gaps_rank_closest_first(ruleset, tmp_path):
    report = judge(
        ruleset,
        tmp_path,
        [
            {"commune_code": "1", "poverty_rate_pct": "6.2", "standard_schools_pct": "50"},
            {"commune_code": "2", "poverty_rate_pct": "6.2"},  # one criterion, 1.2 of 5
            {"commune_code": "3", "standard_schools_pct": "79"},  # one criterion, 1 of 80
            {"commune_code": "4"},  # meets the standard
            {"commune_code": "5", "cooperative": "Chưa đạt"},  # a yes/no counts as a whole step
            {"commune_code": "6", "hygienic_water_pct": "90", "clean_water_pct": "59.9"},
        ],
    )
    view = gaps(report)
    assert view.short == 5
    assert [c.commune.code for c in view.candidates] == ["3", "2", "5", "6", "1"]
    second = view.candidates[1]
    assert second.missing == ("11",)
    (item,) = second.items
    assert (item.indicator, item.value, item.threshold, item.to_go) == ("11", 6.2, 5, 1.2)
    assert item.shortfall == pytest.approx(0.24)
    assert [c.rank for c in gaps(report, top=2).candidates] == [1, 2]


def test_gaps_by_sector_splits_items(ruleset, tmp_path):
    report = judge(
        ruleset,
        tmp_path,
        [{"commune_code": "1", "poverty_rate_pct": "6.2", "standard_schools_pct": "50"}],
    )
    shares = {s.sector: s for s in gaps(report, by_sector=True).by_sector}
    assert sorted(shares) == ["giao_duc", "lao_dong"]
    assert [i.indicator for i in shares["lao_dong"].candidates[0].items] == ["11"]


def test_compare_gained_lost_and_maintaining(ruleset, tmp_path):
    old = judge(
        ruleset,
        tmp_path,
        [
            {"commune_code": "1"},
            {"commune_code": "2", "poverty_rate_pct": "6.2"},
            {"commune_code": "3", "standard_schools_pct": "85"},
            {"commune_code": "4"},
        ],
        "old.csv",
    )
    new = judge(
        ruleset,
        tmp_path,
        [
            {"commune_code": "1", "poverty_rate_pct": "7"},  # lost 11 and the standard
            {"commune_code": "2"},  # gained 11 and the standard
            {"commune_code": "3", "standard_schools_pct": "90"},  # a value only
            {"commune_code": "5"},
        ],
        "new.csv",
    )
    cmp, problems = compare(Side("old.csv", "x", old.communes), Side("new.csv", "x", new.communes))
    assert problems == []
    assert [c.code for c in cmp.lost] == ["1"] and [c.code for c in cmp.gained] == ["2"]
    assert [c.code for c in cmp.maintaining] == ["1"]
    (slip,) = cmp.maintaining[0].criteria
    assert (slip.id, slip.change, slip.indicators[0].new_value) == ("11", LOST, 7.0)
    assert cmp.gained[0].criteria[0].change == GAINED
    assert cmp.value_only == 1 and [c.code for c in cmp.changed] == ["1", "2"]
    assert (cmp.only_old, cmp.only_new, cmp.both) == (("4",), ("5",), 3)


def test_compare_several_years_uses_the_latest(ruleset, tmp_path):
    old = judge(
        ruleset,
        tmp_path,
        [
            {"commune_code": "1", "year": "2019", "poverty_rate_pct": "9"},
            {"commune_code": "1", "year": "2020"},
        ],
        "old.csv",
    )
    new = judge(ruleset, tmp_path, [{"commune_code": "1"}], "new.csv")
    cmp, problems = compare(Side("old.csv", "x", old.communes), Side("new.csv", "y", new.communes))
    assert [p.code for p in problems] == ["U021", "U022"]
    assert cmp.communes == ()  # the 2020 row is the one compared, and it is the same
