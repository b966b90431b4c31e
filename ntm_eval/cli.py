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
        "  ntm-eval check data/2020.csv --rules my-province.yaml --fail-on not-met\n\n"
        "  ntm-eval check tong-hop-2020.xlsx --sheet 'Năm 2020'\n\n"
        "  ntm-eval check export.csv --encoding cp1258\n\n"
        "  ntm-eval check national-2020.csv --units units-2020.csv"
    )
)
def check(
    data: Path = typer.Argument(..., metavar="DATA",
                                help="Commune data file: CSV (comma, semicolon or tab; UTF-8 or "
                                     "UTF-16) or Excel workbook (.xlsx).",
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
    sheet: Optional[str] = typer.Option(
        None, "--sheet", metavar="NAME", help="Worksheet to read in an .xlsx file (default: the first)."),
    encoding: Optional[str] = typer.Option(
        None, "--encoding", metavar="NAME",
        help="Text encoding of a CSV file that is not UTF-8 or UTF-16 with BOM (e.g. cp1258)."),
    units: Optional[str] = typer.Option(
        None, "--units", metavar="FILE",
        help="Official unit list to check codes and names against (CSV), or the name of a "
             "shipped one. Default: binh-thuan-2020. Rows of provinces it does not cover are "
             "not checked."),
) -> None:
    """Judge every commune in DATA against the criteria, then summarise the province.

    For each commune: how many of the 19 criteria are met, which are missing, and whether
    it meets the new-rural standard. With --format json the same results go to stdout as
    one JSON document for other tools.
    """
    from ntm_eval.data import load_data
    from ntm_eval.diagnostics import InputError
    from ntm_eval.evaluate import evaluate
    from ntm_eval.rules import default_rules_path, load_rules
    from ntm_eval.units import check_units, load_units

    try:
        ruleset = load_rules(rules or default_rules_path(),
                             display=str(rules) if rules else None)
        unit_list = load_units(units)
        dataset = load_data(data, ruleset, display=str(data), sheet=sheet, encoding=encoding)
        dataset = check_units(dataset, unit_list)
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


class TemplateFormat(str, enum.Enum):
    csv = "csv"
    xlsx = "xlsx"


class Lang(str, enum.Enum):
    vi = "vi"
    en = "en"


@app.command(
    epilog=(
        "Examples:\n\n"
        "  ntm-eval template --format xlsx -o nhap-lieu-2020.xlsx\n\n"
        "  ntm-eval template --format xlsx --units binh-thuan-2020 --region dhntb --year 2020 "
        "-o binh-thuan-2020.xlsx\n\n"
        "  ntm-eval template --lang en > template.csv\n\n"
        "  ntm-eval template --rules my-province.yaml --format csv -o my-province.csv"
    )
)
def template(
    rules: Optional[Path] = typer.Option(
        None, "--rules", "-r", metavar="FILE",
        help="Rule file whose columns to use instead of the national 2016–2020 set."),
    fmt: Optional[TemplateFormat] = typer.Option(
        None, "--format", "-f",
        help="csv, or xlsx (with drop-downs, bounds and an instructions sheet). Default: from "
             "the -o file's extension, else csv."),
    lang: Lang = typer.Option(Lang.vi, "--lang", help="Language of headers and instructions."),
    units: Optional[str] = typer.Option(
        None, "--units", metavar="FILE",
        help="Pre-fill one row per rural commune (xã) of this unit list (CSV, or the name of a "
             "shipped one such as binh-thuan-2020)."),
    region: Optional[str] = typer.Option(
        None, "--region", metavar="KEY", help="Pre-fill the region of every row (e.g. dhntb)."),
    year: Optional[int] = typer.Option(
        None, "--year", metavar="YEAR", help="Pre-fill the assessment year of every row."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write here instead of stdout."),
) -> None:
    r"""Write a data-entry file with the columns the rule set reads, ready to fill in.

    Headers read "Vietnamese label (unit) \[column_key]", so a filled file loads with
    `ntm-eval check` without edits. The file goes to -o FILE (a workbook needs -o unless
    stdout is redirected); a one-line summary goes to stderr.
    """
    from ntm_eval.diagnostics import InputError
    from ntm_eval.rules import default_rules_path, load_rules
    from ntm_eval import template as tpl

    chosen = fmt or (TemplateFormat.xlsx if output and output.suffix.lower() == ".xlsx"
                     else TemplateFormat.csv)
    if chosen is TemplateFormat.xlsx and output is None and sys.stdout.isatty():
        print("error: a workbook cannot be shown on the terminal; give -o FILE.xlsx", file=sys.stderr)
        raise typer.Exit(EXIT_ERROR)
    try:
        ruleset = load_rules(rules or default_rules_path(), display=str(rules) if rules else None)
        unit_list = None
        if units is not None:
            from ntm_eval.units import load_units

            unit_list = load_units(units)
    except InputError as exc:
        _print_problems(exc.problems)
        raise typer.Exit(EXIT_ERROR)
    if region is not None and region not in ruleset.regions:
        print(f"error: --region '{region}' is not a region of rule set '{ruleset.id}' "
              f"({', '.join(ruleset.regions)})", file=sys.stderr)
        raise typer.Exit(EXIT_ERROR)
    made = tpl.make(ruleset, chosen.value, lang.value, unit_list, region, year, bom=output is not None)
    try:
        if output is None:
            sys.stdout.buffer.write(made.content)
            sys.stdout.flush()
        else:
            output.write_bytes(made.content)
    except OSError as exc:
        print(f"error: cannot write {output}: {exc.strerror}", file=sys.stderr)
        raise typer.Exit(EXIT_ERROR)
    where = str(output) if output else "stdout"
    print(f"{where}: {chosen.value} template, {made.columns} columns, {made.rows} commune row(s) "
          f"pre-filled (rule set {ruleset.id})", file=sys.stderr)


def _exit_code(report, fail_on: FailOn) -> int:
    from ntm_eval.report import MET, NOT_EVALUABLE

    if report.errors:
        return EXIT_ERROR
    if fail_on is FailOn.not_met and any(c.status != MET for c in report.communes):
        return EXIT_NOT_MET
    if fail_on is FailOn.not_evaluable and any(c.status == NOT_EVALUABLE for c in report.communes):
        return EXIT_NOT_MET
    return EXIT_OK


def main() -> None:
    try:
        app()
    except BrokenPipeError:  # `ntm-eval check … | head`: the reader left; not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)
