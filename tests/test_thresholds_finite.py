"""Thresholds are finite numbers of a sane size: NaN, infinity and huge numbers are R024
at the value's line and column, from ``validate`` and from ``check`` alike, wherever the
threshold is (a region's, a year's, in a file that extends another)."""

from __future__ import annotations

import string

import pytest
from conftest import ROOT, run_cli

SAMPLE = str(ROOT / "data" / "2020.csv")
#: A rule set with one measure of each kind that takes a number, each measure's
#: thresholds mapping left to fill in.
BASE = string.Template("""\
schema_version: 1
id: kinds
title: {vi: Loại, en: Kinds}
legal_basis: Test fixture
period: {from: 2016, to: 2020}
regions:
  north: {vi: Miền Bắc, en: North}
  south: {vi: Miền Nam, en: South}
sectors:
  y_te: {vi: Y tế, en: Health}
groups:
  - {id: I, name: {vi: Nhóm một, en: Group one}}
criteria:
  - id: "1"
    group: I
    name: {vi: Một, en: One}
    sector: y_te
    indicators:
      - id: "1"
        name: {vi: Một, en: One}
        measures:
          - column: share_pct
            kind: pct
            op: ">="
            thresholds: $share_pct
          - column: houses
            kind: count
            op: "<="
            thresholds: $houses
          - column: income
            kind: money
            op: ">="
            thresholds: $income
""")


#: A sane value of each measure, and how the measure is written with its own thresholds.
SANE = {"share_pct": "50", "houses": "3", "income": "30"}
CHILD = """\
schema_version: 1
id: child
title: {vi: Con, en: Child}
legal_basis: Test fixture
extends: base.yaml
criteria:
  - id: "1"
    indicators:
      - id: "1"
        measures:
          - column: %s
            thresholds: {north: VALUE}
"""

#: Where a threshold can be: VALUE marks it (the measure's column is filled in).
PLACES = {
    "region": "{north: VALUE, south: SANE}",
    "year": "{north: {2016: SANE, 2018: VALUE}, south: SANE}",
    "extends": None,  # a child file sets it: CHILD
}

VALUES = {
    "nan": ".nan",
    "infinity": ".inf",
    "minus-infinity": "-.inf",
    "too-large": "10000000000000",
    "5000-digits": "1" + "0" * 5000,
}


def _base(column: str | None = None, mapping: str = "") -> str:
    """BASE with every measure sane, but ``column``'s thresholds ``mapping``."""
    default = "{north: SANE, south: SANE}"
    filled = {
        name: (mapping if name == column else default).replace("SANE", sane)
        for name, sane in SANE.items()
    }
    return BASE.substitute(filled)


def _where(text: str) -> tuple[int, int]:
    """Line and column (1-based) of VALUE in ``text``."""
    at = text.index("VALUE")
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


@pytest.fixture(params=list(PLACES), ids=list(PLACES))
def place(request):
    return request.param


@pytest.mark.parametrize("value", VALUES.values(), ids=list(VALUES))
@pytest.mark.parametrize("column", SANE)
def test_a_threshold_that_cannot_be_judged_with_is_r024_at_its_place(
    tmp_path, place, column, value
):
    if PLACES[place] is None:
        (tmp_path / "base.yaml").write_text(_base(), encoding="utf-8")
        name, text = "child.yaml", CHILD % column
    else:
        name, text = "rules.yaml", _base(column, PLACES[place])
    line, col = _where(text)
    (tmp_path / name).write_text(text.replace("VALUE", value), encoding="utf-8")
    expected = f"{name}:{line}:{col}: error [R024] "

    validated = run_cli("validate", name, cwd=tmp_path)
    assert validated.code == 1, validated.stdout + validated.stderr
    assert any(p.startswith(expected) for p in validated.stdout.splitlines()), validated.stdout
    assert "0" * 100 not in validated.stdout  # a huge number is not echoed

    checked = run_cli("check", SAMPLE, "--rules", name, cwd=tmp_path)
    assert checked.code == 3, checked.stderr
    assert any(p.startswith(expected) for p in checked.stderr.splitlines()), checked.stderr
    assert "Traceback" not in checked.stderr
