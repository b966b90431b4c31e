"""What a file costs in memory does not grow with its repeats: one commune code repeated
on every row is listed a few times, then counted (D023)."""

from __future__ import annotations

import json

from conftest import commune_csv, run_cli

from ntm_eval.input.checks import REPEATS_LISTED


def test_many_repeats_of_one_code_are_listed_a_few_times_then_counted(tmp_path):
    rows = 1 + REPEATS_LISTED + 15
    data = tmp_path / "d.csv"
    data.write_text(commune_csv([{"commune_code": "22984"}] * rows), encoding="utf-8")
    result = run_cli("check", str(data), "--format", "json")
    assert result.code == 2
    repeats = [p for p in json.loads(result.stdout)["errors"] if p["code"] == "D023"]
    listed, summary = repeats[:-1], repeats[-1]
    # line 2 is the first row; the repeats start on line 3
    assert [p["line"] for p in listed] == list(range(3, 3 + REPEATS_LISTED))
    assert all("already on line 2 for year 2020" in p["message"] for p in listed)
    assert summary["line"] == 3 + REPEATS_LISTED
    assert "repeated on 15 more line(s) for year 2020" in summary["message"]
    assert summary["value"] == "22984" and summary["col"] == 1


def test_a_few_repeats_are_each_listed(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text(commune_csv([{"commune_code": "22984"}] * (1 + REPEATS_LISTED)))
    result = run_cli("check", str(data), "--format", "json")
    repeats = [p for p in json.loads(result.stdout)["errors"] if p["code"] == "D023"]
    assert len(repeats) == REPEATS_LISTED
    assert not any("more line" in p["message"] for p in repeats)
