"""Problem lines for people (standard error): ``path:line:col: severity [CODE] message``,
one per problem, then how many there are."""

from __future__ import annotations

from collections.abc import Sequence

from ntm_eval.diagnostics import Problem


def render(problems: Sequence[Problem], *, color: bool = False) -> str:
    """Every problem on its line (the severity tinted when ``color``), then the count."""
    if not problems:
        return ""
    errors = sum(p.is_error for p in problems)
    lines = [p.format(color=color) for p in problems]
    lines.append(f"{errors} error(s), {len(problems) - errors} warning(s)")
    return "\n".join(lines) + "\n"
