"""Parsers for data cells: text as typed in a spreadsheet → a typed value.

Each parser returns ``None`` for an empty cell (a missing value, not an error) and raises
``CellError`` — with the problem code and what was expected — for anything it cannot read.
"""

from __future__ import annotations

import re

from ntm_eval.text import fold


class CellError(ValueError):
    def __init__(self, code: str, expected: str) -> None:
        super().__init__(expected)
        self.code = code
        self.expected = expected


_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")

#: Yes/no words, folded (see ``text.fold``). "Cơ bản đạt" (basically met) is NOT met.
YES = {"dat", "1", "true", "yes", "co", "met"}
NO = {"chua dat", "khong dat", "co ban dat", "0", "false", "no", "khong", "not met"}

BOOL_EXPECTED = "a yes/no judgement: Đạt, Chưa đạt, Không đạt, Cơ bản đạt, 1/0, true/false, yes/no, có/không"


def _number(raw: str, allow_percent: bool, expected: str) -> float:
    text = raw.strip()
    if allow_percent and text.endswith("%"):
        text = text[:-1].rstrip()
    if not _NUMBER.fullmatch(text):
        raise CellError("D010", expected)
    return float(text.replace(",", "."))


def parse_pct(raw: str) -> float | None:
    if not raw.strip():
        return None
    value = _number(raw, True, "a percentage from 0 to 100 (e.g. 85.5, 85,5 or 85.5%)")
    if not 0 <= value <= 100:
        raise CellError("D011", "a percentage from 0 to 100")
    return value


def parse_count(raw: str) -> int | None:
    if not raw.strip():
        return None
    value = _number(raw, False, "a whole number ≥ 0")
    if value < 0 or value != int(value):
        raise CellError("D012", "a whole number ≥ 0")
    return int(value)


def parse_money(raw: str) -> float | None:
    if not raw.strip():
        return None
    value = _number(raw, False, "an amount ≥ 0 in million VND (e.g. 41.5 or 41,5)")
    if value < 0:
        raise CellError("D013", "an amount ≥ 0 in million VND")
    return value


def parse_bool(raw: str) -> bool | None:
    word = fold(raw)
    if not word:
        return None
    if word in YES:
        return True
    if word in NO:
        return False
    raise CellError("D014", BOOL_EXPECTED)


PARSERS = {"pct": parse_pct, "count": parse_count, "money": parse_money, "bool": parse_bool}
