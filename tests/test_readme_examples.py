"""The README's examples for input files, unit lists and templates, run as written."""

import re
import shlex
import shutil

import pytest

from conftest import ROOT, run_cli

SECTIONS = ("## Input files", "## Administrative units", "## Data-entry templates")


def examples() -> list[tuple[str, str]]:
    """(command, expected output) for each `$ ntm-eval …` line of a console block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for part in re.split(r"(?m)^(?=## )", text):
        if not part.startswith(SECTIONS):
            continue
        for block in re.findall(r"```console\n(.*?)```", part, re.S):
            for chunk in re.split(r"(?m)^\$ ", block)[1:]:
                command, _, output = chunk.partition("\n")
                found.append((command, output))
    return found


def test_the_sections_have_examples():
    assert len(examples()) >= 4


@pytest.mark.parametrize("command, expected", examples(), ids=lambda x: x[:60] if x.startswith("ntm") else "")
def test_readme_example(tmp_path, command, expected):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    argv = shlex.split(command)
    quiet = argv[-2:] == [">", "/dev/null"]
    argv = argv[:-2] if quiet else argv
    assert argv[0] == "ntm-eval"
    result = run_cli(*argv[1:], cwd=tmp_path)
    assert result.code in (0, 2)
    shown = result.stderr if quiet else result.stdout + result.stderr
    assert shown == expected


def test_generated_tables_are_current():
    from ntm_eval.docs import fill, sections

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert fill(text, sections()) == text, "run: python -m ntm_eval.docs README.md"
