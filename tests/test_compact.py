"""``check --format jsonl-compact``: what every commune shares written once, in a first
``ruleset`` line; expanded, the lines are ``--format jsonl``'s, byte for byte."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, commune_csv, generate_national, run_cli

from ntm_eval.render import compact

SCHEMA = json.loads(
    (ROOT / "ntm_eval" / "schemas" / "check-jsonl-compact.schema.json").read_text(encoding="utf-8")
)


def expanded(text: str) -> str:
    return "".join(compact.expand(io.StringIO(text)))


def both(*args: str) -> tuple[str, str]:
    full = run_cli("check", *args, "--format", "jsonl")
    small = run_cli("check", *args, "--format", "jsonl-compact")
    assert small.code == full.code and small.stderr == full.stderr
    assert full.code in (0, 1, 3), full.stderr  # judged (3: some rows had problems)
    return full.stdout, small.stdout


@pytest.fixture(scope="module", params=["benchmark", "realistic", "worst"])
def files(request, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp(request.param)
    return generate_national(folder, rows=600, seed=9, profile=request.param)


@pytest.mark.parametrize("kind", ["clean", "dirty"])
def test_expanded_is_the_full_form_byte_for_byte(files, kind):
    full, small = both(str(files[kind]))
    assert expanded(small) == full
    lines = small.splitlines()
    assert json.loads(lines[0])["type"] == "ruleset"
    assert lines[-1] == full.splitlines()[-1]  # the same summary line
    assert len(small) * 3 < len(full)  # what is the same on every line is said once
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for line in lines[:50] + lines[-2:]:
        validator.validate(json.loads(line))


@pytest.mark.parametrize(
    "options", [("--criterion", "14"), ("--sector", "giao_duc"), ("--status", "met")]
)
def test_filters(files, options):
    """A filter keeps some criteria or some indicators of one (``part_of``)."""
    full, small = both(str(files["dirty"]), *options)
    assert expanded(small) == full


def test_rows_with_problems_and_no_commune(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text(
        commune_csv([{"commune_code": "22984", "poverty_rate_pct": "abc"}] * 3), encoding="utf-8"
    )
    full, small = both(str(data))
    assert expanded(small) == full
    empty = tmp_path / "e.csv"
    empty.write_text(commune_csv([]), encoding="utf-8")
    full, small = both(str(empty))
    assert expanded(small) == full
    assert json.loads(small.splitlines()[0])["criteria"] == []


def test_a_commune_whose_criteria_differ_keeps_the_full_form():
    line = {"type": "commune", "code": "1", "criteria": [{"id": "1", "status": "met"}]}
    text = json.dumps({"type": "ruleset", "compact_version": 1, "criteria": []}) + "\n"
    text += json.dumps(line, separators=(",", ":")) + "\n"
    assert expanded(text) == json.dumps(line, separators=(",", ":")) + "\n"


def test_a_commune_line_before_the_ruleset_line_is_refused():
    with pytest.raises(ValueError, match="before the ruleset line"):
        expanded('{"type":"commune","criteria":[]}\n')


def test_the_small_command_expands_a_file(files, tmp_path):
    full, small = both(str(files["clean"]))
    path = tmp_path / "c.jsonl"
    path.write_text(small, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "ntm_eval.render.compact", str(path)],
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode("utf-8") == full
