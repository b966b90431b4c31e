"""Progress of a long check on standard error — only on a terminal, erased when done.

Real subprocesses of the installed command with standard error on a pseudo-terminal;
``NTM_EVAL_PROGRESS=0`` makes the line appear at once (a test file takes well under the
second a person waits before seeing it).
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
from pathlib import Path

import pytest
from conftest import NTM_EVAL, ROOT, generate_national, read_terminal

ERASE = b"\r\x1b[K"


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> Path:
    return generate_national(tmp_path_factory.mktemp("progress"), rows=3000, seed=5)["clean"]


def run(
    args: list[str], setting: str | None, stderr_tty: bool = True, stdout_tty: bool = False
) -> tuple[int, bytes, bytes]:
    """Run ``ntm-eval ARGS``: (exit code, stdout, stderr as the terminal or pipe got it)."""
    env = {k: v for k, v in os.environ.items() if k not in ("NTM_EVAL_PROGRESS", "TERM")}
    env["TERM"] = "xterm-256color"
    if setting is not None:
        env["NTM_EVAL_PROGRESS"] = setting
    leader, follower = pty.openpty()
    stdout = follower if stdout_tty else subprocess.PIPE
    stderr = follower if stderr_tty else subprocess.PIPE
    proc = subprocess.Popen([str(NTM_EVAL), *args], stdout=stdout, stderr=stderr, env=env)
    os.close(follower)
    piped = proc.communicate(timeout=120) if not (stdout_tty and stderr_tty) else (None, None)
    seen = read_terminal(leader)
    proc.wait(timeout=120)
    out = seen if stdout_tty else piped[0]
    err = seen if stderr_tty else piped[1]
    return proc.returncode, out, err


@pytest.mark.parametrize("fmt", ["json", "jsonl", "text", "csv"])
def test_progress_on_a_terminal_then_erased(national, fmt):
    """Real process: standard error on a pseudo-terminal, where alone the line is drawn."""
    code, out, err = run(["check", str(national), "--format", fmt], "0")
    assert code in (0, 1)
    assert b"\rchecking " in err and b"clean.csv: " in err and b"% read, line " in err
    # erased before the problems are listed: nothing of it stays on the screen
    drawn = err.rindex(b"% read")
    assert err.index(ERASE, drawn) < err.index(b"error(s)")
    # what goes to stdout is the same as without it
    assert out == run(["check", str(national), "--format", fmt], "off")[1]


LINE = re.compile(r"checking (\S+): (\d+)% read, line ([\d,]+), (\d+) s")


def test_the_share_read_grows_and_the_readme_shows_the_line(national):
    """Real process: standard error on a pseudo-terminal, where alone the line is drawn."""
    _, _, err = run(["check", str(national), "--format", "json"], "0")
    drawn = [
        LINE.fullmatch(part.removesuffix("\x1b[K"))
        for part in err.decode().split("\r")
        if "% read" in part
    ]
    assert drawn and all(drawn)
    shares = [int(m[2]) for m in drawn]
    assert shares == sorted(shares) and shares[-1] >= 30
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"`(checking [^`]*)`", readme)
    assert example and LINE.fullmatch(example[1])


@pytest.mark.parametrize(
    "stderr_tty, setting",
    [
        (False, "0"),
        (True, "off"),
        (True, "5"),
    ],
)
def test_none_when_piped_turned_off_or_the_run_is_short(national, stderr_tty, setting):
    """Real process: the other side of the terminal tests (a real pipe or pseudo-terminal)."""
    _, _, err = run(["check", str(national), "--format", "json"], setting, stderr_tty)
    assert b"% read" not in err and b"\x1b[K" not in err


def test_none_over_json_lines_written_to_the_same_terminal(national):
    """Real process: stdout and standard error on one pseudo-terminal."""
    _, seen, _ = run(["check", str(national), "--format", "jsonl"], "0", stdout_tty=True)
    assert b"% read" not in seen
    assert seen.count(b'"type":"commune"') == 3000


@pytest.mark.parametrize(
    "name, data, encoding",
    [
        ("bytes", "commune_code,year\n" + "".join(f"{i},2020\n" for i in range(30000)), None),
        ("quote", "commune_code,year\n" + "".join(f'"{i}",2020\n' for i in range(30000)), None),
        (
            "cp1258",
            "commune_code,year,name\n" + "".join(f"{i},2020,Đa\n" for i in range(30000)),
            "cp1258",
        ),
        (
            "plain reader",
            "commune_code;year;name\n" + "".join(f"{i};2020;\u037e\n" for i in range(30000)),
            None,
        ),
    ],
)
def test_iter_batches_tells_how_far_it_has_read(tmp_path, name, data, encoding):
    """Every way a file is read tells the share read and the batch's last line, up to the
    whole file."""
    from ntm_eval.input.csvfile import iter_batches

    path = tmp_path / "f.csv"
    path.write_bytes(data.encode(encoding or "utf-8"))
    told: list[tuple[float, int]] = []
    ends = []
    for lines, _ in iter_batches(
        path,
        "f.csv",
        lambda c: c in ("commune_code", "year"),
        encoding,
        size=5000,
        raw=True,
        progress=lambda share, line: told.append((share, line)),
    ):
        ends.append(lines[-1])
    assert [line for _, line in told] == ends
    shares = [share for share, _ in told]
    assert shares == sorted(shares) and 0 < shares[0] < 1 and shares[-1] == 1.0


def test_by_default_the_line_waits_a_second(monkeypatch):
    """Without NTM_EVAL_PROGRESS the line is drawn after a second (a run shorter than that
    never shows it); checked on the object, not by timing a run on a busy machine."""
    import io

    from ntm_eval import progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NTM_EVAL_PROGRESS", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    shown = progress.for_terminal(Terminal(), "x.csv")
    assert shown is not None and shown.due - shown.start == progress.AFTER == 1.0
