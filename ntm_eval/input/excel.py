"""Excel workbooks (.xlsx): one sheet → rows of cells, as the sheet shows them.

openpyxl is imported here only, when a workbook is read: start-up time matters for the
CSV path. Cells keep their type (numbers stay numbers, so no decimal-mark question
arises); a number formatted as a percentage comes as a ``cells.Percent``, for the column's
reader to decide: a percentage column reads it as shown (0.855 shown as 85.5% is 85.5).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

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


def choose_sheet(sheets: list[Any], sheet: str | None, shown: str) -> tuple[Any, list[Problem]]:
    """The worksheet to read, and a warning when it is hidden. By default the first
    *visible* sheet: a hidden sheet is often an old copy or a lookup table, and judging it
    while the user looks at another would give verdicts for data they never saw. A hidden
    sheet is read only when ``--sheet`` names it."""
    if not sheets:
        raise InputError(
            [
                Problem(
                    "D001",
                    "the workbook has no worksheet",
                    shown,
                    message_vi="sổ tính không có trang tính nào",
                )
            ]
        )
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
                        message_vi=f"sổ tính không có trang tính nào đang hiện (đang ẩn: "
                        f"{hidden}); hãy chỉ định trang tính cần đọc bằng --sheet",
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
            [
                Problem(
                    "D001",
                    f"no sheet named '{sheet}'; the workbook has {have}",
                    shown,
                    message_vi=f"không có trang tính tên '{sheet}'; sổ tính có {have}",
                )
            ]
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
        message_vi=f"trang tính '{ws.title}' đang bị ẩn"
        + (" (chỉ macro mới hiện được)" if ws.sheet_state == "veryHidden" else "")
        + "; vẫn được đọc vì --sheet chỉ định trang này",
    )
    return ws, [note]


class Sheet:
    """One worksheet of a workbook, open for reading: its rows come as the sheet part is
    read (``rows``), never held whole, so memory stays flat on a full sheet.

    Rows are read straight from the sheet's XML (``_stored_rows``), each by openpyxl's
    own row parser (``WorkSheetParser.parse_row``, what its read-only sheets use), not
    through ``iter_rows``: that one drops a row stored after a higher-numbered one (a file
    not written by Excel may store rows in any order), and builds a cell object per cell
    just to give its number format, which here is one set lookup of the cell's style.
    """

    def __init__(self, path: Path, shown: str, sheet: str | None) -> None:
        self.shown = shown
        self.reader = _load(path, shown)
        try:
            chosen, notes = choose_sheet(_sheets(self.reader), sheet, shown)
            self.title: str = chosen.title
            #: problems of the sheet itself; rows stored twice join it as they are read
            self.problems: list[Problem] = list(notes)
            self.part = self.reader.archive.getinfo(chosen.part)
            self._percent = _percent_styles(self.reader.wb)
            _check_strings(self.reader.shared_strings, shown)
        except BaseException:
            self.close()
            raise
        self._source: Any = None

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """The non-empty rows in the order stored, each with its own row number, none
        dropped; a row number stored twice is reported (``D050``), both rows read."""
        book, percent, shown = self.reader.wb, self._percent, self.shown
        seen = _RowNumbers()
        try:
            with self.reader.archive.open(self.part) as source:
                self._source = source
                parser = _parser()(
                    source,
                    self.reader.shared_strings,
                    data_only=True,
                    epoch=book.epoch,
                    date_formats=book._date_formats,
                    timedelta_formats=book._timedelta_formats,
                )
                for number, cells in _stored_rows(parser, source):
                    row = _values(cells, percent)
                    if row is None:
                        continue
                    if isinstance(row, int):
                        raise _too_long(shown, self.title, number, row)
                    stored = seen.add(number)
                    if stored is not None:
                        self.problems.append(_stored_twice(shown, number, stored, seen.count))
                    yield number, row
        except InputError:
            raise
        except Exception as exc:  # a damaged part inside a valid zip: say so, no traceback
            raise _unreadable(shown, exc) from None
        finally:
            self._source = None
            self.close()

    def done(self) -> float:
        """How much of the sheet has been read, from 0 to 1 (for progress)."""
        source = self._source
        if source is None or not self.part.file_size:
            return 1.0
        try:
            return min(1.0, source.tell() / self.part.file_size)
        except (OSError, ValueError):  # a stream that cannot tell: no share to show
            return 0.0

    def close(self) -> None:
        self.reader.archive.close()


class _Entry(NamedTuple):
    """A worksheet as the workbook lists it."""

    title: str
    sheet_state: str  # 'visible', 'hidden' or 'veryHidden'
    part: str  # its part in the zip


def _sheets(reader: Any) -> list[_Entry]:
    """The worksheets of a workbook, in order (chart sheets hold no rows)."""
    return [
        _Entry(sheet.name, sheet.state or "visible", rel.target)
        for sheet, rel in reader.parser.find_sheets()
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type
    ]


def _stored_rows(parser: Any, source: Any) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """(row number, cells) of each row of a sheet part, in the order stored, each row
    read by openpyxl's ``parse_row``. Unlike openpyxl's own loop, a row read is taken
    out of the tree: the tree would otherwise keep every row (emptied), 80 bytes each,
    80 MB on a full sheet. A row is complete when the next one starts (or the part ends),
    so only start events are asked for: no more than openpyxl's end events."""
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    row_tag, data_tag = f"{{{SHEET_MAIN_NS}}}row", f"{{{SHEET_MAIN_NS}}}sheetData"
    data, pending = None, None
    for _, element in iterparse(source, events=("start",)):
        tag = element.tag
        if tag == row_tag:
            if pending is not None:
                yield parser.parse_row(pending)
                if data is not None and len(data) and data[0] is pending:
                    del data[0]
            pending = element
        elif tag == data_tag:
            data = element
    if pending is not None:
        yield parser.parse_row(pending)


