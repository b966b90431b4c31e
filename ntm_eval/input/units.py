"""Administrative units: check commune rows against an official list of units.

A unit list names every commune (xã), ward (phường), town (thị trấn) and special zone
(đặc khu) of one or more provinces with its code and district (none after 1 July 2025).
The default is the national list in force for each row's year (``ByYear``): the GSO list
of 2019-09-11 … 2025-03-01 shipped as one history (``vn-units.csv.gz``), and after the
reorganisation of 1 July 2025 the list of 2026-07-25 with the official conversion, which
names the new unit of every old code (D034). Lists are read only when a row needs them. Rows of a covered province are checked: the code must
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
import functools
import gzip
import io
from collections import Counter
from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    Sequence,
    ValuesView,
)
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple

from ntm_eval.diagnostics import InputError, Problem
from ntm_eval.input.rows import Identities, Keys, Layout, Seen, held_back
from ntm_eval.normalise import fold, name_key
from ntm_eval.shipped import (
    BY_YEAR,
    CURRENT_DATE,
    UNIT_LISTS_DIR,
    all_unit_list_names,
    national_list_names,
    unit_list_names,
)
from ntm_eval.shipped import history_dates as _history_dates
from ntm_eval.shown import quoted

LISTS_DIR = UNIT_LISTS_DIR
#: ``--units vn`` (the default): the national list in force for each row's year.
DEFAULT_LIST = BY_YEAR
HISTORY = LISTS_DIR / "vn-units.csv.gz"
CURRENT = LISTS_DIR / f"vn-{CURRENT_DATE}.csv.gz"
CONVERSION = LISTS_DIR / "vn-2025-07-conversion.csv.gz"
#: The first assessment year judged against the list after the reorganisation of
#: 1 July 2025 (a year's list is the latest in force by its end).
REORGANISED_YEAR = 2025

RURAL = "xa"
UNIT_TYPES = {
    "xa": RURAL,
    "phuong": "phuong",
    "thi tran": "thi_tran",
    "thi_tran": "thi_tran",
    "dac khu": "dac_khu",
    "dac_khu": "dac_khu",
}
TYPE_WORDS = {
    "phuong": "a ward (phường)",
    "thi_tran": "a town (thị trấn)",
    "dac_khu": "a special zone (đặc khu)",
    RURAL: "a commune (xã)",
}
TYPE_WORDS_VI = {"phuong": "phường", "thi_tran": "thị trấn", "dac_khu": "đặc khu", RURAL: "xã"}

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


def short_province(name: str) -> str:
    """``'Tỉnh Lâm Đồng'`` → ``'Lâm Đồng'``."""
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def short_district(name: str) -> str:
    """``'Huyện Tuy Phong'`` → ``'Tuy Phong'`` (as the sample data writes districts)."""
    for prefix in ("Thành phố ", "Thị xã ", "Huyện ", "Quận "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


class Unit(NamedTuple):
    """One administrative unit of a list (a tuple: ten thousand are made per list read)."""

    code: str
    name: str
    type: str  # xa, phuong or thi_tran
    district: str
    province: str
    province_code: str = ""

    def describe(self) -> str:
        return f"{self.code} {self.name} ({self.district or short_province(self.province)})"


class Successor(NamedTuple):
    """The new unit (1 July 2025) an old one went into, whole or in part."""

    code: str
    name: str
    province: str
    note: str  # the official note: Nhập toàn bộ, Nhập một phần, Giữ nguyên, …

    @property
    def part(self) -> bool:
        """Whether only a part of the old unit went into this one."""
        note = fold(self.note)
        return "mot phan" in note or "phan con lai" in note

    @property
    def how(self) -> str:
        """The note in English (and as written)."""
        note = fold(self.note)
        if self.part:
            what = "part of the area" if "dien tich" in note else "part"
        elif "giu nguyen" in note:
            what = "unchanged"
        elif "doi ten" in note:
            what = "renamed"
        else:
            what = "whole"
        return f"{what}: {self.note}"

    def describe(self) -> str:
        return f"{self.code} {self.name}, {short_province(self.province)}"


@dataclass(frozen=True)
class UnitList:
    """An official list of administrative units, indexed for the checks."""

    label: str
    units: Mapping[str, Unit]  # code → unit, in file order
    provinces: dict[str, str]  # province_key → province name
    date: str | None = None  # the list date of a shipped national list
    #: False for the list after 1 July 2025: no districts, none checked (W114); its
    #: ``successors``, ``former`` and ``former_provinces`` are read when first asked for.
    districts: bool = True

    @cached_property
    def successors(self) -> dict[str, tuple[Successor, ...]]:
        """After the reorganisation: old code → the new unit(s) it went into."""
        if self.districts:
            return {}
        found: dict[str, list[Successor]] = {}
        for r in _gzip_rows(CONVERSION):
            found.setdefault(r["old_code"], []).append(
                Successor(r["new_code"], r["new_name"], r["new_province"], r["note"])
            )
        return {code: tuple(s) for code, s in found.items()}

    @cached_property
    def _last(self) -> UnitList | None:
        return None if self.districts else national(f"vn-{history_dates()[-1]}")

    def before(self, code: str) -> Unit | None:
        """After the reorganisation: the unit ``code`` named in the last list before it."""
        return None if self._last is None else self._last.units.get(code)

    @cached_property
    def former(self) -> dict[str, Unit]:
        """After the reorganisation: the units of the last list before it that are gone."""
        last = self._last
        return {} if last is None else {c: u for c, u in last.units.items() if c not in self.units}

    @cached_property
    def former_provinces(self) -> dict[str, str]:
        """After the reorganisation: the provinces before it (province_key → name)."""
        return {} if self._last is None else dict(self._last.provinces)

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
        if district and self.districts:
            found = [u for u in found if _same(district, u.district, _DISTRICT_PREFIXES)]
        return found

    def of_province(self, spec: str) -> dict[str, Unit]:
        """The units of the province with code or name ``spec`` (none when no such)."""
        return {
            code: u
            for code, u in self.units.items()
            if u.province_code == spec or _same(spec, u.province, _PROVINCE_PREFIXES)
        }

    def covers_province_now(self, name: str) -> bool:
        """Whether ``name`` is one of the list's own provinces (not a former one)."""
        return any(_same(name, p, _PROVINCE_PREFIXES) for p in self.provinces.values())

    def covers_province(self, name: str) -> bool:
        """Whether rows of province ``name`` are checked: one of the list's provinces, or
        (after the reorganisation) one of those before it, told it no longer exists."""
        return self.covers_province_now(name) or any(
            _same(name, p, _PROVINCE_PREFIXES) for p in self.former_provinces.values()
        )

    @property
    def covers(self) -> str:
        if len(self.provinces) > 5:
            return "every province of Viet Nam"  # of its date: 63 before July 2025, 34 after
        return ", ".join(sorted(self.provinces.values()))

    @property
    def covers_vi(self) -> str:
        if len(self.provinces) > 5:
            return "mọi tỉnh, thành phố của Việt Nam"  # của ngày của danh mục: 63, rồi 34
        return ", ".join(sorted(self.provinces.values()))


