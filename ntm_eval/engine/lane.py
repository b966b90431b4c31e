"""``check`` of a CSV file column by column: the fast lane.

The records of a file come in batches of a thousand (``csvfile.iter_batches``); a UTF-8
file's cells come as bytes, decoded only when a cache meets them first (a cell the lane
never reads is only checked to be UTF-8). Each batch is turned into columns, and each
column is looked up, at C speed, in a cache of the distinct texts seen so far in that
column: a national file holds a few hundred distinct texts per column, so nearly every
cell is a cache hit. A measure's cache gives an *entry*: a small integer naming one judged
result (``IndicatorResult``) and, for JSON, its text. The entry's high bits hold the
result's status rank (met < not evaluable < not met), so a criterion's status is the rank
of the largest entry of its measures (``map(max, …)``), and a commune's line is joined
from ready-made pieces. A criterion whose cells repeat as a
tuple (yes/no columns, mostly) is looked up once a row, by the tuple of its cells; one
whose tuples rarely repeat, measure by measure (chosen from the misses seen). Measures and
criteria whose thresholds are the same for every (region, year) of a batch are keyed by
the cells alone; the others by (kind, cells), a kind standing for the groups of equal
thresholds.

Only rows that raise no problem take this lane. A row with a bad or ambiguous cell, a name
with look-alike letters, a province the unit list covers (its code and name are checked),
too few or too many cells, or no region or year is read, checked and judged one by one by
the plain parts (``RowReader.read``, ``UnitCheck.keep``, ``Evaluator.row``), in its place.
What the lane does at once for a batch — duplicates, years outside the period, provinces
outside the unit list, the first value showing how the file uses number separators — it
does in row order, as the plain path would. Tests compare every verdict, count, problem
and output byte with the plain path, on clean, dirty and hostile files (``test_lane``).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import compress, repeat
from operator import itemgetter, rshift
from pathlib import Path
from typing import Any, Callable, Sequence

from ntm_eval.render import json as rj
from ntm_eval.input.rows import CommuneRow, DataSet, _Invalid, open_rows, settled
from ntm_eval.engine.evaluate import Evaluator, Tally
from ntm_eval.lookalike import fold_letters
from ntm_eval.engine.results import (
    MET,
    NOT_EVALUABLE,
    NOT_MET,
    CommuneResult,
    CriterionResult,
    Report,
    combine,
)
from ntm_eval.rules.model import RuleSet
from ntm_eval.input.units import UnitCheck, UnitList
from ntm_eval.input.cells import Ambiguous

#: Records per batch: large enough to pay for the per-column calls, small enough to stay
#: in the processor's caches (measured on 1,000,000 rows read as bytes: 1024 is 5% faster
#: than 512 and holds 7 MB more; 2048 is slower again).
BATCH = 1024
#: Cached judgements (all caches together) kept before every cache starts again, and
#: verdicts remembered: memory stays flat on any file.
ENTRY_BUDGET = 60_000
VERDICT_LIMIT = 12_000
TEXT_BUDGET = 12 << 20  # bytes of cached JSON text
_SHIFT = 28  # an entry is rank << _SHIFT | serial number
_RANK = {MET: 0, NOT_EVALUABLE: 1, NOT_MET: 2}
_STATUS = (MET, NOT_EVALUABLE, NOT_MET)
_IS_1, _IS_2 = (1).__eq__, (2).__eq__  # a rank of not evaluable, of not met
_BAD = -1  # the entry or group of a cell this lane does not take (the row goes one by one)
_ABSENT = object()  # the "cell" of a measure whose column the file lacks
_IDENTITY = ("commune_code", "commune_name", "district", "province", "region", "year")
#: What a commune's JSON text starts with, by mode.
_HEADS = {"jsonl": b'{"type":"commune","code":"', "json": b'{"code":"'}


def _counted(ranks: bytes | list[int]) -> dict[str, int]:
    """Communes by status in a column of status ranks."""
    not_evaluable, not_met = ranks.count(1), ranks.count(2)
    return {
        MET: len(ranks) - not_evaluable - not_met,
        NOT_EVALUABLE: not_evaluable,
        NOT_MET: not_met,
    }


def _joined(a: str, b: str) -> str:
    return f"{a},{b}" if a and b else a or b


def _nfc(cell: str | bytes) -> str:
    """A cell's text, NFC-normalised; a cell of bytes is UTF-8 (``UnicodeDecodeError``
    when it is not: ``run`` reports the file as the plain reader does)."""
    text = cell.decode() if cell.__class__ is bytes else cell
    return text if text.isascii() else unicodedata.normalize("NFC", text)


class _Cache(dict):
    """Cells (a text, a tuple of texts, or either with a kind first) → what ``make`` makes
    of them; a cell the lane does not take (``make`` gives None or ``_BAD``) is not
    remembered, so each of its cells calls ``make`` again (which raises the lane's flag)."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        value = self.make(key)
        if value is not None and value != _BAD:
            self[key] = value
        return value


@dataclass
class _Group:
    region: str
    year: int
    caches: list  # per measure: the text cache for this group's threshold lookup
    outside: bool  # the year is outside the rule set's period


class Lane:
    """Judges the batches of one CSV file. ``mode``: "jsonl" gives each commune as its JSON
    line in pieces (a tuple of bytes, to join or write one after another), "json" as (sort
    key, its JSON text in pieces) — the report's order is by code, year and line —,
    "results" as a ``CommuneResult``, and "first" nothing: it keeps the ``first`` communes
    in the report's order as results (``first``), and only counts the others."""

    def __init__(
        self,
        reader: Any,
        evaluator: Evaluator,
        check: UnitCheck,
        tally: Tally,
        mode: str,
        first: int = 0,
    ) -> None:
        self.reader, self.evaluator, self.check, self.tally = reader, evaluator, check, tally
        self.mode = mode
        self.texts_wanted = mode in ("jsonl", "json")  # else results
        #: mode "first": the ``first`` communes in the report's order, as (key, result)
        self.first_n, self.first = first, []
        self.encoder = rj.CommuneEncoder()
        self.waiting: list[CommuneRow] = []
        self.flag = False  # a cache met a cell this lane does not take
        keys = reader.keys
        criteria = evaluator.criteria
        self.usable = (
            all(k in keys for k in _IDENTITY)
            and bool(criteria)
            and all(len(span) for _, span in criteria)
        )
        if not self.usable:
            return
        self.cols = [keys[k] for k in _IDENTITY]
        validate = {key: v for key, _, _, v in reader.identity}
        self.read_region, self.read_year = validate["region"], validate["year"]
        by_column = {key: (i, v, memo) for key, i, memo, v in reader.measures}
        measures = evaluator.measures
        #: per measure: (column index, or None when the file lacks it; validator; the
        #: reader's memo of the column: a text judged against several thresholds is read
        #: once)
        self.plan = [by_column.get(m.column, (None, None, None)) for m in measures]
        #: columns the lane never reads: their bytes are only checked to be UTF-8
        self.unread = sorted(
            set(range(reader.width)).difference(
                self.cols, (i for i, _, _ in self.plan if i is not None)
            )
        )
        # what follows each indicator's text: a comma, or the end of its criterion (and of
        # the commune, after the last)
        last = {span.stop - 1 for _, span in criteria}
        self.suffix = [
            ("]}," if k != len(measures) - 1 else "]}]}") if k in last else ","
            for k in range(len(measures))
        ]
        self.heads = [
            [
                (
                    rj.criterion_head(c.id, c.name, c.sector) + rj._string(s) + ',"indicators":['
                ).encode()
                for s in _STATUS
            ]
            for c, _ in criteria
        ]
        #: the criterion a measure alone makes up: its text starts with the head
        self.alone = {span.start: c for c, (_, span) in enumerate(criteria) if len(span) == 1}
        #: criteria judged from the tuple of their cells (one lookup a row, see ``_joint``);
        #: a criterion whose tuples rarely repeat goes back to one lookup a measure
        self.joint = [len(span) > 1 for _, span in criteria]
        self.total = len(criteria)
        self.quoted = [rj._string(c.id) for c, _ in criteria]
        self.half = self.total // 2
        self.halves = (
            _Cache(self._half_maker(self.quoted[: self.half])),
            _Cache(self._half_maker(self.quoted[self.half :])),
        )
        self.verdict_format = (
            rj.verdict_text("@S@", 0, self.total, ["@N@"], ["@E@"])
            .replace("%", "%%")
            .replace('"@S@"', "%s")
            .replace('"criteria_met":0', '"criteria_met":%d')
            .replace('"@N@"', "%s")
            .replace('"@E@"', "%s")
        )
        self.quoted_status = [rj._string(s) for s in _STATUS]
        self.all_met = (
            rj.verdict_text(MET, self.total, self.total, [], []).encode(),
            MET,
            self.total,
        )
        self.period = evaluator.ruleset.period
        #: name, district, province: cell text → its JSON piece (None: the row goes one by
        #: one); value_of: piece → the name as read
        self.value_of: dict[bytes, str] = {}
        self.names = [
            _Cache(lambda raw, key=key: self._name(raw, key))
            for key in ('","name":', ',"district":')
        ]
        self.provinces = _Cache(self._province)
        self.group_ids = _Cache(self._group)
        self.groups: list[_Group] = []
        # by group, for lookups at C speed: its place's JSON text (,"region":…,"year":…,
        # "line":), its year
        self.places: list[bytes] = []
        self.years: list[int] = []
        self.patterns = _Cache(self._pattern)
        self._forget()

    # --- caches -------------------------------------------------------------------------

    def _forget(self) -> None:
        """Start every cache of judged results again (groups and names stay)."""
        self.serial = 0
        self.batches = 0  # since the caches were emptied (see ``_choose``)
        self.held = 0  # bytes of JSON text in ``texts``
        self.stored = 0  # criterion results made from measure entries
        self.results: dict[int, Any] = {}  # entry → IndicatorResult
        self.texts: dict[int, bytes] = {}  # entry → its JSON text and what follows it
        self.by_lookup: dict[tuple, _Cache] = {}
        # A batch of groups whose thresholds differ looks cells up by (kind, text): the
        # kind numbers the distinct caches of a measure (the same for groups with equal
        # thresholds), or, for a criterion judged jointly, the distinct tuples of them.
        count = len(self.plan)
        self.kinds: list[list[_Cache]] = [[] for _ in range(count)]  # measure → caches
        self.kind_of: list[list[int]] = [[] for _ in range(count)]  # measure → by group
        self.tuple_kinds: list[dict[tuple, int]] = [{} for _ in self.heads]
        self.tuple_caches: list[list[list[_Cache]]] = [[] for _ in self.heads]
        self.tuple_kind_of: list[list[int]] = [[] for _ in self.heads]  # by group
        self.mixed = [_Cache(self._mixed_maker(k)) for k in range(count)]
        self.joints: dict[tuple, _Cache] = {}  # (criterion, its measures' caches) → cache
        self.mixed_joints = [_Cache(self._joint_maker(c, None)) for c in range(len(self.heads))]
        self.misses = [0] * len(self.heads)  # of joint caches, in this batch
        self.criterion_results = [_Cache(self._criterion_maker(c)) for c in range(self.total)]
        for gid in range(len(self.groups)):
            self._assign(gid)

    def _cached(self) -> int:
        """How many judgements the caches hold."""
        return (
            len(self.results)
            + self.stored
            + sum(map(len, self.mixed))
            + sum(map(len, self.mixed_joints))
            + sum(map(len, self.joints.values()))
        )

    def _caches(self, region: str, year: int) -> list[_Cache]:
        """The text cache of each measure for a group: groups whose threshold lookups are
        equal share one (the threshold's type counts: 80 and 80.0 print apart)."""
        caches = []
        for k, m in enumerate(self.evaluator.measures):
            lookup = m.lookup(region, year)
            key = (k, type(lookup[0]), lookup)
            cache = self.by_lookup.get(key)
            if cache is None:
                cache = self.by_lookup[key] = _Cache(
                    lambda text, k=k, lookup=lookup: self._entry(k, lookup, text)
                )
            caches.append(cache)
        return caches

    def _assign(self, gid: int) -> None:
        """Give group ``gid`` its caches, and note their kinds."""
        group = self.groups[gid]
        group.caches = self._caches(group.region, group.year)
        for k, cache in enumerate(group.caches):
            kinds = self.kinds[k]
            kind = next((i for i, known in enumerate(kinds) if known is cache), None)
            if kind is None:
                kind = len(kinds)
                kinds.append(cache)
            self.kind_of[k].append(kind)
        for c, (_, span) in enumerate(self.evaluator.criteria):
            key = tuple(self.kind_of[k][gid] for k in span)
            kind = self.tuple_kinds[c].get(key)
            if kind is None:
                kind = self.tuple_kinds[c][key] = len(self.tuple_caches[c])
                self.tuple_caches[c].append([group.caches[k] for k in span])
            self.tuple_kind_of[c].append(kind)

    def _mixed_maker(self, k: int) -> Callable[[tuple], int]:
        kinds = self.kinds[k]

        def make(key: tuple) -> int:
            kind, text = key
            return kinds[kind][text]

        return make

    def _entry(self, k: int, lookup: tuple, text: Any) -> int:
        m = self.evaluator.measures[k]
        if text is _ABSENT:
            result = m.judge(None, True, lookup)
        else:
            _, validate, memo = self.plan[k]
            value = self.reader._cell(_nfc(text), memo, validate)
            if value.__class__ is _Invalid or value.__class__ is Ambiguous:
                self.flag = True
                return _BAD
            result = m.judge(value, False, lookup)
        entry = _RANK[result.status] << _SHIFT | self.serial
        self.serial += 1
        self.results[entry] = result
        if self.texts_wanted:
            text = (self.encoder._indicator(result) + self.suffix[k]).encode()
            c = self.alone.get(k)
            text = text if c is None else self.heads[c][entry >> _SHIFT] + text
            self.texts[entry] = text
            self.held += len(text)
        return entry

    def _joint_maker(self, c: int, caches: list | None) -> Callable[[tuple], int]:
        """The entry of criterion ``c`` for a tuple of its cells (with ``caches``, one per
        measure) or for (kind, cells…) (without): its text is the criterion's whole text;
        without texts, ``results`` keeps the entries of its measures (``_criterion_maker``
        makes its ``CriterionResult`` when a commune needs it)."""

        def make(key: tuple) -> int:
            self.misses[c] += 1
            if caches is None:
                kind_caches = self.tuple_caches[c][key[0]]
                parts = [cache[text] for cache, text in zip(kind_caches, key[1:])]
            else:
                parts = [cache[text] for cache, text in zip(caches, key)]
            if _BAD in parts:
                return _BAD
            entry = max(parts) >> _SHIFT << _SHIFT | self.serial
            self.serial += 1
            if not self.texts_wanted:  # its result is made when a commune needs it
                self.results[entry] = tuple(parts)
            else:
                text = self.texts[entry] = self.heads[c][entry >> _SHIFT] + b"".join(
                    map(self.texts.__getitem__, parts)
                )
                self.held += len(text)
                self.results[entry] = None
            return entry

        return make

    def _folded(self, raw: str) -> str | None:
        """A name cell as ``RowReader.read`` reads it; None when it holds look-alike letters
        (the row goes one by one, to be reported)."""
        text = _nfc(raw)
        if not text.isascii():
            folded = fold_letters(text)
            if folded.replaced or folded.foreign:
                return None
            text = folded.text
        return " ".join(text.split())

    def _piece(self, key: str, name: str) -> bytes:
        piece = (key + rj._string(name)).encode()
        self.value_of[piece] = name
        return piece

    def _name(self, raw: str, key: str) -> bytes | None:
        name = self._folded(raw)
        if name is None:
            self.flag = True
            return None
        return self._piece(key, name)

    def _province(self, raw: str) -> bytes | None:
        name = self._folded(raw)
        if name:
            check = self.check
            covered = check.covered.get(name)
            if covered is None:
                covered = check.units.covers_province(name)
                if len(check.covered) < 4096:
                    check.covered[name] = covered
        if not name or covered:  # the unit list checks its code and name: one by one
            self.flag = True
            return None
        return self._piece(',"province":', name)

    def _group(self, key: tuple[str, str]) -> int:
        region_raw, year_raw = key
        region = self._folded(region_raw)
        region = None if region is None else self.read_region(region)
        year = self.read_year(_nfc(year_raw))
        if (
            region is None
            or year is None
            or region.__class__ is _Invalid
            or year.__class__ is _Invalid
        ):
            self.flag = True
            return _BAD
        for gid, group in enumerate(self.groups):
            if group.region == region and group.year == year:
                return gid
        period = self.period
        self.groups.append(
            _Group(region, year, [], period is not None and not period.from_ <= year <= period.to)
        )
        self.places.append(rj.place_text(region, year).encode())
        self.years.append(year)
        self._assign(len(self.groups) - 1)
        return len(self.groups) - 1

    def _pattern(self, ranks: tuple) -> tuple:
        """A commune's verdict from its criteria's status ranks: (its JSON text from the
        status to the criteria — None but for JSON —, status, criteria met)."""
        if len(self.patterns) >= VERDICT_LIMIT:
            self.patterns.clear()
        # each half of the criteria repeats far more often than the whole
        h = self.half
        first, second = self.halves
        a, b = first[ranks[:h]], second[ranks[h:]]
        met = a[2] + b[2]
        if met == self.total:  # the usual verdict of a good year
            return self.all_met
        rank = max(a[3], b[3])
        if not self.texts_wanted:
            return None, _STATUS[rank], met
        text = self.verdict_format % (
            self.quoted_status[rank],
            met,
            _joined(a[0], b[0]),
            _joined(a[1], b[1]),
        )
        return text.encode(), _STATUS[rank], met

    def _half_maker(self, ids: list[str]) -> Callable[[tuple], tuple]:
        """For some criteria (``ids``, quoted): their status ranks → (ids not met, ids not
        evaluable, how many met, the largest rank)."""

        def make(ranks: tuple) -> tuple:
            if len(self.halves[0]) + len(self.halves[1]) >= VERDICT_LIMIT:
                self.halves[0].clear()
                self.halves[1].clear()
            return (
                ",".join(compress(ids, map(_IS_2, ranks))),
                ",".join(compress(ids, map(_IS_1, ranks))),
                ranks.count(0),
                max(ranks, default=0),
            )

        return make

    # --- a batch ------------------------------------------------------------------------

    def batch(self, lines: Sequence[int], rows: list[list[str]]) -> list:
        """The communes of one batch, in input order. Rows that wait for the end of the file
        (an ambiguous number) or are not evaluated (a ward) give nothing."""
        width = self.reader.width
        if not self.usable:
            return self._one_by_one(lines, rows)
        if self._cached() > ENTRY_BUDGET or self.held > TEXT_BUDGET:
            self._forget()
        if list(map(len, rows)).count(width) == len(rows):
            return self._columns(lines, rows, range(len(rows)), rows)
        taken = [i for i, r in enumerate(rows) if len(r) == width]
        if not taken:
            return self._one_by_one(lines, rows)
        return self._columns(lines, rows, taken, [rows[i] for i in taken])

    def _columns(
        self,
        lines: Sequence[int],
        rows: list[list[str]],
        taken: Sequence[int],
        frows: list[list[str]],
    ) -> list:
        n = len(frows)
        cols = list(zip(*frows))
        ci, ni, di, pi, ri, yi = self.cols
        bad: set[int] = set()  # positions in frows that go one by one

        def note(column: list, mark: Any) -> None:
            if self.flag:
                self.flag = False
                bad.update(i for i, x in enumerate(column) if x is mark or x == mark)

        codes = cols[ci]
        empty = codes[0][:0]
        joined = empty.join(codes)
        if not (joined.isdigit() and joined.isascii()) or empty in codes:
            bad.update(i for i, c in enumerate(codes) if not (c.isdigit() and c.isascii()))
        digits = None  # the codes as UTF-8, when the cells are bytes
        if empty == b"":  # codes of digits as text (another code's row goes one by one)
            digits = codes
            codes = (
                b" ".join(codes).decode().split(" ")
                if not bad
                else [c.decode(errors="replace") for c in codes]
            )
            for i in self.unread:  # the plain reader refuses a file that is not UTF-8
                text = b"".join(cols[i])
                if not text.isascii():
                    text.decode()
        names = list(map(self.names[0].__getitem__, cols[ni]))
        note(names, None)
        districts = list(map(self.names[1].__getitem__, cols[di]))
        note(districts, None)
        provinces = list(map(self.provinces.__getitem__, cols[pi]))
        note(provinces, None)
        gids = list(map(self.group_ids.__getitem__, zip(cols[ri], cols[yi])))
        note(gids, _BAD)
        if len(bad) == n:
            return self._one_by_one(lines, rows)
        if _BAD in gids:  # any group does for their lookups: those rows go one by one
            some = next(g for g in gids if g != _BAD)
            gids = [some if g == _BAD else g for g in gids]
        present = set(gids)

        seen = self.reader.numbers.seen
        known = len(seen)
        entries: list = [None] * len(self.plan)  # per measure judged alone: its entries
        columns = []  # per criterion: the entries it is judged by (its largest, or joint)
        plan = self.plan
        for c, (_, span) in enumerate(self.evaluator.criteria):
            texts = [
                cols[plan[k][0]] if plan[k][0] is not None else repeat(_ABSENT, n) for k in span
            ]
            if self.joint[c]:
                caches = [self._cache_of(k, present, gids) for k in span]
                if None in caches:
                    got = list(
                        map(
                            self.mixed_joints[c].__getitem__,
                            zip(map(self.tuple_kind_of[c].__getitem__, gids), *texts),
                        )
                    )
                else:
                    key = (c, *map(id, caches))
                    cache = self.joints.get(key)
                    if cache is None:
                        cache = self.joints[key] = _Cache(self._joint_maker(c, caches))
                    got = list(map(cache.__getitem__, zip(*texts)))
                note(got, _BAD)
                columns.append(got)
                continue
            for k, column in zip(span, texts):
                cache = self._cache_of(k, present, gids)
                got = (
                    list(map(cache.__getitem__, column))
                    if cache is not None
                    else list(
                        map(
                            self.mixed[k].__getitem__,
                            zip(map(self.kind_of[k].__getitem__, gids), column),
                        )
                    )
                )
                note(got, _BAD)
                entries[k] = got
            parts = entries[span.start : span.stop]
            columns.append(parts[0] if len(parts) == 1 else list(map(max, *parts)))
        if len(seen) != known:  # new evidence: its first value in row order, as read() does
            self._first_evidence(rows, list(seen)[known:])
        self._choose(n)

        # a criterion's status is the rank of its largest entry; its head says it
        shift = repeat(_SHIFT)
        # (as bytes: counted at C speed; a row going one by one may hold _BAD, below 0)
        ranks = [(bytes if not bad else list)(map(rshift, column, shift)) for column in columns]
        verdicts = list(map(self.patterns.__getitem__, zip(*ranks)))

        good = [i for i in range(n) if i not in bad] if bad else range(n)
        whole = not bad and len(taken) == len(rows)
        fast_lines = lines if whole else [lines[taken[i]] for i in good]
        slow = self._slow_rows(rows, taken, bad)
        self._row_order_checks(lines, rows, taken, slow, good, codes, gids, provinces)
        self._tally(ranks, verdicts, good if bad else None)

        if self.mode == "first":
            self._first(
                good,
                codes,
                names,
                districts,
                provinces,
                gids,
                fast_lines,
                verdicts,
                entries,
                columns,
            )
            made = []
        elif self.mode == "results":
            made = self._results(
                good,
                codes,
                names,
                districts,
                provinces,
                gids,
                fast_lines,
                verdicts,
                entries,
                columns,
            )
        else:
            pick = (
                (lambda column: column) if not bad else (lambda column: [column[i] for i in good])
            )
            made = self._texts(
                pick,
                len(good),
                codes,
                digits,
                names,
                districts,
                provinces,
                gids,
                fast_lines,
                verdicts,
                entries,
                ranks,
                columns,
            )
        if whole or self.mode == "first":
            for p, cells in slow.items():
                self._one(lines[p], cells)
            return made
        out: list = [None] * len(rows)
        for i, item in zip(good, made):
            out[taken[i]] = item
        for p, cells in slow.items():
            out[p] = self._one(lines[p], cells)
        return [x for x in out if x is not None]

    def _tally(self, ranks: list[list[int]], verdicts: list[tuple], good: list | None) -> None:
        """Count the lane's communes of a batch: criteria by their heads, communes by
        verdict (counted at C speed, a column at a time)."""
        if good is not None:
            ranks = [[column[i] for i in good] for column in ranks]
            verdicts = [verdicts[i] for i in good]
        statuses = list(map(itemgetter(1), verdicts))
        self.tally.add_counts(
            list(map(_counted, ranks)),
            {status: statuses.count(status) for status in _STATUS},
            Counter(map(itemgetter(2), verdicts)),
        )

    def _cache_of(self, k: int, present: set[int], gids: list[int]) -> _Cache | None:
        """Measure ``k``'s text cache when every group of the batch shares one, else None
        (the batch's cells are then looked up by (group, text))."""
        groups = self.groups
        first = groups[gids[0]].caches[k]
        return first if all(groups[g].caches[k] is first for g in present) else None

    def _choose(self, n: int) -> None:
        """Judge measure by measure the criteria whose tuples of cells rarely repeat (misses
        cost more than lookups save): more than half missed in a batch, or a quarter after
        the first eight since the caches were last emptied (they fill in those)."""
        self.batches += 1
        share = 4 if self.batches >= 8 else 2  # a half from the first batch, a quarter later
        for c, misses in enumerate(self.misses):
            if self.joint[c] and misses * share > n:
                self.joint[c] = False
        self.misses = [0] * len(self.misses)

    def _texts(
        self,
        pick: Callable,
        m: int,
        codes,
        digits,
        names,
        districts,
        provinces,
        gids,
        lines,
        verdicts,
        entries,
        ranks,
        columns,
    ) -> list:
        texts = self.texts.__getitem__
        code_texts = (
            pick(digits) if digits is not None else "\x1f".join(pick(codes)).encode().split(b"\x1f")
        )
        line_texts = "\x1f".join(map(str, lines)).encode().split(b"\x1f")
        parts = [
            repeat(_HEADS[self.mode], m),
            code_texts,
            pick(names),
            pick(districts),
            pick(provinces),
            list(map(self.places.__getitem__, pick(gids))),
            line_texts,
            list(map(itemgetter(0), pick(verdicts))),
        ]
        for (_, span), rank, column, heads in zip(
            self.evaluator.criteria, ranks, columns, self.heads
        ):
            if len(span) == 1 or entries[span.start] is None:  # its text is whole
                parts.append(list(map(texts, pick(column))))
            else:
                parts.append(list(map(heads.__getitem__, pick(rank))))
                parts += [list(map(texts, pick(entries[k]))) for k in span]
        if self.mode == "jsonl":
            parts.append(repeat(b"\n", m))
            return list(zip(*parts))
        years = map(self.years.__getitem__, pick(gids))
        return list(zip(zip(pick(codes), years, lines), zip(*parts)))

    def _results(
        self, good, codes, names, districts, provinces, gids, lines, verdicts, entries, judged
    ) -> list:
        pick = (
            (lambda column: column)
            if len(good) == len(codes)
            else (lambda column: [column[i] for i in good])
        )
        columns = []  # per criterion: its result for each row
        for (_, span), cache, column in zip(
            self.evaluator.criteria, self.criterion_results, judged
        ):
            keys = (
                pick(column)
                if len(span) == 1 or entries[span.start] is None
                else pick(list(zip(*entries[span.start : span.stop])))
            )
            columns.append(list(map(cache.__getitem__, keys)))
        value = self.value_of.__getitem__
        groups = [self.groups[g] for g in pick(gids)]
        verdicts = pick(verdicts)
        total = self.total
        return list(
            map(
                CommuneResult,
                pick(codes),
                map(value, pick(names)),
                map(value, pick(districts)),
                map(value, pick(provinces)),
                [g.region for g in groups],
                [g.year for g in groups],
                lines,
                map(itemgetter(1), verdicts),
                map(itemgetter(2), verdicts),
                repeat(total),
                zip(*columns),
            )
        )

    def _first(
        self, good, codes, names, districts, provinces, gids, lines, verdicts, entries, judged
    ) -> None:
        """Mode "first": make results only for the rows that come before the last of the
        first communes kept so far (none, once a sorted file is past them)."""
        years = [self.groups[gids[i]].year for i in good]
        keys = list(
            zip([codes[i] for i in good] if len(good) != len(codes) else codes, years, lines)
        )
        chosen, chosen_lines = list(good), list(lines)
        if len(self.first) >= self.first_n:
            before = list(map(self.first[-1][0].__gt__, keys))
            if not any(before):
                return
            chosen = list(compress(chosen, before))
            chosen_lines = list(compress(chosen_lines, before))
            keys = list(compress(keys, before))
        made = self._results(
            chosen,
            codes,
            names,
            districts,
            provinces,
            gids,
            chosen_lines,
            verdicts,
            entries,
            judged,
        )
        self._keep_first(list(zip(keys, made)))

    def _keep_first(self, items: list[tuple[tuple, CommuneResult]]) -> None:
        first = self.first
        first += items
        first.sort(key=itemgetter(0))
        del first[self.first_n :]

    def _criterion_maker(self, c: int) -> Callable[[Any], CriterionResult]:
        criterion, span = self.evaluator.criteria[c]
        results = self.results

        def make(key: Any) -> CriterionResult:
            self.stored += 1
            if len(span) == 1:
                parts = (results[key],)
            else:  # a joint entry holds the entries of its measures
                parts = tuple(
                    map(results.__getitem__, results[key] if key.__class__ is int else key)
                )
            return CriterionResult(
                criterion.id,
                criterion.name,
                criterion.sector,
                combine([r.status for r in parts]),
                parts,
            )

        return make

    # --- what the plain path does row by row ----------------------------------------------

    def _slow_rows(
        self, rows: list[list[str]], taken: Sequence[int], bad: set[int]
    ) -> dict[int, list[str]]:
        """The rows (by position) to read one by one, their cells NFC-normalised; blank
        rows are left out (the plain reader skips them)."""
        if not bad and len(taken) == len(rows):
            return {}
        positions = set(range(len(rows))).difference(taken) if len(taken) != len(rows) else set()
        positions.update(taken[i] for i in bad)
        slow = {}
        for p in sorted(positions):
            cells = [_nfc(c) for c in rows[p]]
            if any(c.strip() for c in cells):
                slow[p] = cells
        return slow

    def _row_order_checks(self, lines, rows, taken, slow, good, codes, gids, provinces) -> None:
        """Duplicates, years outside the period and provinces outside the unit list, for the
        rows of the lane and, for duplicates, those read one by one (in row order)."""
        groups = self.groups
        years = list(map(self.years.__getitem__, gids))
        duplicates = self.reader.duplicates
        if not slow and len(good) == len(codes):  # codes of ASCII digits, every one
            duplicates.see_digits(
                lines if len(taken) == len(rows) else [lines[p] for p in taken], codes, years
            )
        else:
            keys: list[tuple[int, str, int | None]] = []
            fast = dict(zip((taken[i] for i in good), good))
            for p in range(len(rows)):
                if p in slow:
                    keys.append(self.reader.key_of(lines[p], slow[p]))
                elif p in fast:
                    i = fast[p]
                    keys.append((lines[p], codes[i], years[i]))
            if keys:
                duplicates.see_many(*zip(*keys))
        if any(groups[g].outside for g in set(gids)):
            period = self.reader.period
            for i in good:
                if groups[gids[i]].outside:
                    period.see_line(lines[taken[i]], years[i])
        elsewhere, value_of = self.check.elsewhere, self.value_of
        column = provinces if len(good) == len(provinces) else [provinces[i] for i in good]
        for piece, count in Counter(column).items():
            first = lines[taken[good[column.index(piece)]]]
            province = value_of[piece]
            had, was = elsewhere.get(province, (0, first))
            elsewhere[province] = (had + count, min(was, first))

    def _first_evidence(self, rows: list[list[str]], new: list[str]) -> None:
        """Record, for evidence of the file's number separators first shown in this batch,
        the first value showing it in row order (the lane read the cells column by
        column)."""
        from ntm_eval.input.cells import read_number

        seen = self.reader.numbers.seen
        wanted = set(new)
        for evidence in new:
            del seen[evidence]
        kinds = self.reader.kinds
        plan = [
            (i, kinds[key] == "pct")
            for key, i, _, _ in self.reader.measures
            if kinds[key] != "bool"
        ]
        for cells in rows:
            for i, percent in plan:
                if i < len(cells):
                    text = _nfc(cells[i])
                    read = read_number(text, percent)
                    if read is not None:
                        for evidence in read[1]:
                            if evidence in wanted and evidence not in seen:
                                seen[evidence] = text.strip()
            if wanted <= seen.keys():
                return

    def _one_by_one(self, lines: Sequence[int], rows: list[list[str]]) -> list:
        """A batch read, checked and judged row by row (the lane cannot take it)."""
        slow = self._slow_rows(rows, (), set())
        keys = [self.reader.key_of(lines[p], cells) for p, cells in slow.items()]
        if keys:
            self.reader.duplicates.see_many(*zip(*keys))
        out = [self._one(lines[p], cells) for p, cells in slow.items()]
        return [x for x in out if x is not None]

    def _one(self, line: int, cells: list[str]) -> Any:
        reader = self.reader
        before = len(reader.ambiguous)
        row = reader.read(line, cells)
        if len(reader.ambiguous) != before:
            self.waiting.append(row)
            return None
        return self._judged(row)

    def _judged(self, row: CommuneRow) -> Any:
        if not self.check.keep(row):
            return None
        commune = self.evaluator.row(row)
        self.tally.add(commune)
        if self.mode == "results":
            return commune
        if self.mode == "first":
            self._keep_first([((commune.code, commune.year or 0, commune.line), commune)])
            return None
        text = self.encoder.encode(commune)
        if self.mode == "jsonl":
            return (('{"type":"commune",' + text[1:] + "\n").encode(),)
        return (commune.code, commune.year or 0, commune.line), (text.encode(),)

    def finish(self) -> list:
        """The rows that waited for the whole file to settle an ambiguous number."""
        reader = self.reader
        fixes: dict[int, dict] = {}
        for line, key, number in reader.ambiguous:
            fixes.setdefault(line, {})[key] = reader.settle(number, line, key)
        reader.ambiguous = []
        out = [self._judged(settled(row, fixes[row.line])) for row in self.waiting]
        self.waiting = []
        return [x for x in out if x is not None]


def run(
    path: Path,
    ruleset: RuleSet,
    units: UnitList,
    mode: str,
    send: Callable[[list], None],
    shown: str | None = None,
    encoding: str | None = None,
    first: int = 0,
    progress: Any = None,
) -> Report:
    """Check the CSV file ``path``, giving ``send`` the communes of each batch (see
    ``Lane`` for ``mode``) in input order, rows that waited for the end of the file last.
    Returns the report without its communes — but for mode "first", with the ``first``
    communes in the report's order (the others are counted, not kept). ``progress`` (a
    ``progress.Progress``) is told how far the reading is, and closed at the end. Raises
    ``InputError`` as ``data.load_csv`` does when the file as a whole cannot be used
    (before any commune is sent)."""
    import gc

    from ntm_eval.input.csvfile import iter_batches, iter_records, refuse
    from ntm_eval.input.headers import HeaderMatcher

    shown = shown or str(path)
    matcher = HeaderMatcher(ruleset)
    known = lambda cell: matcher.match(cell) is not None  # noqa: E731
    batches = iter_batches(path, shown, known, encoding, BATCH, raw=True, progress=progress)
    # Judging builds many small objects that form no cycles: the cyclic collector would
    # only scan them again and again.
    enabled = gc.isenabled()
    gc.disable()
    try:
        header, rest = None, None
        for lines, rows in batches:
            for j, cells in enumerate(rows):
                cells = [_nfc(c) for c in cells]
                if any(c.strip() for c in cells):
                    header, rest = (lines[j], cells), (lines[j + 1 :], rows[j + 1 :])
                    break
            if header is not None:
                break
        reader, _ = open_rows(iter([header] if header else []), shown, ruleset, matcher, None)
        reader.track_duplicates = False  # the lane sees (code, year) in row order itself
        columns = {key: i + 1 for key, i in reader.keys.items()}
        place = DataSet(shown, (), (), columns, reader.headers, None)  # locates unit problems
        check = UnitCheck(place, units)
        tally = Tally.of(ruleset)
        lane = Lane(reader, Evaluator(ruleset), check, tally, mode, first)
        if rest is not None and rest[1]:
            send(lane.batch(*rest))
        for lines, rows in batches:
            send(lane.batch(lines, rows))
        send(lane.finish())
    except UnicodeDecodeError as exc:  # a cell of bytes (see iter_batches) is not UTF-8
        refuse(path, shown, known, encoding, f"not UTF-8 text: {exc}")
    finally:
        if enabled:
            gc.enable()
        if progress is not None:  # erased before anything else is written
            progress.close()

    def keys():  # (line, code, year) of every row again, to name a duplicate's first line
        return (
            reader.key_of(line, cells)
            for line, cells in iter_records(path, shown, known, encoding)
            if line > reader.header_line
        )

    problems = check.merge(reader.finish_problems(keys))
    return Report(
        ruleset=ruleset,
        input_path=shown,
        input_rows=tally.communes,
        summary=tally.summary(),
        communes=tuple(c for _, c in lane.first),
        problems=problems,
    )
