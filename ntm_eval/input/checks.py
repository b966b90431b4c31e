"""Row checks: what needs more than one cell of a row, or more than one row.

Each check sees the identities of every row read (code, names, region, year), batch by
batch in file order — the rows the column-wise lane reads and those read one by one alike
— and may say which rows must not be evaluated. At the end it adds its problems.
``ROW_CHECKS`` lists them: one row per commune and year (D023), years outside the rule
set's period (W102), and the unit list (D020, D031–D033, W112, in ``units``). A new row
check is a class with ``see`` and ``finish`` added there.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import add, and_, lshift, rshift
from typing import Any

from ntm_eval.diagnostics import Problem
from ntm_eval.input.rows import Identities, Keys, Layout, RowCheck, Seen, held_back
from ntm_eval.input.units import unit_check
from ntm_eval.rules.model import RuleSet
from ntm_eval.shown import quoted


@dataclass(frozen=True)
class Context:
    """What a row check may need to know: the rule set, the file's layout, the unit list."""

    ruleset: RuleSet
    layout: Layout
    units: Any = None  # a ``units.UnitList`` or ``units.ByYear``; None: no unit check


def _duplicates(context: Context) -> RowCheck:
    return DuplicateCheck(context.layout.path, context.layout.columns.get("commune_code", 1))


def _period(context: Context) -> RowCheck:
    return PeriodCheck(context.ruleset, context.layout.path)


def _years(context: Context) -> RowCheck:
    return YearCheck(context.ruleset, context.layout.path)


def _units(context: Context) -> RowCheck | None:
    if context.units is None:
        return None
    return unit_check(context.layout, context.units)


#: Repeats of one commune and year reported line by line; the rest are counted in one
#: more problem, so that a file repeating one code on every row costs constant memory.
REPEATS_LISTED = 10
#: Codes of up to ``BYTE_DIGITS`` ASCII digits are marked a byte each (``DuplicateCheck``),
#: up to ``BIT_DIGITS`` a bit each, ``WIDE_DIGITS`` in containers; others kept as texts.
BYTE_DIGITS = 5
BIT_DIGITS = 6
#: Seven-digit codes (a file of a million rows or more from tests/bench/generate.py) are
#: marked in containers of 65,536 codes: a sorted array of 2 bytes a code, up to ``SPARSE``
#: codes, then a bitmap (a "roaring" bitmap). A bitmap a year held 1.25 MB whatever the
#: codes, 6.25 MB for 2016-2020; a million codes spread over them, 2 MB.
WIDE_DIGITS = 7
SPARSE = 4096


#: Every row check, as a function of the ``Context`` that makes it (None: not needed).
ROW_CHECKS: list[Callable[[Context], RowCheck | None]] = [_duplicates, _period, _years, _units]


class RowChecks:
    """The row checks of one file, run together."""

    def __init__(self, context: Context) -> None:
        made = (make(context) for make in ROW_CHECKS)
        self.checks = [check for check in made if check is not None]

    def see(self, rows: Identities) -> Seen:
        """Check a batch's rows (in file order); those held back (``rows.Seen``): a row
        one check leaves out is left out, else the first check's reason is its reason."""
        held: Seen = {}
        if len(rows):
            for check in self.checks:
                for position, reason in (check.see(rows) or {}).items():
                    if reason is None or position not in held:
                        held[position] = reason
        return held

    def finish(self, problems: list[Problem], keys: Keys) -> None:
        for check in self.checks:
            check.finish(problems, keys)


#: Why a repeated commune and year is not evaluable.
REPEAT = held_back("D023")


