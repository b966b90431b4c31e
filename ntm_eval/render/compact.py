"""``--format jsonl-compact``: JSON lines that carry only what varies from commune to commune
(schema: schemas/check-jsonl-compact.schema.json).

The full JSON lines (``--format jsonl``) repeat on every commune what is the same for all of
them: each criterion's names in two languages and its sector, each indicator's id, column,
kind, comparison and unit — about two thirds of a 12 kB line. Here the first line
(``"type": "ruleset"``) says those once, criterion by criterion and indicator by indicator,
and each commune line holds its identity, its verdict and, per criterion, ``[status,
[[value, threshold, threshold_from, status, gap, verified, reason], …]]`` in the ruleset
line's order. Thresholds stay on the commune lines: they depend on the commune's region and
year (and whether the source is verified on the threshold's key). A commune whose criteria do
not follow the ruleset line's order (none that ``check`` writes today) keeps them in the
full form, objects instead of arrays. The last line is the summary line of the full form.

``expand`` gives the full lines back, byte for byte (a test checks it);
``python -m ntm_eval.render.compact [FILE]`` does it from a file or stdin to stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from itertools import chain
from operator import itemgetter
from typing import IO, Any

from ntm_eval.engine.results import IndicatorResult
from ntm_eval.render import json as rj
from ntm_eval.render import jsonl

COMPACT_VERSION = 1
#: the fields of an indicator on a commune line, in this order
VARYING = ("value", "threshold", "threshold_from", "status", "gap", "verified", "reason")
#: the fields of an indicator said once, on the ruleset line
FIXED = ("id", "column", "kind", "op", "unit")


def _shape(c: Any) -> list[dict[str, Any]]:
    """What the ruleset line says of each criterion of commune ``c``."""
    out = []
    for k in c.criteria:
        doc = {
            "id": k.id,
            "name": k.name.en,
            "name_vi": k.name.vi,
            "sector": k.sector,
            "indicators": [{f: getattr(r, f) for f in FIXED} for r in k.indicators],
        }
        if k.part_of is not None:
            doc["part_of"] = k.part_of
        out.append(doc)
    return out


class _Misfit(Exception):
    """A column-wise row's measure does not follow the shape (never, as ``check`` judges)."""


class CompactEncoder(rj.CommuneEncoder):
    """Commune lines against the shape of the first commune (its criteria and indicators):
    ``render.json.CommuneEncoder`` with another shape of criterion text, so that it is made
    as the full form's is, once per result object one by one and once per code a batch's
    columns at a time (``encode_batch``). A commune whose criteria do not follow the shape
    gets its full line."""

    def __init__(self, shape: list[dict[str, Any]]) -> None:
        super().__init__(rj.LINE, "\n")
        self.shape = shape
        self.keys = [
            (k["id"], k["name"], k["name_vi"], k["sector"], k.get("part_of")) for k in shape
        ]
        self.fixed = [[tuple(i.values()) for i in k["indicators"]] for k in shape]
        self._full = rj.CommuneEncoder(rj.LINE, "\n")  # for a commune that does not fit
        self._fitting: tuple[Any, bool] = (None, False)  # a dictionary, whether it fits

    def fits(self, c: Any) -> bool:
        """Whether ``c``'s criteria follow the shape."""
        if len(c.criteria) != len(self.keys):
            return False
        for k, key, fixed in zip(c.criteria, self.keys, self.fixed):
            if (k.id, k.name.en, k.name.vi, k.sector, k.part_of) != key or len(k.indicators) != len(
                fixed
            ):
                return False
            for r, f in zip(k.indicators, fixed):
                if _fixed(r) != f:
                    return False
        return True

    def _fits_dictionary(self, dictionary: Any) -> bool:
        """Whether the criteria of a column-wise row of ``dictionary`` follow the shape, as
        far as the rules say (each measure result is checked as its text is made)."""
        if self._fitting[0] is not dictionary:
            criteria = dictionary.criteria
            fits = len(criteria) == len(self.keys) and all(
                (k.id, k.name.en, k.name.vi, k.sector, None) == key
                and sum(len(i.measures) for i in k.indicators) == len(fixed)
                for k, key, fixed in zip(criteria, self.keys, self.fixed)
            )
            self._fitting = (dictionary, fits)
        return self._fitting[1]

    def encode(self, c: Any) -> str:
        return super().encode(c) if self.fits(c) else self._full.encode(c)

    def encode_batch(self, batch: Any) -> list[tuple[bytes, ...]]:
        if not batch.lines or self._fits_dictionary(batch.dictionary):
            try:
                return super().encode_batch(batch)
            except _Misfit:
                pass
        return [(self.encode(c).encode(),) for c in batch.communes()]

    # a criterion: ``[status,[[value, threshold, …], …]]``

    def _head(self, id_: str, name: Any, sector: str) -> str:
        return "["

    @staticmethod
    def _status(status: str) -> str:
        return rj._string(status) + ",["

    @staticmethod
    def _close(part_of: str | None) -> str:
        return "]]"

    def _measure(self, r: Any) -> str:
        return rj.values_text(_varying(r))

    def _measure_at(self, r: Any, c: int, m: int) -> str:
        if _fixed(r) != self.fixed[c][m]:
            raise _Misfit
        return self._measure(r)

    def _measures_at(self, results: list[Any], c: int, m: int) -> list[str]:
        return [self._measure_at(r, c, m) for r in results]


