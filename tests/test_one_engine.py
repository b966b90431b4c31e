"""One engine: a check added where checks live is reported on every path.

A developer adds a cell check to ``rows.CELL_CHECKS`` or a row check to
``checks.ROW_CHECKS`` — nowhere else. The same problem must then be reported, and the same
rows kept out, for a CSV file judged column by column (the lane), for a workbook read row
by row, in every output of ``check`` (streamed JSONL and CSV, the JSON document, the
terminal table), and on both sides of ``compare``, which judges data as ``check`` does.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import DATA, IDENTITY, national_columns, run_in_process, write_xlsx

from ntm_eval import diagnostics
from ntm_eval.diagnostics import Finding
from ntm_eval.input import cells, checks, rows

COLUMNS = IDENTITY + national_columns()
#: Lines (of the CSV file and the sheet) whose commune name is written in capitals.
CAPITALS = {5, 40, 77}


def invoke(*args: str) -> tuple[int, str, str]:
    """``ntm-eval ARGS`` in this process: a check patched in here is seen."""
    run = run_in_process(*args)
    return run.code, run.stdout, run.stderr


@pytest.fixture
def data(tmp_path):
    """The shipped sample, three names in capitals; as CSV and as a workbook."""
    with (DATA / "2020.csv").open(encoding="utf-8", newline="") as f:
        header, *records = list(csv.reader(f))
    name = header.index("commune_name")
    for line in CAPITALS:
        records[line - 2][name] = records[line - 2][name].upper()
    path = tmp_path / "data.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *records])
    book = write_xlsx(tmp_path / "data.xlsx", [header, *records])
    return path, book


@pytest.fixture
def capitals_check(monkeypatch):
    """A new cell check, added as a developer would: a name in capitals (W199)."""
    monkeypatch.setitem(diagnostics.CODES, "W199", "name written in capitals")

    def capitals(column, raw, value):
        if column.key == "commune_name" and value and value == value.upper() and value.strip():
            return Finding("W199", f"{column.label}: '{value}' is in capitals", value, "warning")
        return None

    monkeypatch.setattr(rows, "CELL_CHECKS", [capitals])


def found(stderr: str, code: str) -> set[int]:
    """The lines the problem lines on stderr name with ``code``."""
    out = set()
    for line in stderr.splitlines():
        if f"[{code}]" in line:
            where = line.split(": ", 1)[0]
            out.add(
                int(where.split(":")[1])
                if "!" not in where
                else int("".join(ch for ch in where.split("!")[1] if ch.isdigit()))
            )
    return out


def test_a_new_cell_check_is_reported_on_every_path(data, capitals_check, monkeypatch):
    path, book = data
    read = []  # lines read row by row: the rows the check sent away from the lane
    original = rows.RowReader.read
    monkeypatch.setattr(
        rows.RowReader,
        "read",
        lambda self, line, cells: read.append(line) or original(self, line, cells),
    )
    code, out, err = invoke("check", str(path))
    assert code == 0 and found(err, "W199") == CAPITALS
    assert set(read) == CAPITALS  # the lane took every other row, column by column
    for fmt in ("jsonl", "json"):
        code, out, err = invoke("check", str(path), "--format", fmt)
        assert code == 0 and found(err, "W199") == CAPITALS
        doc = json.loads(out.splitlines()[-1] if fmt == "jsonl" else out)
        assert {w["line"] for w in doc["warnings"] if w["code"] == "W199"} == CAPITALS
    code, out, err = invoke("check", str(path), "--format", "csv")
    assert code == 0 and found(err, "W199") == CAPITALS
    assert len(list(csv.reader(io.StringIO(out)))) == 1 + 93 * 19
    read.clear()
    code, out, err = invoke("check", str(book))
    assert code == 0 and found(err, "W199") == CAPITALS
    assert len(read) == 93  # a workbook is read row by row
    code, out, err = invoke("compare", str(book), str(path))
    assert code == 0 and len(found(err, "W199")) == 3 and err.count("[W199]") == 6


class _UnderReview:
    """A new row check, added as a developer would: the communes of a district under
    review are not evaluated this year (W198 names each)."""

    def __init__(self, context):
        self.layout = context.layout
        self.problems = []

    reason = None  # not evaluated at all

    def see(self, ids):
        out = {}
        for i, (line, district) in enumerate(zip(ids.lines, ids.districts)):
            if district == "Hàm Tân":
                out[i] = self.reason
                self.problems.append(
                    self.layout.problem(
                        "W198", line, "district", "under review: not evaluated", district, "warning"
                    )
                )
        return out

    def finish(self, problems, keys):
        problems += self.problems


def test_a_new_row_check_keeps_rows_out_on_every_path(data, monkeypatch):
    path, book = data
    monkeypatch.setitem(diagnostics.CODES, "W198", "district under review")
    monkeypatch.setattr(checks, "ROW_CHECKS", [*checks.ROW_CHECKS, _UnderReview])
    with (DATA / "2020.csv").open(encoding="utf-8", newline="") as f:
        records = list(csv.DictReader(f))
    under = {i + 2 for i, r in enumerate(records) if r["district"] == "Hàm Tân"}
    kept = {r["commune_code"] for r in records if r["district"] != "Hàm Tân"}
    assert under and len(kept) < 93
    for fmt in ("json", "jsonl"):
        code, out, err = invoke("check", str(path), "--format", fmt)
        assert code == 0 and found(err, "W198") == under
        lines = out.splitlines()
        communes = (
            json.loads(out)["communes"]
            if fmt == "json"
            else [json.loads(line) for line in lines[:-1]]
        )
        assert {c["code"] for c in communes} == kept
    code, out, err = invoke("check", str(path), "--format", "csv")
    assert {r["code"] for r in csv.DictReader(io.StringIO(out))} == kept
    code, out, err = invoke("check", str(book), "--format", "json")
    assert found(err, "W198") == under
    assert {c["code"] for c in json.loads(out)["communes"]} == kept
    code, out, err = invoke("check", str(path), "--max-rows", "0")
    assert f"{len(kept)} commune(s)" in out and found(err, "W198") == under


class _OnHold(_UnderReview):
    """A row check that holds rows back with a reason: judged, none of their measures."""

    reason = "district under review (W198)"


def test_a_row_check_that_holds_a_row_back_makes_it_not_evaluable_on_every_path(data, monkeypatch):
    path, book = data
    monkeypatch.setitem(diagnostics.CODES, "W198", "district under review")
    monkeypatch.setattr(checks, "ROW_CHECKS", [*checks.ROW_CHECKS, _OnHold])
    with (DATA / "2020.csv").open(encoding="utf-8", newline="") as f:
        records = list(csv.DictReader(f))
    held = {r["commune_code"] for r in records if r["district"] == "Hàm Tân"}
    assert held
    for source in (path, book):
        _, out, _ = invoke("check", str(source), "--format", "json")
        communes = json.loads(out)["communes"]
        assert len(communes) == 93
        for c in communes:
            reasons = {i["reason"] for k in c["criteria"] for i in k["indicators"]}
            if c["code"] in held:
                assert c["status"] == "not_evaluable" and reasons == {_OnHold.reason}
            else:
                assert _OnHold.reason not in reasons
    _, out, _ = invoke("check", str(path), "--format", "csv")
    statuses = {r["code"]: r["commune_status"] for r in csv.DictReader(io.StringIO(out))}
    assert {c for c, s in statuses.items() if s == "not_evaluable"} >= held
    _, out, _ = invoke("check", str(path), "--format", "jsonl")
    lines = [json.loads(line) for line in out.splitlines()[:-1]]
    assert {c["code"] for c in lines if c["status"] == "not_evaluable"} >= held


def test_compare_checks_units_as_check_does():
    """A ward (22915, Mũi Né) is refused by check and by compare alike (D033)."""
    example = str(DATA / "examples" / "units.csv")
    code, _, err = invoke("check", example)
    assert code == 3 and "22915 Phường Mũi Né" in err and "[D033]" in err
    code, out, err = invoke("compare", example, str(DATA / "2020.csv"), "--format", "json")
    assert code == 3
    d033 = [e for e in json.loads(out)["errors"] if e["code"] == "D033"]
    assert [(e["path"], e["value"]) for e in d033][:1] == [(example, "22915")]


def test_rows_read_by_a_guess_are_not_evaluable_on_every_path(tmp_path):
    """A row with a cell too many (D005), a stray quote (D006) or a cell too long (D007) is
    kept from judging by ``RowReader.read``, whichever way the rest of its batch goes: every
    format of ``check`` and both sides of ``compare`` show it not evaluable, for its reason."""
    with (DATA / "2020.csv").open(encoding="utf-8", newline="") as f:
        header, *records = list(csv.reader(f))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *records])
    lines = out.getvalue().splitlines()
    lines[4] += ",ghi chú"  # D005
    lines[10] = lines[10].replace(",Đạt,", ',"Đạt,', 1)  # D006
    cells = lines[20].split(",")
    cells[8] = "9" * 200_000  # D007
    lines[20] = ",".join(cells)
    path = tmp_path / "data.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bad = {records[i - 1][0]: code for i, code in ((4, "D005"), (10, "D006"), (20, "D007"))}

    def shown(communes):
        return {c["code"]: c["status"] for c in communes if c["code"] in bad}

    code, text, _ = invoke("check", str(path), "--format", "json")
    doc = json.loads(text)
    assert code == 3 and sorted(e["code"] for e in doc["errors"]) == ["D005", "D006", "D007"]
    assert shown(doc["communes"]) == dict.fromkeys(bad, "not_evaluable")
    for c in doc["communes"]:
        if c["code"] in bad:
            reasons = {i["reason"] for k in c["criteria"] for i in k["indicators"]}
            assert len(reasons) == 1 and reasons.pop().endswith(f"({bad[c['code']]})")
    _, text, _ = invoke("check", str(path), "--format", "jsonl")
    assert shown(json.loads(line) for line in text.splitlines()[:-1]) == shown(doc["communes"])
    _, text, _ = invoke("check", str(path), "--format", "csv")
    by_row = {r["code"]: r["commune_status"] for r in csv.DictReader(io.StringIO(text))}
    assert {k: by_row[k] for k in bad} == shown(doc["communes"])
    code, text, _ = invoke("compare", str(DATA / "2020.csv"), str(path), "--format", "json")
    assert code == 3
    changed = {c["code"]: c["new_status"] for c in json.loads(text)["communes"]}
    assert {k: changed[k] for k in bad} == shown(doc["communes"])


def test_an_impossible_value_is_reported_on_every_path(tmp_path, monkeypatch):
    """The plausibility check (W120, ``rows.implausible``) is a cell check like any other:
    the lane sends the rows it finds to the row reader, a workbook reads them, every
    format reports them, and the verdicts are those of the value as written."""
    with (DATA / "2020.csv").open(encoding="utf-8", newline="") as f:
        header, *records = list(csv.reader(f))
    income = header.index("income_per_capita")
    for line in CAPITALS:  # the same three lines: an income in thousand VND
        records[line - 2][income] = "45000"
    path = tmp_path / "data.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *records])
    book = write_xlsx(tmp_path / "data.xlsx", [header, *records])
    read = []
    original = rows.RowReader.read
    monkeypatch.setattr(
        rows.RowReader,
        "read",
        lambda self, line, cells: read.append(line) or original(self, line, cells),
    )
    for source in (path, book):
        read.clear()
        for fmt in ("text", "jsonl", "json", "csv"):
            code, _, err = invoke("check", str(source), "--format", fmt)
            assert code == 0 and found(err, "W120") == CAPITALS, (source, fmt)
        assert set(read) == (CAPITALS if source == path else set(range(2, 95)))


def test_the_percent_format_check_is_one_cell_check_seen_on_every_path(data, tmp_path):
    """``cells.percent_format`` is a cell check like any other: a workbook's income
    formatted as a percentage (W131) is reported, and read as stored, in every output of
    ``check`` and on both sides of ``compare``."""
    import openpyxl

    assert cells.percent_format in rows.CELL_CHECKS
    _, book = data
    wb = openpyxl.load_workbook(book)
    ws = wb.active
    column = [c.value for c in ws[1]].index("income_per_capita") + 1
    for line in CAPITALS:
        cell = ws.cell(line, column)
        cell.value, cell.number_format = float(cell.value) / 100, "0%"
    wb.save(book)
    for fmt in ("text", "json", "jsonl", "csv"):
        _, _, err = invoke("check", str(book), "--format", fmt)
        assert found(err, "W131") == CAPITALS, fmt
    _, out, err = invoke("check", str(book), "--format", "json")
    incomes = {
        c["line"]: i["value"]
        for c in json.loads(out)["communes"]
        for k in c["criteria"]
        for i in k["indicators"]
        if i["column"] == "income_per_capita"
    }
    assert all(incomes[line] < 1 for line in CAPITALS)  # the stored value, not ×100
    _, _, err = invoke("compare", str(book), str(book))
    assert err.count("[W131]") == 2 * len(CAPITALS)
