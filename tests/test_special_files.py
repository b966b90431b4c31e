"""Special files as inputs: a device is refused at once, a pipe or a FIFO is read once
into a bounded spool (removed afterwards), a FIFO nobody writes to does not hang. These
need real processes (pipes, ``<(…)``, FIFOs): the installed command is run."""

from __future__ import annotations

import json
import os
import subprocess
import threading

import pytest
from conftest import DATA, NATIONAL, NTM_EVAL, ROOT, run_cli, run_installed

from ntm_eval.input import files

SAMPLE = str(DATA / "2020.csv")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize(
    "args, code, noun",
    [
        (["check", "{dev}"], "D001", "data file"),
        (["check", SAMPLE, "--rules", "{dev}"], "R001", "rule file"),
        (["check", SAMPLE, "--units", "{dev}"], "D030", "unit list"),
        (["validate", "{dev}"], "R001", "rule file"),
        (["compare", "{dev}", SAMPLE], "D001", "data file"),
        (["compare", SAMPLE, "{dev}.json"], "U020", "compared file"),
    ],
)
def test_a_device_is_refused_at_once(tmp_path, device, args, code, noun):
    if args[-1] == "{dev}.json":  # a device named as a JSON result
        os.symlink(device, tmp_path / "dev.json")
        args = [*args[:-1], str(tmp_path / "dev.json")]
    run = run_installed(*[a.replace("{dev}", device) for a in args])
    # an input that cannot be read: 3 (1 in validate); a compared file is a U code: 2
    assert run.code == (1 if args[0] == "validate" else 2 if code == "U020" else 3)
    assert "Traceback" not in run.stderr
    problems = run.stdout + run.stderr
    assert f"error [{code}]" in problems
    assert f"is a device, not a file; give a {noun}" in problems


def bash(command: str, tmp: str | None = None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "COLUMNS": "80",
        "PATH": f"{NTM_EVAL.parent}:/usr/bin:/bin",
    }
    if tmp is not None:
        env["TMPDIR"] = tmp
    return subprocess.run(
        ["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_pipe_gives_what_the_file_gives(tmp_path):
    spools = tmp_path / "tmp"
    spools.mkdir()
    piped = bash("ntm-eval check <(cat data/2020.csv) -f json", str(spools))
    plain = run_installed("check", "data/2020.csv", "-f", "json")
    assert piped.returncode == plain.code == 0, piped.stderr
    doc, expected = json.loads(piped.stdout), json.loads(plain.stdout)
    assert doc["input"]["path"].startswith("/dev/fd/")
    assert doc["communes"] == expected["communes"] and doc["summary"] == expected["summary"]
    assert list(spools.iterdir()) == []  # the spool is removed


def test_rules_units_and_compared_files_through_pipes():
    run = bash(
        "ntm-eval check data/2020.csv -f json --rules <(cat rules/national-2016-2020.yaml)"
        " --units <(cat ntm_eval/unit_lists/binh-thuan-2020.csv)"
    )
    plain = run_installed("check", "data/2020.csv", "-f", "json", "--rules", str(NATIONAL))
    assert run.returncode == plain.code
    assert json.loads(run.stdout)["communes"] == json.loads(plain.stdout)["communes"]
    compared = bash("ntm-eval compare <(cat data/2020.csv) <(ntm-eval check data/2020.csv -f json)")
    assert compared.returncode == 0, compared.stderr
    assert "No criterion changed status." in compared.stdout
    stdin = bash("cat data/2020.csv | ntm-eval check /dev/stdin -f json")
    assert json.loads(stdin.stdout)["communes"] == json.loads(plain.stdout)["communes"]


def test_a_fifo_with_a_writer_is_read(tmp_path):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"cat '{SAMPLE}' > '{fifo}'"])
    try:
        run = run_installed("check", str(fifo), "-f", "json")
    finally:
        writer.wait(timeout=60)
    plain = run_installed("check", SAMPLE, "-f", "json")
    assert run.code == plain.code == 0, run.stderr
    assert json.loads(run.stdout)["communes"] == json.loads(plain.stdout)["communes"]


def test_a_fifo_nobody_writes_to_is_refused(tmp_path):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    run = run_installed("check", str(fifo))
    assert run.code == 3 and run.stdout == ""
    assert "error [D001] is a FIFO no program wrote to within" in run.stderr


def test_a_pipe_over_the_bound_is_refused(monkeypatch):
    """In this process: a pipe it writes itself, and a bound of 1,000 bytes."""
    monkeypatch.setattr(files, "DATA", files.Kind("D001", "data file", "data files", 1000))
    read, write = os.pipe()

    def feed() -> None:
        with os.fdopen(write, "wb") as f:
            f.write(b"commune_code,year\n" + b"1,2020\n" * 1000)

    feeder = threading.Thread(target=feed)
    feeder.start()
    try:
        run = run_cli("check", f"/dev/fd/{read}")
    finally:
        feeder.join()
        os.close(read)
    assert run.code == 3
    assert "error [D001] pipe holds more than 1,000 bytes; data files are limited to 1,000" in (
        run.stderr
    )


def test_a_file_over_the_bound_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(files, "DATA", files.Kind("D001", "data file", "data files", 1000))
    size = os.path.getsize(SAMPLE)
    run = run_cli("check", SAMPLE)
    assert run.code == 3
    assert f"error [D001] file is {size:,} bytes; data files are limited to 1,000" in run.stderr
