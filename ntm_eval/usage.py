"""The words of the command line: what each command does, its examples, and the help of
each option. ``cli`` declares the commands and options; their words live here, together.

``help_for(command, option)`` gives an option's help: the command's own words when it has
some (``"compare --rules"``), else the words every command shares (``"--rules"``).
"""

from __future__ import annotations

from typing import TypedDict

#: Above a command's list of examples and exit codes: typer keeps the lines as written.
_KEEP = "\b\n"

#: command → (what it does, its epilog: examples and exit codes)
COMMANDS: dict[str, tuple[str, str]] = {
    "ntm-eval": (
        "Check Vietnamese communes against the national new-rural (Nông thôn mới) criteria.",
        f"{_KEEP}Examples:\n"
        "  ntm-eval check data/2020.csv\n"
        "  ntm-eval check data/2020.csv --format json | python -m json.tool\n"
        "  ntm-eval gaps data/2020.csv --top 10\n"
        "  ntm-eval validate rules/\n"
        "  ntm-eval check data/2020.csv --lang vi   (tiếng Việt: --lang vi on every command)\n"
        f"\n{_KEEP}Exit codes: 0 done; 1 check --fail-on found a commune short of the standard,\n"
        "or validate found a rule file with errors; 2 usage error (options, arguments,\n"
        "a path that does not exist); 3 an input that cannot be read or has errors (the\n"
        "rest is still judged). 'ntm-eval COMMAND --help' tells more.",
    ),
    "check": (
        "Judge every commune in DATA against the criteria, then summarise the province.\n\n"
        "For each commune: how many of the set's criteria are met, which are missing, and whether\n"
        "it meets the new-rural standard. Filters keep some criteria or communes; counts and\n"
        "bands follow them. With --format json the same results go to stdout as one JSON\n"
        "document for other tools (jsonl: one line per commune; csv: one row per commune and\n"
        "criterion; markdown: tables for reports).",
        f"{_KEEP}Examples:\n"
        "  ntm-eval check data/2020.csv\n"
        "  ntm-eval check data/2020.csv --commune 22984 --commune 23185\n"
        "  ntm-eval check data/2020.csv --sector lao_dong --status not_met\n"
        "  ntm-eval check data/2020.csv --criterion 11 --criterion 14.3 --district 'Tuy Phong'\n"
        "  ntm-eval check data/2020.csv --format json | python -m json.tool\n"
        "  ntm-eval check data/2020.csv --format csv --output results.csv\n"
        "  ntm-eval check data/2020.csv --lang vi -o ket-qua.xlsx\n"
        "  ntm-eval check data/2020.csv --lang vi\n"
        "  ntm-eval check data/2020.csv --rules my-province.yaml --fail-on not-met\n"
        "  ntm-eval check tong-hop-2020.xlsx --sheet 'Năm 2020'\n"
        "  ntm-eval check export.csv --encoding cp1258\n"
        "  ntm-eval check national-2020.csv --units units-2020.csv",
    ),
    "gaps": (
        "Rank the communes that do not meet the standard yet, closest first, each with what\n"
        "is left in the indicator's unit (\"11 Poor households: 6.2% → must be ≤ 5%: 1.2 points\n"
        'to go").\n\n'
        "Order: fewest criteria missing (a criterion that cannot be evaluated counts as missing),\n"
        "then fewest indicators short, then the smallest shortfall relative to the thresholds.",
        f"{_KEEP}Examples:\n"
        "  ntm-eval gaps data/2020.csv\n"
        "  ntm-eval gaps data/2020.csv --top 10\n"
        "  ntm-eval gaps data/2020.csv --by-sector --format markdown --output gaps.md\n"
        "  ntm-eval gaps data/2020.csv --lang vi",
    ),
    "compare": (
        "Compare two judgements of the same communes (matched on commune code): who gained\n"
        "or lost the standard or a criterion, indicator by indicator, and the communes that met\n"
        "the standard in OLD but now fail something (maintaining the standard).",
        f"{_KEEP}Examples:\n"
        "  ntm-eval compare data/2020-self-assessment.csv data/2020.csv\n"
        "  ntm-eval check old.csv -f json -o 2019.json && ntm-eval compare 2019.json new.csv\n"
        "  ntm-eval compare data/2020-self-assessment.csv data/2020.csv --format csv -o changes.csv",
    ),
    "report": (
        "Write one self-contained HTML page (no network needed): the province summary, a\n"
        "commune × criterion matrix coloured by status (hover or click a cell for values and\n"
        "thresholds), a bar chart of communes meeting each criterion, the bands and the\n"
        "candidates closest to the standard. Prints well.",
        f"{_KEEP}Examples:\n"
        "  ntm-eval report data/2020.csv -o report.html\n"
        "  ntm-eval report data/2020.csv --lang vi --top 15 -o bao-cao.html",
    ),
    "template": (
        "Write a data-entry file with the columns the rule set reads, ready to fill in.\n\n"
        'Headers read "Vietnamese label (unit) \\[column_key]", so a filled file loads with\n'
        "`ntm-eval check` without edits. The file goes to -o FILE (a workbook needs -o unless\n"
        "stdout is redirected); a one-line summary goes to stderr.",
        f"{_KEEP}Examples:\n"
        "  ntm-eval template --format xlsx -o nhap-lieu-2020.xlsx\n"
        "  ntm-eval template --format xlsx --units binh-thuan-2020 --region dhntb --year 2020 "
        "-o binh-thuan-2020.xlsx\n"
        "  ntm-eval template --lang en > template.csv\n"
        "  ntm-eval template --rules my-province.yaml --format csv -o my-province.csv",
    ),
    "validate": (
        "Check rule files and report every problem, each at its line and column.\n\n"
        "Checks the structure (unknown keys, types), the meaning (ids, references, kinds,\n"
        "ranges, years) and the sets a file extends. Problems go to stdout; a one-line\n"
        "summary goes to stderr.\n\n"
        "Exit codes: 0 every file is valid (warnings allowed); 1 a file has errors; 2 usage\n"
        "error (a path that does not exist, a folder without rule files).",
        "Examples:\n\n"
        "  ntm-eval validate\n\n"
        "  ntm-eval validate rules/examples/example-province-2016-2020.yaml\n\n"
        "  ntm-eval validate --format github rules/\n\n"
        "  ntm-eval validate --format json my-rules/ | python -m json.tool",
    ),
    "schema": (
        "Print the JSON Schema of rule files (generated from the models ntm-eval checks with).\n\n"
        "The same schema ships as ntm_eval/schemas/rules.schema.json; a rule file whose first\n"
        "line is '# yaml-language-server: $schema=PATH' gets completion and checks in editors\n"
        "that support it. 'ntm-eval validate' still makes every check.\n\n"
        "Exit codes: 0 always.",
        "Examples:\n\n"
        "  ntm-eval schema > rules.schema.json\n\n"
        "  ntm-eval schema | python -m json.tool",
    ),
    "config": (
        "Show the settings in force here (rules, units, lang, fail_on), each with where it\n"
        "comes from: the configuration file (ntm-eval.toml, or [tool.ntm-eval] in\n"
        "pyproject.toml, the first found from this folder upwards) at its line, the\n"
        "environment (NTM_EVAL_LANG, a Vietnamese locale) or the default. An option on the\n"
        "command line wins over all of them.\n\n"
        "Exit codes: 0 shown; 2 the configuration file or NTM_EVAL_LANG cannot be used.",
        "Examples:\n\n  ntm-eval config\n\n  ntm-eval config --format json",
    ),
    "rules": ("List the rule sets, and show what one asks of a commune.", ""),
    "units": ("The official lists of administrative units shipped with ntm-eval.", ""),
    "units list": (
        "List the shipped unit lists: name, list date, provinces, units and rural communes\n"
        "(xã). Without --units, each row is checked against the national list of its year:\n"
        "the latest GSO list dated on or before the end of the year, from 2025 on the list\n"
        "after the reorganisation of 1 July 2025 (marked *).\n\n"
        "Exit codes: 0 always.",
        f"{_KEEP}Examples:\n  ntm-eval units list\n  ntm-eval check data/2020.csv --units vn-2020-11-01",
    ),
    "rules list": (
        "List the rule sets: the shipped ones, the shipped examples, and those given.\n\n"
        "Exit codes: 0 listed (a set that cannot be loaded is listed as invalid; 'ntm-eval\n"
        "validate' says why); 2 usage error (a path that does not exist).",
        "Examples:\n\n"
        "  ntm-eval rules list\n\n"
        "  ntm-eval rules list my-province.yaml\n\n"
        "  ntm-eval rules list --format json provinces/",
    ),
    "rules show": (
        "Show the criteria and indicators of a rule set with each threshold.\n\n"
        "For each measure: the threshold (per region, or the one that applies in --region),\n"
        "unit, comparison, sector, legal basis, confirmation (C2, C1 or unverified), and the\n"
        "file and line the value comes from — for a provincial set, its own file or the one\n"
        "it extends.\n\n"
        "Exit codes: 0 shown; 2 usage error (an unknown set, region, sector or criterion);\n"
        "3 a rule file that cannot be read or has errors.",
        "Examples:\n\n"
        "  ntm-eval rules show --region dhntb\n\n"
        "  ntm-eval rules show --criterion 17 --unverified\n\n"
        "  ntm-eval rules show rules/examples/example-province-2016-2020.yaml --region dhntb\n\n"
        "  ntm-eval rules show national-2016-2020 --format markdown > rules/CATALOGUE.md",
    ),
}

