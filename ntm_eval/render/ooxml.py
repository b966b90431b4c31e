"""A small writer of Office Open XML workbooks (``.xlsx``) that streams the sheets' XML.

A national check writes millions of cells (a row per commune × measure), and a cell object
per cell is what made a workbook slow to write: here a cell is a piece of text, made once
per distinct value where it can be (a status word, a measure's name, a commune's code
repeated on its fifty rows), and a row is those pieces with its row number put in.
Sheets go into the zip file as they are written — one at a time; a sheet written between
another's rows (``buffered``) waits in a temporary file — so memory stays bounded however
many rows there are. Texts are shared strings while the table is small, inline strings
after. No cell is ever a formula: only values are written.

What the workbooks of ``render.xlsx`` need, and nothing more: fonts, solid fills, number
formats, wrapped alignment and Excel's quote prefix; column widths, frozen panes,
auto-filters, links within the workbook, A3 landscape printing with a repeated title row.
The output is the same for the same calls (zip entries carry a fixed date).
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

#: Deflate level. Measured on a check of 2,000 communes (100,000 Indicators rows), the whole
#: run: level 1 1.0 s of CPU and 5.5 MB, 4 1.07 s and 4.7 MB, zlib's default 6 1.37 s and
#: 4.2 MB (openpyxl's writer: 20 s and 7.2 MB). Speed first: a national year is large.
LEVEL = 1
#: The most distinct texts the shared-string table holds: memory stays bounded; texts
#: after are written inline.
SHARED = 20_000
#: Cells of texts remembered (forgotten all at once when full: the words of a workbook
#: come back at once, a commune's name is seldom seen again).
REMEMBERED = 8_192
#: What Excel holds in a cell is 32,767 characters; a longer text is cut (with a note).
CELL_TEXT = 32_000
#: Stands for the row number in a row's XML until the row is written (never in a text: a
#: NUL is escaped before it gets here, and XML could not hold it anyway).
ROW = "\x00"

_ROW_OPEN = f'<row r="{ROW}">'
_DATE = (1980, 1, 1, 0, 0, 0)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: Characters XML 1.0 cannot hold that ``shown.printable`` lets through; shown as it shows
#: a format character.
_ILLEGAL = re.compile("[\ud800-\udfff\ufffe\uffff]")
#: Excel reads ``_x0041_`` in a text as "A": a text that holds one is written escaped.
_OOXML_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
#: Number formats Excel knows by id (others get ids from 164).
BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9}
FONTS = {
    "": '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>',
    "bold": '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>',
    "title": '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>',
    "link": '<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/>'
    '<family val="2"/></font>',
}


def escape(text: str) -> str:
    """``text`` as XML character data or an attribute value (in double quotes)."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)
    if "_x" in text:
        text = _OOXML_ESCAPE.sub("_x005F_", text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    return text


def letter(n: int) -> str:
    """The letters of the ``n``-th column (1 → A, 27 → AA)."""
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def _split(cell: str) -> tuple[int, int]:
    """``F2`` → (6, 2)."""
    letters = cell.rstrip("0123456789")
    column = 0
    for char in letters:
        column = column * 26 + ord(char) - 64
    return column, int(cell[len(letters) :])


def quoted_name(name: str) -> str:
    """A sheet's name as a formula or a link names it: ``'Lỗi dữ liệu'``."""
    return "'" + name.replace("'", "''") + "'"


class Styles:
    """Cell formats (``s="N"``), made as they are asked for: the same call, the same id."""

    def __init__(self) -> None:
        self.fonts = list(FONTS)
        self.fills: list[str] = []
        self.formats: dict[str, int] = {}
        self.xfs: list[tuple[int, int, int, bool, bool]] = [(0, 0, 0, False, False)]
        self._ids: dict[tuple[Any, ...], int] = {}
        self._quoted: dict[int, int] = {}

    def get(
        self,
        font: str = "",
        fill: str | None = None,
        number_format: str | None = None,
        wrap: bool = False,
        quote: bool = False,
    ) -> int:
        """The id of a format: ``font`` a key of ``FONTS``, ``fill`` an RGB colour."""
        key = (font, fill, number_format, wrap, quote)
        found = self._ids.get(key)
        if found is not None:
            return found
        if fill is not None and fill not in self.fills:
            self.fills.append(fill)
        fmt = 0
        if number_format is not None:
            fmt = BUILTIN_FORMATS.get(number_format, -1)
            if fmt < 0:
                fmt = self.formats.setdefault(number_format, 164 + len(self.formats))
        fill_id = 0 if fill is None else 2 + self.fills.index(fill)
        xf = (fmt, self.fonts.index(font), fill_id, wrap, quote)
        if xf not in self.xfs:
            self.xfs.append(xf)
        found = self._ids[key] = self.xfs.index(xf)
        return found

    def quoted(self, style: int) -> int:
        """``style`` with Excel's quote prefix: a text that stays text when edited."""
        found = self._quoted.get(style)
        if found is None:
            fmt, font, fill, wrap, _ = self.xfs[style]
            xf = (fmt, font, fill, wrap, True)
            if xf not in self.xfs:
                self.xfs.append(xf)
            found = self._quoted[style] = self.xfs.index(xf)
        return found

    def xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{i}" formatCode="{escape(code)}"/>'
            for code, i in self.formats.items()
        )
        fills = '<fill><patternFill patternType="none"/></fill>'
        fills += '<fill><patternFill patternType="gray125"/></fill>'
        fills += "".join(
            f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
            f'<bgColor indexed="64"/></patternFill></fill>'
            for rgb in self.fills
        )
        xfs = []
        for fmt, font, fill, wrap, quote in self.xfs:
            attrs = f'numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"'
            attrs += ' applyNumberFormat="1"' * bool(fmt) + ' applyFont="1"' * bool(font)
            attrs += ' applyFill="1"' * bool(fill) + ' quotePrefix="1"' * quote
            if wrap:
                xfs.append(
                    f'<xf {attrs} applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
                )
            else:
                xfs.append(f"<xf {attrs}/>")
        return (
            f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
            + (f'<numFmts count="{len(self.formats)}">{formats}</numFmts>' if formats else "")
            + f'<fonts count="{len(self.fonts)}">{"".join(FONTS[f] for f in self.fonts)}</fonts>'
            + f'<fills count="{2 + len(self.fills)}">{fills}</fills>'
            + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            + "</borders>"
            + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            + "</cellStyleXfs>"
            + f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            + "</cellStyles></styleSheet>"
        )


