"""Administrative units: check commune rows against an official list of units.

A unit list names every commune (xã), ward (phường) and town (thị trấn) of one or more
provinces with its code and district. Rows of a covered province are checked: the code must
be in the list, its name and district must agree with the row's (compared with
``text.name_key``: case, spacing, look-alike letters and tone placement ignored), and the
unit must be a rural commune — the new-rural criteria do not apply to wards and towns, so
such rows are refused. A missing code is suggested from name and district. Rows of other
provinces are left alone, with one note.

``UnitCheck`` is one of the row checks (``checks.ROW_CHECKS``).
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from ntm_eval.diagnostics import InputError, Problem
from ntm_eval.input.rows import Identities, Keys, Layout, Seen, held_back
from ntm_eval.normalise import fold, name_key
from ntm_eval.shipped import UNIT_LISTS_DIR, unit_list_names
from ntm_eval.shown import quoted

LISTS_DIR = UNIT_LISTS_DIR
DEFAULT_LIST = "binh-thuan-2020"

RURAL = "xa"
UNIT_TYPES = {"xa": RURAL, "phuong": "phuong", "thi tran": "thi_tran", "thi_tran": "thi_tran"}
TYPE_WORDS = {"phuong": "a ward (phường)", "thi_tran": "a town (thị trấn)", RURAL: "a commune (xã)"}

# Words that come before the proper name of a unit; compared in name_key form.
_COMMUNE_PREFIXES = ("xã", "phường", "thị trấn", "tt.", "p.")
_DISTRICT_PREFIXES = ("thành phố", "thị xã", "huyện", "quận", "tp.", "tp", "tx.", "tx", "h.")
_PROVINCE_PREFIXES = ("tỉnh", "thành phố", "tp.", "tp")


def _bare(text: str, prefixes: tuple[str, ...], loose: bool = False) -> str:
    """``'Huyện Tuy Phong'`` → the name_key of ``'Tuy Phong'``; ``loose``: without accents."""
    key = fold(name_key(text)) if loose else name_key(text)
    for prefix in prefixes:
        pk = fold(prefix) if loose else name_key(prefix)
        if key.startswith(pk) and len(key) > len(pk) and key[len(pk)] in " .":
            return key[len(pk) :].lstrip(" .")
    return key


def _same(written: str, official: str, prefixes: tuple[str, ...]) -> bool:
    """Whether a name as written in the data is the official name. A name typed without any
    accent (``Tan Ha``) is compared without accents; one with accents must have the right
    ones (``Tân Hạ`` is not ``Tân Hà``)."""
    loose = written.isascii()
    return _bare(written, prefixes, loose) == _bare(official, prefixes, loose)


def commune_key(name: str) -> str:
    return _bare(name, _COMMUNE_PREFIXES)


def district_key(name: str, loose: bool = False) -> str:
    """``'Huyện Tuy Phong'`` → the key of ``'Tuy Phong'``; ``loose``: without accents."""
    return _bare(name, _DISTRICT_PREFIXES, loose)


def province_key(name: str) -> str:
    return _bare(name, _PROVINCE_PREFIXES)


def short_district(name: str) -> str:
    """``'Huyện Tuy Phong'`` → ``'Tuy Phong'`` (as the sample data writes districts)."""
    for prefix in ("Thành phố ", "Thị xã ", "Huyện ", "Quận "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    name: str
    type: str  # xa, phuong or thi_tran
    district: str
    province: str

    def describe(self) -> str:
        return f"{self.code} {self.name} ({self.district})"


@dataclass(frozen=True)
class UnitList:
    """An official list of administrative units, indexed for the checks."""

    label: str
    units: dict[str, Unit]  # code → unit, in file order
    provinces: dict[str, str]  # province_key → province name

    @cached_property
    def _by_name(self) -> dict[str, list[Unit]]:
        # Built on first use: only rows with a missing or wrong code look names up.
        by_name: dict[str, list[Unit]] = {}
        for unit in self.units.values():
            by_name.setdefault(commune_key(unit.name), []).append(unit)
            loose = _bare(unit.name, _COMMUNE_PREFIXES, loose=True)
            by_name.setdefault("~" + loose, []).append(unit)
        return by_name

    def find(self, name: str, district: str = "") -> list[Unit]:
        """Units called ``name`` — in ``district`` when it is given."""
        key = "~" + _bare(name, _COMMUNE_PREFIXES, True) if name.isascii() else commune_key(name)
        found = self._by_name.get(key, [])
        if district:
            found = [u for u in found if _same(district, u.district, _DISTRICT_PREFIXES)]
        return found

    def covers_province(self, name: str) -> bool:
        return any(_same(name, p, _PROVINCE_PREFIXES) for p in self.provinces.values())

    @property
    def covers(self) -> str:
        return ", ".join(sorted(self.provinces.values()))


def shipped_lists() -> list[str]:
    return unit_list_names(LISTS_DIR)


def resolve(spec: str | None) -> tuple[Path, str]:
    """The file and label of ``--units SPEC``: a shipped list's name, or a path."""
    spec = spec or DEFAULT_LIST
    if spec in shipped_lists():
        return LISTS_DIR / f"{spec}.csv", spec
    return Path(spec), spec


