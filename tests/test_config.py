"""The project configuration file and the environment: where ``rules``, ``units``, ``lang``
and ``fail_on`` come from when the command line does not say (``settings.resolve``)."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, run_cli

from ntm_eval import settings
from ntm_eval.diagnostics import InputError

SAMPLE = str(ROOT / "data" / "2020.csv")
NO_LOCALE = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}


def test_a_config_file_sets_the_language(tmp_path):
    (tmp_path / "ntm-eval.toml").write_text('lang = "vi"\n', encoding="utf-8")
    r = run_cli("check", SAMPLE, "--max-rows", "3", cwd=tmp_path, env=NO_LOCALE)
    assert r.code == 0, r.stderr
    assert "93 xã: 61 xã đạt chuẩn" in r.stdout


def test_the_command_line_wins_over_the_file_and_the_file_over_the_environment(tmp_path):
    (tmp_path / "ntm-eval.toml").write_text('lang = "vi"\n', encoding="utf-8")
    r = run_cli("check", SAMPLE, "--max-rows", "3", "--lang", "en", cwd=tmp_path)
    assert "93 commune(s): 61 meet the standard" in r.stdout
    r = run_cli("check", SAMPLE, "--max-rows", "3", cwd=tmp_path, env={"NTM_EVAL_LANG": "en"})
    assert "93 xã: 61 xã đạt chuẩn" in r.stdout


def test_found_upwards_and_in_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.ntm-eval]\nfail_on = "not-met"\n', encoding="utf-8"
    )
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    r = run_cli("check", SAMPLE, "-f", "json", cwd=deep)
    assert r.code == 1, r.stderr  # 31 communes not met
    assert run_cli("check", SAMPLE, "-f", "json", "--fail-on", "none", cwd=deep).code == 0


def test_a_pyproject_without_the_table_is_passed_over(tmp_path):
    (tmp_path / "ntm-eval.toml").write_text('fail_on = "not-met"\n', encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert settings.find(tmp_path / "sub") == (tmp_path / "ntm-eval.toml").absolute()


def test_an_unknown_key_is_reported_at_its_line_and_column(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[project]\nname = "x"\n\n[tool.ntm-eval]\nlang = "vi"\n  rule = "r.yaml"\n',
        encoding="utf-8",
    )
    r = run_cli("check", SAMPLE, cwd=tmp_path)
    assert r.code == 2
    assert f"{path.absolute()}:6:3: error [U040] unknown key 'rule'" in r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize(
    "text, where, code",
    [
        ('lang = "fr"\n', ":1:1: error [U041]", "U041"),
        ('units = "binh-thuan-2020"\nfail_on = 1\n', ":2:1: error [U041]", "U041"),
        ('lang = "vi\n', ":1:11: error [U042] not valid TOML", "U042"),
    ],
)
def test_bad_values_and_bad_toml_are_usage_errors(tmp_path, text, where, code):
    (tmp_path / "ntm-eval.toml").write_text(text, encoding="utf-8")
    r = run_cli("check", SAMPLE, "-f", "json", cwd=tmp_path)
    assert r.code == 2 and "Traceback" not in r.stderr
    assert where in r.stderr
    assert json.loads(r.stdout)["errors"][0]["code"] == code  # stdout stays JSON


def test_rules_and_units_paths_are_relative_to_the_file(tmp_path):
    (tmp_path / "ntm-eval.toml").write_text(
        'rules = "my.yaml"\nunits = "binh-thuan-2020"\n', encoding="utf-8"
    )
    (tmp_path / "my.yaml").write_text(
        (ROOT / "rules" / "national-2016-2020.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    (tmp_path / "sub").mkdir()
    chosen = settings.resolve({"rules": None, "units": None}, start=tmp_path / "sub", env={})
    assert chosen["rules"].value == str((tmp_path / "my.yaml").absolute())
    assert chosen["units"].value == "binh-thuan-2020"
    r = run_cli("check", SAMPLE, "-f", "json", cwd=tmp_path / "sub")
    assert r.code == 0, r.stderr


@pytest.mark.parametrize(
    "env, lang, source",
    [
        ({}, "en", "default"),
        ({"NTM_EVAL_LANG": "vi"}, "vi", "environment"),
        ({"LANG": "vi_VN.UTF-8"}, "vi", "environment"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "vi_VN.UTF-8"}, "en", "default"),
        ({"LC_ALL": "", "LC_MESSAGES": "vi_VN", "LANG": "en_GB"}, "vi", "environment"),
        ({"NTM_EVAL_LANG": "en", "LANG": "vi_VN"}, "en", "environment"),
        ({"LANG": "vie"}, "en", "default"),  # not a vi locale: vi followed by _ . @ or end
    ],
)
def test_language_from_the_environment(tmp_path, env, lang, source):
    chosen = settings.resolve({"lang": None}, start=tmp_path, env=env)
    assert (chosen["lang"].value, chosen["lang"].source) == (lang, source)


def test_an_invalid_ntm_eval_lang_is_a_usage_error(tmp_path):
    with pytest.raises(InputError) as caught:
        settings.resolve({"lang": None}, start=tmp_path, env={"NTM_EVAL_LANG": "fr"})
    assert [p.code for p in caught.value.problems] == ["U043"]
    # the command line does not need the environment: no error then
    assert settings.resolve({"lang": "en"}, start=tmp_path, env={"NTM_EVAL_LANG": "fr"})


def test_the_locale_picks_vietnamese_for_a_command(tmp_path):
    env = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "vi_VN.UTF-8"}
    r = run_cli("gaps", SAMPLE, "--top", "1", cwd=tmp_path, env=env)
    assert r.code == 0, r.stderr
    assert "xã" in r.stdout


def test_config_shows_each_setting_and_its_source(tmp_path):
    (tmp_path / "ntm-eval.toml").write_text('# ours\n\nlang = "vi"\n', encoding="utf-8")
    r = run_cli("config", cwd=tmp_path, env=NO_LOCALE)
    assert r.code == 0, r.stderr
    where = f"{(tmp_path / 'ntm-eval.toml').absolute()}:3:1"
    lines = r.stdout.splitlines()
    assert lines[0] == f"configuration file: {(tmp_path / 'ntm-eval.toml').absolute()}"
    assert lines[1].split() == ["rules", "national-2016-2020", "default"]
    assert lines[3].split() == ["lang", "vi", where]
    doc = json.loads(run_cli("config", "-f", "json", cwd=tmp_path, env=NO_LOCALE).stdout)
    assert doc["settings"]["lang"] == {"value": "vi", "source": "file", "where": where}
    assert doc["settings"]["fail_on"] == {"value": "none", "source": "default", "where": None}
    doc = json.loads(
        run_cli("config", "-f", "json", cwd=tmp_path / "..", env={"NTM_EVAL_LANG": "vi"}).stdout
    )
    assert doc["settings"]["lang"]["where"] == "NTM_EVAL_LANG"


def test_config_reports_an_unknown_key(tmp_path):
    (tmp_path / "ntm-eval.toml").write_text('lang = "en"\n[extra]\nx = 1\n', encoding="utf-8")
    r = run_cli("config", cwd=tmp_path)
    assert r.code == 2
    assert ":2:1: error [U040] unknown key 'extra'" in r.stderr


def test_the_file_sets_the_language_of_validate_and_rules(tmp_path):
    """Commands without rules or units of their own (validate, rules list) take the
    language the same way as check: the file, unless --lang says otherwise."""
    (tmp_path / "ntm-eval.toml").write_text('lang = "vi"\n', encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("id: x\n", encoding="utf-8")
    r = run_cli("validate", "bad.yaml", cwd=tmp_path, env=NO_LOCALE)
    assert r.code == 1  # a rule file with errors is validate's finding
    assert "bad.yaml:1:1: lỗi [R011]" in r.stdout
    r = run_cli("validate", "bad.yaml", "--lang", "en", cwd=tmp_path, env=NO_LOCALE)
    assert "bad.yaml:1:1: error [R011]" in r.stdout
    r = run_cli("rules", "list", cwd=tmp_path, env=NO_LOCALE)
    assert r.code == 0, r.stderr
    assert "Tên bộ tiêu chí" in r.stdout
