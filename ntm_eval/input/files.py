"""Every input file is opened through here: data, rule files, unit lists, compared files.

A regular file is read as it is. A device (``/dev/zero``, ``/dev/urandom``, a terminal)
never ends and is refused at once. A pipe or a FIFO (``check <(cat f.csv)``, ``mkfifo``)
can be read only once, while the readers of data open a file more than once (to find its
encoding, to stream it, to look again at the end): it is copied once into a temporary
spool, bounded, and read from there; the spool is removed when the process ends. A FIFO
that no program writes to is refused after ``WRITER_WAIT`` seconds instead of waiting
forever. Every kind of input has a size bound, checked before it is read whole.
"""

from __future__ import annotations

import atexit
import os
import select
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ntm_eval.diagnostics import InputError, Problem, os_error_vi

#: Seconds a FIFO is given for a program to start writing to it.
WRITER_WAIT = 5.0
_BLOCK = 1 << 20


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of input: the problem code that refuses it, what to call it, its bound."""

    code: str
    noun: str  # "data file", as in "give a data file"
    plural: str  # "data files are limited to …"
    limit: int  # bytes
    noun_vi: str = ""  # "tệp dữ liệu"


DATA = Kind("D001", "data file", "data files", 4 << 30, "tệp dữ liệu")
RULES = Kind("R001", "rule file", "rule files", 5_000_000, "tệp tiêu chí")
UNITS = Kind("D030", "unit list", "unit lists", 64 << 20, "danh mục đơn vị hành chính")
COMPARED = Kind("U020", "compared file", "compared files", 256 << 20, "tệp so sánh")


def readable(path: Path, shown: str, kind: Kind) -> Path:
    """A path to read ``path`` from as often as needed: itself for a regular file under
    ``kind``'s bound, a spooled copy of a pipe or FIFO; ``InputError`` otherwise."""
    try:
        info = os.stat(path)
    except FileNotFoundError:  # a path as typed: a usage error, whatever its kind
        raise InputError(
            [Problem("U030", "no such file", shown, message_vi="không có tệp này")]
        ) from None
    except OSError as exc:
        raise _refuse(
            kind,
            shown,
            f"cannot read the file: {exc.strerror}",
            f"không đọc được tệp: {os_error_vi(exc)}",
        ) from None
    mode = info.st_mode
    if stat.S_ISREG(mode):
        if info.st_size > kind.limit:
            raise _refuse(
                kind,
                shown,
                f"file is {info.st_size:,} bytes; {kind.plural} are limited to {kind.limit:,}",
                f"tệp có {info.st_size:,} byte; {kind.noun_vi} chỉ được tối đa {kind.limit:,} byte",
            )
        return path
    if stat.S_ISDIR(mode):
        raise _refuse(
            kind,
            shown,
            f"is a folder; give a {kind.noun}",
            f"đây là thư mục; hãy ghi một {kind.noun_vi}",
        )
    if stat.S_ISFIFO(mode):
        return _spool(path, shown, kind)
    device = stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
    what = "a device" if device else "not a regular file"
    what_vi = "thiết bị" if device else "không phải tệp thông thường"
    raise _refuse(
        kind,
        shown,
        f"is {what}, not a file; give a {kind.noun}",
        f"đây là {what_vi}, không phải tệp; hãy ghi một {kind.noun_vi}",
    )


def read_bytes(path: Path, shown: str, kind: Kind) -> bytes:
    """The whole content of ``path`` (see ``readable``), never more than ``kind``'s bound."""
    usable = readable(path, shown, kind)
    try:
        with open(usable, "rb") as f:
            raw = f.read(kind.limit + 1)
    except OSError as exc:
        raise _refuse(
            kind,
            shown,
            f"cannot read the file: {exc.strerror}",
            f"không đọc được tệp: {os_error_vi(exc)}",
        ) from None
    if len(raw) > kind.limit:  # it grew since it was looked at
        raise _refuse(
            kind,
            shown,
            f"file is over {kind.limit:,} bytes, the bound of {kind.plural}",
            f"tệp dài hơn {kind.limit:,} byte, giới hạn của {kind.noun_vi}",
        )
    return raw


def _refuse(kind: Kind, shown: str, message: str, message_vi: str) -> InputError:
    return InputError([Problem(kind.code, message, shown, message_vi=message_vi)])


def _spool(path: Path, shown: str, kind: Kind) -> Path:
    """The content of the pipe or FIFO ``path``, copied once into a temporary file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO without a writer: no wait
    except OSError as exc:
        raise _refuse(
            kind,
            shown,
            f"cannot read the file: {exc.strerror}",
            f"không đọc được tệp: {os_error_vi(exc)}",
        ) from None
    try:
        # a pipe (``<(…)``, stdin) has its writer; a named FIFO may have none yet
        if (
            "pipe:[" not in os.path.realpath(path)
            and not select.select([fd], [], [], WRITER_WAIT)[0]
        ):
            raise _refuse(
                kind,
                shown,
                f"is a FIFO no program wrote to within {WRITER_WAIT:g} seconds; "
                f"start the program that writes to it first, or give a {kind.noun}",
                f"đây là FIFO chưa có chương trình nào ghi vào trong {WRITER_WAIT:g} giây; "
                f"hãy chạy chương trình ghi vào nó trước, hoặc ghi một {kind.noun_vi}",
            )
        os.set_blocking(fd, True)
        with tempfile.NamedTemporaryFile(dir=_spool_folder(), delete=False) as out:
            size = 0
            while block := os.read(fd, _BLOCK):
                size += len(block)
                if size > kind.limit:
                    raise _refuse(
                        kind,
                        shown,
                        f"pipe holds more than {kind.limit:,} bytes; "
                        f"{kind.plural} are limited to {kind.limit:,}",
                        f"luồng (pipe) chứa hơn {kind.limit:,} byte; {kind.noun_vi} chỉ được "
                        f"tối đa {kind.limit:,} byte",
                    )
                out.write(block)
    except OSError as exc:
        raise _refuse(
            kind,
            shown,
            f"cannot read the file: {exc.strerror}",
            f"không đọc được tệp: {os_error_vi(exc)}",
        ) from None
    finally:
        os.close(fd)
    return Path(out.name)


_folder: list[str] = []  # the spool folder of this process, once made


def _spool_folder() -> str:
    """A temporary folder for the spools of this process, removed when it ends."""
    if not _folder:
        _folder.append(tempfile.mkdtemp(prefix="ntm-eval-"))
        atexit.register(shutil.rmtree, _folder[0], ignore_errors=True)
    return _folder[0]
