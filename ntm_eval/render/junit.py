"""JUnit XML (``check --format junit``), for CI systems that show test reports: each
commune a test case (class name its district, name "code name") — failed when it does not
meet the standard (the criteria not met), skipped when it cannot be evaluated (what is
missing) — and the problems of the input as a second suite, errors as errors. Imported
only when this format is asked for."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from ntm_eval import i18n
from ntm_eval.diagnostics import Problem
from ntm_eval.engine.results import NOT_EVALUABLE, NOT_MET
from ntm_eval.shown import printable


def _name(text: Any, lang: str) -> str:
    return printable(text.vi if lang == "vi" else text.en)


def _value(r: Any) -> str:
    if r.kind == "bool":
        return f"{'yes' if r.value else 'no'} (needs {'yes' if r.threshold else 'no'})"
    unit = f" {r.unit}" if r.unit else ""
    return f"{r.value}{unit} (needs {r.op} {r.threshold}{unit})"


def _commune(suite: ET.Element, c: Any, lang: str) -> None:
    case = ET.SubElement(
        suite, "testcase", classname=printable(c.district), name=printable(f"{c.code} {c.name}")
    )
    if c.status == NOT_MET:
        details = [
            f"{k.id} {_name(k.name, lang)}: "
            + "; ".join(
                f"{r.id} {r.column} {_value(r)}" for r in k.indicators if r.status == NOT_MET
            )
            for k in c.criteria
            if k.status == NOT_MET
        ]
        failure = ET.SubElement(
            case, "failure", type="not_met", message="criteria not met: " + ", ".join(c.not_met)
        )
        failure.text = "\n".join(details)
    elif c.status == NOT_EVALUABLE:
        missing = [
            f"{r.id} {r.column}: {printable(i18n.reason(lang, r.reason) or 'no value')}"
            for k in c.criteria
            for r in k.indicators
            if r.status == NOT_EVALUABLE
        ]
        ET.SubElement(
            case,
            "skipped",
            message="not evaluable: "
            + ", ".join(c.not_evaluable)
            + " ("
            + "; ".join(missing)
            + ")",
        )


def _problems(root: ET.Element, input_name: str, problems: Sequence[Problem]) -> ET.Element:
    errors = sum(p.is_error for p in problems)
    suite = ET.SubElement(
        root,
        "testsuite",
        name=f"problems: {printable(input_name)}",
        tests=str(len(problems)),
        failures="0",
        errors=str(errors),
        skipped="0",
    )
    for p in problems:
        case = ET.SubElement(
            suite, "testcase", classname=printable(p.path), name=f"{p.location()} [{p.code}]"
        )
        if p.is_error:
            ET.SubElement(case, "error", type=p.code, message=p.message).text = p.format()
        else:
            ET.SubElement(case, "system-out").text = p.format()
    return suite


def _document(root: ET.Element) -> str:
    suites = root.findall("testsuite")
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in suites)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def render(report: Any, lang: str = "en", **options: Any) -> str:
    root = ET.Element("testsuites", name="ntm-eval")
    s = report.summary
    ET.SubElement(
        root,
        "testsuite",
        name=f"communes: {printable(report.input_path)}",
        tests=str(s.communes),
        failures=str(s.not_met),
        errors="0",
        skipped=str(s.not_evaluable),
    )
    suite = root[0]
    for c in report.communes:
        _commune(suite, c, lang)
    _problems(root, report.input_path, report.problems)
    return _document(root)


def failure(input_name: str, problems: Sequence[Problem]) -> str:
    """When nothing could be judged: the problems suite alone."""
    root = ET.Element("testsuites", name="ntm-eval")
    _problems(root, input_name, problems)
    return _document(root)