class ByYear:
    """The national list in force for each row's year (``--units vn``, the default): for
    year Y the latest GSO list dated on or before the end of Y, from 2025 on the list after
    the reorganisation. Nothing is read until a row asks (``for_year``)."""

    label = BY_YEAR

    def for_year(self, year: int | None) -> UnitList | None:
        """The list for rows of ``year``; None for a row without a year."""
        return None if year is None else national(list_for_year(year))


@functools.cache
def history_dates() -> tuple[str, ...]:
    """The dates of the GSO lists the shipped history holds."""
    return _history_dates(LISTS_DIR)


def national_lists() -> list[str]:
    """The names of the shipped national lists, oldest first."""
    return national_list_names(LISTS_DIR)


def list_for_year(year: int) -> str:
    """The name of the national list rows of assessment ``year`` are checked against."""
    if year >= REORGANISED_YEAR:
        return f"vn-{CURRENT_DATE}"
    dates = history_dates()
    before = [d for d in dates if d <= f"{year}-12-31"]
    return f"vn-{before[-1] if before else dates[0]}"


def shipped_lists() -> list[str]:
    return all_unit_list_names(LISTS_DIR)


def resolve(spec: str | None) -> tuple[Path, str]:
    """The file and label of ``--units SPEC``: a shipped list's name, or a path."""
    spec = spec or DEFAULT_LIST
    if spec == BY_YEAR or (spec.startswith("vn-") and spec in national_lists()):
        name = CURRENT.name if spec.endswith(CURRENT_DATE) else HISTORY.name
        return LISTS_DIR / name, spec
    if spec in shipped_lists():
        return LISTS_DIR / f"{spec}.csv", spec
    return Path(spec), spec


