"""The national unit lists: every province, the list of each row's year, and the
reorganisation of 1 July 2025."""

import gzip
import json
from pathlib import Path

import pytest
from conftest import DATA, NATIONAL, ROOT, commune_csv, load_script

from ntm_eval.input.dataset import load_data
from ntm_eval.input.units import (
    ByYear,
    list_for_year,
    load_units,
    national,
    national_lists,
)
from ntm_eval.rules.loader import load_rules

RULES = load_rules(NATIONAL)
REFERENCE = Path("/work/shared/reference/units")


def checked(tmp_path, rows, units=None):
    path = tmp_path / "data.csv"
    path.write_text(commune_csv(rows), encoding="utf-8")
    return load_data(path, RULES, units=load_units(units))


def row(code, name, district, province, year="2020", **more):
    return {
        "commune_code": code,
        "commune_name": name,
        "district": district,
        "province": province,
        "year": year,
        **more,
    }


THREE_PROVINCES = [
    row("00379", "Bắc Sơn", "Sóc Sơn", "Hà Nội"),
    row("08866", "Sơn Đông", "Lập Thạch", "Vĩnh Phúc"),
    row("23023", "Sông Lũy", "Bắc Bình", "Bình Thuận"),
]


def test_shipped_lists_and_their_dates():
    names = national_lists()
    assert names[0] == "vn-2019-09-11" and names[-1] == "vn-2026-07-25" and len(names) == 19
    assert "vn-2020-11-01" in names


@pytest.mark.parametrize(
    "year, name",
    [
        (2018, "vn-2019-09-11"),  # before the first list: the first one
        (2019, "vn-2019-12-01"),
        (2020, "vn-2020-11-01"),
        (2024, "vn-2024-11-01"),
        (2025, "vn-2026-07-25"),  # in force at the end of 2025: the new list
        (2026, "vn-2026-07-25"),
    ],
)
def test_list_chosen_by_year(year, name):
    assert list_for_year(year) == name


def test_the_2020_list_holds_binh_thuan_as_the_old_one_did():
    old = load_units("binh-thuan-2020")
    new = national("vn-2020-11-01")
    ours = {c: u for c, u in new.units.items() if u.province == "Tỉnh Bình Thuận"}
    assert set(ours) == set(old.units)
    assert all(ours[c].type == u.type for c, u in old.units.items())
    assert len(new.provinces) == 63 and len(national("vn-2026-07-25").provinces) == 34


def test_default_loads_nothing_until_a_row_asks():
    units = load_units()
    assert isinstance(units, ByYear)


def test_three_provinces_of_2020_are_checked(tmp_path):
    data = checked(tmp_path, THREE_PROVINCES)
    assert data.problems == () and len(data.rows) == 3


def test_mistakes_found_in_any_province(tmp_path):
    data = checked(
        tmp_path,
        [
            row("00379", "Bắc Sơn", "Đông Anh", "Hà Nội"),  # wrong district
            row("08999", "Sơn Đông", "Lập Thạch", "Vĩnh Phúc"),  # unknown code
            row("00376", "Sóc Sơn", "Sóc Sơn", "Hà Nội"),  # a town in 2020
            row("", "Sơn Đông", "Lập Thạch", "Vĩnh Phúc"),  # empty code
        ],
    )
    got = [(p.code, p.line, p.column) for p in data.problems]
    assert got == [
        ("D032", 2, "district"),
        ("D031", 3, "commune_code"),
        ("D033", 4, "commune_code"),
        ("D020", 5, "commune_code"),
    ]
    d031, d033, d020 = (p.message for p in data.problems[1:])
    assert "not in the unit list vn-2020-11-01; the list gives 08866 Xã Sơn Đông" in d031
    assert "00376 Thị trấn Sóc Sơn (Huyện Sóc Sơn) is a town (thị trấn)" in d033
    assert "gives 08866 Xã Sơn Đông (Huyện Lập Thạch): fill in 08866" in d020


def test_a_named_list_is_used_for_every_year(tmp_path):
    rows = [row("22984", "Vĩnh Tân", "", "Lâm Đồng", year="2026")]
    assert [p.code for p in checked(tmp_path, rows, "vn-2020-11-01").problems] == [
        "W102",
        "D032",
    ]  # Vĩnh Tân was in Bình Thuận in 2020


