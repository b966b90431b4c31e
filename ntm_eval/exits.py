"""Exit codes — a contract, documented in the README ("Exit codes"). The one place a
command's exit code is chosen: ``exit_code``.

=== =====================================================================================
 0  the command did its job
 1  findings: ``check --fail-on`` found communes short of it; ``validate``: a rule file
    has errors
 2  usage error: an option, an argument or a path on the command line (a file that does
    not exist, an output that cannot be written) — the command could not start its job
 3  the input (data files, rule files, unit lists given to ``check``, ``gaps``,
    ``compare``, ``report``, ``rules show``) could not be fully read or has errors; what
    could be judged is still printed
=== =====================================================================================

Which one is chosen from the problems' codes: ``U…`` is usage, any other error (``D…``,
``R…``) is the input's. Usage wins over input (the job did not run as asked), input over
findings (a judgement of broken data is not a judgement CI should act on).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by the command line at start-up: nothing more than needed
    from ntm_eval.diagnostics import Problem

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INPUT = 3


def is_usage(problem: Problem) -> bool:
    """An error in what was typed, not in a file's content."""
    return problem.code.startswith("U")


def exit_code(
    problems: Iterable[Problem] = (),
    *,
    findings: bool = False,
    usage: bool = False,
    input_errors_are_findings: bool = False,
) -> int:
    """The exit code of a command that met ``problems``; ``findings``: it found what it
    was asked to fail on; ``usage``: it refused what was typed (a message, no problem);
    ``input_errors_are_findings``: errors in the files are what the command looks for
    (``validate``)."""
    errors = [p for p in problems if p.is_error]
    if usage or any(is_usage(p) for p in errors):
        return EXIT_USAGE
    if errors:
        return EXIT_FINDINGS if input_errors_are_findings else EXIT_INPUT
    return EXIT_FINDINGS if findings else EXIT_OK
