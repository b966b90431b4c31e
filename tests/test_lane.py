"""Judged column by column (``ntm_eval.engine.lane``), a file gives exactly what it gives
judged row by row.

The reference is the same pipeline with ``column_wise=False``: every row read by
``RowReader.read`` and judged by ``Evaluator.row``, drawn by the per-commune encoders. For
clean, dirty and hostile files, every shipped rule set and example, batches of every size
and caches small enough to overflow, each output must be the same: the report (every
verdict, count and problem), the JSON document byte for byte (and equal to plain
``json.dumps``), the JSONL lines, the CSV rows and the terminal table of the first
communes. Nothing is timed here.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import ROOT, generate_national, national_rules, passing_values

from ntm_eval.engine import lane as batch
from ntm_eval.engine.pipeline import Run, judge
from ntm_eval.engine.results import Finished
from ntm_eval.input.dataset import load_data
from ntm_eval.input.source import Source
from ntm_eval.input.units import load_units
from ntm_eval.render import FORMATS
from ntm_eval.render import csv as render_csv
from ntm_eval.render import json as render_json
from ntm_eval.render import text as render_text
from ntm_eval.rules.loader import example_sets, load_rules, shipped_sets

#: Every shipped rule set and example, by id: the comparisons run under each.
RULE_SETS = {**shipped_sets(), **example_sets()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    """Generated national data (all regions, 2016–2020), clean and dirty."""
    return generate_national(tmp_path_factory.mktemp("lane"), rows=1500, seed=11)


def plain(path: Path, units: str | None = None, ruleset=None, first: int = 0):
    """The report judged row by row: the reference."""
    return judge(
        Source(path), ruleset or national_rules(), load_units(units), first=first, column_wise=False
    )


def lane_text(path: Path, fmt: str, units: str | None = None, ruleset=None) -> str:
    """What ``check --format FMT`` writes for ``path``, judged as it is written."""
    return written(Run(Source(path), ruleset or national_rules(), load_units(units)), fmt)


def written(results, fmt: str) -> str:
    out = io.StringIO()
    FORMATS["check"][fmt].write(results, out)
    return out.getvalue()


@dataclasses.dataclass
class Replayed:
    """The batches of one column-wise run, given again to each format (``results.Results``):
    every format draws the same batches a live run gives it, and the file is judged once."""

    batches_: list
    report: object

    def batches(self):
        yield from self.batches_

    def finish(self):
        return self.report


#: The row-by-row reports already made, by (file, unit list, rule set): the reference.
_PLAIN: dict = {}


def assert_lane_is_plain(
    path: Path, units: str | None = None, first: int = 7, ruleset=None, dumps: bool = False
) -> None:
    """The column-wise run of ``path`` gives what the row-by-row run gives, in every format;
    with ``dumps``, its JSON document is also ``json.dumps`` of the report (slow: a few
    files are enough, and test_fast_paths checks more)."""
    rs = ruleset or national_rules()
    key = (path, path.stat().st_mtime_ns, units, rs.id)
    reference = _PLAIN.get(key) or _PLAIN.setdefault(key, plain(path, units, rs))
    run = Run(Source(path), rs, load_units(units))
    lane = Replayed(list(run.batches()), run.finish())
    # the report, communes included
    report = lane.report
    communes = sorted((c for b in lane.batches_ for c in b.communes()), key=lambda c: c.sort_key)
    assert report.problems == reference.problems
    assert report.summary == reference.summary
    assert report.input_rows == reference.input_rows
    assert tuple(communes) == reference.communes
    # the JSON document, byte for byte, and what json.dumps writes of it
    document = written(lane, "json")
    assert document == render_json.render(reference)
    if dumps:
        assert document == render_json.dumps(render_json.report_dict(reference)) + "\n"
    # the JSONL lines: the plain lines, in input order, rows waiting for the file last
    lines = written(lane, "jsonl").splitlines()
    expected = {
        c.line: render_json.dumps({"type": "commune", **render_json.commune_dict(c)})
        for c in reference.communes
    }
    got = [json.loads(line) for line in lines[:-1]]
    assert sorted(lines[:-1]) == sorted(expected.values())
    assert [expected[d["line"]] for d in got] == lines[:-1]
    summary = json.loads(lines[-1])
    assert summary["type"] == "summary" and summary["summary"]["communes"] == len(expected)
    # the CSV rows: the plain writer's, communes in the order of the JSON lines
    by_line = {c.line: c for c in reference.communes}
    in_order = dataclasses.replace(reference, communes=tuple(by_line[d["line"]] for d in got))
    plain_csv = io.StringIO()
    render_csv.write(Finished(in_order), plain_csv)
    assert written(lane, "csv") == plain_csv.getvalue()
    # the first communes of the terminal table: same table, same counts
    head = judge(Source(path), rs, load_units(units), first=first)
    assert head.communes == reference.communes[:first]
    assert head.summary == reference.summary and head.problems == reference.problems
    assert render_text.render(head, max_rows=first) == render_text.render(reference, max_rows=first)


@pytest.mark.parametrize("kind", ["clean", "dirty"])
@pytest.mark.parametrize("rules", sorted(RULE_SETS))
def test_generated_national_files(generated, kind, rules):
    assert_lane_is_plain(generated[kind], ruleset=load_rules(RULE_SETS[rules]), dumps=True)


@pytest.mark.parametrize("profile", ["realistic", "worst"])
def test_data_whose_values_vary(tmp_path_factory, monkeypatch, profile):
    """The profiles of a real national file and of the worst case (nearly every cell
    distinct: every cache misses), with caches small enough to be emptied many times."""
    files = generate_national(tmp_path_factory.mktemp(profile), rows=1200, seed=5, profile=profile)
    for kind in ("clean", "dirty"):
        assert_lane_is_plain(files[kind], dumps=kind == "clean")
    set_batch(monkeypatch, 100)
    monkeypatch.setattr(batch, "ENTRY_BUDGET", 500)
    monkeypatch.setattr(batch, "NAME_LIMIT", 50)
    monkeypatch.setattr(render_json.CommuneEncoder, "TEXT_BUDGET", 20_000)
    monkeypatch.setattr(render_json.CommuneEncoder, "LIMIT", 40)
    assert_lane_is_plain(files["clean"])


@pytest.mark.parametrize("size, rows", [(1, 300), (2, 300), (5, 600), (64, None)])
def test_any_batch_size(generated, monkeypatch, tmp_path, size, rows):
    """Batch edges fall anywhere: between a duplicate and its first row, a region's rows…
    (the smallest batches on the first rows of the file: every edge is there already)."""
    path = generated["dirty"]
    if rows is not None:
        path = tmp_path / "head.csv"
        path.write_bytes(b"\n".join(generated["dirty"].read_bytes().split(b"\n")[: rows + 1]))
    set_batch(monkeypatch, size)
    assert_lane_is_plain(path)


def test_caches_that_overflow_give_the_same(generated, monkeypatch):
    set_batch(monkeypatch, 50)
    monkeypatch.setattr(batch, "ENTRY_BUDGET", 40)
    monkeypatch.setattr(batch, "VERDICT_LIMIT", 3)
    monkeypatch.setattr(render_json.CommuneEncoder, "TEXT_BUDGET", 5000)
    monkeypatch.setattr(render_json.CommuneEncoder, "LIMIT", 3)
    assert_lane_is_plain(generated["clean"])


@pytest.mark.parametrize("joint", [True, False])
def test_joint_and_measure_by_measure_criteria_agree(generated, monkeypatch, joint):
    """Criteria judged from the tuple of their cells, or measure by measure (the lane
    chooses per criterion from the misses it sees): the same results either way."""
    original = batch.Lane.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if getattr(self, "usable", False):
            self.joint = [joint and j for j in self.joint] if joint else [False] * len(self.joint)
            if not joint:
                self._choose = lambda n: None

    monkeypatch.setattr(batch.Lane, "__init__", init)
    set_batch(monkeypatch, 100)
    assert_lane_is_plain(generated["dirty"])


def set_batch(monkeypatch, size: int) -> None:
    """Batches of ``size`` records."""
    monkeypatch.setattr("ntm_eval.engine.pipeline.BATCH", size)


def rows_with_problems() -> list[dict[str, str]]:
    return [
        {
            "commune_code": "22984",
            "commune_name": "Chí Công",
            "district": "Tuy Phong",
            "province": "Bình Thuận",
            "year": "2020",
            "poverty_rate_pct": "abc",
        },
        {
            "commune_code": "22984",
            "commune_name": "Chí Công",
            "district": "Tuy Phong",
            "province": "Bình Thuận",
            "year": "2020",
        },
        {
            "commune_code": "",
            "commune_name": "Chí Công",
            "district": "Tuy Phong",
            "province": "Bình Thuận",
        },
        {"commune_code": "22945", "commune_name": "Phan Rí Cửa", "province": "Bình Thuận"},
        {"commune_code": "99999", "commune_name": "Xã Lạ", "province": "Bình Thuận"},
        {"commune_code": "10001", "temporary_houses": "1.234", "year": "2014"},  # waits
        {"commune_code": "10002", "temporary_houses": "1.234", "region": "nowhere"},
        {"commune_code": "10003", "commune_name": "Xã пôпg", "year": "2021"},
        {"commune_code": "10004", "poverty_rate_pct": "4,5", "year": ""},
        {"commune_code": "10001", "temporary_houses": "2.500", "year": "2014"},
        {"commune_code": " 10005", "district": "Huyện  B"},  # spaces: read one by one
        {"commune_code": "10006", "province": ""},
        {"commune_code": "10007", "region": "Đông Nam Bộ", "year": " 2019 "},
        {"commune_code": "10008", "year": "2013"},
        {"commune_code": "10009", "year": "2013", "income_per_capita": ""},
        {"commune_code": "10010", "province": "Tỉnh B", "year": "2013"},
        {"commune_code": "10008", "year": "2013"},  # a duplicate read in the lane
    ]


@pytest.mark.parametrize("size", [1, 3, 512])
def test_problems_of_every_kind(write_csv, monkeypatch, size):
    set_batch(monkeypatch, size)
    path = write_csv(rows_with_problems() + [{"commune_code": f"2{i:04d}"} for i in range(12)])
    report = judge(Source(path), national_rules(), load_units(None))
    codes = {p.code for p in report.problems}
    assert {"D010", "D020", "D021", "D023", "D031", "D033", "W102", "W110"} <= codes
    assert_lane_is_plain(path, dumps=True)


def test_rows_of_the_wrong_width_blank_rows_and_line_breaks_in_cells(tmp_path, monkeypatch):
    set_batch(monkeypatch, 4)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    from conftest import IDENTITY, national_columns

    columns = IDENTITY + national_columns()
    writer.writerow(columns)
    base = {
        "commune_name": "Xã A",
        "district": "Huyện A",
        "province": "Tỉnh B",
        "region": "dhntb",
        "year": "2020",
        **passing_values(),
    }
    for i in range(14):
        row = {**base, "commune_code": f"{30000 + i}"}
        if i == 3:
            row["commune_name"] = "Xã\nHai Dòng"  # a line break inside a quoted cell
        if i == 6:
            row["district"] = "Huyện\r\nB"
        cells = [row.get(c, "") for c in columns]
        if i == 8:
            cells = cells[:-3]  # a short row
        if i == 10:
            cells = cells + ["extra"]
        writer.writerow(cells)
        if i in (4, 9):
            text.write("\r\n")  # blank lines
            writer.writerow([""] * len(columns))  # a row of separators only
    path = tmp_path / "odd.csv"
    path.write_text(text.getvalue(), encoding="utf-8")
    reference = plain(path)
    assert {p.code for p in reference.problems} >= {"D005"}
    assert [c.line for c in reference.communes][3:8] == [5, 7, 10, 11, 13]
    assert_lane_is_plain(path)


def test_number_separators_first_value_in_row_order(write_csv, monkeypatch):
    """The message of an unsettled number names the first value showing each use of a
    separator, in row order — the lane reads column by column and must not change it."""
    set_batch(monkeypatch, 10)
    rows = [
        {"commune_code": "40001"},
        {"commune_code": "40002", "trained_labour_pct": "12.5"},  # later column, row 2
        {"commune_code": "40003", "irrigated_area_pct": "3.75"},  # earlier column, row 3
        {"commune_code": "40004", "income_per_capita": "1,234.5"},  # '.' decimals, ',' thousands
        {"commune_code": "40005", "temporary_houses": "1.234"},  # ambiguous: '.' both ways?
        {"commune_code": "40006", "income_per_capita": "2.345,5"},
    ]  # '.' groups thousands too
    path = write_csv(rows)
    reference = plain(path)
    d040 = [p for p in reference.problems if p.code == "D040"]
    assert d040 and "'12.5'" in d040[0].message
    assert_lane_is_plain(path)


@pytest.mark.parametrize("change", ["crlf", "byte-order mark", "quote late", "cr late"])
def test_bytes_then_text(generated, tmp_path, monkeypatch, change):
    """The lane reads a UTF-8 file as bytes, and as text from the first batch holding a
    quote or a line ending in '\r' alone: its caches then hold cells of both kinds. Line
    ends, a byte-order mark and the switch change nothing."""
    set_batch(monkeypatch, 100)
    lines = generated["dirty"].read_bytes().split(b"\n")
    if change == "crlf":
        data = b"\r\n".join(lines)
    elif change == "byte-order mark":
        data = b"\xef\xbb\xbf" + b"\n".join(lines)
    else:
        cells = lines[900].split(b",")
        cells[1] = b'"' + cells[1] + b', Huy\xe1\xbb\x87n"' if change == "quote late" else cells[1]
        lines[900] = b",".join(cells) + (b"\r" + lines.pop(901) if change == "cr late" else b"")
        data = b"\n".join(lines)
    path = tmp_path / "switch.csv"
    path.write_bytes(data)
    assert_lane_is_plain(path)


def test_accents_decomposed_in_the_file(tmp_path):
    """A file saved with decomposed accents (NFD) reads as the same names and words."""
    from conftest import commune_csv

    text = commune_csv(
        [{"commune_name": "Hòa Thắng", "district": "Bắc Bình", "poverty_rate_pct": "3,5"}] * 1
        + [{"commune_code": f"{50000 + i}", "commune_name": "Xã Đức"} for i in range(5)]
    )
    path = tmp_path / "nfd.csv"
    path.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    report = judge(Source(path), national_rules(), load_units(None))
    assert report.communes[0].name == "Hòa Thắng"
    assert_lane_is_plain(path)


def test_a_character_that_normalises_to_a_separator(tmp_path):
    """U+037E (Greek question mark) is ';' once normalised: such a file is read whole."""
    from conftest import commune_csv

    text = commune_csv([{"commune_name": "Xã A\u037eB"}, {}]).replace(",", ";")
    path = tmp_path / "greek.csv"
    path.write_text(text, encoding="utf-8")
    assert_lane_is_plain(path)


def test_structural_characters_are_every_one():
    """``csvfile.STRUCTURAL`` holds every character whose NFC form has a separator, a
    quote or a line end in it."""
    from ntm_eval.input.csvfile import DELIMITERS, STRUCTURAL

    marks = set(DELIMITERS) | {'"', "\n", "\r"}
    found = {
        chr(c)
        for c in range(0x110000)
        if not 0xD800 <= c <= 0xDFFF
        and chr(c) not in marks
        and marks & set(unicodedata.normalize("NFC", chr(c)))
    }
    assert found == set(STRUCTURAL)


def test_a_file_missing_measure_columns(write_csv):
    from conftest import IDENTITY, national_columns

    columns = IDENTITY + [
        c
        for c in national_columns()
        if c not in ("poverty_rate_pct", "road_alley", "food_safety_pct")
    ]
    path = write_csv([{"commune_code": f"{60000 + i}"} for i in range(6)], columns)
    assert_lane_is_plain(path)


def test_a_file_missing_identity_columns_goes_one_by_one(write_csv):
    from conftest import national_columns

    path = write_csv(
        [{"commune_code": f"{61000 + i}"} for i in range(4)],
        ["commune_code", "commune_name", "region", "year"] + national_columns(),
    )
    assert_lane_is_plain(path)


def test_the_shipped_sample_and_its_unit_list():
    assert_lane_is_plain(ROOT / "data" / "2020.csv", first=200)
    assert_lane_is_plain(ROOT / "data" / "2020-self-assessment.csv")


def test_streamed_communes_come_in_input_order(write_csv):
    path = write_csv([{"commune_code": code} for code in ("30002", "30001", "30003")])
    run = Run(Source(path), national_rules(), load_units(None))
    sent = [c for batch_ in run.batches() for c in batch_.communes()]
    assert [c.code for c in sent] == ["30002", "30001", "30003"]


def test_the_text_table_lists_years_when_its_rows_span_several(write_csv):
    """The year column shows when the listed communes are of several years."""
    path = write_csv(
        [
            {"commune_code": "70001", "year": "2019"},
            {"commune_code": "70002", "year": "2020"},
            {"commune_code": "70003", "year": "2020"},
        ]
    )

    def header(listed: int) -> str:
        head = judge(Source(path), national_rules(), load_units(None), first=listed)
        text = render_text.render(head, max_rows=listed)
        return next(line for line in text.splitlines() if line.startswith("Code"))

    assert "Year" not in header(1)
    assert "Year" in header(2)


def test_cli_json_and_jsonl_are_the_plain_outputs(cli, generated):
    path = generated["dirty"]
    reference = plain(path)
    run = cli("check", str(path), "--format", "json")
    assert run.stdout == render_json.render(reference)
    run = cli(
        "check",
        str(path),
        "--format",
        "jsonl",
        "--rules",
        str(ROOT / "rules" / "national-2016-2020.yaml"),
    )
    assert len(run.stdout.splitlines()) == len(reference.communes) + 1


def test_csv_rows_come_in_the_order_of_the_file(write_csv, cli, tmp_path):
    """`check --format csv` writes each commune's rows as it is judged: in the file's order
    (the JSON document and the terminal table sort by code); with --output, the same rows
    after the byte-order mark spreadsheets look for."""
    path = write_csv([{"commune_code": code} for code in ("30000", "10000", "20000")])
    run = cli("check", str(path), "--format", "csv")
    assert run.code == 0
    rows = list(csv.reader(io.StringIO(run.stdout)))
    assert list(dict.fromkeys(r[0] for r in rows[1:])) == ["30000", "10000", "20000"]
    assert len(rows) == 1 + 3 * len(national_rules().criteria)
    out = tmp_path / "out.csv"
    assert cli("check", str(path), "--format", "csv", "--output", str(out)).code == 0
    assert out.read_text(encoding="utf-8") == "\ufeff" + run.stdout
    document = json.loads(cli("check", str(path), "--format", "json").stdout)
    assert [c["code"] for c in document["communes"]] == ["10000", "20000", "30000"]


def test_duplicates_within_one_batch_of_the_lane(write_csv):
    """Every row taken column-wise: a repeat inside one batch is found, first line named."""
    rows = [{"commune_code": f"{80000 + i}", "year": "2019" if i % 2 else "2020"} for i in range(9)]
    rows.insert(6, {"commune_code": "80004", "year": "2020"})  # same code and year as row 5
    rows.insert(8, {"commune_code": "80004", "year": "2018"})  # same code, another year
    path = write_csv(rows)
    reference = plain(path)
    assert [(p.code, p.line) for p in reference.errors] == [("D023", 8)]
    assert "already on line 6" in reference.errors[0].message
    assert_lane_is_plain(path)


def test_years_outside_the_period_name_their_first_lines(write_csv):
    """Rows read one by one (a bad cell) and rows of the lane, of a year outside the rule
    set's period: the warning names the first five lines in file order."""
    rows = [
        {
            "commune_code": f"{81000 + i}",
            "year": "2013",
            **({"poverty_rate_pct": "abc"} if i in (0, 6) else {}),
        }
        for i in range(8)
    ]
    path = write_csv(rows)
    reference = plain(path)
    w102 = [p for p in reference.warnings if p.code == "W102"]
    assert len(w102) == 1 and "8 row(s), line(s) 2, 3, 4, 5, 6, …" in w102[0].message
    assert_lane_is_plain(path)


