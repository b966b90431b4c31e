"""Provincial sets: `extends` chains, overrides, confirmations and where values come from.

Located error messages for broken chains are cases in tests/cases/rules-invalid
(extends-*.yaml); these tests look at what a resolved set holds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA, ROOT, RULES, run_cli

from ntm_eval.diagnostics import InputError
from ntm_eval.rules.loader import load_rule_source, load_rules

VALID = ROOT / "tests" / "cases" / "rules-valid"
EXAMPLE = RULES / "examples" / "example-province-2016-2020.yaml"


@pytest.fixture
def in_cases(monkeypatch):
    """Run in the valid-cases folder, so shown paths are as short as in the files."""
    monkeypatch.chdir(VALID)


def _measure(rs, column):
    return next(m for _, _, m in rs.measures() if m.column == column)


def _origin(loaded, column, *rest):
    rs = loaded.ruleset
    for ci, crit in enumerate(rs.criteria):
        for ii, ind in enumerate(crit.indicators):
            for mi, m in enumerate(ind.measures):
                if m.column == column:
                    loc = ("criteria", ci, "indicators", ii, "measures", mi) + rest
                    return tuple(loaded.positions.find(loc)[:2])
    raise KeyError(column)


def test_a_three_level_chain_resolves_every_value_to_its_file(in_cases):
    loaded = load_rule_source(Path("minimal-district.yaml"))
    rs = loaded.ruleset
    assert loaded.files == ["minimal-district.yaml", "minimal-province.yaml", "minimal.yaml"]
    assert (rs.id, rs.extends) == ("minimal-district", "./minimal-province.yaml")
    irrigated = _measure(rs, "irrigated_pct")
    assert irrigated.thresholds == {"national": 80, "north": 85, "south": 60}
    assert _origin(loaded, "irrigated_pct", "thresholds", "national") == ("minimal.yaml", 27)
    assert _origin(loaded, "irrigated_pct", "thresholds", "north") == ("minimal-province.yaml", 17)
    assert _origin(loaded, "clean_water_pct", "thresholds", "default") == (
        "minimal-district.yaml",
        13,
    )
    assert _measure(rs, "clean_water_pct").thresholds == {"default": 65}


def test_overrides_replace_names_and_sectors_and_add_indicators(in_cases):
    rs = load_rules(Path("minimal-province.yaml"))
    assert [c.name.en for c in rs.criteria] == ["Irrigation and income", "Health"]
    assert rs.criteria[1].sector == "tai_nguyen"
    assert list(rs.sectors) == ["nong_nghiep", "y_te", "tai_nguyen"]
    assert [i.id for i in rs.criteria[1].indicators] == ["2", "2.1"]
    assert rs.columns == [
        "irrigated_pct",
        "income",
        "health_station",
        "stunting_pct",
        "clean_water_pct",
    ]


def test_a_value_set_by_the_child_carries_the_childs_confirmation_or_none(in_cases):
    rs = load_rules(Path("minimal-province.yaml"))
    irrigated = _measure(rs, "irrigated_pct")  # parent: {default: C1}; child: {north: C1}
    assert [irrigated.confirmation_of(k) for k in ("national", "north", "south")] == [
        "C1",
        "C1",
        "unverified",
    ]
    stunting = _measure(rs, "stunting_pct")  # parent: north C1; the child sets north alone
    assert stunting.confirmation_of("north") == "unverified"
    district = load_rules(Path("minimal-district.yaml"))
    assert _measure(district, "clean_water_pct").confirmation_of("default") == "C2"


def test_a_childs_default_confirmation_does_not_relabel_inherited_values(tmp_path):
    (tmp_path / "child.yaml").write_text(
        "schema_version: 1\nid: child\ntitle: {vi: Con, en: Child}\nlegal_basis: Test\n"
        f"extends: {VALID / 'minimal.yaml'}\n"
        "criteria:\n  - id: '2'\n    indicators:\n      - id: '2'\n        measures:\n"
        "          - column: stunting_pct\n            thresholds: {north: 19}\n"
        "            confirmation: {default: C2}\n",
        encoding="utf-8",
    )
    stunting = _measure(load_rules(tmp_path / "child.yaml"), "stunting_pct")
    assert stunting.confirmation_of("north") == "C2"  # set by the child, default C2
    assert stunting.confirmation_of("south") == "unverified"  # the parent's, as it said


def test_the_example_provincial_set_is_clearly_an_example():
    rs = load_rules(EXAMPLE)
    assert rs.id.startswith("example-")
    assert rs.title.en.startswith("EXAMPLE") and rs.title.vi.startswith("VÍ DỤ")
    assert "fictional" in rs.legal_basis.lower()
    assert rs.extends == "national-2016-2020"


def _thresholds(*rules: str) -> dict[str, dict]:
    result = run_cli("check", str(DATA / "2020.csv"), "--format", "json", *rules)
    assert result.code == 0, result.stderr
    commune = json.loads(result.stdout)["communes"][0]
    assert commune["region"] == "dhntb"
    return {i["column"]: i for c in commune["criteria"] for i in c["indicators"]}


def test_check_applies_the_example_overrides():
    national = _thresholds()
    example = _thresholds("--rules", str(EXAMPLE))
    for column, before, after in [
        ("poverty_rate_pct", 5, 4),
        ("income_per_capita", 41, 43),
        ("standard_schools_pct", 80, 70),
    ]:
        assert (national[column]["threshold"], example[column]["threshold"]) == (before, after)
    # 4.7 % poor households: met under the national ceiling of 5, not under the example's 4.
    assert national["poverty_rate_pct"]["value"] == 4.7
    assert (national["poverty_rate_pct"]["status"], example["poverty_rate_pct"]["status"]) == (
        "met",
        "not_met",
    )
    assert example["income_per_capita"]["verified"] is True  # the example states C1
    assert example["poverty_rate_pct"]["verified"] is False  # no confirmation given


def test_loosening_the_example_without_a_reason_is_reported_at_its_line(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "thresholds: {dhntb: 4}" in text
    (tmp_path / "province.yaml").write_text(
        text.replace("thresholds: {dhntb: 4}", "thresholds: {dhntb: 6}"), encoding="utf-8"
    )
    line = text[: text.index("thresholds: {dhntb: 4}")].count("\n") + 1
    result = run_cli("validate", "province.yaml", cwd=tmp_path)
    assert result.code == 1
    assert result.stdout == (
        f"province.yaml:{line}:33: error [R032] indicator 11 (poverty_rate_pct): dhntb "
        "threshold 6 is looser than 5 in national-2016-2020; an override may only make a "
        "threshold stricter unless the measure states a 'reason'\n"
    )


def test_check_refuses_a_set_whose_parent_is_missing(tmp_path):
    (tmp_path / "p.yaml").write_text(
        "schema_version: 1\nid: p\ntitle: {vi: a, en: b}\nlegal_basis: x\nextends: gone.yaml\n",
        encoding="utf-8",
    )
    result = run_cli("check", str(DATA / "2020.csv"), "--rules", "p.yaml", cwd=tmp_path)
    assert result.code == 3
    assert (
        "p.yaml:5:10: error [R030] extends 'gone.yaml': no such file (gone.yaml)" in result.stderr
    )


def test_a_broken_parent_is_reported_once_when_its_children_are_checked_too(tmp_path):
    (tmp_path / "base.yaml").write_text("schema_version: 2\n", encoding="utf-8")
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(
            f"schema_version: 1\nid: {name}\ntitle: {{vi: a, en: b}}\nlegal_basis: x\n"
            "extends: base.yaml\n",
            encoding="utf-8",
        )
    result = run_cli("validate", ".", cwd=tmp_path)
    assert result.code == 1
    lines = result.stdout.splitlines()
    assert lines.count("a.yaml:5:10: error [R030] extends 'base.yaml', which has errors") == 1
    assert sum(line.startswith("base.yaml:1:17: error [R012]") for line in lines) == 1
    assert "3 file(s) checked, 3 invalid" in result.stderr


def test_a_chain_longer_than_the_bound_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f0.yaml").write_text(
        (VALID / "minimal.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    for i in range(1, 10):
        (tmp_path / f"f{i}.yaml").write_text(
            f"schema_version: 1\nid: f{i}\ntitle: {{vi: a, en: b}}\nlegal_basis: x\n"
            f"extends: f{i - 1}.yaml\n",
            encoding="utf-8",
        )
    load_rules(Path("f7.yaml"))  # 8 files: the bound
    with pytest.raises(InputError) as caught:
        load_rules(Path("f9.yaml"))
    *notes, error = caught.value.problems
    assert [p.path for p in notes] == [f"f{i}.yaml" for i in range(9, 1, -1)]  # each says why
    assert {p.code for p in notes} == {"R030"}
    assert error.format() == (
        "f1.yaml:5:10: error [R031] more than 8 rule files extend one "
        "another: f9.yaml → f8.yaml → f7.yaml → f6.yaml → f5.yaml → f4.yaml"
        " → f3.yaml → f2.yaml → f1.yaml"
    )
