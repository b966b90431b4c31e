"""Problems found in input files, each with a stable code and a location.

Every problem is one line: ``path:line:col: severity [CODE] message``. The sentence is
built here, from structured fields, so call sites never format messages themselves. Text
from a file in a message is shown with ``shown.quoted`` (escaped, cut to a bound); every
message, path and cell name is escaped again where a problem is made or placed, so no
control character from a file reaches a terminal through a problem line (``shown``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from ntm_eval.shown import printable, quoted

#: Every code the tool can emit, with a one-line title. Codes are permanent: a code may
#: be retired but never reused for something else. R = rule file, D = data file,
#: W = warning about a file, U = usage (an option value, an output file, a compared file).
CODES: dict[str, str] = {
    "R001": "rule file cannot be read",
    "R002": "rule file is not valid YAML",
    "R003": "duplicate key in a YAML mapping",
    "R004": "YAML feature not allowed in rule files",
    "R010": "unknown key",
    "R011": "required key missing",
    "R012": "value has the wrong type or form",
    "R020": "duplicate id or column",
    "R021": "reference to an undeclared group, sector or region",
    "R022": "region without a threshold",
    "R023": "comparison or threshold does not fit the measure's kind",
    "R024": "threshold out of range",
    "R025": "indicator id does not belong to its criterion",
    "R030": "the rule set a file extends is missing or has errors",
    "R031": "rule files extend one another in a cycle, or too deeply",
    "R032": "an override loosens a threshold without a reason",
    "R033": "an override changes a measure's kind or comparison",
    "R034": "year after the rule set's period, or a period that ends before it starts",
    "R035": "extends names a file that is not a rule file",
    "D001": "data file cannot be read",
    "D002": "identity column missing",
    "D003": "measure column missing",
    "D004": "column header appears twice",
    "D005": "row has the wrong number of cells",
    "D006": "quoted cell runs over line ends (a stray quote?)",
    "D007": "cell too long to read",
    "D010": "not a number",
    "D011": "percentage outside 0–100",
    "D012": "count is not a whole number ≥ 0",
    "D013": "money is negative",
    "D014": "not a yes/no judgement",
    "D015": "column header says a unit the measure's values are not in",
    "D020": "required identity value missing",
    "D021": "unknown region",
    "D022": "invalid year",
    "D023": "commune code repeated for the same year",
    "D030": "unit list cannot be read",
    "D031": "commune code not in the unit list",
    "D032": "commune code and name, district or province disagree with the unit list",
    "D033": "ward or town: the criteria apply to rural communes (xã) only",
    "D040": "number with an ambiguous thousands separator",
    "D050": "worksheet row number stored twice",
    "D051": "workbook cell or shared string longer than Excel allows",
    "W101": "unknown column (not used by the rule set)",
    "W102": "year outside the rule set's period",
    "W103": "no threshold for the row's year in this rule set (one warning per file, with the count)",
    "U001": "unknown sector",
    "U002": "unknown criterion or indicator id",
    "U003": "filter value matches no commune in the data",
    "U004": "filters keep no criterion",
    "U005": "unknown status",
    "U010": "output file cannot be written",
    "U011": "output target is not a regular file",
    "U012": "output file is one of the run's inputs",
    "U013": "output format does not fit the output file's name (a workbook is .xlsx)",
    "U014": "a workbook cannot be written to a terminal",
    "U020": "compared file is neither commune data nor a check JSON result",
    "U021": "compared file has several rows for one commune; the latest year is compared",
    "U022": "compared files were judged with different rule sets",
    "U030": "file or folder named on the command line does not exist",
    "U031": "folder named on the command line holds no rule files",
    "U040": "unknown key in the configuration file",
    "U041": "configuration value a setting cannot take",
    "U042": "configuration file cannot be read or is not valid TOML",
    "U043": "NTM_EVAL_LANG is neither en nor vi",
    "W110": "look-alike letters replaced by Vietnamese letters",
    "W111": "letter not used in Vietnamese",
    "W112": "rows of a province the unit list does not cover: not checked against it",
    "W113": "rows above the header row skipped",
    "W120": "value far outside what is possible for its measure (its unit?)",
    "W130": "hidden worksheet read because --sheet names it",
    "W131": "number formatted as a percentage in a column that is not a percentage",
    "W301": "threshold values marked unverified (one line per rule file, with the count)",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in one file, located as precisely as the file format allows."""

    code: str
    message: str
    path: str
    line: int | None = None
    col: int | None = None
    column: str | None = None  # data column key, when the problem concerns one
    value: str | None = None
    severity: str = "error"
    cell: str | None = None  # spreadsheet cell or row, e.g. "Sheet1!D17" or "Sheet1!17:17"

    def __post_init__(self) -> None:
        if self.code not in CODES:  # a programming error, caught by the test suite
            raise ValueError(f"unregistered problem code {self.code}")
        # The sentence is shown as it is everywhere (stderr, JSON, HTML): one line, and no
        # control from a value a call site embedded raw. ``value`` stays raw.
        object.__setattr__(self, "message", printable(self.message))

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def location(self) -> str:
        """``path:line:col`` or ``path:Sheet1!D17``; the path and sheet name escaped."""
        if self.cell is not None:
            return printable(f"{self.path}:{self.cell}")
        parts = [printable(self.path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def format(self, color: bool = False) -> str:
        """``path:line:col: severity [CODE] message``; the severity tinted when ``color``."""
        severity = self.severity
        if color:
            severity = ("\x1b[31m" if self.is_error else "\x1b[33m") + severity + "\x1b[0m"
        return f"{self.location()}: {severity} [{self.code}] {self.message}"

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "column": self.column,
            "value": self.value,
            "cell": self.cell,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }


def column_label(column: str, header: str | None = None) -> str:
    """``column 'poverty_rate_pct'``, plus the header as written when it is another name
    (both shown escaped and bounded: a header is text from the file)."""
    if header is None or header.strip() == column:
        return f"column {quoted(column)}"
    return f"column {quoted(column)} ({quoted(header.strip())})"


class Finding(NamedTuple):
    """What one cell's text says is wrong, before it is placed: the same text gives the
    same finding on every row (a reader remembers it), and ``at`` places it."""

    code: str
    message: str
    value: str | None = None
    severity: str = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def at(self, path: str, line: int, col: int | None, column: str | None) -> Problem:
        return Problem(
            self.code,
            self.message,
            path,
            line,
            col,
            column=column,
            value=self.value,
            severity=self.severity,
        )


def cell_finding(code: str, column: str, header: str | None, value: str, expected: str) -> Finding:
    """A data cell that does not hold what its column needs."""
    return value_finding(code, column_label(column, header), value, expected)


def value_finding(code: str, label: str, value: str, expected: str) -> Finding:
    """``label: value '…' — expected …``: the value as written, escaped and cut to
    ``shown.VALUE`` characters (``Finding.value`` keeps it whole)."""
    return Finding(code, f"{label}: value {quoted(value)} — expected {expected}", value)


class HasProblems:
    """Mixin for results that carry ``problems``: the errors and the warnings among them."""

    __slots__ = ()
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


@dataclass
class InputError(Exception):
    """The tool could not do its job with the input it was given.

    Carries every problem found, so the user can fix them all in one go.
    """

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(p.format() for p in self.problems)
