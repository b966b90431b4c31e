"""The fast paths (issue 6) give exactly what the plain ones give. Nothing is timed.

- JSON and JSONL built from cached pieces equal ``json.dumps(report_dict(report))``;
- per-column memos in the loader, result caches in the evaluator and the encoder's
  caches give the same results when they overflow as when they do not;
- duplicate (code, year) rows are found in bounded memory, first line included.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import OneByOne, commune_csv, generate_national, national_rules, passing_values

from ntm_eval.engine import evaluate as evaluate_module
from ntm_eval.engine.filters import filter_report
from ntm_eval.engine.pipeline import Run, judge
from ntm_eval.engine.results import Filters
from ntm_eval.input import rows as data_module
from ntm_eval.input.dataset import load_data
from ntm_eval.input.source import Source
from ntm_eval.input.units import load_units
from ntm_eval.output import render
from ntm_eval.render import FORMATS
from ntm_eval.render import csv as render_csv
from ntm_eval.render import json as render_json


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    """Generated national data, clean and dirty (decimal commas, spaces, %, yes/no words)."""
    return generate_national(tmp_path_factory.mktemp("generated"), rows=700, seed=3)


def report_of(path: Path, column_wise: bool = False):
    return judge(Source(path), national_rules(), load_units(None), column_wise=column_wise)


def plain_json(report) -> str:
    return (
        json.dumps(render_json.report_dict(report), ensure_ascii=False, separators=(",", ":"))
        + "\n"
    )


@pytest.mark.parametrize("kind", ["clean", "dirty"])
@pytest.mark.parametrize("filters", [Filters(), Filters(criteria=("14.3", "17", "2"))])
def test_json_is_byte_identical_to_plain_dumps(generated, kind, filters):
    report = filter_report(report_of(generated[kind]), filters)
    assert render_json.render(report) == plain_json(report)


@pytest.mark.parametrize("kind", ["clean", "dirty"])
def test_jsonl_commune_lines_equal_plain_dumps(generated, kind):
    report = report_of(generated[kind])
    from ntm_eval.engine.results import Finished

    lines = render(FORMATS["check"]["jsonl"], Finished(report)).splitlines()
    assert len(lines) == len(report.communes) + 1
    for line, commune in zip(lines, report.communes):
        assert line == render_json.dumps({"type": "commune", **render_json.commune_dict(commune)})


def test_scalars_encode_as_json_does():
    for x in (
        None,
        True,
        False,
        0,
        -3,
        10**20,
        0.1,
        1e-7,
        1e22,
        -0.0,
        85.5,
        float("nan"),
        float("inf"),
        'Xã Hòa "Thắng"\n\u2028',
        "",
        [1, "a"],
    ):
        assert render_json._scalar(x) == json.dumps(x, ensure_ascii=False, separators=(",", ":"))


def test_encoder_cache_overflow_gives_the_same_text(generated, monkeypatch):
    report = report_of(generated["dirty"])
    expected = plain_json(report)
    monkeypatch.setattr(render_json.CommuneEncoder, "LIMIT", 3)
    assert render_json.render(report) == expected


def verdicts(report) -> list:
    return [
        (
            c.line,
            c.code,
            c.year,
            c.status,
            c.criteria_met,
            [
                (
                    k.id,
                    k.status,
                    [(i.id, i.value, i.threshold, i.status, i.gap, i.reason) for i in k.indicators],
                )
                for k in c.criteria
            ],
        )
        for c in report.communes
    ]


@pytest.mark.parametrize("kind", ["clean", "dirty"])
def test_bounded_memos_and_caches_give_the_same_results(generated, kind, monkeypatch):
    rs = national_rules()
    ds = load_data(generated[kind], rs)
    report = report_of(generated[kind])
    monkeypatch.setattr(data_module, "MEMO_LIMIT", 2)
    monkeypatch.setattr(evaluate_module, "_CACHE_LIMIT", 2)
    small_ds = load_data(generated[kind], rs)
    assert small_ds.rows == ds.rows
    assert small_ds.problems == ds.problems
    small = report_of(generated[kind])
    assert verdicts(small) == verdicts(report)
    assert small.summary == report.summary


def test_memo_keeps_every_bad_cell_and_ambiguous_number(write_csv):
    """The same bad or ambiguous text on several rows: each row gets its own problem."""
    rs = national_rules()
    rows = []
    for i, (pct, count) in enumerate(
        [("abc", "1.234"), ("abc", "1.234"), ("12,5", "7"), ("abc", "1.234")]
    ):
        rows.append(
            {
                **passing_values(),
                "commune_code": f"1000{i}",
                "year": "2020",
                "poverty_rate_pct": pct,
                "temporary_houses": count,
            }
        )
    ds = load_data(write_csv(rows), rs)
    bad = [(p.code, p.line, p.column) for p in ds.problems if p.is_error]
    assert bad == [
        ("D010", 2, "poverty_rate_pct"),
        ("D010", 3, "poverty_rate_pct"),
        ("D010", 5, "poverty_rate_pct"),
    ]
    # '12,5' shows the comma marks decimals, so '1.234' groups thousands, on every row
    assert [r.values["temporary_houses"] for r in ds.rows] == [1234, 1234, 7, 1234]


@pytest.mark.parametrize(
    "codes, expected",
    [
        (["22984", "22984"], [(3, "22984", 2)]),
        (["022984", "22984", "022984"], [(4, "022984", 2)]),  # spelled apart: other codes
        (["000123", "1234567", "000123", "1234567"], [(4, "000123", 2), (5, "1234567", 3)]),
        (["X-12", "x-12", "X-12", "X-12"], [(4, "X-12", 2), (5, "X-12", 2)]),
        (["12345678", "7", "12345678", "07", "7"], [(4, "12345678", 2), (6, "7", 3)]),
    ],
)
def test_duplicates_name_the_first_line(write_csv, codes, expected):
    rs = national_rules()
    rows = [{**passing_values(), "commune_code": code, "year": "2020"} for code in codes]
    rows.append({**passing_values(), "commune_code": codes[0], "year": "2019"})  # other year
    ds = load_data(write_csv(rows), rs)
    found = [p for p in ds.problems if p.code == "D023"]
    assert [(p.line, p.value) for p in found] == [(line, code) for line, code, _ in expected]
    for p, (_, _, first) in zip(found, expected):
        assert f"already on line {first} for year 2020" in p.message


# --- the streamed check (a Run read as it comes) against the row-by-row way ------------


def streamed(path: Path, units_spec: str | None = None):
    run = Run(Source(path), national_rules(), load_units(units_spec))
    communes = [c for batch in run.batches() for c in batch.communes()]
    return run.finish(), communes


def assert_same_as_plain(path: Path, units_spec: str | None = None) -> None:
    plain = judge(Source(path), national_rules(), load_units(units_spec), column_wise=False)
    report, communes = streamed(path, units_spec)
    assert report.summary == plain.summary
    assert report.input_rows == plain.input_rows
    assert report.problems == plain.problems
    # input order, rows waiting for an ambiguous number last; every verdict the same
    by_line = sorted(communes, key=lambda c: c.line)
    plain_by_line = sorted(plain.communes, key=lambda c: c.line)
    assert [c.line for c in by_line] == [c.line for c in plain_by_line]
    assert by_line == plain_by_line
    # the JSONL commune lines are the plain ones, reordered
    encoder = render_json.CommuneEncoder()
    assert sorted(encoder.encode(c) for c in communes) == sorted(
        render_json.dumps(render_json.commune_dict(c)) for c in plain.communes
    )


@pytest.mark.parametrize("kind", ["clean", "dirty"])
def test_streamed_check_gives_every_plain_verdict(generated, kind):
    assert_same_as_plain(generated[kind])


def test_streamed_check_with_problems_of_every_kind(write_csv, tmp_path):
    rows = [
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
        },  # duplicate of the first
        {
            "commune_code": "",
            "commune_name": "Chí Công",
            "district": "Tuy Phong",
            "province": "Bình Thuận",
        },  # empty code: the unit list suggests one
        {"commune_code": "22945", "commune_name": "Phan Rí Cửa", "province": "Bình Thuận"},
        {"commune_code": "99999", "commune_name": "Xã Lạ", "province": "Bình Thuận"},
        {"commune_code": "10001", "temporary_houses": "1.234", "year": "2014"},  # waits
        {"commune_code": "10002", "temporary_houses": "1.234", "region": "nowhere"},
        {"commune_code": "10003", "commune_name": "Xã пôпg", "year": "2021"},
        {"commune_code": "10004", "poverty_rate_pct": "4,5", "year": ""},
        {"commune_code": "10001", "temporary_houses": "2.500", "year": "2014"},  # duplicate
    ]
    path = write_csv(rows)
    report, communes = streamed(path)
    codes = {p.code for p in report.problems}
    assert {"D010", "D020", "D021", "D023", "D031", "D033", "W102", "W110"} <= codes
    # rows with an ambiguous number wait for the end of the file and come last, but for
    # a repeat (line 11), held back: judged where it is, on no measure
    waiting = [c.line for c in communes if c.code in ("10001", "10002") and c.line != 11]
    assert [c.line for c in communes][-len(waiting) :] == waiting == [7, 8]
    [repeat] = [c for c in communes if c.line == 11]
    assert repeat.status == "not_evaluable"
    assert {i.reason for k in repeat.criteria for i in k.indicators} == {
        "commune code repeated for the same year (D023)"
    }
    assert_same_as_plain(path)


def test_streamed_check_reads_other_encodings_and_separators(tmp_path, write_csv):
    source = write_csv([{"commune_code": f"{20000 + i}", "district": "Huyện Ä"} for i in range(5)])
    text = source.read_text(encoding="utf-8")
    for name, data in (
        ("utf16.csv", text.encode("utf-16")),
        ("bom.csv", b"\xef\xbb\xbf" + text.replace(",", ";").encode("utf-8")),
        ("sep.csv", ("sep=\t\r\n" + text.replace(",", "\t").replace("\n", "\r\n")).encode("utf-8")),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        _report, communes = streamed(path)
        assert len(communes) == 5, name
        assert_same_as_plain(path)


def test_streamed_check_refuses_what_the_plain_loader_refuses(tmp_path):
    from ntm_eval.diagnostics import InputError

    rs = national_rules()
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("commune_code,commune_name\n1,Hòa\n".encode("latin-1"))
    with pytest.raises(InputError) as plain:
        load_data(bad, rs)
    sent = []
    with pytest.raises(InputError) as streamed_error:
        for batch in Run(Source(bad), rs, load_units(None)).batches():
            sent += batch.communes()
    assert streamed_error.value.problems == plain.value.problems
    assert sent == []


def test_cli_jsonl_streams_in_input_order(cli, write_csv):
    path = write_csv([{"commune_code": code} for code in ("30002", "30001", "30003")])
    run = cli("check", str(path), "--format", "jsonl")
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [d.get("code") for d in lines] == ["30002", "30001", "30003", None]
    assert lines[-1]["type"] == "summary" and lines[-1]["input"]["rows"] == 3
    # a filter needs every commune: the plain path, sorted by code
    run = cli("check", str(path), "--format", "jsonl", "--status", "met")
    assert [json.loads(line).get("code") for line in run.stdout.splitlines()][:3] == [
        "30001",
        "30002",
        "30003",
    ]


@pytest.mark.parametrize("kind", ["clean", "dirty"])
def test_column_reader_equals_the_row_model(generated, kind):
    """RowReader (a TypeAdapter and a memo per column) parses every cell as row_model does."""
    import csv

    from ntm_eval.input.cells import Ambiguous, Invalid
    from ntm_eval.input.rows import row_model
    from ntm_eval.lookalike import fold_letters

    rs = national_rules()
    ds = load_data(generated[kind], rs)
    with generated[kind].open(encoding="utf-8-sig", newline="") as f:
        header, *records = list(csv.reader(f))
    model = row_model(rs)
    for row, cells in zip(ds.rows, records):
        given = dict(zip(header, cells))
        for key in ("commune_name", "district", "province", "region"):
            given[key] = fold_letters(given[key]).text
        parsed = model.model_validate(given).__dict__
        for key, value in parsed.items():
            if key in rs.kinds() and value.__class__ is not Ambiguous:  # settled at the end
                expected = None if value.__class__ is Invalid else value
                got = row.values[key]
                assert got == expected and type(got) is type(expected), (row.line, key)
        assert (row.code, row.region, row.year) == (
            parsed["commune_code"],
            parsed["region"],
            parsed["year"],
        )


# --- CSV rows from a batch's codes ----------------------------------------------------------


@pytest.fixture(scope="module")
def realistic(tmp_path_factory) -> dict[str, Path]:
    return generate_national(
        tmp_path_factory.mktemp("real"), rows=2500, seed=5, profile="realistic"
    )


def csv_of(results, lang: str = "en") -> str:
    out = io.StringIO()
    render_csv.write(results, out, lang=lang)
    return out.getvalue()


def run_of(path: Path, column_wise: bool = True) -> Run:
    return Run(Source(path), national_rules(), load_units(None), column_wise=column_wise)


@pytest.mark.parametrize("kind", ["clean", "dirty"])
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_csv_rows_from_codes_equal_rows_from_objects(realistic, kind, lang):
    """The column-wise rows (made from the batch's codes) are the rows made commune by
    commune, and those of the row-by-row engine's communes."""
    batched = csv_of(run_of(realistic[kind]), lang)
    assert batched == csv_of(OneByOne(run_of(realistic[kind])), lang)
    assert batched == csv_of(OneByOne(run_of(realistic[kind], column_wise=False)), lang)
    assert batched.count("\n") == 1 + 2500 * 19


def test_csv_cells_to_quote_neutralise_or_show(tmp_path):
    """Names a CSV cell quotes (commas, quotes, line ends), neutralises (``=``, ``-``, ``@``)
    or shows escaped (controls, bidi), empty cells and codes that are not numbers: the
    same from the codes as one by one."""
    names = ['Xã "A", B', "=1+1", "-Xã", "@x", "Xã\x1bC", "Xã \u202eD", "", "Xã\nE", "+", "1,5"]
    rows = [
        {
            "commune_code": code,
            "commune_name": name,
            "district": names[(i + 3) % len(names)],
            "province": names[(i + 7) % len(names)] or "Tỉnh B",
            "region": "" if i % 5 == 0 else "dhntb",
            "year": "" if i % 6 == 0 else "2020",
        }
        for i, (code, name) in enumerate(
            zip([f"{20000 + i}" for i in range(40)] + ["A-01", "=2", "B,3"] * 4, names * 6)
        )
    ]
    path = tmp_path / "d.csv"
    path.write_text(commune_csv(rows), encoding="utf-8")
    assert sum(len(b.lines) for b in run_of(path).batches()) >= 20  # column-wise, many
    batched = csv_of(run_of(path))
    assert batched == csv_of(OneByOne(run_of(path)))
    assert "'=1+1" in batched and '"Xã ""A"", B"' in batched and "\\x1b" in batched
