"""The baseline ntm-eval is measured against: pandas + pandera doing the same checks.

    python tests/bench/pandera_baseline.py DATA.csv [--rules FILE] [--verdicts OUT.csv]

What people would write instead of ntm-eval: read the CSV with pandas, turn the spellings
into typed columns (yes/no words in any case or accent, 1/0, có/không; decimal commas,
spaces and ``%`` where the file has them; region names), then validate with one pandera
DataFrameSchema holding, for every measure of the rule file, the checks ntm-eval makes:

- the cell is readable (a yes/no word, or a number);
- its range: percentage 0–100, count a whole number ≥ 0, money ≥ 0;
- it meets the threshold of the commune's region (and year, for year-keyed thresholds),
  compared column by column, vectorised;

plus the identity columns (code present, known region, a year) and one row per
(commune_code, year). From pandera's failure cases every row gets a met / not met / not
evaluable status per measure, per criterion and overall, with the gap to the threshold,
exactly as ntm-eval judges (a test compares the verdicts). It prints a one-line summary;
``--verdicts`` also writes every commune's verdict (for that comparison, not for timing).

Needs the ``bench`` extra: ``pip install -e '.[bench]'``. A dev tool, never imported by
ntm-eval.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RULES = ROOT / "rules" / "national-2016-2020.yaml"
TEXT_COLUMNS = ["commune_code", "commune_name", "district", "province", "region"]

# The yes/no vocabulary ntm-eval reads, folded (lower case, no accents, single spaces).
# "Cơ bản đạt" (basically met) is not met.
YES = {"dat", "1", "true", "yes", "co", "met"}
NO = {"chua dat", "khong dat", "co ban dat", "0", "false", "no", "khong", "not met"}
NUMBER = r"[+-]?\d+(?:[.,]\d+)?"

MET, NOT_MET, NOT_EVALUABLE = 0, 1, 2
STATUS_WORDS = ("met", "not_met", "not_evaluable")
THRESHOLD_CHECK = "meets_threshold"


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())


def load_rules(path: Path) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when it is there
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    doc["measures"] = [
        {**m, "criterion": c["id"], "indicator": i["id"]}
        for c in doc["criteria"]
        for i in c["indicators"]
        for m in i["measures"]
    ]
    return doc


# --- reading the spellings, column by column -------------------------------------------
# Each parser maps the column's distinct values once (a national file holds a few dozen
# spellings per column), then maps the column: vectorised, as a pandas user would.
# It returns (typed values, mask of cells that are present but unreadable).


def _by_distinct(raw: pd.Series, convert) -> np.ndarray:
    """``convert`` applied to each distinct value once, spread back over the column
    (pd.factorize: missing cells get code -1 and come out as NaN)."""
    codes, distinct = pd.factorize(raw)
    table = np.array([convert(v) for v in distinct] + [np.nan], dtype=float)
    return table[codes]


def parse_words(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    def word(text: str) -> float:
        folded = fold(text)
        return 1.0 if folded in YES else 0.0 if folded in NO else np.nan if not folded else -1.0

    codes = _by_distinct(raw, word)
    bad = codes == -1.0
    codes[bad] = np.nan
    return pd.Series(codes, index=raw.index).astype("boolean"), bad


def parse_numbers(raw: pd.Series, allow_percent: bool) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_numeric_dtype(raw.dtype):  # pandas already read every cell as a number
        return raw.astype(float), np.zeros(len(raw), dtype=bool)
    text = raw.astype("string").str.strip()
    if allow_percent:
        text = text.str.removesuffix("%").str.rstrip()
    empty = text.isna() | (text == "")
    readable = text.str.fullmatch(NUMBER).fillna(False).astype(bool)
    values = pd.to_numeric(text.where(readable).str.replace(",", ".", regex=False), errors="coerce")
    return values.astype(float), (~empty & ~readable).to_numpy()


def parse_regions(raw: pd.Series, regions: dict) -> tuple[pd.Series, np.ndarray]:
    keys = list(regions)
    names = {}
    for i, (key, name) in enumerate(regions.items()):
        for spelling in (key, name["vi"], name["en"]):
            names[fold(spelling)] = i
    codes = _by_distinct(raw, lambda text: names.get(fold(text), -1))
    bad = codes == -1
    codes = np.where(np.isnan(codes) | bad, -1, codes).astype(np.int64)
    return pd.Series(pd.Categorical.from_codes(codes, categories=keys), index=raw.index), bad


def parse_years(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    values, bad = parse_numbers(raw, allow_percent=False)
    whole = values.isna() | (values == values.round())
    bad |= ~whole.to_numpy()
    return values.where(whole).astype("Int64"), bad


# --- thresholds, per row ------------------------------------------------------------


def threshold_per_row(measure: dict, region: pd.Series, year: pd.Series) -> np.ndarray:
    """The threshold each row is judged against (NaN where none applies), like ntm-eval:
    the region's own value (or ``default``), for year-keyed ones the latest key ≤ year."""
    out = np.full(len(region), np.nan)
    codes = region.cat.codes.to_numpy()
    years = year.to_numpy(dtype=float, na_value=np.nan)
    thresholds = measure["thresholds"]
    for i, key in enumerate(region.cat.categories):
        raw = thresholds.get(key, thresholds.get("default"))
        if raw is None:
            continue
        in_region = codes == i
        if not isinstance(raw, dict):
            out[in_region] = float(raw)
            continue
        for from_year in sorted(raw):  # later keys overwrite earlier ones
            out[in_region & (years >= from_year)] = float(raw[from_year])
    return out