class Book:
    """A workbook written to ``stream`` as it is made; ``close`` finishes it.

    Cells are made by ``text`` and ``number`` as the XML that follows a cell's reference
    (``' t="s"><v>5</v></c>'``, ``""`` for an empty cell); ``Sheet.row`` puts a row of them
    in their columns.
    """

    def __init__(self, stream: IO[bytes], level: int = LEVEL) -> None:
        self.zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED)
        self.level = level
        self.styles = Styles()
        self.sheets: list[Sheet] = []
        self.strings: dict[str, int] = {}
        self._texts: dict[tuple[Any, int], str] = {}
        self._s = [""]  # ' s="N"' by style id
        self.streaming: Sheet | None = None  # the sheet whose zip entry is open
        self._write("_rels/.rels", _package_rels())

    def style(self, **format: Any) -> int:
        """A cell format's id (``Styles.get``)."""
        style = self.styles.get(**format)
        self._attributes()
        return style

    def _attributes(self) -> None:
        while len(self._s) < len(self.styles.xfs):
            self._s.append(f' s="{len(self._s)}"')

    def text(self, value: str, style: int = 0) -> str:
        """A string cell: ``value`` as ``shown.printable`` shows it, never a formula (one
        a spreadsheet would take for a formula gets the quote prefix)."""
        key = (value, style)
        found = self._texts.get(key)
        if found is not None:
            return found
        if not value:  # no text: an empty cell (with its format)
            return f'"{self._s[style]}/>' if style else ""
        from ntm_eval.shown import formula_like, printable

        shown = printable(value, CELL_TEXT)
        if formula_like(shown):
            style = self.styles.quoted(style)
            self._attributes()
        index = self.strings.get(shown)
        # a text holding OOXML's escape is always shared: openpyxl reads the escape back
        # in shared strings only (Excel in both)
        if index is None and (len(self.strings) < SHARED or _OOXML_ESCAPE.search(shown)):
            index = self.strings[shown] = len(self.strings)
        if index is not None:
            cell = f'" t="s"{self._s[style]}><v>{index}</v></c>'
        else:
            space = ' xml:space="preserve"' if shown != shown.strip() else ""
            cell = f'" t="inlineStr"{self._s[style]}><is><t{space}>{escape(shown)}</t></is></c>'
        if len(self._texts) >= REMEMBERED:
            self._texts.clear()
        self._texts[key] = cell
        return cell

    def number(self, value: Any, style: int = 0) -> str:
        """A number cell (``""``, an empty cell, for ``None`` and what is not finite)."""
        if value.__class__ is float:
            if not math.isfinite(value):
                return ""
            # as openpyxl wrote them: 16 digits (Excel shows 15) read 5.8 / 100 as 0.058
            return f'"{self._s[style]}><v>{value:.16g}</v></c>'
        if value is None:
            return ""
        return f'"{self._s[style]}><v>{value}</v></c>'

    def sheet(
        self,
        name: str,
        widths: Iterable[float] = (),
        freeze: str | None = None,
        *,
        buffered: bool = False,
        print_landscape_a3: bool = False,
    ) -> Sheet:
        """A new sheet, last in the workbook's order. ``buffered``: its rows may come while
        another sheet is written (they wait in a temporary file). ``print_landscape_a3``:
        printed on A3 across, one page wide, the first row on every page."""
        sheet = Sheet(self, name, tuple(widths), freeze, buffered, print_landscape_a3)
        self.sheets.append(sheet)
        return sheet

    def close(self) -> None:
        """Every sheet finished, then the workbook's parts; the zip file closed."""
        if self.streaming is not None:
            self.streaming.close()
        for sheet in self.sheets:
            sheet.close()
        n = len(self.sheets)
        self._write("xl/workbook.xml", self._workbook())
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        rels += f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        rels += (
            f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" '
            'Target="sharedStrings.xml"/>'
        )
        self._write(
            "xl/_rels/workbook.xml.rels",
            f'{_HEAD}<Relationships xmlns="{_PKG}/relationships">{rels}</Relationships>',
        )
        self._write("xl/styles.xml", self.styles.xml())
        self._write_strings()
        self._write("[Content_Types].xml", self._content_types())
        self.zip.close()

    # --- parts ---

    def entry(self, name: str, large: bool = False) -> IO[bytes]:
        """A zip entry open for writing: fixed date, this book's deflate level."""
        info = zipfile.ZipInfo(name, date_time=_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        # ZipFile.open takes the level from the ZipInfo (an attribute zipfile names so
        # since 3.7; 3.13 keeps it as an alias of compress_level)
        setattr(info, "_compresslevel", self.level)  # noqa: B010
        return self.zip.open(info, "w", force_zip64=large)

    def _write(self, name: str, text: str) -> None:
        with self.entry(name) as out:
            out.write(text.encode("utf-8"))

    def _write_strings(self) -> None:
        with self.entry("xl/sharedStrings.xml", large=True) as out:
            out.write(f'{_HEAD}<sst xmlns="{_MAIN}" uniqueCount="{len(self.strings)}">'.encode())
            pieces = []
            for text in self.strings:
                space = ' xml:space="preserve"' if text != text.strip() else ""
                pieces.append(f"<si><t{space}>{escape(text)}</t></si>")
                if len(pieces) >= 1000:
                    out.write("".join(pieces).encode("utf-8"))
                    pieces.clear()
            out.write(("".join(pieces) + "</sst>").encode("utf-8"))

    def _workbook(self) -> str:
        sheets = "".join(
            f'<sheet name="{escape(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, s in enumerate(self.sheets, start=1)
        )
        names = []
        for i, s in enumerate(self.sheets):
            where = escape(quoted_name(s.name))
            if s.auto_filter:
                ref = "$" + s.auto_filter.replace(":", ":$")
                ref = re.sub(r"([A-Z]+)(\d+)", r"\1$\2", ref)
                names.append(
                    f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                    f"{where}!{ref}</definedName>"
                )
            if s.print_landscape_a3:
                names.append(
                    f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                    f"{where}!$1:$1</definedName>"
                )
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        return (
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets>{defined}</workbook>"
        )

    def _content_types(self) -> str:
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
            for i in range(1, len(self.sheets) + 1)
        )
        return (
            f'{_HEAD}<Types xmlns="{_PKG}/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f"{sheets}"
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
            "</Types>"
        )