def _province_names() -> dict[str, str]:
    with (LISTS_DIR / "provinces.csv").open(encoding="utf-8", newline="") as f:
        return {row["province_code"]: row["province_name"] for row in csv.DictReader(f)}


def load_units(spec: str | None = None) -> UnitList:
    """Load a unit list (a shipped list's name or a CSV path); ``InputError`` (D030) lists
    every problem in it."""
    from ntm_eval.input import files
    from ntm_eval.input.csvfile import decode, sniff_delimiter

    path, label = resolve(spec)
    try:
        text = decode(files.read_bytes(path, label, files.UNITS), label)
    except InputError as exc:
        raise InputError(
            [
                dataclasses.replace(
                    p,
                    code=p.code if p.code.startswith("U") else "D030",
                    message="unit list: " + p.message,
                )
                for p in exc.problems
            ]
        ) from None
    needed = ("commune_code", "commune_name", "district_name", "unit_type")
    delimiter, _ = sniff_delimiter(text, lambda cell: cell.strip().lower() in needed)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    reader.fieldnames = fields
    missing = [f for f in needed if f not in fields]
    if "province_code" not in fields and "province_name" not in fields:
        missing.append("province_code or province_name")
    if missing:
        raise InputError(
            [
                Problem(
                    "D030",
                    f"unit list: column(s) {', '.join(missing)} missing; "
                    "expected " + ", ".join(needed) + " and province_code or "
                    "province_name",
                    label,
                    1,
                )
            ]
        )
    provinces = _province_names()
    units: dict[str, Unit] = {}
    problems: list[Problem] = []
    for row in reader:
        line = reader.line_num
        get = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
        code, kind = get["commune_code"], UNIT_TYPES.get(fold(get["unit_type"]))
        province = get.get("province_name") or provinces.get(get.get("province_code", ""), "")
        if not code or not get["commune_name"]:
            problems.append(
                Problem(
                    "D030",
                    "unit list: commune_code and commune_name must not be empty",
                    label,
                    line,
                )
            )
        elif kind is None:
            problems.append(
                Problem(
                    "D030",
                    f"unit list: unit_type {quoted(get['unit_type'])} — expected xa, phuong or thi_tran",
                    label,
                    line,
                )
            )
        elif not province:
            problems.append(
                Problem(
                    "D030",
                    f"unit list: province code "
                    f"{quoted(get.get('province_code', ''))} is unknown; add a "
                    "province_name column",
                    label,
                    line,
                )
            )
        elif code in units:
            problems.append(
                Problem(
                    "D030", f"unit list: commune code {quoted(code)} appears twice", label, line
                )
            )
        else:
            units[code] = Unit(code, get["commune_name"], kind, get["district_name"], province)
    if problems:
        raise InputError(problems)
    if not units:
        raise InputError([Problem("D030", "unit list: no units in the file", label)])
    return UnitList(label, units, {province_key(u.province): u.province for u in units.values()})