def meets(values: pd.Series, op: str, threshold: np.ndarray) -> np.ndarray:
    v = values.to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        if op == ">=":
            return v >= threshold
        if op == "<=":
            return v <= threshold
        return v == threshold


# --- the schema -----------------------------------------------------------------------


def build_schema(
    rules: dict, frame: pd.DataFrame, unreadable: dict, thresholds: dict
) -> pa.DataFrameSchema:
    """One pandera schema with every check ntm-eval makes on this file."""

    def readable(column: str) -> pa.Check:
        good = ~unreadable[column]
        return pa.Check(
            lambda s: pd.Series(good[s.index.to_numpy()], index=s.index),
            ignore_na=False,
            name="readable",
        )

    columns: dict[str, pa.Column] = {
        "commune_code": pa.Column(str, nullable=False, checks=pa.Check.str_length(min_value=1)),
        "commune_name": pa.Column(str, nullable=True),
        "district": pa.Column(str, nullable=True),
        "province": pa.Column(str, nullable=True),
        "region": pa.Column(
            pd.CategoricalDtype(list(rules["regions"])), nullable=False, checks=readable("region")
        ),
        "year": pa.Column(
            "Int64", nullable=False, checks=[readable("year"), pa.Check.in_range(1900, 2100)]
        ),
    }
    for m in rules["measures"]:
        column, kind, op = m["column"], m["kind"], m["op"]
        checks = [readable(column)]
        if kind == "pct":
            checks.append(pa.Check.in_range(0, 100))
        elif kind == "count":
            checks += [pa.Check.ge(0), pa.Check(lambda s: s == s.round(), name="whole_number")]
        elif kind == "money":
            checks.append(pa.Check.ge(0))
        threshold = thresholds[column]
        no_threshold = np.isnan(threshold)
        checks.append(
            pa.Check(
                # Not met = a value and a threshold, and the value misses it. Missing values
                # and thresholds are "not evaluable", not failures of this check.
                # Rows are matched by position: the frame has a plain 0..n-1 index.
                lambda s, op=op, t=threshold, none=no_threshold: pd.Series(
                    meets(s, op, t[s.index.to_numpy()]) | none[s.index.to_numpy()], index=s.index
                ),
                name=THRESHOLD_CHECK,
            )
        )
        columns[column] = pa.Column(
            "boolean" if kind == "bool" else float, nullable=True, checks=checks
        )
    return pa.DataFrameSchema(
        columns, unique=["commune_code", "year"], report_duplicates="all", strict=False
    )


# --- the run --------------------------------------------------------------------------


