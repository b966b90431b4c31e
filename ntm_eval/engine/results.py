"""The result of a check: frozen, typed, and free of any presentation.

Also the rules every result follows — how statuses combine (``combine``), how communes are
ordered (``sort_key``), how they are counted (``Tally``) — and the form in which results
come from the engine batch by batch (``ResultBatch``, ``Results``).
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import and_, attrgetter, itemgetter, lshift, or_, rshift
from typing import Any, NamedTuple, Protocol

from ntm_eval.diagnostics import HasProblems, Problem
from ntm_eval.rules.model import Criterion, RuleSet, Text

MET = "met"
NOT_MET = "not_met"
NOT_EVALUABLE = "not_evaluable"
STATUSES = (MET, NOT_MET, NOT_EVALUABLE)

#: Statuses from best to worst, and each one's rank. A whole is as good as its worst part:
#: a criterion is not met if any of its indicators is not met, else not evaluable if any
#: is, else met; a commune likewise over its criteria. Nothing that could not be evaluated
#: is ever met.
BY_RANK = (MET, NOT_EVALUABLE, NOT_MET)
RANK = {status: rank for rank, status in enumerate(BY_RANK)}
#: The rank of a whole from the ranks of its parts (``worst(a, b)``, ``worst(ranks)``).
worst = max


def combine(statuses: Iterable[str]) -> str:
    """The status of a whole from its parts' statuses (see ``BY_RANK``); met when empty."""
    return BY_RANK[worst(map(RANK.__getitem__, statuses), default=0)]


def sort_key(code: str, year: int | None, line: int) -> tuple[str, int, int]:
    """The order communes are reported in: by code, then year, then line."""
    return code, year or 0, line


class IndicatorResult(NamedTuple):
    """One measure of one indicator for one commune (17.1 yields two).

    A NamedTuple rather than a dataclass: a national file makes half a million of these,
    and a tuple is immutable and several times cheaper to build.
    """

    id: str
    column: str
    kind: str
    value: Any  # float, int or bool; None when missing or unreadable
    op: str
    threshold: Any  # None when no threshold applies to the commune's region and year
    threshold_from: int | None  # the year a year-keyed threshold applies from
    unit: str | None
    status: str
    gap: float | None  # value − threshold, signed so that < 0 is the shortfall
    verified: bool | None  # whether the threshold is confirmed by a published source
    reason: str | None  # why the indicator is not evaluable


@dataclass(frozen=True, slots=True)
class CriterionResult:
    id: str
    name: Text
    sector: str
    status: str
    indicators: tuple[IndicatorResult, ...]
    #: Set when a filter kept only some indicators of a criterion: this result is then one
    #: indicator (``id`` "14.3") of criterion ``part_of`` ("14").
    part_of: str | None = None

    @classmethod
    def of(
        cls,
        id: str,
        name: Text,
        sector: str,
        parts: tuple[IndicatorResult, ...],
        part_of: str | None = None,
    ) -> CriterionResult:
        """The result of a criterion (or of some of its indicators) judged by ``parts``."""
        return cls(id, name, sector, combine([r.status for r in parts]), parts, part_of)


@dataclass(frozen=True, slots=True)
class CommuneResult:
    code: str
    name: str
    district: str
    province: str
    region: str | None
    year: int | None
    line: int
    status: str
    criteria_met: int
    criteria_total: int
    criteria: tuple[CriterionResult, ...]
    #: Set when a reassignment flag of the rule set moved the commune to another class:
    #: its own class (``region`` is then the class whose thresholds judged it) and the
    #: flag column that moved it.
    own_class: str | None = None
    reassigned_by: str | None = None
    #: The data column of the class (``RuleSet.class_column``): 'region', 'commune_group'…
    class_column: str = "region"

    @property
    def class_doc(self) -> dict[str, Any] | None:
        """The class that judged the commune, for output — None for the usual case of a
        region-keyed set and no reassignment (the region says it all)."""
        if self.class_column == "region" and self.reassigned_by is None:
            return None
        return {
            "column": self.class_column,
            "value": self.region,
            "own": self.own_class if self.reassigned_by else self.region,
            "reassigned_by": self.reassigned_by,
        }

    @property
    def not_met(self) -> list[str]:
        return [c.id for c in self.criteria if c.status == NOT_MET]

    @property
    def not_evaluable(self) -> list[str]:
        return [c.id for c in self.criteria if c.status == NOT_EVALUABLE]

    @property
    def sort_key(self) -> tuple[str, int, int]:
        return sort_key(self.code, self.year, self.line)


