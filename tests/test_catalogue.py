"""`ntm-eval rules list` and `ntm-eval rules show`: which sets exist, what one asks, and
where each value comes from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import NATIONAL, ROOT, RULES, run_cli

EXAMPLE = "rules/examples/example-province-2016-2020.yaml"
NATIONAL_SHOWN = "rules/national-2016-2020.yaml"


def _line_of(path: Path, text: str) -> int:
    source = path.read_text(encoding="utf-8")
    return source[: source.index(text)].count("\n") + 1


def _rows(stdout: str) -> list[list[str]]:
    """Table rows (after the header rule), split on runs of two or more spaces."""
    import re

    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("───")) + 1
    return [re.split(r"\s{2,}", line.strip()) for line in lines[start:] if line.strip()]


def test_show_region_gives_the_threshold_that_applies_and_its_line():
    result = run_cli("rules", "show", "--region", "dhntb", "--criterion", "11")
    assert result.code == 0, result.stderr
    line = _line_of(NATIONAL, "thresholds: {national: 6, tdmnpb: 12")
    assert _rows(result.stdout) == [
        [
            "11",
            "poverty_rate_pct",
            "dhntb",
            "≤ 5",
            "%",
            "unverified",
            "lao_dong",
            f"{NATIONAL_SHOWN}:{line}",
            "Decision 1980/QĐ-TTg, annex, indicator 11; poverty line: Decision 59/2015/QĐ-TTg",
        ]
    ]
    assert result.stdout.splitlines()[:2] == [
        "National criteria for new rural communes, 2016–2020 (national-2016-2020)",
        "Thresholds for region dhntb (South Central Coast)",
    ]


def test_show_without_a_region_lists_every_value_of_a_measure():
    result = run_cli("rules", "show", "--criterion", "4.2")
    assert result.code == 0
    assert [(r[2], r[3], r[5]) for r in _rows(result.stdout)] == [
        ("national", "≥ 98", "C2"),
        ("tdmnpb", "≥ 95", "C1"),
        ("dbsh", "≥ 99", "unverified"),
        ("btb", "≥ 98", "unverified"),
        ("dhntb", "≥ 98", "unverified"),
        ("tn", "≥ 98", "unverified"),
        ("dnb", "≥ 99", "unverified"),
        ("dbscl", "≥ 98", "unverified"),
    ]


def test_show_the_example_set_tells_which_file_each_value_comes_from():
    example = ROOT / EXAMPLE
    result = run_cli("rules", "show", EXAMPLE, "--region", "dhntb")
    assert result.code == 0, result.stderr
    rows = {r[1]: r for r in _rows(result.stdout)}
    assert rows["poverty_rate_pct"][3] == "≤ 4"
    assert rows["poverty_rate_pct"][7] == f"{EXAMPLE}:{_line_of(example, 'thresholds: {dhntb: 4}')}"
    assert rows["income_per_capita"][3:6] == [
        "≥ 39 from 2019, 43 from 2020",
        "million VND/person/year",
        "C1",
    ]
    assert rows["standard_schools_pct"][3] == "≥ 70"
    assert rows["hygienic_water_pct"][6] == "tai_nguyen_moi_truong"  # sector reassigned
    line = _line_of(NATIONAL, "thresholds: {national: 98, tdmnpb: 95")
    assert rows["electricity_households_pct"][7] == f"{NATIONAL_SHOWN}:{line}"  # inherited
    assert f"Extends national-2016-2020. Files: {EXAMPLE}, {NATIONAL_SHOWN}" in result.stdout


def test_show_takes_a_shipped_example_by_its_id():
    by_id = run_cli("rules", "show", "example-province-2016-2020", "--criterion", "11")
    by_path = run_cli("rules", "show", EXAMPLE, "--criterion", "11")
    assert by_id.code == 0
    assert by_id.stdout == by_path.stdout


def test_show_json_gives_every_origin_with_line_and_column():
    result = run_cli("rules", "show", EXAMPLE, "--criterion", "11", "--format", "json")
    assert result.code == 0
    doc = json.loads(result.stdout)
    assert doc["ruleset"]["extends"] == "national-2016-2020"
    assert doc["ruleset"]["files"] == [EXAMPLE, NATIONAL_SHOWN]
    [measure] = doc["criteria"][0]["indicators"][0]["measures"]
    values = {v["key"]: v for v in measure["thresholds"]}
    assert values["dhntb"] == {
        "key": "dhntb",
        "value": 4,
        "confirmation": "unverified",
        "verified": False,
        "origin": {
            "path": EXAMPLE,
            "line": _line_of(ROOT / EXAMPLE, "thresholds: {dhntb: 4}"),
            "col": 33,
        },
    }
    assert values["dbsh"]["origin"]["path"] == NATIONAL_SHOWN


def test_show_unverified_lists_only_unverified_values():
    from ntm_eval.rules.loader import load_rules

    expected = sum(
        not m.verified(k) for _, _, m in load_rules(NATIONAL).measures() for k in m.thresholds
    )
    result = run_cli("rules", "show", "--unverified", "--format", "json")
    assert result.code == 0
    values = [
        v
        for c in json.loads(result.stdout)["criteria"]
        for i in c["indicators"]
        for m in i["measures"]
        for v in m["thresholds"]
    ]
    assert len(values) == expected
    assert {v["confirmation"] for v in values} == {"unverified"}
    table = run_cli("rules", "show", "--unverified")
    assert table.stdout.count(" unverified ") == expected


def test_show_sector_filters_by_the_sector_that_applies_to_each_indicator():
    result = run_cli("rules", "show", "--sector", "lao_dong", "--region", "tn")
    assert result.code == 0
    # The reference: Labour is responsible for 11, 12, 14.3 and 18.6.
    assert [r[0] for r in _rows(result.stdout)] == ["11", "12", "14.3", "18.6"]


def test_show_criterion_takes_a_criterion_or_an_indicator_id():
    result = run_cli("rules", "show", "--criterion", "17", "--region", "tn")
    assert [r[1] for r in _rows(result.stdout)][:2] == ["hygienic_water_pct", "clean_water_pct"]
    assert len(_rows(result.stdout)) == 9


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--region", "mars"],
            "error: unknown region 'mars'; this rule set has: tdmnpb, dbsh, btb, "
            "dhntb, tn, dnb, dbscl\n",
        ),
        (["--sector", "army"], "error: unknown sector 'army'; this rule set has: "),
        (
            ["--criterion", "20"],
            "error: unknown criterion or indicator '20'; this rule set has: 1, ",
        ),
        (
            ["national-2099"],
            "error: no shipped rule set has the id 'national-2099' (shipped: "
            "national-2016-2020, example-2021-2025, example-2026-2030, "
            "example-province-2016-2020); give the path of a "
            "rule file instead\n",
        ),
    ],
)
def test_show_usage_errors_exit_2_without_output(args, message):
    result = run_cli("rules", "show", *args)
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message)


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_show_an_invalid_file_exits_2_with_located_problems(fmt):
    case = "tests/cases/rules-invalid/pct-out-of-range.yaml"
    result = run_cli("rules", "show", case, "--format", fmt)
    assert result.code == 3
    assert result.stderr.startswith(f"{case}:26:33: error [R024] ")
    if fmt == "json":
        assert json.loads(result.stdout)["errors"][0]["code"] == "R024"
    else:
        assert result.stdout == ""


def test_list_shows_shipped_sets_and_examples_and_given_files(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema_version: 1\n", encoding="utf-8")
    result = run_cli(
        "rules", "list", "--format", "json", str(broken), "tests/cases/rules-valid/minimal.yaml"
    )
    assert result.code == 0, result.stderr
    sets = json.loads(result.stdout)["sets"]
    assert [(s["id"], s["source"], s["valid"]) for s in sets] == [
        ("national-2016-2020", "shipped", True),
        ("example-2021-2025", "example", True),
        ("example-2026-2030", "example", True),
        ("example-province-2016-2020", "example", True),
        (None, "given", False),
        ("minimal", "given", True),
    ]
    assert sets[0] | {"errors": []} == {
        "id": "national-2016-2020",
        "title": "National criteria for new rural communes, 2016–2020",
        "title_vi": "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2016–2020",
        "extends": None,
        "criteria": 19,
        "indicators": 49,
        "source": "shipped",
        "path": NATIONAL_SHOWN,
        "valid": True,
        "errors": [],
    }
    assert sets[3]["extends"] == "national-2016-2020"
    assert sets[4]["errors"][0]["code"] == "R011"


def test_list_table_has_one_line_per_set():
    result = run_cli("rules", "list")
    assert result.code == 0
    rows = _rows(result.stdout)
    assert [r[0] for r in rows] == [
        "national-2016-2020",
        "example-2021-2025",
        "example-2026-2030",
        "example-province-2016-2020",
    ]
    assert rows[3][-1] == EXAMPLE


def test_list_a_path_that_does_not_exist_is_a_usage_error():
    result = run_cli("rules", "list", "nowhere/")
    assert result.code == 2
    assert result.stderr.startswith("nowhere: error [U030] no such file or folder\n")


def test_shipped_files_are_named_after_their_ids():
    # `extends: ID` and `rules show ID` find a shipped set by its file name.
    from ntm_eval.rules.loader import example_sets, load_rules, shipped_sets

    assert shipped_sets()
    for set_id, path in (shipped_sets() | example_sets()).items():
        assert load_rules(path).id == set_id
    assert sorted(p.name for p in RULES.glob("*.yml")) == []  # only .yaml is searched


@pytest.mark.parametrize(
    "command, example",
    [
        (["rules", "list"], "ntm-eval rules list --format json provinces/"),
        (["rules", "show"], "ntm-eval rules show --criterion 17 --unverified"),
    ],
)
def test_help_gives_examples_and_exit_codes(command, example):
    result = run_cli(*command, "--help")
    assert result.code == 0
    text = " ".join(result.stdout.split())
    assert example in text
    assert "Exit codes: 0 " in text


def test_the_committed_catalogue_matches_the_rule_file():
    committed = (RULES / "CATALOGUE.md").read_text(encoding="utf-8")
    first = committed.splitlines()[0]
    assert first.startswith(
        "<!-- Generated by `ntm-eval rules show national-2016-2020 --format markdown`"
    )
    result = run_cli("rules", "show", "national-2016-2020", "--format", "markdown")
    assert result.code == 0
    assert result.stdout == committed, (
        "rules/CATALOGUE.md is out of date: run "
        "ntm-eval rules show national-2016-2020 --format markdown > rules/CATALOGUE.md"
    )


def test_the_catalogue_does_not_depend_on_the_working_folder(tmp_path):
    here = run_cli("rules", "show", "--format", "markdown")
    elsewhere = run_cli("rules", "show", "--format", "markdown", cwd=tmp_path)
    assert here.stdout == elsewhere.stdout


def test_markdown_marks_unverified_and_overridden_values():
    result = run_cli("rules", "show", EXAMPLE, "--criterion", "11", "--format", "markdown")
    assert result.code == 0
    row = next(line for line in result.stdout.splitlines() if line.startswith("| 11 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    header = next(line for line in result.stdout.splitlines() if line.startswith("| ID |"))
    by_column = dict(zip([c.strip() for c in header.strip("|").split("|")], cells))
    assert by_column["national"] == "≤ 6"  # C2, inherited: no mark
    assert by_column["dhntb"] == "≤ 4*†"  # unverified, set by the example
    assert by_column["tdmnpb"] == "≤ 12*"
    assert by_column["Confirmation"] == "C2 national; others unverified"
    assert result.stdout.startswith(
        f"<!-- Generated by `ntm-eval rules show {EXAMPLE} --criterion 11 --format markdown`"
    )


def test_markdown_for_one_region_has_one_threshold_column():
    result = run_cli("rules", "show", "--region", "dnb", "--criterion", "5", "--format", "markdown")
    assert (
        "| ID | Indicator | Column | Unit | dnb | Confirmation | Sector | Legal basis |"
        in result.stdout
    )
    assert "| `standard_schools_pct` | % | ≥ 80* | unverified |" in result.stdout
