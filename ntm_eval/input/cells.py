"""Parsers for data cells: text as typed in a spreadsheet → a typed value.

Each parser returns ``None`` for an empty cell (a missing value, not an error) and raises
``CellError`` — with the problem code and what was expected — for anything it cannot read.
Cells from workbooks may already be numbers or booleans; those are checked, not re-read.

Numbers may use a decimal comma or point and group thousands with ``.``, ``,`` or spaces
(``1.234,5``, ``1,234.5``, ``1 234``). A value such as ``1.234`` is ambiguous on its own;
``NumberReader`` settles it from the other numbers of the same file, or reports it.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, NamedTuple

from ntm_eval.diagnostics import Finding, value_finding
from ntm_eval.normalise import fold


class Percent(float):
    """A workbook number formatted as a percentage: the stored value (0.855, shown as
    85.5%). Only a percentage column reads it as shown (85.5); any other column reads the
    stored value, and ``percent_format`` warns (an income of 0.41 formatted as 41% is
    0.41 million VND, not 41)."""

    __slots__ = ()

    def shown(self) -> str:
        """The cell as the sheet shows it: ``85.5%``."""
        return f"{round(float(self) * 100, 9):g}%"


def percent_format(column: Any, raw: Any, value: Any) -> Finding | None:
    """A cell check (``rows.CELL_CHECKS``): a percent-formatted number outside a
    percentage column is read as its stored value — say so, with both."""
    if raw.__class__ is not Percent or column.kind == "pct" or value is None:
        return None
    return Finding(
        "W131",
        f"{column.label}: the cell is formatted as a percentage ({raw.shown()}) but the "
        f"column is not a percentage; read as the stored value {_plain(float(raw))}",
        raw.shown(),
        "warning",
        message_vi=f"cột{column.label[6:]}: ô được định dạng phần trăm ({raw.shown()}) nhưng "
        f"cột không phải tỷ lệ phần trăm; đọc theo giá trị lưu trong ô {_plain(float(raw))}",
    )


class CellError(ValueError):
    """A cell its parser cannot read: the code, what was expected (``expected_vi``: in
    Vietnamese, where ``diagnostics.expected_vi`` cannot translate it phrase by phrase)."""

    def __init__(self, code: str, expected: str, expected_vi: str | None = None) -> None:
        super().__init__(expected)
        self.code = code
        self.expected = expected
        self.expected_vi = expected_vi


class Ambiguous(NamedTuple):
    """A number whose only separator could mark decimals or thousands: ``1.234``."""

    raw: str
    sep: str
    as_decimal: float
    as_thousands: float


#: Yes/no words in Vietnamese, with their accents: accepted in any letter case, and
#: written wholly without accents (``chua dat``); any other accents are another word
#: (``Đất``, ``Đặt``: D014). "Cơ bản đạt" (basically met) is NOT met.
VIETNAMESE_YES = ("Đạt", "Có")
VIETNAMESE_NO = ("Chưa đạt", "Không đạt", "Cơ bản đạt", "Không")
#: Other words and digits, in any letter case.
OTHER_YES = ("1", "true", "yes", "met")
OTHER_NO = ("0", "false", "no", "not met")


def _words() -> dict[str, bool]:
    """Every accepted yes/no word, lower case → its value."""
    words = {w.lower(): True for w in (*VIETNAMESE_YES, *OTHER_YES)}
    words |= {w.lower(): False for w in (*VIETNAMESE_NO, *OTHER_NO)}
    return words | {fold(w): value for w, value in words.items()}


WORDS = _words()
#: A word's form without accents → the Vietnamese spelling it may have meant.
MEANT = {fold(w): w for w in (*VIETNAMESE_YES, *VIETNAMESE_NO)}

BOOL_EXPECTED = (
    "a yes/no judgement: Đạt, Chưa đạt, Không đạt, Cơ bản đạt, 1/0, true/false, yes/no, có/không"
)
EXPECTED = {
    "pct": "a percentage from 0 to 100 (e.g. 85.5, 85,5 or 85.5%)",
    "count": "a whole number ≥ 0",
    "money": "an amount ≥ 0 in million VND (e.g. 41.5 or 41,5)",
}

# Spaces people (and spreadsheets) put inside numbers: no-break, narrow no-break, thin.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "})
_NUMBER = re.compile(r"([+\-\u2212]?) ?([0-9](?:[0-9]|[.,][0-9]| [0-9])*)")
_GROUPS = re.compile(r"[.,  ]")
#: A number written plainly: digits, then maybe a '.' and decimals that cannot be a group
#: of thousands (not three digits). Most cells of a national file are such; it reads as
#: ``float`` reads it (see ``read_number``, and ``rows.Column.read_plain`` for a batch).
PLAIN = re.compile(r"[0-9]+(?:\.(?:[0-9]{1,2}|[0-9]{4,}))?")
#: Plain whole numbers (a count's cells).
WHOLE = re.compile(r"[0-9]+")
#: Texts joined by U+001F, each plain (each whole): a batch checked in one match.
PLAINS = re.compile(f"{PLAIN.pattern}(?:\x1f{PLAIN.pattern})*")
WHOLES = re.compile(f"{WHOLE.pattern}(?:\x1f{WHOLE.pattern})*")
DECIMAL_POINT = ("dec.",)  # what a plain number with decimals shows


@lru_cache(maxsize=16384)
def read_number(raw: str, percent: bool) -> tuple[float | Ambiguous, tuple[str, ...]] | None:
    """Read a number written by a person; None when ``raw`` is not one.

    Returns the value (or ``Ambiguous``) and what it shows about the file's separators:
    ``'dec.'`` / ``'dec,'`` (that mark separates decimals), ``'thou.'`` / ``'thou,'``.
    """
    if PLAIN.fullmatch(raw):
        return float(raw), DECIMAL_POINT if "." in raw else ()
    text = raw.translate(_SPACES).strip()
    if percent and text.endswith("%"):
        text = text[:-1].rstrip()
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    sign = -1.0 if match.group(1) in ("-", "\u2212") else 1.0
    body = match.group(2)
    groups = _GROUPS.split(body)
    seps = _GROUPS.findall(body)
    if not seps:
        return sign * float(body), ()
    last = seps[-1]
    if all(s == last for s in seps):
        if len(seps) == 1 and last != " ":
            head, tail = groups
            decimal = sign * float(f"{head}.{tail}")
            if len(tail) != 3 or head[0] == "0" or len(head) > 3:
                return decimal, ("dec" + last,)
            return Ambiguous(raw, last, decimal, sign * float(head + tail)), ()
        if _grouped(groups):
            return sign * float("".join(groups)), (("thou" + last,) if last != " " else ())
        return None
    # Two kinds: the last separator marks decimals, the others group thousands.
    if (
        last == " "
        or seps.count(last) != 1
        or len(set(seps[:-1])) != 1
        or not _grouped(groups[:-1])
    ):
        return None
    thousands = seps[0]
    shows = ("dec" + last,) + (("thou" + thousands,) if thousands != " " else ())
    return sign * float("".join(groups[:-1]) + "." + groups[-1]), shows


def _grouped(groups: list[str]) -> bool:
    """``['1', '234', '567']``: a thousands grouping (1–3 leading digits, then threes)."""
    return 1 <= len(groups[0]) <= 3 and groups[0][0] != "0" and all(len(g) == 3 for g in groups[1:])


def _typed_number(value: Any, expected: str, percent: bool = False) -> float:
    """A cell a workbook already holds as a number; in a percentage column (``percent``),
    a percent-formatted one as shown (0.855 → 85.5)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
            raise CellError(
                "D010",
                expected + " — the cell holds a date or time; format the "
                "column as Number and type the value again",
            )
        raise CellError("D010", expected)
    if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite
        raise CellError("D010", expected)
    if percent and value.__class__ is Percent:
        return round(value * 100, 9)
    return float(value)


