"""``--output``: regular files only, never an input, permissions kept; signals and full
disks (real processes where only a process shows it)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import subprocess
import time
from pathlib import Path

import pytest
from conftest import DATA, NATIONAL, NTM_EVAL, ROOT, generate_national, run_cli, run_in_process

SAMPLE = DATA / "2020.csv"

#: Each command with -o, and the arguments before it (their inputs named by place).
COMMANDS = {
    "check": ["check", "{data}"],
    "gaps": ["gaps", "{data}"],
    "compare": ["compare", "{data}", "{data}"],
    "report": ["report", "{data}"],
    "template": ["template", "--lang", "en"],  # a template speaks Vietnamese by default
}


def _args(command: str, data: Path) -> list[str]:
    return [a.format(data=data) for a in COMMANDS[command]]


@pytest.fixture
def data(tmp_path) -> Path:
    copy = tmp_path / "2020.csv"
    shutil.copyfile(SAMPLE, copy)
    return copy


# --- what -o may name ---------------------------------------------------------------------


def _device(folder: Path) -> Path:
    """A null device of its own (never the system's: a failing run would replace it)."""
    path = folder / "null"
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    return path


def _fifo(folder: Path) -> Path:
    path = folder / "pipe"
    os.mkfifo(path)
    return path


def _socket(folder: Path) -> Path:
    path = folder / "sock"
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))
    s.close()
    return path


def _folder(folder: Path) -> Path:
    path = folder / "sub"
    path.mkdir()
    return path


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "target",
    [_device, _fifo, _socket, _folder],
    ids=["device", "fifo", "socket", "folder"],
)
def test_a_target_that_is_not_a_regular_file_is_refused_and_left_alone(
    command, target, data, tmp_path
):
    where = target(tmp_path)
    before = os.lstat(where)
    r = run_cli(*_args(command, data), "-o", str(where))
    assert r.code == 2, r.stderr
    assert "[U011]" in r.stderr and "omit -o to write to stdout, or redirect with >" in r.stderr
    after = os.lstat(where)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert not list(tmp_path.glob(".*.tmp")) and not list(where.parent.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("command", "inputs"),
    [
        ("check", lambda d, r, u: [str(d)]),
        ("check", lambda d, r, u: [str(d), "--rules", str(r)]),
        ("check", lambda d, r, u: [str(d), "--units", str(u)]),
        ("gaps", lambda d, r, u: [str(d)]),
        ("report", lambda d, r, u: [str(d)]),
        ("compare", lambda d, r, u: [str(d), str(SAMPLE)]),
        ("compare", lambda d, r, u: [str(SAMPLE), str(d)]),
        ("template", lambda d, r, u: ["--rules", str(r), "--lang", "en"]),
    ],
)
@pytest.mark.parametrize("spelling", ["same", "link", "dotted"])
def test_output_naming_an_input_is_refused_before_anything_is_read(
    command, inputs, spelling, data, tmp_path
):
    rules = tmp_path / "rules.yaml"
    shutil.copyfile(NATIONAL, rules)
    units = tmp_path / "units.csv"
    shutil.copyfile(ROOT / "ntm_eval" / "unit_lists" / "binh-thuan-2020.csv", units)
    args = inputs(data, rules, units)
    victim = Path(next(a for a in args if a.startswith(str(tmp_path))))
    content = victim.read_bytes()
    if spelling == "link":
        out = tmp_path / "link"
        out.symlink_to(victim)
    elif spelling == "dotted":
        out = tmp_path / "." / ".." / tmp_path.name / victim.name
    else:
        out = victim
    r = run_cli(command, *args, "-o", str(out))
    assert r.code == 2, r.stderr
    assert "[U012]" in r.stderr and "an input of this run" in r.stderr
    assert victim.read_bytes() == content


