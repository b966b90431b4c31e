"""Where a product goes: stdout, or a file written atomically (``--output FILE``).

A file is written to a temporary file in the same folder and renamed over the target only
once complete, so a reader never sees half a file and a failed run leaves the old file.
``-o`` writes regular files only: a device, a pipe, a socket or a folder is refused (the
rename would put a file in its place), a symbolic link is written through (the link
stays, its target is replaced), a file keeps its permissions, and no input of the run can
be the output (it would be destroyed before, or while, it is read).
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ntm_eval.diagnostics import InputError, Problem, os_error_vi

#: Signals that end a run: each is raised as ``Interrupted`` where the run is, so that
#: ``atomic_open`` removes its temporary file (a killed national run would leave gigabytes).
ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)

#: What a write fails with when the disk, the quota or the file size limit is reached.
FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


class Interrupted(BaseException):
    """The run was told to stop by signal ``signum``. A ``BaseException``, as
    ``KeyboardInterrupt``: no ``except Exception`` on the way may swallow it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _interrupt(signum: int, frame: Any) -> None:
    raise Interrupted(signum)


def stop_on_signals() -> None:
    """Turn each of ``ENDING_SIGNALS`` into ``Interrupted`` (for the command, not for a
    program that uses ntm-eval as a library: its signals are its own)."""
    for sig in ENDING_SIGNALS:
        signal.signal(sig, _interrupt)


def is_full(exc: OSError) -> bool:
    """Whether ``exc`` says there is no more room to write."""
    return exc.errno in FULL


#: What ``-o`` may not replace, by the test of its mode, in words.
NOT_REGULAR = (
    (stat.S_ISDIR, "a folder", "một thư mục"),
    (stat.S_ISCHR, "a device", "một thiết bị"),
    (stat.S_ISBLK, "a device", "một thiết bị"),
    (stat.S_ISFIFO, "a named pipe (FIFO)", "một đường ống có tên (FIFO)"),
    (stat.S_ISSOCK, "a socket", "một socket"),
)


def file_target(path: Path, shown: str | None = None) -> tuple[Path, int | None]:
    """The regular file that writing ``path`` replaces (a symbolic link followed to its
    target, so the link stays a link) and its permission bits (None: no file yet).
    ``InputError`` U011 when something other than a regular file is there."""
    real = Path(os.path.realpath(path))
    try:
        mode = os.stat(real).st_mode
    except OSError:  # nothing there yet, or unreachable: the write says why
        return real, None
    found = next(((en, vi) for test, en, vi in NOT_REGULAR if test(mode)), None)
    if found is not None:
        kind, kind_vi = found
        message = (
            f"-o names {kind}, not a regular file, and would be replaced by one: omit -o to "
            "write to stdout, or redirect with >"
        )
        vi = (
            f"-o chỉ tới {kind_vi}, không phải tệp thông thường, và sẽ bị thay bằng một tệp: "
            "hãy bỏ -o để ghi ra màn hình (stdout), hoặc chuyển hướng bằng >"
        )
        raise InputError([Problem("U011", message, shown or str(path), message_vi=vi)])
    return real, stat.S_IMODE(mode)


def check_output(path: Path, inputs: Iterable[str | os.PathLike | None]) -> None:
    """Refuse, before anything is read, an ``-o`` that cannot be a product of this run: not
    a regular file (U011), or one of the run's inputs under any spelling or link (U012)."""
    file_target(path)
    for named in inputs:
        if named is not None and _same_file(path, named):
            message = (
                f"-o names an input of this run ({named}): writing there would destroy it; "
                "choose another output file"
            )
            vi = (
                f"-o chỉ tới một tệp đầu vào của lần chạy này ({named}): ghi vào đó sẽ xóa "
                "mất tệp; hãy chọn tệp kết quả khác"
            )
            raise InputError([Problem("U012", message, str(path), message_vi=vi)])


def _same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two paths are one file (False when either is missing or unreachable)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _new_file_mode() -> int:
    """The mode a new file gets from ``open``: 0666 less the umask (mkstemp makes 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_open(path: Path, shown: str | None = None, binary: bool = False) -> Iterator[IO]:
    """Open ``path`` for writing text; it appears (or is replaced, keeping its mode) only
    when the block ends without an exception; whatever ends it (an ``Interrupted`` too)
    leaves no temporary file. ``OSError``s become an ``InputError`` with code U010."""
    shown = shown or str(path)
    target, mode = file_target(path, shown)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError([_unwritable(shown, exc)]) from None
    try:
        with (
            os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        ) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _new_file_mode() if mode is None else mode)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise InputError([_unwritable(shown, exc)]) from None
        raise


def _unwritable(shown: str, exc: OSError) -> Problem:
    return Problem(
        "U010",
        f"cannot write the output file: {exc.strerror}",
        shown,
        message_vi=f"không ghi được tệp kết quả: {os_error_vi(exc)}",
    )


def file_number(stream: Any) -> int | None:
    """The file descriptor under ``stream``, or None (no stream, or one without a file)."""
    try:
        return stream.fileno() if stream is not None else None
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
        return None


def binary_writer(stream: Any) -> tuple[IO[bytes] | None, Any]:
    """A binary writer for the text stream ``stream`` (flushed first), and what to call
    when done: a 1 MiB buffer on its file when it has one (a national file's output is
    many gigabytes: one system call per megabyte, not per line), else its own binary
    buffer, else (None, None) for a stream of text only."""
    import io

    binary = getattr(stream, "buffer", None)
    fd = file_number(binary)
    stream.flush()
    if binary is None or fd is None:
        return binary, None
    binary.flush()
    out = io.BufferedWriter(io.FileIO(fd, "w", closefd=False), buffer_size=1 << 20)
    return out, out.flush


def render(renderer: Any, obj: Any, **options: Any) -> str:
    """The whole output of a format (a ``render.Renderer``) as one string."""
    import io

    out = io.StringIO()
    renderer.write(obj, out, **options)
    return out.getvalue()


def emit(renderer: Any, obj: Any, output: Path | None, **options: Any) -> None:
    """Write ``obj`` in a format (a ``render.Renderer``) to ``output``, or to stdout."""
    if getattr(renderer, "binary", False):  # a workbook: bytes, to a pipe or a file
        if output is None:
            sys.stdout.flush()
            renderer.write(obj, sys.stdout.buffer, **options)
            sys.stdout.buffer.flush()
            return
        with atomic_open(output, binary=True) as f:
            renderer.write(obj, f, **options)
        return
    if output is None:
        renderer.write(obj, sys.stdout, **options)
        sys.stdout.flush()
        return
    with atomic_open(output) as f:
        if renderer.bom:  # spreadsheets detect UTF-8 by it
            f.write("\ufeff")
        renderer.write(obj, f, **options)
