"""Output formats. ``FORMATS`` is the one registry: what a command writes → format name →
``Renderer``. A renderer takes a finished result and writes text to a stream; it never
decides pass or fail. Adding a format is one function and one entry here.

A renderer is named ``module:function`` and imported when used: a command pays for the
format it writes only (start-up time matters: a one-row check is mostly start-up).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any


@dataclass(frozen=True)
class Renderer:
    """How one format is written: ``write(obj, stream, **options)``."""

    #: ``module:function`` (in ``ntm_eval.render``) that writes the format, or that returns
    #: its whole text (``whole``)
    name: str
    #: reads ``results.Results`` (a live ``pipeline.Run``: communes batch by batch, in
    #: bounded memory); otherwise a finished result (a ``Report``, ``Gaps``, …)
    streams: bool = False
    #: a file written with --output starts with a UTF-8 byte-order mark (spreadsheets
    #: detect UTF-8 by it)
    bom: bool = False
    whole: bool = False  # the function returns the text instead of writing it
    #: writes bytes (a workbook) to a binary stream, not text
    binary: bool = False
    #: ``module:function(input_name, problems) -> str``: what stdout gets when the input
    #: cannot be judged at all (the problems that stopped it), for a format read by tools
    failure: str | None = None
    _function: list[Callable[..., Any]] = field(default_factory=list, compare=False, repr=False)

    def write(self, obj: Any, stream: IO[str], **options: Any) -> None:
        if not self._function:
            module, function = self.name.split(":")
            self._function.append(
                getattr(importlib.import_module(f"ntm_eval.render.{module}"), function)
            )
        if self.whole:
            stream.write(self._function[0](obj, **options))
        else:
            self._function[0](obj, stream, **options)

    def fail(self, input_name: str, problems: Any) -> str:
        """The ``failure`` document of this format ("" without one)."""
        if self.failure is None:
            return ""
        module, function = self.failure.split(":")
        return getattr(importlib.import_module(f"ntm_eval.render.{module}"), function)(
            input_name, problems
        )


def input_name(report: Any, lang: str) -> str:
    """The input as people are shown it: the file, and for a workbook the sheet read (a
    workbook may hold several; the reader must see which one was judged)."""
    from ntm_eval.i18n import tr

    if report.input_sheet is None:
        return str(report.input_path)
    return tr(lang, "input.sheet", path=report.input_path, sheet=report.input_sheet)


def _whole(name: str, **kwargs: Any) -> Renderer:
    return Renderer(name, whole=True, **kwargs)


FORMATS: dict[str, dict[str, Renderer]] = {
    "check": {
        "text": _whole("text:render"),
        "json": Renderer("json:write", streams=True),
        "jsonl": Renderer("jsonl:write", streams=True),
        "jsonl-compact": Renderer("compact:write", streams=True),
        "csv": Renderer("csv:write", streams=True, bom=True),
        "markdown": _whole("markdown:render"),
        "xlsx": Renderer("xlsx:write_check", streams=True, binary=True),
        "github": _whole("problems:github_check", failure="problems:github_failure"),
        "sarif": _whole("sarif:render_check", failure="sarif:failure"),
        "junit": _whole("junit:render", failure="junit:failure"),
    },
    "gaps": {
        "text": _whole("text:render_gaps"),
        "json": _whole("json:render_gaps"),
        "jsonl": Renderer("jsonl:write_gaps"),
        "csv": Renderer("csv:write_gaps", bom=True),
        "markdown": _whole("markdown:render_gaps"),
        "xlsx": Renderer("xlsx:write_gaps", binary=True),
    },
    "compare": {
        "text": _whole("text:render_compare"),
        "json": _whole("json:render_compare"),
        "jsonl": Renderer("jsonl:write_compare"),
        "csv": Renderer("csv:write_compare", bom=True),
        "markdown": _whole("markdown:render_compare"),
        "xlsx": Renderer("xlsx:write_compare", binary=True),
    },
    "report": {"html": _whole("html:render")},
    "validate": {
        "text": _whole("validation:render_text"),
        "json": _whole("validation:render_json"),
        "github": _whole("validation:render_github"),
        "sarif": _whole("sarif:render_validation"),
    },
    "rules list": {
        "table": _whole("catalogue:list_table"),
        "json": _whole("catalogue:list_json"),
    },
    "rules show": {
        "table": _whole("catalogue:show_table"),
        "json": _whole("catalogue:show_json"),
        "markdown": _whole("catalogue:show_markdown"),
    },
}


def place(ruleset: Any, lang: str) -> tuple[str, str]:
    """The third column of a table of communes: the district (``district``, its heading),
    or, for a rule set without districts, the class that judged each commune (``region``
    on a result, headed by the class's name, e.g. "Commune group")."""
    from ntm_eval.i18n import tr

    if ruleset.districts:
        return "district", tr(lang, "col.district")
    return "region", ruleset.class_name.get(lang).capitalize()
