"""Where a product goes: stdout, or a file written atomically (``--output FILE``).

A file is written to a temporary file in the same folder and renamed over the target only
once complete, so a reader never sees half a file and a failed run leaves the old file.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ntm_eval.diagnostics import InputError, Problem


@contextlib.contextmanager
def atomic_open(path: Path, shown: str | None = None, binary: bool = False) -> Iterator[IO]:
    """Open ``path`` for writing text; it appears (or is replaced) only when the block ends
    without an exception. ``OSError``s become an ``InputError`` with code U010."""
    shown = shown or str(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(
            [Problem("U010", f"cannot write the output file: {exc.strerror}", shown)]
        ) from None
    try:
        with (
            os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        ) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise InputError(
                [Problem("U010", f"cannot write the output file: {exc.strerror}", shown)]
            ) from None
        raise


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
    if output is None:
        renderer.write(obj, sys.stdout, **options)
        sys.stdout.flush()
        return
    with atomic_open(output) as f:
        if renderer.bom:  # spreadsheets detect UTF-8 by it
            f.write("\ufeff")
        renderer.write(obj, f, **options)
