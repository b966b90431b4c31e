"""How far a long check has read its file: one line on a terminal's standard error.

A national panel takes seconds to check. When standard error is a terminal, a line such as
``checking panel.csv: 42% read, line 420,001, 4 s`` appears after a second and is redrawn
a few times a second, then erased before anything else is written: nothing of it stays on
the screen, and nothing reaches a pipe, a file or a log (standard error is then not a
terminal). ``NTM_EVAL_PROGRESS`` sets the seconds before it appears (default 1), or turns
it off (``off``).
"""

from __future__ import annotations

import os
import time
from typing import IO

from ntm_eval.shown import printable

#: Seconds before the line appears (a run shorter than that shows nothing), and between
#: redraws.
AFTER = 1.0
EVERY = 0.2
_ENV = "NTM_EVAL_PROGRESS"


class Progress:
    """Call with the share of the file read (0–1) and the last line read; ``close``
    erases the line. Cheap when nothing is drawn: one clock reading per call."""

    def __init__(self, stream: IO[str], label: str, after: float = AFTER) -> None:
        self.stream, self.label = stream, printable(label)  # a path: no control through
        self.start = time.monotonic()
        self.due = self.start + after
        self.shown = False

    def __call__(self, share: float, line: int) -> None:
        now = time.monotonic()
        if now < self.due:
            return
        self.due = now + EVERY
        told = f": {min(share, 1.0):.0%} read, line {line:,}, {now - self.start:.0f} s"
        room = self.width() - 1 - len("checking ") - len(told)  # one line, never wrapped
        label = (
            self.label
            if len(self.label) <= room
            else "…" + self.label[-room + 1 :]
            if room > 8
            else "…"
        )
        self.stream.write("\rchecking " + label + told + "\x1b[K")
        self.stream.flush()
        self.shown = True

    def width(self) -> int:
        try:
            return os.get_terminal_size(self.stream.fileno()).columns or 80
        except (AttributeError, ValueError, OSError):
            return 80

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def for_terminal(stream: IO[str], label: str) -> Progress | None:
    """A ``Progress`` on ``stream`` when it is a terminal (and ``NTM_EVAL_PROGRESS`` does not
    say ``off``), else None."""
    setting = os.environ.get(_ENV, "").strip().lower()
    if setting in ("off", "no", "false", "never") or os.environ.get("TERM") == "dumb":
        return None
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):  # no file behind it, or closed
        return None
    try:
        after = float(setting) if setting else AFTER
    except ValueError:
        after = AFTER
    return Progress(stream, label, max(after, 0.0))
