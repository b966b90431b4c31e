"""Command line: parse options, call the library, choose where output goes, map the
outcome to an exit code. Nothing else lives here; heavy imports wait until a command runs.

(No ``from __future__ import annotations`` here: typer reads the options from the
annotations, which are then made once, at import, instead of parsed from text at every
start.)"""

import enum
import functools
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NamedTuple, NoReturn, Optional

import typer

from ntm_eval import __version__, usage
from ntm_eval.exits import EXIT_OK, exit_code  # the one choice of an exit code
from ntm_eval.shown import printable

app = typer.Typer(
    name="ntm-eval",
    no_args_is_help=True,
    # --install-completion / --show-completion (typer's); the values are completed by
    # ``complete``, imported only when the shell asks (see ``_complete``)
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich's help pulls in markdown-it, +90 ms per start
    context_settings={"help_option_names": ["-h", "--help"]},
    **usage.command("ntm-eval"),
)


class Format(str, enum.Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"


#: ``check`` writes these too: formats for CI and for tools that read problems
CheckFormat = enum.Enum(  # type: ignore[misc]
    "CheckFormat",
    {
        **{f.name: f.value for f in Format},
        "jsonl_compact": "jsonl-compact",
        "github": "github",
        "sarif": "sarif",
        "junit": "junit",
    },
    type=str,
)


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


# --- options: their words are in ``usage`` ---------------------------------------------------


def _option(command: str, *names: str, **kwargs: Any) -> Any:
    return typer.Option(*names, help=usage.help_for(command, names[0]), **kwargs)


def _complete(name: str) -> Any:
    """The shell-completion callback ``complete.NAME``, imported only when a shell asks;
    sectors and criterion ids are those of the rule file typed so far (``--rules``, or
    the set of ``rules show``)."""

    def callback(ctx: typer.Context, incomplete: str) -> list[str]:
        from ntm_eval import complete

        if name in ("sectors", "criteria"):
            rules = ctx.params.get("rules") or ctx.params.get("ref")
            return getattr(complete, name)(rules, incomplete)
        return getattr(complete, name)(incomplete)

    return callback


def _argument(command: str, name: str, **kwargs: Any) -> Any:
    kwargs.setdefault("show_default", False)
    return typer.Argument(metavar=name, help=usage.help_for(command, name.strip("[].")), **kwargs)


Data = Annotated[Path, _argument("", "DATA")]
Rules = Annotated[Optional[Path], _option("", "--rules", "-r", metavar="FILE")]
FormatOption = Annotated[Optional[Format], _option("", "--format", "-f")]
Output = Annotated[Optional[Path], _option("", "--output", "-o", metavar="FILE")]
LangOption = Annotated[Optional[Lang], _option("", "--lang", show_default=False)]
Sheet = Annotated[Optional[str], _option("", "--sheet", metavar="NAME")]
Encoding = Annotated[Optional[str], _option("", "--encoding", metavar="NAME")]
Units = Annotated[
    Optional[str], _option("", "--units", metavar="FILE", autocompletion=_complete("unit_lists"))
]
Many = Optional[list[str]]  # an option that may be given several times


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ntm-eval {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        Optional[bool], _option("", "--version", callback=_version, is_eager=True)
    ] = None,
) -> None:
    _said_in[0] = "en"  # until a command with --lang says otherwise


# --- what the commands share ----------------------------------------------------------------


def _use_color(stream: Any) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


#: The language of the running command's lines on standard error (its ``--lang``).
_said_in = ["en"]


def _speak(lang: str) -> str:
    """Set the language of the command's problem lines and notes; the language's code."""
    _said_in[0] = lang
    return lang


def _lang(lang: Any) -> str:
    """The language of a command that has no other setting: ``--lang``, else the
    configuration file, else the environment, else English (``settings.resolve``)."""
    from ntm_eval import settings
    from ntm_eval.diagnostics import InputError

    try:
        return _speak(settings.resolve({"lang": lang})["lang"].value)
    except InputError as exc:
        _fail(exc.problems)


def _print_problems(problems: Any) -> None:
    from ntm_eval.render import problems as lines

    sys.stderr.write(lines.render(list(problems), color=_use_color(sys.stderr), lang=_said_in[0]))