class Listed(NamedTuple):
    """A shipped list, as ``units list`` shows it."""

    name: str
    date: str  # the list date, or the year of a one-province list
    provinces: int
    units: int
    communes: int  # rural communes (xã): the rows the criteria apply to
    current: bool  # the list after the reorganisation of 1 July 2025


def catalogue() -> list[Listed]:
    """Every shipped list, the one-province lists first, then the national ones by date."""
    out = []
    for name in unit_list_names(LISTS_DIR):
        units = load_units(name)
        assert isinstance(units, UnitList)
        out.append((name, name.rsplit("-", 1)[-1], units))
    out += [(name, name.removeprefix("vn-"), national(name)) for name in national_lists()]
    return [
        Listed(
            name,
            date,
            len(units.provinces),
            len(units.units),
            sum(u.type == RURAL for u in units.units.values()),
            not units.districts,
        )
        for name, date, units in out
    ]


def list_files(spec: str | None) -> list[Path]:
    """Every file ``--units SPEC`` may read: a national list reads the shipped ones."""
    path, label = resolve(spec)
    if label == BY_YEAR or label in national_lists():
        return [LISTS_DIR / p.name for p in (HISTORY, CURRENT, CONVERSION)]
    return [path]


def _gzip_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a shipped gzip list, as dicts (the small files)."""
    fields, rows = _gzip_table(path)
    return [dict(zip(fields, row)) for row in rows]


def _gzip_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a shipped gzip list. A file without a quote (the history,
    the current list: the build writes no comma inside a name) is split on commas, at a
    fraction of ``csv``'s cost; the others are read with ``csv``."""
    with gzip.open(path, "rb") as f:
        text = f.read().decode("utf-8")
    start = 0
    while text.startswith("#", start):  # the comment lines: source, dates
        start = text.index("\n", start) + 1
    body = text[start:]
    if '"' in body:
        table = list(csv.reader(io.StringIO(body, newline="")))
    else:
        table = [line.split(",") for line in body.splitlines()]
    return table[0], table[1:]


