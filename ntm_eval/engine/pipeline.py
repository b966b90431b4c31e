"""``check`` of a CSV file in bounded memory, batch by batch (``ntm_eval.engine.lane``): read →
unit check → evaluate → output, then the next batch. The plain path (``data.load_data`` →
``units.check_units`` → ``evaluate.evaluate``) holds the whole file and is the reference;
this one gives the same verdicts, counts, problems and output (tests compare them on clean,
dirty and hostile data). The plain path still reads workbooks.

What differs when communes are streamed: they come in input order (the report sorts them
by code), and a row holding a number that stays ambiguous until the whole file is read
(``1.234`` — decimals or thousands?) waits until the end of the file, then follows the
others. Problems are collected as they are found and given with the summary, sorted as the
plain path sorts them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ntm_eval.engine.results import CommuneResult, Report
from ntm_eval.rules.model import RuleSet
from ntm_eval.input.units import UnitList


def streamable(path: Path, sheet: str | None) -> bool:
    """Whether ``check_csv`` can read ``path``: a CSV file (workbooks are read whole)."""
    from ntm_eval.input.excel import XLSX_SUFFIXES

    return sheet is None and path.suffix.lower() not in (*XLSX_SUFFIXES, ".xls", ".ods", ".numbers")


@dataclass
class StreamedCheck:
    """A check to run batch by batch (``ntm_eval.engine.lane``): ``run`` gives ``send`` the
    communes of each batch as soon as they are judged, in the form ``mode`` names, and
    returns the report (without its communes: they are gone)."""

    path: Path
    ruleset: RuleSet
    units: UnitList
    shown: str
    encoding: str | None = None
    progress: Any = None  # a ``progress.Progress``: how far the reading is, on a terminal
    report: Report | None = field(default=None, init=False)
    failed: bool = field(default=False, init=False)  # the data could not be read

    def run(self, mode: str, send: Callable[[list], None]) -> Report:
        from ntm_eval.engine.lane import run
        from ntm_eval.diagnostics import InputError

        try:
            self.report = run(
                self.path,
                self.ruleset,
                self.units,
                mode,
                send,
                self.shown,
                self.encoding,
                progress=self.progress,
            )
        except InputError:
            self.failed = True
            raise
        return self.report


def check_csv(
    path: Path,
    ruleset: RuleSet,
    units: UnitList,
    send: Callable[[CommuneResult], None],
    shown: str | None = None,
    encoding: str | None = None,
    progress: Any = None,
) -> Report:
    """Check the CSV file ``path``, giving each judged commune to ``send`` (input order,
    rows that wait for the end of the file last); the report has no communes.

    Raises ``InputError`` as ``data.load_csv`` does when the file as a whole cannot be used
    (before any commune is sent).
    """
    from ntm_eval.engine.lane import run

    def give(communes: list[CommuneResult]) -> None:
        for commune in communes:
            send(commune)

    return run(path, ruleset, units, "results", give, shown, encoding, progress=progress)


def judge_csv(
    path: Path,
    ruleset: RuleSet,
    units: UnitList,
    shown: str | None = None,
    encoding: str | None = None,
    progress: Any = None,
) -> Report:
    """The report of the CSV file ``path``, communes included, in the plain path's order
    (``evaluate.evaluate``): the same report, judged column by column."""
    communes: list[CommuneResult] = []
    report = check_csv(path, ruleset, units, communes.append, shown, encoding, progress)
    communes.sort(key=lambda c: (c.code, c.year or 0, c.line))
    return dataclasses.replace(report, communes=tuple(communes))


def judge_first(
    path: Path,
    ruleset: RuleSet,
    units: UnitList,
    first: int,
    shown: str | None = None,
    encoding: str | None = None,
    progress: Any = None,
) -> Report:
    """The report of the CSV file ``path`` with only its ``first`` communes in the report's
    order (what a terminal table lists); counts and problems cover every commune."""
    from ntm_eval.engine.lane import run

    return run(path, ruleset, units, "first", lambda _: None, shown, encoding, first, progress)