@cache
def _parser() -> Any:
    """openpyxl's sheet parser, reading a plain inline string (``<is><t>…</t></is>``, what
    openpyxl and pandas write) straight from its element: openpyxl builds a rich-text
    object for each, which took a third of the time of reading such a sheet. Any other
    inline string (rich text, phonetic runs) is left to openpyxl."""
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS

    inline_tag, text_tag = f"{{{SHEET_MAIN_NS}}}is", f"{{{SHEET_MAIN_NS}}}t"

    class Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            if element.get("t") == "inlineStr":
                inline = element.find(inline_tag)
                if inline is not None and len(inline) == 1 and inline[0].tag == text_tag:
                    element.remove(inline)  # the rest of the cell as openpyxl reads it
                    cell: dict[str, Any] = super().parse_cell(element)
                    cell["value"], cell["data_type"] = inline[0].text or "", "s"
                    return cell
            return super().parse_cell(element)

    return Parser


#: A cell holds at most this many characters in Excel; a longer one was not written by
#: Excel, and a giant one only costs memory and time.
CELL_LIMIT = 32_767
#: The last row of an Excel sheet.
LAST_ROW = 1_048_576


def _values(cells: list[dict[str, Any]], percent: frozenset[int]) -> list[Any] | int | None:
    """A row's cells (``WorkSheetParser`` dicts) as values, by column; None when every
    cell is empty, the column of a cell holding too long a text (an int) instead. A
    percent-formatted number comes as a ``cells.Percent``."""
    if not cells:
        return None
    row: list[Any] = [None] * max(c["column"] for c in cells)
    for c in cells:
        value = c["value"]
        if value is None:
            continue
        cls = value.__class__
        if cls is str:
            if len(value) > CELL_LIMIT:
                return int(c["column"])
        elif c["style_id"] in percent and (cls is float or cls is int):
            value = Percent(value)
        row[c["column"] - 1] = value
    while row and (row[-1] is None or (row[-1].__class__ is str and not row[-1].strip())):
        row.pop()
    return row or None


class _RowNumbers:
    """The row numbers read so far, and where each was stored (1 = the first row stored):
    a flat array up to Excel's last row, so a full sheet costs 4 MB, not a set of a
    million numbers."""

    def __init__(self) -> None:
        from array import array

        self.where = array("I", bytes(4 * (LAST_ROW + 1)))
        self.beyond: dict[int, int] = {}  # row numbers past Excel's last row (a damaged file)
        self.count = 0

    def add(self, number: int) -> int | None:
        """Note the row ``number`` stored next; where it was stored before, if it was."""
        self.count += 1
        if 0 <= number <= LAST_ROW:
            before = self.where[number] or None
            if before is None:
                self.where[number] = self.count
        else:
            before = self.beyond.get(number)
            if before is None:
                self.beyond[number] = self.count
        return before