def _fail(problems: Any, json_for: str | None = None, failure: Any = None) -> NoReturn:
    """Print the problems that stop the command and exit (2 usage, 3 input); with
    ``json_for`` (the input's name), stdout still gets a JSON document saying why; with
    ``failure`` (problems → text), that text."""
    _print_problems(problems)
    if json_for is not None:
        from ntm_eval.render.json import failure_document

        sys.stdout.write(failure_document(json_for, problems))
    elif failure is not None:
        sys.stdout.write(failure(problems))
    raise typer.Exit(exit_code(problems))


class _Chosen(NamedTuple):
    """The settings a command runs with (``settings.resolve``): None for ``rules`` and
    ``units`` is the shipped default."""

    rules: Optional[Path]
    units: Optional[str]
    lang: str
    fail_on: str


def _choose(
    rules: Optional[Path],
    units: Optional[str],
    lang: Any,
    fail_on: Any = None,
    *,
    lang_default: str = "en",
    units_from_config: bool = True,
    json_for: str | None = None,
    failure: Any = None,
) -> _Chosen:
    """What the command line gives, else the configuration file, else the environment,
    else the default (``settings.resolve``; exit 2 when the file or the environment
    cannot be used)."""
    from ntm_eval import settings
    from ntm_eval.diagnostics import InputError

    given: dict[str, Any] = {"rules": rules, "lang": lang, "fail_on": fail_on}
    if units_from_config:
        given["units"] = units
    try:
        chosen = settings.resolve(given, {"lang": lang_default})
    except InputError as exc:
        _fail(exc.problems, json_for, failure)
    picked = chosen["rules"]
    _speak(chosen["lang"].value)
    return _Chosen(
        Path(picked.value) if picked.source != "default" else None,
        chosen["units"].value
        if "units" in chosen and chosen["units"].source != "default"
        else units,
        chosen["lang"].value,
        chosen["fail_on"].value,
    )


def _inputs(
    rules: Optional[Path],
    units: Optional[str],
    json_for: str | None = None,
    default: bool = True,
    failure: Any = None,
) -> tuple:
    """The rule set and the unit list — without ``default``, none unless one is named
    (exit 2 when either cannot be used)."""
    from ntm_eval.diagnostics import InputError
    from ntm_eval.input.units import load_units
    from ntm_eval.rules.loader import default_rules_path, load_rules

    try:
        ruleset = load_rules(rules or default_rules_path(), display=str(rules) if rules else None)
        return ruleset, load_units(units) if default or units is not None else None
    except InputError as exc:
        _fail(exc.problems, json_for, failure)


def _output(output: Optional[Path], *inputs: Optional[Path], units: Optional[str]) -> None:
    """Refuse an ``-o`` that is not a regular file or is one of the run's ``inputs``, its
    unit list (named or shipped) or the shipped rules (exit 2), before anything is read or
    written."""
    if output is None:
        return
    from ntm_eval.diagnostics import InputError
    from ntm_eval.input.units import list_files
    from ntm_eval.output import check_output
    from ntm_eval.rules.loader import default_rules_path

    try:
        check_output(output, [*inputs, *list_files(units), default_rules_path()])
    except InputError as exc:
        _fail(exc.problems)


def _source(data: Path, sheet: Optional[str] = None, encoding: Optional[str] = None) -> Any:
    from ntm_eval.input.source import Source

    return Source(data, str(data), sheet, encoding)


def _progress(data: Path) -> Any:
    """How far the check of ``data`` is, on standard error when it is a terminal."""
    from ntm_eval.progress import for_terminal

    return for_terminal(sys.stderr, str(data))


def _judge(
    source: Any,
    ruleset: Any,
    units: Any,
    json_for: str | None = None,
    first: int = 0,
    failure: Any = None,
) -> Any:
    """The report of ``source`` (exit 2 when the data cannot be used)."""
    from ntm_eval.diagnostics import InputError
    from ntm_eval.engine.pipeline import judge

    try:
        return judge(source, ruleset, units, first=first, progress=_progress(source.path))
    except InputError as exc:
        _fail(exc.problems, json_for, failure)


