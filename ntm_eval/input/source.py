"""A commune data file to read: a CSV file or an Excel workbook, chosen by its name.

``open_source`` gives the file's records in batches, as they come (neither a CSV file nor
a workbook's sheet is ever held whole), and can give them again for a second look at the
end (see ``checks.DuplicateCheck``). A file that cannot be used at all — none
there, a format we do not read, an option that does not fit it — raises ``InputError``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

from ntm_eval.diagnostics import InputError, Problem
from ntm_eval.input import files

#: Suffixes of the spreadsheet formats we refuse, with a request to save as .xlsx or CSV.
OTHER_SHEETS = (".xls", ".ods", ".numbers")

Batch = tuple[Sequence[int], list[list[Any]]]  # the line each record starts on; its cells


@dataclass(frozen=True, slots=True)
class Source:
    """Where commune data comes from, and the options that say how to read it."""

    path: Path
    shown: str = ""  # the name to show in problems (default: the path)
    sheet: str | None = None  # the worksheet of a workbook (default: the first visible one)
    encoding: str | None = None  # the encoding of a CSV file that is not UTF-8/16/32
    #: rows that are not a file (``records.Records``: the Python API's mappings or
    #: DataFrame); ``path`` is then only a name
    records: Any = None

    @property
    def name(self) -> str:
        return self.shown or str(self.path)

    @property
    def is_workbook(self) -> bool:
        if self.records is not None:
            return False
        from ntm_eval.input.excel import XLSX_SUFFIXES

        return self.path.suffix.lower() in XLSX_SUFFIXES


class Opened(NamedTuple):
    batches: Iterator[Batch]
    sheet: str | None  # the worksheet read, for a workbook
    again: Callable[[], Iterator[tuple[int, list[Any]]]]  # every non-blank record again
    path: Path  # where the file is read from (a pipe's spool: ``files.readable``)
    #: problems of the file itself (a hidden sheet read, …), for the report
    problems: Sequence[Problem] = ()


def _refuse(source: Source, message: str, message_vi: str) -> InputError:
    return InputError([Problem("D001", message, source.name, message_vi=message_vi)])


def open_source(
    source: Source,
    known: Callable[[str], bool],
    size: int,
    *,
    raw: bool = False,
    progress: Callable[[float, int], None] | None = None,
) -> Opened:
    """The records of ``source`` in batches of ``size``. ``known`` tells a header cell that
    names a column (it picks a CSV file's separator). With ``raw``, a UTF-8 CSV file's
    cells may come as bytes and its blank records are kept (``csvfile.iter_batches``)."""
    if source.records is not None:  # typed values, as a workbook's: read row by row
        from ntm_eval.input import records

        rows = source.records
        return Opened(records.batches(rows, size), None, lambda: records.again(rows), source.path)
    suffix = source.path.suffix.lower()
    if source.is_workbook:
        if source.encoding is not None:
            raise _refuse(
                source,
                "--encoding applies to CSV files; a workbook carries its own encoding",
                "--encoding chỉ dùng cho tệp CSV; sổ tính tự mang bảng mã của nó",
            )
        path = files.readable(source.path, source.name, files.DATA)
        from ntm_eval.input.excel import Sheet

        sheet = Sheet(path, source.name, source.sheet)

        def chunks() -> Iterator[Batch]:
            rows = sheet.rows()
            while part := list(islice(rows, size)):
                if progress is not None:
                    progress(sheet.done(), part[-1][0])
                yield [line for line, _ in part], [cells for _, cells in part]

        def again() -> Iterator[tuple[int, list[Any]]]:
            # the sheet once more, as it comes (its problems were noted the first time)
            return Sheet(path, source.name, sheet.title).rows()

        return Opened(chunks(), sheet.title, again, path, sheet.problems)
    if suffix in OTHER_SHEETS:
        raise _refuse(
            source,
            f"'{suffix}' files cannot be read; save the sheet as .xlsx or as CSV UTF-8",
            f"không đọc được tệp '{suffix}'; hãy lưu trang tính dưới dạng .xlsx hoặc CSV UTF-8",
        )
    if source.sheet is not None:
        raise _refuse(
            source,
            "--sheet applies to Excel workbooks (.xlsx); this file is read as CSV",
            "--sheet chỉ dùng cho sổ tính Excel (.xlsx); tệp này được đọc như tệp CSV",
        )
    from ntm_eval.input.csvfile import iter_batches, iter_records

    path = files.readable(source.path, source.name, files.DATA)
    batches = iter_batches(
        path, source.name, known, source.encoding, size, raw=raw, progress=progress
    )
    return Opened(
        batches, None, lambda: iter_records(path, source.name, known, source.encoding), path
    )