def _stored_twice(shown: str, number: int, first: int, second: int) -> Problem:
    return Problem(
        "D050",
        f"row {number} is stored twice in the sheet (the {_nth(first)} and the "
        f"{_nth(second)} row stored); Excel shows only one of them — both are read: "
        "open the file in Excel, check the rows, and save it again",
        shown,
        number,
        message_vi=f"dòng {number} được lưu hai lần trong trang tính (bản lưu thứ {first:,} "
        f"và thứ {second:,}); Excel chỉ hiện một trong hai — cả hai đều được đọc: hãy mở tệp "
        "bằng Excel, kiểm tra các dòng này và lưu lại",
    )


def _nth(n: int) -> str:
    """1 → '1st', 22 → '22nd', 13 → '13th'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def _too_long(shown: str, sheet: str, line: int, col: int) -> InputError:
    return InputError(
        [
            Problem(
                "D051",
                f"the cell holds more than {CELL_LIMIT:,} characters, more than Excel "
                "allows in a cell: the file was not written by Excel, or is damaged",
                shown,
                line,
                col,
                cell=sheet_ref(sheet, line, col),
                message_vi=f"ô chứa hơn {CELL_LIMIT:,} ký tự, nhiều hơn giới hạn một ô của "
                "Excel: tệp không do Excel ghi, hoặc đã bị hỏng",
            )
        ]
    )


def _check_strings(strings: list[Any], shown: str) -> None:
    """Refuse a shared string longer than a cell may hold (see ``CELL_LIMIT``)."""
    for index, text in enumerate(strings):
        if len(text) > CELL_LIMIT:
            raise InputError(
                [
                    Problem(
                        "D051",
                        f"shared string {index} holds {len(text):,} characters, more than "
                        f"Excel allows in a cell ({CELL_LIMIT:,}): the file was not written "
                        "by Excel, or is damaged",
                        shown,
                        message_vi=f"chuỗi dùng chung {index} chứa {len(text):,} ký tự, nhiều "
                        f"hơn giới hạn một ô của Excel ({CELL_LIMIT:,}): tệp không do Excel "
                        "ghi, hoặc đã bị hỏng",
                    )
                ]
            )


def _percent_styles(book: Any) -> frozenset[int]:
    """The cell styles whose number format shows a percentage (``0.0%``)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    custom = book._number_formats
    percent = set()
    for i, style in enumerate(book._cell_styles):
        fmt = style.numFmtId
        if fmt < BUILTIN_FORMATS_MAX_SIZE:
            code = BUILTIN_FORMATS.get(fmt, "General")
        else:
            code = custom[fmt - BUILTIN_FORMATS_MAX_SIZE]
        if "%" in code:
            percent.add(i)
    return frozenset(percent)


#: Bounds on a workbook's parts, read from its zip directory before any part is: a part
#: past them is refused, in no time, instead of filling memory for minutes (a 534 KB
#: file may hold a 6 GB string). A real full sheet (1,048,576 rows × 56 columns) is about
#: 3 GB of XML compressed about 12:1; the shared strings are held in memory whole.
SHEET_LIMIT = 4 * 2**30  # a worksheet part, read as it comes
STRINGS_LIMIT = 256 * 2**20  # the shared strings (xl/sharedStrings.xml), held whole
XML_LIMIT = 64 * 2**20  # any other XML part (workbook, styles, relationships, …)
RATIO_LIMIT = 100  # uncompressed : compressed, for a part over RATIO_FROM
RATIO_FROM = 16 * 2**20


