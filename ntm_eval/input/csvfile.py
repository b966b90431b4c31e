"""CSV files as people save them: the text encoding and the separator are found, not assumed.

Encodings: UTF-8 with or without BOM, UTF-16 or UTF-32 with BOM (Excel's "Unicode text"),
or the one named with ``--encoding``. Anything else is refused with a message that says
what to do — text is never decoded by guesswork (no mojibake). Separators: comma,
semicolon or tab, chosen by which one splits the header into known column names.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, chain, islice, repeat
from pathlib import Path
from typing import IO, Any, NamedTuple, NoReturn, cast

from ntm_eval.diagnostics import InputError, Problem
from ntm_eval.input import files
from ntm_eval.input.cells import blank

DELIMITERS = (",", ";", "\t")
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ENCODING_HINT = (
    "save the file as 'CSV UTF-8' (Excel: File › Save As › CSV UTF-8), or name "
    "its encoding with --encoding (e.g. --encoding cp1258 for Windows Vietnamese)"
)
_ENCODING_HINT_VI = (
    "hãy lưu tệp dưới dạng 'CSV UTF-8' (Excel: File › Save As › CSV UTF-8), hoặc ghi "
    "bảng mã của tệp bằng --encoding (ví dụ --encoding cp1258 cho tiếng Việt của Windows)"
)


def read_bytes(path: Path, shown: str) -> bytes:
    """The bytes of a data file (``files.read_bytes``: bounded, a pipe read once)."""
    return files.read_bytes(path, shown, files.DATA)


def decode(raw: bytes, shown: str, encoding: str | None = None) -> str:
    """The text of a CSV file; ``InputError`` when it is not text in a known encoding."""
    if encoding is not None:
        codec = named_codec(encoding, raw[:4096], shown)
        return _decode_as(raw, codec, shown, f"{encoding} text")
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return _decode_as(raw, codec, shown, f"{codec.replace('-sig', '')} text")
    if raw.startswith(b"PK\x03\x04"):
        raise InputError(
            [
                Problem(
                    "D001",
                    "this is a zip file — probably an Excel workbook; give "
                    "it the .xlsx extension, or save the sheet as CSV UTF-8",
                    shown,
                    message_vi="đây là tệp nén zip — có lẽ là sổ tính Excel; hãy đặt đuôi "
                    ".xlsx cho tệp, hoặc lưu trang tính dưới dạng CSV UTF-8",
                )
            ]
        )
    if raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise InputError(
            [
                Problem(
                    "D001",
                    "this is an old Excel (.xls) or other Office file; "
                    "save it as .xlsx or as CSV UTF-8",
                    shown,
                    message_vi="đây là tệp Excel cũ (.xls) hoặc tệp Office khác; hãy lưu "
                    "dưới dạng .xlsx hoặc CSV UTF-8",
                )
            ]
        )
    head = raw[:4096]
    if b"\x00" in head:
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if max(odd, even) * 4 > len(head):
            order = "le" if odd > even else "be"
            raise InputError(
                [
                    Problem(
                        "D001",
                        "looks like UTF-16 text without a byte-order mark; "
                        f"use --encoding utf-16-{order}, or save as CSV UTF-8",
                        shown,
                        message_vi="có vẻ là văn bản UTF-16 không có dấu thứ tự byte (BOM); "
                        f"hãy dùng --encoding utf-16-{order}, hoặc lưu dưới dạng CSV UTF-8",
                    )
                ]
            )
        raise InputError(
            [
                Problem(
                    "D001",
                    "not a text file (it holds NUL bytes); " + _ENCODING_HINT,
                    shown,
                    message_vi="không phải tệp văn bản (có byte NUL); " + _ENCODING_HINT_VI,
                )
            ]
        )
    return _decode_as(raw, "utf-8", shown, "UTF-8 text")


def named_codec(encoding: str, head: bytes, shown: str) -> str:
    """The codec to read a file with, named with ``--encoding`` (``head``: the file's first
    bytes). UTF-16 or UTF-32 named without a byte order, for a file without a byte-order
    mark, is read in the order its first bytes show; ``InputError`` for a name that is no
    encoding, one that is no text encoding (rot13, base64, zlib, …: they turn bytes into
    bytes), or UTF-16/32 whose order cannot be told."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        info = None
    if info is None or not info._is_text_encoding:
        what = (
            f"unknown encoding '{encoding}' (given with --encoding)"
            if info is None
            else f"'{encoding}' (given with --encoding) is not a text encoding: it turns "
            "bytes into other bytes"
        )
        what_vi = (
            f"không biết bảng mã '{encoding}' (ghi bằng --encoding)"
            if info is None
            else f"'{encoding}' (ghi bằng --encoding) không phải bảng mã văn bản: nó biến "
            "byte thành byte khác"
        )
        raise InputError(
            [
                Problem(
                    "D001",
                    f"{what}; try utf-8, utf-16, cp1258 or cp1252",
                    shown,
                    message_vi=f"{what_vi}; hãy thử utf-8, utf-16, cp1258 hoặc cp1252",
                )
            ]
        )
    codec = info.name
    if codec in _ORDER_MARKS and not head.startswith(_ORDER_MARKS[codec]):
        order = _byte_order(head, int(codec[-2:]) // 8)
        if order is None:
            raise InputError(
                [
                    Problem(
                        "D001",
                        f"{codec} text without a byte-order mark, in an order its start "
                        f"does not show; use --encoding {codec}-le or --encoding {codec}-be",
                        shown,
                        message_vi=f"văn bản {codec} không có dấu thứ tự byte (BOM), và phần "
                        "đầu tệp không cho biết thứ tự byte; hãy dùng "
                        f"--encoding {codec}-le hoặc --encoding {codec}-be",
                    )
                ]
            )
        return f"{codec}-{order}"
    return codec


#: The byte-order marks that say a UTF-16 or UTF-32 file's order.
_ORDER_MARKS = {
    "utf-16": (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE),
    "utf-32": (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE),
}


def _byte_order(head: bytes, size: int) -> str | None:
    """'le' or 'be' for text of ``size``-byte units (2 or 4) without a byte-order mark,
    from where the zero bytes of its mostly ASCII characters sit; None when unclear."""
    usable = head[: len(head) // size * size]
    if not usable:
        return None
    units = len(usable) // size
    last, first = usable[size - 1 :: size].count(0), usable[::size].count(0)
    if last * 4 > units * 3 and first * 4 < units:
        return "le"
    if first * 4 > units * 3 and last * 4 < units:
        return "be"
    return None


def _decode_as(raw: bytes, codec: str, shown: str, what: str) -> str:
    what_vi = "văn bản " + what.removesuffix(" text")
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise InputError(
            [
                Problem(
                    "D001",
                    f"not {what} (byte 0x{bad} on line {line}); " + _ENCODING_HINT,
                    shown,
                    line,
                    message_vi=f"không phải {what_vi} (byte 0x{bad} ở dòng {line}); "
                    + _ENCODING_HINT_VI,
                )
            ]
        ) from None
    except UnicodeError as exc:  # a codec's own complaint (idna: a label too long)
        raise InputError(
            [
                Problem(
                    "D001",
                    f"not {what} ({exc}); " + _ENCODING_HINT,
                    shown,
                    message_vi=f"không phải {what_vi} ({exc}); " + _ENCODING_HINT_VI,
                )
            ]
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not unicodedata.is_normalized("NFC", text):  # cp1258 and macOS write decomposed accents
        text = unicodedata.normalize("NFC", text)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(
            [
                Problem(
                    "D001",
                    f"not a text file (NUL character on line {line}); " + _ENCODING_HINT,
                    shown,
                    line,
                    message_vi=f"không phải tệp văn bản (ký tự NUL ở dòng {line}); "
                    + _ENCODING_HINT_VI,
                )
            ]
        )
    return text


def sniff_delimiter(text: str, known: Callable[[str], bool]) -> tuple[str, int]:
    """The separator of ``text`` and how many leading lines to skip (Excel's ``sep=;`` line).

    The candidate that splits the first record into the most known column names wins;
    then the one that splits it into the most cells; then the comma.
    """
    first_line = text.split("\n", 1)[0].strip("\r")
    if (
        first_line.lower().startswith("sep=")
        and len(first_line) == 5
        and first_line[4] in DELIMITERS
    ):
        return first_line[4], 1
    sample = text[:65536]
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        try:
            header = next(
                (r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter) if r),
                [],
            )
        except csv.Error:
            continue
        score = (sum(1 for cell in header if known(cell)), len(header))
        if score > best_score:
            best, best_score = delimiter, score
    return best, 0


def read_records(
    path: Path, shown: str, known: Callable[[str], bool], encoding: str | None = None
) -> list[tuple[int, list[str]]]:
    """The non-blank records of a CSV file, each with the line it starts on."""
    text = decode(read_bytes(path, shown), shown, encoding)
    delimiter, skip = sniff_delimiter(text, known)
    stream = io.StringIO(text, newline="")
    for _ in range(skip):
        stream.readline()
    records: list[tuple[int, list[str]]] = []
    next_line = 1 + skip
    try:
        for taken, cells in split_records(stream, delimiter):
            if not blank(cells):
                records.append((next_line, cells))
            next_line += taken
    except csv.Error as exc:
        raise InputError(
            [
                Problem(
                    "D001",
                    f"CSV syntax error: {exc}",
                    shown,
                    next_line,
                    message_vi=f"lỗi cú pháp CSV: {csv_error_vi(exc)}",
                )
            ]
        ) from None
    return records


#: The longest cell read (characters): the csv module's own bound, four times what an
#: Excel cell holds (32,767). A longer cell is an error of its row (``Misread``).
MAX_CELL = 131_072


class Stray(NamedTuple):
    """A quote that opened a cell and did not close it where a cell could end: read as a
    letter. ``column`` is the cell's 0-based position; ``lines`` how many lines the quoted
    cell would have taken; ``closed`` whether it closed at all before the end of file."""

    column: int
    lines: int
    closed: bool


class Long(NamedTuple):
    """A cell longer than ``MAX_CELL``: at ``column`` (0-based), ``length`` characters,
    the first of which are ``head``."""

    column: int
    length: int
    head: str


class Misread(list):
    """The cells of a record that could only be read by a guess (``why``: a ``Stray``
    quote taken as a letter, or a ``Long`` cell): the row reader reports it and judges
    none of the row's measures."""

    __slots__ = ("why",)

    def __init__(self, cells: Iterable[Any], why: Stray | Long) -> None:
        super().__init__(cells)
        self.why = why

    def like(self, cells: Iterable[Any]) -> Misread:
        """Other ``cells`` (the same ones normalised) with the same mark."""
        return Misread(cells, self.why)


def split_records(
    lines: Iterator[str], delimiter: str, width: int | None = None
) -> Iterator[tuple[int, list[str]]]:
    """The records of ``lines`` (a CSV file's lines after any ``sep=`` line, each with its
    line end), each with the number of lines it was read from. The one place a CSV
    file's text is split into cells: ``read_records`` and ``iter_batches`` both read
    through it.

    A quoted cell may hold line ends (Alt+Enter in Excel). But a stray quote — one typed
    at the start of a cell and never closed — would make the rest of the file one cell,
    and its communes vanish. A record read over several lines is taken for a stray quote
    when its quoted cell never closes, or the record does not have the header's ``width``
    cells (the first non-blank record's, when not given), or one of the lines it swallows
    holds as many separators as a row: then its first line is read alone with that quote
    as a letter (a ``Misread`` record), and the lines after it as rows. A cell longer than
    ``MAX_CELL`` makes its record a ``Misread`` too, the rest of the file read as usual.
    """
    kept: list[str] = []
    ended: list[bool] = []
    source = iter(lines)
    while True:
        reader = csv.reader(_tapped(source, kept, ended), delimiter=delimiter, strict=False)
        try:
            for cells in reader:
                if len(kept) == 1 and not ended:
                    kept.clear()
                    if width is None and not blank(cells):
                        width = len(cells)
                    yield 1, cells
                    continue
                taken = kept[:]
                kept.clear()
                if width is None and not blank(cells):
                    width = len(cells)
                if _stray(taken, cells, width, bool(ended), delimiter):
                    yield 1, _literal(taken, delimiter, bool(ended))
                    break
                yield len(taken), cells
            else:
                return
        except csv.Error as exc:  # a cell longer than MAX_CELL
            if "field larger than field limit" not in str(exc):
                raise
            taken = kept[:]
            kept.clear()
            # on one line, a long cell; over several, a quote that did not close in time
            yield (
                1,
                _long(taken[0], delimiter) if len(taken) == 1 else _literal(taken, delimiter, True),
            )
        source = chain(taken[1:], source)
        ended.clear()


def _tapped(lines: Iterator[str], kept: list[str], ended: list[bool]) -> Iterator[str]:
    """``lines``, each also put in ``kept`` (the lines of the record being read), and
    ``ended`` marked when they run out."""
    append = kept.append
    for line in lines:
        append(line)
        yield line
    ended.append(True)


def _stray(taken: list[str], cells: list[str], width: int | None, ended: bool, sep: str) -> bool:
    """Whether the record read from the lines ``taken`` came from a stray
    quote rather than a quoted cell holding line ends (see ``split_records``)."""
    if ended and not _closes(taken, sep):
        return True
    if len(taken) == 1:
        return False
    if width is not None and len(cells) != width:
        return True
    return (
        width is not None and width > 1 and any(line.count(sep) >= width - 1 for line in taken[1:])
    )


def _closes(taken: list[str], sep: str) -> bool:
    """Whether the quoted cell of the record read from ``taken`` closes before the end of
    the file: a line after it is then a record of its own."""
    mark = "\uffff"
    text = "".join(taken) + "\n" + mark + "\n"
    try:
        return [mark] in csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=False)
    except csv.Error:  # the quoted cell grew longer than MAX_CELL: not closed in time
        return False


def _literal(taken: list[str], sep: str, ended: bool) -> Misread:
    """The first of the lines ``taken`` read alone, the quote that opened its last cell
    taken as a letter (its separators then split cells, as in the lines around it)."""
    first = taken[0]
    cells = _one_line(first, sep)
    opened = cells.pop().rstrip("\r\n").split(sep)
    column = len(cells)
    cells += ['"' + opened[0], *opened[1:]]
    closed = not ended or _closes(taken, sep)
    return Misread(cells, Stray(column, len(taken), closed))


def _long(line: str, sep: str) -> Misread:
    """The cells of a line one of which is longer than ``MAX_CELL`` (read with a higher
    bound), the first such cell cut to its start."""
    cells = _one_line(line, sep)
    column = max(range(len(cells)), key=lambda i: len(cells[i]))
    cell = cells[column]
    cells[column] = cell[:MAX_CELL]
    return Misread(cells, Long(column, len(cell), cell[:40]))


def _one_line(line: str, sep: str) -> list[str]:
    """The cells of one line alone, however long its cells (the csv module's bound is
    the process's: it is put back at once)."""
    bound = csv.field_size_limit()
    csv.field_size_limit(max(bound, len(line) + 1))
    try:
        return next(csv.reader([line], delimiter=sep, strict=False), [])
    finally:
        csv.field_size_limit(bound)


#: Bytes decoded at a time while checking a file before streaming it.
_CHUNK = 1 << 20


def iter_records(
    path: Path, shown: str, known: Callable[[str], bool], encoding: str | None = None
) -> Iterator[tuple[int, list[str]]]:
    """``read_records``, one record at a time: the file is never held in memory whole.
    A file ``read_records`` refuses raises the same problem, when it is found (see
    ``iter_batches``)."""
    for lines, rows in iter_batches(path, shown, known, encoding):
        for line, record in zip(lines, cast("list[list[str]]", rows)):  # not raw: text
            cells = [c if c.isascii() else unicodedata.normalize("NFC", c) for c in record]
            if record.__class__ is Misread:
                cells = record.like(cells)
            if not blank(cells):
                yield line, cells


def iter_batches(
    path: Path,
    shown: str,
    known: Callable[[str], bool],
    encoding: str | None = None,
    size: int = 512,
    raw: bool = False,
    progress: Callable[[float, int], None] | None = None,
) -> Iterator[tuple[Sequence[int], list[list[str]] | list[list[bytes]]]]:
    """The records of a CSV file, ``size`` at a time, with the line each one starts on,
    read as they come: the file is never held in memory whole. Cells are not
    NFC-normalised and blank records are kept: the caller does both, on the cells it reads
    (the same result as ``read_records``: a separator or quote never combines with
    accents; a file whose separator is ';' and that holds U+037E, which normalises to ';',
    is read by ``read_records``).

    With ``raw``, the records of a UTF-8 file come as bytes, not decoded: splitting bytes
    is twice as fast as splitting text with accents (each piece of text is scanned for its
    widest character). The caller decodes the cells it reads, and must check that the
    others are UTF-8 (``read_records`` refuses a file that is not). From the first batch
    holding a quote or a line ending in '\r' alone, records come as text (from the start
    when the first 64 KiB hold such a line end).

    ``progress``, when given, is told before each batch the share of the file read so far
    and the line the batch ends on.

    A file ``read_records`` refuses raises the same ``InputError`` — from the first bytes
    (not text, a workbook, an unknown encoding), or when the reading reaches the bad part
    (a byte of another encoding, a NUL character): batches before it have been given.
    """
    codec = _streamable_codec(path, shown, encoding)
    opened = None
    if codec is not None:
        opened = _open_lines(path, codec, known, raw and codec in ("utf-8", "utf-8-sig"))
    if opened is not None and codec is not None and _needs_plain_reader(path, codec, opened[2]):
        opened[0].close()
        opened = None
    if opened is None:  # read_records has the exact problem to report, or reads the file
        records = read_records(path, shown, known, encoding)
        for i in range(0, len(records), size):
            part = records[i : i + size]
            if progress is not None:
                progress((i + len(part)) / len(records), part[-1][0])
            yield [line for line, _ in part], [cells for _, cells in part]
        return
    f: Any
    lines: Any
    f, lines, delimiter, skip, rest = opened
    binary = rest is not None  # lines are bytes, rest holds the sample's lines not read
    read_to = (
        None
        if progress is None
        else _teller(progress, (f if binary else f.buffer).tell, os.fstat(f.fileno()).st_size)
    )
    with f:
        first = 1 + skip  # the line the next record starts on
        width = None  # the header's cells, once a batch held it
        try:
            # Lines without a quote are split at the separator: what csv.reader gives them,
            # sooner. From the first batch holding a quote (or a line longer than a field
            # may be), split_records reads the rest.
            limit = csv.field_size_limit()
            kind: Any = bytes if binary else str
            ends = repeat(b"\r\n" if binary else "\r\n")
            cut = repeat(delimiter.encode() if binary else delimiter)
            quote = repeat('"')
            while True:
                chunk = list(islice(lines, size))
                if not chunk:
                    return
                if binary:
                    joined = b"".join(chunk)
                    if (
                        b'"' in joined
                        or max(map(len, chunk)) > limit
                        or (b"\r" in joined and joined.count(b"\r") != joined.count(b"\r\n"))
                    ):
                        break
                elif any(map(str.__contains__, chunk, quote)) or max(map(len, chunk)) > limit:
                    break
                if read_to is not None:
                    read_to(first + len(chunk) - 1)
                rows = list(map(kind.split, map(kind.rstrip, chunk, ends), cut))
                if width is None:
                    width = next((len(r) for r in rows if any(c.strip() for c in r)), None)
                count = len(chunk)
                yield range(first, first + count), rows
                # the batch is the caller's: not held while the next one is read and split
                del rows, chunk
                first += count
            if binary:  # the rest as text, its lines split as the text reader splits them
                assert rest is not None
                chunk = list(io.StringIO((joined + rest.read()).decode("utf-8"), newline=""))
                lines = io.TextIOWrapper(f, encoding="utf-8", newline="")
            split = split_records(chain(chunk, lines), delimiter, width)
            while True:
                part = list(islice(split, size))
                if not part:
                    return
                taken, cells = zip(*part)
                if taken.count(1) == len(taken):
                    starts: Sequence[int] = range(first, first + len(taken))
                    first += len(taken)
                else:
                    starts = list(accumulate(taken[:-1], initial=first))
                    first = starts[-1] + taken[-1]
                if read_to is not None:
                    read_to(first - 1)
                yield starts, list(cells)
                del part, cells  # not held while the next batch is read (see above)
        except (csv.Error, UnicodeError) as exc:
            refuse(
                path,
                shown,
                known,
                encoding,
                f"CSV syntax error: {exc}",
                f"lỗi cú pháp CSV: {csv_error_vi(exc)}",
                first,
            )


def _teller(
    progress: Callable[[float, int], None], where: Callable[[], int], size: int
) -> Callable[[int], None]:
    """What tells ``progress`` the share read of a file of ``size`` bytes (``where`` says
    the byte reached; the file's binary layer tells it while lines are read) and a line."""
    size = max(size, 1)

    def read_to(line: int) -> None:
        progress(where() / size, line)

    return read_to


def refuse(
    path: Path,
    shown: str,
    known: Callable[[str], bool],
    encoding: str | None,
    message: str,
    message_vi: str,
    line: int | None = None,
) -> NoReturn:
    """Raise the problem ``read_records`` finds in a file that could not be streamed to
    the end; ``message`` (on ``line``; ``message_vi`` in Vietnamese) should it find none."""
    read_records(path, shown, known, encoding)
    raise InputError([Problem("D001", message, shown, line, message_vi=message_vi)]) from None


#: The csv module's and the codecs' words, in Vietnamese (another is shown quoted).
_CSV_VI = (
    ("field larger than field limit", "ô dài hơn giới hạn của một ô"),
    ("new-line character seen in unquoted field", "có ký tự xuống dòng trong ô không có ngoặc kép"),
    ("line contains NUL", "dòng có ký tự NUL"),
    ("unexpected end of data", "dữ liệu kết thúc đột ngột"),
    ("',' expected after '\"'", "cần dấu ',' sau dấu '\"'"),
)


def csv_error_vi(exc: BaseException) -> str:
    """The csv module's complaint ``exc`` in Vietnamese, or quoted as it is."""
    text = str(exc)
    for en, vi in _CSV_VI:
        if text.startswith(en):
            return vi + text[len(en) :]
    return f"'{text}'"


def _needs_plain_reader(path: Path, codec: str, delimiter: str) -> bool:
    """Whether the file holds what only ``read_records`` reads right: a NUL character
    (refused; the csv module would read it) or, in a ';'-separated file, a character of
    ``STRUCTURAL``. A UTF-8 file is searched as bytes, a megabyte at a time (a national
    file in a few hundredths of a second, in constant memory); another encoding is
    decoded (a file that cannot be is read by ``read_records`` too, which says why)."""
    marks = ["\x00"] + (list(STRUCTURAL) if delimiter == ";" else [])
    with path.open("rb") as f:
        if codec in ("utf-8", "utf-8-sig"):
            needles = [m.encode("utf-8") for m in marks]
            keep = max(map(len, needles)) - 1  # a needle may straddle two blocks
            block = bytearray(_CHUNK + keep)
            view = memoryview(block)
            start = 0
            while True:
                got = f.readinto(view[start : start + _CHUNK])
                if not got:
                    return False
                end = start + got
                if any(block.find(n, 0, end) != -1 for n in needles):
                    return True
                block[:keep] = block[end - keep : end] if keep else b""
                start = keep
        decoder = codecs.getincrementaldecoder(codec)()
        try:
            while True:
                chunk = f.read(_CHUNK)
                text = decoder.decode(chunk, final=not chunk)
                if any(m in text for m in marks):
                    return True
                if not chunk:
                    return False
        except UnicodeError:
            return True


def _open_lines(
    path: Path, codec: str, known: Callable[[str], bool], binary: bool
) -> tuple[IO, Iterator, str, int, IO[bytes] | None] | None:
    """The file opened, its lines after any ``sep=`` line, its separator, the number of
    lines skipped, and — for lines of bytes (``binary``, a UTF-8 file whose lines end in
    ``\n`` or ``\r\n``) — the file's first block, whose lines come first. None when the
    start of the file is not text in ``codec`` (``read_records`` says why)."""
    if binary:
        raw = path.open("rb")
        sample = raw.read(65536)
        whole = sample[:-1] if sample.endswith(b"\r") else sample
        if whole.count(b"\r") == whole.count(b"\r\n"):  # else '\r' alone ends lines: text
            if not sample.endswith(b"\n"):
                sample += raw.readline()  # whole lines only
            if sample.startswith(codecs.BOM_UTF8):
                sample = sample[len(codecs.BOM_UTF8) :]
            try:
                text = sample.decode("utf-8")
            except UnicodeError:
                raw.close()
                return None
            first = io.BytesIO(sample)
            return (raw, *_after_sep(chain(first, raw), text, known), first)
        raw.close()
    f = path.open(encoding=codec, newline="")
    try:
        head = f.read(65536)
        if not head.endswith("\n"):
            head += f.readline()  # whole lines only; '\r' + '\n' stay one line end
    except UnicodeError:
        f.close()
        return None
    if head.startswith("\ufeff"):
        head = head[1:]
    return (f, *_after_sep(chain(io.StringIO(head, newline=""), f), head, known), None)


def _after_sep(
    lines: Iterator, sample: str, known: Callable[[str], bool]
) -> tuple[Iterator, str, int]:
    """``lines`` after any ``sep=`` line, the separator, and the number of lines skipped,
    from the text of the file's first lines."""
    head = sample if sample.isascii() else unicodedata.normalize("NFC", sample)
    delimiter, skip = sniff_delimiter(head, known)
    for _ in range(skip):
        next(lines, None)
    return lines, delimiter, skip


#: Characters whose NFC form holds a separator, quote or line end (U+037E GREEK QUESTION
#: MARK is ';'): a ';'-separated file holding one is normalised whole before it is split
#: into cells. A test checks this against every code point.
STRUCTURAL = "\u037e"


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _streamable_codec(path: Path, shown: str, encoding: str | None) -> str | None:
    """The codec to read ``path`` with as it comes, from its first bytes; None when
    ``read_records`` should read it instead — and report what is wrong with it, exactly
    as it does (no file, a workbook, NUL bytes, an unknown encoding)."""
    try:
        f = path.open("rb")
    except OSError:
        return None
    with f:
        head = f.read(4096)
    if encoding is not None:
        try:
            return named_codec(encoding, head, shown)
        except InputError:
            return None
    codec = next((c for bom, c in _BOMS if head.startswith(bom)), "utf-8")
    if codec == "utf-8" and (head.startswith((b"PK\x03\x04", _OLE)) or b"\x00" in head):
        return None
    return codec