class Verdict(NamedTuple):
    """A commune's standing over its criteria: its status, how many are met, which are
    not met and which could not be evaluated."""

    status: str
    criteria_met: int
    criteria_total: int
    not_met: tuple[str, ...]
    not_evaluable: tuple[str, ...]

    @classmethod
    def of_criteria(cls, criteria: Sequence[CriterionResult]) -> Verdict:
        """The verdict of these criterion results."""
        return cls.of([c.id for c in criteria], [RANK[c.status] for c in criteria])

    @classmethod
    def of(cls, ids: Sequence[str], ranks: Sequence[int]) -> Verdict:
        """The verdict of criteria ``ids`` of these status ranks."""
        return cls(
            BY_RANK[worst(ranks, default=0)],
            list(ranks).count(RANK[MET]),
            len(ranks),
            tuple(compress(ids, map(RANK[NOT_MET].__eq__, ranks))),
            tuple(compress(ids, map(RANK[NOT_EVALUABLE].__eq__, ranks))),
        )

    def joined(self, other: Verdict) -> Verdict:
        """The verdict of two sets of criteria together (this one's first)."""
        return Verdict(
            BY_RANK[worst(RANK[self.status], RANK[other.status])],
            self.criteria_met + other.criteria_met,
            self.criteria_total + other.criteria_total,
            self.not_met + other.not_met,
            self.not_evaluable + other.not_evaluable,
        )


@dataclass(frozen=True, slots=True)
class CriterionCount:
    id: str
    name: Text
    met: int
    not_met: int
    not_evaluable: int


@dataclass(frozen=True, slots=True)
class Band:
    label: str
    low: int
    high: int
    communes: int


@dataclass(frozen=True, slots=True)
class Summary:
    communes: int
    met: int
    not_met: int
    not_evaluable: int
    by_criterion: tuple[CriterionCount, ...]
    bands: tuple[Band, ...]
    #: The years the communes were judged in, in order; with several, ``communes``
    #: counts commune-years and ``distinct`` the communes (None: too many to count).
    years: tuple[int, ...] = ()
    distinct: int | None = None

    @property
    def several_years(self) -> bool:
        return len(self.years) > 1


@dataclass(frozen=True, slots=True)
class Filters:
    """Which criteria and communes a view keeps. Empty tuples keep everything; several
    values of one filter are alternatives (or), different filters all apply (and)."""

    sectors: tuple[str, ...] = ()
    criteria: tuple[str, ...] = ()  # criterion or indicator ids
    districts: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()  # commune codes
    years: tuple[int, ...] = ()  # assessment years

    @property
    def selects_items(self) -> bool:
        """Whether the filters keep only some criteria or indicators."""
        return bool(self.sectors or self.criteria)

    def __bool__(self) -> bool:
        return any(
            (self.sectors, self.criteria, self.districts, self.statuses, self.communes, self.years)
        )

    def to_dict(self) -> dict[str, list[Any]]:
        return {
            "sector": list(self.sectors),
            "criterion": list(self.criteria),
            "district": list(self.districts),
            "status": list(self.statuses),
            "commune": list(self.communes),
            # only when given: outputs without it stay as they were
            **({"year": list(self.years)} if self.years else {}),
        }


@dataclass(frozen=True, slots=True)
class Report(HasProblems):
    ruleset: RuleSet
    input_path: str
    input_rows: int
    summary: Summary
    communes: tuple[CommuneResult, ...]
    problems: tuple[Problem, ...]
    filters: Filters = Filters()
    input_sheet: str | None = None  # the worksheet read, for a workbook


# --- counting -----------------------------------------------------------------------------


