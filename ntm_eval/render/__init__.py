"""Output formats. ``FORMATS`` is the one registry: what a command writes → format name →
``Renderer``. A renderer takes a finished result and writes text to a stream; it never
decides pass or fail. Adding a format is one function and one entry here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from ntm_eval.render import catalogue, csv, html, json, jsonl, markdown, text, validation


@dataclass(frozen=True)
class Renderer:
    """How one format is written: ``write(obj, stream, **options)``."""

    write: Callable[..., None]
    #: reads ``results.Results`` (a live ``pipeline.Run``: communes batch by batch, in
    #: bounded memory); otherwise a finished result (a ``Report``, ``Gaps``, …)
    streams: bool = False
    #: a file written with --output starts with a UTF-8 byte-order mark (spreadsheets
    #: detect UTF-8 by it)
    bom: bool = False


def _whole(render: Callable[..., str]) -> Callable[..., None]:
    """A writer from a function that returns the whole text."""

    def write(obj: Any, stream: IO[str], **options: Any) -> None:
        stream.write(render(obj, **options))

    return write


FORMATS: dict[str, dict[str, Renderer]] = {
    "check": {
        "text": Renderer(_whole(text.render)),
        "json": Renderer(json.write, streams=True),
        "jsonl": Renderer(jsonl.write, streams=True),
        "csv": Renderer(csv.write, streams=True, bom=True),
        "markdown": Renderer(_whole(markdown.render)),
    },
    "gaps": {
        "text": Renderer(_whole(text.render_gaps)),
        "json": Renderer(_whole(json.render_gaps)),
        "jsonl": Renderer(jsonl.write_gaps),
        "csv": Renderer(csv.write_gaps, bom=True),
        "markdown": Renderer(_whole(markdown.render_gaps)),
    },
    "compare": {
        "text": Renderer(_whole(text.render_compare)),
        "json": Renderer(_whole(json.render_compare)),
        "jsonl": Renderer(jsonl.write_compare),
        "csv": Renderer(csv.write_compare, bom=True),
        "markdown": Renderer(_whole(markdown.render_compare)),
    },
    "report": {"html": Renderer(_whole(html.render))},
    "validate": {
        "text": Renderer(_whole(validation.render_text)),
        "json": Renderer(_whole(validation.render_json)),
        "github": Renderer(_whole(validation.render_github)),
    },
    "rules list": {
        "table": Renderer(_whole(catalogue.list_table)),
        "json": Renderer(_whole(catalogue.list_json)),
    },
    "rules show": {
        "table": Renderer(_whole(catalogue.show_table)),
        "json": Renderer(_whole(catalogue.show_json)),
        "markdown": Renderer(_whole(catalogue.show_markdown)),
    },
}