def test_old_code_in_2026_names_the_new_unit(tmp_path):
    data = checked(tmp_path, [row("22984", "Vĩnh Tân", "", "Lâm Đồng", year="2026")])
    errors = [p for p in data.problems if p.code != "W102"]
    [gone] = errors
    assert gone.code == "D034" and gone.line == 2 and gone.column == "commune_code"
    assert gone.message == (
        "column 'commune_code': 22984 Xã Vĩnh Tân (Huyện Tuy Phong) no longer exists since "
        "1 July 2025: it is part of 22981 Xã Vĩnh Hảo, Lâm Đồng (unit list vn-2026-07-25); "
        "use the new unit's code and name"
    )
    [kept] = data.rows  # not evaluable: whose verdict it would be cannot be told
    assert kept.reason is not None and "D034" in kept.reason


def test_old_code_now_in_a_ward(tmp_path):
    data = checked(tmp_path, [row("23248", "Tân Bình", "", "Lâm Đồng", year="2026")])
    [gone] = [p for p in data.problems if p.code == "D034"]
    assert "23248 Xã Tân Bình (Thị xã La Gi) no longer exists since 1 July 2025" in gone.message
    assert "23235 is a ward (phường), out of the new-rural programme" in gone.message


def test_old_code_split_into_several_units_names_each_part(tmp_path):
    data = checked(tmp_path, [row("00016", "Ngọc Hà", "", "Hà Nội", year="2026")])
    [gone] = [p for p in data.problems if p.code == "D034"]
    assert "it went into 00004 Phường Ba Đình, Hà Nội (in part) and 00008 Phường Ngọc Hà" in (
        gone.message
    )


def test_2026_row_without_district_is_checked(tmp_path):
    data = checked(
        tmp_path,
        [
            row("22981", "Vĩnh Hảo", "", "Lâm Đồng", year="2026"),
            row("23023", "Sông Lũy", "", "Lâm Đồng", year="2026"),
        ],
    )
    assert [p.code for p in data.problems] == ["W102"] and len(data.rows) == 2


def test_2026_row_naming_a_district_gets_one_note(tmp_path):
    data = checked(
        tmp_path,
        [
            row("22981", "Vĩnh Hảo", "Tuy Phong", "Lâm Đồng", year="2026"),
            row("23023", "Sông Lũy", "Bắc Bình", "Lâm Đồng", year="2026"),
        ],
    )
    [note] = [p for p in data.problems if p.code == "W114"]
    assert note.severity == "warning" and note.line == 2 and note.column == "district"
    assert "2 row(s) name a district, from this line on; districts were abolished" in note.message
    assert len(data.rows) == 2


def test_2026_row_of_a_former_province_is_told_the_new_one(tmp_path):
    data = checked(tmp_path, [row("23023", "Sông Lũy", "", "Bình Thuận", year="2026")])
    [wrong] = [p for p in data.problems if p.code == "D032"]
    assert wrong.column == "province"
    assert "code 23023 is Xã Sông Luỹ (Tỉnh Lâm Đồng)" in wrong.message


def test_a_file_of_two_years_uses_two_lists(tmp_path):
    data = checked(
        tmp_path,
        [
            row("22984", "Vĩnh Tân", "Tuy Phong", "Bình Thuận"),
            row("22984", "Vĩnh Tân", "", "Lâm Đồng", year="2026"),
            row("22981", "Vĩnh Hảo", "", "Lâm Đồng", year="2026"),
        ],
    )
    assert [(p.code, p.line) for p in data.problems if p.code != "W102"] == [("D034", 3)]


def test_special_zone_is_refused(tmp_path):
    units = national("vn-2026-07-25")
    zone = next(u for u in units.units.values() if u.type == "dac_khu")
    data = checked(tmp_path, [row(zone.code, zone.name, "", zone.province, year="2026")])
    [refused] = [p for p in data.problems if p.code == "D033"]
    assert "is a special zone (đặc khu) in the unit list vn-2026-07-25" in refused.message