class _Row(NamedTuple):
    """What the unit check reads of a row."""

    line: int
    code: str
    name: str
    district: str
    province: str


class UnitCheck:
    """Checks rows against a unit list (a row check: see ``checks``); ``layout`` places the
    problems."""

    def __init__(self, layout: Layout, units: UnitList) -> None:
        self.layout, self.units = layout, units
        self.problems: list[Problem] = []
        # province → (rows, first line) of rows of provinces the list does not cover
        self.elsewhere: dict[str, tuple[int, int]] = {}
        self.suggested: set[int] = set()  # lines whose empty code got a suggestion
        self.covered: dict[str, bool] = {}  # province as written → whether the list covers it

    def in_scope(self, province: str) -> bool:
        """Whether the list covers the province of that name (as written in the data)."""
        covered = self.covered.get(province)
        if covered is None:
            covered = self.units.covers_province(province)
            if len(self.covered) < 4096:
                self.covered[province] = covered
        return covered

    def see(self, rows: Identities) -> Seen:
        """Check each row of a province the list covers (or that names none); count the
        others. The rows held back: wards and towns are not evaluated; a row whose code
        is unknown, missing or disagrees with the list is not evaluable."""
        provinces = rows.provinces
        looked = [p for p in set(provinces) if not p or self.in_scope(p)]
        if not looked:  # a batch of provinces the list does not cover: count them
            self._elsewhere(rows.lines, provinces)
            return {}
        held: Seen = {}
        others = []
        looked_at = set(looked)
        for i, row in enumerate(
            map(_Row, rows.lines, rows.codes, rows.names, rows.districts, provinces)
        ):
            if row.province not in looked_at:
                others.append(i)
                continue
            before = len(self.problems)
            if not self._keep(row):
                held[i] = None
            else:
                error = next((p for p in self.problems[before:] if p.is_error), None)
                if error is not None:
                    held[i] = held_back(error.code)
        if others:
            self._elsewhere([rows.lines[i] for i in others], [provinces[i] for i in others])
        return held

    def _elsewhere(self, lines: Sequence[int], provinces: Sequence[str]) -> None:
        elsewhere = self.elsewhere
        for province, count in Counter(provinces).items():
            first = lines[provinces.index(province)]
            had, was = elsewhere.get(province, (0, first))
            elsewhere[province] = (had + count, min(was, first))

    def _keep(self, row: _Row) -> bool:
        """Check a row of a covered province (or one that names none); False when it must
        not be evaluated (a ward or a town)."""
        layout, units, problems = self.layout, self.units, self.problems
        unit = units.units.get(row.code)
        if (
            not row.province
            and unit is None
            and not (row.name and units.find(row.name, row.district))
        ):
            self._elsewhere([row.line], ["(province not given)"])
            return True
        if not row.code:
            unit = _suggest_code(layout, row, units, problems)
            self.suggested.add(row.line)
        elif unit is None:
            problems.append(_unknown_code(layout, row, units))
        else:
            _compare(layout, row, unit, units, problems)
        if unit is not None and unit.type != RURAL:
            problems.append(
                layout.problem(
                    "D033",
                    row.line,
                    "commune_code" if row.code else "commune_name",
                    f"{unit.describe()} is {TYPE_WORDS[unit.type]} in the unit list "
                    f"{units.label}; the new-rural criteria apply to rural communes (xã) only, so "
                    "this row is not evaluated — remove it",
                    value=row.code or row.name,
                )
            )
            return False
        return True

    def finish(self, problems: list[Problem], keys: Keys) -> None:
        """Add this check's problems to the reader's ``problems``: a suggested code replaces
        the reader's plain 'value is empty' for that cell; one note for the rows of the
        provinces the list does not cover."""
        if self.elsewhere:
            count = sum(n for n, _ in self.elsewhere.values())
            first = min(line for _, line in self.elsewhere.values())
            provinces = sorted(self.elsewhere)
            names = ", ".join(quoted(p) for p in provinces[:5])
            if len(provinces) > 5:  # a national file names dozens: one line stays readable
                names += f" and {len(provinces) - 5} more"
            self.problems.append(
                Problem(
                    "W112",
                    f"note: {count} row(s) of province(s) {names} are not checked "
                    f"against the unit list {self.units.label}, which covers "
                    f"{self.units.covers}; use --units with a list that covers them",
                    self.layout.path,
                    first,
                    severity="warning",
                )
            )
        if self.suggested:
            problems[:] = [
                p
                for p in problems
                if p.code != "D020" or p.column != "commune_code" or p.line not in self.suggested
            ]
        problems += self.problems


