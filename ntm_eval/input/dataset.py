"""A data file read whole, without judging: its rows and every problem, placed.

The reading stage of the pipeline on its own, for tests and tools that want the rows:
the same ``Source``, ``RowReader`` and row checks the pipeline (``engine.pipeline``) uses,
row by row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ntm_eval.input.cells import blank
from ntm_eval.input.checks import Context, RowChecks
from ntm_eval.input.headers import HeaderMatcher
from ntm_eval.input.rows import DataSet, Identities, nfc_record, read_header
from ntm_eval.input.source import Source, open_source
from ntm_eval.rules.model import RuleSet


def load_data(
    path: Path,
    ruleset: RuleSet,
    display: str | None = None,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    units: Any = None,
) -> DataSet:
    """Read a commune data file, CSV or Excel workbook (by its extension), under
    ``ruleset``; with ``units`` (a ``units.UnitList``), check its rows against it too (a
    ward or a town is left out of the rows).

    Raises ``InputError`` only when the file as a whole cannot be used (unreadable, wrong
    encoding, no header). Problems in columns, rows and cells are in the ``DataSet``.
    """
    source = Source(path, display or str(path), sheet, encoding)
    matcher = HeaderMatcher(ruleset)

    def known(cell: str) -> bool:
        return matcher.match(cell) is not None

    opened = open_source(source, known, 1024)
    reader, first = read_header(opened.batches, source.name, ruleset, matcher, opened.sheet)
    records = first + [record for lines, rows in opened.batches for record in zip(lines, rows)]
    rows = []
    for line, cells in records:
        cells = nfc_record(cells)
        if not blank(cells):
            rows.append(reader.read(line, cells))
    checks = RowChecks(Context(ruleset, reader.layout, units))
    held = checks.see(Identities.of(rows))
    judged = []
    for i, row in enumerate(rows):
        if i not in held:
            judged.append(row)
        elif (why := held[i]) is not None:  # None: left out (a ward)
            judged.append(reader.hold(row, why))
    kept = reader.settle(judged)
    problems = [*opened.problems, *reader.problems]
    checks.finish(problems, lambda: ((r.line, r.code, r.year) for r in rows))
    return DataSet(source.name, tuple(kept), reader.layout.place(problems), reader.layout)
