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
    rich_markup_mode=None,  # plain help: rich's help pulls in markdown-it, +90 ms per start
    epilog=(
        "\b\nExamples:\n"
        "  ntm-eval check data/2020.csv\n"
        "  ntm-eval check data/2020.csv --format json | python -m json.tool\n"
        "  ntm-eval gaps data/2020.csv --top 10\n"
        "  ntm-eval validate rules/\n"
        "\n\b\nExit codes: 0 done; 1 check --fail-on found a commune short of the standard,\n"
        "or validate found a rule file with errors; 2 usage error, or an input that\n"
        "cannot be read or has errors. 'ntm-eval COMMAND --help' tells more."
    ),
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(str, enum.Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"


class Lang(str, enum.Enum):
    en = "en"
    vi = "vi"


class Status(str, enum.Enum):
    met = "met"
    not_met = "not_met"
    not_evaluable = "not_evaluable"


class FailOn(str, enum.Enum):
    none = "none"
    not_met = "not-met"
    not_evaluable = "not-evaluable"


#: Output formats: name → module that draws a report with ``write(report, stream, **options)``
#: (streaming) or ``render(report, **options) -> str``, and likewise ``*_gaps`` and
#: ``*_compare`` for those commands (see ``output.emit``).
RENDERERS = {
    "text": "ntm_eval.render.text",
    "json": "ntm_eval.render.json",
    "jsonl": "ntm_eval.render.jsonl",
    "csv": "ntm_eval.render.csv",
    "markdown": "ntm_eval.render.markdown",
}

_LANG_HELP = (
    "Language of human-readable output: en or vi (also NTM_EVAL_LANG). JSON keys and "
    "status words do not change."
)
_DATA_HELP = "Commune data file: CSV (comma, semicolon or tab; UTF-8 or UTF-16) or .xlsx."
_SHEET_HELP = "Worksheet to read in an .xlsx file (default: the first)."
_ENCODING_HELP = "Text encoding of a CSV file that is not UTF-8 or UTF-16 with BOM (e.g. cp1258)."
_UNITS_HELP = (
    "Official unit list to check codes and names against (CSV), or the name of a "
    "shipped one. Default: binh-thuan-2020. Rows of provinces it does not cover are "
    "not checked."
)
_OUTPUT_HELP = (
    "Write the output to FILE (atomically: a temporary file, then a rename) instead of stdout."
)


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
        "\b\nExamples:\n"
        "  ntm-eval check data/2020.csv\n"
        "  ntm-eval check data/2020.csv --commune 22984 --commune 23185\n"
        "  ntm-eval check data/2020.csv --sector lao_dong --status not_met\n"
        "  ntm-eval check data/2020.csv --criterion 11 --criterion 14.3 --district 'Tuy Phong'\n"
        "  ntm-eval check data/2020.csv --format json | python -m json.tool\n"
        "  ntm-eval check data/2020.csv --format csv --output results.csv\n"
        "  ntm-eval check data/2020.csv --lang vi\n"
        "  ntm-eval check data/2020.csv --rules my-province.yaml --fail-on not-met\n"
        "  ntm-eval check tong-hop-2020.xlsx --sheet 'Năm 2020'\n"
        "  ntm-eval check export.csv --encoding cp1258\n"
        "  ntm-eval check national-2020.csv --units units-2020.csv"
    )
)
def check(
    data: Path = typer.Argument(..., metavar="DATA", help=_DATA_HELP, show_default=False),
    rules: Optional[Path] = typer.Option(
        None,
        "--rules",
        "-r",
        metavar="FILE",
        help="Rule file to use instead of the national 2016–2020 set.",
    ),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
    sector: List[str] = typer.Option(
        [],
        "--sector",
        "-s",
        metavar="KEY",
        help="Keep only the criteria and indicators this sector answers for (repeatable), "
        "e.g. lao_dong. A commune's count becomes e.g. 3/4.",
    ),
    criterion: List[str] = typer.Option(
        [],
        "--criterion",
        metavar="ID",
        help="Keep only this criterion (11) or indicator (14.3) (repeatable).",
    ),
    district: List[str] = typer.Option(
        [],
        "--district",
        "-d",
        metavar="NAME",
        help="Keep only communes of this district (repeatable; any case and accents).",
    ),
    status: List[Status] = typer.Option(
        [],
        "--status",
        metavar="STATUS",
        help="Keep only communes with this status over the kept criteria: met, not_met or "
        "not_evaluable (repeatable).",
    ),
    commune: List[str] = typer.Option(
        [],
        "--commune",
        "-c",
        metavar="CODE",
        help="Keep only this commune (repeatable); the text format adds its detailed table of "
        "every indicator.",
    ),
    fail_on: FailOn = typer.Option(
        FailOn.none,
        "--fail-on",
        help="Exit 1 when a commune is not met or not evaluable (not-met), or when one is not "
        "evaluable (not-evaluable). For CI.",
    ),
    max_rows: int = typer.Option(
        200,
        "--max-rows",
        metavar="N",
        help="List at most N communes in the text table (0 = all). Summaries always count all.",
    ),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", metavar="FILE", help=_OUTPUT_HELP
    ),
    lang: Lang = typer.Option(Lang.en, "--lang", envvar="NTM_EVAL_LANG", help=_LANG_HELP),
    sheet: Optional[str] = typer.Option(None, "--sheet", metavar="NAME", help=_SHEET_HELP),
    encoding: Optional[str] = typer.Option(None, "--encoding", metavar="NAME", help=_ENCODING_HELP),
    units: Optional[str] = typer.Option(None, "--units", metavar="FILE", help=_UNITS_HELP),
) -> None:
    """Judge every commune in DATA against the criteria, then summarise the province.

    For each commune: how many of the 19 criteria are met, which are missing, and whether
    it meets the new-rural standard. Filters keep some criteria or communes; counts and
    bands follow them. With --format json the same results go to stdout as one JSON
    document for other tools (jsonl: one line per commune; csv: one row per commune and
    criterion; markdown: tables for reports).
    """
    from ntm_eval.engine.results import Filters

    filters = Filters(
        sectors=tuple(sector),
        criteria=tuple(criterion),
        districts=tuple(district),
        statuses=tuple(s.value for s in status),
        communes=tuple(commune),
    )
    if fmt in (Format.jsonl, Format.json, Format.csv) and not filters:
        from ntm_eval.engine.pipeline import streamable

        # JSON texts made column by column; JSON lines and CSV rows written as judged
        if streamable(data, sheet):
            _check_streamed(data, rules, output, encoding, units, fail_on, fmt, lang.value)
    # The terminal table lists the first --max-rows communes: only those are kept whole.
    first = max_rows if fmt is Format.text and not filters and max_rows > 0 else 0
    report = _judge(data, rules, fmt, sheet=sheet, encoding=encoding, units=units, first=first)
    if filters:
        from ntm_eval.engine.filters import filter_report

        report = _or_fail(lambda: filter_report(report, filters), str(data), fmt)
    _emit(
        RENDERERS[fmt.value],
        "",
        report,
        output,
        fmt,
        communes=tuple(commune),
        max_rows=max_rows,
        lang=lang.value,
    )
    _print_problems(report.problems)
    raise typer.Exit(_exit_code(report, fail_on))


