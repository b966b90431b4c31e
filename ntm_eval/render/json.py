"""``--format json``: the whole report as one JSON document (schema: schemas/check-output);
also the gaps and compare documents (schemas/gaps-output, schemas/compare-output)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from itertools import repeat
from json.encoder import encode_basestring as _string  # what dumps(ensure_ascii=False) uses
from math import isfinite
from operator import add, itemgetter, rshift
from typing import IO, Any

from ntm_eval.engine.results import (
    BY_RANK,
    CommuneResult,
    Dictionary,
    Finished,
    IndicatorResult,
    Memo,
    Report,
    ResultBatch,
    Results,
    Verdict,
)

SCHEMA_VERSION = 1


def _indicator(r: IndicatorResult) -> dict[str, Any]:
    return {
        "id": r.id,
        "column": r.column,
        "kind": r.kind,
        "value": r.value,
        "op": r.op,
        "threshold": r.threshold,
        "threshold_from": r.threshold_from,
        "unit": r.unit,
        "status": r.status,
        "gap": r.gap,
        "verified": r.verified,
        "reason": r.reason,
    }


def _criterion(k: Any) -> dict[str, Any]:
    out = {
        "id": k.id,
        "name": k.name.en,
        "name_vi": k.name.vi,
        "sector": k.sector,
        "status": k.status,
        "indicators": [_indicator(i) for i in k.indicators],
    }
    if k.part_of is not None:
        out["part_of"] = k.part_of
    return out


def commune_dict(c: CommuneResult, with_criteria: bool = True) -> dict[str, Any]:
    doc = {
        "code": c.code,
        "name": c.name,
        "district": c.district,
        "province": c.province,
        "region": c.region if c.class_column == "region" else None,
        "year": c.year,
        "line": c.line,
        **({} if c.class_doc is None else {"class": c.class_doc}),
        "status": c.status,
        "criteria_met": c.criteria_met,
        "criteria_total": c.criteria_total,
        "not_met": c.not_met,
        "not_evaluable": c.not_evaluable,
    }
    if with_criteria:
        doc["criteria"] = [_criterion(k) for k in c.criteria]  # type: ignore[misc]
    return doc


def ruleset_dict(report: Report) -> dict[str, Any]:
    rs = report.ruleset
    return {
        "id": rs.id,
        "title": rs.title.en,
        "title_vi": rs.title.vi,
        "legal_basis": rs.legal_basis,
    }


def summary_dict(report: Report) -> dict[str, Any]:
    s = report.summary
    return {
        "communes": s.communes,
        "met": s.met,
        "not_met": s.not_met,
        "not_evaluable": s.not_evaluable,
        "by_criterion": [
            {
                "id": c.id,
                "name": c.name.en,
                "met": c.met,
                "not_met": c.not_met,
                "not_evaluable": c.not_evaluable,
            }
            for c in s.by_criterion
        ],
        **({"years": list(s.years), "distinct_communes": s.distinct} if s.several_years else {}),
        "bands": [
            {"label": b.label, "min": b.low, "max": b.high, "communes": b.communes} for b in s.bands
        ],
    }


def input_dict(report: Report) -> dict[str, Any]:
    """The input judged: its path, for a workbook the sheet read, and its row count."""
    if report.input_sheet is None:
        return {"path": report.input_path, "rows": report.input_rows}
    return {"path": report.input_path, "sheet": report.input_sheet, "rows": report.input_rows}


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "ruleset": ruleset_dict(report),
        "input": input_dict(report),
        "filters": report.filters.to_dict(),
        "summary": summary_dict(report),
        "communes": [commune_dict(c) for c in report.communes],
        "errors": [p.to_dict() for p in report.errors],
        "warnings": [p.to_dict() for p in report.warnings],
    }


def dumps(doc: Any) -> str:
    # Compact on purpose: a national file is tens of megabytes; pipe to `jq` to read it.
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _scalar(x: Any) -> str:
    """``dumps(x)`` for the values of a result (text, numbers, booleans, None)."""
    if x is None:
        return "null"
    cls = x.__class__
    if cls is str:
        return _string(x)
    if cls is bool:
        return "true" if x else "false"
    if cls is int:
        return int.__repr__(x)
    if cls is float and x - x == 0:  # finite
        return float.__repr__(x)
    return dumps(x)


def _values_encoder() -> Callable[[Sequence[Any]], str]:
    """``dumps(list(values))`` for a few result values: json's own C encoder, made once
    instead of on every ``dumps`` call, when this Python has it and it agrees."""

    def plain(values: Sequence[Any]) -> str:
        return dumps(list(values))

    try:
        from json.encoder import c_make_encoder  # type: ignore[attr-defined]

        chunks = c_make_encoder(
            None, json.JSONEncoder().default, _string, None, ":", ",", False, False, True
        )

        def fast(values: Sequence[Any]) -> str:
            return "".join(chunks(values, 0))

        probe = (1.5, -0.0, 10**20, None, True, False, 'a"\u2028', float("nan"), 85.0)
        if fast(probe) == plain(probe):
            return fast
    except (ImportError, TypeError):
        pass
    return plain


#: ``dumps(list(values))``
values_text = _values_encoder()


# The pieces of a commune's JSON text. ``CommuneEncoder`` builds every commune from them,
# one by one or a batch's columns at a time: both give exactly ``dumps(commune_dict(c))``.


def _field(key: str, text: str) -> str:
    """``,"key":"text"``"""
    return f',"{key}":' + _string(text)


def names_text(name: str, district: str, province: str) -> str:
    """``,"name":…,"district":…,"province":…``"""
    return _field("name", name) + _field("district", district) + _field("province", province)


def place_text(region: str | None, year: int | None) -> str:
    """``,"region":…,"year":…,"line":`` (the line number follows)."""
    return "".join(
        (
            ',"region":',
            "null" if region is None else _string(region),
            ',"year":',
            "null" if year is None else _scalar(year),
            ',"line":',
        )
    )


def verdict_text(
    status: str, met: int, total: int, not_met: Sequence[str], not_evaluable: Sequence[str]
) -> str:
    """``,"status":…`` to ``"criteria":[`` (the criteria follow)."""
    return _VERDICT % (
        _string(status),
        met,
        total,
        ",".join(map(_string, not_met)),
        ",".join(map(_string, not_evaluable)),
    )


_VERDICT = (
    ',"status":%s,"criteria_met":%d,"criteria_total":%d,"not_met":[%s],"not_evaluable":[%s],'
    '"criteria":['
)


def criterion_head(id_: str, name: Any, sector: str) -> str:
    """A criterion's text up to its status: ``{"id":…,"sector":…,"status":``"""
    return "".join(
        (
            '{"id":',
            _string(id_),
            ',"name":',
            _scalar(name.en),
            ',"name_vi":',
            _scalar(name.vi),
            ',"sector":',
            _scalar(sector),
            ',"status":',
        )
    )


def once_per_object(
    cache: dict[int, tuple[Any, Any]], obj: Any, make: Callable[[Any], Any], limit: int
) -> Any:
    """``make(obj)``, made once per object: remembered by identity, the object kept alive
    with what was made so that its id stays its own; past ``limit`` objects the cache
    starts again. (The evaluator shares identical results between communes.)"""
    hit = cache.get(id(obj))
    if hit is None:
        if len(cache) >= limit:
            cache.clear()
        hit = cache[id(obj)] = (make(obj), obj)
    return hit[0]


#: The fields of an indicator result that, with the types of its threshold and reason
#: (80 and 80.0 are equal but print apart), make all of its text but its value and gap.
_FIXED = itemgetter(0, 1, 2, 4, 5, 6, 7, 8, 10, 11)
_VALUE, _THRESHOLD, _GAP, _REASON = (itemgetter(i) for i in (3, 5, 9, 11))
_SHIFT = Dictionary.SHIFT


def _scalars(xs: list[Any]) -> list[str]:
    """``_scalar`` of each of ``xs``; at C speed when they are all finite floats."""
    if set(map(type, xs)) == {float} and all(map(isfinite, xs)):
        return list(map(float.__repr__, xs))
    return list(map(_scalar, xs))


#: bytes a bytes object costs beyond its text
_BYTES = 33
#: What a commune's text starts with: in a JSON document, and as a JSON line.
COMMUNE = '{"code":'
LINE = '{"type":"commune","code":'


class CommuneEncoder:
    """Encodes communes as ``dumps(commune_dict(c))`` would: one by one (``encode``), or a
    batch of results a column at a time (``encode_batch``).

    Each distinct criterion and indicator result is encoded once: the evaluator shares
    identical results between communes (remembered by identity, the object kept alive so
    its id stays unique; at most ``LIMIT`` of each, then the memory starts again), and a
    batch's columns hold the codes of its dictionary's results (remembered by code, while
    the batches share a dictionary and up to ``TEXT_BUDGET`` bytes). An indicator is filled
    into text prepared once per measure instead of going through a dict and ``json.dumps``.
    """

    LIMIT = 10_000
    TEXT_BUDGET = 4 << 20  # bytes of texts remembered by code

    def __init__(self, start: str = COMMUNE, end: str = "") -> None:
        self.start, self.end = start, end
        self._criteria: dict[int, tuple[str, Any]] = {}
        self._indicators: dict[int, tuple[str, Any]] = {}
        self._templates: dict[tuple, tuple[str, str, str]] = {}  # see ``_indicator``
        self._heads: dict[str, tuple[Any, str, str]] = {}  # criterion id → (name, sector, text)
        self._verdicts: dict[int, bytes] = {}  # id of a verdict → its text
        self._held = 0  # bytes of text remembered by code
        self.made = 0  # bytes of the texts made for communes: what holding them all costs
        self._names: list[Memo] = []  # name, district, province → their pieces
        self._place_texts = Memo(bytes)
        self._whole: list[Memo] = []  # per criterion: a code → its text
        self._parts: list[Memo] = []  # per measure: a code → its text
        self._spans: list[range] = []  # per criterion: its measures in ``_parts``
        self._heads_by_rank: list[list[bytes]] = []  # per criterion and status
        self._alive: dict[int, Verdict] = {}  # … and the verdict, so that its id stays its own
        self._dictionary: Any = None  # the dictionary the codes below are of
        self._places: Any = None

    def encode(self, c: CommuneResult) -> str:
        """``dumps(commune_dict(c))`` (with ``start`` for its first key, ``end`` after it),
        built from cached pieces."""
        texts = [
            once_per_object(self._criteria, k, self._criterion, self.LIMIT) for k in c.criteria
        ]
        return "".join(
            (
                self.start,
                _string(c.code),
                names_text(c.name, c.district, c.province),
                place_text(c.region if c.class_column == "region" else None, c.year),
                _scalar(c.line),
                ""
                if c.class_doc is None
                else ',"class":'
                + json.dumps(c.class_doc, ensure_ascii=False, separators=(",", ":")),
                verdict_text(
                    c.status, c.criteria_met, c.criteria_total, c.not_met, c.not_evaluable
                ),
                ",".join(texts),
                "]}",
                self.end,
            )
        )

    def encode_batch(self, batch: ResultBatch) -> list[tuple[bytes, ...]]:
        """Each commune of ``batch`` (input order) as the pieces of its UTF-8 text: joined,
        they are ``encode(c)``. The column-wise rows are encoded a column at a time."""
        singles: list[tuple[bytes, ...]] = [(self.encode(c).encode(),) for _, c in batch.singles]
        self.made += sum(_BYTES + len(single[0]) for single in singles)
        if not batch.lines:
            return singles
        self._begin(batch.dictionary)
        n = len(batch.lines)
        codes = batch.codes
        joined = "".join(codes)
        if joined.isdigit() and joined.isascii() and all(codes):  # nothing to escape
            code_texts = ('"' + '"\x1f"'.join(codes) + '"').encode().split(b"\x1f")
        else:
            code_texts = [_string(c).encode() for c in codes]
        parts: list[Any] = [
            repeat(self.start.encode(), n),
            code_texts,
            list(map(self._names[0].__getitem__, batch.names)),
            list(map(self._names[1].__getitem__, batch.districts)),
            list(map(self._names[2].__getitem__, batch.provinces)),
            list(map(self._place_texts.__getitem__, batch.places)),
            "\x1f".join(map(str, batch.lines)).encode().split(b"\x1f"),
            self._verdict_texts(batch.verdicts),
        ]
        for c, column in enumerate(batch.criteria):
            if column.whole is not None:
                parts.append(self._whole[c].look_up(column.whole))
            else:
                parts.append(list(map(self._heads_by_rank[c].__getitem__, column.ranks)))
                for k, codes_k in zip(self._spans[c], column.parts):  # type: ignore[arg-type]
                    parts.append(self._parts[k].look_up(codes_k))
        if self.end:
            parts.append(repeat(self.end.encode(), n))
        return batch.in_order(list(zip(*parts)), singles)

    def _begin(self, dictionary: Any) -> None:
        """Ready the caches by code for the batches of ``dictionary``."""
        if sum(len(names) for names in self._names) > self.LIMIT:
            for names in self._names:  # a name per commune: do not keep them all
                names.clear()
        if dictionary is self._dictionary and self._held < self.TEXT_BUDGET:
            return
        self._dictionary, self._held = dictionary, 0
        criteria = dictionary.criteria
        last = len(criteria) - 1
        #: what follows a criterion's text: a comma, or the end of the commune's criteria
        after = ["," if c < last else "]}" for c in range(len(criteria))]
        if dictionary.places is not self._places:
            self._places = dictionary.places
            self._names = [Memo(self._field_maker(key)) for key in ("name", "district", "province")]
            places = dictionary.places

            def place(code: int) -> bytes:
                return place_text(*places[code]).encode()

            self._place_texts = Memo(place)

        # A criterion's text is its head (by status) and its measures' texts, each with
        # what follows it: as ``_criterion`` joins them.
        self._heads_by_rank = [
            [(self._head(k.id, k.name, k.sector) + self._status(s)).encode() for s in BY_RANK]
            for k in criteria
        ]
        close = self._close(None)  # a column-wise row's criteria are whole
        self._spans, self._parts = [], []
        for c, k in enumerate(criteria):
            count = sum(len(i.measures) for i in k.indicators)
            first = len(self._parts)
            self._spans.append(range(first, first + count))
            for m in range(count):
                tail = "," if m < count - 1 else close + after[c]
                self._parts.append(Memo(None, partial(self._fill, dictionary, tail, c, m)))

        def joint(c: int) -> Callable[[int], bytes]:
            heads, parts = self._heads_by_rank[c], [self._parts[k] for k in self._spans[c]]

            def make_joint(code: int) -> bytes:
                codes = dictionary.parts(code)
                text = heads[dictionary.rank(code)] + b"".join(
                    [part[p] for part, p in zip(parts, codes)]
                )
                self._held += len(text)
                self.made += _BYTES + len(text)
                return text

            return make_joint

        # a criterion of one measure: its measure's text is only ever needed here, with
        # the criterion's head and close (not kept apart)
        self._whole = [
            Memo(None, self._whole_filler(c, dictionary, close + after[c]))
            if len(self._spans[c]) == 1
            else Memo(joint(c))
            for c in range(len(criteria))
        ]

    @staticmethod
    def _field_maker(key: str) -> Callable[[str], bytes]:
        def make(name: str) -> bytes:
            return _field(key, name).encode()

        return make

    def _fill(
        self,
        dictionary: Any,
        tail: str,
        c: int,
        m: int,
        texts: Memo,
        codes: set,
        heads: list[bytes] | None = None,
    ) -> None:
        """The texts of many results of measure ``m`` of criterion ``c`` (codes of
        ``dictionary``) at once, each with ``tail`` after it (and, with ``heads``, its
        criterion's head by rank before it)."""
        ordered = list(codes)
        made = self._measures_at(list(map(dictionary.indicators.__getitem__, ordered)), c, m)
        encoded = list(map(str.encode, map(add, made, repeat(tail))))
        if heads is not None:
            ranks = map(rshift, ordered, repeat(_SHIFT))
            encoded = list(map(add, map(heads.__getitem__, ranks), encoded))
        size = sum(map(len, encoded))
        self._held += size
        self.made += size + _BYTES * len(encoded)
        texts.update(zip(ordered, encoded))

    def _whole_filler(self, c: int, dictionary: Any, tail: str) -> Callable[[Memo, set], None]:
        """``_fill`` for criterion ``c``'s texts when one measure stands for it."""
        return partial(self._fill, dictionary, tail, c, 0, heads=self._heads_by_rank[c])

    def _verdict_texts(self, verdicts: Sequence[Verdict]) -> list[bytes]:
        """Each verdict's text, remembered by identity (the lane shares verdict objects
        between communes; each is kept alive while its text is remembered)."""
        texts = self._verdicts
        try:
            return list(map(texts.__getitem__, map(id, verdicts)))
        except KeyError:
            got = list(map(texts.get, map(id, verdicts)))
            alive = self._alive
            if len(texts) >= self.LIMIT:
                texts.clear()
                alive.clear()
            for i, v in enumerate(verdicts):
                if got[i] is None:
                    key = id(v)
                    text = texts.get(key)
                    if text is None:
                        text = texts[key] = self._verdict(v)
                        alive[key] = v
                    got[i] = text
        return got  # type: ignore[return-value]

    @staticmethod
    def _verdict(v: Verdict) -> bytes:
        return verdict_text(*v).encode()

    # The shape of a criterion's text, used alike one by one (``_criterion``) and by code
    # (``_begin``): its head, its status, its measures' texts joined by commas, its close.
    # A subclass gives another shape (``render.compact``) by these four.

    def _criterion(self, k: Any) -> str:
        parts = [
            once_per_object(self._indicators, r, self._measure, self.LIMIT) for r in k.indicators
        ]
        return "".join(
            (
                self._head(k.id, k.name, k.sector),
                self._status(k.status),
                ",".join(parts),
                self._close(k.part_of),
            )
        )

    def _head(self, id_: str, name: Any, sector: str) -> str:
        """A criterion's text before its status."""
        head = self._heads.get(id_)
        if head is None or head[0] is not name or head[1] != sector:
            head = self._heads[id_] = (name, sector, criterion_head(id_, name, sector))
        return head[2]

    @staticmethod
    def _status(status: str) -> str:
        """A criterion's status, and what comes between it and its measures."""
        return _string(status) + ',"indicators":['

    @staticmethod
    def _close(part_of: str | None) -> str:
        """What ends a criterion's text, after its measures."""
        return "]}" if part_of is None else '],"part_of":' + _scalar(part_of) + "}"

    def _measure(self, r: IndicatorResult) -> str:
        """A measure's text."""
        return self._indicator(r)

    def _measures_at(self, results: list[IndicatorResult], c: int, m: int) -> list[str]:
        """The texts of ``results``, results of measure ``m`` of criterion ``c`` (rule
        order) on column-wise rows, made together (``_measure`` of each)."""
        return self._indicators_text(results)

    def _indicator(self, r: IndicatorResult) -> str:
        """An indicator result's text (``_indicators_text`` of one)."""
        return self._indicators_text([r])[0]

    def _indicators_text(self, results: list[IndicatorResult]) -> list[str]:
        """The text of each indicator result: its value and gap filled into the text of
        everything else it says, made once per measure, threshold and status (at most
        ``LIMIT`` of them)."""
        templates = self._templates
        keys = list(
            zip(
                map(_FIXED, results),
                map(type, map(_THRESHOLD, results)),
                map(type, map(_REASON, results)),
            )
        )
        if len(templates) > self.LIMIT:
            templates.clear()
        made = list(map(templates.get, keys))
        if None in made:
            for i, key in enumerate(keys):
                if made[i] is None:
                    made[i] = templates.get(key) or self._template(key, results[i])
        values = _scalars(list(map(_VALUE, results)))
        gaps = _scalars(list(map(_GAP, results)))
        heads, middles, tails = zip(*made)
        return list(map("".join, zip(heads, values, middles, gaps, tails)))

    def _template(self, key: tuple, r: IndicatorResult) -> tuple[str, str, str]:
        """The text of result ``r`` but its value and gap, in three parts."""
        template = self._templates[key] = (
            f'{{"id":{_scalar(r.id)},"column":{_scalar(r.column)},"kind":{_scalar(r.kind)}'
            ',"value":',
            f',"op":{_scalar(r.op)},"threshold":{_scalar(r.threshold)}'
            f',"threshold_from":{_scalar(r.threshold_from)},"unit":{_scalar(r.unit)}'
            f',"status":{_scalar(r.status)},"gap":',
            f',"verified":{_scalar(r.verified)},"reason":{_scalar(r.reason)}}}',
        )
        return template


class Held:
    """The communes' texts, kept until they can be written in the report's order: in
    memory (as the pieces the encoder shares between communes) up to about ``BUDGET``
    bytes, then in a temporary file — a national file whose every value differs makes a
    document of gigabytes, more than the machine may have. ``ordered`` gives them back
    sorted; the bytes are the same either way."""

    BUDGET = 128 << 20

    def __init__(self) -> None:
        self.keys: list[tuple] = []  # the sort key of each commune, in input order
        self.pieces: list[tuple[bytes, ...]] = []  # in memory: each commune's pieces
        self.spans: list[tuple[int, int]] = []  # in the file: (offset, length) of each
        self.file: IO[bytes] | None = None
        self.held = 0  # about how many bytes ``pieces`` holds; the file's size once spilt

    def add(self, keys: Sequence[tuple], pieces: list[tuple[bytes, ...]], made: int) -> None:
        """Hold a batch's communes: their sort keys, their pieces, and how many bytes of
        new text the encoder made for them (the pieces it shares cost nothing more)."""
        self.keys += keys
        if self.file is not None:
            self._write(pieces)
            return
        self.pieces += pieces
        self.held += made + sum(_COMMUNE + _POINTER * len(p) for p in pieces)
        if self.held > self.BUDGET:
            import tempfile

            self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by ``ordered``)
            held, self.pieces, self.held = self.pieces, [], 0
            self._write(held)

    def _write(self, pieces: list[tuple[bytes, ...]]) -> None:
        """Append the communes' texts to the file, one by one, noting where each is."""
        assert self.file is not None
        write, spans, at = self.file.write, self.spans, self.held
        for text in map(b"".join, pieces):
            spans.append((at, len(text)))
            at += write(text)
        self.held = at

    def ordered(self) -> Iterator[bytes]:
        """Each commune's text, in the order of their keys (``results.sort_key``)."""
        order = sorted(range(len(self.keys)), key=self.keys.__getitem__)
        self.keys = []
        if self.file is None:
            yield from map(b"".join, map(self.pieces.__getitem__, order))
            return
        import os

        self.file.flush()
        fd, spans = self.file.fileno(), self.spans
        try:
            for i in order:
                yield os.pread(fd, spans[i][1], spans[i][0])
        finally:
            self.file.close()


