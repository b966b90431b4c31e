"""One way to judge a data file: read → row checks → judge, a batch at a time.

``Run`` is the only place a check is put together: ``check`` in every format, ``gaps``,
``compare`` (each side), ``report`` and the Python API all judge through it. A CSV file
or a workbook's sheet is read as it comes and never held whole (a workbook's rows are
judged row by row: its cells are typed values, not texts). ``judge`` gives a finished ``Report``; a ``Run`` given to
a renderer gives its communes batch by batch (``results.Results``), in input order, rows
that waited for the whole file (an ambiguous ``1.234``) last.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from itertools import chain
from typing import Any

from ntm_eval.diagnostics import InputError
from ntm_eval.engine.evaluate import Evaluator
from ntm_eval.engine.lane import Lane
from ntm_eval.engine.results import CommuneResult, Report, ResultBatch, Tally
from ntm_eval.input.checks import Context, RowChecks
from ntm_eval.input.headers import HeaderMatcher
from ntm_eval.input.rows import read_header
from ntm_eval.input.source import Source, open_source
from ntm_eval.rules.model import RuleSet

#: Records per batch: large enough to pay for the per-column calls, small enough to stay
#: in the processor's caches (measured on 1,000,000 rows read as bytes: 1024 is 5% faster
#: than 512 and holds 7 MB more; 2048 is slower again).
BATCH = 1024


class Run:
    """The check of one data file against a rule set (and a unit list: None checks no
    row against one). Iterate ``batches()`` once, then ``finish()`` gives the report
    (counts and problems; the communes were given by the batches).

    ``column_wise=False`` judges every row row by row: the reference the column-wise way
    is tested against. ``progress`` (a ``progress.Progress``) is told how far the reading
    is, and closed at the end.
    """

    def __init__(
        self,
        source: Source,
        ruleset: RuleSet,
        units: Any = None,
        *,
        progress: Any = None,
        column_wise: bool = True,
    ) -> None:
        self.source, self.ruleset, self.units = source, ruleset, units
        self.progress, self.column_wise = progress, column_wise
        self.failed = False  # the data could not be read (an InputError was raised)
        self._report: Report | None = None

    def batches(self) -> Iterator[ResultBatch]:
        """The communes of the file, batch by batch. Raises ``InputError`` when the file as
        a whole cannot be used — from its first bytes, or when the reading reaches a part
        that is not text in its encoding (the batches before it have been given)."""
        try:
            yield from self._batches()
        except InputError:
            self.failed = True
            raise

    def _batches(self) -> Iterator[ResultBatch]:
        from ntm_eval.input.csvfile import refuse

        source, ruleset = self.source, self.ruleset
        matcher = HeaderMatcher(ruleset)

        def known(cell: str) -> bool:
            return matcher.match(cell) is not None

        opened = open_source(source, known, BATCH, raw=True, progress=self.progress)
        # Judging builds many small objects that form no cycles: the cyclic collector would
        # only scan them again and again.
        enabled = gc.isenabled()
        gc.disable()
        try:
            reader, first = read_header(opened.batches, source.name, ruleset, matcher, opened.sheet)
            checks = RowChecks(Context(ruleset, reader.layout, self.units))
            tally = Tally.of(ruleset)
            # a workbook's cells (and the API's rows) are typed values, not texts: read
            # row by row
            column_wise = self.column_wise and opened.sheet is None and source.records is None
            lane = Lane(reader, Evaluator(ruleset), checks, tally, column_wise)
            records = chain([_unzip(first)] if first else (), opened.batches)
            del first  # held by ``records`` until its batch is judged, then freed
            for lines, rows in records:
                yield lane.batch(lines, rows)
                # a batch's cells are not held while the next batch is read (two batches
                # of cells at once: 6 MB more at the peak)
                del lines, rows
            yield lane.finish()
        except UnicodeDecodeError as exc:  # a cell of bytes (see iter_batches) is not UTF-8
            refuse(
                opened.path,
                source.name,
                known,
                source.encoding,
                f"not UTF-8 text: {exc}",
                f"không phải văn bản UTF-8: {exc}",
            )
        finally:
            if enabled:
                gc.enable()
            if self.progress is not None:  # erased before anything else is written
                self.progress.close()

        def keys() -> Iterator[tuple[int, str, int | None]]:
            # (line, code, year) of every row again, to name a duplicate's first line
            return (
                reader.key_of(line, cells)
                for line, cells in opened.again()
                if line > reader.header_line
            )

        problems = [*opened.problems, *reader.problems]
        checks.finish(problems, keys)
        self._report = Report(
            ruleset=ruleset,
            input_path=source.name,
            input_sheet=opened.sheet,
            input_rows=tally.communes,
            summary=tally.summary(),
            communes=(),
            problems=reader.layout.place(problems),
        )

    def finish(self) -> Report:
        """The report, once every batch was given: counts and problems, no communes."""
        if self._report is None:
            raise RuntimeError("Run.finish() before its batches were read")
        return self._report


def _unzip(records: list[tuple[int, list[Any]]]) -> tuple[list[int], list[list[Any]]]:
    return [line for line, _ in records], [cells for _, cells in records]


def judge(
    source: Source,
    ruleset: RuleSet,
    units: Any = None,
    *,
    first: int = 0,
    progress: Any = None,
    column_wise: bool = True,
) -> Report:
    """The report of ``source``, communes in the report's order (``results.sort_key``).
    With ``first``, only the first ``first`` communes in that order are kept (what a
    terminal table lists); counts and problems still cover every commune."""
    run = Run(source, ruleset, units, progress=progress, column_wise=column_wise)
    if first > 0:
        communes = _first(run, first)
    else:
        communes = [c for batch in run.batches() for c in batch.communes()]
        communes.sort(key=lambda c: c.sort_key)
    report = run.finish()
    return Report(
        ruleset=report.ruleset,
        input_path=report.input_path,
        input_sheet=report.input_sheet,
        input_rows=report.input_rows,
        summary=report.summary,
        communes=tuple(communes),
        problems=report.problems,
    )


def _first(run: Run, n: int) -> list[CommuneResult]:
    """The first ``n`` communes of ``run`` in the report's order; only those are made
    whole (a sorted file is soon past them)."""
    kept: list[tuple[tuple[str, int, int], CommuneResult]] = []
    for batch in run.batches():
        keys = batch.keys()
        wanted = range(len(keys))
        if len(kept) >= n:
            last = kept[-1][0]
            wanted = [i for i, key in enumerate(keys) if key < last]  # type: ignore[assignment]
        if not wanted:
            continue
        if batch.singles:  # in input order, mixed with the column-wise rows
            every = batch.communes()
            communes = [every[i] for i in wanted]
        else:
            communes = batch.rows(wanted)
        kept += zip([keys[i] for i in wanted], communes)
        kept.sort(key=lambda item: item[0])
        del kept[n:]
    return [c for _, c in kept]