def bands_for(total: int, ruleset: RuleSet | None = None) -> tuple[tuple[str, int, int], ...]:
    """The summary's bands over ``total`` items: the rule set's own when they are its
    criteria (``RuleSet.band_specs``), else all met and the rest."""
    if ruleset is not None and total == len(ruleset.criteria):
        return ruleset.band_specs()
    return ((f"{total}/{total}", total, total), (f"under {total}", 0, total - 1))


#: Distinct commune codes a summary counts before it stops (a country has about ten
#: thousand communes; a file of more distinct codes is counted by rows only).
DISTINCT_LIMIT = 200_000
#: Codes of up to this many ASCII digits are counted in a bitmap (``Codes``): 1.25 MB for
#: seven digits, whatever the file; longer or other codes in a set of texts.
BITMAP_DIGITS = 7
#: The set bits of each byte value.
_POPCOUNT = bytes(bin(i).count("1") for i in range(256))


class Codes:
    """The distinct commune codes (texts) seen: how many (``len``), in bounded memory.

    Codes of ASCII digits only, up to ``BITMAP_DIGITS`` of them, are marked in a bitmap per
    number of digits — so that "00123" and "123" stay two codes, as two texts are — and
    the others are kept in a set. A set of 200,000 seven-digit texts held 18 MB; their
    bitmap holds 1.25 MB.
    """

    __slots__ = ("bitmaps", "marked", "other")

    def __init__(self) -> None:
        self.bitmaps: dict[int, bytearray] = {}  # digits → a bit per code
        self.other: set[str] = set()
        self.marked = 0  # bits set in the bitmaps

    def __len__(self) -> int:
        return self.marked + len(self.other)

    def _bitmap(self, size: int) -> bytearray:
        bitmap = self.bitmaps.get(size)
        if bitmap is None:
            bitmap = self.bitmaps[size] = bytearray(10**size // 8 + 1)
        return bitmap

    def update(self, codes: Sequence[str]) -> None:
        """Note ``codes``."""
        if not codes:
            return
        joined = "".join(codes)
        size = len(codes[0])
        if (
            0 < size <= BITMAP_DIGITS
            and len(joined) == size * len(codes)
            and joined.isdigit()
            and joined.isascii()
            and all(map(size.__eq__, map(len, codes)))
        ):
            self._mark(size, list(map(int, codes)))
            return
        for code in codes:
            size = len(code)
            if 0 < size <= BITMAP_DIGITS and code.isdigit() and code.isascii():
                self._mark(size, [int(code)])
            else:
                self.other.add(code)

    def _mark(self, size: int, numbers: list[int]) -> None:
        """Mark codes of ``size`` digits, given as numbers, at C speed."""
        bitmap = self._bitmap(size)
        at = list(map(rshift, numbers, repeat(3)))
        bits = list(map(lshift, repeat(1), map(and_, numbers, repeat(7))))
        if len(set(at)) != len(at):  # two codes in one byte: byte by byte
            for byte, bit in zip(at, bits):
                if not bitmap[byte] & bit:
                    bitmap[byte] |= bit
                    self.marked += 1
            return
        before = bytes(map(bitmap.__getitem__, at))
        after = bytes(map(or_, before, bits))
        self.marked += sum(after.translate(_POPCOUNT)) - sum(before.translate(_POPCOUNT))
        deque(map(bitmap.__setitem__, at, after), maxlen=0)


class Tally:
    """Counts and bands over communes, added as they are judged (a streamed check never
    holds them all): one commune at a time (``add``) or a batch's columns (``add_columns``)."""

    def __init__(
        self, items: list[tuple[str, Any]], bands: tuple[tuple[str, int, int], ...] | None = None
    ) -> None:
        self.items = items  # (criterion or indicator id, name), in order
        self.bands = bands if bands is not None else bands_for(len(items))
        self.counts = [[0, 0, 0] for _ in items]  # per item: communes by status rank
        self.communes = 0
        self.statuses = [0, 0, 0]  # communes by status rank
        self.by_met: dict[int, int] = {}  # criteria met → communes
        self.years: set[int] = set()
        self.codes: Codes | None = Codes()  # distinct communes, up to DISTINCT_LIMIT

    @classmethod
    def of(cls, ruleset: RuleSet) -> Tally:
        return cls([(c.id, c.name) for c in ruleset.criteria], ruleset.band_specs())

    def add(self, commune: CommuneResult) -> None:
        for counts, criterion in zip(self.counts, commune.criteria):
            counts[RANK[criterion.status]] += 1
        self.communes += 1
        self.statuses[RANK[commune.status]] += 1
        self.by_met[commune.criteria_met] = self.by_met.get(commune.criteria_met, 0) + 1
        self._see([commune.code], [commune.year])

    def _see(self, codes: Sequence[str], years: Sequence[int | None]) -> None:
        """Note the communes and years of rows counted (memory bounded: ``DISTINCT_LIMIT``)."""
        self.years.update(y for y in set(years) if y is not None)
        if self.codes is not None:
            self.codes.update(codes)
            if len(self.codes) > DISTINCT_LIMIT:
                self.codes = None

    def add_columns(
        self,
        ranks: Sequence[bytes],
        verdicts: Sequence[Verdict],
        codes: Sequence[str] = (),
        years: Sequence[int | None] = (),
    ) -> None:
        """Add the communes of a batch: per criterion (in rule order) the status rank of
        each commune; each commune's verdict, code and year. Counted at C speed, a column
        at a time."""
        self._see(codes, years)
        for counts, column in zip(self.counts, ranks):
            for rank in range(3):
                counts[rank] += column.count(rank)
        statuses = list(map(attrgetter("status"), verdicts))
        for status in BY_RANK:
            self.statuses[RANK[status]] += statuses.count(status)
        self.communes += len(verdicts)
        by_met = self.by_met
        mets = list(map(attrgetter("criteria_met"), verdicts))
        for met in set(mets):
            by_met[met] = by_met.get(met, 0) + mets.count(met)

    def summary(self) -> Summary:
        met, not_evaluable, not_met = (RANK[s] for s in BY_RANK)
        return Summary(
            communes=self.communes,
            met=self.statuses[met],
            not_met=self.statuses[not_met],
            not_evaluable=self.statuses[not_evaluable],
            by_criterion=tuple(
                CriterionCount(i, name, counts[met], counts[not_met], counts[not_evaluable])
                for (i, name), counts in zip(self.items, self.counts)
            ),
            bands=tuple(
                Band(
                    label, low, high, sum(n for met, n in self.by_met.items() if low <= met <= high)
                )
                for label, low, high in self.bands
            ),
            years=tuple(sorted(self.years)),
            distinct=len(self.codes) if self.codes is not None else None,
        )


def summarise(
    items: list[tuple[str, Text]],
    communes: Iterable[CommuneResult],
    ruleset: RuleSet | None = None,
) -> Summary:
    """Counts and bands over ``communes`` for ``items`` (id, name): the criteria of a rule
    set (``Tally.of(ruleset).items``), or any selection of criteria and indicators (bands
    from ``ruleset`` when the items are as many as its criteria, see ``bands_for``)."""
    tally = Tally(items, bands_for(len(items), ruleset))
    for commune in communes:
        tally.add(commune)
    return tally.summary()


# --- results batch by batch -----------------------------------------------------------------


class Memo(dict):
    """Keys → what ``make`` makes of them, made on first use (at C speed once made).
    ``fill``, when set, makes many missing keys at once: ``look_up`` gives it the memo and
    the keys it lacks (the memo is not held by ``fill``: no cycle, as the engine judges
    with the cyclic collector off), and ``make`` makes the rest one by one. Without
    ``make``, a key missed alone is filled alone."""

    __slots__ = ("fill", "make")

    def __init__(
        self,
        make: Callable[[Any], Any] | None,
        fill: Callable[[Any, set], None] | None = None,
    ) -> None:
        super().__init__()
        self.make, self.fill = make, fill

    def __missing__(self, key: Any) -> Any:
        if self.make is None:
            self.fill(self, {key})  # type: ignore[misc]
            return self[key]
        value = self[key] = self.make(key)
        return value

    def look_up(self, keys: Sequence[Any]) -> list[Any]:
        """``self[key]`` of each key."""
        if self.fill is None:
            return list(map(self.__getitem__, keys))
        got = list(map(self.get, keys))
        if None in got:
            self.fill(self, {key for key, value in zip(keys, got) if value is None})
            got = list(map(self.__getitem__, keys))
        return got


class Place(NamedTuple):
    """Where and when a commune is judged: its region and assessment year."""

    region: str | None
    year: int | None


class Dictionary:
    """The distinct judged results behind the numbers (codes) a ``ResultBatch`` holds: as
    in a dictionary-encoded column (Arrow, Parquet), each distinct result is stored once
    and a row holds its code, so that whoever reads the batch (a renderer) can make what
    it makes of a result once per code. A code's high bits are its result's status rank
    (``rank``): the ``worst`` of codes is a code of the worst status, so a criterion's
    rank is found at C speed. A criterion's code stands for the codes of its measures'
    results (``parts``). Codes never change meaning within a dictionary; the engine
    starts a new dictionary when it empties its caches."""

    SHIFT = 28  # a code is its status rank << SHIFT | a serial number

    def __init__(self, criteria: Sequence[Criterion], places: list[Place]) -> None:
        self.criteria = criteria
        self.indicators: dict[int, IndicatorResult] = {}  # code → a measure's result
        self.joint: dict[int, tuple[int, ...]] = {}  # a criterion's code → its parts
        self.places = places  # place code → place (shared by the engine's dictionaries)
        #: per criterion: its code, or the tuple of its measures' codes → its result
        self.made = [_Made(self.indicators, self.joint, k) for k in criteria]
        self._serial = 0

    def add(self, result: IndicatorResult) -> int:
        """The code of a new measure result."""
        return self.add_many([result])[0]

    def add_many(self, results: list[IndicatorResult]) -> list[int]:
        """The codes of new measure results."""
        first = self._serial
        self._serial += len(results)
        shift = self.SHIFT
        codes = [
            RANK[r.status] << shift | serial
            for r, serial in zip(results, range(first, self._serial))
        ]
        self.indicators.update(zip(codes, results))
        return codes

    def add_joint(self, parts: Sequence[int]) -> int:
        """The code of a criterion's result made of its measures' results ``parts``."""
        code = worst(parts) >> self.SHIFT << self.SHIFT | self._serial
        self._serial += 1
        self.joint[code] = tuple(parts)
        return code

    def rank(self, code: int) -> int:
        """The status rank of the result a code stands for."""
        return code >> self.SHIFT

    def parts(self, code: int) -> tuple[int, ...]:
        """The codes of the measure results a criterion's code stands for."""
        return self.joint.get(code) or (code,)

    def criterion(self, c: int, key: int | tuple[int, ...]) -> CriterionResult:
        """The result of criterion ``c`` (rule order) from its code or its parts' codes."""
        return self.made[c][key]

    def __len__(self) -> int:
        """How many results it holds."""
        return len(self.indicators) + len(self.joint) + sum(map(len, self.made))


class _Made(dict):
    """A criterion's results by key, made on first use (at C speed once made). It holds
    its dictionary's results, not the dictionary: no cycle, so a dictionary the engine
    has replaced is freed at once (the engine judges with the cyclic collector off)."""

    __slots__ = ("criterion", "indicators", "joint")

    def __init__(
        self,
        indicators: dict[int, IndicatorResult],
        joint: dict[int, tuple[int, ...]],
        criterion: Criterion,
    ) -> None:
        super().__init__()
        self.indicators, self.joint, self.criterion = indicators, joint, criterion

    def __missing__(self, key: int | tuple[int, ...]) -> CriterionResult:
        codes = key if isinstance(key, tuple) else self.joint.get(key) or (key,)
        parts = tuple(map(self.indicators.__getitem__, codes))
        k = self.criterion
        result = self[key] = CriterionResult.of(k.id, k.name, k.sector, parts)
        return result


class CriterionColumn(NamedTuple):
    """One criterion over the rows of a batch: its status rank on each row, and either the
    code of its result on each row (``whole``) or, measure by measure, the code of each
    measure's result (``parts``)."""

    ranks: bytes
    whole: Sequence[int] | None
    parts: Sequence[Sequence[int]] | None

    def keys(self) -> Iterable[int | tuple[int, ...]]:
        """The key of each row's result in ``Dictionary.criterion``."""
        return self.whole if self.whole is not None else zip(*self.parts)  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class ResultBatch:
    """The communes judged from one batch of rows, column by column (``rows``), and the
    communes judged one by one (``singles``); together in input order by ``positions``."""

    lines: Sequence[int] = ()
    codes: Sequence[str] = ()
    names: Sequence[str] = ()
    districts: Sequence[str] = ()
    provinces: Sequence[str] = ()
    places: Sequence[int] = ()  # codes in ``dictionary.places``
    verdicts: Sequence[Verdict] = ()
    criteria: Sequence[CriterionColumn] = ()
    dictionary: Dictionary | None = None
    positions: Sequence[int] = ()  # each column-wise row's place among the batch's rows
    singles: Sequence[tuple[int, CommuneResult]] = ()  # (place, commune) judged one by one

    @classmethod
    def of(cls, communes: Iterable[CommuneResult]) -> ResultBatch:
        """A batch of communes judged one by one (a finished report's, say)."""
        return cls(singles=tuple(enumerate(communes)))

    def __len__(self) -> int:
        return len(self.lines) + len(self.singles)

    def in_order(self, rows: list[Any], singles: list[Any]) -> list[Any]:
        """Something for each column-wise row (``rows``) and each single (``singles``),
        together in input order."""
        if not singles:
            return rows
        if not rows:
            return singles
        out: list[Any] = [None] * (max(*self.positions, *map(itemgetter(0), self.singles)) + 1)
        for at, item in zip(self.positions, rows):
            out[at] = item
        for (at, _), item in zip(self.singles, singles):
            out[at] = item
        return [x for x in out if x is not None]

    def keys(self) -> list[tuple[str, int, int]]:
        """The ``sort_key`` of each commune, in input order."""
        rows: list[tuple[str, int, int]] = []
        if self.lines:
            assert self.dictionary is not None
            places = map(self.dictionary.places.__getitem__, self.places)
            rows = list(map(sort_key, self.codes, map(itemgetter(1), places), self.lines))
        return self.in_order(rows, [c.sort_key for _, c in self.singles])

    def communes(self) -> list[CommuneResult]:
        """Every commune of the batch, in input order."""
        return self.in_order(self.rows(range(len(self.lines))), [c for _, c in self.singles])

    def rows(self, picked: Sequence[int]) -> list[CommuneResult]:
        """The communes of the column-wise rows ``picked`` (indices into ``lines``)."""
        if not picked:
            return []
        d = self.dictionary
        assert d is not None
        every = len(picked) == len(self.lines)

        def pick(column: Sequence[Any]) -> Sequence[Any]:
            return column if every else [column[i] for i in picked]

        criteria = [
            list(map(d.made[c].__getitem__, pick(list(column.keys()))))
            for c, column in enumerate(self.criteria)
        ]
        places = list(map(d.places.__getitem__, pick(self.places)))
        verdicts = pick(self.verdicts)
        return list(
            map(
                CommuneResult,
                pick(self.codes),
                pick(self.names),
                pick(self.districts),
                pick(self.provinces),
                map(itemgetter(0), places),
                map(itemgetter(1), places),
                pick(self.lines),
                map(itemgetter(0), verdicts),
                map(itemgetter(1), verdicts),
                map(itemgetter(2), verdicts),
                zip(*criteria),
            )
        )


class Results(Protocol):
    """Judged communes as they come, batch by batch, then the report: what every output
    format reads (a finished report is one batch, ``Finished``)."""

    def batches(self) -> Iterator[ResultBatch]:
        """The communes, a batch at a time, in input order (rows that waited last)."""

    def finish(self) -> Report:
        """The report, once every batch is given: counts and problems, without communes."""


@dataclass(frozen=True)
class Finished:
    """A finished report read as ``Results``: its communes as one batch, in its order."""

    report: Report

    def batches(self) -> Iterator[ResultBatch]:
        if self.report.communes:
            yield ResultBatch.of(self.report.communes)

    def finish(self) -> Report:
        return dataclasses.replace(self.report, communes=())
