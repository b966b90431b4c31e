"""The README tells the truth about rule files: its example runs print what it shows, its
exit codes match --help, its generated tables are current, and the pre-commit hook works."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
OURS = re.compile(r"^\$ (ntm-eval (?:validate|rules|schema)\b.*)$")


def _console_blocks() -> list[tuple[str, str]]:
    """(command, shown output) of each ```console block running a rule-file command."""
    blocks = []
    for body in re.findall(r"```console\n(.*?)```", README, re.S):
        first, _, rest = body.partition("\n")
        match = OURS.match(first)
        if match:
            blocks.append((match.group(1), rest))
    return blocks


def test_readme_has_rule_file_examples():
    assert len(_console_blocks()) >= 2


@pytest.mark.parametrize("command, shown", _console_blocks(), ids=lambda x: x[:40])
def test_readme_example_prints_what_it_shows(command, shown):
    result = run_cli(*command.split()[1:])
    assert result.code == 0
    assert result.stdout + result.stderr == shown


def _exit_table(column: str) -> dict[str, str]:
    """Exit code → meaning from the README table whose header names ``column``."""
    tables = re.finditer(r"^\| exit code \|(.*)\n\|[-|]+\n((?:\|.*\n)+)", README, re.M)
    for table in tables:
        heads = [h.strip(" `") for h in table.group(1).strip(" |").split("|")]
        if column in heads:
            index = heads.index(column) + 1
            rows = [r.strip(" |").split("|") for r in table.group(2).splitlines()]
            return {r[0].strip(): r[index].strip() for r in rows if r[index].strip()}
    raise AssertionError(f"no exit code table for {column}")


@pytest.mark.parametrize("command", ["validate", "rules list", "rules show"])
def test_readme_exit_codes_match_help(command):
    documented = _exit_table(command)
    help_text = " ".join(run_cli(*command.split(), "--help").stdout.split())
    sentence = re.search(r"Exit codes: (.*?)\.(?: |$)", help_text).group(1)
    assert sorted(re.findall(r"\b([0-9])\b ", sentence)) == sorted(documented)


def test_readme_generated_sections_are_current():
    from ntm_eval.docs import fill, sections

    assert fill(README, sections()) == README, "run: python -m ntm_eval.docs README.md"


def test_pre_commit_hook_validates_the_rule_files_it_matches():
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "ntm-eval-validate"
    assert hook["language"] == "python"
    files = re.compile(hook["files"])
    candidates = [
        "rules/national-2016-2020.yaml",
        "rules/examples/example-province-2016-2020.yaml",
        "provinces/rules/my.yml",
        "data/2020.csv",
        "README.md",
        "tests/rules.py",
    ]
    matched = [c for c in candidates if files.search(c)]
    assert matched == candidates[:3]
    # pre-commit runs the entry with the matching files as arguments.
    entry = hook["entry"].split()
    assert entry[0] == "ntm-eval"
    result = run_cli(*entry[1:], *matched[:2])
    assert result.code == 0, result.stdout