#: bytes a held commune costs beyond the encoder's shared pieces: its tuple with its own
#: code and line texts, and a pointer per piece
_COMMUNE, _POINTER = 136, 8


def write(results: Results, stream: IO[str], **_: Any) -> None:
    """Write the results as one JSON document: the communes in the report's order
    (``results.sort_key``), each held as the pieces of its text (``Held``: beyond a
    budget, as its text in a temporary file) until they are sorted, joined as written.
    The text equals ``dumps(report_dict(report))`` (a test compares them)."""
    from ntm_eval.output import binary_writer

    encoder = CommuneEncoder()
    held = Held()
    for batch in results.batches():
        before = encoder.made
        pieces = encoder.encode_batch(batch)
        held.add(batch.keys(), pieces, encoder.made - before)
    report = results.finish()
    head, tail = dumps(report_dict(report)).split('"communes":[]', 1)
    stream.write(head + '"communes":[')

    def texts() -> Iterator[bytes]:
        for i, text in enumerate(held.ordered()):
            if i:
                yield b","
            yield text

    out, done = binary_writer(stream)
    if out is None:
        stream.write(b"".join(texts()).decode())
    else:
        out.writelines(texts())
        if done is not None:
            done()
    stream.write("]" + tail + "\n")


def render(report: Report, **options: Any) -> str:
    out = io.StringIO()
    write(Finished(report), out, **options)
    return out.getvalue()


