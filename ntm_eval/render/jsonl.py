"""``--format jsonl``: one JSON object per line — one per commune, then one summary line.

Every line has a ``type`` ("commune", "candidate", "change", "reorganised" — a new unit of
1 July 2025 with the old communes it holds, in a compare across that date — or
"summary"), so a reader can
process a national file line by line without holding it in memory. Streams: ``write*``
sends each line as soon as it is ready (``output.render`` gives the same text as a string).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from ntm_eval.render import json as rj


def _line(stream: IO[str], kind: str, doc: dict[str, Any]) -> None:
    stream.write(rj.dumps({"type": kind, **doc}))
    stream.write("\n")


def write(results: Any, stream: IO[str], **_: Any) -> None:
    """One line per commune as the results come (``results.Results``: a ``Run`` gives them
    batch by batch, in input order), then the summary line."""
    write_lines(results.batches(), stream, rj.CommuneEncoder(rj.LINE, "\n"))
    write_summary(results.finish(), stream)


def write_lines(batches: Iterable[Any], stream: IO[str], encoder: rj.CommuneEncoder) -> None:
    """A line per commune of ``batches``: each comes as pieces of UTF-8 text
    (``encoder.encode_batch``), joined as it is written."""
    from ntm_eval.output import binary_writer

    out, done = binary_writer(stream)
    if out is None:
        for batch in batches:
            stream.write("".join(b"".join(line).decode() for line in encoder.encode_batch(batch)))
    else:
        try:
            for batch in batches:
                out.writelines(map(b"".join, encoder.encode_batch(batch)))
        finally:  # what was judged before a problem stopped the run goes out before it
            if done is not None:
                done()


def write_summary(report: Any, stream: IO[str]) -> None:
    """The last line: everything of the report but its communes."""
    _line(
        stream,
        "summary",
        {
            "schema_version": rj.SCHEMA_VERSION,
            "ruleset": rj.ruleset_dict(report),
            "input": rj.input_dict(report),
            "filters": report.filters.to_dict(),
            "summary": rj.summary_dict(report),
            "errors": [p.to_dict() for p in report.errors],
            "warnings": [p.to_dict() for p in report.warnings],
        },
    )


def write_gaps(g: Any, stream: IO[str], **_: Any) -> None:
    if g.by_sector is None:
        for c in g.candidates:
            _line(stream, "candidate", rj.candidate_dict(c))
    else:  # one line per commune and sector: each department reads its own lines
        for share in g.by_sector:
            for c in share.candidates:
                _line(stream, "candidate", {"sector": share.sector, **rj.candidate_dict(c)})
    doc = rj.gaps_dict(g)
    _line(
        stream,
        "summary",
        {
            k: doc[k]
            for k in ("schema_version", "ruleset", "input", "summary", "errors", "warnings")
        },
    )


def write_compare(cmp: Any, stream: IO[str], problems: Any = (), **_: Any) -> None:
    for c in cmp.communes:
        _line(stream, "change", rj.commune_change_dict(c))
    doc = rj.compare_dict(cmp, problems)
    across = doc["reorganisation"]
    for unit in across["units"] if across else ():  # a new unit of 1 July 2025 and its old ones
        _line(stream, "reorganised", unit)
    _line(
        stream, "summary", {k: v for k, v in doc.items() if k not in ("communes", "reorganisation")}
    )