def _suggest_code(
    layout: Layout, row: _Row, units: UnitList, problems: list[Problem]
) -> Unit | None:
    """The D020 problem for an empty code, with the code the list gives for name + district."""
    found = units.find(row.name, row.district) if row.name else []
    if len(found) == 1:
        hint = f"the unit list {units.label} gives {found[0].describe()}: fill in {found[0].code}"
    elif found:
        places = " and ".join(f"in {u.district} ({u.code})" for u in found)
        hint = f"the unit list has {quoted(row.name)} {places}; fill in the code" + (
            "" if row.district else " and the district"
        )
    else:
        hint = "the unit list has no commune of that name" + (
            " in that district" if row.district else ""
        )
    problems.append(
        layout.problem(
            "D020",
            row.line,
            "commune_code",
            f"value is empty — expected the commune's code; {hint}",
            value="",
        )
    )
    return found[0] if len(found) == 1 else None


def _unknown_code(layout: Layout, row: _Row, units: UnitList) -> Problem:
    message = f"commune code {quoted(row.code)} is not in the unit list {units.label}"
    padded = row.code.zfill(5)
    if padded != row.code and padded in units.units:
        message += (
            f"; {padded} is — a spreadsheet may have dropped its leading zeros (format "
            "the column as Text)"
        )
    else:
        found = units.find(row.name, row.district) if row.name else []
        if len(found) == 1:
            message += f"; the list gives {found[0].describe()}"
        elif found:
            message += "; the list has " + " and ".join(u.describe() for u in found)
    return layout.problem("D031", row.line, "commune_code", message, value=row.code)


def _compare(
    layout: Layout, row: _Row, unit: Unit, units: UnitList, problems: list[Problem]
) -> None:
    """Name, district and province of the row against the unit its code names."""
    said = f"code {unit.code} is {unit.name} ({unit.district}, {unit.province}) in the unit list"
    if row.name and not _same(row.name, unit.name, _COMMUNE_PREFIXES):
        other = [u for u in units.find(row.name, row.district) if u.code != unit.code]
        hint = f"; the list gives {other[0].code} for {other[0].name}" if len(other) == 1 else ""
        problems.append(
            layout.problem(
                "D032",
                row.line,
                "commune_name",
                f"{quoted(row.name)} — {said}{hint}",
                value=row.name,
            )
        )
    if row.district and not _same(row.district, unit.district, _DISTRICT_PREFIXES):
        problems.append(
            layout.problem(
                "D032", row.line, "district", f"{quoted(row.district)} — {said}", value=row.district
            )
        )
    if row.province and not _same(row.province, unit.province, _PROVINCE_PREFIXES):
        problems.append(
            layout.problem(
                "D032", row.line, "province", f"{quoted(row.province)} — {said}", value=row.province
            )
        )
