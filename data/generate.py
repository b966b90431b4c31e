"""Generate the synthetic samples data/2020.csv and data/2020-self-assessment.csv
(see data/README.md).

Run from the repository root:  python data/generate.py [UNITS_CSV [OUT_DIR]]

Deterministic: the same units file gives the same output, byte for byte. The communes
and their codes are real (Bình Thuận, 2020); every indicator value is invented.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "ntm_eval" / "unit_lists" / "binh-thuan-2020.csv"  # the official 2020 list
RULES = ROOT / "rules" / "national-2016-2020.yaml"
REGION = "dhntb"
YEAR = 2020

# The story the sample tells (shaped like the province in the 2020 article).
REGISTERED_MEETING = {"23248", "23023"}  # Tân Bình (La Gi), Sông Lũy (Bắc Bình)
REGISTERED_SHORT = {"22984": {"11": 6.2}}  # Vĩnh Tân (Tuy Phong): poverty 6.2% > 5%
ONLY_SCHOOLS = {"23185": {"5": 66.7}}  # Đức Thuận (Tánh Linh) misses only criterion 5
PREVIOUSLY_MET = 63  # recognised before 2020; three of them slip this year
SLIPPING = ["17", "15", "11"]
HANDFUL = 6  # communes at 15–18
MIDDLE = 12  # communes at 10–14; the rest of the province sits at 5–9


def district(name: str) -> str:
    for prefix in ("Thành phố ", "Thị xã ", "Huyện "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def passing(m: dict, t, rng: random.Random) -> str:
    if m["kind"] == "bool":
        return "Đạt"
    if m["kind"] == "count":
        return "0"
    if m["op"] == "<=":
        return fmt(rng.uniform(0.3, 1.0) * t)
    if rng.random() < 0.06:  # some values sit exactly on the threshold: it is met
        return fmt(t)
    top = 100.0 if m["kind"] == "pct" else t * 1.5
    return fmt(rng.uniform(t, top))


def failing(m: dict, t, rng: random.Random) -> str:
    if m["kind"] == "bool":
        return rng.choice(["Chưa đạt", "Chưa đạt", "Không đạt", "Cơ bản đạt"])
    if m["kind"] == "count":
        return str(rng.randint(1, 15))
    if m["op"] == "<=":
        return fmt(min(100.0, t + rng.uniform(0.4, 6.0)))
    return fmt(max(0.0, t - rng.uniform(0.5, 0.25 * t)))


def main(units_path: Path, out_dir: Path) -> None:
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    criteria = rules["criteria"]
    measures = [
        (c["id"], i["id"], m) for c in criteria for i in c["indicators"] for m in i["measures"]
    ]

    def threshold(m: dict):
        t = m["thresholds"][REGION]
        return t[max(t)] if isinstance(t, dict) else t

    with units_path.open(encoding="utf-8") as f:
        units = [u for u in csv.DictReader(f) if u["unit_type"] == "xa"]
    rng = random.Random(YEAR)
    codes = [u["commune_code"] for u in units]
    special = REGISTERED_MEETING | set(REGISTERED_SHORT) | set(ONLY_SCHOOLS)
    others = [c for c in codes if c not in special]
    rng.shuffle(others)
    previously = others[:PREVIOUSLY_MET]
    rest = others[PREVIOUSLY_MET:]
    all_ids = [c["id"] for c in criteria]

    fails: dict[str, dict[str, float | None]] = {code: {} for code in codes}
    for code, crit in zip(previously[-len(SLIPPING) :], SLIPPING):
        fails[code][crit] = None
    fails.update(REGISTERED_SHORT)
    fails.update(ONLY_SCHOOLS)
    for n, code in enumerate(rest):
        if n < HANDFUL:
            missing = rng.randint(1, 4)
        elif n < HANDFUL + MIDDLE:
            missing = rng.randint(5, 9)
        else:
            missing = rng.randint(10, 14)
        fails[code] = dict.fromkeys(rng.sample(all_ids, missing))

    header = ["commune_code", "commune_name", "district", "province", "region", "year"]
    header += [m["column"] for _, _, m in measures]
    rows = []
    failing_columns: dict[str, list[str]] = {}
    for unit in units:
        code = unit["commune_code"]
        # One failing indicator per failing criterion, chosen at random.
        failing_measure = {}
        for crit in fails[code]:
            options = [m["column"] for c, _, m in measures if c == crit]
            failing_measure[rng.choice(options)] = fails[code][crit]
        failing_columns[code] = list(failing_measure)
        row = [
            code,
            unit["commune_name"],
            district(unit["district_name"]),
            "Bình Thuận",
            REGION,
            str(YEAR),
        ]
        for _, _, m in measures:
            t = threshold(m)
            if m["column"] in failing_measure:
                fixed = failing_measure[m["column"]]
                row.append(fmt(fixed) if fixed is not None else failing(m, t, rng))
            else:
                row.append(passing(m, t, rng))
        rows.append(row)

    # A couple of empty cells: one in a commune that already fails elsewhere, one in a
    # commune that otherwise meets everything, which becomes "not evaluable".
    short = next(r for r in rows if len(fails[r[0]]) >= 5)
    short[header.index("trained_labour_pct")] = ""
    still_met = next(r for r in rows if r[0] in previously and not fails[r[0]])
    still_met[header.index("cultural_villages_pct")] = ""

    write(out_dir / "2020.csv", header, rows)
    claimed = self_assessment(
        header,
        rows,
        failing_columns,
        measures,
        threshold,
        slipping=previously[-len(SLIPPING) :],
        still_met=still_met[0],
    )
    write(out_dir / "2020-self-assessment.csv", header, claimed)


# The self-assessment the communes sent before the province's appraisal (data/2020.csv):
# a little more optimistic. Drawn from its own random stream, after 2020.csv is complete,
# so that file stays the same byte for byte.
CLAIMED = {"22984": {"poverty_rate_pct": "4.9"}}  # Vĩnh Tân believed it had made it
CLAIM_SHARE = 0.15  # share of the other failing values that the communes reported as met
NUDGED = 8  # communes that reported a slightly better value that passes either way
CLAIMED_CULTURE = "72.4"  # the value the appraisal could not confirm (left empty)


def self_assessment(
    header: list[str],
    rows: list[list[str]],
    failing: dict[str, list[str]],
    measures: list,
    threshold,
    slipping: list[str],
    still_met: str,
) -> list[list[str]]:
    rng = random.Random(f"{YEAR}-self-assessment")
    by_column = {m["column"]: m for _, _, m in measures}
    claimed = [list(r) for r in rows]
    slipping_claimed = set(slipping[:2])  # two of the three that slip claimed to hold on
    for row in claimed:
        code = row[0]
        for column, value in CLAIMED.get(code, {}).items():
            row[header.index(column)] = value
        for column in failing[code]:
            if column in CLAIMED.get(code, {}):
                continue
            if code in slipping_claimed or rng.random() < CLAIM_SHARE:
                m = by_column[column]
                row[header.index(column)] = passing(m, threshold(m), rng)
        if code == still_met:
            row[header.index("cultural_villages_pct")] = CLAIMED_CULTURE
    clean = [r for r in claimed if not failing[r[0]] and r[0] != still_met]
    for row in rng.sample(clean, NUDGED):
        options = [
            c
            for c, m in by_column.items()
            if m["kind"] == "pct"
            and m["op"] == ">="
            and row[header.index(c)]
            and float(row[header.index(c)]) < 97
        ]
        column = rng.choice(options)
        value = float(row[header.index(column)])
        row[header.index(column)] = fmt(min(100.0, value + rng.uniform(0.5, 3.0)))
    return claimed


def write(out: Path, header: list[str], rows: list[list[str]]) -> None:
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"wrote {out}: {len(rows)} communes", file=sys.stderr)


if __name__ == "__main__":
    main(
        Path(sys.argv[1]) if len(sys.argv) > 1 else UNITS,
        Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "data",
    )