def _check_streamed(
    data: Path,
    rules: Optional[Path],
    output: Optional[Path],
    encoding: Optional[str],
    units: Optional[str],
    fail_on: FailOn,
    fmt: Format,
    lang: str,
) -> None:
    """``check --format jsonl|json|csv`` of a CSV file, batch by batch
    (``ntm_eval.engine.pipeline``)."""
    from ntm_eval.diagnostics import InputError
    from ntm_eval.output import emit
    from ntm_eval.engine.pipeline import StreamedCheck

    def prepare():
        from ntm_eval.input.units import load_units

        # lines written to the terminal the progress line would be drawn on: none
        streams_here = fmt in (Format.jsonl, Format.csv) and output is None and sys.stdout.isatty()
        return StreamedCheck(
            data,
            _load_rules(rules),
            load_units(units),
            str(data),
            encoding,
            None if streams_here else _progress(data),
        )

    job = _or_fail(prepare, str(data), fmt)
    try:
        emit(RENDERERS[fmt.value], "stream", job, output, lang=lang)
    except BrokenPipeError:
        _reader_left()
    except InputError as exc:
        _print_problems(exc.problems)
        if job.failed and fmt is not Format.csv:  # the data, not the output: stays JSON
            from ntm_eval.render.json import failure_document

            sys.stdout.write(failure_document(str(data), exc.problems))
        raise typer.Exit(EXIT_ERROR)
    if output is not None:
        print(f"wrote {output}", file=sys.stderr)
    _print_problems(job.report.problems)
    raise typer.Exit(_exit_code(job.report, fail_on))


