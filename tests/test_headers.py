"""Vietnamese headers: aliases declared in the rule file, matched loosely, never ambiguously."""

import pytest
from conftest import NATIONAL

from ntm_eval.diagnostics import InputError
from ntm_eval.input.headers import HeaderMatcher
from ntm_eval.rules.loader import load_rules
from ntm_eval.rules.model import IDENTITY_COLUMNS


@pytest.fixture(scope="module")
def matcher():
    return HeaderMatcher(load_rules(NATIONAL))


def test_every_column_has_vietnamese_aliases():
    rs = load_rules(NATIONAL)
    assert all(m.aliases for _, _, m in rs.measures())
    assert set(rs.identity) == set(IDENTITY_COLUMNS)
    assert all(rs.identity[k].aliases for k in IDENTITY_COLUMNS)


@pytest.mark.parametrize(
    "header, column",
    [
        ("Tỷ lệ hộ nghèo (%)", "poverty_rate_pct"),
        ("Tỉ lệ hộ nghèo", "poverty_rate_pct"),
        ("TỶ LỆ  HỘ NGHÈO", "poverty_rate_pct"),
        ("ty le ho ngheo", "poverty_rate_pct"),
        ("POVERTY_RATE_PCT", "poverty_rate_pct"),
        ("Tỷ lệ hộ nghèo (%) [poverty_rate_pct]", "poverty_rate_pct"),
        ("Anything at all [poverty_rate_pct]", "poverty_rate_pct"),
        ("Mã xã", "commune_code"),
        ("Tên xã", "commune_name"),
        ("Huyện", "district"),
        ("Tỉnh", "province"),
        ("Vùng", "region"),
        ("Năm", "year"),
        ("Têп xã", "commune_name"),  # Cyrillic п
        ("Thu nhập bình quân đầu người (triệu đồng/người/năm)", "income_per_capita"),
        ("Xã có điểm phục vụ bưu chính", "postal_point"),  # the indicator's own name
    ],
)
def test_headers_match(matcher, header, column):
    assert matcher.match(header) == column


def test_unmatched_header_gets_the_closest_known_name(matcher):
    assert matcher.match("Tỷ lệ hộ nghèoo") is None
    assert matcher.closest("Tỷ lệ hộ nghèoo") == "'Tỷ lệ hộ nghèo' (poverty_rate_pct)"
    assert matcher.closest("zzzz") is None


def test_alias_shared_by_two_columns_is_a_rule_error(tmp_path):
    text = NATIONAL.read_text(encoding="utf-8").replace(
        'aliases: ["Tỷ lệ hộ nghèo", ', 'aliases: ["Tỷ lệ người có việc làm", ', 1
    )
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_rules(path)
    [problem] = exc.value.problems
    assert problem.code == "R020" and problem.line is not None
    assert "employment_rate_pct" in problem.message and "poverty_rate_pct" in problem.message
