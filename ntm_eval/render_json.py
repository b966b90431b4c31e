"""``--format json``: the whole report as one JSON document (schema: schemas/check-output)."""

from __future__ import annotations

import json
from typing import Any

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


def commune_dict(c: CommuneResult) -> dict[str, Any]:
    return {
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
        "criteria": [
            {
                "id": k.id,
                "name": k.name.en,
                "name_vi": k.name.vi,
                "sector": k.sector,
                "status": k.status,
                "indicators": [_indicator(i) for i in k.indicators],
            }
            for k in c.criteria
        ],
    }


def report_dict(report: Report) -> dict[str, Any]:
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
        "communes": [commune_dict(c) for c in report.communes],
        "errors": [p.to_dict() for p in report.errors],
        "warnings": [p.to_dict() for p in report.warnings],
    }


def render(report: Report, **_: Any) -> str:
    # Compact on purpose: a national file is tens of megabytes; pipe to `jq` to read it.
    return json.dumps(report_dict(report), ensure_ascii=False, separators=(",", ":")) + "\n"


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
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"