def _or_fail(work, path: str, fmt: Format | None):
    """Run ``work``; on an ``InputError`` print its problems (and, for JSON formats, a
    failure document on stdout) and exit 2."""
    from ntm_eval.diagnostics import InputError

    try:
        return work()
    except InputError as exc:
        _print_problems(exc.problems)
        if fmt in (Format.json, Format.jsonl):
            from ntm_eval.render.json import failure_document

            sys.stdout.write(failure_document(str(path), exc.problems))
        raise typer.Exit(EXIT_ERROR)


def _progress(data: Path):
    """How far the check of ``data`` is, on standard error when it is a terminal."""
    from ntm_eval.progress import for_terminal

    return for_terminal(sys.stderr, str(data))


def _load_rules(rules: Optional[Path]):
    from ntm_eval.rules.loader import default_rules_path, load_rules

    return load_rules(rules or default_rules_path(), display=str(rules) if rules else None)


def _judge(
    data: Path,
    rules: Optional[Path],
    fmt: Format | None,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    units: str | None = None,
    first: int = 0,
):
    """Load the rules and DATA (CSV or xlsx), check it against the unit list and judge
    every row; exit 2 when the rules or the data cannot be used. With ``first``, a CSV
    file's report keeps only its first communes (``stream.judge_first``)."""

    def work():
        from ntm_eval.engine.pipeline import judge_csv, judge_first, streamable
        from ntm_eval.input.units import load_units

        ruleset = _load_rules(rules)
        unit_list = load_units(units)
        if streamable(data, sheet):  # column by column: the same report, sooner
            if first:
                return judge_first(
                    data, ruleset, unit_list, first, str(data), encoding, _progress(data)
                )
            return judge_csv(data, ruleset, unit_list, str(data), encoding, _progress(data))
        from ntm_eval.input.rows import load_data
        from ntm_eval.engine.evaluate import evaluate
        from ntm_eval.input.units import check_units

        dataset = load_data(data, ruleset, display=str(data), sheet=sheet, encoding=encoding)
        return evaluate(ruleset, check_units(dataset, unit_list))

    # The cyclic collector is off for the whole run (``ntm_eval.__main__``).
    return _or_fail(work, str(data), fmt)


def _emit(
    module: str, view: str, obj, output: Optional[Path], fmt: Format | None, **options
) -> None:
    import shutil

    from ntm_eval.output import emit

    width = shutil.get_terminal_size((80, 24)).columns
    color = output is None and _use_color(sys.stdout)
    try:
        _or_fail(
            lambda: emit(module, view, obj, output, width=width, color=color, **options),
            str(output),
            None,
        )
    except BrokenPipeError:
        _reader_left()
    if output is not None:
        print(f"wrote {output}", file=sys.stderr)


