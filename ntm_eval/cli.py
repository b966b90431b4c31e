"""Command line: parse options, call the library, choose where output goes, map the
outcome to an exit code. Nothing else lives here; heavy imports wait until a command runs."""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from ntm_eval import __version__

#: Exit codes — a contract, documented in the README.
EXIT_OK = 0  # every row evaluated (communes may or may not meet the standard)
EXIT_NOT_MET = 1  # --fail-on: some commune does not meet the standard
EXIT_ERROR = 2  # usage error, or a rule or data file that is unreadable or has errors
EXIT_INVALID = 1  # validate: a rule file has errors

app = typer.Typer(
    name="ntm-eval",
    help="Check Vietnamese communes against the national new-rural (Nông thôn mới) criteria.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(str, enum.Enum):
    text = "text"
    json = "json"


class FailOn(str, enum.Enum):
    none = "none"
    not_met = "not-met"
    not_evaluable = "not-evaluable"


#: Output formats: name → module whose ``render(report, **options) -> str`` draws it.
RENDERERS = {"text": "ntm_eval.render_text", "json": "ntm_eval.render_json"}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ntm-eval {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Optional[bool] = typer.Option(
        None, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Check Vietnamese communes against the national new-rural (Nông thôn mới) criteria.

    Exit codes: 0 every row evaluated; 1 a commune does not meet the standard (only with
    --fail-on); 2 usage error, or a rule or data file that cannot be read or has errors.
    """


def _use_color(stream) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _print_problems(problems, stream=sys.stderr) -> None:
    color = _use_color(stream)
    for p in problems:
        line = p.format()
        if color:
            tint = "\x1b[31m" if p.is_error else "\x1b[33m"
            line = line.replace(f" {p.severity} [", f" {tint}{p.severity}\x1b[0m [", 1)
        print(line, file=stream)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if problems:
        print(f"{errors} error(s), {warnings} warning(s)", file=stream)


@app.command(
    epilog=(
        "Examples:\n\n"
        "  ntm-eval check data/2020.csv\n\n"
        "  ntm-eval check data/2020.csv --commune 22984 --commune 23185\n\n"
        "  ntm-eval check data/2020.csv --format json | python -m json.tool\n\n"
        "  ntm-eval check data/2020.csv --rules my-province.yaml --fail-on not-met"
    )
)
def check(
    data: Path = typer.Argument(..., metavar="DATA", help="Commune data file (CSV, UTF-8).",
                                show_default=False),
    rules: Optional[Path] = typer.Option(
        None, "--rules", "-r", metavar="FILE",
        help="Rule file to use instead of the national 2016–2020 set."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
    commune: List[str] = typer.Option(
        [], "--commune", "-c", metavar="CODE",
        help="Also show every indicator of this commune (repeatable). Text format only."),
    fail_on: FailOn = typer.Option(
        FailOn.none, "--fail-on",
        help="Exit 1 when a commune is not met or not evaluable (not-met), or when one is not "
             "evaluable (not-evaluable). For CI."),
    max_rows: int = typer.Option(
        200, "--max-rows", metavar="N",
        help="List at most N communes in the text table (0 = all). Summaries always count all."),
) -> None:
    """Judge every commune in DATA against the criteria, then summarise the province.

    For each commune: how many of the 19 criteria are met, which are missing, and whether
    it meets the new-rural standard. With --format json the same results go to stdout as
    one JSON document for other tools.
    """
    from ntm_eval.data import load_csv
    from ntm_eval.diagnostics import InputError
    from ntm_eval.evaluate import evaluate
    from ntm_eval.rules import default_rules_path, load_rules

    try:
        ruleset = load_rules(rules or default_rules_path(),
                             display=str(rules) if rules else None)
        dataset = load_csv(data, ruleset, display=str(data))
    except InputError as exc:
        _print_problems(exc.problems)
        if fmt is Format.json:
            from ntm_eval.render_json import failure_document
            sys.stdout.write(failure_document(str(data), exc.problems))
        raise typer.Exit(EXIT_ERROR)

    report = evaluate(ruleset, dataset)
    import importlib
    import shutil

    renderer = importlib.import_module(RENDERERS[fmt.value])
    text = renderer.render(report, width=shutil.get_terminal_size((80, 24)).columns,
                           color=_use_color(sys.stdout), communes=tuple(commune),
                           max_rows=max_rows)
    sys.stdout.write(text)
    sys.stdout.flush()
    _print_problems(report.problems)
    raise typer.Exit(_exit_code(report, fail_on))


def _exit_code(report, fail_on: FailOn) -> int:
    from ntm_eval.report import MET, NOT_EVALUABLE

    if report.errors:
        return EXIT_ERROR
    if fail_on is FailOn.not_met and any(c.status != MET for c in report.communes):
        return EXIT_NOT_MET
    if fail_on is FailOn.not_evaluable and any(c.status == NOT_EVALUABLE for c in report.communes):
        return EXIT_NOT_MET
    return EXIT_OK


class ValidateFormat(str, enum.Enum):
    text = "text"
    json = "json"
    github = "github"


@app.command(
    epilog=(
        "Examples:\n\n"
        "  ntm-eval validate\n\n"
        "  ntm-eval validate rules/examples/example-province-2016-2020.yaml\n\n"
        "  ntm-eval validate --format github rules/\n\n"
        "  ntm-eval validate --format json my-rules/ | python -m json.tool"
    )
)
def validate(
    paths: Optional[List[Path]] = typer.Argument(
        None, metavar="[PATH]...", show_default=False,
        help="Rule files, or folders searched for *.yaml and *.yml (default: rules/)."),
    fmt: ValidateFormat = typer.Option(
        ValidateFormat.text, "--format", "-f",
        help="text: path:line:col: error [CODE] message. json: one JSON document. "
             "github: GitHub Actions annotations."),
) -> None:
    """Check rule files and report every problem, each at its line and column.

    Checks the structure (unknown keys, types), the meaning (ids, references, kinds,
    ranges, years) and the sets a file extends. Problems go to stdout; a one-line
    summary goes to stderr.

    Exit codes: 0 every file is valid (warnings allowed); 1 a file has errors; 2 usage
    error (a path that does not exist, a folder without rule files).
    """
    from ntm_eval.validate import FORMATS, summary
    from ntm_eval.validate import validate as run

    result = run(list(paths or [Path("rules")]))
    sys.stdout.write(FORMATS[fmt.value](result, color=_use_color(sys.stdout)))
    sys.stdout.flush()
    print(summary(result), file=sys.stderr)
    if result.usage:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_INVALID if result.invalid else EXIT_OK)


@app.command(
    epilog=(
        "Examples:\n\n"
        "  ntm-eval schema > rules.schema.json\n\n"
        "  ntm-eval schema | python -m json.tool"
    )
)
def schema() -> None:
    """Print the JSON Schema of rule files (generated from the models ntm-eval checks with).

    The same schema ships as ntm_eval/schemas/rules.schema.json; a rule file whose first
    line is '# yaml-language-server: $schema=PATH' gets completion and checks in editors
    that support it. 'ntm-eval validate' still makes every check.

    Exit codes: 0 always.
    """
    from ntm_eval.schema import render

    sys.stdout.write(render())


rules_app = typer.Typer(
    name="rules",
    help="List the rule sets, and show what one asks of a commune.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(rules_app, name="rules")


class ListFormat(str, enum.Enum):
    table = "table"
    json = "json"


class ShowFormat(str, enum.Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


@rules_app.command(
    "list",
    epilog=(
        "Examples:\n\n"
        "  ntm-eval rules list\n\n"
        "  ntm-eval rules list my-province.yaml\n\n"
        "  ntm-eval rules list --format json provinces/"
    ),
)
def rules_list(
    paths: Optional[List[Path]] = typer.Argument(
        None, metavar="[PATH]...", show_default=False,
        help="Rule files, or folders of them, to list besides the shipped sets."),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List the rule sets: the shipped ones, the shipped examples, and those given.

    Exit codes: 0 listed (a set that cannot be loaded is listed as invalid; 'ntm-eval
    validate' says why); 2 usage error (a path that does not exist).
    """
    from ntm_eval.catalogue import LIST_FORMATS, list_sets
    from ntm_eval.validate import collect

    files, usage = collect(list(paths or []))
    if usage:
        _print_problems(usage)
        raise typer.Exit(EXIT_ERROR)
    sys.stdout.write(LIST_FORMATS[fmt.value](list_sets(files), color=_use_color(sys.stdout)))


@rules_app.command(
    "show",
    epilog=(
        "Examples:\n\n"
        "  ntm-eval rules show --region dhntb\n\n"
        "  ntm-eval rules show --criterion 17 --unverified\n\n"
        "  ntm-eval rules show rules/examples/example-province-2016-2020.yaml --region dhntb\n\n"
        "  ntm-eval rules show national-2016-2020 --format markdown > rules/CATALOGUE.md"
    ),
)
def rules_show(
    ref: str = typer.Argument(
        "national-2016-2020", metavar="[SET]",
        help="The id of a shipped set or example (see 'ntm-eval rules list'), or a rule "
             "file's path."),
    region: Optional[str] = typer.Option(
        None, "--region", metavar="R", help="Only the threshold that applies in region R."),
    sector: Optional[str] = typer.Option(
        None, "--sector", metavar="S", help="Only indicators of sector S."),
    criterion: Optional[str] = typer.Option(
        None, "--criterion", metavar="ID", help="Only criterion ID (e.g. 17) or indicator ID "
        "(e.g. 17.1)."),
    unverified: bool = typer.Option(
        False, "--unverified", help="Only threshold values not confirmed from a published source."),
    fmt: ShowFormat = typer.Option(
        ShowFormat.table, "--format", "-f",
        help="table for people; json for tools; markdown for a catalogue document."),
) -> None:
    """Show the criteria and indicators of a rule set with each threshold.

    For each measure: the threshold (per region, or the one that applies in --region),
    unit, comparison, sector, legal basis, confirmation (C2, C1 or unverified), and the
    file and line the value comes from — for a provincial set, its own file or the one
    it extends.

    Exit codes: 0 shown; 2 usage error (an unknown set, region, sector or criterion), or a
    rule file that cannot be read or has errors.
    """
    from ntm_eval import catalogue
    from ntm_eval.diagnostics import InputError

    try:
        cat = catalogue.build(catalogue.load_set(ref), region, sector, criterion, unverified)
    except catalogue.FilterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_ERROR)
    except InputError as exc:
        _print_problems(exc.problems)
        if fmt is ShowFormat.json:
            sys.stdout.write(catalogue.failure_json(exc.problems))
        raise typer.Exit(EXIT_ERROR)
    sys.stdout.write(catalogue.SHOW_FORMATS[fmt.value](cat, color=_use_color(sys.stdout)))


def main() -> None:
    try:
        app()
    except BrokenPipeError:  # `ntm-eval check … | head`: the reader left; not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)
