"""``check`` of a CSV file row by row, in bounded memory: read → unit check → evaluate → one
output line, then the next row. The plain path (``data.load_data`` → ``units.check_units`` →
``evaluate.evaluate``) holds the whole file and is the reference; this one gives the same
verdicts, counts and problems (a test compares them on clean and dirty data).

What differs: communes come in input order (the plain path sorts them by code), and a row
holding a number that stays ambiguous until the whole file is read (``1.234`` — decimals or
thousands?) waits until the end of the file, then follows the others. Problems are collected
as they are found and given with the summary, sorted as the plain path sorts them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Callable

from ntm_eval.data import DataSet, open_rows, settled
from ntm_eval.evaluate import Evaluator, Tally
from ntm_eval.report import CommuneResult, Report
from ntm_eval.rules import RuleSet
from ntm_eval.units import UnitCheck, UnitList


def streamable(path: Path, sheet: str | None) -> bool:
    """Whether ``check_csv`` can read ``path``: a CSV file (workbooks are read whole)."""
    from ntm_eval.excel import XLSX_SUFFIXES

    return sheet is None and path.suffix.lower() not in (*XLSX_SUFFIXES, ".xls", ".ods",
                                                          ".numbers")


@dataclass
class StreamedCheck:
    """A check to run row by row; ``run`` gives each commune to ``send`` as soon as it is
    judged and returns the report (without its communes: they are gone)."""

    path: Path
    ruleset: RuleSet
    units: UnitList
    shown: str
    encoding: str | None = None
    report: Report | None = field(default=None, init=False)
    failed: bool = field(default=False, init=False)  # the data could not be read

    def run(self, send: Callable[[CommuneResult], None]) -> Report:
        from ntm_eval.diagnostics import InputError

        try:
            self.report = check_csv(self.path, self.ruleset, self.units, send, self.shown,
                                    self.encoding)
        except InputError:
            self.failed = True
            raise
        return self.report


def check_csv(path: Path, ruleset: RuleSet, units: UnitList,
              send: Callable[[CommuneResult], None], shown: str | None = None,
              encoding: str | None = None) -> Report:
    """Check the CSV file ``path`` row by row, giving each judged commune to ``send``.

    Raises ``InputError`` as ``data.load_csv`` does when the file as a whole cannot be used
    (before any commune is sent).
    """
    from ntm_eval.csvfile import iter_records
    from ntm_eval.headers import HeaderMatcher

    shown = shown or str(path)
    matcher = HeaderMatcher(ruleset)
    known = lambda cell: matcher.match(cell) is not None  # noqa: E731

    def records():
        return iter_records(path, shown, known, encoding)

    found = records()
    reader, first = open_rows(found, shown, ruleset, matcher, None)
    columns = {key: i + 1 for key, i in reader.keys.items()}
    place = DataSet(shown, (), (), columns, reader.headers, None)  # locates unit problems
    check = UnitCheck(place, units)
    evaluator = Evaluator(ruleset)
    tally = Tally.of(ruleset)
    waiting = []  # rows with a number the rest of the file settles
    for line, cells in chain(first, found):
        before = len(reader.ambiguous)
        row = reader.read(line, cells)
        if len(reader.ambiguous) != before:
            waiting.append(row)
        elif check.keep(row):
            commune = evaluator.row(row)
            tally.add(commune)
            send(commune)
    if waiting:
        fixes: dict[int, dict] = {}
        for line, key, number in reader.ambiguous:
            fixes.setdefault(line, {})[key] = reader.settle(number, line, key)
        reader.ambiguous = []
        for row in waiting:
            row = settled(row, fixes[row.line])
            if check.keep(row):
                commune = evaluator.row(row)
                tally.add(commune)
                send(commune)

    def keys():  # (line, code, year) of every row again, to name a duplicate's first line
        return (reader.key_of(line, cells) for line, cells in records()
                if line > reader.header_line)

    problems = check.merge(reader.finish_problems(keys))
    return Report(ruleset=ruleset, input_path=shown, input_rows=tally.communes,
                  summary=tally.summary(), communes=(), problems=problems)