def _package_rels() -> str:
    return (
        f'{_HEAD}<Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )


_letters: list[str] = []  # '<c r="A' + ROW by column


def cells(row: Sequence[str], first: int = 0) -> str:
    """The XML of a row's cells (``Book.text``, ``Book.number``) in the columns from
    ``first`` (0 is A), with ``ROW`` for the row number: a piece of a row that can be made
    once and written on many rows (``Sheet.raw``)."""
    letters = _letters
    while len(letters) < first + len(row):
        letters.append(f'<c r="{letter(len(letters) + 1)}{ROW}')
    return "".join([letters[i] + c for i, c in enumerate(row, first) if c])


class Sheet:
    """One worksheet, written row by row (``row``), finished by ``close``. Its zip entry
    is opened at its first row, and the sheet written before it (unless ``buffered``) is
    then finished: set its ``auto_filter`` and ``links`` before."""

    def __init__(
        self,
        book: Book,
        name: str,
        widths: tuple[float, ...],
        freeze: str | None,
        buffered: bool,
        print_landscape_a3: bool,
    ) -> None:
        self.book = book
        self.name = name
        self.index = len(book.sheets) + 1
        self.widths = widths
        self.freeze = freeze
        self.buffered = buffered
        self.print_landscape_a3 = print_landscape_a3
        self.rows = 0  # rows written (the last row's number)
        self.auto_filter: str | None = None  # "A1:X94"
        self.links: list[tuple[str, str, str]] = []  # (cell, location, display)
        self._pending: list[str] = []
        self._out: IO[bytes] | None = None
        self._closed = False

    # --- rows ---

    def row(self, row: Sequence[str] = (), height: float | None = None) -> int:
        """Write the next row of cells (``Book.text``, ``Book.number``; ``[]``: an empty
        row); its number."""
        if height is not None:
            self.rows += 1
            xml = f'<row r="{self.rows}" ht="{height}" customHeight="1">{cells(row)}</row>'
            self._put(xml.replace(ROW, str(self.rows)))
            return self.rows
        if not row:
            self.rows += 1
            return self.rows
        return self.raw(cells(row))

    def raw(self, xml: str) -> int:
        """Write the next row, its cells as ``cells`` made them; its number."""
        self.rows = n = self.rows + 1
        self._pending.append(f'<row r="{ROW}">{xml}</row>'.replace(ROW, str(n)))
        if len(self._pending) >= 512:
            self._flush()
        return n

    def rows_starting(self, first: str, rests: Iterable[str]) -> None:
        """Write a row for each of ``rests``, each starting with the same cells ``first``
        (``cells`` made them all): the commune's on each of its measures' rows."""
        n = self.rows
        pending = self._pending
        for rest in rests:
            n += 1
            pending.append(('<row r="\x00">' + first + rest + "</row>").replace(ROW, str(n)))
        self.rows = n
        if len(pending) >= 512:
            self._flush()

    def link(self, cell: str, location: str, display: str) -> None:
        """A link from ``cell`` to a place in the workbook (``'Problems'!A1``)."""
        self.links.append((cell, location, display))

    # --- the XML around the rows ---

    def _put(self, xml: str) -> None:
        self._pending.append(xml)

    def _flush(self) -> None:
        if self._out is None:
            self._start()
        assert self._out is not None
        self._out.write("".join(self._pending).encode("utf-8"))
        self._pending.clear()

    def _start(self) -> None:
        if self._closed:
            raise ValueError(f"sheet {self.name!r} is finished")
        if self.buffered:
            self._out = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close)
        else:
            if self.book.streaming is not None:
                self.book.streaming.close()
            self._out = self.book.entry(self._part(), large=True)
            self.book.streaming = self
        self._out.write(self._head().encode("utf-8"))

    def _part(self) -> str:
        return f"xl/worksheets/sheet{self.index}.xml"

    def _head(self) -> str:
        head = f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        if self.print_landscape_a3:
            head += '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        selected = ' tabSelected="1"' if self.index == 1 else ""
        head += f'<sheetViews><sheetView workbookViewId="0"{selected}'
        head += f">{_pane(self.freeze)}</sheetView>" if self.freeze else "/>"
        head += "</sheetViews>"
        head += '<sheetFormatPr defaultRowHeight="15"/>'
        if self.widths:
            head += "<cols>"
            for i, width in enumerate(self.widths, start=1):
                head += f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
            head += "</cols>"
        return head + "<sheetData>"

    def _tail(self) -> str:
        tail = "</sheetData>"
        if self.auto_filter:
            tail += f'<autoFilter ref="{self.auto_filter}"/>'
        if self.links:
            tail += "<hyperlinks>"
            for cell, location, display in self.links:
                tail += (
                    f'<hyperlink ref="{cell}" location="{escape(location)}" '
                    f'display="{escape(display)}"/>'
                )
            tail += "</hyperlinks>"
        tail += (
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
            'footer="0.3"/>'
        )
        if self.print_landscape_a3:
            tail += (
                '<pageSetup paperSize="8" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
            )
        return tail + "</worksheet>"

    def close(self) -> None:
        """Finish the sheet (its tail: auto-filter, links, page set-up)."""
        if self._closed:
            return
        self._put(self._tail())
        self._flush()
        self._closed = True
        if self.book.streaming is self:
            self.book.streaming = None
        out = self._out
        assert out is not None
        if self.buffered:
            size = out.tell()
            out.seek(0)
            info = zipfile.ZipInfo(self._part(), date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = size  # zip64 only when it needs it
            setattr(info, "_compresslevel", self.book.level)  # noqa: B010
            with self.book.zip.open(info, "w") as entry:
                shutil.copyfileobj(out, entry, 1 << 20)
        out.close()


def _pane(cell: str) -> str:
    """The frozen pane whose top-left unfrozen cell is ``cell`` (``F2``)."""
    column, row = _split(cell)
    x, y = column - 1, row - 1
    active = "bottomRight" if x and y else "bottomLeft" if y else "topRight"
    split = (f' xSplit="{x}"' if x else "") + (f' ySplit="{y}"' if y else "")
    return (
        f'<pane{split} topLeftCell="{cell}" activePane="{active}" state="frozen"/>'
        f'<selection pane="{active}" activeCell="{cell}" sqref="{cell}"/>'
    )
