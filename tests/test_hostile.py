"""Hostile rule files are harmless: plain YAML only, bounded in size, depth and aliases.

The located expectations for each file are in tests/cases/rules-hostile (run by
test_validate); these tests check what a message alone cannot show.
"""

from __future__ import annotations

import shutil

import pytest
import yaml
from conftest import DATA, ROOT, run_cli

from ntm_eval.diagnostics import InputError
from ntm_eval.rules import yaml_source

HOSTILE = ROOT / "tests" / "cases" / "rules-hostile"


R004 = "[R004] tag '!!python/object/apply:os.mkdir' is not allowed"


@pytest.mark.parametrize(
    "command, code, says",
    [
        (["validate"], 1, R004),
        (["check", str(DATA / "2020.csv"), "--rules"], 3, R004),
        (["rules", "show"], 3, R004),
        (["rules", "list"], 0, "invalid (1 error(s)): ntm-eval validate evil.yaml"),
    ],
)
def test_python_object_apply_is_rejected_and_nothing_runs(command, code, says, tmp_path):
    rule_file = tmp_path / "evil.yaml"
    shutil.copy(HOSTILE / "python-object-apply.yaml", rule_file)  # would os.mkdir('ran-python')
    result = run_cli(*command, "evil.yaml", cwd=tmp_path)
    assert result.code == code
    assert says in result.stdout + result.stderr
    assert not (tmp_path / "ran-python").exists()
    assert "Traceback" not in result.stderr


def test_a_file_over_the_size_bound_is_not_parsed(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("# " + "x" * yaml_source.MAX_BYTES + "\n", encoding="utf-8")
    result = run_cli("validate", "big.yaml", cwd=tmp_path)
    assert result.code == 1
    assert result.stdout == (
        f"big.yaml: error [R001] file is {yaml_source.MAX_BYTES + 3:,} bytes; "
        f"rule files are limited to {yaml_source.MAX_BYTES:,}\n"
    )


def test_deep_nesting_without_libyaml_is_an_error_not_a_crash(monkeypatch, tmp_path):
    # The pure-Python parser is what runs where libyaml is missing; it recurses per level.
    monkeypatch.setattr(yaml_source, "_Loader", yaml.SafeLoader)
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        yaml_source.load_yaml(path, "deep.yaml")
    assert [p.format() for p in caught.value.problems] == [
        "deep.yaml: error [R004] nested too deeply"
    ]
