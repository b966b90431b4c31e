"""Shared helpers: the repository, the installed command, and small file builders."""

from __future__ import annotations

import csv
import functools
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
RULES = ROOT / "rules"
NATIONAL = RULES / "national-2016-2020.yaml"
# The console script installed next to the interpreter running the tests.
NTM_EVAL = Path(sys.executable).parent / "ntm-eval"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None, stdin: str | None = None) -> Run:
    """Run the installed ``ntm-eval`` as a user would: a real subprocess, no colour, 80 columns."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "COLUMNS")}
    full_env.update({"NO_COLOR": "1", "COLUMNS": "80", "PYTHONWARNINGS": "error"})
    full_env.update(env or {})
    proc = subprocess.run(
        [str(NTM_EVAL), *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        input=stdin,
        timeout=120,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli():
    return run_cli


@functools.cache
def national_rules():
    from ntm_eval.rules.loader import load_rules

    return load_rules(NATIONAL)


def national_columns() -> list[str]:
    return national_rules().columns


IDENTITY = ["commune_code", "commune_name", "district", "province", "region", "year"]


def passing_values() -> dict[str, str]:
    """A value for every measure of the national set that meets every region's threshold."""
    values = {}
    for _, _, m in national_rules().measures():
        if m.kind == "bool":
            values[m.column] = "Đạt"
        elif m.op == "<=":
            values[m.column] = "0"
        else:
            values[m.column] = "100" if m.kind == "pct" else "1000"
    return values


def commune_csv(rows: list[dict[str, str]], columns: list[str] | None = None) -> str:
    """CSV text with the identity columns and every national measure column (or ``columns``).

    Each row dict overrides the defaults: a passing commune in region dhntb, year 2020.
    """
    columns = columns or IDENTITY + national_columns()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for i, overrides in enumerate(rows):
        row = {
            "commune_code": f"{10000 + i}",
            "commune_name": f"Xã {i}",
            "district": "Huyện A",
            "province": "Tỉnh B",
            "region": "dhntb",
            "year": "2020",
            **passing_values(),
            **overrides,
        }
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def generate_national(folder: Path, rows: int, seed: int) -> dict[str, Path]:
    """Synthetic national data from the benchmark's generator (every measure, all regions,
    2016–2020): ``{"clean": path, "dirty": path}`` (dirty: decimal commas, spaces, %,
    Vietnamese yes/no words)."""
    files = {}
    for name, extra in (("clean", []), ("dirty", ["--dirty"])):
        out = folder / f"{name}.csv"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "tests" / "bench" / "generate.py"),
                "--rows",
                str(rows),
                "--seed",
                str(seed),
                *extra,
                "-o",
                str(out),
            ],
            check=True,
            timeout=120,
        )
        files[name] = out
    return files


@pytest.fixture
def write_csv(tmp_path):
    def write(
        rows: list[dict[str, str]], columns: list[str] | None = None, name: str = "data.csv"
    ) -> Path:
        path = tmp_path / name
        path.write_text(commune_csv(rows, columns), encoding="utf-8")
        return path

    return write


def sample_rows() -> tuple[list[str], list[list[str]]]:
    """The header and rows of the shipped sample data/2020.csv."""
    with (DATA / "2020.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def vietnamese_headers(columns: list[str]) -> list[str]:
    """The first declared alias (the Vietnamese header) of each column key."""
    from ntm_eval.rules.loader import load_rules

    names = load_rules(NATIONAL).header_names()
    return [names[c][1] for c in columns]


def write_xlsx(
    path: Path, rows: list[list], sheet: str = "Sheet1", before: list[list] = ()
) -> Path:
    """A workbook whose first sheet holds ``before`` rows (titles), then ``rows``."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in [*before, *rows]:
        ws.append(row)
    book.save(path)
    return path


def verdicts(json_text: str) -> list[tuple]:
    """(code, status, criteria met, criteria not met, not evaluable) per commune."""
    import json

    doc = json.loads(json_text)
    return [
        (c["code"], c["status"], c["criteria_met"], tuple(c["not_met"]), tuple(c["not_evaluable"]))
        for c in doc["communes"]
    ]
