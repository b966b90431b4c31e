"""Problems found in input files, each with a stable code and a location.

Every problem is one line: ``path:line:col: severity [CODE] message``. The sentence is
built here, from structured fields, so call sites never format messages themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Every code the tool can emit, with a one-line title. Codes are permanent: a code may
#: be retired but never reused for something else. R = rule file, D = data file.
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
    "D001": "data file cannot be read",
    "D002": "identity column missing",
    "D003": "measure column missing",
    "D004": "column header appears twice",
    "D005": "row has the wrong number of cells",
    "D010": "not a number",
    "D011": "percentage outside 0–100",
    "D012": "count is not a whole number ≥ 0",
    "D013": "money is negative",
    "D014": "not a yes/no judgement",
    "D020": "required identity value missing",
    "D021": "unknown region",
    "D022": "invalid year",
    "D023": "commune code repeated for the same year",
    "W101": "unknown column (not used by the rule set)",
    "W102": "year outside the rule set's period",
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

    def __post_init__(self) -> None:
        if self.code not in CODES:  # a programming error, caught by the test suite
            raise ValueError(f"unregistered problem code {self.code}")

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def location(self) -> str:
        parts = [self.path]
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
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }


def cell_problem(
    code: str, path: str, line: int, col: int, column: str, value: str, expected: str
) -> Problem:
    """A data cell that does not hold what its column needs."""
    return Problem(
        code=code,
        message=f"column '{column}': value '{value}' — expected {expected}",
        path=path,
        line=line,
        col=col,
        column=column,
        value=value,
    )


@dataclass
class InputError(Exception):
    """The tool could not do its job with the input it was given.

    Carries every problem found, so the user can fix them all in one go.
    """

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(p.format() for p in self.problems)