def check_pct(value: float) -> float:
    if not 0 <= value <= 100:
        raise CellError("D011", "a percentage from 0 to 100")
    return value


def check_count(value: float) -> int:
    if value < 0 or value != int(value):
        raise CellError("D012", "a whole number ≥ 0")
    return int(value)


def check_money(value: float) -> float:
    if value < 0:
        raise CellError("D013", "an amount ≥ 0 in million VND")
    return value


CHECKS: dict[str, Callable[[float], Any]] = {
    "pct": check_pct,
    "count": check_count,
    "money": check_money,
}


@lru_cache(maxsize=1024)
def _bool_word(raw: str) -> bool | None:
    """A yes/no word: one of ``WORDS`` (case and spacing aside, NFC); look-alike letters
    pasted from elsewhere (``Ðạt``) are read as the letters they look like."""
    word = _word(raw)
    if not word:
        return None
    value = WORDS.get(word)
    if value is not None:
        return value
    from ntm_eval.lookalike import fold_letters

    word = _word(fold_letters(raw).text)
    value = WORDS.get(word)
    if value is not None:
        return value
    meant = MEANT.get(fold(word))
    if meant is not None:  # the letters of a word, other accents: another word
        raise CellError("D014", f"{BOOL_EXPECTED} (did you mean '{meant}'?)")
    raise CellError("D014", BOOL_EXPECTED)


