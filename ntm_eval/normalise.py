"""Text normalisation for matching words typed by people (yes/no words, region names,
column headers, commune names)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ntm_eval.lookalike import fold_letters

# Combining marks of the Latin, Greek and Cyrillic ranges, and the extended blocks.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form: ``'  Chưa  ĐẠT '`` → ``'chua dat'``."""
    if text.isascii():
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join(_MARKS.sub("", decomposed).lower().split())


_TRAILING_KEY = re.compile(r"\[\s*([A-Za-z][A-Za-z0-9_]*)\s*\]\s*$")
_TRAILING_PARENS = re.compile(r"(?:\s*\([^()]*\))+\s*$")
_NOT_WORD = re.compile(r"[\W_]+")
# Vietnamese spells a syllable-final i after a consonant either way (tỉ/tỷ, lí/lý, kĩ/kỹ),
# and qui/quy likewise: one form stands for both.
_FINAL_Y = re.compile(r"\b([bcdghklmnpqrstvx]+)y\b")
_QUI = re.compile(r"\bqui\b")


def key_in_brackets(header: str) -> str | None:
    """The column key written in brackets at the end of a header: ``'Tỷ lệ (%) [poverty_rate_pct]'``."""
    match = _TRAILING_KEY.search(header)
    return match.group(1).lower() if match else None


@lru_cache(maxsize=4096)
def header_key(text: str) -> str:
    """The form in which a column header is matched against names and aliases.

    Look-alike letters folded; case, accents, punctuation and spacing ignored; a trailing
    ``[key]`` and trailing parenthesised units dropped; ``tỉ``/``tỷ`` and ``quí``/``quý``
    spelled one way. ``'Tỷ lệ hộ nghèo (%)'`` and ``'TỈ LỆ  HỘ NGHÈO'`` → ``'ti le ho ngheo'``.
    """
    text = _TRAILING_KEY.sub("", fold_letters(text).text)
    bare = _TRAILING_PARENS.sub("", text)
    words = _NOT_WORD.sub(" ", fold(bare if bare.strip() else text)).strip()
    return _QUI.sub("quy", _FINAL_Y.sub(r"\1i", words))


_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng


@lru_cache(maxsize=8192)
def name_key(text: str) -> str:
    """The form in which place names are compared: case- and spacing-insensitive, look-alike
    letters folded, and the tone mark moved to the end of its syllable so that old and new
    tone placement compare equal (``Hoà``/``Hòa``, ``Thuỷ``/``Thủy``, ``Quí``/``Quý``).

    Accents other than the tone stay: ``Tân Hà`` and ``Tân Hạ`` remain different names.
    """
    decomposed = unicodedata.normalize("NFD", fold_letters(text).text.lower())
    syllables = []
    for word in decomposed.split():
        tones = "".join(ch for ch in word if ch in _TONES)
        base = unicodedata.normalize("NFC", "".join(ch for ch in word if ch not in _TONES))
        base = "quy" if base == "qui" else _FINAL_Y.sub(r"\1i", base)
        syllables.append(base + tones)
    return " ".join(syllables)
