"""The JSON Schema of rule files: generated from the models, committed, used by editors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, RULES, run_cli

from ntm_eval.rules.schema import SCHEMA_PATH, render
from ntm_eval.rules.yaml_source import load_yaml

CASES = ROOT / "tests" / "cases"
RULE_FILES = sorted(RULES.rglob("*.yaml"))


def test_the_committed_schema_matches_the_models():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render(), (
        "ntm_eval/schemas/rules.schema.json is out of date: run "
        "ntm-eval schema > ntm_eval/schemas/rules.schema.json"
    )


def test_schema_command_prints_the_committed_schema():
    result = run_cli("schema")
    assert result.code == 0
    assert result.stdout == SCHEMA_PATH.read_text(encoding="utf-8")
    assert result.stderr == ""


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _as_json(path: Path):
    """The file's data as an editor's YAML plugin hands it to the schema (keys as text)."""
    data, _ = load_yaml(path)
    return json.loads(json.dumps(data, default=str))


@pytest.mark.parametrize(
    "path", RULE_FILES + sorted((CASES / "rules-valid").glob("*.yaml")), ids=lambda p: p.name
)
def test_valid_rule_files_pass_the_schema(path):
    errors = [e.message for e in _validator().iter_errors(_as_json(path))]
    assert errors == []


@pytest.mark.parametrize(
    "name",
    [
        "unknown-key",
        "unknown-top-level-key",
        "bad-confirmation",
        "threshold-wrong-type",
        "missing-key",
        "id-wrong-form",
        "malformed-period",
        "extends-unknown-key",
        "extends-half-a-name",
        "extends-without-own-keys",
    ],
)
def test_structural_mistakes_fail_the_schema_too(name):
    # Not all: in a file that extends another, the schema cannot know whether an id is new
    # (then the item must be complete) or inherited; `ntm-eval validate` does.
    assert list(_validator().iter_errors(_as_json(CASES / "rules-invalid" / f"{name}.yaml")))


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_shipped_rule_files_point_editors_at_the_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, first
    assert (path.parent / match.group(1)).resolve() == SCHEMA_PATH.resolve()