def _word(raw: str) -> str:
    """``raw`` in lower case, NFC, its spacing tidied."""
    if not raw.isascii():
        raw = unicodedata.normalize("NFC", raw)
    return " ".join(raw.lower().split())


def parse_bool(raw: Any) -> bool | None:
    if raw.__class__ is str:
        return _bool_word(raw)
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    raise CellError("D014", BOOL_EXPECTED)


def blank(cells: Iterable[Any]) -> bool:
    """Whether a record holds nothing: a blank line, only separators, empty cells (a
    workbook's empty cell is None). Such a record is no row, and no problem."""
    return not any(c is not None and (c.__class__ is not str or c.strip()) for c in cells)


def shown(raw: Any) -> str:
    """A cell as text for messages: 85.0 → '85', 85.5 → '85.5'."""
    if raw.__class__ is str:
        return raw
    if raw.__class__ is Percent:
        return raw.shown()
    if isinstance(raw, float) and raw == raw and raw not in (_INF, -_INF) and raw == int(raw):
        return str(int(raw))
    return str(raw)


_INF = float("inf")


def parse_text(raw: Any) -> str:
    """A name or code: spacing tidied; a workbook's number as its text."""
    if raw.__class__ is not str:
        return "" if raw is None else shown(raw)
    return " ".join(raw.split())


def parse_year(raw: Any) -> int | None:
    if raw.__class__ is not str:
        if raw is None:
            return None
        if (
            isinstance(raw, (int, float))
            and not isinstance(raw, bool)
            and raw == int(raw)
            and 1900 <= raw <= 2100
        ):
            return int(raw)
        raise CellError("D022", "a year such as 2020")
    text = raw.strip()
    if not text:
        return None
    if not text.isdigit() or not text.isascii() or not 1900 <= int(text) <= 2100:
        raise CellError("D022", "a year such as 2020")
    return int(text)


def region_parser(regions: dict[str, Any], word: str = "region") -> Callable[[Any], str | None]:
    """Parser accepting a region (or other class: ``word``) key in any case, or its
    Vietnamese or English name (``regions``: key → its ``Text`` name)."""
    names: dict[str, str] = {}
    for key, name in regions.items():
        for spelling in (key, name.vi, name.en):
            names[fold(spelling)] = key
    expected = f"a {word}: " + ", ".join(regions) + " (or its Vietnamese name)"

    def parse(raw: Any) -> str | None:
        word = fold(parse_text(raw))
        if not word:
            return None
        if word not in names:
            raise CellError("D021", expected)
        return names[word]

    return parse


def evidence_of(text: str, kind: str | None) -> tuple[str, ...]:
    """What the text of a number cell of ``kind`` shows of the file's separators: 'dec.'
    (a '.' marks decimals), 'thou,' (a ',' groups thousands), … (see ``read_number``)."""
    if kind is None or kind == "bool":
        return ()
    read = read_number(text, kind == "pct")
    return () if read is None else read[1]


class Invalid(NamedTuple):
    """A cell its parser cannot read: the problem code, what was expected, the cell."""

    code: str
    expected: str
    raw: str
    expected_vi: str | None = None

    def finding(self, label: str) -> Finding:
        return value_finding(
            self.code, label, self.raw, self.expected, expected_in_vi=self.expected_vi
        )