def test_units_list_command(cli):
    result = cli("units", "list")
    assert result.code == 0
    lines = result.stdout.splitlines()
    assert any(line.startswith("vn-2020-11-01 ") and "10,614" in line for line in lines)
    assert any(line.startswith("vn-2026-07-25 ") and "3,321" in line for line in lines)
    assert any(line.startswith("binh-thuan-2020 ") for line in lines)


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="the reference files are not here")
def test_shipped_lists_are_rebuilt_byte_for_byte(tmp_path, monkeypatch):
    build = load_script(ROOT / "data" / "build_units.py", "build_units")
    monkeypatch.setattr(build, "OUT", tmp_path)
    for made in build.build(REFERENCE):
        shipped = ROOT / "ntm_eval" / "unit_lists" / made.name
        assert made.read_bytes() == shipped.read_bytes(), made.name


def test_shipped_files_say_source_and_date():
    for name in ("vn-units.csv.gz", "vn-2026-07-25.csv.gz", "vn-2025-07-conversion.csv.gz"):
        with gzip.open(ROOT / "ntm_eval" / "unit_lists" / name, "rt", encoding="utf-8") as f:
            head = [next(f) for _ in range(3)]
        assert any(line.startswith("# source:") for line in head), name


def test_template_of_a_province_of_the_new_list(cli):
    result = cli("template", "--units", "vn-2026-07-25", "--province", "68", "--lang", "en")
    assert result.code == 0
    rows = result.stdout.splitlines()[1:]
    units = national("vn-2026-07-25")
    expected = [u for u in units.units.values() if u.province_code == "68" and u.type == "xa"]
    assert len(rows) == len(expected) == 103
    assert all(r.split(",")[2:4] == ["", "Tỉnh Lâm Đồng"] for r in rows)  # no district
    assert "22981,Xã Vĩnh Hảo," in result.stdout
    assert "23235" not in result.stdout  # Phường La Gi: a ward, not pre-filled


def test_template_by_year_and_province_name(cli):
    result = cli(
        "template", "--units", "vn", "--year", "2020", "--province", "Bình Thuận", "--lang", "en"
    )
    assert result.code == 0 and "93 commune row(s) pre-filled" in result.stderr


@pytest.mark.parametrize(
    "args, said",
    [
        (["--units", "vn-2026-07-25", "--province", "60"], "is not a province of the unit list"),
        (["--province", "68"], "--province needs --units"),
        (["--units", "vn"], "--units vn needs --year"),
    ],
)
def test_template_province_mistakes(cli, args, said):
    result = cli("template", *args, "--lang", "en")
    assert result.code == 2 and said in result.stderr
    assert cli("template", *args).stderr.startswith("lỗi: ")  # Vietnamese by default


# --- compare across the reorganisation ----------------------------------------------------


def test_compare_2020_with_2026_of_the_seed(cli):
    old, new = DATA / "2020.csv", DATA / "examples" / "2026.csv"
    result = cli("compare", str(old), str(new))
    assert result.code == 0, result.stderr
    out = " ".join(result.stdout.split())  # the table wraps: compare the words
    assert "codes are matched through the official conversion table, never as they are" in out
    assert (
        f"22981 Xã Vĩnh Hảo, Tỉnh Lâm Đồng — in {new}: met 19/19 "
        f"holds 22981 Vĩnh Hảo, Tuy Phong (whole) — in {old}: met 19/19 "
        f"holds 22984 Vĩnh Tân, Tuy Phong (whole) — in {old}: not met 18/19"
    ) in out
    assert (
        "23235 Phường La Gi, Tỉnh Lâm Đồng — now a ward (phường): out of the new-rural "
        f"programme holds 23248 Tân Bình, La Gi (whole) — in {old}: met 19/19"
    ) in out
    # 22963 was Tiến Lợi in 2020 and is Xã Tuyên Quang now: never matched by code alone
    assert "0 commune(s) in both files" in out
    assert "holds 22978 Phong Phú, Tuy Phong (part only: Nhập một phần)" in out
    # with no commune on both sides, nothing is said to have kept the standard
    assert "still meets it" not in out
    assert f"Maintaining the standard: no commune of {new} met it in {old}." in out