#: option (or "command option") → its help
OPTIONS: dict[str, str] = {
    "--version": "Show the version and exit.",
    "DATA": "Commune data file: CSV (comma, semicolon or tab; UTF-8 or UTF-16) or .xlsx.",
    "--rules": "Rule file to use instead of the national 2016–2020 set.",
    "--format": "Output format (default: text, or xlsx when --output names a .xlsx file). "
    "xlsx is an Excel workbook: to a file or a pipe, never a terminal.",
    "check --format": (
        "Output format (default: text, or xlsx when --output names a .xlsx file; xlsx: an "
        "Excel workbook, to a file or a pipe; github: GitHub Actions annotations of the "
        "problems; sarif: the problems as SARIF 2.1.0; junit: one JUnit XML test case per "
        "commune)."
    ),
    "--output": "Write the output to FILE (atomically: a temporary file, then a rename) "
    "instead of stdout.",
    "--lang": "Language of human-readable output and problem lines: en or vi (default: lang "
    "in the configuration file, else NTM_EVAL_LANG, else vi under a Vietnamese locale, else "
    "en). JSON keys, status words and problem codes do not change; JSON problems carry both "
    "sentences (message, message_vi).",
    "--sheet": "Worksheet to read in an .xlsx file (default: the first visible one).",
    "--encoding": "Text encoding of a CSV file that is not UTF-8 or UTF-16 with BOM (e.g. cp1258).",
    "--units": "Official unit list to check codes and names against (CSV), or the name of a "
    "shipped one (see 'ntm-eval units list'). Default: vn, the national list of each row's "
    "year. Rows of provinces a list does not cover are not checked.",
    "check --sector": "Keep only the criteria and indicators this sector answers for "
    "(repeatable), e.g. lao_dong. A commune's count becomes e.g. 3/4.",
    "check --criterion": "Keep only this criterion (11) or indicator (14.3) (repeatable).",
    "check --district": "Keep only communes of this district (repeatable; any case and accents).",
    "check --year": "Keep only the rows of this assessment year (repeatable), for a file holding several years.",
    "check --status": "Keep only communes with this status over the kept criteria: met, "
    "not_met or not_evaluable (repeatable).",
    "check --commune": "Keep only this commune (repeatable); the text format adds its detailed "
    "table of every indicator.",
    "check --fail-on": "Exit 1 when a commune is not met or not evaluable (not-met), or when "
    "one is not evaluable (not-evaluable). For CI. Default: fail_on in the configuration "
    "file, else none.",
    "check --max-rows": "List at most N communes in the text table (0 = all). Summaries always "
    "count all.",
    "gaps --top": "Show only the N communes closest to the standard (0 = all).",
    "gaps --by-sector": "Group what is left by the sector that answers for it.",
    "compare OLD": "Earlier (or self-assessed) commune data, or a JSON result of 'check "
    "--format json'.",
    "compare NEW": "Later (or appraised) data or JSON result.",
    "compare --rules": "Rule file for data files (JSON results keep their own judgement).",
    "report --top": "List the N communes closest to the standard (0 = all).",
    "template --rules": "Rule file whose columns to use instead of the national 2016–2020 set.",
    "template --format": "csv, or xlsx (with drop-downs, bounds and an instructions sheet). "
    "Default: from the -o file's extension, else csv.",
    "template --lang": "Language of headers and instructions (default: lang in the "
    "configuration file, else NTM_EVAL_LANG, else vi).",
    "config --format": "text for people; json for tools.",
    "template --units": "Pre-fill one row per rural commune (xã) of this unit list (CSV, or the "
    "name of a shipped one such as binh-thuan-2020 or vn-2026-07-25).",
    "template --province": "With --units: only the communes of this province (its code, e.g. "
    "68, or its name).",
    "template --region": "Pre-fill the region of every row (e.g. dhntb).",
    "template --year": "Pre-fill the assessment year of every row.",
    "template --output": "Write here instead of stdout.",
    "validate PATH": "Rule files, or folders searched for *.yaml and *.yml (default: rules/).",
    "validate --format": "text: path:line:col: error [CODE] message. json: one JSON document. "
    "github: GitHub Actions annotations.",
    "rules list PATH": "Rule files, or folders of them, to list besides the shipped sets.",
    "rules show SET": "The id of a shipped set or example (see 'ntm-eval rules list'), or a "
    "rule file's path.",
    "rules show --region": "Only the threshold that applies in region R.",
    "rules show --sector": "Only indicators of sector S.",
    "rules show --criterion": "Only criterion ID (e.g. 17) or indicator ID (e.g. 17.1).",
    "rules show --unverified": "Only threshold values not confirmed from a published source.",
    "rules show --format": "table for people; json for tools; markdown for a catalogue document.",
}


def help_for(command: str, option: str) -> str:
    """The help of ``option`` (its first name, or an argument's name) in ``command``."""
    return OPTIONS.get(f"{command} {option}") or OPTIONS[option]


class Words(TypedDict, total=False):
    help: str
    epilog: str


def command(name: str) -> Words:
    """``help`` and ``epilog`` of a command, as typer takes them."""
    text, epilog = COMMANDS[name]
    return {"help": text, "epilog": epilog} if epilog else {"help": text}
