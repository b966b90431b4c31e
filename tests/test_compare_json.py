"""``compare`` reads a check JSON result within bounds: size, nesting, numbers. Beyond them
it is U020 in a short line (never kilobytes of the file), exit 2, no traceback."""

from __future__ import annotations

import functools
import re

import pytest
from conftest import DATA, run_cli, run_in_process

SAMPLE = str(DATA / "2020.csv")


@functools.cache
def _result() -> str:
    """The JSON result of checking the sample."""
    return run_cli("check", SAMPLE, "-f", "json").stdout


def _with_value(text: str) -> str:
    """The result with its first commune's criteria_met replaced by ``text``."""
    return re.sub(r'"criteria_met":\s*\d+', f'"criteria_met":{text}', _result(), count=1)


CASES = {
    "5000-digit-integer": (lambda: _with_value("1" * 5000), "a number of 5,000 digits"),
    "5000-digit-float": (lambda: _with_value("1." + "1" * 5000), "a number of 5,002 characters"),
    "float-beyond-range": (lambda: _with_value("1e999"), "the number 1e999 is beyond"),
    "nan": (lambda: _with_value("NaN"), "NaN is not a number a check result holds"),
    "infinity": (lambda: _with_value("-Infinity"), "-Infinity is not a number"),
    "deep-nesting": (lambda: '{"a":' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("side", ["old", "new"])
def test_a_result_beyond_the_bounds_is_a_short_u020(tmp_path, case, side):
    content, message = CASES[case]
    bad = tmp_path / "bad.json"
    bad.write_text(content(), encoding="utf-8")
    args = [str(bad), SAMPLE] if side == "old" else [SAMPLE, str(bad)]
    r = run_cli("compare", *args)
    assert r.code == 2, r.stderr
    assert f"{bad}: error [U020] " in r.stderr and message in r.stderr, r.stderr
    assert len(r.stderr) < 400 and "Traceback" not in r.stderr


def test_a_result_larger_than_the_bound_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    from ntm_eval.input import files

    bound = files.Kind("U020", "compared file", "compared files", 1000)  # really 256 MiB
    monkeypatch.setattr(files, "COMPARED", bound)
    big = tmp_path / "big.json"
    big.write_text(_result(), encoding="utf-8")
    r = run_in_process("compare", str(big), SAMPLE)  # the patch is in this process
    assert r.code == 2, r.stderr
    assert "error [U020]" in r.stderr and "compared files are limited to 1,000" in r.stderr
