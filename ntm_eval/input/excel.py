"""Excel workbooks (.xlsx): one sheet → rows of cells, as the sheet shows them.

openpyxl is imported here only, when a workbook is read: start-up time matters for the
CSV path. Cells keep their type (numbers stay numbers, so no decimal-mark question
arises); a number formatted as a percentage comes as a ``cells.Percent``, for the column's
reader to decide: a percentage column reads it as shown (0.855 shown as 85.5% is 85.5).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ntm_eval.diagnostics import InputError, Problem
from ntm_eval.input.cells import Percent
from ntm_eval.normalise import fold

#: Suffixes read as workbooks.
XLSX_SUFFIXES = (".xlsx", ".xlsm")


def column_letter(col: int) -> str:
    """1 → 'A', 27 → 'AA'."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_ref(sheet: str, line: int | None, col: int | None) -> str | None:
    """``Sheet1!D17`` for a cell, ``Sheet1!17:17`` for a row, quoted as Excel does."""
    if line is None:
        return None
    name = sheet if sheet.replace("_", "").isalnum() else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{column_letter(col)}{line}" if col else f"{name}!{line}:{line}"


def _cell_value(cell: Any) -> Any:
    value = cell.value
    if value.__class__ is str:
        return value
    percent = "%" in (getattr(cell, "number_format", None) or "")
    if percent and isinstance(value, (int, float)) and not isinstance(value, bool):
        return Percent(value)  # the column's reader decides what it means (cells.Percent)
    return value


def choose_sheet(sheets: list[Any], sheet: str | None, shown: str) -> tuple[Any, list[Problem]]:
    """The worksheet to read, and a warning when it is hidden. By default the first
    *visible* sheet: a hidden sheet is often an old copy or a lookup table, and judging it
    while the user looks at another would give verdicts for data they never saw. A hidden
    sheet is read only when ``--sheet`` names it."""
    if not sheets:
        raise InputError([Problem("D001", "the workbook has no worksheet", shown)])
    if sheet is None:
        visible = [ws for ws in sheets if ws.sheet_state == "visible"]
        if not visible:
            hidden = ", ".join(f"'{ws.title}'" for ws in sheets)
            raise InputError(
                [
                    Problem(
                        "D001",
                        f"the workbook has no visible worksheet (hidden: {hidden}); "
                        "name the sheet to read with --sheet",
                        shown,
                    )
                ]
            )
        return visible[0], []
    named = [ws for ws in sheets if ws.title == sheet] or [
        ws for ws in sheets if fold(ws.title) == fold(sheet)
    ]
    if not named:
        have = ", ".join(f"'{ws.title}'" for ws in sheets)
        raise InputError(
            [Problem("D001", f"no sheet named '{sheet}'; the workbook has {have}", shown)]
        )
    ws = named[0]
    if ws.sheet_state == "visible":
        return ws, []
    how = "very hidden (only a macro can show it)" if ws.sheet_state == "veryHidden" else "hidden"
    note = Problem(
        "W130",
        f"sheet '{ws.title}' is {how} in the workbook; it is read because --sheet names it",
        shown,
        severity="warning",
    )
    return ws, [note]


def read_sheet(
    path: Path, shown: str, sheet: str | None
) -> tuple[str, list[tuple[int, list[Any]]], list[Problem]]:
    """The title of the sheet read, its non-empty rows as ``(row number, cells)``, and
    what there is to say about the sheet itself (``choose_sheet``)."""
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise InputError(
            [
                Problem(
                    "D001", "reading .xlsx needs the openpyxl package (pip install openpyxl)", shown
                )
            ]
        ) from None
    if not path.exists():
        raise InputError([Problem("D001", "no such file", shown)])
    if path.is_dir():
        raise InputError([Problem("D001", "is a folder; give a data file", shown)])
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise InputError(
            [
                Problem(
                    "D001",
                    "not a readable Excel workbook (.xlsx): "
                    f"{detail}; open it in Excel and save it again as .xlsx, "
                    "or save the sheet as CSV UTF-8",
                    shown,
                )
            ]
        ) from None
    try:
        ws, notes = choose_sheet(book.worksheets, sheet, shown)
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # some writers record wrong dimensions; read every row
        rows: list[tuple[int, list[Any]]] = []
        for number, row in enumerate(ws.iter_rows(), start=1):
            # Trust a cell's own row number over counting (gaps are filled, but be sure).
            number = next((c.row for c in row if getattr(c, "row", None)), number)
            cells = [_cell_value(c) for c in row]
            while cells and (
                cells[-1] is None or (cells[-1].__class__ is str and not cells[-1].strip())
            ):
                cells.pop()
            if cells:
                rows.append((number, cells))
        return ws.title, rows, notes
    except InputError:
        raise
    except Exception as exc:  # a damaged part inside a valid zip: say so, no traceback
        raise InputError(
            [
                Problem(
                    "D001",
                    "the workbook could not be read "
                    f"({type(exc).__name__}: {str(exc)[:120]}); open it in Excel "
                    "and save it again as .xlsx",
                    shown,
                )
            ]
        ) from None
    finally:
        book.close()
