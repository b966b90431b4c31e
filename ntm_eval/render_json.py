"""``--format json``: the whole report as one JSON document (schema: schemas/check-output)."""

from __future__ import annotations

import io
import json
from typing import Any, BinaryIO

from ntm_eval.report import CommuneResult, IndicatorResult, Report

SCHEMA_VERSION = 1


def _indicator(r: IndicatorResult) -> dict[str, Any]:
    return {
        "id": r.id,
        "column": r.column,
        "kind": r.kind,
        "value": r.value,
        "op": r.op,
        "threshold": r.threshold,
        "threshold_from": r.threshold_from,
        "unit": r.unit,
        "status": r.status,
        "gap": r.gap,
        "verified": r.verified,
        "reason": r.reason,
    }


def criterion_dict(k: Any) -> dict[str, Any]:
    return {
        "id": k.id,
        "name": k.name.en,
        "name_vi": k.name.vi,
        "sector": k.sector,
        "status": k.status,
        "indicators": [_indicator(i) for i in k.indicators],
    }


def commune_dict(c: CommuneResult, with_criteria: bool = True) -> dict[str, Any]:
    doc = {
        "code": c.code,
        "name": c.name,
        "district": c.district,
        "province": c.province,
        "region": c.region,
        "year": c.year,
        "line": c.line,
        "status": c.status,
        "criteria_met": c.criteria_met,
        "criteria_total": c.criteria_total,
        "not_met": c.not_met,
        "not_evaluable": c.not_evaluable,
    }
    if with_criteria:
        doc["criteria"] = [criterion_dict(k) for k in c.criteria]
    return doc


def report_dict(report: Report) -> dict[str, Any]:
    """The whole report as plain JSON-ready data."""
    doc = report_dict_without_communes(report)
    doc["communes"] = [commune_dict(c) for c in report.communes]
    return doc


def report_dict_without_communes(report: Report) -> dict[str, Any]:
    rs, s = report.ruleset, report.summary
    return {
        "schema_version": SCHEMA_VERSION,
        "ruleset": {"id": rs.id, "title": rs.title.en, "title_vi": rs.title.vi,
                    "legal_basis": rs.legal_basis},
        "input": {"path": report.input_path, "rows": report.input_rows},
        "summary": {
            "communes": s.communes,
            "met": s.met,
            "not_met": s.not_met,
            "not_evaluable": s.not_evaluable,
            "by_criterion": [
                {"id": c.id, "name": c.name.en, "met": c.met, "not_met": c.not_met,
                 "not_evaluable": c.not_evaluable}
                for c in s.by_criterion
            ],
            "bands": [{"label": b.label, "min": b.low, "max": b.high, "communes": b.communes}
                      for b in s.bands],
        },
        "communes": [],
        "errors": [p.to_dict() for p in report.errors],
        "warnings": [p.to_dict() for p in report.warnings],
    }


def _dumps(obj: Any) -> str:
    # Compact on purpose: a national file is tens of megabytes; pipe to `jq` to read it.
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class CommuneEncoder:
    """Encodes communes one by one, as UTF-8. The evaluator shares identical criterion
    results between communes, so each distinct one is encoded once and its bytes reused."""

    def __init__(self) -> None:
        self._criteria: dict[int, bytes] = {}
        self._keep: list[Any] = []  # keeps encoded objects alive, so their ids stay unique

    def encode(self, c: CommuneResult) -> bytes:
        texts = []
        for k in c.criteria:
            text = self._criteria.get(id(k))
            if text is None:
                text = self._criteria[id(k)] = _dumps(criterion_dict(k)).encode()
                self._keep.append(k)
            texts.append(text)
        head = _dumps(commune_dict(c, with_criteria=False)).encode()
        return b"".join((head[:-1], b',"criteria":[', b",".join(texts), b"]}"))


def write(report: Report, out: BinaryIO, **_: Any) -> None:
    """Write the report to a binary stream as one JSON document, commune by commune."""
    head, tail = _dumps({**report_dict_without_communes(report), "communes": []}).split(
        '"communes":[]', 1)
    out.write(f'{head}"communes":['.encode())
    encoder = CommuneEncoder()
    for i, commune in enumerate(report.communes):
        if i:
            out.write(b",")
        out.write(encoder.encode(commune))
    out.write(f"]{tail}\n".encode())


def render(report: Report, **options: Any) -> str:
    """The report as one JSON document (the same text as ``json.dumps(report_dict(report))``)."""
    buffer = io.BytesIO()
    write(report, buffer, **options)
    return buffer.getvalue().decode()


def failure_document(path: str, problems: Any) -> str:
    """The JSON document for a run that could not evaluate anything: stdout stays JSON."""
    problems = list(problems)
    doc = {
        "schema_version": SCHEMA_VERSION,
        "ruleset": None,
        "input": {"path": path, "rows": 0},
        "summary": None,
        "communes": [],
        "errors": [p.to_dict() for p in problems if p.is_error],
        "warnings": [p.to_dict() for p in problems if not p.is_error],
    }
    return _dumps(doc) + "\n"
