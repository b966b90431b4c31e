"""``check --format jsonl-compact``: what every commune shares written once, in a first
``ruleset`` line; expanded, the lines are ``--format jsonl``'s, byte for byte."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, OneByOne, commune_csv, generate_national, national_rules, run_cli

from ntm_eval.engine.pipeline import Run
from ntm_eval.engine.results import ResultBatch
from ntm_eval.input.source import Source
from ntm_eval.input.units import load_units
from ntm_eval.render import compact, jsonl

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


def written(results) -> str:
    out = io.StringIO()
    compact.write(results, out)
    return out.getvalue()


@pytest.fixture(scope="module")
def realistic(tmp_path_factory) -> dict[str, Path]:
    return generate_national(
        tmp_path_factory.mktemp("real"), rows=2500, seed=5, profile="realistic"
    )


@pytest.mark.parametrize("kind", ["clean", "dirty"])
def test_lines_from_codes_equal_lines_from_objects(realistic, kind):
    """The column-wise lines (made from the batch's codes, ``encode_batch``) are the lines
    made commune by commune, and those the row-by-row engine's communes give."""

    def run(column_wise: bool = True) -> Run:
        rules = national_rules()
        return Run(Source(realistic[kind]), rules, load_units(None), column_wise=column_wise)

    batched = written(run())
    assert batched == written(OneByOne(run()))
    assert batched == written(OneByOne(run(column_wise=False)))
    full = io.StringIO()
    jsonl.write(run(), full)
    assert expanded(batched) == full.getvalue()
    assert batched.count("\n") == 2502


@pytest.mark.parametrize("differs", ["criteria", "unit"])
def test_a_batch_whose_criteria_differ_from_the_first_commune_keeps_the_full_form(
    realistic, differs
):
    """The shape is the first commune's: column-wise rows of other criteria (or of a
    measure said otherwise, here its unit) get full lines."""
    run = Run(Source(realistic["clean"]), national_rules(), load_units(None))
    batches = list(run.batches())
    report = run.finish()
    first = batches[0].communes()[0]
    if differs == "criteria":
        odd = dataclasses.replace(first, criteria=first.criteria[1:], line=1)
    else:
        k = first.criteria[-1]
        r = k.indicators[0]._replace(unit="other")
        k = dataclasses.replace(k, indicators=(r, *k.indicators[1:]))
        odd = dataclasses.replace(first, criteria=(*first.criteria[:-1], k), line=1)

    class Given:
        ruleset = report.ruleset

        def batches(self):
            return iter([ResultBatch.of([odd]), *batches])

        def finish(self):
            return report

    results = Given()
    text = written(results)
    lines = text.splitlines()
    assert len(json.loads(lines[0])["criteria"]) == len(odd.criteria)
    assert '"indicators"' not in lines[1]  # the first commune's, in the short form
    assert all('"indicators"' in line for line in lines[2:-1])  # the others', in the full form
    full = io.StringIO()
    jsonl.write(results, full)
    assert expanded(text) == full.getvalue()


def test_values_text_is_dumps():
    from ntm_eval.render import json as rj

    values = [None, True, False, 0, -3, 10**20, 0.1, 1e-7, 1e22, -0.0, 85.5, "met"]
    values += [float("nan"), float("inf"), -float("inf"), 'Xã "Thắng"\n\u2028\x00\\']
    for i in range(len(values)):
        chosen = tuple(values[i:] + values[:i])
        assert rj.values_text(chosen) == rj.dumps(list(chosen))
    with pytest.raises(TypeError):
        rj.values_text((object(),))
