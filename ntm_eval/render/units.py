"""``units list``: the shipped unit lists as a plain table."""

from __future__ import annotations

from collections.abc import Sequence

from ntm_eval.input.units import BY_YEAR, Listed


def text(lists: Sequence[Listed]) -> str:
    """One line per list: name, date, provinces, units, rural communes (xã)."""
    width = max(len(item.name) for item in lists)
    lines = [f"{'name':<{width}}  {'date':<10}  provinces   units     xã"]
    for item in lists:
        mark = "  * after 1 July 2025: no districts" if item.current else ""
        lines.append(
            f"{item.name:<{width}}  {item.date:<10}  {item.provinces:>9}  {item.units:>6,}"
            f"  {item.communes:>5,}{mark}"
        )
    lines.append(
        f"\nDefault (--units {BY_YEAR}): each row against the national list of its year — the "
        "latest list dated on or before the end of the year; from 2025 on the list after the "
        "reorganisation.\nSource: General Statistics Office of Viet Nam (GSO); see "
        "ntm_eval/unit_lists/README.md."
    )
    return "\n".join(lines) + "\n"