def _history_lines() -> tuple[list[str], list[str]]:
    """The header and the lines of the shipped history (it holds no quote: see
    ``_gzip_table``). Not kept: a run needs the list of one or a few dates (each kept by
    ``national``), and each line is split only while its list is read."""
    with gzip.open(HISTORY, "rb") as f:
        text = f.read().decode("utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return lines[0].split(","), lines[1:]


#: every unit form a national list of the history has read, by itself (``national``)
_FORMS: dict[Unit, Unit] = {}


def _index(label: str, units: dict[str, Unit], **more: object) -> UnitList:
    return UnitList(label, units, _provinces(u.province for u in units.values()), **more)  # type: ignore[arg-type]


def _provinces(names: Iterable[str]) -> dict[str, str]:
    """A list's ``provinces`` from the province of each of its units, in order."""
    return {province_key(p): p for p in dict.fromkeys(names)}


class _Units(Mapping[str, Unit]):
    """The units of a shipped national list (code → unit), read when first asked for: a
    row check needs only the list's provinces until a row of one of them comes, and a
    file whose provinces no list covers (W112) then never reads its units (11 MB for the
    three lists of 2016–2020)."""

    __slots__ = ("_read", "_units")

    def __init__(self, read: Callable[[], dict[str, Unit]]) -> None:
        self._read: Callable[[], dict[str, Unit]] | None = read
        self._units: dict[str, Unit] | None = None

    @property
    def read(self) -> dict[str, Unit]:
        """The units, read now if not yet."""
        units = self._units
        if units is None:
            assert self._read is not None
            units = self._units = self._read()
            self._read = None
        return units

    def __getitem__(self, code: str) -> Unit:
        return self.read[code]

    def get(self, code: str, default: Any = None) -> Any:
        return self.read.get(code, default)

    def __contains__(self, code: object) -> bool:
        return code in self.read

    def __iter__(self) -> Iterator[str]:
        return iter(self.read)

    def __len__(self) -> int:
        return len(self.read)

    def keys(self) -> KeysView[str]:
        return self.read.keys()

    def values(self) -> ValuesView[Unit]:
        return self.read.values()

    def items(self) -> ItemsView[str, Unit]:
        return self.read.items()


def _history_rows(date: str) -> Iterator[list[str]]:
    """The split lines of the shipped history whose unit is in the list of ``date``."""
    fields, lines = _history_lines()
    first, last = fields.index("first"), fields.index("last")
    return (r for r in map(str.split, lines, repeat(",")) if r[first] <= date <= r[last])


@functools.cache
def _history_spans() -> list[tuple[str, str, str]]:
    """(province, first, last) of the history's units, each once, in the order of its first
    unit: a list's provinces are those of the spans its date is in, in that order (the
    order of its units), read once for every list rather than the history once a list."""
    fields, lines = _history_lines()
    p, first, last = (fields.index(f) for f in ("province", "first", "last"))
    return list(
        dict.fromkeys((r[p], r[first], r[last]) for r in map(str.split, lines, repeat(",")))
    )


def _history_units(date: str) -> dict[str, Unit]:
    """The units of the history's list of ``date``: code → unit, in file order."""
    fields, _ = _history_lines()
    at = [fields.index(f) for f in ("code", "name", "type", "district", "province")]
    c, n, t, d, p = at
    pc = fields.index("province_code")
    # a unit form is kept once for every list that holds it: the lists of a file's years
    # (one for each of 2016–2020) share most of their units; and a text that many units
    # share (a type, a district, a province) once
    same = _FORMS.setdefault
    text: dict[str, str] = {}
    once = text.setdefault
    return {
        r[c]: same(form, form)
        for r in _history_rows(date)
        for form in (
            Unit(
                r[c], r[n], once(r[t], r[t]), once(r[d], r[d]), once(r[p], r[p]), once(r[pc], r[pc])
            ),
        )
    }


def _current_units() -> dict[str, Unit]:
    """The units of the list after the reorganisation: code → unit, in file order."""
    text: dict[str, str] = {}
    once = text.setdefault
    return {
        r["code"]: Unit(
            r["code"],
            r["name"],
            once(r["type"], r["type"]),
            "",
            once(r["province"], r["province"]),
            once(r["province_code"], r["province_code"]),
        )
        for r in _gzip_rows(CURRENT)
    }


@functools.cache
def national(name: str) -> UnitList:
    """A shipped national list by name (``vn-2020-11-01``, ``vn-2026-07-25``); its units
    are read when first asked for (``_Units``), its provinces now."""
    date = name.removeprefix("vn-")
    if date != CURRENT_DATE:
        provinces = _provinces(p for p, first, last in _history_spans() if first <= date <= last)
        units = _Units(functools.partial(_history_units, date))
        return UnitList(name, units, provinces, date=date)
    fields, rows = _gzip_table(CURRENT)
    p = fields.index("province")
    provinces = _provinces(r[p] for r in rows)
    return UnitList(name, _Units(_current_units), provinces, date=date, districts=False)


def _province_names() -> dict[str, str]:
    with (LISTS_DIR / "provinces.csv").open(encoding="utf-8", newline="") as f:
        return {row["province_code"]: row["province_name"] for row in csv.DictReader(f)}


def load_units(spec: str | None = None) -> UnitList | ByYear:
    """Load a unit list (a shipped list's name or a CSV path; by default the national list
    of each row's year, read when a row needs it); ``InputError`` (D030) lists every
    problem in it."""
    from ntm_eval.input import files
    from ntm_eval.input.csvfile import decode, sniff_delimiter

    path, label = resolve(spec)
    if label == BY_YEAR:
        return ByYear()
    if label in national_lists():
        return national(label)
    try:
        text = decode(files.read_bytes(path, label, files.UNITS), label)
    except InputError as exc:
        raise InputError(
            [
                dataclasses.replace(
                    p,
                    code=p.code if p.code.startswith("U") else "D030",
                    message="unit list: " + p.message,
                    message_vi="danh mục đơn vị hành chính: " + p.text("vi"),
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
    missing_vi = list(missing)
    if "province_code" not in fields and "province_name" not in fields:
        missing.append("province_code or province_name")
        missing_vi.append("province_code hoặc province_name")
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
                    message_vi=f"danh mục đơn vị hành chính: thiếu cột {', '.join(missing_vi)}; "
                    "cần " + ", ".join(needed) + " và province_code hoặc province_name",
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
                    message_vi="danh mục đơn vị hành chính: commune_code và commune_name không "
                    "được để trống",
                )
            )
        elif kind is None:
            problems.append(
                Problem(
                    "D030",
                    f"unit list: unit_type {quoted(get['unit_type'])} — expected xa, phuong or thi_tran",
                    label,
                    line,
                    message_vi=f"danh mục đơn vị hành chính: unit_type {quoted(get['unit_type'])} "
                    "— cần xa, phuong hoặc thi_tran",
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
                    message_vi="danh mục đơn vị hành chính: không biết mã tỉnh "
                    f"{quoted(get.get('province_code', ''))}; hãy thêm cột province_name",
                )
            )
        elif code in units:
            problems.append(
                Problem(
                    "D030",
                    f"unit list: commune code {quoted(code)} appears twice",
                    label,
                    line,
                    message_vi=f"danh mục đơn vị hành chính: mã xã {quoted(code)} xuất hiện "
                    "hai lần",
                )
            )
        else:
            units[code] = Unit(
                code,
                get["commune_name"],
                kind,
                get["district_name"],
                province,
                get.get("province_code", ""),
            )
    if problems:
        raise InputError(problems)
    if not units:
        raise InputError(
            [
                Problem(
                    "D030",
                    "unit list: no units in the file",
                    label,
                    message_vi="danh mục đơn vị hành chính: tệp không có đơn vị nào",
                )
            ]
        )
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
        self.districted: tuple[int, int] = (0, 0)  # rows naming a district a list has not
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
        if row.district and not units.districts:
            count, first = self.districted
            self.districted = (count + 1, first or row.line)
            row = row._replace(district="")
        if not row.code:
            unit = _suggest_code(layout, row, units, problems)
            self.suggested.add(row.line)
        elif unit is None and row.code in units.successors:
            problems.append(_gone(layout, row, units))
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
                    message_vi=f"{unit.describe()} là {TYPE_WORDS_VI[unit.type]} trong danh mục đơn vị hành "
                    f"chính {units.label}; bộ tiêu chí nông thôn mới chỉ áp dụng cho xã, nên dòng "
                    "này không được đánh giá — hãy bỏ dòng này",
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
            names = names_vi = ", ".join(quoted(p) for p in provinces[:5])
            if len(provinces) > 5:  # a national file names dozens: one line stays readable
                names += f" and {len(provinces) - 5} more"
                names_vi += f" và {len(provinces) - 5} tỉnh khác"
            if self.units.date is not None:  # a national list: the name is not a province
                advice = "check the province's name"
                advice_vi = "hãy kiểm tra tên tỉnh"
            else:
                advice = "use --units with a list that covers them"
                advice_vi = "hãy dùng --units với danh mục có các tỉnh này"
            self.problems.append(
                Problem(
                    "W112",
                    f"note: {count} row(s) of province(s) {names} are not checked "
                    f"against the unit list {self.units.label}, which covers "
                    f"{self.units.covers}; {advice}",
                    self.layout.path,
                    first,
                    severity="warning",
                    message_vi=f"lưu ý: {count} dòng của tỉnh {names_vi} không được đối chiếu "
                    f"với danh mục đơn vị hành chính {self.units.label}, danh mục này gồm "
                    f"{self.units.covers_vi}; {advice_vi}",
                )
            )
        count, first = self.districted
        if count:
            self.problems.append(
                self.layout.problem(
                    "W114",
                    first,
                    "district",
                    f"{count} row(s) name a district, from this line on; districts were "
                    "abolished on 1 July 2025 and the unit list "
                    f"{self.units.label} has none, so the district is not checked — leave "
                    "the column empty",
                    message_vi=f"{count} dòng có ghi huyện, từ dòng này trở đi; cấp huyện đã bỏ từ ngày "
                    f"1/7/2025 và danh mục đơn vị hành chính {self.units.label} không có cấp "
                    "huyện, nên huyện không được đối chiếu — hãy để trống cột này",
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
        hint_vi = (
            f"danh mục đơn vị hành chính {units.label} ghi {found[0].describe()}: hãy điền "
            f"{found[0].code}"
        )
    elif found:
        places = " and ".join(f"in {u.district} ({u.code})" for u in found)
        places_vi = " và ".join(f"ở {u.district} ({u.code})" for u in found)
        hint = f"the unit list has {quoted(row.name)} {places}; fill in the code" + (
            "" if row.district else " and the district"
        )
        hint_vi = (
            f"danh mục đơn vị hành chính có {quoted(row.name)} {places_vi}; hãy điền mã xã"
            + ("" if row.district else " và huyện")
        )
    else:
        hint = "the unit list has no commune of that name" + (
            " in that district" if row.district else ""
        )
        hint_vi = "danh mục đơn vị hành chính không có xã nào tên này" + (
            " trong huyện đó" if row.district else ""
        )
    problems.append(
        layout.problem(
            "D020",
            row.line,
            "commune_code",
            f"value is empty — expected the commune's code; {hint}",
            message_vi=f"ô trống — cần mã xã; {hint_vi}",
            value="",
        )
    )
    return found[0] if len(found) == 1 else None


class YearlyUnitCheck:
    """The unit check of ``ByYear``: each row against the list of its year (a row check);
    a row without a year is not checked (its year is an error of its own)."""

    def __init__(self, layout: Layout, units: ByYear) -> None:
        self.layout, self.units = layout, units
        self.checks: dict[str, UnitCheck] = {}  # list name → the check against it

    def _check(self, year: int | None) -> UnitCheck | None:
        if year is None:
            return None
        name = list_for_year(year)
        check = self.checks.get(name)
        if check is None:
            check = self.checks[name] = UnitCheck(self.layout, national(name))
        return check

    def see(self, rows: Identities) -> Seen:
        years = rows.years
        distinct = set(years)
        if len(distinct) == 1:  # the usual file: one year, one list
            check = self._check(years[0])
            return check.see(rows) if check is not None else {}
        held: Seen = {}
        columns = [getattr(rows, f.name) for f in dataclasses.fields(rows)]
        for year in sorted(distinct, key=lambda y: -1 if y is None else y):
            check = self._check(year)
            if check is None:
                continue
            at = [i for i, y in enumerate(years) if y == year]
            part = Identities(*([column[i] for i in at] for column in columns))
            for position, reason in check.see(part).items():
                held[at[position]] = reason
        return held

    def finish(self, problems: list[Problem], keys: Keys) -> None:
        """Each list's problems; one W112 note for the file, whatever the lists."""
        elsewhere: dict[str, tuple[int, int]] = {}
        for check in self.checks.values():
            for province, (count, first) in check.elsewhere.items():
                had, was = elsewhere.get(province, (0, first))
                elsewhere[province] = (had + count, min(was, first))
            check.elsewhere = {}
            check.finish(problems, keys)
        if elsewhere:
            lists = [name for name in national_lists() if name in self.checks]
            note = UnitCheck(self.layout, national(lists[-1]))
            note.elsewhere = elsewhere
            if len(lists) > 1:  # the note names every list the rows were checked against
                note.units = dataclasses.replace(note.units, label=", ".join(lists))
            note.finish(problems, keys)


def unit_check(layout: Layout, units: UnitList | ByYear) -> UnitCheck | YearlyUnitCheck:
    """The row check of ``units``: one list, or the list of each row's year."""
    if isinstance(units, ByYear):
        return YearlyUnitCheck(layout, units)
    return UnitCheck(layout, units)


def _gone(layout: Layout, row: _Row, units: UnitList) -> Problem:
    """D034: the code of a unit that no longer exists, with the unit(s) it went into."""
    went = units.successors[row.code]
    old = units.former.get(row.code)
    said = old.describe() if old else row.code
    if len(went) == 1 and not went[0].part:
        into = f"it is part of {went[0].describe()}"
        into_vi = f"nay thuộc {went[0].describe()}"
    else:
        into = "it went into " + " and ".join(
            f"{s.describe()} ({'in part' if s.part else 'whole'})" for s in went
        )
        into_vi = "đã nhập vào " + " và ".join(
            f"{s.describe()} ({'một phần' if s.part else 'toàn bộ'})" for s in went
        )
    outside = [s for s in went if s.code in units.units and units.units[s.code].type != RURAL]
    scope = [f"{s.code} is {TYPE_WORDS[units.units[s.code].type]}" for s in outside]
    scope_vi = [f"{s.code} là {TYPE_WORDS_VI[units.units[s.code].type]}" for s in outside]
    tail = (
        "; " + ", ".join(scope) + ", out of the new-rural programme"
        if scope
        else "; use the new unit's code and name"
    )
    tail_vi = (
        "; " + ", ".join(scope_vi) + ", ngoài chương trình nông thôn mới"
        if scope_vi
        else "; hãy dùng mã và tên của đơn vị mới"
    )
    return layout.problem(
        "D034",
        row.line,
        "commune_code",
        f"{said} no longer exists since 1 July 2025: {into} (unit list {units.label}){tail}",
        message_vi=f"{said} không còn tồn tại từ ngày 1/7/2025: {into_vi} (danh mục đơn vị hành chính "
        f"{units.label}){tail_vi}",
        value=row.code,
    )


def _unknown_code(layout: Layout, row: _Row, units: UnitList) -> Problem:
    message = f"commune code {quoted(row.code)} is not in the unit list {units.label}"
    vi = f"mã xã {quoted(row.code)} không có trong danh mục đơn vị hành chính {units.label}"
    padded = row.code.zfill(5)
    if padded != row.code and padded in units.units:
        message += (
            f"; {padded} is — a spreadsheet may have dropped its leading zeros (format "
            "the column as Text)"
        )
        vi += (
            f"; {padded} thì có — bảng tính có thể đã bỏ các số 0 ở đầu (hãy định dạng cột "
            "là Văn bản (Text))"
        )
    else:
        found = units.find(row.name, row.district) if row.name else []
        if len(found) == 1:
            message += f"; the list gives {found[0].describe()}"
            vi += f"; danh mục ghi {found[0].describe()}"
        elif found:
            message += "; the list has " + " and ".join(u.describe() for u in found)
            vi += "; danh mục có " + " và ".join(u.describe() for u in found)
    return layout.problem("D031", row.line, "commune_code", message, message_vi=vi, value=row.code)


def _compare(
    layout: Layout, row: _Row, unit: Unit, units: UnitList, problems: list[Problem]
) -> None:
    """Name, district and province of the row against the unit its code names."""
    place = f"{unit.district}, {unit.province}" if unit.district else unit.province
    said = f"code {unit.code} is {unit.name} ({place}) in the unit list"
    said_vi = f"mã {unit.code} là {unit.name} ({place}) trong danh mục đơn vị hành chính"
    if row.name and not _same(row.name, unit.name, _COMMUNE_PREFIXES):
        other = [u for u in units.find(row.name, row.district) if u.code != unit.code]
        hint = f"; the list gives {other[0].code} for {other[0].name}" if len(other) == 1 else ""
        hint_vi = (
            f"; danh mục ghi mã {other[0].code} cho {other[0].name}" if len(other) == 1 else ""
        )
        problems.append(
            layout.problem(
                "D032",
                row.line,
                "commune_name",
                f"{quoted(row.name)} — {said}{hint}",
                message_vi=f"{quoted(row.name)} — {said_vi}{hint_vi}",
                value=row.name,
            )
        )
    if row.district and not _same(row.district, unit.district, _DISTRICT_PREFIXES):
        problems.append(
            layout.problem(
                "D032",
                row.line,
                "district",
                f"{quoted(row.district)} — {said}",
                message_vi=f"{quoted(row.district)} — {said_vi}",
                value=row.district,
            )
        )
    if row.province and not _same(row.province, unit.province, _PROVINCE_PREFIXES):
        gone = (
            not units.districts
            and any(
                _same(row.province, p, _PROVINCE_PREFIXES) for p in units.former_provinces.values()
            )
            and not units.covers_province_now(row.province)
        )
        hint = "; that province no longer exists since 1 July 2025" if gone else ""
        hint_vi = "; tỉnh này không còn tồn tại từ ngày 1/7/2025" if gone else ""
        problems.append(
            layout.problem(
                "D032",
                row.line,
                "province",
                f"{quoted(row.province)} — {said}{hint}",
                message_vi=f"{quoted(row.province)} — {said_vi}{hint_vi}",
                value=row.province,
            )
        )