def _emit(
    renderer: Any, obj: Any, output: Optional[Path], json_for: str | None = None, **options: Any
) -> None:
    """Write ``obj`` in a format to ``output`` (or stdout); exit 2 when the output cannot
    be written, or when the data read as it is written turns out unusable."""
    import shutil

    from ntm_eval.diagnostics import InputError
    from ntm_eval.output import emit

    width = shutil.get_terminal_size((80, 24)).columns
    color = output is None and _use_color(sys.stdout)
    try:
        emit(renderer, obj, output, width=width, color=color, **options)
    except BrokenPipeError:
        _reader_left()
    except InputError as exc:
        # a run read as it is written may stop on its data: stdout stays JSON
        _fail(exc.problems, json_for if getattr(obj, "failed", False) else None)
    if output is not None:
        from ntm_eval.i18n import tr

        print(tr(_said_in[0], "wrote", path=printable(str(output))), file=sys.stderr)


def _format(fmt: Any, output: Optional[Path], lang: Any = None) -> Any:
    """The format to write: the one asked for, else xlsx for ``-o FILE.xlsx``, else text.
    A workbook into a file not named .xlsx, or text into one that is, is refused (U013);
    a workbook to a terminal too (U014): exit 2, before anything is read, in the language
    of ``--lang`` when it is given (the configuration file is not read yet)."""
    from ntm_eval.diagnostics import Problem

    if lang is not None:
        _speak(Lang(lang).value)

    workbook = output is not None and output.suffix.lower() == ".xlsx"
    chosen = fmt or (Format.xlsx if workbook else Format.text)  # a Format or a CheckFormat
    xlsx = chosen.value == "xlsx"
    shown = str(output)
    if output is not None and xlsx != workbook:
        if workbook:
            message = (
                f"--format {chosen.value} writes text, not a workbook, into a file named "
                f".xlsx: use --format xlsx (or omit --format), or name the file for the format"
            )
            vi = (
                f"--format {chosen.value} ghi văn bản, không phải sổ tính, vào tệp có đuôi "
                ".xlsx: hãy dùng --format xlsx (hoặc bỏ --format), hoặc đặt tên tệp hợp với "
                "định dạng"
            )
        else:
            message = "--format xlsx writes an Excel workbook: name the output file FILE.xlsx"
            vi = "--format xlsx ghi sổ tính Excel: hãy đặt tên tệp kết quả là FILE.xlsx"
        _fail([Problem("U013", message, shown, message_vi=vi)])
    if xlsx and output is None and sys.stdout.isatty():
        message = "a workbook cannot be shown on the terminal: give -o FILE.xlsx, or pipe it (> FILE.xlsx)"
        vi = (
            "không thể hiện sổ tính trên màn hình: hãy ghi -o FILE.xlsx, hoặc chuyển hướng "
            "(> FILE.xlsx)"
        )
        _fail([Problem("U014", message, "stdout", message_vi=vi)])
    return chosen


def _refuse(message: str, message_vi: str) -> NoReturn:
    """A usage mistake told in one line (exit 2), in the command's language (``message_vi``
    in Vietnamese); what the user typed in it, shown."""
    if _said_in[0] == "vi":
        print(f"lỗi: {printable(message_vi)}", file=sys.stderr)
    else:
        print(f"error: {printable(message)}", file=sys.stderr)
    raise typer.Exit(exit_code(usage=True))


def _exit(problems: Any, findings: bool = False) -> NoReturn:
    """Print the problems found and exit: 2 or 3 when any is an error, else 1 with
    ``findings``, else 0."""
    _print_problems(problems)
    raise typer.Exit(exit_code(problems, findings=findings))


# --- commands --------------------------------------------------------------------------------


