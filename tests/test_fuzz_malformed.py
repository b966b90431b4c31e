"""Malformed files never give a wrong verdict: mutation classes of issue 18, as strategies.

Each example takes the shipped sample file (93 communes, judged once as they are) and
breaks it the way careless hands and hostile ones do — a stray quote, a cell typed in
the middle of a row or deleted, a unit written into a header, control characters, a
re-encoding, a cell of hundreds of kilobytes, a yes-word with the wrong accent, a
commune's code on another row — then
judges it in process, as ``ntm-eval check`` does. The oracle:

- nothing crashes: a file is refused whole (``InputError``, every problem with a message
  and a line) or judged;
- no row is lost: every data line, counted with the csv module on the file before it was
  broken, is a commune in the report or named by an error;
- breaking a file never makes a commune better: a commune is met only when it was met
  before, and a commune whose line carries an error is never met;
- a row that was not touched keeps its verdict (a header mutation may make it not
  evaluable, never better or worse);
- nothing shown to a person holds a control character or a bidi override.

Examples are few and derandomised (the suite stays quick and repeatable); CI runs them.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

import pytest
from conftest import DATA, NATIONAL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ntm_eval.diagnostics import InputError
from ntm_eval.engine.pipeline import judge
from ntm_eval.engine.results import MET, NOT_EVALUABLE
from ntm_eval.input.source import Source
from ntm_eval.input.units import load_units
from ntm_eval.render.markdown import render as render_markdown
from ntm_eval.render.problems import render as render_problems
from ntm_eval.render.text import render as render_text
from ntm_eval.rules.loader import load_rules

RULES = load_rules(NATIONAL)
UNITS = load_units()
SAMPLE = (DATA / "2020.csv").read_text(encoding="utf-8")
HEADER, *ROWS = list(csv.reader(io.StringIO(SAMPLE, newline="")))
KINDS = RULES.kinds()
IDENTITY = ("commune_code", "commune_name", "district", "province", "region", "year")

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: What a person must never receive from a file: C0 controls but the line end, DEL, C1
#: controls, and the bidi and format controls that reorder what is shown.
UNSHOWABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

CONTROLS = [
    "\x1b]0;pwned\x07",  # retitles a terminal
    "\x1b[2J",  # clears it
    "\x9b31m",  # a C1 control sequence introducer
    "\u202egnp.exe",  # shows backwards
    "\x00",
    "\x08\x08\x08",
]

#: Headers that say another unit than the measure's (thousand VND, per mille), and how
#: many of it make one of the measure's: the column's values are written in that unit.
WRONG_UNITS = {
    "money": [
        ("Thu nhập bình quân đầu người (nghìn đồng/người/năm)", 1000),
        ("{} (thousand VND)", 1000),
    ],
    "pct": [("{} (‰)", 10)],
}

#: Yes-words with the wrong accent: another word, not a judgement.
NOT_YES = ["Đất", "Đặt", "Đát", "Dạt"]


@dataclass
class Mutated:
    """A broken copy of the sample: its text, what was done, and to which rows."""

    header: list[str]
    rows: list[list[str]]
    touched: set[int] = field(default_factory=set)  # row indexes changed
    header_changed: bool = False
    what: list[str] = field(default_factory=list)
    raw: list[str | None] = field(default_factory=list)  # a row's line written as is

    def __repr__(self) -> str:  # what was done, not 93 rows of cells
        return f"Mutated({'; '.join(self.what)})"

    def _repr_pretty_(self, printer, cycle) -> None:  # hypothesis prints examples so
        printer.text(repr(self))

    def text(self, delimiter: str = ",") -> str:
        lines = [delimiter.join(self.header)]
        for i, row in enumerate(self.rows):
            raw = self.raw[i] if i < len(self.raw) else None
            lines.append(raw if raw is not None else delimiter.join(row))
        return "\n".join(lines) + "\n"


def _measure_columns(kind: str | None = None) -> list[int]:
    return [i for i, h in enumerate(HEADER) if h in KINDS and (kind is None or KINDS[h] == kind)]


KINDS_OF_MUTATION = ["quote", "extra", "drop", "control", "huge", "unit", "accent", "repeat"]
UNIT_COLUMNS = _measure_columns("money") + _measure_columns("pct")


def mutate(m: Mutated, kind: str, r: int, c: int, pick: int) -> None:
    """Break ``m`` once: a mutation of ``kind`` in row ``r`` at cell ``c`` (both taken
    modulo what there is), ``pick`` choosing among the mutation's payloads."""
    row = m.rows[r % len(m.rows)]
    r, c = r % len(m.rows), c % len(row)

    def one(options):
        return options[pick % len(options)]

    if kind == "quote":  # an opening quote, never closed on its line
        row[c] = '"' + one(["xem phụ lục", row[c], ""])
        m.raw[r] = ",".join(row)
    elif kind == "extra":
        row.insert(c, one(["x", "Đạt", "100", "0"]))
    elif kind == "drop":
        del row[c]
    elif kind == "control":
        row[c] = row[c] + one(CONTROLS)
        if "\x00" in row[c]:
            m.raw[r] = ",".join(row)
    elif kind == "huge":
        row[c] = "9" * one([140_000, 200_000])
    elif kind == "unit":  # the whole file: every row may become not evaluable
        column = UNIT_COLUMNS[c % len(UNIT_COLUMNS)]
        header, scale = one(WRONG_UNITS[KINDS[HEADER[column]]])
        m.header[column] = header.format(HEADER[column])
        for cells in m.rows:  # as a user keeping the column in that unit writes it
            if column < len(cells) and cells[column].replace(".", "", 1).isdigit():
                cells[column] = f"{float(cells[column]) * scale:g}"
        m.header_changed = True
        m.what.append(f"unit header {m.header[column]!r}")
        return
    elif kind == "repeat":  # the next row takes this one's code: one commune twice
        r, c = (r + 1) % len(m.rows), 0
        m.rows[r][0] = row[0]
    elif kind == "accent":
        yes = [i for i, cell in enumerate(row) if cell == "Đạt"]
        if not yes:
            return
        c = yes[c % len(yes)]
        row[c] = one(NOT_YES)
    m.touched.add(r)
    m.what.append(f"{kind} row {r} col {c}")


