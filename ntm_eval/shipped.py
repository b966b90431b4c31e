"""What ships with ntm-eval: the rule sets, their examples and the unit lists, found by
a folder listing. Light on purpose: shell completion lists them on every TAB, without
the loaders (pydantic, YAML)."""

from __future__ import annotations

from pathlib import Path

UNIT_LISTS_DIR = Path(__file__).parent / "unit_lists"


def shipped_rules_dir() -> Path:
    """Folder of the rule sets shipped with ntm-eval (inside a wheel, or the repo's rules/)."""
    packaged = Path(__file__).parent / "_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[1] / "rules"


def default_rules_path() -> Path:
    return shipped_rules_dir() / "national-2016-2020.yaml"


def shipped_sets() -> dict[str, Path]:
    """The rule sets shipped with ntm-eval, by id (a shipped file is named after its id)."""
    return {p.stem: p for p in sorted(shipped_rules_dir().glob("*.yaml"))}


def example_sets() -> dict[str, Path]:
    """The example sets shipped with ntm-eval (not for ``extends``), by id."""
    return {p.stem: p for p in sorted((shipped_rules_dir() / "examples").glob("*.yaml"))}


def unit_list_names(folder: Path = UNIT_LISTS_DIR) -> list[str]:
    """The names of the unit lists in ``folder`` (``provinces.csv`` is no unit list)."""
    return sorted(p.stem for p in folder.glob("*.csv") if p.stem != "provinces")


#: ``--units vn``: the national list of each row's year; the list after 1 July 2025.
BY_YEAR = "vn"
CURRENT_DATE = "2026-07-25"


def history_dates(folder: Path = UNIT_LISTS_DIR) -> tuple[str, ...]:
    """The dates of the GSO lists the shipped history holds (its ``# list dates:`` line)."""
    import gzip

    with gzip.open(folder / "vn-units.csv.gz", "rt", encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                break
            if line.startswith("# list dates:"):
                return tuple(line.split(":", 1)[1].split())
    raise AssertionError("vn-units.csv.gz names no list dates")  # a broken build


def national_list_names(folder: Path = UNIT_LISTS_DIR) -> list[str]:
    """The names of the shipped national lists, oldest first."""
    return [f"vn-{d}" for d in (*history_dates(folder), CURRENT_DATE)]


def all_unit_list_names(folder: Path = UNIT_LISTS_DIR) -> list[str]:
    """Every name ``--units`` takes for a shipped list: the one-province lists, ``vn`` (by
    year, the default) and the national lists."""
    return [*unit_list_names(folder), BY_YEAR, *national_list_names(folder)]