def read(path: Path, rules: dict) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The data file as typed columns, and per column the cells that could not be read."""
    bools = [m["column"] for m in rules["measures"] if m["kind"] == "bool"]
    raw = pd.read_csv(
        path,
        dtype=dict.fromkeys(TEXT_COLUMNS + bools, str),
        encoding="utf-8-sig",
        keep_default_na=False,
        na_values=[""],
    )
    raw.columns = [c.strip().lower() for c in raw.columns]
    frame = pd.DataFrame(index=raw.index)
    unreadable: dict[str, np.ndarray] = {}
    for column in ("commune_code", "commune_name", "district", "province"):
        frame[column] = raw[column].str.strip()
    frame["region"], unreadable["region"] = parse_regions(raw["region"], rules["regions"])
    frame["year"], unreadable["year"] = parse_years(raw["year"])
    for m in rules["measures"]:
        column = m["column"]
        if m["kind"] == "bool":
            frame[column], unreadable[column] = parse_words(raw[column])
        else:
            frame[column], unreadable[column] = parse_numbers(raw[column], m["kind"] == "pct")
    return frame, unreadable


def judge(path: Path, rules: dict) -> dict:
    frame, unreadable = read(path, rules)
    measures = rules["measures"]
    thresholds = {
        m["column"]: threshold_per_row(m, frame["region"], frame["year"]) for m in measures
    }
    schema = build_schema(rules, frame, unreadable, thresholds)
    try:
        schema.validate(frame, lazy=True)
        failures = pd.DataFrame(columns=["column", "check", "index"])
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases

    # Per measure and row: met, not met (failed the threshold check) or not evaluable
    # (failed another check of its cell, empty, or no threshold for its region and year).
    n = len(frame)
    status = np.zeros((n, len(measures)), dtype=np.int8)
    gaps = np.full((n, len(measures)), np.nan)
    position = {m["column"]: j for j, m in enumerate(measures)}
    failed = failures[failures["column"].isin(position) & failures["index"].notna()]
    cell_errors = 0
    for (column, check), group in failed.groupby(["column", "check"], sort=False):
        rows = group["index"].to_numpy(dtype=np.int64)
        j = position[column]
        if check == THRESHOLD_CHECK:
            status[rows, j] = np.maximum(status[rows, j], NOT_MET)
        else:
            status[rows, j] = NOT_EVALUABLE
            cell_errors += len(rows)
    for j, m in enumerate(measures):
        values = frame[m["column"]].to_numpy(dtype=float, na_value=np.nan)
        threshold = thresholds[m["column"]]
        status[np.isnan(values) | np.isnan(threshold), j] = NOT_EVALUABLE
        if m["op"] != "==":
            gaps[:, j] = np.round(values - threshold if m["op"] == ">=" else threshold - values, 6)

    criteria = list(dict.fromkeys(m["criterion"] for m in measures))
    by_criterion = np.empty((n, len(criteria)), dtype=np.int8)
    for k, criterion in enumerate(criteria):
        block = status[:, [j for j, m in enumerate(measures) if m["criterion"] == criterion]]
        by_criterion[:, k] = combine(block)
    overall = combine(by_criterion)
    criteria_met = (by_criterion == MET).sum(axis=1)
    other = failures[~failures["column"].isin(position)]
    return {
        "frame": frame,
        "rows": n,
        "measures": len(measures),
        "overall": overall,
        "criteria_met": criteria_met,
        "criteria_total": len(criteria),
        "counts": np.bincount(overall, minlength=3) if n else np.zeros(3, dtype=int),
        "cell_errors": cell_errors,
        "other_errors": len(other),
        "not_met_cells": int((status == NOT_MET).sum()),
        "by_criterion": [
            np.bincount(by_criterion[:, k], minlength=3) for k in range(len(criteria))
        ],
        "bands": np.bincount(criteria_met, minlength=len(criteria) + 1),
        "gaps": gaps,
    }


def combine(statuses: np.ndarray) -> np.ndarray:
    """Not met if any is not met; otherwise not evaluable if any is; otherwise met."""
    return np.where(
        (statuses == NOT_MET).any(axis=1),
        NOT_MET,
        np.where((statuses == NOT_EVALUABLE).any(axis=1), NOT_EVALUABLE, MET),
    ).astype(np.int8)


def write_verdicts(result: dict, out: Path) -> None:
    frame = result["frame"]
    pd.DataFrame(
        {
            "code": frame["commune_code"],
            "year": frame["year"],
            "status": np.array(STATUS_WORDS)[result["overall"]],
            "criteria_met": result["criteria_met"],
        }
    ).to_csv(out, index=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip())
    parser.add_argument("data", type=Path)
    parser.add_argument("--rules", type=Path, default=DEFAULT_RULES)
    parser.add_argument("--verdicts", type=Path, help="also write every commune's verdict (CSV)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    result = judge(args.data, load_rules(args.rules))
    met, not_met, not_evaluable = (int(c) for c in result["counts"])
    print(
        f"pandera: {result['rows']} rows × {result['measures']} measures; communes: {met} met, "
        f"{not_met} not met, {not_evaluable} not evaluable; {result['not_met_cells']} "
        f"indicator values not met; {result['cell_errors']} unreadable or out-of-range cells, "
        f"{result['other_errors']} identity problems; {time.perf_counter() - start:.2f} s"
    )
    if args.verdicts:
        write_verdicts(result, args.verdicts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
