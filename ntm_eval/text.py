"""Text normalisation for matching words typed by people (yes/no words, region names)."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form: ``'  Chưa  ĐẠT '`` → ``'chua dat'``."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())
