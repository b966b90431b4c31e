"""Shell completion: typer's machinery (``--install-completion``, ``--show-completion``)
with the values of ntm-eval's options completed — shipped rule-set ids, sectors,
criterion and indicator ids, unit lists — cheaply (``ntm_eval.complete``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_in_process

from ntm_eval import complete

EXAMPLE = "rules/examples/example-province-2016-2020.yaml"


def _complete(line: str, tmp_path: Path) -> list[str]:
    """What bash gets offered for the last word of ``line`` (a trailing space: a new
    word), the completion asked of the app in this process as the bash script asks."""
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    env = {
        "_NTM_EVAL_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(cword),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    r = run_in_process(cwd=ROOT, env=env)
    assert r.code == 0, r.stderr
    return r.stdout.split()


def test_sectors_of_the_national_set(tmp_path):
    assert _complete("ntm-eval check data/2020.csv --sector lao", tmp_path) == ["lao_dong"]
    offered = _complete("ntm-eval check data/2020.csv --sector ", tmp_path)
    assert "y_te" in offered and "lao_dong" in offered


def test_criterion_and_indicator_ids(tmp_path):
    assert _complete("ntm-eval check data/2020.csv --criterion 14", tmp_path) == [
        "14",
        "14.1",
        "14.2",
        "14.3",
    ]
    assert _complete("ntm-eval rules show --criterion 17.", tmp_path)[:2] == ["17.1", "17.2"]


def test_unit_lists_and_rule_sets(tmp_path):
    assert _complete("ntm-eval check data/2020.csv --units b", tmp_path) == ["binh-thuan-2020"]
    offered = _complete("ntm-eval template --units ", tmp_path)
    assert offered[:3] == ["binh-thuan-2020", "vn", "vn-2019-09-11"] and len(offered) == 21
    assert _complete("ntm-eval check x.csv --units vn-2026", tmp_path) == ["vn-2026-07-25"]
    assert _complete("ntm-eval rules show ", tmp_path) == [
        "national-2016-2020",
        "example-2021-2025",
        "example-2026-2030",
        "example-province-2016-2020",
    ]


def test_the_sectors_of_the_rule_file_typed(tmp_path):
    rules = tmp_path / "mine.yaml"
    text = (ROOT / "rules/national-2016-2020.yaml").read_text(encoding="utf-8")
    rules.write_text(text.replace("lao_dong", "lao_dong_xh"), encoding="utf-8")
    offered = _complete(f"ntm-eval check data/2020.csv --rules {rules} --sector lao", tmp_path)
    assert offered == ["lao_dong_xh"]


def test_the_index_is_kept_and_made_again_when_the_file_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rules = tmp_path / "mine.yaml"
    text = (ROOT / "rules/national-2016-2020.yaml").read_text(encoding="utf-8")
    rules.write_text(text, encoding="utf-8")
    assert "lao_dong" in complete.index(rules)["sectors"]
    (kept,) = (tmp_path / "cache" / "ntm-eval").iterdir()
    loads = []
    monkeypatch.setattr("ntm_eval.rules.loader.load_rules", lambda *a: loads.append(a))
    assert "lao_dong" in complete.index(rules)["sectors"] and loads == []  # from the cache
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rules.write_text(text.replace("lao_dong", "ldtbxh"), encoding="utf-8")
    os.utime(rules, ns=(kept.stat().st_mtime_ns + 10**9,) * 2)
    assert "ldtbxh" in complete.index(rules)["sectors"]


def test_a_broken_rule_file_offers_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [\n", encoding="utf-8")
    assert _complete(f"ntm-eval check x.csv --rules {bad} --sector ", tmp_path) == []


def test_completion_does_not_load_the_api_or_rules_for_ids(tmp_path):
    code = (
        "import sys, os\n"
        "from ntm_eval import complete\n"
        "complete.rule_sets(''); complete.unit_lists('')\n"
        "print(sorted(m for m in sys.modules if m.startswith(('ntm_eval.api', 'yaml', 'pydantic'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("ask", [["--install-completion", "bash"], ["--install-completion"]])
def test_install_completion_writes_the_bash_script(tmp_path, ask):
    """The installed command, in a real process, with a home of its own."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "SHELL": "/bin/bash",
    }
    if len(ask) == 2:  # the shell named, not detected
        env["_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION"] = "1"
    exe = Path(sys.executable).parent / "ntm-eval"
    # Run from a bash, as a person types it: detection looks at the parent processes (the
    # command after it keeps bash from exec-ing ntm-eval in its place).
    typed = ["bash", "-c", '"$0" "$@"; status=$?; exit $status', str(exe), *ask]
    r = subprocess.run(typed, capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    script = tmp_path / ".bash_completions" / "ntm-eval.sh"
    assert "_NTM_EVAL_COMPLETE=complete_bash" in script.read_text()
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()


@pytest.mark.parametrize("argv", [["check", str(ROOT / "data" / "2020.csv")], ["--help"]])
def test_a_plain_run_imports_nothing_of_the_api_or_completion(argv):
    code = (
        "import sys\nfrom ntm_eval.cli import main\n"
        f"sys.argv = ['ntm-eval', *{argv!r}]\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(repr(sorted(m for m in sys.modules if m in ('ntm_eval.api', "
        "'ntm_eval.complete', 'ntm_eval.input.records', 'pandas', 'polars', 'tomllib'))))"
    )
    env = {**os.environ, "XDG_CACHE_HOME": "/nonexistent"}
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert run.stderr == "[]"