def test_output_naming_the_shipped_rules_is_refused(data, tmp_path, monkeypatch):
    from ntm_eval.rules import loader

    shipped = tmp_path / "national.yaml"  # a copy stands in: a failure must not harm the repo
    shutil.copyfile(NATIONAL, shipped)
    monkeypatch.setattr(loader, "default_rules_path", lambda: shipped)
    r = run_in_process("check", str(data), "-o", str(shipped))  # the patch is here
    assert r.code == 2 and "[U012]" in r.stderr
    assert shipped.read_bytes() == NATIONAL.read_bytes()


@pytest.mark.parametrize(
    "units, name",
    [
        ([], "vn-units.csv.gz"),
        ([], "vn-2026-07-25.csv.gz"),
        (["--units", "vn-2020-11-01"], "vn-2025-07-conversion.csv.gz"),
        (["--units", "binh-thuan-2020"], "binh-thuan-2020.csv"),
    ],
    ids=["default", "default-after-2025", "national-named", "named"],
)
def test_output_naming_the_shipped_unit_list_is_refused(data, tmp_path, monkeypatch, units, name):
    from ntm_eval.input import units as unit_lists

    shipped = tmp_path / "lists"  # copies stand in: a failure must not harm the repo
    shutil.copytree(unit_lists.LISTS_DIR, shipped)
    monkeypatch.setattr(unit_lists, "LISTS_DIR", shipped)
    victim = shipped / name
    content = victim.read_bytes()
    r = run_in_process("check", str(data), *units, "-o", str(victim))  # the patch is here
    assert r.code == 2 and "[U012]" in r.stderr
    assert victim.read_bytes() == content


def test_a_symlink_is_written_through_and_stays_a_link(data, tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    r = run_cli("check", str(data), "-f", "json", "-o", str(link))
    assert r.code == 0, r.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == run_cli("check", str(data), "-f", "json").stdout


def test_an_existing_file_keeps_its_mode_and_a_new_one_gets_the_umask(data, tmp_path):
    kept = tmp_path / "secret.txt"
    kept.write_text("old", encoding="utf-8")
    kept.chmod(0o600)
    new = tmp_path / "new.txt"
    old_umask = os.umask(0o027)
    try:
        assert run_cli("check", str(data), "-o", str(kept)).code == 0
        assert run_cli("check", str(data), "-o", str(new)).code == 0
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert kept.read_text(encoding="utf-8") != "old"
    assert stat.S_IMODE(new.stat().st_mode) == 0o640


# --- signals, full disks, closed pipes: real processes -----------------------------------


def _start(*args: str, **popen: object) -> subprocess.Popen:
    """The installed command, started as a shell would, warnings as errors."""
    env = {**os.environ, "PYTHONWARNINGS": "error", "NO_COLOR": "1"}
    return subprocess.Popen([str(NTM_EVAL), *args], env=env, stderr=subprocess.PIPE, **popen)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A file whose JSON result is tens of megabytes: long enough to be stopped mid-write."""
    return generate_national(tmp_path_factory.mktemp("big"), rows=5000, seed=3)["clean"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_mid_write_leaves_no_temporary_file(big, tmp_path, sig):
    out = tmp_path / "out.json"
    proc = _start("check", str(big), "-f", "json", "-o", str(out), stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not any(p.stat().st_size for p in tmp_path.glob(".*.tmp")):
        assert proc.poll() is None, "the run ended before it could be stopped"
        assert time.monotonic() < deadline, "no temporary file was started"
        time.sleep(0.01)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, err
    assert b"Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ["check", str(SAMPLE)],
        ["check", str(SAMPLE), "-f", "json"],
        ["check", str(SAMPLE), "-f", "csv"],
        ["validate", str(NATIONAL)],
        ["schema"],
        ["template"],
    ],
    ids=lambda args: "-".join(a for a in args if "/" not in a),
)
def test_stdout_on_a_full_disk_is_one_problem_line(args):
    with open("/dev/full", "wb") as full:
        proc = _start(*args, stdout=full)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    said = (  # in the command's language: a template is Vietnamese unless --lang en
        "stdout: lỗi [U010] không ghi được kết quả: ổ đĩa đã hết chỗ trống"
        if args == ["template"]
        else "stdout: error [U010] cannot write the output: No space left on device"
    )
    assert err.decode().splitlines() == [said]
