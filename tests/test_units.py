"""Administrative units: codes and names checked against the official list."""

import csv
import io
import json
import unicodedata

import pytest
from conftest import (
    DATA,
    NATIONAL,
    commune_csv,
    national_columns,
    sample_rows,
    verdicts,
    vietnamese_headers,
)

from ntm_eval.diagnostics import InputError
from ntm_eval.input.dataset import load_data
from ntm_eval.input.units import load_units
from ntm_eval.rules.loader import load_rules

RULES = load_rules(NATIONAL)


def checked(tmp_path, rows, units="binh-thuan-2020"):
    path = tmp_path / "data.csv"
    path.write_text(commune_csv(rows), encoding="utf-8")
    return load_data(path, RULES, units=load_units(units))


def bt(code, name, district, **more):
    return {
        "commune_code": code,
        "commune_name": name,
        "district": district,
        "province": "Bình Thuận",
        **more,
    }


def codes(data):
    return [p.code for p in data.problems]


def test_shipped_list_covers_binh_thuan():
    units = load_units("binh-thuan-2020")
    assert len(units.units) == 124 and units.covers == "Bình Thuận"
    assert sum(u.type == "xa" for u in units.units.values()) == 93


def test_sample_data_agrees_with_the_list():
    data = load_data(DATA / "2020.csv", RULES, units=load_units())
    assert data.problems == () and len(data.rows) == 93


def test_old_and_new_tone_placement_and_prefixes_match(tmp_path):
    data = checked(
        tmp_path,
        [
            bt("23218", "Vũ Hòa", "Huyện Đức Linh"),  # the list writes Vũ Hoà
            bt("23272", "Xã Ngũ Phụng", "Phú Quý"),  # the list writes Huyện Phú Quí
            bt("22993", "HOÀ MINH", "tuy phong", province="Tỉnh Bình Thuận"),
        ],
    )
    assert data.problems == ()


def test_names_typed_without_accents_match_but_wrong_accents_do_not(tmp_path):
    data = checked(
        tmp_path,
        [
            {
                "commune_code": "23221",
                "commune_name": "Tan Ha",
                "district": "Huyen Duc Linh",
                "province": "Binh Thuan",
            },
            {
                "commune_code": "",
                "commune_name": "Tan Ha",
                "district": "Ham Tan",
                "province": "Binh Thuan",
            },
            bt("23257", "Tân Hạ", "Hàm Tân"),
        ],
    )
    assert [(p.code, p.line) for p in data.problems] == [("D020", 3), ("D032", 4)]
    assert "gives 23257 Tân Hà (Huyện Hàm Tân)" in data.problems[0].message


@pytest.mark.parametrize(
    "code, name, district, kind",
    [
        ("22915", "Mũi Né", "Phan Thiết", "a ward (phường)"),
        ("22969", "Liên Hương", "Tuy Phong", "a town (thị trấn)"),
    ],
)
def test_wards_and_towns_are_refused(tmp_path, code, name, district, kind):
    data = checked(tmp_path, [bt("22975", "Phan Dũng", "Tuy Phong"), bt(code, name, district)])
    [problem] = data.problems
    assert problem.code == "D033" and problem.line == 3 and problem.col == 1
    assert f"is {kind} in the unit list binh-thuan-2020" in problem.message
    assert "apply to rural communes (xã) only, so this row is not evaluated" in problem.message
    assert [r.code for r in data.rows] == ["22975"]


def test_unknown_code(tmp_path):
    data = checked(tmp_path, [bt("23999", "Tân Hà", "Hàm Tân")])
    [problem] = data.problems
    assert problem.code == "D031"
    assert problem.message == (
        "column 'commune_code': commune code '23999' is not in the unit "
        "list binh-thuan-2020; the list gives 23257 Tân Hà (Huyện Hàm Tân)"
    )


