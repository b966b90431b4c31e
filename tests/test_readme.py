"""The README tells the truth: its commands, output, flags and exit codes are checked here.

`console` blocks must print exactly what they show; every `ntm-eval` line of an `sh` block
must succeed; every command's --help has examples."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess

import pytest
from conftest import ROOT, run_cli, run_installed

from ntm_eval import docs

README = (ROOT / "README.md").read_text(encoding="utf-8")
SETUP_AND_RUN = (
    "python3 -m venv .venv && .venv/bin/pip install -q -e . && "
    ".venv/bin/ntm-eval check data/2020.csv"
)
SETUP_AND_TEST = (
    "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest"
)


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, re.S)


def test_the_two_commands_are_in_the_readme():
    commands = [b.strip() for b in blocks("sh")]
    assert commands[:2] == [SETUP_AND_RUN, SETUP_AND_TEST]


def test_ci_runs_the_readme_test_command():
    assert SETUP_AND_TEST in (ROOT / ".ci" / "run").read_text()


def test_the_main_command_works_in_a_fresh_copy(tmp_path):
    """The first README command, exactly as written, in a copy of the tracked files.

    Real processes: a new venv, pip install, then the console script it installs."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    for name in tracked.stdout.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tmp_path / name)
    proc = subprocess.run(
        ["bash", "-c", SETUP_AND_RUN],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path), "NO_COLOR": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "93 commune(s): 61 meet the standard (19/19)" in proc.stdout


def test_problem_line_example_is_real(tmp_path, write_csv):
    example = next(line for line in README.splitlines() if "error [D011]" in line)
    path = write_csv([{}, {}, {"poverty_rate_pct": "105"}], name="bad.csv")
    result = run_cli("check", "bad.csv", cwd=path.parent)
    assert example in result.stderr.splitlines()


def test_every_flag_in_the_usage_table_exists_and_every_flag_is_documented():
    usage = README.split("## Usage", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"(--[a-z][a-z-]+)", usage))
    commands = sorted(set(re.findall(r"^ntm-eval ([a-z]+)", usage, re.M)))
    assert "check" in commands
    help_text = "".join(run_cli(c, "--help").stdout for c in commands) + run_cli("--help").stdout
    offered = set(re.findall(r"(--[a-z][a-z-]+)", help_text)) - {"--help"}
    assert documented - {"--help"} == offered


def test_exit_code_table():
    table = README.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    from ntm_eval import exits

    documented = re.findall(r"^\| (\d) \|", table, re.M)
    assert documented == ["0", "1", "2", "3"]
    assert [int(c) for c in documented] == sorted(
        (exits.EXIT_OK, exits.EXIT_FINDINGS, exits.EXIT_USAGE, exits.EXIT_INPUT)
    )


@pytest.mark.parametrize(
    "path",
    [
        "data/README.md",
        "ntm_eval/schemas/check-output.schema.json",
        "rules/national-2016-2020.yaml",
        ".ci/run",
    ],
)
def test_files_the_readme_names_exist(path):
    assert path in README or path == ".ci/run"
    assert (ROOT / path).is_file()


BLOCKS = re.findall(r"^```(console|sh)\n(.*?)^```", README, re.M | re.S)
# Each `$ ntm-eval …` line of a console block, with the output shown under it.
CONSOLE = [
    chunk
    for kind, body in BLOCKS
    if kind == "console"
    for chunk in re.split(r"(?m)^(?=\$ ntm-eval )", body)
    if chunk.startswith("$ ntm-eval ")
]
COMMANDS = [
    line
    for kind, body in BLOCKS
    if kind == "sh"
    for line in body.splitlines()
    if line.startswith("ntm-eval ")
]


@pytest.fixture
def workdir(tmp_path):
    """A folder where README commands see data/ and rules/ as in the repository and write
    their files."""
    (tmp_path / "data").symlink_to(ROOT / "data")
    (tmp_path / "rules").symlink_to(ROOT / "rules")
    return tmp_path


def test_readme_has_examples():
    assert len(CONSOLE) >= 3 and len(COMMANDS) >= 8


@pytest.mark.parametrize("block", CONSOLE, ids=[b.splitlines()[0][2:60] for b in CONSOLE])
def test_console_example(block, workdir):
    """The output shown is what the command prints: stdout and stderr, or only stderr when
    the example sends stdout to /dev/null. An example that shows errors exits 2."""
    first, _, expected = block.partition("\n")
    argv = shlex.split(first[len("$ ntm-eval ") :])
    quiet = argv[-2:] == [">", "/dev/null"]
    writes = "-o" in argv or "--output" in argv  # those run in a scratch folder
    r = run_cli(*(argv[:-2] if quiet else argv), cwd=workdir if writes else ROOT)
    assert r.code == (2 if " error [U" in expected else 3 if " error [" in expected else 0), (
        r.stderr
    )
    assert (r.stderr if quiet else r.stdout + r.stderr) == expected


def test_the_sample_output_is_what_the_installed_command_prints():
    """Installed command: the README's main example (Sample output), from a real process."""
    first, _, expected = CONSOLE[0].partition("\n")
    assert first.startswith("$ ntm-eval check data/2020.csv")
    r = run_installed(*shlex.split(first[len("$ ntm-eval ") :]))
    assert r.code == 0, r.stderr
    assert r.stdout + r.stderr == expected


@pytest.mark.parametrize("command", COMMANDS)
def test_sh_example(command, workdir):
    args = shlex.split(command)[1:]
    if "self.json" in args and "compare" in args:  # uses the file the line before writes
        run_cli(
            "check", "data/2020-self-assessment.csv", "-f", "json", "-o", "self.json", cwd=workdir
        )
    r = run_cli(*args, cwd=workdir)
    assert r.code == 0, r.stderr
    flag = next((f for f in ("--output", "-o") if f in args), None)
    if flag is not None:
        target = workdir / args[args.index(flag) + 1]
        assert target.stat().st_size > 0 and r.stdout == ""
    else:
        assert r.stdout


@pytest.mark.parametrize("command", ["check", "gaps", "compare", "report"])
def test_every_command_has_help_with_examples(command):
    r = run_cli(command, "--help")
    assert r.code == 0
    assert "Examples:" in r.stdout and f"ntm-eval {command} " in r.stdout
    assert f"ntm-eval {command}" in README


def test_generated_readme_tables_are_current():
    assert docs.fill(README, docs.sections()) == README, "run: python -m ntm_eval.docs README.md"


def test_no_merge_conflict_markers_in_tracked_text_files():
    tracked = subprocess.run(
        ["git", "grep", "-n", "-E", "^(<<<<<<<|>>>>>>>) "], cwd=ROOT, capture_output=True, text=True
    )
    assert tracked.stdout == ""
