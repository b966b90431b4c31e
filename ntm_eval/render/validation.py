"""``validate``: a validation of rule files as problem lines, JSON or GitHub annotations,
and the one-line summary for people."""

from __future__ import annotations

import json

from ntm_eval.rules.validation import Validation

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


def render_github(result: Validation, color: bool = False) -> str:
    """GitHub Actions workflow commands: each problem becomes an annotation on its line."""
    from ntm_eval.render.problems import github

    return github(result.problems)
