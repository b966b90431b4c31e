"""No control character from a file reaches a person, and no shown value is unbounded.

A cell, a header, a commune name or a rule file's title holding ``ESC ] 0;… BEL``
(retitles the terminal), ``ESC [2J`` (clears it), ``\\x9b`` (C1 CSI) or U+202E (reverses
what follows) is shown escaped — on a real terminal, in Markdown, HTML, CSV and problem
lines; JSON keeps the raw value. A 30,000-character cell is cut, with its length.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import pty
import re
import subprocess

import pytest
from conftest import NATIONAL, NTM_EVAL, read_terminal, run_cli, sample_rows, write_xlsx
from hypothesis import given
from hypothesis import strategies as st

from ntm_eval.shown import CELL, UNSAFE, VALUE, printable, quoted

#: Everything a hostile file can hold: OSC (title), CSI (clear), C1 CSI, a bidi override.
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e"
#: How it is shown.
ESCAPED = r"\x1b]0;pwned\x07\x1b[2J\x9b31m<U+202E>"
#: How Markdown writes it (its backslashes, brackets and angle brackets escaped).
MARKDOWN = r"\\x1b\]0;pwned\\x07\\x1b\[2J\\x9b31m\<U+202E\>"
SGR = re.compile(r"\x1b\[[0-9;]*m")  # the tool's own colours: the only escape allowed
C1 = re.compile("[\x80-\x9f]")
LONG = "X" * 30_000
NOTE = "(30,000 characters)"
WIDE = {"COLUMNS": "400"}  # no table wraps a value across lines


def assert_nothing_raw(text: str) -> None:
    """No control or bidi character but the tool's own SGR colour sequences."""
    rest = SGR.sub("", text)
    assert "\x1b" not in rest, "an OSC or CSI sequence from the file reached the output"
    assert "\x07" not in rest
    assert not C1.search(rest)
    assert "\u202e" not in rest


# --- the function ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("\x00", r"\x00"),
        ("\x07", r"\x07"),
        ("\t", r"\t"),
        ("\n", r"\n"),
        ("\r", r"\r"),
        ("\x1b", r"\x1b"),
        ("\x7f", r"\x7f"),
        ("\x85", r"\x85"),
        ("\x9b", r"\x9b"),
        ("\u061c", "<U+061C>"),
        ("\u200e", "<U+200E>"),
        ("\u200f", "<U+200F>"),
        ("\u2028", "<U+2028>"),
        ("\u202a", "<U+202A>"),
        ("\u202e", "<U+202E>"),
        ("\u2066", "<U+2066>"),
        ("\u2069", "<U+2069>"),
    ],
)
def test_every_control_and_bidi_character_is_escaped(char, shown):
    assert printable(f"a{char}b") == f"a{shown}b"


@pytest.mark.parametrize(
    "text",
    ["Thiện Nghiệp", "Huyện Hàm Thuận Bắc", "Đạt – “x” ½ ₫ (xã) | [b] C:\\dữ liệu", "a\u00a0b"],
)
def test_vietnamese_and_punctuation_are_unchanged(text):
    assert printable(text) == text
    assert printable(text, len(text)) == text


def test_a_long_text_is_cut_with_its_length():
    assert printable(LONG, VALUE) == "X" * VALUE + "… " + NOTE
    assert quoted(LONG) == "'" + "X" * VALUE + "…' " + NOTE
    assert printable("X" * CELL, CELL) == "X" * CELL  # at the bound: whole


def test_the_bound_counts_what_is_shown_and_never_cuts_an_escape():
    assert printable("\x1b" * 100, 10) == r"\x1b\x1b… (100 characters)"
    assert printable("\x1b" * 2, 8) == r"\x1b\x1b"


@given(st.text(), st.integers(min_value=1, max_value=40))
def test_no_text_keeps_a_control_and_showing_twice_changes_nothing(text, limit):
    shown = printable(text)
    assert UNSAFE.search(shown) is None
    assert printable(shown) == shown
    cut = printable(text, limit)
    assert UNSAFE.search(cut) is None
    assert cut == shown or len(cut.split("… (")[0]) <= limit


# --- a data file, on every output --------------------------------------------------------------


