"""Whole-CLI golden cases: each folder under cases/check holds the arguments, the input
files and the expected stdout, stderr and exit code. A new case joins without new code.

Regenerate the expectations after a deliberate change (then read the diff!):
    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import run_cli

CASES = sorted(p for p in (Path(__file__).parent / "cases" / "check").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case: Path):
    args = case.joinpath("args").read_text(encoding="utf-8").split("\n")
    result = run_cli(*[a for a in args if a], cwd=case)
    got = {"stdout": result.stdout, "stderr": result.stderr, "code": f"{result.code}\n"}
    if os.environ.get("UPDATE_GOLDEN"):
        for name, text in got.items():
            case.joinpath(f"expected.{name}").write_text(text, encoding="utf-8")
    for name, text in got.items():
        assert text == case.joinpath(f"expected.{name}").read_text(encoding="utf-8"), name