# --- gaps ---------------------------------------------------------------------------------


def gap_item_dict(i: Any) -> dict[str, Any]:
    return {
        "criterion": i.criterion,
        "indicator": i.indicator,
        "column": i.column,
        "name": i.name.en,
        "name_vi": i.name.vi,
        "sector": i.sector,
        "status": i.status,
        "value": i.value,
        "op": i.op,
        "threshold": i.threshold,
        "unit": i.unit,
        "to_go": i.to_go,
        "shortfall": i.shortfall,
        "reason": i.reason,
    }


def candidate_dict(c: Any) -> dict[str, Any]:
    k = c.commune
    return {
        "rank": c.rank,
        "code": k.code,
        "name": k.name,
        "district": k.district,
        "province": k.province,
        "year": k.year,
        "status": k.status,
        "criteria_met": k.criteria_met,
        "criteria_total": k.criteria_total,
        "missing": list(c.missing),
        "shortfall": c.shortfall,
        "items": [gap_item_dict(i) for i in c.items],
    }


def gaps_dict(g: Any) -> dict[str, Any]:
    r = g.report
    return {
        "schema_version": SCHEMA_VERSION,
        "ruleset": ruleset_dict(r),
        "input": input_dict(r),
        "summary": {
            "communes": r.summary.communes,
            "met": r.summary.met,
            "short": g.short,
            "shown": len(g.candidates),
        },
        "candidates": [candidate_dict(c) for c in g.candidates],
        "by_sector": None
        if g.by_sector is None
        else [
            {
                "sector": s.sector,
                "name": s.name.en,
                "name_vi": s.name.vi,
                "candidates": [
                    {
                        "rank": c.rank,
                        "code": c.commune.code,
                        "items": [gap_item_dict(i) for i in c.items],
                    }
                    for c in s.candidates
                ],
            }
            for s in g.by_sector
        ],
        "errors": [p.to_dict() for p in r.errors],
        "warnings": [p.to_dict() for p in r.warnings],
    }


