"""``validate``: a validation of rule files as problem lines, JSON or GitHub annotations,
and the one-line summary for people."""

from __future__ import annotations

import json
from typing import Any

from ntm_eval.rules.validation import Validation

SCHEMA_VERSION = 1


def summary(result: Validation, lang: str = "en") -> str:
    """One line for people (stderr): how many files, how many problems."""
    from ntm_eval.i18n import tr

    problems = result.problems
    errors = sum(p.is_error for p in problems)
    counts = tr(lang, "problems", errors=errors, warnings=len(problems) - errors)
    if result.usage:
        return tr(lang, "validate.nothing", counts=counts)
    state = (
        tr(lang, "validate.invalid", n=len(result.invalid))
        if result.invalid
        else tr(lang, "validate.valid")
    )
    return tr(lang, "validate.checked", files=len(result.files), state=state, counts=counts)


def render_text(result: Validation, color: bool = False, lang: str = "en", **_: Any) -> str:
    return "".join(p.format(color=color, lang=lang) + "\n" for p in result.problems)


def render_json(result: Validation, color: bool = False, **_: Any) -> str:
    problems = result.problems
    doc = {
        "schema_version": SCHEMA_VERSION,
        "valid": not result.usage and not result.invalid,
        "files": [{"path": f.path, "valid": f.valid} for f in result.files],
        "errors": [p.to_dict() for p in problems if p.is_error],
        "warnings": [p.to_dict() for p in problems if not p.is_error],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def render_github(result: Validation, color: bool = False, **_: Any) -> str:
    """GitHub Actions workflow commands: each problem becomes an annotation on its line."""
    from ntm_eval.render.problems import github

    return github(result.problems)