def test_code_and_name_disagree(tmp_path):
    data = checked(tmp_path, [bt("22984", "Vĩnh Hảo", "Tuy Phong")])
    [problem] = data.problems
    assert problem.code == "D032" and problem.column == "commune_name" and problem.col == 2
    assert (
        "'Vĩnh Hảo' — code 22984 is Vĩnh Tân (Huyện Tuy Phong, Bình Thuận) in the unit "
        "list; the list gives 22981 for Vĩnh Hảo"
    ) in problem.message
    # a disagreement is an error: the row is kept, none of its measures judged (whose
    # verdict it would be cannot be told), so the commune is never met
    [row] = data.rows
    assert (
        row.reason
        == "commune code and name, district or province disagree with the unit list (D032)"
    )
    assert set(row.invalid) >= set(national_columns())


def test_code_and_district_disagree(tmp_path):
    data = checked(tmp_path, [bt("23221", "Tân Hà", "Hàm Tân")])
    assert codes(data) == ["D032"] and data.problems[0].column == "district"


def test_missing_code_is_suggested_from_name_and_district(tmp_path):
    data = checked(tmp_path, [bt("", "Tân Hà", "Đức Linh"), bt("", "Tân Hà", "")])
    first, second = data.problems
    assert first.code == "D020" and first.line == 2
    assert (
        "the unit list binh-thuan-2020 gives 23221 Tân Hà (Huyện Đức Linh): fill in 23221"
        in first.message
    )
    assert second.code == "D020" and second.line == 3
    assert (
        "the unit list has 'Tân Hà' in Huyện Đức Linh (23221) and in Huyện Hàm Tân (23257); "
        "fill in the code and the district"
    ) in second.message


def test_other_provinces_are_not_checked_one_note(tmp_path):
    data = checked(
        tmp_path,
        [
            {"commune_code": "99999"},
            {"commune_code": "99998"},
            bt("22975", "Phan Dũng", "Tuy Phong"),
        ],
    )
    [note] = data.problems
    assert note.code == "W112" and note.severity == "warning"
    assert note.message == (
        "note: 2 row(s) of province(s) 'Tỉnh B' are not checked against the "
        "unit list binh-thuan-2020, which covers Bình Thuận; use --units with "
        "a list that covers them"
    )


def test_leading_zeros_lost_by_a_spreadsheet(tmp_path):
    units = tmp_path / "units.csv"
    units.write_text(
        "province_name,district_name,commune_code,commune_name,unit_type\n"
        "Hà Nội,Quận Ba Đình,00001,Phúc Xá,phuong\n"
        "Hà Nội,Huyện Sóc Sơn,00376,Bắc Sơn,Xã\n",
        encoding="utf-8",
    )
    data = checked(
        tmp_path,
        [
            {
                "commune_code": "376",
                "commune_name": "Bắc Sơn",
                "district": "Sóc Sơn",
                "province": "Thành phố Hà Nội",
            }
        ],
        str(units),
    )
    [problem] = data.problems
    assert (
        problem.code == "D031"
        and "00376 is — a spreadsheet may have dropped its leading zeros" in problem.message
    )


@pytest.mark.parametrize(
    "content, message",
    [
        (
            "commune_code,commune_name\n1,A\n",
            "column(s) district_name, unit_type, province_code or province_name missing",
        ),
        (
            "province_code,district_name,commune_code,commune_name,unit_type\n60,H,1,A,village\n",
            "unit_type 'village'",
        ),
        (
            "province_code,district_name,commune_code,commune_name,unit_type\n99,H,1,A,xa\n",
            "province code '99' is unknown",
        ),
    ],
)
def test_bad_unit_lists(tmp_path, content, message):
    path = tmp_path / "units.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_units(str(path))
    assert exc.value.problems[0].code == "D030" and message in exc.value.problems[0].message


# --- the whole command -----------------------------------------------------------------