def _hostile_csv(path, poverty=None, extra=""):
    """The shipped sample's first two rows; in the first, the name, district, one measure
    and an unknown column's header hold ``HOSTILE`` (the name differs from the unit list's,
    so D032 echoes it; the measure cell is not a number, so D010 does)."""
    header, rows = sample_rows()
    first = dict(zip(header, rows[0]))
    first["commune_name"] += HOSTILE
    first["district"] = HOSTILE + first["district"]
    first["poverty_rate_pct"] = poverty if poverty is not None else "4" + HOSTILE
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*header, "ghi chú" + HOSTILE + extra])
    writer.writerow([*(first[c] for c in header), "x"])
    writer.writerow([*rows[1], "y"])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def hostile(tmp_path):
    return _hostile_csv(tmp_path / "hostile.csv")


@pytest.fixture
def hostile_rules(tmp_path):
    """The national set, its English title holding ``HOSTILE`` (YAML escapes), and a key
    that is not allowed, holding it too (R010 echoes it)."""
    text = NATIONAL.read_text(encoding="utf-8")
    title = "en: National criteria for new rural communes, 2016–2020"
    assert title in text
    escaped = r"\e]0;pwned\a\e[2J\x9b31m\u202e"
    text = text.replace(title, f'en: "National{escaped}"', 1)
    text = text.replace("\nperiod:", f'\n"note{escaped}": 1\nperiod:', 1)
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _on_a_terminal(*args: str) -> str:
    """What a terminal receives from the installed command, stdout and stderr both on it,
    colours on (rich sees a terminal), no progress line."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM", "FORCE_COLOR")}
    env.update({"COLUMNS": "400", "TERM": "xterm-256color", "NTM_EVAL_PROGRESS": "off"})
    leader, follower = pty.openpty()
    proc = subprocess.Popen([str(NTM_EVAL), *args], stdout=follower, stderr=follower, env=env)
    os.close(follower)
    seen = read_terminal(leader)
    proc.wait(timeout=120)
    return seen.decode("utf-8")  # strictly: a lone C1 byte would fail here


def test_a_terminal_gets_no_control_from_a_data_file(hostile):
    """Real process on a pseudo-terminal: the table, the detail of the commune and every
    problem line (W101 header, D032 name and district, D010 cell)."""
    seen = _on_a_terminal("check", str(hostile), "--commune", "22957")
    assert SGR.search(seen), "colours are off: rich did not see a terminal"
    assert_nothing_raw(seen)
    lines = seen.splitlines()
    for code in ("W101", "D032", "D010"):
        assert any(f"[{code}]" in line and ESCAPED in line for line in lines), code
    assert sum(ESCAPED in line for line in lines) >= 6  # + the table row and the detail title


def test_a_terminal_gets_no_control_from_a_rule_file(hostile_rules, hostile):
    """Real process on a pseudo-terminal: validate (R010 echoes the key); once the key is
    gone, rules show and rules list (the title), check with the rules (its heading)."""
    seen = _on_a_terminal("validate", str(hostile_rules))
    assert_nothing_raw(seen)
    assert "[R010]" in seen and ESCAPED in seen
    fixed = hostile_rules.read_text(encoding="utf-8").replace('"note', "#", 1)
    hostile_rules.write_text(fixed, encoding="utf-8")
    for args in (
        ["validate", str(hostile_rules)],
        ["rules", "show", str(hostile_rules)],
        ["rules", "list", str(hostile_rules)],
        ["check", str(hostile), "--rules", str(hostile_rules)],
    ):
        seen = _on_a_terminal(*args)
        assert_nothing_raw(seen)
        assert "validate" in args or "National" + ESCAPED in seen, args


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["check", "-f", "markdown"], MARKDOWN),
        (["check", "-f", "csv"], ESCAPED),
        (["gaps"], ESCAPED),
        (["gaps", "-f", "markdown"], MARKDOWN),
        (["gaps", "-f", "csv"], ESCAPED),
        (["report"], html.escape(ESCAPED)),
    ],
)
def test_every_format_for_people_shows_the_escapes(hostile, args, shown):
    result = run_cli(*args, str(hostile), env=WIDE)
    assert_nothing_raw(result.stdout + result.stderr)
    assert shown in result.stdout


def test_compare_shows_the_escapes(tmp_path):
    # A province the unit list does not cover: its names are not checked (a name that
    # disagrees with the list would hold the row back on both sides, and no status change).
    old = _hostile_csv(tmp_path / "old.csv", poverty="4")  # met there, not evaluable now
    new = _hostile_csv(tmp_path / "new.csv")
    for path in (old, new):
        path.write_text(path.read_text("utf-8").replace("Bình Thuận", "Tỉnh Khác"), "utf-8")
    result = run_cli("compare", str(old), str(new), env=WIDE)
    assert_nothing_raw(result.stdout + result.stderr)
    assert ESCAPED in result.stdout


def test_html_report_escapes_attributes_and_keeps_tooltip_lines(hostile):
    page = run_cli("report", str(hostile)).stdout
    details = re.findall(r'data-detail="([^"]*)"', page)
    assert details and all("\n" in d for d in details)  # the tooltip's own lines stay
    assert any(html.escape(ESCAPED) in d for d in details)


def test_json_keeps_values_raw_and_messages_shown(hostile):
    """JSON escapes controls itself and tools need the real value; the message is the
    sentence stderr shows."""
    result = run_cli("check", "-f", "json", str(hostile))
    doc = json.loads(result.stdout)
    problems = doc["errors"] + doc["warnings"]
    d010 = next(p for p in problems if p["code"] == "D010")
    assert d010["value"] == "4" + HOSTILE
    assert ESCAPED in d010["message"] and d010["message"] in result.stderr
    names = [c["name"] for c in doc["communes"]]
    assert any(HOSTILE in n for n in names)


# --- bounded length ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "code"), [("commune_name", "D032"), ("poverty_rate_pct", "D010"), (None, "W101")]
)
def test_a_30_kb_cell_or_header_is_cut_in_its_message(tmp_path, column, code):
    header, rows = sample_rows()
    if column is None:
        header = [*header, LONG]
        rows = [[*r, ""] for r in rows[:3]]
    else:
        rows = [list(r) for r in rows[:3]]
        rows[0][header.index(column)] = LONG
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path = tmp_path / "long.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    result = run_cli("check", "-f", "json", str(path))
    line = next(line for line in result.stderr.splitlines() if f"[{code}]" in line)
    assert NOTE in line and len(line) < 2 * VALUE + 250
    problem = next(
        p
        for p in [*json.loads(result.stdout)["errors"], *json.loads(result.stdout)["warnings"]]
        if p["code"] == code
    )
    assert problem["message"] in line
    if column is not None:
        assert problem["value"] == LONG  # the value itself stays whole for tools


def test_a_30_kb_name_is_cut_in_the_tables(tmp_path):
    header, rows = sample_rows()
    rows = [list(r) for r in rows[:2]]
    rows[0][header.index("commune_name")] = LONG
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path = tmp_path / "long.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    for args in (["check", "-f", "markdown"], ["report"]):
        shown = run_cli(*args, str(path)).stdout
        assert NOTE in shown and LONG not in shown, args
    assert LONG in run_cli("check", "-f", "csv", str(path)).stdout  # data for a spreadsheet


def test_a_workbook_read_row_by_row_shows_what_the_lane_shows(tmp_path):
    """One engine: the same hostile cells (those a workbook can hold: C1, bidi) give the
    same escaped problem messages from a CSV file (judged column-wise) and a workbook (read
    row by row); the sheet name, from the file too, is escaped in the location."""
    header, rows = sample_rows()
    rows = [list(r) for r in rows[:3]]
    for column in ("commune_name", "district", "poverty_rate_pct"):
        rows[0][header.index(column)] += "\x9b31m\u202e"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    (tmp_path / "data.csv").write_text(out.getvalue(), encoding="utf-8")
    write_xlsx(tmp_path / "data.xlsx", [header, *rows], sheet="Số liệu\u202e")

    def messages(name: str) -> list[tuple[str, str]]:
        result = run_cli("check", "-f", "json", str(tmp_path / name))
        assert_nothing_raw(result.stderr)
        doc = json.loads(result.stdout)
        return [(p["code"], p["message"]) for p in doc["errors"] + doc["warnings"]]

    from_csv, from_book = messages("data.csv"), messages("data.xlsx")
    assert from_csv == from_book
    assert {code for code, _ in from_csv} >= {"D032", "D010"}
    assert all(r"\x9b31m<U+202E>" in message for _, message in from_csv)
    book_lines = run_cli("check", str(tmp_path / "data.xlsx")).stderr
    assert "data.xlsx:'Số liệu<U+202E>'!B2:" in book_lines
