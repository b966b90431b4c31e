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
from typing import IO, Any

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


class _Encoder:
    """Commune lines against the shape of the first commune (its criteria and indicators):
    a criterion's and an indicator's text is made once per result object (the engine
    shares equal results between communes)."""

    LIMIT = 10_000

    def __init__(self, shape: list[dict[str, Any]]) -> None:
        self.shape = shape
        self.keys = [
            (k["id"], k["name"], k["name_vi"], k["sector"], k.get("part_of")) for k in shape
        ]
        self.fixed = [[tuple(i.values()) for i in k["indicators"]] for k in shape]
        self._indicators: dict[int, tuple[str, Any]] = {}
        self._criteria: dict[int, tuple[str, Any]] = {}

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
                if (r.id, r.column, r.kind, r.op, r.unit) != f:
                    return False
        return True

    def _indicator(self, r: Any) -> str:
        return "[" + ",".join(rj._scalar(getattr(r, f)) for f in VARYING) + "]"

    def _criterion(self, k: Any) -> str:
        parts = [
            rj.once_per_object(self._indicators, r, self._indicator, self.LIMIT)
            for r in k.indicators
        ]
        return "[" + rj._scalar(k.status) + ",[" + ",".join(parts) + "]]"

    def line(self, c: Any) -> str:
        doc = rj.commune_dict(c, with_criteria=False)
        head = rj.dumps({"type": "commune", **doc})[:-1]
        if not self.fits(c):
            criteria = json.dumps(
                [rj._criterion(k) for k in c.criteria], ensure_ascii=False, separators=(",", ":")
            )
        else:
            criteria = (
                "["
                + ",".join(
                    rj.once_per_object(self._criteria, k, self._criterion, self.LIMIT)
                    for k in c.criteria
                )
                + "]"
            )
        return head + ',"criteria":' + criteria + "}\n"


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


#: Communes whose lines are written at once (``write``).
PIECE = 128


def write(results: Any, stream: IO[str], **_: Any) -> None:
    """The ruleset line, a line per commune as the results come, then the summary line."""
    encoder: _Encoder | None = None
    for batch in results.batches():
        communes = batch.communes()
        if not communes:
            continue
        if encoder is None:
            encoder = _Encoder(_shape(communes[0]))
            stream.write(ruleset_line(_ruleset_of(results), encoder.shape))
        # in pieces: a batch's lines whole were held three times at once (lines, join, bytes)
        for at in range(0, len(communes), PIECE):
            stream.write("".join(map(encoder.line, communes[at : at + PIECE])))
    report = results.finish()
    if encoder is None:  # no commune: the ruleset line says nothing of criteria
        stream.write(ruleset_line(report.ruleset, []))
    jsonl.write_summary(report, stream)


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
