"""The Vietnamese texts of the tool use the glossary's words (docs/glossary.md): where an
English text names a term, its Vietnamese text uses the term's word; no Vietnamese text
uses a forbidden variant."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from ntm_eval.diagnostics import CODES, CODES_VI, EXPECTED_VI
from ntm_eval.i18n import MESSAGES
from ntm_eval.reasons import REASONS

GLOSSARY = ROOT / "docs" / "glossary.md"

#: English words that name a term only in some texts: (term, English text) pairs where
#: the English word means something else ("met" in "meet", a code's own name).
NOT_THE_TERM = re.compile(r"\{[^}]*\}|'[^']*'|`[^`]*`|--[a-z-]+")


def _terms() -> list[tuple[list[str], str, list[str]]]:
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("English", "---") or set(cells[0]) <= {"-"}:
            continue
        english = [w.strip() for w in re.sub(r"\(.*?\)", "", cells[0]).split(",")]
        forbidden = [w.strip() for w in cells[2].split(";") if w.strip()]
        rows.append((english, cells[1], forbidden))
    return rows


def _pairs() -> list[tuple[str, str, str]]:
    """(where, English, Vietnamese) of every text the tool has in both languages."""
    out = [(f"i18n {k}", en, vi) for k, (en, vi) in MESSAGES.items()]
    out += [(f"code {c}", CODES[c], CODES_VI[c]) for c in CODES]
    out += [(f"reason {k}", en, vi) for k, (en, vi) in REASONS.items()]
    out += [(f"expected {en!r}", en, vi) for en, vi in EXPECTED_VI]
    return out


def test_the_glossary_reads():
    terms = _terms()
    assert len(terms) >= 20
    assert (["threshold"], "ngưỡng", ["mức chuẩn", "định mức"]) in terms


@pytest.mark.parametrize("english,vietnamese,forbidden", _terms(), ids=lambda x: str(x))
def test_vietnamese_texts_use_the_glossary(english, vietnamese, forbidden):
    wrong = []
    for where, en, vi in _pairs():
        text = NOT_THE_TERM.sub("", en).lower()
        named = any(re.search(rf"\b{re.escape(w.lower())}\b", text) for w in english)
        if "not met" in text and english == ["met"]:
            named = True  # "Chưa đạt" holds "đạt"
        if named and vietnamese.lower() not in vi.lower():
            wrong.append(f"{where}: {en!r} → {vi!r} (expected '{vietnamese}')")
        for bad in forbidden:
            if bad.lower() in vi.lower():
                wrong.append(f"{where}: {vi!r} uses '{bad}' (the glossary says '{vietnamese}')")
    assert not wrong, "\n".join(wrong)
