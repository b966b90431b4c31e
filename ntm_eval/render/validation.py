"""``validate``: a validation of rule files as problem lines, JSON or GitHub annotations,
and the one-line summary for people."""

from __future__ import annotations

import json

from ntm_eval.rules.validation import Validation
from ntm_eval.shown import printable

SCHEMA_VERSION = 1


def summary(result: Validation) -> str:
    """One line for people (stderr): how many files, how many problems."""
    problems = result.problems
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    counts = f"{errors} error(s), {warnings} warning(s)"
    if result.usage:
        return f"nothing checked: {counts}"
    state = f"{len(result.invalid)} invalid" if result.invalid else "all valid"
    return f"{len(result.files)} file(s) checked, {state}: {counts}"


def render_text(result: Validation, color: bool = False) -> str:
    return "".join(p.format(color=color) + "\n" for p in result.problems)


def render_json(result: Validation, color: bool = False) -> str:
    problems = result.problems
    doc = {
        "schema_version": SCHEMA_VERSION,
        "valid": not result.usage and not result.invalid,
        "files": [{"path": f.path, "valid": f.valid} for f in result.files],
        "errors": [p.to_dict() for p in problems if p.is_error],
        "warnings": [p.to_dict() for p in problems if not p.is_error],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: Validation, color: bool = False) -> str:
    """GitHub Actions workflow commands: each problem becomes an annotation on its line."""
    lines = []
    for p in result.problems:
        props = [f"file={_gh_property(printable(p.path))}"]
        if p.line is not None:
            props.append(f"line={p.line}")
            if p.col is not None:
                props.append(f"col={p.col}")
        props.append(f"title={_gh_property('ntm-eval ' + p.code)}")
        kind = "error" if p.is_error else "warning"
        lines.append(f"::{kind} {','.join(props)}::{_gh_data(f'[{p.code}] {p.message}')}\n")
    return "".join(lines)