@app.command(
    epilog=(
        "\b\nExamples:\n"
        "  ntm-eval gaps data/2020.csv\n"
        "  ntm-eval gaps data/2020.csv --top 10\n"
        "  ntm-eval gaps data/2020.csv --by-sector --format markdown --output gaps.md\n"
        "  ntm-eval gaps data/2020.csv --lang vi"
    )
)
def gaps(
    data: Path = typer.Argument(..., metavar="DATA", help=_DATA_HELP, show_default=False),
    rules: Optional[Path] = typer.Option(
        None,
        "--rules",
        "-r",
        metavar="FILE",
        help="Rule file to use instead of the national 2016–2020 set.",
    ),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
    top: int = typer.Option(
        0,
        "--top",
        "-n",
        metavar="N",
        min=0,
        help="Show only the N communes closest to the standard (0 = all).",
    ),
    by_sector: bool = typer.Option(
        False, "--by-sector", help="Group what is left by the sector that answers for it."
    ),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", metavar="FILE", help=_OUTPUT_HELP
    ),
    lang: Lang = typer.Option(Lang.en, "--lang", envvar="NTM_EVAL_LANG", help=_LANG_HELP),
) -> None:
    """Rank the communes that do not meet the standard yet, closest first, each with what
    is left in the indicator's unit ("11 Poor households: 6.2% → must be ≤ 5%: 1.2 points
    to go").

    Order: fewest criteria missing (a criterion that cannot be evaluated counts as missing),
    then fewest indicators short, then the smallest shortfall relative to the thresholds.
    """
    from ntm_eval.engine.gaps import gaps as rank

    report = _judge(data, rules, fmt)
    view = rank(report, top=top, by_sector=by_sector)
    _emit(RENDERERS[fmt.value], "gaps", view, output, fmt, lang=lang.value)
    _print_problems(report.problems)
    raise typer.Exit(EXIT_ERROR if report.errors else EXIT_OK)


@app.command(
    epilog=(
        "\b\nExamples:\n"
        "  ntm-eval compare data/2020-self-assessment.csv data/2020.csv\n"
        "  ntm-eval check old.csv -f json -o 2019.json && ntm-eval compare 2019.json new.csv\n"
        "  ntm-eval compare data/2020-self-assessment.csv data/2020.csv --format csv -o changes.csv"
    )
)
def compare(
    old: Path = typer.Argument(
        ...,
        metavar="OLD",
        show_default=False,
        help="Earlier (or self-assessed) commune data, or a JSON result of 'check --format json'.",
    ),
    new: Path = typer.Argument(
        ..., metavar="NEW", show_default=False, help="Later (or appraised) data or JSON result."
    ),
    rules: Optional[Path] = typer.Option(
        None,
        "--rules",
        "-r",
        metavar="FILE",
        help="Rule file for data files (JSON results keep their own judgement).",
    ),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", metavar="FILE", help=_OUTPUT_HELP
    ),
    lang: Lang = typer.Option(Lang.en, "--lang", envvar="NTM_EVAL_LANG", help=_LANG_HELP),
) -> None:
    """Compare two judgements of the same communes (matched on commune code): who gained
    or lost the standard or a criterion, indicator by indicator, and the communes that met
    the standard in OLD but now fail something (maintaining the standard).
    """
    from ntm_eval.engine.compare import compare as diff, load_side

    def work():
        ruleset = _load_rules(rules)
        return load_side(old, ruleset, str(old)), load_side(new, ruleset, str(new))

    old_side, new_side = _or_fail(work, str(old), fmt)
    comparison, notes = diff(old_side, new_side)
    problems = [*old_side.problems, *new_side.problems, *notes]
    _emit(
        RENDERERS[fmt.value], "compare", comparison, output, fmt, lang=lang.value, problems=problems
    )
    _print_problems(problems)
    raise typer.Exit(EXIT_ERROR if any(p.is_error for p in problems) else EXIT_OK)


@app.command(
    epilog=(
        "\b\nExamples:\n"
        "  ntm-eval report data/2020.csv -o report.html\n"
        "  ntm-eval report data/2020.csv --lang vi --top 15 -o bao-cao.html"
    )
)
def report(
    data: Path = typer.Argument(..., metavar="DATA", help=_DATA_HELP, show_default=False),
    rules: Optional[Path] = typer.Option(
        None,
        "--rules",
        "-r",
        metavar="FILE",
        help="Rule file to use instead of the national 2016–2020 set.",
    ),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", metavar="FILE", help=_OUTPUT_HELP
    ),
    top: int = typer.Option(
        10,
        "--top",
        "-n",
        metavar="N",
        min=0,
        help="List the N communes closest to the standard (0 = all).",
    ),
    lang: Lang = typer.Option(Lang.en, "--lang", envvar="NTM_EVAL_LANG", help=_LANG_HELP),
) -> None:
    """Write one self-contained HTML page (no network needed): the province summary, a
    commune × criterion matrix coloured by status (hover or click a cell for values and
    thresholds), a bar chart of communes meeting each criterion, the bands and the
    candidates closest to the standard. Prints well.
    """
    from ntm_eval.engine.gaps import gaps as rank

    judged = _judge(data, rules, None)
    _emit(
        "ntm_eval.render.html",
        "",
        judged,
        output,
        None,
        candidates=rank(judged, top=top),
        lang=lang.value,
    )
    _print_problems(judged.problems)
    raise typer.Exit(EXIT_ERROR if judged.errors else EXIT_OK)


