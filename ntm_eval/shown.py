"""Text from a file, made safe to show a person.

A data cell, a header, a commune name, a sheet name, a path or a rule file's title can
hold anything. Shown raw, an ``ESC ] … BEL`` retitles the terminal, ``ESC [2J`` clears it,
a C1 control (``\\x9b`` is CSI) does the same on some terminals, and a bidi override
(U+202E) reorders what follows, so a line can say something other than what the tool
wrote. Every boundary where such text reaches a person (problem lines, terminal, Markdown
and HTML tables, CSV cells) shows it through ``printable``: C0 controls, DEL and C1
controls as ``\\x1b``, ``\\t``, ``\\n``, ``\\r``; the bidi and line-separator format
characters as ``<U+202E>``; everything else — Vietnamese letters, punctuation —
unchanged. A long text is cut, with a note of its length.

JSON keeps values raw (it escapes controls itself, and tools need the real value).
"""

from __future__ import annotations

import re

#: What is escaped: C0 controls, DEL, C1 controls; Arabic letter mark, LRM, RLM, the line
#: and paragraph separators, the bidi embeddings and overrides, the bidi isolates.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")

#: A value quoted in a problem message: a message stays one readable line.
VALUE = 120
#: A cell of a table for people (terminal, Markdown, HTML).
CELL = 200

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

#: How a cell a spreadsheet would run as a formula starts: ``=``, ``+``, ``-``, ``@``, a tab
#: or a carriage return. A CSV cell so started gets a leading ``'`` (``render.csv``); an
#: xlsx cell is written as a string with Excel's quote prefix (``render.xlsx``).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would take ``text`` typed into a cell for a formula."""
    return text.startswith(FORMULA_START)


def _escaped(char: str) -> str:
    """``\\x1b`` for a control, ``<U+202E>`` for a format character."""
    code = ord(char)
    if code < 0xA0:
        return _NAMED.get(char) or f"\\x{code:02x}"
    return f"<U+{code:04X}>"


def _escape(match: re.Match[str]) -> str:
    return _escaped(match.group())


def _cut(text: str, limit: int) -> str:
    """The longest start of ``text`` whose shown form fits in ``limit`` characters, shown:
    an escape is never cut in half."""
    pieces, size = [], 0
    for char in text[:limit]:
        piece = _escaped(char) if UNSAFE.match(char) else char
        size += len(piece)
        if size > limit:
            break
        pieces.append(piece)
    return "".join(pieces)


def _shown(text: str, limit: int | None) -> tuple[str, int | None]:
    """``text`` escaped, and cut when its shown form is longer than ``limit``; with the
    length of ``text`` when it was cut. Clean text costs one C-level test."""
    if text.isprintable() or UNSAFE.search(text) is None:  # no control: the common case
        if limit is None or len(text) <= limit:
            return text, None
    else:
        shown = UNSAFE.sub(_escape, text)
        if limit is None or len(shown) <= limit:
            return shown, None
    return _cut(text, limit), len(text)


def printable(text: str, limit: int | None = None) -> str:
    """``text`` with every control and bidi character escaped, and — when its shown form
    is longer than ``limit`` — cut, with a note of how long it was:
    ``XXXX… (30,000 characters)``."""
    if text.isprintable() and (limit is None or len(text) <= limit):
        return text  # the common case, without the calls below
    shown, length = _shown(text, limit)
    return shown if length is None else f"{shown}… ({length:,} characters)"


def quoted(text: str, limit: int = VALUE) -> str:
    """``'text'`` for a problem message, shown as by ``printable``; the note of a cut
    text after the closing quote: ``'XXXX…' (30,000 characters)``."""
    shown, length = _shown(text, limit)
    return f"'{shown}'" if length is None else f"'{shown}…' ({length:,} characters)"
