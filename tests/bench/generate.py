"""Generate synthetic national commune data for benchmarking ntm-eval.

    python tests/bench/generate.py --rows 10000 --seed 1 [--dirty] [--rules FILE] -o FILE.csv

Every measure column of the rule file (default: the shipped national 2016–2020 set) gets a
value around its region's threshold, so rows mix met and not-met indicators; a few cells
are empty. Rows cover every region of the rule file in contiguous blocks (codes run north
to south, as official codes do) and assessment years 2016–2020. Each (commune_code, year)
pair is unique: codes are zero-padded, 5 digits up to 100,000 rows and wider beyond.

``--dirty`` writes the same kind of data as people type it: decimal commas, spaces around
values, ``%`` suffixes, more empty cells, yes/no words in varied case and accents, 1/0 and
có/không, and region names in Vietnamese. Every value stays readable by ntm-eval.

``--profile`` says how values spread. ``benchmark`` (what the README's Performance table
was measured on before issue 17) draws each column from pools of a few hundred texts, in
region blocks. ``realistic`` (the default, what ``run.py`` measures with ``worst``) spreads like a real national file: a name per commune
(10,648 of them), about 700 districts, regions mixed row by row (every region in every
batch of the reader), incomes with two decimals over a wide range, percentages with one or
two decimals, counts. ``worst`` makes nearly every numeric cell distinct (four decimals
for percentages and money) and names nearly distinct: what defeats every cache. No value
has three decimals (``45.678`` could be a thousands separator), and every value stays
inside the plausible band of its measure.

Deterministic: the same arguments give the same file, byte for byte. Rows are streamed,
so a million rows take seconds and little memory. The values are invented.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RULES = ROOT / "rules" / "national-2016-2020.yaml"

IDENTITY = ["commune_code", "commune_name", "district", "province", "region", "year"]
YEARS = (2016, 2017, 2018, 2019, 2020)

#: Share of communes per region (about the national counts); regions not listed weigh 1.
REGION_WEIGHTS = {"tdmnpb": 23, "dbsh": 19, "btb": 17, "dhntb": 7, "tn": 6, "dnb": 5, "dbscl": 13}
PROVINCES = {
    "tdmnpb": [
        "Hà Giang",
        "Cao Bằng",
        "Lào Cai",
        "Điện Biên",
        "Sơn La",
        "Yên Bái",
        "Thái Nguyên",
        "Phú Thọ",
    ],
    "dbsh": ["Hà Nội", "Hải Phòng", "Hải Dương", "Hưng Yên", "Thái Bình", "Nam Định", "Ninh Bình"],
    "btb": ["Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế"],
    # Bình Thuận is left out (the first unit list ntm-eval shipped); every name is written
    # with " (mẫu)" (sample) by ``provinces_of``: the codes are synthetic, and the national
    # unit lists would (rightly) report them as unknown in a real province.
    "dhntb": ["Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Ninh Thuận"],
    "tn": ["Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng"],
    "dnb": ["Bình Phước", "Tây Ninh", "Bình Dương", "Đồng Nai", "Bà Rịa – Vũng Tàu"],
    "dbscl": [
        "Long An",
        "Tiền Giang",
        "Bến Tre",
        "Trà Vinh",
        "Đồng Tháp",
        "An Giang",
        "Kiên Giang",
        "Cà Mau",
    ],
}
SYLLABLES = [
    "An",
    "Bình",
    "Hòa",
    "Phú",
    "Tân",
    "Thạnh",
    "Long",
    "Đức",
    "Phước",
    "Hưng",
    "Mỹ",
    "Thuận",
    "Vĩnh",
    "Hải",
    "Sơn",
    "Trung",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Quang",
    "Xuân",
]

#: How communes fare: (weight in 2016, weight in 2020, share of indicators not met).
#: More communes reach the standard each year, as they did nationally.
TIERS = ((20, 55, 0.0), (35, 30, 0.03), (45, 15, 0.25))

#: Yes/no spellings. Clean files use the canonical words; dirty ones mix everything
#: ntm-eval reads (case, accents, spacing, 1/0, có/không).
CLEAN_YES = ["Đạt"]
CLEAN_NO = ["Chưa đạt", "Chưa đạt", "Không đạt", "Cơ bản đạt"]
DIRTY_YES = ["Đạt", "đạt", "ĐẠT", "DAT", "dat", " Đạt ", "1", "có", "Có", "Dat "]
DIRTY_NO = [
    "Chưa đạt",
    "chưa đạt",
    "chua dat",
    "CHƯA ĐẠT",
    "Không đạt",
    "khong dat",
    "Cơ bản đạt",
    "co ban dat",
    "0",
    "không",
    "Không",
    " Chưa  đạt ",
]

#: Roughly one cell in EMPTY_EVERY is empty (a missing value).
CLEAN_EMPTY_EVERY = 1000
DIRTY_EMPTY_EVERY = 40


@dataclass(frozen=True)
class Measure:
    column: str
    kind: str  # pct | bool | count | money
    op: str  # >= | <= | ==
    thresholds: dict[str, Any]


def load_measures(rules_path: Path) -> tuple[list[Measure], dict[str, dict[str, str]]]:
    """Measures in rule-file order, and the regions (key → names) of a rule file."""
    doc = yaml.safe_load(rules_path.read_text(encoding="utf-8"))
    measures = [
        Measure(m["column"], m["kind"], m["op"], m["thresholds"])
        for criterion in doc["criteria"]
        for indicator in criterion["indicators"]
        for m in indicator["measures"]
    ]
    return measures, doc["regions"]


def load_plausible(rules_path: Path) -> dict[str, dict]:
    """The plausible band of each measure that declares one (column → its band)."""
    doc = yaml.safe_load(rules_path.read_text(encoding="utf-8"))
    return {
        m["column"]: m["plausible"]
        for criterion in doc["criteria"]
        for indicator in criterion["indicators"]
        for m in indicator["measures"]
        if "plausible" in m
    }


def reference_threshold(measure: Measure, region: str, year: int) -> Any:
    """The threshold values are generated around: the one in force for region and year,
    or, where none applies yet (income before 2020), the first one the region gets."""
    t = measure.thresholds
    raw = t.get(region, t.get("default", t.get("national")))
    if raw is None:  # a rule file without a value for this region: anything goes
        raw = next(iter(t.values()))
    if not isinstance(raw, dict):
        return raw
    applicable = [y for y in raw if y <= year]
    return raw[max(applicable)] if applicable else raw[min(raw)]


# --- value pools --------------------------------------------------------------------
# Values are drawn from small pools of ready-made strings, one pool of values that meet
# the threshold and one of values that do not, per (measure, threshold): formatting
# happens once per pool, not once per cell, which keeps a million rows fast.


def _tenths(n: int) -> str:
    whole, frac = divmod(n, 10)
    return f"{whole}.{frac}" if frac else str(whole)


def _spread(rng: random.Random, low: int, high: int, size: int) -> list[int]:
    """``size`` values from ``low..high`` (inclusive), both ends included when possible."""
    if high < low:
        return []
    if high - low + 1 <= size:
        return list(range(low, high + 1))
    return [low, high] + [rng.randint(low, high) for _ in range(size - 2)]


def number_pools(kind: str, op: str, t: float, rng: random.Random) -> tuple[list[str], list[str]]:
    """(met, not met) values of a numeric measure around threshold ``t``."""
    if kind == "count":
        t = int(t)
        if op == "<=":
            return [str(v) for v in range(t + 1)], [str(v) for v in range(t + 1, t + 16)]
        return (
            [str(v) for v in range(t, t + 20)],
            [str(v) for v in range(max(0, t - 10), t)] or [],
        )
    # pct and money: one decimal, generated in tenths so rounding never crosses the line
    t10 = round(t * 10)
    top = 1000 if kind == "pct" else max(t10 * 2, t10 + 200)
    if op == ">=":
        met = _spread(rng, t10, min(top, t10 + max(t10 // 2, 50)), 96)
        met += [t10] * 8  # values exactly on the threshold meet it
        failing = _spread(rng, max(0, t10 - max(t10 // 4, 30)), t10 - 1, 64)
    else:  # "<=": an upper bound such as poverty or stunting
        met = _spread(rng, max(0, t10 // 4), t10, 96) + [t10] * 8
        failing = _spread(rng, t10 + 1, min(top, t10 + max(t10 // 3, 40)), 64)
    return [_tenths(v) for v in met], [_tenths(v) for v in failing]


def dirty_number(value: str, kind: str, rng: random.Random) -> str:
    """One of the ways people type ``value``; always readable by ntm-eval."""
    if kind != "count" and rng.random() < 0.4:
        value = value.replace(".", ",")
    if kind == "pct" and rng.random() < 0.3:
        value += rng.choice(["%", " %"])
    if rng.random() < 0.2:
        value = rng.choice([" ", "  "]) + value + rng.choice(["", " "])
    return value


def with_empties(pool: list[str], every: int, rng: random.Random) -> list[str]:
    """The pool with empty cells mixed in at about one per ``every`` draws."""
    size = max(len(pool), 1)
    empties = max(1, round(size / (every - 1)))
    out = list(pool) + [""] * empties
    # Pad so that an empty cell comes up about once per ``every`` draws.
    while len(out) < empties * every:
        out.append(rng.choice(pool))
    return out


class Pools:
    """Ready-made cell values per (column, region, year): (met pool, not-met pool)."""

    def __init__(
        self, measures: list[Measure], regions: list[str], dirty: bool, rng: random.Random
    ) -> None:
        self.by_region_year: dict[tuple[str, int], list[tuple[list[str], list[str]]]] = {}
        cache: dict[tuple, tuple[list[str], list[str]]] = {}
        every = DIRTY_EMPTY_EVERY if dirty else CLEAN_EMPTY_EVERY
        for region in regions:
            for year in YEARS:
                pools = []
                for m in measures:
                    t = reference_threshold(m, region, year)
                    key = (m.kind, m.op, t)
                    if key not in cache:
                        cache[key] = self._make(m, t, dirty, every, rng)
                    pools.append(cache[key])
                self.by_region_year[(region, year)] = pools

    @staticmethod
    def _make(
        m: Measure, t: Any, dirty: bool, every: int, rng: random.Random
    ) -> tuple[list[str], list[str]]:
        if m.kind == "bool":
            yes, no = (DIRTY_YES, DIRTY_NO) if dirty else (CLEAN_YES, CLEAN_NO)
            met, failing = (yes, no) if t is True else (no, yes)
            met, failing = list(met), list(failing)
        else:
            met, failing = number_pools(m.kind, m.op, float(t), rng)
            if dirty:
                met = [dirty_number(v, m.kind, rng) for v in met for _ in range(2)]
                failing = [dirty_number(v, m.kind, rng) for v in failing for _ in range(2)]
        return with_empties(met, every, rng), with_empties(failing or met, every, rng)


# --- rows ---------------------------------------------------------------------------


def provinces_of(regions: Any) -> dict[str, list[str]]:
    """Region → the synthetic province names its rows get: real names marked as samples
    (not provinces of the unit lists, whose codes the synthetic ones are not)."""
    return {
        r: [f"{p} (mẫu)" for p in PROVINCES[r]]
        if r in PROVINCES
        else [f"Tỉnh {i + 1} ({r})" for i in range(5)]
        for r in regions
    }


def code_width(rows: int) -> int:
    """Digits of the commune codes: 5, as official codes, or more when 5 do not suffice."""
    return max(5, len(str(max(rows - 1, 0))))


def commune_codes(rows: int) -> Iterator[str]:
    """``rows`` distinct, ascending, zero-padded codes spread over the code space."""
    width = code_width(rows)
    step = max(1, 10**width // max(rows, 1))
    for i in range(rows):
        yield f"{i * step:0{width}d}"


def region_blocks(rows: int, regions: list[str]) -> list[str]:
    """The region of each row index, as contiguous blocks sized by ``REGION_WEIGHTS``;
    every region gets at least one row when there are enough rows."""
    weights = [REGION_WEIGHTS.get(r, 1) for r in regions]
    total = sum(weights)
    sizes = [max(1, rows * w // total) if rows >= len(regions) else 0 for w in weights]
    sizes[0] += rows - sum(sizes)  # rounding left-overs go to the first block
    out: list[str] = []
    for region, size in zip(regions, sizes):
        out.extend([region] * size)
    return out[:rows]


# --- the realistic and worst-case profiles ----------------------------------------------

PROFILES = ("benchmark", "realistic", "worst")
#: Districts of the realistic profile, and communes in each: about 10,000 communes in 700.
DISTRICTS = 700
PER_DISTRICT = 14
DISTRICT_KINDS = ("Huyện", "Thị xã")


def syllables(i: int, count: int) -> str:
    """The ``i``-th of the ``22 ** count`` names of ``count`` syllables."""
    n = len(SYLLABLES)
    return " ".join(SYLLABLES[(i // n**k) % n] for k in range(count))


@dataclass(frozen=True)
class Spread:
    """How one measure's numbers are drawn in a profile, for one threshold: ranges in
    units of ``1 / scale`` that meet it and that do not, and the decimals written."""

    scale: int
    met: tuple[int, int]
    failing: tuple[int, int]

    @classmethod
    def of(cls, kind: str, op: str, t: float, worst: bool, plausible: dict) -> Spread:
        top_value = plausible.get("max", 100 if kind == "pct" else None)
        if kind == "count":
            t_int, top = int(t), int(top_value if top_value is not None else 10_000)
            wide = 2_000 if worst else 20
            if op == "<=":
                return cls(1, (0, t_int), (t_int + 1, min(top, t_int + wide)))
            return cls(1, (t_int, min(top, t_int + wide)), (max(0, t_int - wide // 2), t_int - 1))
        scale = 10_000 if worst else 100
        top = round((top_value if top_value is not None else 3 * t + 100) * scale)
        low_met = math.ceil(t * scale - 1e-9)  # the least value that meets ``>= t``
        high_met = math.floor(t * scale + 1e-9)  # the greatest that meets ``<= t``
        if op == "<=":
            return cls(scale, (0, high_met), (high_met + 1, min(top, 2 * high_met + scale)))
        return cls(scale, (low_met, min(top, 3 * low_met + scale)), (low_met // 3, low_met - 1))

    def draw(self, failing: bool, rng: random.Random, tenths: bool) -> str:
        """A value, written with the scale's decimals (or, with ``tenths``, one decimal
        when the scale is hundredths)."""
        low, high = self.failing if failing and self.failing[0] <= self.failing[1] else self.met
        v = rng.randint(low, high)
        if self.scale == 1:
            return str(v)
        if tenths and self.scale == 100:
            # one decimal: the nearest tenth inside the range, else two decimals
            tenth = v - v % 10
            if tenth < low:
                tenth += 10
            if low <= tenth <= high:
                return f"{tenth // 100}.{(tenth % 100) // 10}"
        whole, frac = divmod(v, self.scale)
        return f"{whole}.{frac:0{len(str(self.scale)) - 1}d}"


def _generate_spread(
    rows: int,
    rng: random.Random,
    dirty: bool,
    writer: Any,
    measures: list[Measure],
    regions: list[str],
    region_names: dict,
    plausible: dict[str, dict],
    worst: bool,
) -> None:
    """The rows of the realistic or the worst-case profile (see the module's docstring)."""
    spreads: dict[tuple[str, str, int], Spread] = {}
    plans = {}
    for region in regions:
        for year in YEARS:
            plan = []
            for m in measures:
                t = reference_threshold(m, region, year)
                if m.kind == "bool":
                    plan.append((m.kind, t is True, None))
                    continue
                key = (m.column, region, year)
                spreads[key] = Spread.of(m.kind, m.op, float(t), worst, plausible.get(m.column, {}))
                plan.append((m.kind, True, spreads[key]))
            plans[(region, year)] = plan
    weights = [REGION_WEIGHTS.get(r, 1) for r in regions]
    provinces = provinces_of(regions)
    fail_shares = [share for _, _, share in TIERS]
    tier_by_year = {
        year: [
            w16 + (w20 - w16) * (year - YEARS[0]) // (YEARS[-1] - YEARS[0]) for w16, w20, _ in TIERS
        ]
        for year in YEARS
    }
    yes, no = (DIRTY_YES, DIRTY_NO) if dirty else (CLEAN_YES, CLEAN_NO)
    empty_every = DIRTY_EMPTY_EVERY if dirty else CLEAN_EMPTY_EVERY
    rand = rng.random
    names = len(SYLLABLES) ** (4 if worst else 3)
    for i, code in enumerate(commune_codes(rows)):
        region = rng.choices(regions, weights)[0]
        year = rng.choice(YEARS)
        fail = rng.choices(fail_shares, tier_by_year[year])[0]
        if worst:  # a district for every two communes
            district = f"{DISTRICT_KINDS[i // 2 % 2]} {syllables(i // 4, 3)}"
        else:  # DISTRICTS of them, PER_DISTRICT communes each
            d = i // PER_DISTRICT % DISTRICTS
            district = f"{DISTRICT_KINDS[d // 484]} {syllables(d % 484, 2)}"
        row = [
            code,
            syllables((i * 7919) % names, 4 if worst else 3),
            district,
            provinces[region][int(rand() * len(provinces[region]))],
            region,
            str(year),
        ]
        for kind, meets_when_yes, spread in plans[(region, year)]:
            if rand() * empty_every < 1:
                row.append("")
                continue
            failing = rand() < fail
            if spread is None:
                word_yes = meets_when_yes != failing
                words = yes if word_yes else no
                row.append(words[int(rand() * len(words))])
                continue
            value = spread.draw(failing, rng, tenths=kind == "pct" and rand() < 0.5)
            row.append(dirty_number(value, kind, rng) if dirty else value)
        writer.writerow(row)


def generate(
    rows: int,
    seed: int,
    dirty: bool,
    out: TextIO,
    rules_path: Path = DEFAULT_RULES,
    profile: str = "benchmark",
) -> None:
    """Write a header and ``rows`` communes to ``out`` as CSV, spread as ``profile`` says."""
    rng = random.Random(seed)
    measures, region_names = load_measures(rules_path)
    regions = list(region_names)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(IDENTITY + [m.column for m in measures])
    if profile != "benchmark":
        _generate_spread(
            rows,
            rng,
            dirty,
            writer,
            measures,
            regions,
            region_names,
            load_plausible(rules_path),
            profile == "worst",
        )
        return
    pools = Pools(measures, regions, dirty, rng)

    region_of_row = region_blocks(rows, regions)
    rand = rng.random
    # Spellings of each region as written in the file.
    spellings = {r: [r] for r in regions}
    if dirty:
        for r, names in region_names.items():
            spellings[r] = [r, r, r.upper(), names["vi"], names["vi"].lower(), f" {names['vi']} "]
    provinces = provinces_of(regions)
    tier_by_year = {
        year: [
            w16 + (w20 - w16) * (year - YEARS[0]) // (YEARS[-1] - YEARS[0]) for w16, w20, _ in TIERS
        ]
        for year in YEARS
    }
    fail_shares = [share for _, _, share in TIERS]

    for code, region in zip(commune_codes(rows), region_of_row):
        year = rng.choice(YEARS)
        fail = rng.choices(fail_shares, tier_by_year[year])[0]
        province_list = provinces[region]
        province = province_list[int(rand() * len(province_list))]
        row = [
            code,
            f"{SYLLABLES[int(rand() * len(SYLLABLES))]} {SYLLABLES[int(rand() * len(SYLLABLES))]}",
            f"Huyện {SYLLABLES[int(rand() * len(SYLLABLES))]}",
            province,
            spellings[region][int(rand() * len(spellings[region]))],
            f" {year} " if dirty and rand() < 0.05 else str(year),
        ]
        for met, failing in pools.by_region_year[(region, year)]:
            pool = failing if rand() < fail else met
            row.append(pool[int(rand() * len(pool))])
        writer.writerow(row)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0].strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--rows", type=int, default=10_000, help="number of communes (default 10000)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--dirty", action="store_true", help="write values as people type them")
    parser.add_argument(
        "--rules",
        type=Path,
        default=DEFAULT_RULES,
        help="rule file whose measures to fill (default: the shipped national set)",
    )
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="realistic",
        help="how values spread: realistic (as a national file, the default), worst "
        "(nearly every cell distinct), benchmark (pools of a few hundred texts a column)",
    )
    parser.add_argument("-o", "--output", type=Path, help="output file (default: stdout)")
    args = parser.parse_args(argv)
    if args.rows < 0:
        parser.error("--rows must be ≥ 0")
    if args.output is None:
        sys.stdout.reconfigure(encoding="utf-8", newline="")  # type: ignore[union-attr]
        generate(args.rows, args.seed, args.dirty, sys.stdout, args.rules, args.profile)
        return 0
    # Write next to the target and rename, so a half-written file is never mistaken for data.
    partial = args.output.with_name(f"{args.output.name}.{os.getpid()}.partial")
    with partial.open("w", encoding="utf-8", newline="") as f:
        generate(args.rows, args.seed, args.dirty, f, args.rules, args.profile)
    partial.replace(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