@pytest.mark.parametrize(
    "bad, where",
    [
        (b"\xe9", b"Huy"),  # a name: read through a cache
        (b"\x00", b"Huy"),
        (b"\xe9", b"90001"),  # a code: the row goes one by one
        (b"\xe9", b"note"),  # a column the lane never reads
        (b"\xe9", b",100"),  # a measure's value
    ],
)
def test_a_bad_byte_far_into_the_file(tmp_path, cli, bad, where):
    """A byte of another encoding, or a NUL, after many good rows: the same problem as the
    plain reader's; JSONL has given the rows before it, then says the run failed. The lane
    reads UTF-8 files as bytes: a cell it never decodes is checked all the same."""
    from conftest import IDENTITY, commune_csv, national_columns

    rows = [{"commune_code": f"{90000 + i}", "remarks": "note"} for i in range(1500)]
    text = commune_csv(rows, IDENTITY + national_columns() + ["remarks"])
    lines = text.encode("utf-8").split(b"\n")
    if where == b"90001":
        lines[1200] = lines[1200].replace(b"91199", b"911\xe99", 1)
    else:
        assert where in lines[1200]
        lines[1200] = lines[1200].replace(where, where + bad, 1)
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\n".join(lines))
    from ntm_eval.diagnostics import InputError

    with pytest.raises(InputError) as plain_error:
        load_data(path, national_rules())
    with pytest.raises(InputError) as lane_error:
        judge(Source(path), national_rules(), load_units(None))
    assert lane_error.value.problems == plain_error.value.problems
    assert plain_error.value.problems[0].line == 1201
    run = cli("check", str(path), "--format", "jsonl")
    assert run.code == 3
    assert "line 1201" in run.stderr and "Traceback" not in run.stderr
    out = run.stdout.splitlines()
    assert [json.loads(line)["line"] for line in out[:-1]] == list(range(2, 2 + len(out) - 1))
    assert json.loads(out[-1])["errors"][0]["line"] == 1201
    run = cli("check", str(path), "--format", "json")
    assert run.code == 3 and json.loads(run.stdout)["errors"][0]["line"] == 1201
    # CSV rows are written as judged too: the rows before it, no JSON, the same problem
    run = cli("check", str(path), "--format", "csv")
    assert run.code == 3 and "line 1201" in run.stderr
    rows = list(csv.reader(io.StringIO(run.stdout)))
    assert rows[0][0] == "code" and all(len(r) == len(rows[0]) for r in rows)
    assert len(rows) > 1 or bad == b"\x00"  # a NUL is found before reading starts
    codes = list(dict.fromkeys(r[0] for r in rows[1:]))
    assert codes == [f"{90000 + i}" for i in range(len(codes))] and len(codes) < 1200
    out = tmp_path / "out.csv"  # written whole or not at all
    assert cli("check", str(path), "--format", "csv", "--output", str(out)).code == 3
    assert not out.exists() and not list(tmp_path.glob(".out.csv*"))