@app.command(**usage.command("check"))
def check(
    data: Data,
    rules: Rules = None,
    fmt: Annotated[Optional[CheckFormat], _option("check", "--format", "-f")] = None,
    sector: Annotated[
        Many,
        _option("check", "--sector", "-s", metavar="KEY", autocompletion=_complete("sectors")),
    ] = None,
    criterion: Annotated[
        Many, _option("check", "--criterion", metavar="ID", autocompletion=_complete("criteria"))
    ] = None,
    district: Annotated[Many, _option("check", "--district", "-d", metavar="NAME")] = None,
    status: Annotated[
        Optional[list[Status]], _option("check", "--status", metavar="STATUS")
    ] = None,
    commune: Annotated[Many, _option("check", "--commune", "-c", metavar="CODE")] = None,
    year: Annotated[Optional[list[int]], _option("check", "--year", metavar="YEAR")] = None,
    fail_on: Annotated[Optional[FailOn], _option("check", "--fail-on", show_default=False)] = None,
    max_rows: Annotated[int, _option("check", "--max-rows", metavar="N")] = 200,
    output: Output = None,
    lang: LangOption = None,
    sheet: Sheet = None,
    encoding: Encoding = None,
    units: Units = None,
) -> None:
    from ntm_eval.engine.results import Filters, Finished
    from ntm_eval.render import FORMATS

    filters = Filters(
        sectors=tuple(sector or ()),
        criteria=tuple(criterion or ()),
        districts=tuple(district or ()),
        statuses=tuple(s.value for s in status or ()),
        communes=tuple(commune or ()),
        years=tuple(year or ()),
    )
    fmt = _format(fmt, output, lang)
    renderer = FORMATS["check"][fmt.value]
    json_for = str(data) if fmt.value in ("json", "jsonl", "jsonl-compact") else None
    failure = functools.partial(renderer.fail, str(data)) if renderer.failure else None
    (
        rules,
        units,
        lang_,
        fail_on_,
    ) = _choose(rules, units, lang, fail_on, json_for=json_for, failure=failure)
    _output(output, data, rules, units=units)
    ruleset, unit_list = _inputs(rules, units, json_for, failure=failure)
    source = _source(data, sheet, encoding)
    if renderer.streams and not filters:  # judged as it is written
        from ntm_eval.engine.pipeline import Run

        # no progress line on a terminal that JSON lines or CSV rows are written to
        quiet = fmt.value != "json" and output is None and sys.stdout.isatty()
        run = Run(source, ruleset, unit_list, progress=None if quiet else _progress(data))
        _emit(renderer, run, output, json_for, lang=lang_)
        report = run.finish()
    else:
        # The terminal table lists the first --max-rows communes: only those are kept whole.
        first = max_rows if fmt.value == "text" and not filters and max_rows > 0 else 0
        report = _judge(source, ruleset, unit_list, json_for, first, failure)
        if filters:
            from ntm_eval.diagnostics import InputError
            from ntm_eval.engine.filters import filter_report

            try:
                report = filter_report(report, filters)
            except InputError as exc:
                _fail(exc.problems, json_for, failure)
        shown = Finished(report) if renderer.streams else report
        _emit(renderer, shown, output, communes=filters.communes, max_rows=max_rows, lang=lang_)
    counts = report.summary
    short = {
        "none": 0,
        "not-met": counts.not_met + counts.not_evaluable,
        "not-evaluable": counts.not_evaluable,
    }[fail_on_]
    _exit(report.problems, findings=bool(short))


@app.command(**usage.command("gaps"))
def gaps(
    data: Data,
    rules: Rules = None,
    fmt: FormatOption = None,
    top: Annotated[int, _option("gaps", "--top", "-n", metavar="N", min=0)] = 0,
    by_sector: Annotated[bool, _option("gaps", "--by-sector")] = False,
    output: Output = None,
    lang: LangOption = None,
    sheet: Sheet = None,
    encoding: Encoding = None,
    units: Units = None,
) -> None:
    from ntm_eval.engine.gaps import gaps as rank
    from ntm_eval.render import FORMATS

    fmt = _format(fmt, output, lang)
    json_for = str(data) if fmt in (Format.json, Format.jsonl) else None
    rules, units, lang_, _ = _choose(rules, units, lang, json_for=json_for)
    _output(output, data, rules, units=units)
    ruleset, unit_list = _inputs(rules, units, json_for)
    report = _judge(_source(data, sheet, encoding), ruleset, unit_list, json_for)
    view = rank(report, top=top, by_sector=by_sector)
    _emit(FORMATS["gaps"][fmt.value], view, output, lang=lang_)
    _exit(report.problems)