def tolerant(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Wrap a cell parser so a bad cell becomes an ``Invalid`` marker, not an exception:
    pydantic then validates every cell of a row, and the row keeps its good values."""

    def validate(raw: Any) -> Any:
        try:
            return parse(raw)
        except CellError as exc:
            return Invalid(exc.code, exc.expected, shown(raw), exc.expected_vi)

    return validate


class NumberReader:
    """Reads the number cells of one file, remembering how its separators are used, so that
    a lone ``1.234`` can be settled by the rest of the file — or reported, never guessed."""

    def __init__(self) -> None:
        #: evidence ('dec.', 'thou,', …) → the first value showing it (see ``note``)
        self.seen: dict[str, str] = {}

    def parser(self, kind: str) -> Callable[[Any], Any]:
        """The cell parser for a column of ``kind``; ambiguous numbers come back as ``Ambiguous``."""
        if kind == "bool":
            return parse_bool
        check, expected, percent = CHECKS[kind], EXPECTED[kind], kind == "pct"

        def parse(raw: Any) -> Any:
            if raw.__class__ is not str:
                return None if raw is None else check(_typed_number(raw, expected, percent))
            read = read_number(raw, percent)
            if read is None:
                if not raw.strip():
                    return None
                raise CellError("D010", expected)
            value = read[0]
            if isinstance(value, Ambiguous):
                return value
            return check(value)

        return parse

    def note(self, shows: tuple[str, ...], text: str) -> None:
        """Note what a value shows of the separators (``evidence_of``); read in file order,
        the first value showing each use is kept, for messages."""
        for evidence in shows:
            if evidence not in self.seen:
                self.seen[evidence] = text.strip()

    def knows(self, evidence: str) -> bool:
        return evidence in self.seen

    def resolve(self, number: Ambiguous, kind: str) -> Any:
        """The value of an ambiguous number under this file's use of separators."""
        sep = number.sep
        other = "," if sep == "." else "."
        as_decimal = self.seen.get("dec" + sep)
        as_thousands = self.seen.get("thou" + sep) or self.seen.get("dec" + other)
        if as_decimal and not as_thousands:
            return CHECKS[kind](number.as_decimal)
        if as_thousands and not as_decimal:
            return CHECKS[kind](number.as_thousands)
        if as_decimal and as_thousands:
            why = f"this file uses '{sep}' both ways (e.g. '{as_decimal}' and '{as_thousands}')"
            why_vi = (
                f"tệp này dùng '{sep}' theo cả hai cách (ví dụ '{as_decimal}' và '{as_thousands}')"
            )
        else:
            why = "no other number in this file shows which"
            why_vi = "không có số nào khác trong tệp cho biết cách nào"
        decimal, grouped = _plain(number.as_decimal), _plain(number.as_thousands)
        raise CellError(
            "D040",
            (
                f"an unambiguous number: '{number.raw.strip()}' reads as {_plain(number.as_decimal)} "
                f"if '{sep}' marks decimals or {_plain(number.as_thousands)} if it separates "
                f"thousands, and {why}; write {_plain(number.as_thousands)} without a separator, or "
                f"give the decimal with more or fewer digits"
            ),
            (
                f"số viết không gây nhầm lẫn: '{number.raw.strip()}' được đọc là {decimal} nếu "
                f"'{sep}' là dấu thập phân, hoặc {grouped} nếu '{sep}' phân cách hàng nghìn, và "
                f"{why_vi}; hãy viết {grouped} không có dấu phân cách, hoặc viết phần thập phân "
                "với nhiều hoặc ít chữ số hơn"
            ),
        )


def _plain(x: float) -> str:
    return str(int(x)) if x == int(x) else repr(x)


def _standalone(kind: str) -> Callable[[Any], Any]:
    def standalone(raw: Any) -> Any:
        reader = NumberReader()  # no file around this cell: nothing settles an ambiguity
        value = reader.parser(kind)(raw)
        return reader.resolve(value, kind) if value.__class__ is Ambiguous else value

    return standalone


#: Parsers for a single cell, out of any file: an ambiguous number is an error here.
parse_pct = _standalone("pct")
parse_count = _standalone("count")
parse_money = _standalone("money")
PARSERS = {"pct": parse_pct, "count": parse_count, "money": parse_money, "bool": parse_bool}