def render_gaps(g: Any, **_: Any) -> str:
    return dumps(gaps_dict(g)) + "\n"


# --- compare --------------------------------------------------------------------------------


def change_dict(v: Any) -> dict[str, Any]:
    return {
        "criterion": v.criterion,
        "indicator": v.indicator,
        "column": v.column,
        "unit": v.unit,
        "op": v.op,
        "old_value": v.old_value,
        "new_value": v.new_value,
        "old_threshold": v.old_threshold,
        "new_threshold": v.new_threshold,
        "old_status": v.old_status,
        "new_status": v.new_status,
        "status_changed": v.status_changed,
    }


def commune_change_dict(c: Any) -> dict[str, Any]:
    return {
        "code": c.code,
        "name": c.name,
        "district": c.district,
        "old_year": c.old_year,
        "new_year": c.new_year,
        "old_status": c.old_status,
        "new_status": c.new_status,
        "old_criteria_met": c.old_met,
        "new_criteria_met": c.new_met,
        "criteria_total": c.total,
        "standard": c.standard,
        "criteria": [
            {
                "id": k.id,
                "name": k.name.en,
                "name_vi": k.name.vi,
                "old_status": k.old_status,
                "new_status": k.new_status,
                "change": k.change,
                "indicators": [change_dict(v) for v in k.indicators],
            }
            for k in c.criteria
        ],
        "values": [change_dict(v) for v in c.values],
    }