def test_compare_across_as_json(cli):
    result = cli(
        "compare", str(DATA / "2020.csv"), str(DATA / "examples" / "2026.csv"), "-f", "json"
    )
    doc = json.loads(result.stdout)
    units = {u["code"]: u for u in doc["reorganisation"]["units"]}
    vinh_hao = units["22981"]
    assert vinh_hao["in_programme"] and vinh_hao["new_status"] == "met"
    assert [(h["code"], h["old_status"], h["part"]) for h in vinh_hao["holds"]] == [
        ("22981", "met", False),
        ("22984", "not_met", False),
    ]
    la_gi = units["23235"]
    assert la_gi["unit_type"] == "phuong" and not la_gi["in_programme"]
    assert [h["code"] for h in la_gi["holds"] if h["in_old"]] == ["23248"]
    parts = [h for u in units.values() for h in u["holds"] if h["code"] == "22978"]
    assert len(parts) == 2 and all(h["part"] for h in parts)  # in two units, never whole
    assert doc["summary"]["both"] == 0 and doc["summary"]["only_old"] == []


def test_compare_same_side_has_no_reorganisation(cli):
    result = cli(
        "compare", str(DATA / "2020-self-assessment.csv"), str(DATA / "2020.csv"), "-f", "json"
    )
    assert json.loads(result.stdout)["reorganisation"] is None


def test_compare_across_compares_a_unit_kept_whole(cli, tmp_path):
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text(
        commune_csv([row("00859", "Ngọc Long", "Yên Minh", "Hà Giang", poverty_rate_pct="3")]),
        encoding="utf-8",
    )
    new.write_text(
        commune_csv(
            [row("00859", "Ngọc Long", "", "Tuyên Quang", year="2026", poverty_rate_pct="7")]
        ),
        encoding="utf-8",
    )
    doc = json.loads(cli("compare", str(old), str(new), "-f", "json").stdout)
    assert doc["summary"]["both"] == 1 and doc["summary"]["lost"] == ["00859"]
    [unit] = doc["reorganisation"]["units"]
    assert unit["holds"][0]["note"] == "Giữ nguyên"


def test_compare_across_as_jsonl_and_markdown(cli):
    old, new = str(DATA / "examples" / "seed-2020.csv"), str(DATA / "examples" / "seed-2026.csv")
    lines = [
        json.loads(line) for line in cli("compare", old, new, "-f", "jsonl").stdout.splitlines()
    ]
    assert [(x["type"], x.get("code")) for x in lines] == [
        ("reorganised", "22981"),
        ("reorganised", "23023"),
        ("reorganised", "23235"),
        ("summary", None),
    ]
    markdown = cli("compare", old, new, "-f", "markdown").stdout
    assert "- 23235 Phường La Gi, Tỉnh Lâm Đồng — now a ward (phường)" in markdown
    assert "  - holds 22984 Vĩnh Tân, Tuy Phong (whole)" in markdown


def test_compare_across_json_follows_the_schema(cli):
    import jsonschema

    schema = json.loads(
        (ROOT / "ntm_eval" / "schemas" / "compare-output.schema.json").read_text(encoding="utf-8")
    )
    old, new = str(DATA / "2020.csv"), str(DATA / "examples" / "2026.csv")
    doc = json.loads(cli("compare", old, new, "-f", "json").stdout)
    jsonschema.Draft202012Validator(schema).validate(doc)
    broken = {**doc, "reorganisation": {**doc["reorganisation"], "date": "2025-01-01"}}
    assert not jsonschema.Draft202012Validator(schema).is_valid(broken)


def test_lists_are_read_only_when_a_row_needs_them(tmp_path):
    from conftest import run_in_process

    national.cache_clear()
    for args in (["--help"], ["validate", str(ROOT / "rules")], ["units", "--help"]):
        assert run_in_process(*args).code == 0
    assert national.cache_info().currsize == 0
    path = tmp_path / "data.csv"
    path.write_text(commune_csv(THREE_PROVINCES), encoding="utf-8")
    assert run_in_process("check", str(path)).code == 0
    assert national.cache_info().currsize == 1  # the list of 2020 only


def test_the_lists_of_a_files_years_share_their_unit_forms():
    """A file of 2016–2020 reads four national lists; a unit unchanged between them is one
    object in all (five lists took 19 MB, now 9 MB)."""
    from ntm_eval.input.units import national

    older, newer = national("vn-2019-12-01"), national("vn-2020-11-01")
    shared = [code for code in newer.units if code in older.units]
    same = [code for code in shared if older.units[code] == newer.units[code]]
    assert len(same) > 10_000
    assert all(older.units[code] is newer.units[code] for code in same)