class TemplateFormat(str, enum.Enum):
    csv = "csv"
    xlsx = "xlsx"


@app.command(
    epilog=(
        "\b\nExamples:\n"
        "  ntm-eval template --format xlsx -o nhap-lieu-2020.xlsx\n"
        "  ntm-eval template --format xlsx --units binh-thuan-2020 --region dhntb --year 2020 "
        "-o binh-thuan-2020.xlsx\n"
        "  ntm-eval template --lang en > template.csv\n"
        "  ntm-eval template --rules my-province.yaml --format csv -o my-province.csv"
    )
)
def template(
    rules: Optional[Path] = typer.Option(
        None,
        "--rules",
        "-r",
        metavar="FILE",
        help="Rule file whose columns to use instead of the national 2016–2020 set.",
    ),
    fmt: Optional[TemplateFormat] = typer.Option(
        None,
        "--format",
        "-f",
        help="csv, or xlsx (with drop-downs, bounds and an instructions sheet). Default: from "
        "the -o file's extension, else csv.",
    ),
    lang: Lang = typer.Option(
        Lang.vi,
        "--lang",
        envvar="NTM_EVAL_LANG",
        help="Language of headers and instructions (default vi).",
    ),
    units: Optional[str] = typer.Option(
        None,
        "--units",
        metavar="FILE",
        help="Pre-fill one row per rural commune (xã) of this unit list (CSV, or the name of a "
        "shipped one such as binh-thuan-2020).",
    ),
    region: Optional[str] = typer.Option(
        None, "--region", metavar="KEY", help="Pre-fill the region of every row (e.g. dhntb)."
    ),
    year: Optional[int] = typer.Option(
        None, "--year", metavar="YEAR", help="Pre-fill the assessment year of every row."
    ),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write here instead of stdout."
    ),
) -> None:
    r"""Write a data-entry file with the columns the rule set reads, ready to fill in.

    Headers read "Vietnamese label (unit) \[column_key]", so a filled file loads with
    `ntm-eval check` without edits. The file goes to -o FILE (a workbook needs -o unless
    stdout is redirected); a one-line summary goes to stderr.
    """
    from ntm_eval.diagnostics import InputError
    from ntm_eval.rules.loader import default_rules_path, load_rules
    from ntm_eval.render import template as tpl

    chosen = fmt or (
        TemplateFormat.xlsx if output and output.suffix.lower() == ".xlsx" else TemplateFormat.csv
    )
    if chosen is TemplateFormat.xlsx and output is None and sys.stdout.isatty():
        print(
            "error: a workbook cannot be shown on the terminal; give -o FILE.xlsx", file=sys.stderr
        )
        raise typer.Exit(EXIT_ERROR)
    try:
        ruleset = load_rules(rules or default_rules_path(), display=str(rules) if rules else None)
        unit_list = None
        if units is not None:
            from ntm_eval.input.units import load_units

            unit_list = load_units(units)
    except InputError as exc:
        _print_problems(exc.problems)
        raise typer.Exit(EXIT_ERROR)
    if region is not None and region not in ruleset.regions:
        print(
            f"error: --region '{region}' is not a region of rule set '{ruleset.id}' "
            f"({', '.join(ruleset.regions)})",
            file=sys.stderr,
        )
        raise typer.Exit(EXIT_ERROR)
    made = tpl.make(
        ruleset, chosen.value, lang.value, unit_list, region, year, bom=output is not None
    )
    if output is None:
        sys.stdout.buffer.write(made.content)
        sys.stdout.flush()
    else:
        from ntm_eval.output import atomic_open

        def write() -> None:
            with atomic_open(output, binary=True) as f:
                f.write(made.content)

        _or_fail(write, str(output), None)
    where = str(output) if output else "stdout"
    print(
        f"{where}: {chosen.value} template, {made.columns} columns, {made.rows} commune row(s) "
        f"pre-filled (rule set {ruleset.id})",
        file=sys.stderr,
    )


