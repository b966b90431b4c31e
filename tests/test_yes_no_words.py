"""Yes/no words match with their accents: ``Đạt`` in any letter case, or wholly without
accents (``dat``); a word with other accents (``Đất``, ``Đặt``) is another word — D014,
with the word it may have meant — never read as met."""

from __future__ import annotations

import json

import pytest
from conftest import commune_csv, run_cli

from ntm_eval.input.cells import CellError, parse_bool


@pytest.mark.parametrize(
    "raw, value",
    [
        ("Đạt", True),
        ("đạt", True),
        ("ĐẠT", True),
        ("Đa\u0323t", True),  # decomposed (NFD) is the same word
        ("dat", True),
        ("DAT", True),
        ("Có", True),
        ("co", True),
        ("Chưa đạt", False),
        ("CHƯA  ĐẠT", False),
        ("chua dat", False),
        ("Không đạt", False),
        ("khong dat", False),
        ("Cơ bản đạt", False),
        ("co ban dat", False),
        ("Không", False),
        ("khong", False),
        ("Ðạt", True),  # a look-alike D pasted from elsewhere
    ],
)
def test_accepted_words(raw, value):
    assert parse_bool(raw) is value


@pytest.mark.parametrize(
    "raw, meant",
    [
        ("Đất", "Đạt"),
        ("Đặt", "Đạt"),
        ("đat", "Đạt"),  # đ without the tone
        ("Dạt", "Đạt"),  # the tone without đ
        ("Chưa dat", "Chưa đạt"),  # accents on one word only
        ("Chưa đặt", "Chưa đạt"),
        ("Cớ", "Có"),
        ("Khóng", "Không"),
        ("Cơ bàn đạt", "Cơ bản đạt"),
    ],
)
def test_other_accents_are_another_word(raw, meant):
    with pytest.raises(CellError) as info:
        parse_bool(raw)
    assert info.value.code == "D014"
    assert info.value.expected.endswith(f"(did you mean '{meant}'?)")


def test_a_word_with_other_accents_is_reported_and_not_met(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text(commune_csv([{"plan_approved": "Đất"}]), encoding="utf-8")
    result = run_cli("check", str(data), "--format", "json")
    assert result.code == 3
    (problem,) = json.loads(result.stdout)["errors"]
    assert (problem["code"], problem["line"], problem["value"]) == ("D014", 2, "Đất")
    assert "did you mean 'Đạt'?" in problem["message"]
    (commune,) = json.loads(result.stdout)["communes"]
    (criterion,) = [k for k in commune["criteria"] if k["id"] == "1"]
    assert criterion["indicators"][0]["status"] == "not_evaluable"
