"""SARIF 2.1.0 (``check --format sarif``, ``validate --format sarif``): each problem of a
data file, rule file or unit list is a result — its code the ``ruleId``, its severity the
``level``, its file, line and column the ``physicalLocation``. The rules the tool can
report are ``diagnostics.CODES``. Imported only when this format is asked for."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ntm_eval import __version__
from ntm_eval.diagnostics import CODES, Problem

VERSION = "2.1.0"
SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_INDEX = {code: i for i, code in enumerate(CODES)}


def uri(path: str) -> str:
    """A file as a URI reference: relative to the working directory when it is under it
    (``data/2020.csv``), a ``file://`` URI otherwise."""
    target = Path(os.path.abspath(path))
    try:
        return quote(target.relative_to(Path.cwd()).as_posix())
    except ValueError:
        return "file://" + quote(target.as_posix())


def _result(p: Problem) -> dict[str, Any]:
    where = f"{p.cell}: " if p.cell is not None else ""
    location: dict[str, Any] = {"artifactLocation": {"uri": uri(p.path)}}
    if p.line is not None:
        region: dict[str, Any] = {"startLine": p.line}
        if p.col is not None:
            region["startColumn"] = p.col
        location["region"] = region
    result: dict[str, Any] = {
        "ruleId": p.code,
        "ruleIndex": _INDEX[p.code],
        "level": "error" if p.is_error else "warning",
        "message": {"text": f"{where}{p.message}"},
        "locations": [{"physicalLocation": location}],
    }
    extra = {k: v for k, v in (("column", p.column), ("cell", p.cell)) if v is not None}
    if extra:
        result["properties"] = extra
    return result


def document(problems: Sequence[Problem], properties: dict[str, Any] | None = None) -> str:
    """One SARIF log of one run of ntm-eval."""
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "ntm-eval",
                "version": __version__,
                "rules": [
                    {"id": code, "shortDescription": {"text": title}}
                    for code, title in CODES.items()
                ],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(p) for p in problems],
    }
    if properties:
        run["properties"] = properties
    log = {"$schema": SCHEMA, "version": VERSION, "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def render_check(report: Any, **options: Any) -> str:
    s = report.summary
    counts = {"communes": s.communes, "met": s.met, "not_met": s.not_met}
    counts["not_evaluable"] = s.not_evaluable
    return document(report.problems, {"input": report.input_path, "summary": counts})


def failure(input_name: str, problems: Sequence[Problem]) -> str:
    """When nothing could be judged: the problems that stopped the run."""
    return document(problems, {"input": input_name, "summary": None})


def render_validation(result: Any, color: bool = False, **_: Any) -> str:
    return document(result.problems, {"files": [f.path for f in result.files]})
