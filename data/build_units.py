"""Build the national unit lists shipped in ``ntm_eval/unit_lists/`` from the reference files.

    python data/build_units.py [REFERENCE_DIR]

REFERENCE_DIR (default ``/work/shared/reference/units``) holds the GSO history of
2019-09-11 … 2025-03-01, the conversion table of 1 July 2025 and the list of 2026-07-25
(see its README). Three gzip files are written, each a CSV whose first lines (``#``) say
the source, the list date(s) and the SHA-256 of the reference file it was made from:

- ``vn-units.csv.gz`` — every form of every commune-level unit in the 18 GSO lists, with
  the first and last list date it appears in (a unit is in the list of date D when
  ``first <= D <= last``);
- ``vn-2026-07-25.csv.gz`` — the list after the reorganisation: no districts;
- ``vn-2025-07-conversion.csv.gz`` — old unit → new unit, with how (the official note).

The output is byte-for-byte reproducible (gzip without a time stamp); a test re-runs this
script on the reference files and compares.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "ntm_eval" / "unit_lists"
REFERENCE = Path("/work/shared/reference/units")

HISTORY = "vn-units-history-2019-2025.csv"
CURRENT = "vn-units-2026-07-25.csv"
CONVERSION = "vn-units-2025-07-conversion.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(name: str, header: list[str], fields: list[str], rows: list[list[str]]) -> Path:
    text = io.StringIO()
    for line in header:
        text.write(f"# {line}\n")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(fields)
    writer.writerows(rows)
    path = OUT / name
    # mtime=0 and no file name in the gzip header: the same input gives the same bytes
    with path.open("wb") as raw, gzip.GzipFile("", "wb", 9, raw, mtime=0) as f:
        f.write(text.getvalue().encode("utf-8"))
    return path


def _tidy(note: str) -> str:
    return " ".join(note.split())


def build(reference: Path = REFERENCE) -> list[Path]:
    """Write the three shipped files from the reference files in ``reference``."""
    history, current, conversion = (reference / n for n in (HISTORY, CURRENT, CONVERSION))
    source = "General Statistics Office of Viet Nam (GSO, now the National Statistics Office)"
    made = []
    rows = _rows(history)
    dates = sorted({r["first_seen"] for r in rows} | {r["last_seen"] for r in rows})
    made.append(
        _write(
            "vn-units.csv.gz",
            [
                f"Commune-level units of Viet Nam in the {len(dates)} GSO lists of "
                f"{dates[0]} to {dates[-1]}; a unit is in the list of date D when first <= D <= last",
                f"source: {source}, dated snapshots of the GSO list as kept in the public "
                "repository daohoangson/dvhcvn (data/dvhcvn.json)",
                "list dates: " + " ".join(dates),
                f"made by data/build_units.py from {HISTORY} sha256 {_sha(history)}",
            ],
            [
                "code",
                "name",
                "type",
                "district_code",
                "district",
                "province_code",
                "province",
                "first",
                "last",
            ],
            [
                [
                    r["commune_code"],
                    r["commune_name"],
                    r["unit_type"],
                    r["district_code"],
                    r["district_name"],
                    r["province_code"],
                    r["province_name"],
                    r["first_seen"],
                    r["last_seen"],
                ]
                for r in rows
            ],
        )
    )
    made.append(
        _write(
            "vn-2026-07-25.csv.gz",
            [
                "Commune-level units of Viet Nam on 2026-07-25: 34 provinces, no districts "
                "(abolished on 1 July 2025)",
                "source: the public repository thanglequoc/vietnamese-provinces-database (MIT), "
                "after Decision 19/2025/QĐ-TTg and the changes of 2026",
                f"made by data/build_units.py from {CURRENT} sha256 {_sha(current)}",
            ],
            ["code", "name", "type", "province_code", "province"],
            [
                [
                    r["commune_code"],
                    r["commune_name"],
                    r["unit_type"],
                    r["province_code"],
                    r["province_name"],
                ]
                for r in _rows(current)
            ],
        )
    )
    made.append(
        _write(
            "vn-2025-07-conversion.csv.gz",
            [
                "The official conversion of commune-level units of 1 July 2025: old unit -> "
                "new unit, with how (note)",
                "source: the government's conversion table, as kept in the public repository "
                "sunshine-tech/VietnamProvinces (dev/seed-data/2025-07/)",
                f"made by data/build_units.py from {CONVERSION} sha256 {_sha(conversion)}",
            ],
            ["old_code", "new_code", "new_name", "new_province", "note"],
            [
                [
                    r["old_commune_code"],
                    r["new_commune_code"],
                    r["new_commune_name"],
                    r["new_province_name"],
                    _tidy(r["note"]),
                ]
                for r in _rows(conversion)
                if r["old_commune_code"]
            ],
        )
    )
    return made


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else REFERENCE):
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")