def mutated(*steps: tuple[str, int, int, int]) -> Mutated:
    """The sample broken by each of ``steps`` (see ``mutate``), in turn."""
    m = Mutated(list(HEADER), [list(r) for r in ROWS])
    m.raw = [None] * len(m.rows)
    for step in steps:
        mutate(m, *step)
    return m


STEPS = st.tuples(
    st.sampled_from(KINDS_OF_MUTATION),
    st.integers(0, len(ROWS) - 1),
    st.integers(0, len(HEADER)),
    st.integers(0, 7),
)
MUTATIONS = st.lists(STEPS, min_size=1, max_size=3).map(lambda steps: mutated(*steps))

ENCODINGS = st.sampled_from(
    [
        ("utf-8", None),
        ("utf-8-sig", None),
        ("utf-16", None),  # with its byte-order mark
        ("utf-16-le", "utf-16"),  # no mark, asked for as utf-16
        ("utf-16-be", "utf-16-be"),
        ("cp1258", "cp1258"),
    ]
)

BEFORE = {
    c.line: c.status for c in judge(Source(DATA / "2020.csv", "2020.csv"), RULES, UNITS).communes
}
LINES = sorted(BEFORE)  # each sample row is one line: 2 … 94


def _judge(path, encoding):
    try:
        return judge(Source(path, "data.csv", encoding=encoding), RULES, UNITS)
    except InputError as exc:
        assert exc.problems, "a refusal says why"
        assert all(p.message and p.code.startswith("D") for p in exc.problems)
        assert all(not UNSHOWABLE.search(p.format()) for p in exc.problems)
        return None


