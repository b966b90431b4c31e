"""Every problem line is a Vietnamese sentence under ``--lang vi`` (issue 13): for every
code registered in ``CODES``, at least one real problem is made through the code path
that makes it (a bad rule file, a bad data file, a bad option, …) and told in Vietnamese:
the same code, place and values, and no English sentence left — neither the English
message nor the code's title followed by it. Usage refusals (``error: …``) too."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
import typer
from conftest import DATA, IDENTITY, NATIONAL, ROOT, commune_csv, national_columns, run_cli
from test_workbooks_hostile import _book, _records, _stored, _typed_book

from ntm_eval import api, settings
from ntm_eval.diagnostics import CODES, CODES_VI, InputError, Problem
from ntm_eval.rules.validation import collect, validate_file

VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)

#: Codes no test can make, with the reason. Keep it empty unless a code truly cannot be
#: produced here: the test below fails for a code neither made nor listed.
NOT_MADE: dict[str, str] = {}

#: Lower-case English words that never belong in a Vietnamese sentence (values, paths,
#: keys and quoted text are taken out before looking).
ENGLISH = frozenset(
    re.findall(
        r"\w+",
        "the is are not expected must cannot should with file value column row line missing "
        "unknown give use and or of has have no in to an be it its this was were only than "
        "from which what does",
    )
)
_TAKEN_OUT = re.compile(r"'[^']*'|\"[^\"]*\"|--[a-z][a-z-]*|\S*[/\\.]\S*|\S*\d\S*")


def english_words(text: str, *values: str | None) -> list[str]:
    """The English words left in ``text`` once ``values`` and quoted text are out."""
    for value in values:
        if value:
            text = text.replace(value, " ")
    text = _TAKEN_OUT.sub(" ", text)
    return [w for w in re.findall(r"\w+", text) if w in ENGLISH]


def assert_told(code: str, en: str, vi: str, *values: str | None) -> None:
    """``vi`` is the Vietnamese sentence of a problem whose English one is ``en``."""
    title = CODES_VI[code]
    assert en not in vi, (code, vi)
    assert not vi.startswith(f"{title} — "), (code, vi)  # the title, then English details
    assert VIETNAMESE.search(vi), (code, vi)
    assert not english_words(vi, *values), (code, english_words(vi, *values), vi)


def assert_problem_told(p: Problem) -> None:
    assert p.message_vi is not None, (p.code, p.message)
    line, english = p.format(lang="vi"), p.format()
    assert line.startswith(f"{p.location()}: ") and f"[{p.code}] " in line
    assert english == f"{p.location()}: {p.severity} [{p.code}] {p.message}"
    assert_told(p.code, p.message, p.text("vi"), p.value, p.path, p.column, p.cell)


# --- the problems, made as a user makes them ---------------------------------------------


def _problems_of(call) -> list[Problem]:
    try:
        result = call()
    except InputError as exc:
        return list(exc.problems)
    return list(getattr(result, "problems", ()))


def _write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _rule_files(tmp: Path) -> list[Problem]:
    """Every invalid and hostile rule file of tests/cases, the national set (W301), and
    files that extend what is not a rule file (R035)."""
    cases = sorted((ROOT / "tests" / "cases").glob("rules-*/*.yaml")) + [NATIONAL]
    problems = [p for f in cases for p in validate_file(f, str(f)).problems]
    _write(tmp / "notes.txt", "schema_version: 1\n")
    _write(tmp / "plain.yaml", "a: 1\n")
    for name, target in (("ext-txt.yaml", "notes.txt"), ("ext-plain.yaml", "plain.yaml")):
        f = _write(tmp / name, f"schema_version: 1\nid: x\ntitle: X\nextends: {target}\n")
        problems += validate_file(f, str(f)).problems
    _, missing = collect([tmp / "nothing-here.yaml", _empty_folder(tmp / "empty")])
    return problems + missing


def _empty_folder(path: Path) -> Path:
    path.mkdir()
    return path


def _rows_of_every_kind() -> list[dict[str, str]]:
    return [
        {"poverty_rate_pct": "abc"},  # D010
        {"poverty_rate_pct": "105"},  # D011
        {"temporary_houses": "1.5"},  # D012
        {"income_per_capita": "-3"},  # D013
        {"power_system": "có lẽ"},  # D014
        {"commune_code": ""},  # D020
        {"region": "nowhere"},  # D021
        {"year": "20x"},  # D022
        {"commune_code": "10009"},  # D023 (with the next)
        {"commune_code": "10009"},
        {"year": "2030"},  # W102
        {"income_per_capita": "30000"},  # W120
        {"commune_name": "Xã пôпg"},  # W110
        {"commune_name": "Xã ßao"},  # W111
        # against the national list: D031 (10000…), W112 (Tỉnh B), D032, D033, D020
        {"commune_code": "22984", "commune_name": "Xã Sai", "district": "Tuy Phong"}
        | {"province": "Bình Thuận"},
        {"commune_code": "22945", "commune_name": "Phan Rí Cửa", "province": "Bình Thuận"},
        {"commune_code": "99999", "commune_name": "Xã Lạ", "province": "Bình Thuận"},
        {"commune_code": "", "commune_name": "Chí Công", "district": "Tuy Phong"}
        | {"province": "Bình Thuận"},
        # after the reorganisation: D034, W114
        {"commune_code": "22984", "commune_name": "Vĩnh Tân", "district": "", "year": "2026"}
        | {"province": "Lâm Đồng"},
        {"commune_code": "22981", "commune_name": "Vĩnh Hảo", "district": "Tuy Phong"}
        | {"province": "Lâm Đồng", "year": "2026"},
    ]


def _data_files(tmp: Path) -> list[Problem]:
    columns = IDENTITY + national_columns()
    judge = api.judge
    problems = []
    every = _write(tmp / "every.csv", commune_csv(_rows_of_every_kind(), columns + ["ghi_chu_x"]))
    problems += judge(every).problems  # …and W101
    no_code = _write(tmp / "no-code.csv", commune_csv([{}], columns[1:]))
    no_measure = [c for c in columns if c != "poverty_rate_pct"]
    problems += judge(no_code).problems  # D002
    ambiguous = _write(tmp / "ambiguous.csv", commune_csv([{"temporary_houses": "1.234"}]))
    problems += judge(ambiguous).problems  # D040
    problems += judge(_write(tmp / "no-measure.csv", commune_csv([{}], no_measure))).problems
    twice = columns + ["poverty_rate_pct"]
    problems += judge(_write(tmp / "twice.csv", commune_csv([{}], twice))).problems  # D004
    lines = commune_csv([{}, {}, {}]).splitlines()
    lines[1] += ",x,y"  # D005
    lines[2] = lines[2].replace(",Đạt,", ',"Đạt,', 1)  # D006
    problems += judge(_write(tmp / "broken.csv", "\n".join(lines) + "\n")).problems
    cells = next(csv.reader(io.StringIO(commune_csv([{}]).splitlines()[1])))
    cells[8] = "9" * 200_000  # D007
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([columns, cells])
    problems += judge(_write(tmp / "long.csv", out.getvalue())).problems
    header = [c if c != "poverty_rate_pct" else "Tỷ lệ hộ nghèo (‰)" for c in columns]
    unit = _write(
        tmp / "unit.csv", commune_csv([{}], columns).replace(",".join(columns), ",".join(header), 1)
    )
    problems += judge(unit).problems  # D015
    # D001: files that are not commune data
    for name, content in (
        ("zip.csv", b"PK\x03\x04rest"),
        ("old.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"),
        ("nul.csv", b"a\x00b\x00c\x00d\x00\x00\x00\x00\x00"),
        ("latin.csv", b"commune_code\nX\xe3\n"),
        ("empty.csv", b""),
        ("sheet.ods", b"x"),
    ):
        problems += judge(_write(tmp / name, content)).problems
    problems += judge(_write(tmp / "enc.csv", "a\n"), encoding="rot13").problems
    problems += judge(_write(tmp / "ok.csv", commune_csv([{}])), sheet="Data").problems
    problems += judge(_empty_folder(tmp / "folder")).problems
    # D030: a unit list that is not one
    units = _write(tmp / "units.csv", "a,b\n1,2\n")
    problems += _problems_of(lambda: judge(_write(tmp / "u.csv", commune_csv([{}])), units=units))
    units = _write(
        tmp / "units2.csv",
        "commune_code,commune_name,district_name,unit_type,province_name\n1,A,B,xyz,C\n,A,B,xa,C\n",
    )
    problems += _problems_of(lambda: judge(tmp / "u.csv", units=units))
    # workbooks: W113, W130, W131, D050, D051, D001
    from conftest import write_xlsx

    rows = list(csv.reader(io.StringIO(commune_csv([{}]))))
    titled = write_xlsx(tmp / "titled.xlsx", rows, before=[["Báo cáo"], []])
    problems += judge(titled).problems
    hidden = _book(tmp / "hidden.xlsx", [("A", rows, "visible"), ("B", rows, "hidden")])
    problems += judge(hidden, sheet="B").problems
    problems += judge(hidden, sheet="Z").problems
    problems += judge(_typed_book(tmp / "typed.xlsx", {"income_per_capita": (0.41, "0%")})).problems
    (tmp / "twice").mkdir()
    head, first, second = _records([{}, {}])
    problems += judge(
        _stored(tmp / "twice", [(1, head), (2, first), (3, second), (2, first)])
    ).problems
    (tmp / "long").mkdir()
    problems += judge(
        _stored(tmp / "long", [(1, head), (2, [first[0], "x" * 40_000, *first[2:]])])
    ).problems
    problems += judge(_write(tmp / "bad.xlsx", b"PK\x03\x04rest")).problems
    return problems


def _settings(tmp: Path) -> list[Problem]:
    problems = []
    for name, text in (
        ("keys.toml", 'langs = "vi"\nlang = "fr"\n'),  # U040, U041
        ("syntax.toml", "lang = \n"),  # U042
        ("bytes.toml", b"lang = '\xff'\n"),
    ):
        path = _write(tmp / name, text)
        problems += _problems_of(lambda path=path: settings.load(path))
    problems += _problems_of(lambda: settings.env_lang({"NTM_EVAL_LANG": "fr"}))  # U043
    return problems


def _outputs(tmp: Path) -> list[Problem]:
    from ntm_eval.output import check_output

    data = _write(tmp / "in.csv", commune_csv([{}]))
    problems = _problems_of(lambda: check_output(tmp, []))  # U011
    problems += _problems_of(lambda: check_output(data, [str(data)]))  # U012
    # U005: a status the command line never lets through (click refuses it first)
    from ntm_eval.engine.filters import filter_report
    from ntm_eval.engine.results import Filters

    report = api.judge(data)
    problems += _problems_of(lambda: filter_report(report, Filters(statuses=("bogus",))))
    return problems


def _compared(tmp: Path) -> list[Problem]:
    from ntm_eval.engine.compare import load_result

    problems = []
    for name, text in (
        ("a.json", "{"),
        ("b.json", '{"schema_version": 2}'),
        ("c.json", '{"n": 1' + "0" * 40 + "}"),
        ("d.json", b"{\xff}"),
    ):
        path = _write(tmp / name, text)
        problems += _problems_of(lambda path=path, name=name: load_result(path, name))
    return problems


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, list[Problem]]:
    """Every problem the producers above make, by code."""
    by_code: dict[str, list[Problem]] = defaultdict(list)
    for producer in (_rule_files, _data_files, _settings, _outputs, _compared):
        for p in producer(tmp_path_factory.mktemp(producer.__name__.strip("_"))):
            by_code[p.code].append(p)
    return by_code


# --- what only the command makes: both languages' lines on stderr ------------------------

_LINE = re.compile(
    r"^(?P<where>.*?): (?:error|warning|lỗi|cảnh báo) \[(?P<code>[A-Z]\d{3})\] (?P<text>.*)$"
)


def _lines(stderr: str) -> list[tuple[str, str, str]]:
    return [(m["code"], m["where"], m["text"]) for m in map(_LINE.match, stderr.splitlines()) if m]


@pytest.fixture(scope="module")
def told(tmp_path_factory) -> dict[str, list[tuple[str, str, str]]]:
    """(where, English, Vietnamese) of the problem lines of commands, by code."""
    tmp = tmp_path_factory.mktemp("commands")
    sample = str(DATA / "2020.csv")
    twice = [{"commune_code": "10000", "year": "2019"}, {"commune_code": "10000"}]
    years = _write(tmp / "years.csv", commune_csv(twice))
    national = _write(tmp / "a.json", run_cli("check", sample, "--format", "json").stdout)
    minimal = ROOT / "tests" / "cases" / "rules-valid" / "minimal.yaml"
    other = run_cli("check", sample, "--rules", str(minimal), "--format", "json").stdout
    other_json = _write(tmp / "b.json", other)
    runs = [
        ("check", sample, "--sector", "nope"),  # U001
        ("check", sample, "--criterion", "99"),  # U002
        ("check", sample, "--commune", "99999"),  # U003
        ("check", sample, "--sector", "xay_dung", "--criterion", "2"),  # U004
        ("check", sample, "-o", str(tmp / "no" / "such" / "out.txt")),  # U010
        ("check", sample, "--format", "json", "-o", str(tmp / "out.xlsx")),  # U013
        ("check", str(tmp / "missing.csv")),  # U030
        ("compare", str(_write(tmp / "c.json", "[1]")), sample),  # U020
        ("compare", str(years), sample),  # U021
        ("compare", str(national), str(other_json)),  # U022
    ]
    by_code: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for args in runs:
        en, vi = run_cli(*args), run_cli(*args, "--lang", "vi")
        assert en.code == vi.code and _lines(en.stderr), (args, en.stderr)
        english, vietnamese = _lines(en.stderr), _lines(vi.stderr)
        assert [(c, w) for c, w, _ in english] == [(c, w) for c, w, _ in vietnamese], args
        for (code, where, e), (_, _, v) in zip(english, vietnamese):
            by_code[code].append((where, e, v))
    return by_code


def _workbook_to_a_terminal(monkeypatch, capsys) -> tuple[str, str]:
    """U014: what ``check --format xlsx`` says with stdout a terminal, in both languages."""
    from ntm_eval import cli

    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    said = []
    for lang in ("en", "vi"):
        cli._speak(lang)
        with pytest.raises(typer.Exit):
            cli._format(cli.Format.xlsx, None)
        said.append(capsys.readouterr().err)
    cli._speak("en")
    return said[0], said[1]


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_is_a_vietnamese_sentence(code, made, told, monkeypatch, capsys):
    if code in NOT_MADE:
        assert NOT_MADE[code], code
        return
    if code == "U014":
        en, vi = _workbook_to_a_terminal(monkeypatch, capsys)
        [(_, _, e)], [(_, _, v)] = _lines(en), _lines(vi)
        assert_told(code, e, v)
        return
    assert made.get(code) or told.get(code), f"no test makes a {code} problem"
    for p in made.get(code, []):
        assert_problem_told(p)
    for where, e, v in told.get(code, []):
        assert_told(code, e, v, where)


def test_not_made_names_registered_codes_only():
    assert set(NOT_MADE) <= set(CODES)


def test_the_helper_finds_english_details():
    title = CODES_VI["D001"]
    assert english_words(f"{title} — this is not a data file") == ["this", "is", "not", "file"]
    assert english_words("không đọc được tệp 'the file' ở book.xlsx") == []
    with pytest.raises(AssertionError):
        assert_told("D001", "is a folder", f"{title} — is a folder")


# --- usage refusals ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, english, vietnamese",
    [
        (
            ("template", "--region", "mars"),
            "error: --region 'mars' is not a region of rule set 'national-2016-2020'",
            "lỗi: --region 'mars' không phải vùng của bộ tiêu chí 'national-2016-2020'",
        ),
        (
            ("template", "--province", "68"),
            "error: --province needs --units: the list whose communes to pre-fill",
            "lỗi: --province cần --units: danh mục đơn vị hành chính có các xã để điền sẵn",
        ),
        (
            ("rules", "show", "national-2016-2020", "--region", "mars"),
            "error: unknown region 'mars'; this rule set has: ",
            "lỗi: bộ tiêu chí không có vùng 'mars'; bộ tiêu chí này có: ",
        ),
        (
            ("rules", "show", "no-such-set"),
            "error: no shipped rule set has the id 'no-such-set'",
            "lỗi: không có bộ tiêu chí đi kèm nào có id 'no-such-set'",
        ),
    ],
)
def test_a_usage_refusal_is_told_in_the_commands_language(cli, args, english, vietnamese):
    en = cli(*args, "--lang", "en")
    vi = cli(*args, "--lang", "vi")
    assert en.code == vi.code == 2
    assert en.stderr.startswith(english), en.stderr
    assert vi.stderr.startswith(vietnamese), vi.stderr
    assert "error" not in vi.stderr and not english_words(vi.stderr.split(":", 1)[1])
    if args[0] == "template":  # template speaks Vietnamese by default
        assert cli(*args).stderr == vi.stderr
    else:
        assert cli(*args).stderr == en.stderr


def test_json_carries_the_vietnamese_sentence(tmp_path):
    path = _write(tmp_path / "zip.csv", b"PK\x03\x04rest")
    doc = json.loads(run_cli("check", str(path), "--format", "json").stdout)
    (problem,) = doc["errors"]
    assert problem["message"].startswith("this is a zip file")
    assert problem["message_vi"].startswith("đây là tệp nén zip")
