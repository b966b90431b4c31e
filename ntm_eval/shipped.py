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