def _shown(report) -> str:
    """Everything a person reads of a report: the table, the Markdown, the problem lines."""
    return "\n".join(
        [
            render_text(report, width=100, color=False),
            render_markdown(report),
            render_problems(report.problems),
        ]
    )


def assert_never_better(m: Mutated, codec: str, asked: str | None, folder) -> None:
    """The oracle (see the module's docstring) on ``m`` written in ``codec``, read with
    ``--encoding asked``."""
    text = m.text()
    try:  # cp1258 holds some accents as combining marks only
        raw = unicodedata.normalize("NFD" if codec == "cp1258" else "NFC", text).encode(codec)
    except UnicodeEncodeError:
        raw, asked = text.encode("utf-8"), None
    path = folder / "data.csv"
    path.write_bytes(raw)
    report = _judge(path, asked)
    if report is None:
        return  # refused whole, with located messages
    after = {c.line: c for c in report.communes}
    errors = {p.line for p in report.errors}
    header_line = min(LINES) - 1
    for line in LINES:
        assert line in after or line in errors, f"line {line} lost ({m.what})"
    for line, commune in after.items():
        row = line - header_line - 1
        if commune.status == MET:
            assert BEFORE.get(line) == MET, f"line {line} became met ({m.what})"
            assert line not in errors, f"line {line} has an error and is met ({m.what})"
        if row not in m.touched and line in BEFORE:
            allowed = {BEFORE[line], NOT_EVALUABLE} if m.header_changed else {BEFORE[line]}
            assert commune.status in allowed, f"untouched line {line} changed ({m.what})"
    shown = _shown(report)
    bad = UNSHOWABLE.search(shown)
    assert bad is None, f"{bad.group()!r} shown ({m.what})"


@SETTINGS
@given(m=MUTATIONS, encoding=ENCODINGS)
def test_a_broken_file_never_gives_a_better_verdict_nor_loses_a_row(tmp_path_factory, m, encoding):
    assert_never_better(m, *encoding, tmp_path_factory.mktemp("fuzz"))


#: One of each class on a commune that is met — the cases of issue 18, always run,
#: whatever the random examples reach.
MET_ROW = next(line for line in LINES if BEFORE[line] == MET) - 2
CASES = {
    "stray quote in the last cell": [("quote", MET_ROW, len(HEADER) - 1, 0)],
    "stray quote in a name": [("quote", MET_ROW, 1, 1)],
    "a cell typed in the middle": [("extra", MET_ROW, 20, 0)],
    "a cell deleted": [("drop", MET_ROW, 20, 0)],
    "OSC in the code": [("control", MET_ROW, 0, 0)],
    "clear screen in the name": [("control", MET_ROW, 1, 1)],
    "bidi override in the district": [("control", MET_ROW, 2, 3)],
    "NUL in a measure": [("control", MET_ROW, 12, 4)],
    "a 200 KB cell": [("huge", MET_ROW, 7, 1)],
    "thousand VND in the income header": [("unit", MET_ROW, 0, 0)],
    "per mille in a percentage header": [("unit", MET_ROW, len(UNIT_COLUMNS) - 1, 0)],
    "Đất for Đạt": [("accent", MET_ROW, 0, 0)],
    "a met commune's code on the next row": [("repeat", MET_ROW, 0, 0)],
}


@pytest.mark.parametrize("steps", list(CASES.values()), ids=list(CASES))
@pytest.mark.parametrize(
    "encoding", [("utf-8", None), ("utf-16-le", "utf-16")], ids=["utf-8", "utf-16 no BOM"]
)
def test_each_class_of_break_on_a_met_commune(tmp_path, steps, encoding):
    assert BEFORE[MET_ROW + 2] == MET
    assert_never_better(mutated(*steps), *encoding, tmp_path)
