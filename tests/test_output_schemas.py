"""The schemas of ``check --format jsonl`` (one per line) and ``validate --format json``
describe what the commands print: every kind of line and document, from real runs, is
validated against the shipped schema; the schemas forbid keys they do not name, so a key
the code adds without the schema fails here."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import ROOT, run_cli
from referencing import Registry, Resource

SCHEMAS = ROOT / "ntm_eval" / "schemas"
SAMPLE = str(ROOT / "data" / "2020.csv")


def _load(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


REGISTRY = Registry().with_resources(
    (doc["$id"], Resource.from_contents(doc))
    for doc in (_load(path.name.removesuffix(".schema.json")) for path in SCHEMAS.glob("*.json"))
    if "$id" in doc  # the output schemas (rules.schema.json is generated, without one)
)


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = _load(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, registry=REGISTRY)


LINE = _validator("check-jsonl-line")
VALIDATE = _validator("validate-output")
GAPS_LINE = _validator("gaps-jsonl-line")
COMPARE_LINE = _validator("compare-jsonl-line")
CONFIG = _validator("config-output")


def _lines(*args: str, cwd=ROOT) -> tuple[int, list[dict]]:
    r = run_cli("check", *args, "-f", "jsonl", cwd=cwd)
    return r.code, [json.loads(line) for line in r.stdout.splitlines()]


def _kinds(lines: list[dict]) -> list[str]:
    return [line.get("type", "failure") for line in lines]


def test_every_line_of_a_run_follows_the_schema():
    code, lines = _lines(SAMPLE)
    assert code == 0
    assert _kinds(lines) == ["commune"] * 93 + ["summary"]
    for line in lines:
        LINE.validate(line)


def test_lines_with_problems_and_filters_follow_the_schema(tmp_path, write_csv):
    path = write_csv([{}, {"poverty_rate_pct": "105"}, {"year": "x"}], name="bad.csv")
    code, lines = _lines(str(path), cwd=path.parent)
    assert code == 3
    assert lines[-1]["errors"] and _kinds(lines)[-1] == "summary"
    for line in lines:
        LINE.validate(line)
    code, lines = _lines(SAMPLE, "--criterion", "14.3", "--status", "not_met")
    assert code == 0 and lines[-1]["filters"]["criterion"] == ["14.3"]
    for line in lines:
        LINE.validate(line)


def test_the_failure_line_follows_the_schema(tmp_path):
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    code, lines = _lines(str(tmp_path / "empty.csv"))
    assert code == 3 and _kinds(lines) == ["failure"]
    LINE.validate(lines[0])


@pytest.mark.parametrize(
    "line, why",
    [
        ({"type": "commune"}, "a commune line without the commune"),
        ({"type": "other"}, "an unknown type"),
        ({"type": "summary", "schema_version": 1}, "a summary without its parts"),
    ],
)
def test_the_line_schema_refuses_what_is_not_a_line(line, why):
    assert not LINE.is_valid(line), why


def test_a_key_the_schema_does_not_name_fails():
    _, lines = _lines(SAMPLE)
    for line in (lines[0], lines[-1]):
        assert not LINE.is_valid({**line, "surplus": 1})


@pytest.mark.parametrize(
    "args, code",
    [
        (["rules/"], 0),
        (["tests/cases/rules-invalid/bad-confirmation.yaml"], 1),
        (["no-such-folder/"], 2),
    ],
)
def test_validate_documents_follow_the_schema(args, code):
    r = run_cli("validate", "--format", "json", *args)
    assert r.code == code, r.stderr
    doc = json.loads(r.stdout)
    VALIDATE.validate(doc)
    assert doc["valid"] is (code == 0)
    assert not VALIDATE.is_valid({**doc, "surplus": 1})


def test_the_readme_links_every_schema():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        assert f"ntm_eval/schemas/{path.name}" in readme, path.name


def _jsonl(*args: str) -> tuple[int, list[dict]]:
    r = run_cli(*args, "-f", "jsonl")
    return r.code, [json.loads(line) for line in r.stdout.splitlines()]


@pytest.mark.parametrize("by_sector", [[], ["--by-sector"]])
def test_every_gaps_line_follows_its_schema(by_sector):
    code, lines = _jsonl("gaps", SAMPLE, "--top", "5", *by_sector)
    assert code == 0 and _kinds(lines)[-1] == "summary" and len(lines) > 5
    assert ("sector" in lines[0]) is bool(by_sector)
    for line in lines:
        GAPS_LINE.validate(line)
    assert not GAPS_LINE.is_valid({**lines[-1], "surplus": 1})
    code, lines = _jsonl("gaps", str(ROOT / "no-such.csv"))
    assert code == 2 and _kinds(lines) == ["failure"]
    GAPS_LINE.validate(lines[0])


def test_every_compare_line_follows_its_schema():
    old = str(ROOT / "data" / "2020-self-assessment.csv")
    code, lines = _jsonl("compare", old, SAMPLE)
    assert code == 0 and set(_kinds(lines)) == {"change", "summary"}
    for line in lines:
        COMPARE_LINE.validate(line)
    assert not COMPARE_LINE.is_valid({**lines[-1], "surplus": 1})
    code, lines = _jsonl("compare", old, str(ROOT / "no-such.csv"))
    assert code == 2 and _kinds(lines) == ["failure"]
    COMPARE_LINE.validate(lines[0])


def test_the_config_document_follows_its_schema(tmp_path):
    (tmp_path / "ntm-eval.toml").write_text('lang = "vi"\n', encoding="utf-8")
    for env in ({}, {"NTM_EVAL_LANG": "en"}):
        r = run_cli("config", "-f", "json", cwd=tmp_path, env=env)
        assert r.code == 0, r.stderr
        CONFIG.validate(json.loads(r.stdout))
    r = run_cli("config", "-f", "json", cwd=tmp_path.parent / "..", env={"NTM_EVAL_LANG": "vi"})
    doc = json.loads(r.stdout)
    CONFIG.validate(doc)
    assert doc["settings"]["lang"]["source"] == "environment"