def check_parts(path: Path, shown: str) -> None:
    """Refuse a workbook whose zip directory shows a part too big to read, or compressed
    suspiciously well (a zip bomb), naming the part and both sizes. A file that is no zip
    is left to openpyxl, which says what is wrong with it."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    for part in parts:
        found = _too_big(part.filename, part.file_size, part.compress_size)
        if found:
            why, why_vi = found
            raise InputError(
                [
                    Problem(
                        "D001",
                        f"part '{part.filename}' of the workbook unpacks to "
                        f"{part.file_size:,} bytes from {part.compress_size:,} in the file; "
                        f"{why}: it is not read (a damaged file, or one made to exhaust "
                        "memory); open it in Excel and save it again, or save the sheet "
                        "as CSV UTF-8",
                        shown,
                        message_vi=f"phần '{part.filename}' của sổ tính khi giải nén dài "
                        f"{part.file_size:,} byte từ {part.compress_size:,} byte trong tệp; "
                        f"{why_vi}: phần này không được đọc (tệp hỏng, hoặc tệp được tạo để "
                        "làm cạn bộ nhớ); hãy mở tệp bằng Excel và lưu lại, hoặc lưu trang "
                        "tính dưới dạng CSV UTF-8",
                    )
                ]
            )


def _too_big(name: str, size: int, packed: int) -> tuple[str, str] | None:
    """Why a part of ``size`` bytes (``packed`` in the file) is not read, if it is not
    (in English and in Vietnamese)."""
    lower = name.lower()
    if lower.startswith("xl/worksheets/"):
        limit, what, what_vi = SHEET_LIMIT, "a worksheet", "một trang tính"
    elif lower.endswith("sharedstrings.xml"):
        limit, what, what_vi = STRINGS_LIMIT, "the shared strings", "các chuỗi dùng chung"
    elif lower.endswith((".xml", ".rels")):
        limit, what, what_vi = XML_LIMIT, "such a part", "một phần như vậy"
    else:
        limit, what, what_vi = None, "", ""
    if limit is not None and size > limit:
        return (
            f"more than {what} may hold ({limit:,} bytes)",
            f"nhiều hơn mức {what_vi} có thể chứa ({limit:,} byte)",
        )
    if size > RATIO_FROM and size > RATIO_LIMIT * max(packed, 1):
        return (
            f"compressed more than {RATIO_LIMIT}:1, far more than real data is",
            f"nén hơn {RATIO_LIMIT}:1, cao hơn nhiều so với dữ liệu thật",
        )
    return None


def _load(path: Path, shown: str) -> Any:
    """openpyxl's reader of the workbook at ``path``, once its zip directory shows nothing
    too big to read (``check_parts``), with the list of sheets, the shared strings and the
    styles read. Not ``load_workbook``: without a dimension record in a sheet (openpyxl
    and pandas write none), it reads every sheet through just to size it."""
    try:
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise InputError(
            [
                Problem(
                    "D001",
                    "reading .xlsx needs the openpyxl package (pip install openpyxl)",
                    shown,
                    message_vi="cần gói openpyxl để đọc tệp .xlsx (pip install openpyxl)",
                )
            ]
        ) from None
    if not path.exists():
        raise InputError([Problem("U030", "no such file", shown, message_vi="không có tệp này")])
    if path.is_dir():
        raise InputError(
            [
                Problem(
                    "D001",
                    "is a folder; give a data file",
                    shown,
                    message_vi="đây là thư mục; hãy ghi một tệp dữ liệu",
                )
            ]
        )
    check_parts(path, shown)
    try:
        reader = ExcelReader(path, read_only=True, data_only=True)
        try:
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
        except BaseException:
            reader.archive.close()
            raise
        return reader
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
                    message_vi=f"không phải sổ tính Excel (.xlsx) đọc được: '{detail}'; hãy mở "
                    "tệp bằng Excel và lưu lại dưới dạng .xlsx, hoặc lưu trang tính dưới dạng "
                    "CSV UTF-8",
                )
            ]
        ) from None


def _unreadable(shown: str, exc: Exception) -> InputError:
    return InputError(
        [
            Problem(
                "D001",
                "the workbook could not be read "
                f"({type(exc).__name__}: {str(exc)[:120]}); open it in Excel "
                "and save it again as .xlsx",
                shown,
                message_vi=f"không đọc được sổ tính ({type(exc).__name__}: '{str(exc)[:120]}'); "
                "hãy mở tệp bằng Excel và lưu lại dưới dạng .xlsx",
            )
        ]
    )