@app.command(**usage.command("compare"))
def compare(
    old: Annotated[Path, _argument("compare", "OLD")],
    new: Annotated[Path, _argument("compare", "NEW")],
    rules: Annotated[Optional[Path], _option("compare", "--rules", "-r", metavar="FILE")] = None,
    fmt: FormatOption = None,
    output: Output = None,
    lang: LangOption = None,
    units: Units = None,
) -> None:
    from ntm_eval.diagnostics import InputError
    from ntm_eval.engine.compare import compare as diff
    from ntm_eval.engine.compare import load_side, straddles
    from ntm_eval.render import FORMATS

    fmt = _format(fmt, output, lang)
    json_for = str(old) if fmt in (Format.json, Format.jsonl) else None
    rules, units, lang_, _ = _choose(rules, units, lang, json_for=json_for)
    _output(output, old, new, rules, units=units)
    ruleset, unit_list = _inputs(rules, units, json_for)
    try:
        old_side = load_side(old, ruleset, str(old), unit_list)
        new_side = load_side(new, ruleset, str(new), unit_list)
    except InputError as exc:
        _fail(exc.problems, json_for)
    after = None
    if straddles(old_side, new_side):  # the conversion of 1 July 2025 matches the codes
        from ntm_eval.input.units import CURRENT_DATE, national

        after = national(f"vn-{CURRENT_DATE}")
    comparison, notes = diff(old_side, new_side, ruleset.measure_names(), after)
    problems = [*old_side.problems, *new_side.problems, *notes]
    _emit(FORMATS["compare"][fmt.value], comparison, output, lang=lang_, problems=problems)
    _exit(problems)


@app.command(**usage.command("report"))
def report(
    data: Data,
    rules: Rules = None,
    output: Output = None,
    top: Annotated[int, _option("report", "--top", "-n", metavar="N", min=0)] = 10,
    lang: LangOption = None,
    sheet: Sheet = None,
    encoding: Encoding = None,
    units: Units = None,
) -> None:
    from ntm_eval.engine.gaps import gaps as rank
    from ntm_eval.render import FORMATS

    rules, units, lang_, _ = _choose(rules, units, lang)
    _output(output, data, rules, units=units)
    ruleset, unit_list = _inputs(rules, units)
    judged = _judge(_source(data, sheet, encoding), ruleset, unit_list)
    _emit(FORMATS["report"]["html"], judged, output, candidates=rank(judged, top=top), lang=lang_)
    _exit(judged.problems)


class TemplateFormat(str, enum.Enum):
    csv = "csv"
    xlsx = "xlsx"


@app.command(**usage.command("template"))
def template(
    rules: Annotated[Optional[Path], _option("template", "--rules", "-r", metavar="FILE")] = None,
    fmt: Annotated[Optional[TemplateFormat], _option("template", "--format", "-f")] = None,
    lang: Annotated[Optional[Lang], _option("template", "--lang", show_default=False)] = None,
    units: Annotated[
        Optional[str],
        _option("template", "--units", metavar="FILE", autocompletion=_complete("unit_lists")),
    ] = None,
    region: Annotated[Optional[str], _option("template", "--region", metavar="KEY")] = None,
    year: Annotated[Optional[int], _option("template", "--year", metavar="YEAR")] = None,
    output: Annotated[Optional[Path], _option("template", "--output", "-o", metavar="FILE")] = None,
    province: Annotated[Optional[str], _option("template", "--province", metavar="CODE")] = None,
) -> None:
    from ntm_eval.diagnostics import InputError
    from ntm_eval.render import template as tpl

    rules, units, lang_, _ = _choose(rules, units, lang, lang_default="vi", units_from_config=False)
    xlsx = output is not None and output.suffix.lower() == ".xlsx"
    chosen = fmt or (TemplateFormat.xlsx if xlsx else TemplateFormat.csv)
    if chosen is TemplateFormat.xlsx and output is None and sys.stdout.isatty():
        _refuse(
            "a workbook cannot be shown on the terminal; give -o FILE.xlsx",
            "không thể hiện sổ tính trên màn hình; hãy ghi -o FILE.xlsx",
        )
    _output(output, rules, units=units)
    ruleset, unit_list = _inputs(rules, units, default=False)
    if unit_list is not None and not hasattr(unit_list, "units"):  # --units vn: by year
        if year is None:
            _refuse(
                "--units vn needs --year: the national list of that year is pre-filled",
                "--units vn cần --year: danh mục đơn vị hành chính toàn quốc của năm đó được "
                "điền sẵn",
            )
        unit_list = unit_list.for_year(year)
    if province is not None:
        unit_list = _province_units(unit_list, province)
    if region is not None and region not in ruleset.class_values:
        _refuse(
            f"--region '{region}' is not a {ruleset.class_name.en} of rule set '{ruleset.id}' "
            f"({', '.join(ruleset.class_values)})",
            f"--region '{region}' không phải {ruleset.class_name.vi} của bộ tiêu chí "
            f"'{ruleset.id}' ({', '.join(ruleset.class_values)})",
        )
    made = tpl.make(ruleset, chosen.value, lang_, unit_list, region, year, bom=output is not None)
    if output is None:
        sys.stdout.buffer.write(made.content)
        sys.stdout.flush()
    else:
        from ntm_eval.output import atomic_open

        try:
            with atomic_open(output, binary=True) as f:
                f.write(made.content)
        except InputError as exc:
            _fail(exc.problems)
    from ntm_eval.i18n import tr

    made_note = tr(
        lang_,
        "template.made",
        path=printable(str(output or "stdout")),
        format=chosen.value,
        columns=made.columns,
        rows=made.rows,
        ruleset=ruleset.id,
    )
    print(made_note, file=sys.stderr)


