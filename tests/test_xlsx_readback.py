"""The workbooks of data/2020.csv, read back with openpyxl, cell for cell as the golden
read-backs in tests/cases/xlsx: values, data types, number formats, fills, fonts,
alignment, quote prefixes, links, frozen panes, auto-filters, widths and print set-up.

The golden files were made by the openpyxl writer this one replaced (``main`` at
98c1c9a): the stream writer of ``render.ooxml`` writes what it wrote. After a change
meant to show in the workbooks, remake them (and review the diff of their read-backs):

    UPDATE_GOLDEN=1 python -m pytest tests/test_xlsx_readback.py
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, ROOT
from xlsx_readback import readback

pytest.importorskip("openpyxl")

CASES = ROOT / "tests" / "cases" / "xlsx"
RUNS = {
    "check-vi": ("check", "2020.csv", "--lang", "vi"),
    "gaps-vi": ("gaps", "2020.csv", "--lang", "vi"),
    "compare-en": ("compare", "2020-self-assessment.csv", "2020.csv"),
    # names that would run as formulas, controls, XML's and OOXML's escapes; problems
    "hostile-vi": ("check", "hostile.csv", "--lang", "vi"),
}


def _run(cli, tmp_path, case: str) -> list:
    for name in ("2020.csv", "2020-self-assessment.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    shutil.copy(CASES / "hostile.csv", tmp_path / "hostile.csv")
    result = cli(*RUNS[case], "-o", "out.xlsx", cwd=tmp_path)
    assert result.code in (0, 3), result.stderr
    return readback(tmp_path / "out.xlsx")


@pytest.mark.parametrize("case", sorted(RUNS))
def test_workbook_reads_back_as_the_golden_one(cli, tmp_path, case):
    got = _run(cli, tmp_path, case)
    golden = CASES / f"{case}.json.gz"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(gzip.compress(json.dumps(got, ensure_ascii=False).encode(), mtime=0))
    _same(got, golden)


def test_texts_past_the_shared_table_read_back_the_same(tmp_path, monkeypatch):
    """Past ``ooxml.SHARED`` distinct texts, texts are inline strings: the same cells."""
    from conftest import run_in_process

    from ntm_eval.render import ooxml

    monkeypatch.setattr(ooxml, "SHARED", 5)
    monkeypatch.setattr(ooxml, "REMEMBERED", 7)
    got = _run(run_in_process, tmp_path, "hostile-vi")
    with zipfile.ZipFile(tmp_path / "out.xlsx") as z:
        assert b't="inlineStr"' in z.read("xl/worksheets/sheet3.xml")
    _same(got, CASES / "hostile-vi.json.gz")


def _same(got: list, golden: Path) -> None:
    expected = json.loads(gzip.decompress(golden.read_bytes()))
    assert [s["name"] for s in got] == [s["name"] for s in expected]
    for mine, theirs in zip(got, expected):
        cells, golden_cells = mine.pop("cells"), theirs.pop("cells")
        assert mine == theirs, mine["name"]
        for ref in golden_cells.keys() | cells.keys():  # the first cell that differs, named
            assert cells.get(ref) == golden_cells.get(ref), f"{mine['name']}!{ref}"
