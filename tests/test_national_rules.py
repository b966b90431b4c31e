"""The shipped national rule set, pinned value by value against the reference.

Typed from ``criteria-2016-2020.md`` (Decision 1980/QĐ-TTg); a change to any threshold,
kind, comparison or confirmation in ``rules/national-2016-2020.yaml`` fails here.
"""

from __future__ import annotations

import pytest
from conftest import NATIONAL

from ntm_eval.engine.evaluate import lookup_threshold
from ntm_eval.rules.loader import load_rules

KEYS = ("national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl")
REGIONS = KEYS[1:]

# id, column, kind, comparison, thresholds for national | tdmnpb | dbsh | btb | dhntb | tn | dnb | dbscl
PINNED = [
    ("1.1", "plan_approved", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("1.2", "plan_regulation", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("2.1", "road_commune", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("2.2", "road_village", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("2.3", "road_alley", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("2.4", "road_field", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("3.1", "irrigated_area_pct", "pct", ">=", (80, 80, 80, 80, 80, 80, 80, 80)),
    ("3.2", "disaster_prevention", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("4.1", "power_system", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("4.2", "electricity_households_pct", "pct", ">=", (98, 95, 99, 98, 98, 98, 99, 98)),
    ("5", "standard_schools_pct", "pct", ">=", (80, 70, 100, 80, 80, 70, 80, 70)),
    (
        "6.1",
        "commune_culture_house",
        "bool",
        "==",
        (True, True, True, True, True, True, True, True),
    ),
    ("6.2", "recreation_spots", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("6.3", "village_culture_houses_pct", "pct", ">=", (100, 100, 100, 100, 100, 100, 100, 100)),
    ("7", "rural_market", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("8.1", "postal_point", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("8.2", "telecom_internet", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("8.3", "loudspeaker_system", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("8.4", "it_in_management", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("9.1", "temporary_houses", "count", "<=", (0, 0, 0, 0, 0, 0, 0, 0)),
    ("9.2", "standard_housing_pct", "pct", ">=", (80, 75, 90, 80, 80, 75, 85, 70)),
    ("10", "income_per_capita", "money", ">=", (45, 36, 50, 36, 41, 41, 59, 50)),
    ("11", "poverty_rate_pct", "pct", "<=", (6, 12, 2, 5, 5, 7, 1, 5)),
    ("12", "employment_rate_pct", "pct", ">=", (90, 90, 90, 90, 90, 90, 90, 90)),
    ("13.1", "cooperative", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("13.2", "production_linkage", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("14.1", "education_universal", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("14.2", "secondary_continuation_pct", "pct", ">=", (85, 70, 90, 85, 85, 70, 90, 80)),
    ("14.3", "trained_labour_pct", "pct", ">=", (40, 25, 40, 40, 40, 25, 45, 25)),
    ("15.1", "health_insurance_pct", "pct", ">=", (85, 85, 85, 85, 85, 85, 85, 85)),
    ("15.2", "health_standard", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("15.3", "child_stunting_pct", "pct", "<=", (21.8, 26.7, 13.9, 24.2, 24.2, 31.4, 14.3, 20.5)),
    ("16", "cultural_villages_pct", "pct", ">=", (70, 70, 70, 70, 70, 70, 70, 70)),
    ("17.1", "hygienic_water_pct", "pct", ">=", (95, 90, 98, 98, 95, 95, 98, 95)),
    ("17.1", "clean_water_pct", "pct", ">=", (60, 50, 65, 60, 60, 50, 65, 65)),
    ("17.2", "env_compliant_facilities_pct", "pct", ">=", (100, 100, 100, 100, 100, 100, 100, 100)),
    ("17.3", "green_landscape", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("17.4", "burial_per_plan", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("17.5", "waste_collection", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("17.6", "sanitation_households_pct", "pct", ">=", (85, 70, 90, 85, 85, 70, 90, 70)),
    ("17.7", "livestock_hygiene_pct", "pct", ">=", (70, 60, 80, 70, 70, 60, 80, 60)),
    ("17.8", "food_safety_pct", "pct", ">=", (100, 100, 100, 100, 100, 100, 100, 100)),
    ("18.1", "officials_standard", "bool", "==", (True, True, True, True, True, True, True, True)),
    (
        "18.2",
        "political_system_complete",
        "bool",
        "==",
        (True, True, True, True, True, True, True, True),
    ),
    (
        "18.3",
        "party_government_strong",
        "bool",
        "==",
        (True, True, True, True, True, True, True, True),
    ),
    ("18.4", "mass_orgs_good_pct", "pct", ">=", (100, 100, 100, 100, 100, 100, 100, 100)),
    ("18.5", "legal_access", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("18.6", "gender_equality", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("19.1", "militia", "bool", "==", (True, True, True, True, True, True, True, True)),
    ("19.2", "security_order", "bool", "==", (True, True, True, True, True, True, True, True)),
]

# Threshold keys whose value is not confirmed by a published source (U in the reference).
UNVERIFIED = {
    "plan_approved": [],
    "plan_regulation": [],
    "road_commune": ["tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "road_village": ["tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "road_alley": ["tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "road_field": ["tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "irrigated_area_pct": ["tdmnpb", "dbsh", "dhntb", "tn", "dnb", "dbscl"],
    "disaster_prevention": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "power_system": ["tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "electricity_households_pct": ["dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "standard_schools_pct": ["tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb"],
    "commune_culture_house": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "recreation_spots": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "village_culture_houses_pct": [
        "national",
        "tdmnpb",
        "dbsh",
        "btb",
        "dhntb",
        "tn",
        "dnb",
        "dbscl",
    ],
    "rural_market": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "postal_point": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "telecom_internet": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "loudspeaker_system": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "it_in_management": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "temporary_houses": ["tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "standard_housing_pct": ["tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb"],
    "income_per_capita": [],
    "poverty_rate_pct": ["tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "employment_rate_pct": ["tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "cooperative": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "production_linkage": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "education_universal": [],
    "secondary_continuation_pct": [],
    "trained_labour_pct": [],
    "health_insurance_pct": [],
    "health_standard": [],
    "child_stunting_pct": [],
    "cultural_villages_pct": ["tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb"],
    "hygienic_water_pct": ["dhntb"],
    "clean_water_pct": ["national"],
    "env_compliant_facilities_pct": [
        "national",
        "tdmnpb",
        "dbsh",
        "btb",
        "dhntb",
        "tn",
        "dnb",
        "dbscl",
    ],
    "green_landscape": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "burial_per_plan": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "waste_collection": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "sanitation_households_pct": ["tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "livestock_hygiene_pct": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "food_safety_pct": ["tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "officials_standard": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "political_system_complete": [
        "national",
        "tdmnpb",
        "dbsh",
        "btb",
        "dhntb",
        "tn",
        "dnb",
        "dbscl",
    ],
    "party_government_strong": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "mass_orgs_good_pct": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "legal_access": [],
    "gender_equality": [],
    "militia": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
    "security_order": ["national", "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"],
}


@pytest.fixture(scope="module")
def ruleset():
    return load_rules(NATIONAL)


def test_shape(ruleset):
    assert len(ruleset.groups) == 5
    assert len(ruleset.criteria) == 19
    assert sum(len(c.indicators) for c in ruleset.criteria) == 49
    assert len(ruleset.columns) == 50
    assert list(ruleset.regions) == list(REGIONS)
    water = next(i for c in ruleset.criteria for i in c.indicators if i.id == "17.1")
    assert [m.column for m in water.measures] == ["hygienic_water_pct", "clean_water_pct"]


def test_every_measure_is_pinned_in_order(ruleset):
    got = [(i.id, m.column, m.kind, m.op) for _, i, m in ruleset.measures()]
    assert got == [row[:4] for row in PINNED]


@pytest.mark.parametrize("ind_id, column, kind, op, values", PINNED, ids=[r[1] for r in PINNED])
def test_thresholds_for_every_region(ruleset, ind_id, column, kind, op, values):
    measure = next(m for _, _, m in ruleset.measures() if m.column == column)
    year = 2020
    for key, expected in zip(KEYS, values):
        raw = measure.thresholds[key]
        if column == "income_per_capita":  # keyed by the year from which it applies
            assert raw == {2020: expected}
        else:
            assert raw == expected and type(raw) is type(expected), (key, raw)
    for region, expected in zip(REGIONS, values[1:]):
        threshold, _, key, reason = lookup_threshold(measure, region, year)
        assert (threshold, key, reason) == (expected, region, None)


@pytest.mark.parametrize("column", list(UNVERIFIED))
def test_confirmation_status(ruleset, column):
    measure = next(m for _, _, m in ruleset.measures() if m.column == column)
    unverified = [k for k in KEYS if not measure.verified(k)]
    assert unverified == UNVERIFIED[column]


def test_sectors_of_the_labour_department(ruleset):
    labour = sorted(
        {i.id for c, i, _ in ruleset.measures() if (i.sector or c.sector) == "lao_dong"}
    )
    assert labour == ["11", "12", "14.3", "18.6"]


def test_every_indicator_names_its_legal_basis(ruleset):
    for _, indicator, _ in ruleset.measures():
        assert indicator.legal_basis and "1980/QĐ-TTg" in indicator.legal_basis
        assert indicator.name.vi and indicator.name.en