def comparison_summary(cmp: Any) -> dict[str, Any]:
    return {
        "both": cmp.both,
        "old_met": cmp.old_met,
        "new_met": cmp.new_met,
        "gained": [c.code for c in cmp.gained],
        "lost": [c.code for c in cmp.lost],
        "maintaining": [c.code for c in cmp.maintaining],
        "changed": len(cmp.changed),
        "value_only_changes": cmp.value_only,
        "only_old": list(cmp.only_old),
        "only_new": list(cmp.only_new),
    }


def reorganised_dict(cmp: Any) -> dict[str, Any] | None:
    """The new units of a comparison across 1 July 2025 and the old units each holds; None
    when the two sides are on the same side of it."""
    if not cmp.reorganised:
        return None
    return {
        "date": "2025-07-01",
        "conversion": "vn-2025-07-conversion (the official conversion table)",
        "units": [
            {
                "code": u.code,
                "name": u.name,
                "province": u.province,
                "unit_type": u.type,
                "in_programme": u.rural,
                "new_status": u.new_status,
                "new_criteria_met": u.new_met if u.new_status else None,
                "criteria_total": u.total if u.new_status else None,
                "holds": [
                    {
                        "code": h.code,
                        "name": h.name,
                        "district": h.district,
                        "note": h.note,
                        "part": h.part,
                        "in_old": h.old_status is not None,
                        "old_status": h.old_status,
                        "old_criteria_met": h.old_met if h.old_status else None,
                        "criteria_total": h.total if h.old_status else None,
                    }
                    for h in u.held
                ],
            }
            for u in cmp.reorganised
        ],
    }


def compare_dict(cmp: Any, problems: Any = ()) -> dict[str, Any]:
    problems = list(problems)
    return {
        "schema_version": SCHEMA_VERSION,
        "old": {"path": cmp.old.path, "ruleset": cmp.old.ruleset_id},
        "new": {"path": cmp.new.path, "ruleset": cmp.new.ruleset_id},
        "summary": comparison_summary(cmp),
        "communes": [commune_change_dict(c) for c in cmp.communes],
        "reorganisation": reorganised_dict(cmp),
        "errors": [p.to_dict() for p in problems if p.is_error],
        "warnings": [p.to_dict() for p in problems if not p.is_error],
    }


def render_compare(cmp: Any, problems: Any = (), **_: Any) -> str:
    return dumps(compare_dict(cmp, problems)) + "\n"


def failure_document(path: str, problems: Any) -> str:
    """The JSON document for a run that could not evaluate anything: stdout stays JSON."""
    problems = list(problems)
    doc = {
        "schema_version": SCHEMA_VERSION,
        "ruleset": None,
        "input": {"path": path, "rows": 0},
        "summary": None,
        "communes": [],
        "errors": [p.to_dict() for p in problems if p.is_error],
        "warnings": [p.to_dict() for p in problems if not p.is_error],
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"