@pytest.mark.parametrize("offset", [-2, -1, 0, 1])
def test_the_byte_search_finds_a_mark_across_blocks(tmp_path, offset):
    """The search for NUL and U+037E reads a block at a time: a mark straddling two blocks
    is found too."""
    from ntm_eval.input.csvfile import _CHUNK, _needs_plain_reader

    for mark, delimiter in ((b"\x00", ","), ("\u037e".encode(), ";")):
        path = tmp_path / "big.csv"
        path.write_bytes(b"a" * (_CHUNK + offset) + mark + b"b" * 10)
        assert _needs_plain_reader(path, "utf-8", delimiter)
        path.write_bytes(b"a" * (_CHUNK + offset) + b"b" * 10)
        assert not _needs_plain_reader(path, "utf-8", delimiter)


@pytest.mark.parametrize("fmt", ["jsonl", "json", "text"])
def test_a_reader_that_leaves_early_is_not_an_error(generated, fmt):
    """`ntm-eval check big.csv --format jsonl | head -n 1`: tens of megabytes are cut off
    after one line; exit 0, nothing on stderr but the problem summary."""
    command = (
        f"'{sys.executable}' -m ntm_eval check '{generated['clean']}' --format {fmt} "
        "--max-rows 0 | head -c 300; exit ${PIPESTATUS[0]}"
    )
    proc = subprocess.run(["bash", "-c", command], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout) == 300
    assert b"Traceback" not in proc.stderr and b"Exception ignored" not in proc.stderr


