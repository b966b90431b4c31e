"""Look-alike letters: text pasted from web pages that swap Latin letters for others.

Some Vietnamese sites replace letters with characters from other scripts that look the
same (``пôпg tʜôп`` for ``nông thôn``) to frustrate copying. Names and headers pasted from
such pages fail every comparison. ``fold_letters`` restores them: decompose (NFD) so that
accents come off their impostor base letters, replace each impostor base by its Latin
letter, drop marks that only decorate impostors, and recompose (NFC) so that the accent
lands on the right letter. Anything left that Vietnamese does not use is reported, never
guessed. See docs in the README ("Look-alike letters").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

# Impostor → Latin letter, as pairs "impostor letter" separated by spaces. Sources: text
# copied from Vietnamese news sites and a digitised thesis (see the reference list).
_PAIRS = (
    # Cyrillic, lower and upper case
    "а a е e о o р p с c у y х x і i ј j ѕ s һ h ԁ d п n к k м m т t в b н h г r ь b ѵ v "
    "А A В B Е E К K М M Н H О O Р P С C Т T Х X У Y І I Ј J Ѕ S Һ H П N Г R Ь B Ѵ V "
    # Greek
    "α a ο o ρ p ς c ϲ c ν v υ u ι i κ k τ t χ x ε e "
    "Α A Β B Ε E Ζ Z Η H Ι I Κ K Μ M Ν N Ο O Ρ P Τ T Υ Y Χ X "
    # Latin small capitals and IPA letters
    "ʜ h ɴ n ɢ g ʙ b ᴄ c ᴅ d ᴇ e ɪ i ᴊ j ᴋ k ʟ l ᴍ m ᴏ o ᴘ p ʀ r ꜱ s ᴛ t ᴜ u ᴠ v ᴡ w ʏ y ᴢ z "
    # other Latin look-alikes; Ð (Icelandic eth) is the usual stand-in for Đ
    "ʋ u ᵭ đ ɗ đ ɑ a ɡ g ı i ǥ g Ǥ G ƚ t ɣ y Ɣ Y ƣ ư Ƣ Ư Ð Đ "
    # Lao letter E, used for c
    "ເ c"
)
_words = _PAIRS.split()
FOLDS: dict[str, str] = dict(zip(_words[::2], _words[1::2]))
_TABLE = str.maketrans(FOLDS)

#: The combining marks genuine Vietnamese uses after NFD: grave, acute, circumflex, tilde,
#: breve, hook above, horn, dot below.
VIETNAMESE_MARKS = frozenset("\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323")
_CASELESS = frozenset("ເ")  # scripts without case: follow the letter before
_STRAY_PLUS_BELOW = "\u031f"  # seen after k in copied text; it decorates, it means nothing
_PLAIN_VIETNAMESE = re.compile("[\x00-\x7fđĐ" + "".join(sorted(VIETNAMESE_MARKS)) + "]*")
_ZERO_AS_O = re.compile(r"(?<=[^\W\d_])0(?=[^\W\d_])")


class Folded(NamedTuple):
    """The result of folding one piece of text."""

    text: str  # NFC, with look-alikes replaced
    replaced: tuple[str, ...]  # the impostor characters found, in order of first sight
    foreign: tuple[str, ...]  # letters or marks that are not Vietnamese and could not be folded

    @property
    def changed(self) -> bool:
        return bool(self.replaced)


def describe(ch: str) -> str:
    """``'п' (U+043F CYRILLIC SMALL LETTER PE)``."""
    name = unicodedata.name(ch, "unnamed character")
    return f"'{ch}' (U+{ord(ch):04X} {name})"


def _is_vietnamese(ch: str) -> bool:
    if ch.isascii() or ch in "đĐ":
        return True
    category = unicodedata.category(ch)
    if category[0] == "M":
        return ch in VIETNAMESE_MARKS
    return category[0] != "L"  # digits, spaces, punctuation and symbols are not letters


@lru_cache(maxsize=8192)
def fold_letters(text: str) -> Folded:
    """Replace look-alike letters in ``text`` by the Vietnamese letters they stand for.

    Ordinary Vietnamese (composed or decomposed) comes back unchanged but for NFC
    normalisation. Case follows the impostor's own case, which is unreliable: compare
    folded names case-insensitively.
    """
    if text.isascii() and ("0" not in text or not _ZERO_AS_O.search(text)):
        return Folded(text, (), ())
    decomposed = unicodedata.normalize("NFD", text)
    if _PLAIN_VIETNAMESE.fullmatch(decomposed) and ("0" not in text or not _ZERO_AS_O.search(text)):
        return Folded(unicodedata.normalize("NFC", text), (), ())  # the common case, at C speed
    replaced: list[str] = []
    out: list[str] = []
    for ch in decomposed:
        if ch in FOLDS:
            if ch not in replaced:
                replaced.append(ch)
            letter = FOLDS[ch]
            if ch in _CASELESS and _last_letter_upper(out):
                letter = letter.upper()
            out.append(letter)
        elif ch == _STRAY_PLUS_BELOW and out and out[-1] in "kK":
            if ch not in replaced:
                replaced.append(ch)
        else:
            out.append(ch)
    folded = "".join(out)
    if "0" in folded and _ZERO_AS_O.search(folded):
        replaced.append("0")
        folded = _ZERO_AS_O.sub(lambda m: "O" if _upper_around(folded, m.start()) else "o", folded)
    foreign = tuple(dict.fromkeys(ch for ch in folded if not _is_vietnamese(ch)))
    return Folded(unicodedata.normalize("NFC", folded), tuple(replaced), foreign)


def _last_letter_upper(out: list[str]) -> bool:
    letters = [c for c in out[-3:] if c.isalpha()]
    return bool(letters) and letters[-1].isupper()


def _upper_around(text: str, i: int) -> bool:
    return text[i - 1].isupper() and text[i + 1].isupper()


#: what a warning says of the two replacements that are not a letter for a letter
_REPLACED_WORDS = {
    "en": ("digit 0 between letters → o", "stray combining plus sign below (U+031F) removed"),
    "vi": ("chữ số 0 giữa các chữ cái → o", "bỏ dấu cộng kết hợp thừa bên dưới (U+031F)"),
}


def replaced_list(folded: Folded, lang: str = "en") -> str:
    """``п → n, ʜ → h`` for a warning, in ``lang``."""
    zero, plus = _REPLACED_WORDS[lang]
    parts = []
    for ch in folded.replaced:
        if ch == "0":
            parts.append(zero)
        elif ch == _STRAY_PLUS_BELOW:
            parts.append(plus)
        else:
            parts.append(f"{ch} (U+{ord(ch):04X}) → {FOLDS[ch]}")
    return ", ".join(parts)
