"""Look-alike letters and the name/header keys built on them."""

import unicodedata

import pytest

from ntm_eval.lookalike import FOLDS, fold_letters
from ntm_eval.normalise import header_key, name_key


@pytest.mark.parametrize(
    "seen, intended",
    [
        ("пôпg tʜôп", "nông thôn"),
        ("Tâп Bìпh", "Tân Bình"),
        ("ᵭộпɢ", "động"),
        ("doaɴʜ", "doanh"),
        ("ςơ sở", "cơ sở"),
        ("ᵭầʋ", "đầu"),
        ("ςáςh", "cách"),
        ("TҺÁI ПǤUƔÊП", "THÁI NGUYÊN"),
        ("ĐẠI ҺỌເ", "ĐẠI HỌC"),
        ("Ðức Linh", "Đức Linh"),
        ("Ph0ng Phú", "Phong Phú"),
        ("k\u031finh", "kinh"),
    ],
)
def test_article_examples_fold_back(seen, intended):
    folded = fold_letters(seen)
    assert folded.text == intended
    assert folded.changed and folded.foreign == ()


def test_accent_on_an_impostor_lands_on_the_latin_letter():
    # Greek iota with grave (ὶ) → ì; the mark survives the swap of its base letter.
    assert fold_letters("Bὶnh").text == "Bình"
    assert fold_letters("Tύ").text == "Tú"


@pytest.mark.parametrize(
    "text",
    [
        "Nông thôn mới",
        "Đức Thuận",
        "Hàm Thuận Bắc",
        "Quảng Ngãi",
        "Thủy",
        "Hoà",
        "Phường 10",
        "Tỷ lệ hộ nghèo (%)",
        "22957",
        "",
    ],
)
def test_ordinary_vietnamese_passes_unchanged(text):
    folded = fold_letters(text)
    assert folded.text == text and not folded.changed and folded.foreign == ()


def test_decomposed_vietnamese_is_recomposed_not_reported():
    nfd = unicodedata.normalize("NFD", "Tân Bình")
    folded = fold_letters(nfd)
    assert folded.text == "Tân Bình" and not folded.changed


@pytest.mark.parametrize("text, foreign", [("Tân Bжnh", "ж"), ("Müller", "\u0308"), ("東京", "東")])
def test_letters_vietnamese_does_not_use_are_reported(text, foreign):
    assert foreign in fold_letters(text).foreign


def test_every_fold_target_is_a_vietnamese_letter():
    for target in FOLDS.values():
        assert target.isascii() or target in "đĐưƯ"


@pytest.mark.parametrize(
    "a, b",
    [
        ("Hoà", "Hòa"),
        ("Thuỷ", "Thủy"),
        ("Quí", "Quý"),
        ("Xã Tân Hà", "xã tân hà"),
        ("Tâп Bìпh", "Tân Bình"),
        ("Phú  Thủy", "Phú Thuỷ"),
    ],
)
def test_name_key_treats_spelling_variants_as_equal(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("a, b", [("Tân Hà", "Tân Hạ"), ("Hòa", "Hoa"), ("Bình", "Binh")])
def test_name_key_keeps_other_accents(a, b):
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Tỷ lệ hộ nghèo (%)", "tỉ lệ hộ nghèo"),
        ("TỶ LỆ  HỘ NGHÈO", "Ty le ho ngheo"),
        ("Mã xã [commune_code]", "ma xa"),
        ("Têп xã", "Tên xã"),
    ],
)
def test_header_key_ignores_case_accents_units_and_lookalikes(a, b):
    assert header_key(a) == header_key(b)