def _exit_code(report, fail_on: FailOn) -> int:
    if report.errors:
        return EXIT_ERROR
    counts = report.summary  # counts the report's communes (a streamed report keeps none)
    if fail_on is FailOn.not_met and counts.not_met + counts.not_evaluable:
        return EXIT_NOT_MET
    if fail_on is FailOn.not_evaluable and counts.not_evaluable:
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
        None,
        metavar="[PATH]...",
        show_default=False,
        help="Rule files, or folders searched for *.yaml and *.yml (default: rules/).",
    ),
    fmt: ValidateFormat = typer.Option(
        ValidateFormat.text,
        "--format",
        "-f",
        help="text: path:line:col: error [CODE] message. json: one JSON document. "
        "github: GitHub Actions annotations.",
    ),
) -> None:
    """Check rule files and report every problem, each at its line and column.

    Checks the structure (unknown keys, types), the meaning (ids, references, kinds,
    ranges, years) and the sets a file extends. Problems go to stdout; a one-line
    summary goes to stderr.

    Exit codes: 0 every file is valid (warnings allowed); 1 a file has errors; 2 usage
    error (a path that does not exist, a folder without rule files).
    """
    from ntm_eval.rules.validation import FORMATS, summary
    from ntm_eval.rules.validation import validate as run

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
    from ntm_eval.rules.schema import render

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
        None,
        metavar="[PATH]...",
        show_default=False,
        help="Rule files, or folders of them, to list besides the shipped sets.",
    ),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List the rule sets: the shipped ones, the shipped examples, and those given.

    Exit codes: 0 listed (a set that cannot be loaded is listed as invalid; 'ntm-eval
    validate' says why); 2 usage error (a path that does not exist).
    """
    from ntm_eval.rules.catalogue import LIST_FORMATS, list_sets
    from ntm_eval.rules.validation import collect

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
        "national-2016-2020",
        metavar="[SET]",
        help="The id of a shipped set or example (see 'ntm-eval rules list'), or a rule "
        "file's path.",
    ),
    region: Optional[str] = typer.Option(
        None, "--region", metavar="R", help="Only the threshold that applies in region R."
    ),
    sector: Optional[str] = typer.Option(
        None, "--sector", metavar="S", help="Only indicators of sector S."
    ),
    criterion: Optional[str] = typer.Option(
        None,
        "--criterion",
        metavar="ID",
        help="Only criterion ID (e.g. 17) or indicator ID (e.g. 17.1).",
    ),
    unverified: bool = typer.Option(
        False, "--unverified", help="Only threshold values not confirmed from a published source."
    ),
    fmt: ShowFormat = typer.Option(
        ShowFormat.table,
        "--format",
        "-f",
        help="table for people; json for tools; markdown for a catalogue document.",
    ),
) -> None:
    """Show the criteria and indicators of a rule set with each threshold.

    For each measure: the threshold (per region, or the one that applies in --region),
    unit, comparison, sector, legal basis, confirmation (C2, C1 or unverified), and the
    file and line the value comes from — for a provincial set, its own file or the one
    it extends.

    Exit codes: 0 shown; 2 usage error (an unknown set, region, sector or criterion), or a
    rule file that cannot be read or has errors.
    """
    from ntm_eval.rules import catalogue
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


def _stdout_to_devnull() -> None:
    """The reader of stdout left: whatever is still buffered for it goes nowhere, quietly."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _reader_left() -> None:
    """`ntm-eval check … | head`: the reader left; not an error of ours (exit 0; the
    command line framework would exit 1)."""
    _stdout_to_devnull()
    raise typer.Exit(EXIT_OK)


def main() -> None:
    try:
        app()
    except BrokenPipeError:  # `ntm-eval … | head` outside a command's output: the same
        _stdout_to_devnull()
        sys.exit(EXIT_OK)