#: the fields of an indicator result said on a commune line (``VARYING``), and on the
#: ruleset line (``FIXED``)
_varying = itemgetter(*(IndicatorResult._fields.index(f) for f in VARYING))
_fixed = itemgetter(*(IndicatorResult._fields.index(f) for f in FIXED))


def ruleset_line(report_ruleset: Any, shape: list[dict[str, Any]]) -> str:
    """The first line: the rule set and what every commune line shares."""
    rs = report_ruleset
    doc = {
        "type": "ruleset",
        "compact_version": COMPACT_VERSION,
        "schema_version": rj.SCHEMA_VERSION,
        "ruleset": {
            "id": rs.id,
            "title": rs.title.en,
            "title_vi": rs.title.vi,
            "legal_basis": rs.legal_basis,
        },
        "indicator_fields": list(VARYING),
        "criteria": shape,
    }
    return rj.dumps(doc) + "\n"


def write(results: Any, stream: IO[str], **_: Any) -> None:
    """The ruleset line, a line per commune as the results come, then the summary line.
    The shape is the first commune's; the lines are written as ``--format jsonl`` writes
    its own (``jsonl.write_lines``)."""
    batches = iter(results.batches())
    encoder: CompactEncoder | None = None
    for batch in batches:
        if len(batch):
            encoder = CompactEncoder(_shape(_first(batch)))
            stream.write(ruleset_line(_ruleset_of(results), encoder.shape))
            jsonl.write_lines(chain((batch,), batches), stream, encoder)
            break
    report = results.finish()
    if encoder is None:  # no commune: the ruleset line says nothing of criteria
        stream.write(ruleset_line(report.ruleset, []))
    jsonl.write_summary(report, stream)


def _first(batch: Any) -> Any:
    """The first commune of a batch (in input order, as ``ResultBatch.in_order`` puts it)."""
    if not batch.singles:
        return batch.rows([0])[0]
    at, single = min(batch.singles, key=itemgetter(0))
    if not batch.lines:
        return single
    row = min(range(len(batch.lines)), key=batch.positions.__getitem__)
    return single if at < batch.positions[row] else batch.rows([row])[0]


def _ruleset_of(results: Any) -> Any:
    """The rule set: a ``Run`` knows it before its report is finished."""
    ruleset = getattr(results, "ruleset", None)
    return ruleset if ruleset is not None else results.finish().ruleset


def expand(lines: Iterable[str]) -> Iterator[str]:
    """The full ``--format jsonl`` lines (each ending in a newline) of compact lines: the
    same bytes ``check --format jsonl`` writes for the same input."""
    shape: list[dict[str, Any]] | None = None
    for text in lines:
        if not text.strip():
            continue
        doc = json.loads(text)
        kind = doc.get("type")
        if kind == "ruleset":
            if doc.get("compact_version") != COMPACT_VERSION:
                raise ValueError(f"not a compact_version {COMPACT_VERSION} ruleset line")
            shape = doc["criteria"]
            continue
        if kind != "commune":
            yield text if text.endswith("\n") else text + "\n"
            continue
        if shape is None:
            raise ValueError("a commune line before the ruleset line")
        criteria = doc["criteria"]
        if criteria and isinstance(criteria[0], list):
            doc["criteria"] = [_full(k, c) for k, c in zip(shape, criteria, strict=True)]
        yield rj.dumps(doc) + "\n"


def _full(k: dict[str, Any], compact: list[Any]) -> dict[str, Any]:
    status, indicators = compact
    out = {
        "id": k["id"],
        "name": k["name"],
        "name_vi": k["name_vi"],
        "sector": k["sector"],
        "status": status,
        "indicators": [
            _indicator(fixed, values)
            for fixed, values in zip(k["indicators"], indicators, strict=True)
        ],
    }
    if "part_of" in k:
        out["part_of"] = k["part_of"]
    return out


def _indicator(fixed: dict[str, Any], values: list[Any]) -> dict[str, Any]:
    value, threshold, threshold_from, status, gap, verified, reason = values
    return {
        "id": fixed["id"],
        "column": fixed["column"],
        "kind": fixed["kind"],
        "value": value,
        "op": fixed["op"],
        "threshold": threshold,
        "threshold_from": threshold_from,
        "unit": fixed["unit"],
        "status": status,
        "gap": gap,
        "verified": verified,
        "reason": reason,
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m ntm_eval.render.compact [FILE]``: the full lines of a compact file."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1:
        print("usage: python -m ntm_eval.render.compact [FILE]", file=sys.stderr)
        return 2
    source = open(args[0], encoding="utf-8") if args else sys.stdin  # noqa: SIM115
    try:
        sys.stdout.writelines(expand(source))
    finally:
        if args:
            source.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
