"""A workbook as openpyxl reads it back, as plain data: every sheet's name, frozen panes,
auto-filter, column widths and print set-up, and every cell holding a value — its value,
data type, number format, fill, font, alignment, quote prefix and link. The run's date
is left out (it changes). ``tests/test_xlsx_readback.py`` compares it with
``tests/cases/xlsx/*.json``; ``python tests/xlsx_readback.py BOOK.xlsx`` prints it."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any


def _rgb(color: Any) -> str | None:
    rgb = getattr(color, "rgb", None)
    return rgb[-6:] if isinstance(rgb, str) else None


def cell(c: Any) -> dict[str, Any]:
    value = c.value
    if isinstance(value, dt.datetime):
        value = "<date>"
    out: dict[str, Any] = {"v": value, "t": c.data_type}
    if c.number_format != "General":
        out["fmt"] = c.number_format
    if c.fill is not None and c.fill.fill_type == "solid":
        out["fill"] = _rgb(c.fill.fgColor)
    font = c.font
    if font.b:
        out["bold"] = True
    if font.sz not in (None, 11):
        out["size"] = font.sz
    if font.u:
        out["underline"] = font.u
    if _rgb(font.color) not in (None, "000000"):
        out["color"] = _rgb(font.color)
    if c.alignment.wrap_text:
        out["wrap"] = c.alignment.vertical or True
    if c.quotePrefix:
        out["quote"] = True
    if c.hyperlink is not None:
        link = c.hyperlink
        out["link"] = link.location or (link.target or "").lstrip("#")
    return out


def readback(path: Path) -> list[dict[str, Any]]:
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheets = []
    for ws in book:
        widths = {k: d.width for k, d in sorted(ws.column_dimensions.items()) if d.customWidth}
        sheet: dict[str, Any] = {
            "name": ws.title,
            "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
            "widths": widths,
            "cells": {
                c.coordinate: cell(c) for row in ws.iter_rows() for c in row if c.value is not None
            },
        }
        if ws.print_title_rows:
            setup = ws.page_setup
            sheet["print"] = {
                "titles": ws.print_title_rows,
                "orientation": setup.orientation,
                "paper": str(setup.paperSize),
                "fit": [
                    setup.fitToWidth,
                    setup.fitToHeight,
                    ws.sheet_properties.pageSetUpPr.fitToPage,
                ],
                "height1": ws.row_dimensions[1].height,
            }
        sheets.append(sheet)
    return sheets


if __name__ == "__main__":
    json.dump(readback(Path(sys.argv[1])), sys.stdout, ensure_ascii=False, indent=0)
