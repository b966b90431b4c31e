"""Problem lines for people (standard error): ``path:line:col: severity [CODE] message``,
one per problem, then how many there are; and the same problems as GitHub Actions
annotations (``validate --format github``, ``check --format github``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ntm_eval.diagnostics import Problem
from ntm_eval.shown import printable


def render(problems: Sequence[Problem], *, color: bool = False, lang: str = "en") -> str:
    """Every problem on its line (the severity tinted when ``color``), then the count;
    sentences and words in ``lang``."""
    if not problems:
        return ""
    from ntm_eval.i18n import tr

    errors = sum(p.is_error for p in problems)
    lines = [p.format(color=color, lang=lang) for p in problems]
    lines.append(tr(lang, "problems", errors=errors, warnings=len(problems) - errors))
    return "\n".join(lines) + "\n"


# --- GitHub Actions workflow commands ------------------------------------------------------
# https://docs.github.com/actions/reference/workflow-commands-for-github-actions: in the
# message, % CR LF are escaped; in a property, also : and , (they separate properties).


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github(problems: Sequence[Problem]) -> str:
    """Each problem an annotation on its file, line and column (a workbook cell, which
    has no line of text, is named in the message)."""
    lines = []
    for p in problems:
        props = [f"file={_gh_property(printable(p.path))}"]
        if p.line is not None:
            props.append(f"line={p.line}")
            if p.col is not None:
                props.append(f"col={p.col}")
        props.append(f"title={_gh_property('ntm-eval ' + p.code)}")
        kind = "error" if p.is_error else "warning"
        where = f"{printable(p.cell)}: " if p.cell is not None else ""
        lines.append(f"::{kind} {','.join(props)}::{_gh_data(f'[{p.code}] {where}{p.message}')}\n")
    return "".join(lines)


def github_notice(text: str) -> str:
    """One line for the run's summary: a notice, escaped as a message."""
    return f"::notice title=ntm-eval::{_gh_data(text)}\n"


def github_check(report: Any, **options: Any) -> str:
    """``check --format github``: the problems as annotations, then one notice line
    counting the communes (of those the filters keep) and the problems."""
    s = report.summary
    errors = len(report.errors)
    counts = (
        f"{s.communes} commune(s): {s.met} met, {s.not_met} not met, "
        f"{s.not_evaluable} not evaluable; {errors} error(s), "
        f"{len(report.problems) - errors} warning(s)"
    )
    return github(report.problems) + github_notice(f"{printable(report.input_path)}: {counts}")


def github_failure(input_name: str, problems: Sequence[Problem]) -> str:
    """``check --format github`` when nothing could be judged: the problems that stopped
    it, and a notice saying so."""
    errors = sum(p.is_error for p in problems)
    return github(problems) + github_notice(
        f"{printable(input_name)}: no commune judged; {errors} error(s), "
        f"{len(problems) - errors} warning(s)"
    )