class DuplicateCheck:
    """One row per commune and year (D023), checked as rows are read, in bounded memory.

    Numeric codes of up to five digits (official codes have five) are marked in one byte
    array per number of digits, a slice of it per year — 100 kB a year for five digits —
    six-digit codes in a bitmap per year (125 kB; a byte a code took 1 MB), seven-digit
    codes in containers of 65,536 codes (``WIDE_DIGITS``); other codes go to a set. A duplicate is noted as it is
    found — the first ``REPEATS_LISTED`` of each code and year, the others only counted —
    the line of its first occurrence, which the message names, is found at the end by a
    second look at the (code, year) of every row (``finish``), only when there are
    duplicates.
    """

    def __init__(self, shown: str, col: int) -> None:
        self.shown, self.col = shown, col  # the code column, where a repeat is reported
        self.marks: dict[int, bytearray] = {}  # digits → a slice per year, a byte per code
        self.slots: dict[int, dict[int | None, int]] = {}  # digits → year → its slice
        self.bitmaps: dict[tuple[int, int | None], bytearray] = {}  # (digits, year) → bits
        #: seven-digit codes: (year, the code's high bits) → a container of its low 16 bits
        self.wide: dict[tuple[int | None, int], array | bytearray] = {}
        self.other: set[tuple[str, int | None]] = set()
        self.found: list[tuple[int, str, int | None]] = []  # (line, code, year) of a repeat
        #: (code, year) → how many repeats, and the line of the first one not listed
        self.repeats: dict[tuple[str, int | None], tuple[int, int]] = {}

    def _offset(self, year: int | None, size: int) -> int:
        """Where the slice of ``year`` starts in the marks of ``size``-digit codes."""
        slots = self.slots.setdefault(size, {})
        slot = slots.get(year)
        if slot is None:
            slot = slots[year] = len(slots)
            self.marks.setdefault(size, bytearray()).extend(bytes(10**size))
        return slot * 10**size

    def _bitmap(self, size: int, year: int | None) -> bytearray:
        """The bitmap of ``size``-digit codes of ``year``."""
        bitmap = self.bitmaps.get((size, year))
        if bitmap is None:
            bitmap = self.bitmaps[size, year] = bytearray(10**size // 8 + 1)
        return bitmap

    def see(self, rows: Identities) -> Seen:
        """The repeats among ``rows``, held back: the commune and year of a repeat were
        judged on an earlier line, so it is never met."""
        if rows.codes_are_digits:
            return self.see_digits(rows.lines, rows.codes, rows.years)
        return self.see_many(rows.lines, rows.codes, rows.years)

    def see_many(
        self, lines: Iterable[int], codes: Iterable[str], years: Iterable[int | None]
    ) -> Seen:
        """See the rows with these lines, codes and years, in file order; the repeats."""
        other = self.other
        held: Seen = {}
        for i, (line, code, year) in enumerate(zip(lines, codes, years)):
            if not code:
                continue
            size = len(code)
            if size <= BYTE_DIGITS and code.isdigit() and code.isascii():
                marks, at = self.marks, self._offset(year, size) + int(code)
                if not marks[size][at]:
                    marks[size][at] = 1
                    continue
            elif size == WIDE_DIGITS and code.isdigit() and code.isascii():
                if self._mark_wide(year, int(code)):
                    continue
            elif size <= BIT_DIGITS and code.isdigit() and code.isascii():
                bitmap = self._bitmap(size, year)
                n = int(code)
                byte, bit = n >> 3, 1 << (n & 7)
                if not bitmap[byte] & bit:
                    bitmap[byte] |= bit
                    continue
            else:
                key = (code, year)
                if key not in other:
                    other.add(key)
                    continue
            self._repeat(line, code, year)
            held[i] = REPEAT
        return held

    def _repeat(self, line: int, code: str, year: int | None) -> None:
        """Note a repeat: listed while its code and year have few, else only counted."""
        count, unlisted = self.repeats.get((code, year), (0, 0))
        if count < REPEATS_LISTED:
            self.found.append((line, code, year))
        elif not unlisted:
            unlisted = line
        self.repeats[(code, year)] = (count + 1, unlisted)

    def see_digits(
        self, lines: Sequence[int], codes: Sequence[str], years: Sequence[int | None]
    ) -> Seen:
        """``see_many`` for codes that are all ASCII digits: looked up and marked at C
        speed when no code repeats."""
        sizes = set(map(len, codes))
        size = sizes.pop()
        if sizes or size > WIDE_DIGITS:
            return self.see_many(lines, codes, years)
        if size == WIDE_DIGITS:
            return self._see_wide(lines, codes, years)
        if size > BYTE_DIGITS:
            return self._see_bits(lines, codes, years, size)
        offsets = {year: self._offset(year, size) for year in set(years)}
        numbers = map(int, codes)
        if len(offsets) == 1:
            at = list(map(next(iter(offsets.values())).__add__, numbers))
        else:
            at = list(map(add, numbers, map(offsets.__getitem__, years)))
        marks = self.marks[size]
        if len(set(at)) != len(at) or any(map(marks.__getitem__, at)):
            return self.see_many(lines, codes, years)  # a repeat: row by row, to find it
        deque(map(marks.__setitem__, at, repeat(1)), maxlen=0)
        return {}

    def _mark_wide(self, year: int | None, number: int) -> bool:
        """Mark a seven-digit code of ``year``; False when it was marked already. Its
        container (``wide``) is a sorted array of the codes' low 16 bits while it holds
        fewer than ``SPARSE``, then a bitmap of 8 kB."""
        key, low = (year, number >> 16), number & 0xFFFF
        box = self.wide.get(key)
        if box is None:
            self.wide[key] = array("H", (low,))
            return True
        if box.__class__ is bytearray:
            byte, bit = low >> 3, 1 << (low & 7)
            if box[byte] & bit:
                return False
            box[byte] |= bit
            return True
        at = bisect_left(box, low)
        if at < len(box) and box[at] == low:
            return False
        box.insert(at, low)
        if len(box) >= SPARSE:  # as large as a bitmap would be: a bitmap
            bitmap = bytearray(1 << 13)
            for low in box:
                bitmap[low >> 3] |= 1 << (low & 7)
            self.wide[key] = bitmap
        return True

    def _see_wide(
        self, lines: Sequence[int], codes: Sequence[str], years: Sequence[int | None]
    ) -> Seen:
        """``see_many`` for seven-digit codes (all ASCII digits, none empty)."""
        held: Seen = {}
        mark = self._mark_wide
        for i, (number, year) in enumerate(zip(map(int, codes), years)):
            if not mark(year, number):
                self._repeat(lines[i], codes[i], year)
                held[i] = REPEAT
        return held

    def _see_bits(
        self, lines: Sequence[int], codes: Sequence[str], years: Sequence[int | None], size: int
    ) -> Seen:
        """``see_digits`` for codes of ``size`` digits, marked in bitmaps: looked up at C
        speed, marked one by one (two codes may share a byte) when no code repeats."""
        numbers = list(map(int, codes))
        bitmaps = {year: self._bitmap(size, year) for year in set(years)}
        maps = list(map(bitmaps.__getitem__, years))
        at = list(map(rshift, numbers, repeat(3)))
        bits = list(map(lshift, repeat(1), map(and_, numbers, repeat(7))))
        if len(set(zip(numbers, years))) != len(numbers) or any(
            map(and_, map(bytearray.__getitem__, maps, at), bits)
        ):
            return self.see_many(lines, codes, years)  # a repeat: row by row, to find it
        for bitmap, byte, bit in zip(maps, at, bits):
            bitmap[byte] |= bit
        return {}

    def finish(self, problems: list[Problem], keys: Keys) -> None:
        """Report each repeat; ``keys()`` gives (line, code, year) of every row again, in
        file order, to find the first line of each repeated pair."""
        if not self.found:
            return
        wanted = {(code, year) for _, code, year in self.found}
        first: dict[tuple[str, int | None], int] = {}
        for line, code, year in keys():
            if (code, year) in wanted and (code, year) not in first:
                first[(code, year)] = line
                if len(first) == len(wanted):
                    break
        for line, code, year in self.found:
            problems.append(
                Problem(
                    "D023",
                    f"column 'commune_code': value {quoted(code)} — already on line "
                    f"{first[(code, year)]} for year {year}; expected one row per commune and year",
                    self.shown,
                    line,
                    self.col,
                    column="commune_code",
                    value=code,
                    message_vi=f"cột 'commune_code': giá trị {quoted(code)} — đã có ở dòng "
                    f"{first[(code, year)]} cho năm {year}; mỗi xã chỉ có một dòng cho mỗi năm",
                )
            )
        for (code, year), (count, unlisted) in self.repeats.items():
            if count > REPEATS_LISTED:
                problems.append(self._more(code, year, count - REPEATS_LISTED, unlisted))

    def _more(self, code: str, year: int | None, more: int, line: int) -> Problem:
        """The one problem that stands for the repeats of a code and year not listed."""
        return Problem(
            "D023",
            f"column 'commune_code': value '{code}' — repeated on {more} more line(s) for "
            f"year {year} from this line on (only the first {REPEATS_LISTED} repeats are "
            "listed); expected one row per commune and year",
            self.shown,
            line,
            self.col,
            column="commune_code",
            value=code,
            message_vi=f"cột 'commune_code': giá trị '{code}' — lặp thêm ở {more} dòng cho năm "
            f"{year} từ dòng này trở đi (chỉ liệt kê {REPEATS_LISTED} lần lặp đầu tiên); mỗi xã "
            "chỉ có một dòng cho mỗi năm",
        )


class PeriodCheck:
    """Rows whose year is outside the rule set's period (W102, one warning per year)."""

    def __init__(self, ruleset: RuleSet, shown: str) -> None:
        self.ruleset, self.shown = ruleset, shown
        self.period = ruleset.period
        self.outside: dict[int, tuple[int, list[int]]] = {}  # year → (count, first 5 lines)

    def is_outside(self, year: int | None) -> bool:
        period = self.period
        return period is not None and year is not None and not period.from_ <= year <= period.to

    def see(self, rows: Identities) -> None:
        years = rows.years
        outside = {year for year in set(years) if self.is_outside(year)}
        if outside:
            for line, year in zip(rows.lines, years):
                if year in outside:
                    self._see_line(line, year)  # type: ignore[arg-type]  # outside: not None

    def _see_line(self, line: int, year: int) -> None:
        """Note a row of a year outside the period."""
        count, lines = self.outside.get(year, (0, []))
        if len(lines) < 5 or line < lines[-1]:
            lines.append(line)
            lines.sort()
            del lines[5:]
        self.outside[year] = (count + 1, lines)

    def finish(self, problems: list[Problem], keys: Keys) -> None:
        period = self.period
        if period is None:  # nothing is outside a set without a period
            return
        for year, (count, lines) in sorted(self.outside.items()):
            shown_lines = ", ".join(map(str, lines)) + (", …" if count > 5 else "")
            problems.append(
                Problem(
                    "W102",
                    f"year {year} is outside the period of rule set '{self.ruleset.id}' "
                    f"({period.from_}–{period.to}); {count} row(s), line(s) {shown_lines}",
                    self.shown,
                    lines[0],
                    severity="warning",
                    message_vi=f"năm {year} nằm ngoài giai đoạn của bộ tiêu chí "
                    f"'{self.ruleset.id}' ({period.from_}–{period.to}); {count} dòng, dòng "
                    f"{shown_lines}",
                )
            )


class YearCheck:
    """Rows of a year for which a year-keyed threshold has no value (W103, one warning per
    file): their indicator is not evaluable, and the file should say so once, with how
    many rows, rather than leave it to each commune's detail."""

    def __init__(self, ruleset: RuleSet, shown: str) -> None:
        self.shown = shown
        self.measures = [
            (ind.id, m)
            for _, ind, m in ruleset.measures()
            if any(isinstance(raw, dict) for raw in m.thresholds.values())
        ]
        self.lacking: dict[tuple[str | None, int | None], tuple[str, ...]] = {}
        self.count = 0
        self.first: int | None = None
        self.years: set[int] = set()
        self.ids: dict[str, None] = {}

    def _lacks(self, place: tuple[str | None, int | None]) -> tuple[str, ...]:
        found = self.lacking.get(place)
        if found is None:
            found = self.lacking[place] = tuple(
                dict.fromkeys(i for i, m in self.measures if m.lacks_year(*place))
            )
        return found

    def see(self, rows: Identities) -> None:
        if not self.measures:
            return
        for line, place in zip(rows.lines, zip(rows.regions, rows.years)):
            ids = self._lacks(place)
            if ids:
                self.count += 1
                self.first = line if self.first is None else min(self.first, line)
                self.years.add(place[1])  # type: ignore[arg-type]  # lacking: a year
                self.ids.update(dict.fromkeys(ids))

    def finish(self, problems: list[Problem], keys: Keys) -> None:
        if not self.count:
            return
        years = ", ".join(map(str, sorted(self.years)))
        problems.append(
            Problem(
                "W103",
                f"no threshold for {years} in this rule set for indicator(s) "
                f"{', '.join(self.ids)}: not evaluable on {self.count} row(s)",
                self.shown,
                self.first,
                severity="warning",
                message_vi=f"bộ tiêu chí không có ngưỡng cho năm {years} của chỉ tiêu "
                f"{', '.join(self.ids)}: chưa đánh giá được ở {self.count} dòng",
            )
        )