def _province_units(units: Any, province: str) -> Any:
    """The unit list of ``template --units L --province P``: only P's units (exit 2 when
    there is no list, or P is not one of its provinces)."""
    import dataclasses

    if units is None:
        _refuse(
            "--province needs --units: the list whose communes to pre-fill",
            "--province cần --units: danh mục đơn vị hành chính có các xã để điền sẵn",
        )
    kept = units.of_province(province.strip())
    if not kept:
        _refuse(
            f"--province '{province}' is not a province of the unit list {units.label} "
            "(give its code, e.g. 68, or its name)",
            f"--province '{province}' không phải tỉnh của danh mục đơn vị hành chính "
            f"{units.label} (hãy ghi mã tỉnh, ví dụ 68, hoặc tên tỉnh)",
        )
    return dataclasses.replace(units, units=kept)


class ValidateFormat(str, enum.Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


@app.command(**usage.command("validate"))
def validate(
    paths: Annotated[Optional[list[Path]], _argument("validate", "[PATH]...")] = None,
    fmt: Annotated[ValidateFormat, _option("validate", "--format", "-f")] = ValidateFormat.text,
    lang: LangOption = None,
) -> None:
    lang_ = _lang(lang)
    from ntm_eval.render import FORMATS
    from ntm_eval.render.validation import summary
    from ntm_eval.rules.validation import validate as run

    result = run(list(paths or [Path("rules")]))
    FORMATS["validate"][fmt.value].write(
        result, sys.stdout, color=_use_color(sys.stdout), lang=lang_
    )
    sys.stdout.flush()
    print(summary(result, lang_), file=sys.stderr)
    raise typer.Exit(exit_code(result.problems, input_errors_are_findings=True))


class ConfigFormat(str, enum.Enum):
    text = "text"
    json = "json"


@app.command(**usage.command("config"))
def config(
    fmt: Annotated[ConfigFormat, _option("config", "--format", "-f")] = ConfigFormat.text,
) -> None:
    from ntm_eval import settings
    from ntm_eval.diagnostics import InputError
    from ntm_eval.render.settings import render_json, render_text

    try:
        path = settings.find()
        chosen = settings.resolve(dict.fromkeys(settings.CHOICES))
    except InputError as exc:
        _fail(exc.problems)
    render = render_json if fmt is ConfigFormat.json else render_text
    sys.stdout.write(render(path, chosen))


@app.command(**usage.command("schema"))
def schema() -> None:
    from ntm_eval.rules.schema import render

    sys.stdout.write(render())


rules_app = typer.Typer(
    name="rules",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    **usage.command("rules"),
)
app.add_typer(rules_app, name="rules")

units_app = typer.Typer(
    name="units",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    **usage.command("units"),
)
app.add_typer(units_app, name="units")


@units_app.command("list", **usage.command("units list"))
def units_list() -> None:
    from ntm_eval.input.units import catalogue
    from ntm_eval.render.units import text

    sys.stdout.write(text(catalogue()))


class ListFormat(str, enum.Enum):
    table = "table"
    json = "json"


class ShowFormat(str, enum.Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


@rules_app.command("list", **usage.command("rules list"))
def rules_list(
    paths: Annotated[Optional[list[Path]], _argument("rules list", "[PATH]...")] = None,
    fmt: Annotated[ListFormat, _option("", "--format", "-f")] = ListFormat.table,
    lang: LangOption = None,
) -> None:
    lang_ = _lang(lang)
    from ntm_eval.render import FORMATS
    from ntm_eval.rules.catalogue import list_sets
    from ntm_eval.rules.validation import collect

    files, problems = collect(list(paths or []))
    if problems:
        _fail(problems)
    FORMATS["rules list"][fmt.value].write(
        list_sets(files), sys.stdout, color=_use_color(sys.stdout), lang=lang_
    )


@rules_app.command("show", **usage.command("rules show"))
def rules_show(
    ref: Annotated[
        str,
        _argument("rules show", "[SET]", show_default=True, autocompletion=_complete("rule_sets")),
    ] = "national-2016-2020",
    region: Annotated[Optional[str], _option("rules show", "--region", metavar="R")] = None,
    sector: Annotated[
        Optional[str],
        _option("rules show", "--sector", metavar="S", autocompletion=_complete("sectors")),
    ] = None,
    criterion: Annotated[
        Optional[str],
        _option("rules show", "--criterion", metavar="ID", autocompletion=_complete("criteria")),
    ] = None,
    unverified: Annotated[bool, _option("rules show", "--unverified")] = False,
    fmt: Annotated[ShowFormat, _option("rules show", "--format", "-f")] = ShowFormat.table,
    lang: LangOption = None,
) -> None:
    lang_ = _lang(lang)
    from ntm_eval.diagnostics import InputError
    from ntm_eval.render import FORMATS
    from ntm_eval.render.catalogue import failure_json
    from ntm_eval.rules import catalogue

    try:
        cat = catalogue.build(catalogue.load_set(ref), region, sector, criterion, unverified)
    except catalogue.FilterError as exc:
        _refuse(str(exc), exc.message_vi)
    except InputError as exc:
        _print_problems(exc.problems)
        if fmt is ShowFormat.json:
            sys.stdout.write(failure_json(exc.problems))
        raise typer.Exit(exit_code(exc.problems)) from None
    FORMATS["rules show"][fmt.value].write(
        cat, sys.stdout, color=_use_color(sys.stdout), lang=lang_
    )


def _stdout_to_devnull() -> None:
    """The reader of stdout left: whatever is still buffered for it goes nowhere, quietly."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _reader_left() -> NoReturn:
    """`ntm-eval check … | head`: the reader left; not an error of ours (exit 0; the
    command line framework would exit 1)."""
    _stdout_to_devnull()
    raise typer.Exit(EXIT_OK)


def main() -> None:
    """The command: a signal that ends it exits 128 + its number, as shells expect, once
    its temporary file is gone; a full disk under stdout is a problem line, not a
    traceback."""
    from ntm_eval.output import Interrupted, is_full, stop_on_signals

    stop_on_signals()
    try:
        app()
    except BrokenPipeError:  # `ntm-eval … | head` outside a command's output: the same
        _stdout_to_devnull()
        sys.exit(EXIT_OK)
    except Interrupted as stop:
        _stdout_to_devnull()  # what is still buffered would be written on the way out
        sys.exit(128 + stop.signum)
    except OSError as exc:
        if not is_full(exc):  # anything else is a bug of ours: its traceback is wanted
            raise
        _stdout_to_devnull()
        from ntm_eval.diagnostics import Problem, os_error_vi

        full = Problem(
            "U010",
            f"cannot write the output: {exc.strerror}",
            "stdout",
            message_vi=f"không ghi được kết quả: {os_error_vi(exc)}",
        )
        print(full.format(color=_use_color(sys.stderr), lang=_said_in[0]), file=sys.stderr)
        sys.exit(exit_code([full]))
