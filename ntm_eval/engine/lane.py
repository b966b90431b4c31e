"""Judging a file's rows a batch at a time: column by column where it can, row by row
where it must. Both ways use the same parts; this module only decides which way a row
goes, and caches.

The records of a file come in batches of a thousand; a UTF-8 file's cells come as bytes,
decoded only when a cache meets them first (a cell never read is only checked to be
UTF-8). Each batch is turned into columns, and each column is looked up, at C speed, in a
cache of the distinct texts seen so far in that column. The texts a cache lacks are made
together (``results.Memo.look_up``): those written as plain numbers, most of a national
file's incomes and percentages, are read as a batch (``rows.Column.read_plain``) and judged
a column at once (``evaluate._CompiledMeasure.judge_many``, what judging one value calls);
any other is read by the column's own reader (``rows.Column.read``, what the row-by-row
reader calls) and judged alone.

A measure's cache gives the code of its result in the batch's ``results.Dictionary``: a
small integer whose high bits hold the result's status rank (``results.RANK``), so that a
criterion's rank is the ``results.worst`` of its measures' codes, a column at a time. A
criterion whose cells repeat as a tuple (yes/no columns, mostly) is looked up once a row,
by the tuple of its cells; one whose tuples rarely repeat, measure by measure (chosen from
the misses seen). Groups (region, year) whose thresholds are equal share a cache; a batch
whose groups do not is sorted by group once (``_Sorted``), each group's run of a column
looked up in its own cache, and the codes put back in row order. A commune's verdict
(``results.Verdict``) is cached by the ranks of its criteria.

Only rows whose every cell reads without a finding take the column-wise way. A row with a
bad or ambiguous cell, a name with look-alike letters, a missing identity value, or too
few or too many cells is read by ``RowReader.read`` and judged by ``Evaluator.row``, in its
place. Every row of a batch, either way, then goes through the row checks
(``checks.RowChecks``: duplicates, years outside the period, the unit list), which may keep
a row from being judged. Tests compare every verdict, count, problem and output byte with
the row-by-row way, on clean, dirty and hostile files (``test_lane``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import compress, groupby, repeat
from operator import is_, itemgetter, rshift
from typing import Any

from ntm_eval.engine.evaluate import Evaluator
from ntm_eval.engine.results import (
    CommuneResult,
    CriterionColumn,
    Dictionary,
    Memo,
    Place,
    ResultBatch,
    Tally,
    Verdict,
    worst,
)
from ntm_eval.input.cells import blank
from ntm_eval.input.checks import RowChecks
from ntm_eval.input.rows import CommuneRow, Identities, RowReader, Seen, nfc, nfc_record

#: Cached judgements (all caches together) kept before every cache starts again, and
#: verdicts remembered: memory stays flat on any file. (24,000, with the JSON encoder's
#: 4 MB of texts: on the worst-case profile of tests/bench/generate.py, where most cells
#: are new, 40,000 and 8 MB peaked at 102 MB, over the 100 MB target; the price is about
#: 12 % more CPU on the realistic profile, whose cells repeat more, than 60,000 and 12 MB.)
ENTRY_BUDGET = 24_000
VERDICT_LIMIT = 12_000
#: Names, districts and provinces remembered (all three together) before they start
#: again: a national file has a name per commune, and a million rows as many.
NAME_LIMIT = 20_000
_SHIFT = Dictionary.SHIFT  # a code's status rank is code >> _SHIFT
_BAD = -1  # the code or group of a cell this way does not take (the row goes row by row)
_ABSENT = object()  # the "cell" of a measure whose column the file lacks
_IDENTITY = ("commune_code", "commune_name", "district", "province", "region", "year")


class _Cache(Memo):
    """Cells (a text, or a tuple of texts) → what ``make`` makes of them (``Memo``); a cell
    this way does not take (``make`` gives ``_BAD``) is not remembered, so each of its
    cells calls ``make`` again (which raises the lane's flag)."""

    __slots__ = ()

    def __missing__(self, key: Any) -> Any:
        value = self.make(key)  # type: ignore[misc]  # the lane's caches all have one
        if value.__class__ is not int or value != _BAD:
            self[key] = value
        return value


@dataclass
class _Group:
    place: Place
    caches: list  # per measure: the text cache for this group's threshold lookup


class Lane:
    """Judges the batches of one file (``batch``), then the rows that waited for the whole
    file (``finish``). With ``column_wise`` false (or a file that lacks an identity column)
    every row is read and judged row by row."""

    def __init__(
        self,
        reader: RowReader,
        evaluator: Evaluator,
        checks: RowChecks,
        tally: Tally,
        column_wise: bool = True,
    ) -> None:
        self.reader, self.evaluator, self.checks, self.tally = reader, evaluator, checks, tally
        self.waiting: list[CommuneRow] = []  # rows with an ambiguous number: judged at the end
        self.flag = False  # a cache met a cell this way does not take
        self.wanted: set[str] = set()  # separator uses first shown in this batch
        columns = reader.column
        criteria = evaluator.criteria
        ruleset = evaluator.ruleset
        self.usable = (
            column_wise
            # a set of other identity columns (no district, a class other than the
            # region, reassignment flags) is judged row by row, by the same parts
            and ruleset.identity_columns == _IDENTITY
            and all(k in columns for k in _IDENTITY)
            and bool(criteria)
            and all(len(span) for _, span in criteria)
        )
        if not self.usable:
            return
        self.cols = [columns[k].index for k in _IDENTITY]
        name, district, province = (columns[k] for k in _IDENTITY[1:4])
        self.region_column, self.year_column = columns["region"], columns["year"]
        #: per measure: the file's column reader, or None when the file lacks the column
        self.plan = [columns.get(m.column) for m in evaluator.measures]
        #: columns this way never reads: their bytes are only checked to be UTF-8
        self.unread = sorted(
            set(range(reader.width)).difference(self.cols, (c.index for c in self.plan if c))
        )
        #: criteria judged from the tuple of their cells (one lookup a row, see ``_joint``);
        #: a criterion whose tuples rarely repeat goes back to one lookup a measure
        self.joint = [len(span) > 1 for _, span in criteria]
        self.ids = [c.id for c, _ in criteria]
        self.half = len(criteria) // 2
        self.halves = (
            _Cache(partial(Verdict.of, self.ids[: self.half])),
            _Cache(partial(Verdict.of, self.ids[self.half :])),
        )
        self.names = [_Cache(partial(self._text, c)) for c in (name, district, province)]
        self.group_ids = _Cache(self._group)
        self.groups: list[_Group] = []
        self.places: list[Place] = []  # by group (the dictionaries' place codes)
        self.regions: list[str] = []  # by group, for lookups at C speed
        self.years: list[int] = []
        self.patterns = _Cache(self._pattern)
        #: per measure: the cells of this batch read ahead for its groups (``_read_ahead``)
        self.ahead: dict[int, dict[Any, Any]] = {}
        self._forget()

    # --- caches -------------------------------------------------------------------------

    def _forget(self) -> None:
        """Start every cache of judged results again, in a new dictionary (groups and names
        stay)."""
        self.dictionary = Dictionary([c for c, _ in self.evaluator.criteria], self.places)
        self.batches = 0  # since the caches were emptied (see ``_choose``)
        self.by_lookup: dict[tuple, _Cache] = {}
        self.joints: dict[tuple, _Cache] = {}  # (criterion, its measures' caches) → cache
        self.misses = [0] * len(self.joint)  # of joint caches, in this batch
        for group in self.groups:
            group.caches = self._caches(group.place)

    def _cached(self) -> int:
        """How many judgements the caches hold."""
        return len(self.dictionary) + sum(map(len, self.joints.values()))

    def _caches(self, place: Place) -> list[_Cache]:
        """The text cache of each measure for a group: groups whose threshold lookups are
        equal share one (the threshold's type counts: 80 and 80.0 print apart)."""
        caches = []
        for k, m in enumerate(self.evaluator.measures):
            lookup = m.lookup(*place)
            key = (k, type(lookup[0]), lookup)
            cache = self.by_lookup.get(key)
            if cache is None:
                cache = self.by_lookup[key] = _Cache(partial(self._entry, k, lookup))
                if self.plan[k] is not None:
                    cache.fill = partial(self._fill, k, lookup)
            caches.append(cache)
        return caches

    def _entry(self, k: int, lookup: tuple, text: Any) -> int:
        """The code of measure ``k``'s result for a cell's text, under a threshold lookup."""
        m = self.evaluator.measures[k]
        if text is _ABSENT:
            result = m.judge(None, True, lookup)
        else:
            reading = self.plan[k].read_new(nfc(text))  # type: ignore[union-attr]
            if reading.findings or reading.ambiguous is not None:
                self.flag = True
                return _BAD
            if reading.evidence:
                self.wanted.update(reading.evidence)
            result = m.judge(reading.value, False, lookup)
        return self.dictionary.add(result)

    def _fill(self, k: int, lookup: tuple, cache: _Cache, missing: set) -> None:
        """Judge, as a batch, the new cells of measure ``k`` under a threshold lookup that
        are numbers written plainly (``_read_plain``, then ``judge_many``), into ``cache``;
        the others are left for ``_entry``, one by one."""
        ahead = self.ahead.get(k)
        if ahead is not None and len(missing) == sum(map(ahead.__contains__, missing)):
            texts = list(missing)
            values = list(map(ahead.__getitem__, texts))
        else:
            texts, values = self._read_plain(k, missing)
        if None in values:
            picked = [i for i, v in enumerate(values) if v is not None]
            texts, values = [texts[i] for i in picked], [values[i] for i in picked]
        if values:
            results = self.evaluator.measures[k].judge_many(values, lookup)
            cache.update(zip(texts, self.dictionary.add_many(results)))

    def _read_ahead(self, k: int, cells: set) -> None:
        """Read the cells of measure ``k`` that the caches of a batch's groups lack, once for
        all of them (``_fill`` finds them here); forgotten at the end of the batch."""
        texts, values = self._read_plain(k, cells)
        self.ahead[k] = dict(zip(texts, values))

    def _read_plain(self, k: int, cells: set) -> tuple[list[Any], list[Any]]:
        """The cells of measure ``k`` (texts, and the value of each as
        ``Column.read_plain`` reads it: None for one to read alone)."""
        texts: list[Any] = [t for t in cells if t.__class__ is bytes or t.__class__ is str]
        texts = [t for t in texts if t.isascii()]  # numbers are: nothing to normalise
        if not texts:
            return [], []
        if texts[0].__class__ is bytes:
            joined = b"\x1f".join(texts)
            if joined.count(b"\x1f") != len(texts) - 1:
                return texts, [None] * len(texts)
            strs: list[str] = joined.decode().split("\x1f")
        else:
            strs = texts
        column = self.plan[k]
        assert column is not None
        values, evidence = column.read_plain(strs)
        if evidence:
            self.wanted.update(evidence)
        return texts, values

    def _fill_joint(self, caches: list, _: _Cache, missing: set) -> None:
        """``_fill`` for tuples of a criterion's cells, one per measure (``caches``): each
        measure's cache with its new texts."""
        for j, cache in enumerate(caches):
            if cache.fill is not None:
                cache.fill(cache, {t for key in missing if (t := key[j]) not in cache})

    def _joint_maker(self, c: int, caches: list) -> Callable[[tuple], int]:
        """The code of criterion ``c`` for a tuple of its cells (``caches``: one per
        measure): it stands for its measures' codes."""

        def make(key: tuple) -> int:
            self.misses[c] += 1
            parts = [cache[text] for cache, text in zip(caches, key)]
            if _BAD in parts:
                return _BAD
            return self.dictionary.add_joint(parts)

        return make

    def _text(self, column: Any, raw: Any) -> Any:
        """A name cell's value; ``_BAD`` when its reading has a finding (look-alike
        letters: the row goes row by row, to be reported)."""
        reading = column.read_new(nfc(raw))
        if reading.findings:
            self.flag = True
            return _BAD
        return reading.value

    def _group(self, key: tuple[Any, Any]) -> int:
        """The group of a (region, year) pair of cells; ``_BAD`` when either has a finding
        (an unknown region, a bad or missing year: the row goes row by row)."""
        region = self.region_column.read_new(nfc(key[0]))
        year = self.year_column.read_new(nfc(key[1]))
        if region.findings or year.findings or region.value is None or year.value is None:
            self.flag = True
            return _BAD
        place = Place(region.value, year.value)
        for gid, group in enumerate(self.groups):
            if group.place == place:
                return gid
        self.groups.append(_Group(place, self._caches(place)))
        self.places.append(place)
        self.regions.append(region.value)
        self.years.append(year.value)
        return len(self.groups) - 1

    def _pattern(self, ranks: tuple) -> Verdict:
        """A commune's verdict from its criteria's status ranks, joined from its two halves
        (each half repeats far more often than the whole)."""
        if len(self.patterns) >= VERDICT_LIMIT:
            self.patterns.clear()
        first, second = self.halves
        if len(first) + len(second) >= VERDICT_LIMIT:
            first.clear()
            second.clear()
        h = self.half
        return first[ranks[:h]].joined(second[ranks[h:]])

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

    def _cache_of(self, k: int, present: set[int], gids: list[int]) -> _Cache | None:
        """Measure ``k``'s text cache when every group of the batch shares one, else None
        (the batch's cells are then looked up group by group, ``_Sorted``)."""
        groups = self.groups
        first = groups[gids[0]].caches[k]
        return first if all(groups[g].caches[k] is first for g in present) else None

    def _group_cache(self, k: int, gid: int) -> _Cache:
        """Measure ``k``'s text cache in group ``gid``."""
        return self.groups[gid].caches[k]

    def _group_joint(self, c: int, span: range, gid: int) -> _Cache:
        """Criterion ``c``'s cache of tuples of cells in group ``gid``."""
        caches = self.groups[gid].caches
        return self._joint_cache(c, [caches[k] for k in span])

    def _joint_cache(self, c: int, caches: list[_Cache]) -> _Cache:
        """Criterion ``c``'s cache of tuples of cells under its measures' ``caches``."""
        key = (c, *map(id, caches))
        cache = self.joints.get(key)
        if cache is None:
            cache = self.joints[key] = _Cache(
                self._joint_maker(c, caches), partial(self._fill_joint, caches)
            )
        return cache

    # --- a batch ------------------------------------------------------------------------

    def batch(self, lines: Sequence[int], rows: list[list[Any]]) -> ResultBatch:
        """The communes of one batch, in input order. Rows that wait for the end of the file
        (an ambiguous number) or are not evaluated (a ward) are not among them."""
        if not self.usable:
            return self._judge(lines, rows, (), set(), None)
        if self._cached() > ENTRY_BUDGET:
            self._forget()
        if sum(map(len, self.names)) > NAME_LIMIT:
            for names in self.names:
                names.clear()
        width, n = self.reader.width, len(rows)
        # a misread record (csvfile.Misread, not a plain list) is read row by row
        if list(map(len, rows)).count(width) == n and list(map(type, rows)).count(list) == n:
            return self._columns(lines, rows, range(len(rows)), rows)
        taken = [i for i, r in enumerate(rows) if len(r) == width and r.__class__ is list]
        if not taken:
            return self._judge(lines, rows, (), set(), None)
        return self._columns(lines, rows, taken, [rows[i] for i in taken])

    def _columns(
        self, lines: Sequence[int], rows: list[list[Any]], taken: Sequence[int], frows: list
    ) -> ResultBatch:
        n = len(frows)
        cols = list(zip(*frows))
        ci, ni, di, pi, ri, yi = self.cols
        bad: set[int] = set()  # positions in frows that go row by row

        def note(column: list, mark: Any) -> None:
            if self.flag:
                self.flag = False
                bad.update(i for i, x in enumerate(column) if x is mark or x == mark)

        codes: Any = cols[ci]
        empty = codes[0][:0]
        joined = empty.join(codes)
        if not (joined.isdigit() and joined.isascii()) or empty in codes:
            # a code of ASCII digits reads as itself; any other goes row by row
            bad.update(i for i, c in enumerate(codes) if not (c.isdigit() and c.isascii()))
        if empty == b"":
            codes = (
                b" ".join(codes).decode().split(" ")
                if not bad
                else [c.decode(errors="replace") for c in codes]
            )
            for i in self.unread:  # the row-by-row reader refuses a file that is not UTF-8
                text = b"".join(cols[i])
                if not text.isascii():
                    text.decode()
        names, districts, provinces = (
            list(map(cache.__getitem__, cols[i])) for cache, i in zip(self.names, (ni, di, pi))
        )
        if self.flag:  # a name's reading has a finding
            self.flag = False
            for column in (names, districts, provinces):
                bad.update(i for i, x in enumerate(column) if x is _BAD)
        gids = list(map(self.group_ids.__getitem__, zip(cols[ri], cols[yi])))
        note(gids, _BAD)
        if len(bad) == n:
            return self._judge(lines, rows, (), set(), None)
        if _BAD in gids:  # any group does for their lookups: those rows go row by row
            some = next(g for g in gids if g != _BAD)
            gids = [some if g == _BAD else g for g in gids]
        present = set(gids)
        order = _Sorted(gids)

        entries: list = [None] * len(self.plan)  # per measure judged alone: its codes
        columns = []  # per criterion: the codes it is judged by (its largest, or joint)
        plan = self.plan
        for c, (_, span) in enumerate(self.evaluator.criteria):
            texts: list[Any] = [
                cols[plan[k].index] if plan[k] is not None else repeat(_ABSENT, n)  # type: ignore[union-attr]
                for k in span
            ]
            if self.joint[c]:
                caches = [self._cache_of(k, present, gids) for k in span]
                if None in caches:
                    got = order.look_up(partial(self._group_joint, c, span), list(zip(*texts)))
                else:
                    got = self._joint_cache(c, caches).look_up(list(zip(*texts)))  # type: ignore[arg-type]
                note(got, _BAD)
                columns.append(got)
                continue
            for k, column in zip(span, texts):
                cache = self._cache_of(k, present, gids)
                if cache is not None:
                    got = cache.look_up(column)
                else:
                    got = order.look_up(
                        partial(self._group_cache, k),
                        column,
                        None if plan[k] is None else partial(self._read_ahead, k),
                    )
                note(got, _BAD)
                entries[k] = got
            parts = entries[span.start : span.stop]
            columns.append(parts[0] if len(parts) == 1 else list(map(worst, *parts)))
        self.ahead = {}
        if self.wanted:  # first shown in this batch: its first value in file order
            self.reader.note_evidence(rows, self.wanted)
            self.wanted = set()
        self._choose(n)
        good = [i for i in range(n) if i not in bad] if bad else list(range(n))
        return self._judge(
            lines,
            rows,
            taken,
            bad,
            _Columns(good, codes, names, districts, provinces, gids, entries, columns),
        )

    def _judge(
        self,
        lines: Sequence[int],
        rows: list[list[Any]],
        taken: Sequence[int],
        bad: set[int],
        lane: _Columns | None,
    ) -> ResultBatch:
        """Read row by row the rows the columns did not take, run the row checks over every
        row in file order, and judge what they keep: the batch's communes."""
        slow = self._read_slowly(lines, rows, taken, bad)
        good = lane.good if lane is not None else []
        ids: list[Sequence[Any]] = []  # the identity columns of the column-wise rows
        if good:
            assert lane is not None
            gids = _pick(lane.gids, good)
            ids = [
                _pick(lines, taken) if len(good) == len(taken) else [lines[taken[i]] for i in good],
                *(
                    _pick(column, good)
                    for column in (lane.codes, lane.names, lane.districts, lane.provinces)
                ),
                list(map(self.regions.__getitem__, gids)),
                list(map(self.years.__getitem__, gids)),
            ]
        # every row, in file order: (position, k) with k ≥ 0 the k-th of ``good``, k < 0
        # the ~k-th of ``slow``
        if not slow:
            held = self.checks.see(Identities(*ids)) if good else {}
            held_slow: Seen = {}
        elif not good:
            held_slow = self.checks.see(Identities.of([row for _, row, _ in slow]))
            held = {}
        else:
            order = sorted(
                [(taken[i], k) for k, i in enumerate(good)]
                + [(p, ~j) for j, (p, _, _) in enumerate(slow)]
            )
            merged = []
            for _, k in order:
                if k >= 0:
                    merged.append(tuple(column[k] for column in ids))
                else:
                    row = slow[~k][1]
                    merged.append(
                        (
                            row.line,
                            row.code,
                            row.name,
                            row.district,
                            row.province,
                            row.region,
                            row.year,
                        )
                    )
            out = self.checks.see(Identities(*(list(c) for c in zip(*merged))))
            held = {order[d][1]: why for d, why in out.items() if order[d][1] >= 0}
            held_slow = {~order[d][1]: why for d, why in out.items() if order[d][1] < 0}
        singles = []
        for j, (p, row, waits) in enumerate(slow):
            if j in held_slow:
                why = held_slow[j]
                if why is None:
                    continue
                row, waits = self.reader.hold(row, why), False
            if waits:
                self.waiting.append(row)
            else:
                commune = self.evaluator.row(row)
                self.tally.add(commune)
                singles.append((p, commune))
        if held:
            for k, why in held.items():
                if why is not None:  # judged alone, with no measure read
                    line, code, name, district, province, region, year = (c[k] for c in ids)
                    row = self.reader.set_aside(
                        line, code, name, district, province, region, year, why
                    )
                    commune = self.evaluator.row(row)
                    self.tally.add(commune)
                    singles.append((taken[good[k]], commune))
            good = [i for k, i in enumerate(good) if k not in held]
        if not good:
            return ResultBatch(singles=singles)
        assert lane is not None
        return self._rows(lines, taken, good, lane, singles)

    def _read_slowly(
        self, lines: Sequence[int], rows: list[list[Any]], taken: Sequence[int], bad: set[int]
    ) -> list[tuple[int, CommuneRow, bool]]:
        """The rows the columns did not take, read by ``RowReader.read``: (position, row,
        whether it waits for the end of the file). Blank rows hold nothing."""
        if not bad and len(taken) == len(rows):
            return []
        reader = self.reader
        positions = set(range(len(rows))).difference(taken) if len(taken) != len(rows) else set()
        positions.update(taken[i] for i in bad)
        out = []
        for p in sorted(positions):
            cells = nfc_record(rows[p])
            if not blank(cells):
                before = len(reader.ambiguous)
                row = reader.read(lines[p], cells)
                out.append((p, row, len(reader.ambiguous) != before))
        return out

    def _rows(
        self,
        lines: Sequence[int],
        taken: Sequence[int],
        good: list[int],
        lane: _Columns,
        singles: list[tuple[int, CommuneResult]],
    ) -> ResultBatch:
        """The batch of the communes judged column by column (rows ``good`` of ``taken``)."""
        every = len(good) == len(lane.codes)

        def pick(column: Sequence[Any]) -> Sequence[Any]:
            return column if every else [column[i] for i in good]

        shift = repeat(_SHIFT)
        ranks = [bytes(map(rshift, pick(column), shift)) for column in lane.columns]
        verdicts = list(map(self.patterns.__getitem__, zip(*ranks)))
        gids = pick(lane.gids)
        self.tally.add_columns(
            ranks, verdicts, pick(lane.codes), list(map(self.years.__getitem__, gids))
        )
        criteria = []
        for (_, span), column, rank in zip(self.evaluator.criteria, lane.columns, ranks):
            if len(span) == 1 or lane.entries[span.start] is None:  # one code stands for it
                criteria.append(CriterionColumn(rank, pick(column), None))
            else:
                criteria.append(CriterionColumn(rank, None, [pick(lane.entries[k]) for k in span]))
        if every and len(taken) == len(lines):  # every row of the batch
            positions, taken_lines = taken, lines
        else:
            positions = [taken[i] for i in good]
            taken_lines = [lines[p] for p in positions]
        return ResultBatch(
            lines=taken_lines,
            codes=pick(lane.codes),
            names=pick(lane.names),
            districts=pick(lane.districts),
            provinces=pick(lane.provinces),
            places=pick(lane.gids),
            verdicts=verdicts,
            criteria=criteria,
            dictionary=self.dictionary,
            positions=positions,
            singles=singles,
        )

    def finish(self) -> ResultBatch:
        """The rows that waited for the whole file to settle an ambiguous number."""
        singles = []
        for p, row in enumerate(self.reader.settle(self.waiting)):
            commune = self.evaluator.row(row)
            self.tally.add(commune)
            singles.append((p, commune))
        self.waiting = []
        return ResultBatch(singles=singles)


class _Sorted:
    """A batch's rows sorted by group: a column is looked up group by group, each group's
    cells in its own cache, and put back in row order (all at C speed but one call a
    group)."""

    def __init__(self, gids: list[int]) -> None:
        self.n = n = len(gids)
        self.order = sorted(range(n), key=gids.__getitem__)  # rows, group by group
        self.back = itemgetter(*sorted(range(n), key=self.order.__getitem__))
        self.take = itemgetter(*self.order)
        self.runs: list[tuple[int, int, int]] = []  # (group, first, end) in ``order``
        start = 0
        for gid, rows in groupby(map(gids.__getitem__, self.order)):
            end = start + sum(1 for _ in rows)
            self.runs.append((gid, start, end))
            start = end

    def look_up(
        self,
        cache_of: Callable[[int], _Cache],
        column: Sequence[Any],
        read: Callable[[set], None] | None = None,
    ) -> list[Any]:
        """``cache_of(group)[cell]`` of each cell of ``column``, in row order. With
        ``read``, the cells some group's cache lacks are given to it first, all together."""
        if self.n == 1:
            return cache_of(self.runs[0][0]).look_up(column)
        cells = self.take(column)
        parts = [(cache_of(gid), cells[start:end]) for gid, start, end in self.runs]
        if read is not None:
            lacking: set = set()
            for cache, part in parts:
                lacking.update(compress(part, map(is_, map(cache.get, part), repeat(None))))
            if len(lacking) > 1:
                read(lacking)
        got: list[Any] = []
        for cache, part in parts:
            got += cache.look_up(part)
        return list(self.back(got))


def _pick(column: Sequence[Any], picked: Sequence[int]) -> Sequence[Any]:
    return column if len(picked) == len(column) else [column[i] for i in picked]


@dataclass
class _Columns:
    """What the columns of a batch gave: the rows they take (``good``, indices into the
    rows they looked at) and, for each of those rows, its identity, group and codes."""

    good: list[int]
    codes: Sequence[str]
    names: Sequence[str]
    districts: Sequence[str]
    provinces: Sequence[str]
    gids: Sequence[int]
    entries: list  # per measure judged alone: its codes (None when judged jointly)
    columns: list  # per criterion: the codes it is judged by (its largest, or joint)