def obfuscate(text: str) -> str:
    """Write text as the article's web page did: Cyrillic п, small-capital ʜ, ᵭ, ς, Greek ο."""
    swaps = {"n": "п", "h": "ʜ", "đ": "ᵭ", "Đ": "ᵭ", "c": "ς", "o": "ο", "N": "П", "H": "Һ"}
    return unicodedata.normalize(
        "NFC", "".join(swaps.get(ch, ch) for ch in unicodedata.normalize("NFD", text))
    )


def test_obfuscated_names_match_the_unit_list_and_each_folded_cell_is_reported(cli, tmp_path):
    header, rows = sample_rows()
    names = [i for i, c in enumerate(header) if c in ("commune_name", "district", "province")]
    viet = vietnamese_headers(header)
    viet[1] = obfuscate(viet[1])  # "Têп xã"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(viet)
    folded = 1  # the header
    for row in rows:
        for i in names:
            if obfuscate(row[i]) != row[i]:
                row[i] = obfuscate(row[i])
                folded += 1
        writer.writerow(row)
    path = tmp_path / "pasted.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    result = cli("check", str(path), "--format", "json")
    assert result.code == 0, result.stderr
    assert verdicts(result.stdout) == verdicts(
        cli("check", str(DATA / "2020.csv"), "--format", "json").stdout
    )
    warnings = json.loads(result.stdout)["warnings"]
    assert [w["code"] for w in warnings] == ["W110"] * folded
    assert (
        "pasted.csv:2:3: warning [W110] column 'district' ('Huyện'): 'Pʜaп Tʜiết' read as "
        "'Phan Thiết' — look-alike letters replaced: ʜ (U+029C) → h, п (U+043F) → n"
    ) in result.stderr
    assert "D031" not in result.stderr and "D032" not in result.stderr
    names_out = {c["name"] for c in json.loads(result.stdout)["communes"]}
    assert "Thiện Nghiệp" in names_out  # names come out restored


def test_ward_row_is_refused_by_the_command(cli, tmp_path):
    text = (DATA / "2020.csv").read_text(encoding="utf-8")
    first = text.splitlines()[1]
    ward = first.replace("22957,Thiện Nghiệp", "22915,Mũi Né", 1)
    path = tmp_path / "with-ward.csv"
    path.write_text(text + ward + "\n", encoding="utf-8")
    result = cli("check", str(path), "--format", "json")
    assert result.code == 3
    assert (
        "with-ward.csv:95:1: error [D033] column 'commune_code': 22915 Phường Mũi Né (Thành "
        "phố Phan Thiết) is a ward (phường) in the unit list vn-2020-11-01; the new-rural criteria "
        "apply to rural communes (xã) only, so this row is not evaluated — remove it"
    ) in result.stderr
    assert "22915" not in {c["code"] for c in json.loads(result.stdout)["communes"]}


def test_units_option(cli, tmp_path, write_csv):
    path = write_csv([{"commune_code": "1", "commune_name": "A", "district": "H", "province": "P"}])
    units = tmp_path / "units.csv"
    units.write_text(
        "province_name,district_name,commune_code,commune_name,unit_type\nP,Huyện H,1,A,xa\n",
        encoding="utf-8",
    )
    assert cli("check", str(path), "--units", str(units)).stderr == ""
    assert "W112" in cli("check", str(path), "--units", "binh-thuan-2020").stderr
    missing = cli("check", str(path), "--units", str(tmp_path / "nope.csv"))
    assert missing.code == 2 and "error [U030] unit list: no such file" in missing.stderr


def test_note_on_uncovered_provinces_names_five_and_counts_the_rest(write_csv):
    from conftest import run_cli

    path = write_csv([{"province": f"Tỉnh {c}"} for c in "ABCDEFG"])
    result = run_cli("check", str(path))
    note = next(line for line in result.stderr.splitlines() if "[W112]" in line)
    assert (
        "7 row(s) of province(s) 'Tỉnh A', 'Tỉnh B', 'Tỉnh C', 'Tỉnh D', 'Tỉnh E' and 2 more"
        in note
    )