def csv_module_records(path: Path, delimiter: str) -> list[tuple[int, list[str]]]:
    """(line, cells) of every record as csv.reader gives them: the reference."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter, strict=False)
        out, line = [], 1
        for cells in reader:
            out.append((line, cells))
            line = reader.line_num + 1
    return out


#: A file whose first lines fill the block the separator is found in (64 KiB), then others
LONG_START = "commune_code,year,name\n" + "".join(f"{i},2020,Hòa Thắng\n" for i in range(4000))


@pytest.mark.parametrize("raw", [False, True])
@pytest.mark.parametrize("size", [1, 2, 3, 512])
@pytest.mark.parametrize(
    "name, text",
    [
        ("lf", "commune_code,year\n1,2020\n2,2019\n"),
        ("crlf", "commune_code,year\r\n1,2020\r\n\r\n2,2019\r\n"),
        ("cr", "commune_code,year\r1,2020\r2,\r"),
        ("no final newline", "commune_code,year\n1,2020\n,,\n  ,x"),
        ("semicolons", "commune_code;year;name\n1;2020;Hòa, Thắng\n2;;\n"),
        ("tabs", "commune_code\tyear\n1\t2020\n\t\n"),
        (
            "quote late",
            'commune_code,year,name\n1,2020,A\n2,2019,B\n3,2018,"C, D"\n4,2017,"E\nF"\n5,2016,G\n',
        ),
        ("quote first", 'commune_code,year,name\n"1",2020,A\n2,2019,B\n'),
        ("blank lines", "commune_code,year\n\n1,2020\n\n\n2,2019\n"),
        ("long line", "commune_code,year\n1," + "9" * 200_000 + "\n2,2019\n"),
        ("byte-order mark", "\ufeffcommune_code,year,name\n1,2020,Hòa\n"),
        ("sep line", "sep=;\r\ncommune_code;year\r\n1;2020\r\n"),
        ("cr late", LONG_START + "5,2020,X\r6,2019,Y\n7,,\r\n8,2018,Z\n"),
        ("quote late, long", LONG_START + '5,2020,"Hòa, Thắng"\n6,2019,Y\n'),
        ("crlf late", LONG_START.replace("\n", "\r\n") + "5,2020,X\n"),
    ],
)
def test_batches_are_what_the_csv_module_reads(tmp_path, monkeypatch, name, text, size, raw):
    """Lines without a quote are split at the separator, not parsed by csv.reader: the
    same cells and lines, whatever the line ends, blank lines or a quote further on. Read
    ``raw`` (the lane), a UTF-8 file's batches are bytes until a quote or a line ending in
    '\r' alone: the same cells once decoded."""
    from ntm_eval.input.csvfile import MAX_CELL, iter_batches

    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8", newline="")

    delimiter = ";" if name in ("semicolons", "sep line") else "\t" if "tabs" in name else ","
    known = lambda c: c in ("commune_code", "year")  # noqa: E731
    if name == "long line":  # csv.reader refuses a field past its limit; the batches read on
        with pytest.raises(csv.Error):
            csv_module_records(path, delimiter)
        got = [
            (line, cells, getattr(cells, "why", None))
            for lines, rows in iter_batches(path, "f.csv", known, size=size, raw=raw)
            for line, cells in zip(lines, rows)
        ]
        assert [(line, len(cells[-1]), why and why.length) for line, cells, why in got] == [
            (1, 4, None),
            (2, MAX_CELL, 200_000),
            (3, 4, None),
        ]
        return
    if size < 512 and len(text) > 60_000:
        size *= 1000  # the same edges, in a tenth of the time
    expected = csv_module_records(path, delimiter)
    if name == "sep line":
        expected = expected[1:]  # the separator's line is not a record
    got, kinds = [], []
    for lines, rows in iter_batches(path, "f.csv", known, size=size, raw=raw):
        kinds += [type(cells[0]) for cells in rows]
        rows = [[c.decode() if isinstance(c, bytes) else c for c in cells] for cells in rows]
        got += [(line, cells) for line, cells in zip(lines, rows)]
    if name == "byte-order mark":
        expected[0][1][0] = expected[0][1][0].lstrip("\ufeff")
    # bytes up to the batch holding the first quote or '\r' alone (one record a line), text
    # from there on; '\r' alone in the first block: text from the start
    marks = [
        i
        for i, line in enumerate(text.encode().split(b"\n"))
        if b'"' in line or b"\r" in line.rstrip(b"\r")
    ]
    in_bytes = 0 if not raw else len(kinds) if not marks else marks[0] // size * size
    assert kinds == [bytes] * in_bytes + [str] * (len(kinds) - in_bytes)
    blank = lambda cells: not any(c.strip() for c in cells)  # noqa: E731 — [] or ['']
    assert [(line, cells) for line, cells in got if not blank(cells)] == [
        (line, cells) for line, cells in expected if not blank(cells)
    ]
    assert [line for line, _ in got] == [line for line, _ in expected]


def test_coloured_status_words_keep_their_padding_plain():
    """The table's status cell colours the word only, as its markup did (the padding after
    it stays plain): coloured output is unchanged by building cells as Text."""
    report = plain(ROOT / "data" / "2020.csv")
    out = render_text.render(report, color=True, width=120)
    assert "\x1b[32mmet\x1b[0m" in out and "\x1b[31mnot met\x1b[0m" in out
    assert "\x1b[32mmet " not in out and "met  \x1b[0m" not in out
