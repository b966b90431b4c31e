"""Benchmark ntm-eval against the performance targets (issue 6), each with its baseline.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python tests/bench/run.py [--runs 5] [--quick] [--markdown] [--data-dir DIR]

Every target and its baseline run as real subprocesses in the same run, alternately, after
one warm-up run each (page cache, .pyc files). Wall time is the median of ``--runs`` runs
(at least 5 for a reportable result; the 1,000,000-row case always gets at least 5);
peak memory is the largest ``ru_maxrss`` of the runs (``os.wait4``). The ntm-eval measured
is the console script next to this interpreter, so run this with the venv's python.

Synthetic data files (``generate.py``, seed 1, clean spellings) are cached in
``--data-dir`` and reused while the generator and the rule file are unchanged. Every
target that reads data is measured on each ``--profiles`` (default: realistic, then
worst): on the first, the target itself; on the others, the memory targets and no time
over 2 × the first's. A target counts as met only when it is met on every profile.

This is a report, not a test: it exits 0 even when a target is missed (misses are marked
MISS), and 2 only when it cannot run at all. Progress goes to stderr, the report to stdout.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import importlib.util
import math
import os
import platform
import pty
import resource
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parents[1]
RULES = ROOT / "rules" / "national-2016-2020.yaml"
PYTHON = sys.executable
NTM_EVAL = str(Path(sys.executable).parent / "ntm-eval")
GENERATOR = BENCH / "generate.py"
PANDERA = BENCH / "pandera_baseline.py"

SEED = 1
ROW_100K = "100,000 rows, check --format jsonl"
ROW_100K_CSV = "100,000 rows, check --format csv"
MIN_RUNS = 5
#: Peak memory of the 1M-row run may exceed the 100k-row run by this factor and still be
#: "about the same" (streamed: memory does not grow with the number of rows).
SAME_MEMORY = 1.25
#: A row whose slowest run took this many times its fastest was measured on a busy machine.
NOISY = 1.5
TERMINAL_SIZE = (50, 120)  # rows, columns of the pseudo-terminal for the text output
#: The bare csv.reader floor: parse every row of the file, keep nothing.
CSV_READER = (
    "import collections, csv, sys; "
    "f = open(sys.argv[1], newline='', encoding='utf-8'); "
    "collections.deque(csv.reader(f), maxlen=0)"
)


# --- running one command --------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    label: str  # how the table names it
    argv: tuple[str, ...]
    tty: bool = False  # stdout on a pseudo-terminal (what a person sees); else /dev/null


@dataclass(frozen=True)
class Sample:
    wall: float
    peak_kb: int
    code: int
    stderr: str
    timed_out: bool = False
    tty_bytes: int = 0
    tty_lines: int = 0


def child_env(tty: bool) -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE (set on some build machines) would make every run compile
    # ntm-eval's modules again; people's installs keep .pyc files, as the warm-up writes.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "PYTHONDONTWRITEBYTECODE")
    }
    if tty:
        env["TERM"] = "xterm-256color"
    return env


def run_once(command: Command, timeout: float) -> Sample:
    """Run ``command`` once as a subprocess: wall time, peak RSS, exit code, stderr."""
    master = slave = None
    received = {"bytes": 0, "lines": 0}
    reader = None
    if command.tty:
        master, slave = pty.openpty()
        rows, cols = TERMINAL_SIZE
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

        def drain() -> None:  # the terminal reads what the program writes, as fast as it can
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the program closed the terminal
                    return
                if not chunk:
                    return
                received["bytes"] += len(chunk)
                received["lines"] += chunk.count(b"\n")

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            command.argv,
            cwd=ROOT,
            env=child_env(command.tty),
            stdin=subprocess.DEVNULL,
            stdout=slave if command.tty else subprocess.DEVNULL,
            stderr=err,
        )
        if slave is not None:
            os.close(slave)
        stopped = threading.Event()

        def stop() -> None:
            stopped.set()
            proc.kill()

        timer = threading.Timer(timeout, stop)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if reader is not None:
            reader.join(timeout=5)
            os.close(master)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return Sample(
        wall,
        usage.ru_maxrss,
        proc.returncode,
        stderr,
        stopped.is_set(),
        received["bytes"],
        received["lines"],
    )


@dataclass
class Stats:
    samples: list[Sample] = field(default_factory=list)

    @property
    def walls(self) -> list[float]:
        return [s.wall for s in self.samples]

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def peak_kb(self) -> int:
        return max(s.peak_kb for s in self.samples)

    @property
    def failure(self) -> Sample | None:
        return next((s for s in self.samples if s.code != 0 or s.timed_out), None)


# --- the targets ----------------------------------------------------------------------


@dataclass
class Row:
    what: str
    target: str
    command: Command | None  # None: skipped or not available (see note)
    baseline: Command | None
    judge: Callable[[Row, dict], list[str]] | None = None  # → the misses, if any
    runs: int = MIN_RUNS
    note: str = ""  # why the row was not measured
    baseline_missing: str = ""  # why there is no baseline
    stats: Stats | None = None
    baseline_stats: Stats | None = None


class NotJudged(Exception):
    """The row was measured but cannot be judged (its baseline is missing)."""


def within_seconds(limit: float) -> Callable[[Row, dict], list[str]]:
    def judge(row: Row, _: dict) -> list[str]:
        median = row.stats.median
        return [] if median <= limit else [f"time {fmt_time(median)} > {fmt_time(limit)}"]

    return judge


def within_ratio(factor: float) -> Callable[[Row, dict], list[str]]:
    def judge(row: Row, _: dict) -> list[str]:
        if row.baseline_stats is None or row.baseline_stats.failure:
            raise NotJudged("no baseline to compare with")
        limit = factor * row.baseline_stats.median
        median = row.stats.median
        return (
            []
            if median <= limit
            else [f"time {fmt_time(median)} > {factor:g} × baseline = {fmt_time(limit)}"]
        )

    return judge


def streamed(
    factor: float, memory_mb: float, compare_with: str
) -> Callable[[Row, dict], list[str]]:
    """Time within ``factor`` × baseline, peak memory under ``memory_mb`` and about the
    same as the row named ``compare_with`` (memory must not grow with the input)."""
    return every(within_ratio(factor), memory(memory_mb, compare_with))


def every(*judges: Callable[[Row, dict], list[str]]) -> Callable[[Row, dict], list[str]]:
    """Every one of ``judges``: the misses of all of them."""

    def judge(row: Row, rows: dict) -> list[str]:
        return [miss for j in judges for miss in j(row, rows)]

    return judge


def near(factor: float, what: str) -> Callable[[Row, dict], list[str]]:
    """Time within ``factor`` × the median of the row named ``what`` (the same target on
    the realistic profile: the worst case may be slower, not much)."""

    def judge(row: Row, rows: dict) -> list[str]:
        other = rows.get(what)
        if other is None or other.stats is None or other.stats.failure:
            raise NotJudged(f"no run of {what!r} to compare with")
        limit = factor * other.stats.median
        median = row.stats.median  # type: ignore[union-attr]
        return (
            []
            if median <= limit
            else [f"time {fmt_time(median)} > {factor:g} × realistic = {fmt_time(limit)}"]
        )

    return judge


def memory(memory_mb: float, compare_with: str) -> Callable[[Row, dict], list[str]]:
    """Peak memory under ``memory_mb`` and about the same as the row ``compare_with``."""

    def judge(row: Row, rows: dict) -> list[str]:
        misses = []
        peak = row.stats.peak_kb / 1024  # type: ignore[union-attr]
        if peak > memory_mb:
            misses.append(f"memory {peak:.0f} MB > {memory_mb:g} MB")
        other = rows.get(compare_with)
        if other is not None and other.stats is not None and not other.stats.failure:
            smaller = other.stats.peak_kb / 1024
            if peak > SAME_MEMORY * smaller:
                misses.append(f"memory {peak:.0f} MB > {SAME_MEMORY:g} × {smaller:.0f} MB at 100k")
        return misses

    return judge


def data_file(rows: int, data_dir: Path, profile: str = "realistic") -> Path:
    """The cached synthetic file of ``rows`` communes spread as ``profile`` says
    (``generate.py --profile``), generated when missing or stale."""
    tag = hashlib.sha256(GENERATOR.read_bytes() + RULES.read_bytes()).hexdigest()[:10]
    path = data_dir / f"communes-{profile}-{rows}-seed{SEED}-{tag}.csv"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        progress(f"generating {path} …")
        start = time.perf_counter()
        subprocess.run(
            [
                PYTHON,
                str(GENERATOR),
                "--rows",
                str(rows),
                "--seed",
                str(SEED),
                "--profile",
                profile,
                "-o",
                str(path),
            ],
            check=True,
        )
        progress(f"  {rows:,} rows in {time.perf_counter() - start:.1f} s")
    return path


def available(argv: list[str]) -> tuple[bool, str]:
    """Whether the command runs (exit 0); if not, the last line it printed."""
    proc = subprocess.run(
        argv, cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )
    if proc.returncode == 0:
        return True, ""
    lines = proc.stderr.splitlines()
    # click and typer put the message after a line (or box top) saying "Error".
    start = max((i for i, line in enumerate(lines) if "Error" in line), default=len(lines) - 2)
    message = " ".join(" ".join(line.strip(" │╭╮╰╯─") for line in lines[start + 1 :]).split())
    return False, message or f"exit {proc.returncode}"


def build_rows(args: argparse.Namespace) -> list[Row]:
    has_pandera = all(importlib.util.find_spec(m) for m in ("pandas", "pandera"))
    typer_import = Command('python -c "import typer"', (PYTHON, "-c", "import typer"))
    probe = data_file(200, args.data_dir, args.profiles[0])
    no_pandera = "" if has_pandera else "pandas + pandera not installed (pip install -e '.[bench]')"

    validate_ok, validate_why = available([NTM_EVAL, "validate", "--help"])
    jsonl_ok, jsonl_why = available([NTM_EVAL, "check", str(probe), "--format", "jsonl"])
    runs = args.runs
    rows = [
        Row(
            "ntm-eval --version",
            "≤ 1.5 × baseline",
            Command("--version", (NTM_EVAL, "--version")),
            typer_import,
            within_ratio(1.5),
            runs,
        ),
        Row(
            "ntm-eval --help",
            "≤ 150 ms",
            Command("--help", (NTM_EVAL, "--help")),
            typer_import,
            within_seconds(0.150),
            runs,
        ),
        Row(
            "ntm-eval validate rules/",
            "≤ 250 ms",
            Command("validate", (NTM_EVAL, "validate", "rules/")) if validate_ok else None,
            typer_import,
            within_seconds(0.250),
            runs,
            note="" if validate_ok else f"not available (`validate --help`: {validate_why})",
        ),
    ]
    workbook = Path(tempfile.gettempdir()) / f"ntm-eval-bench-{os.getpid()}.xlsx"
    first = args.profiles[0]
    for profile in args.profiles:
        rows += profile_rows(args, profile, first, has_pandera, no_pandera, jsonl_ok, jsonl_why)
    for row in rows:  # a workbook cannot go to /dev/null: each run replaces one file
        if row.command is not None and "xlsx" in row.command.argv:
            row.command = Command(
                row.command.label, (*row.command.argv, "-o", str(workbook)), row.command.tty
            )
    return rows


def profile_rows(
    args: argparse.Namespace,
    profile: str,
    first: str,
    has_pandera: bool,
    no_pandera: str,
    jsonl_ok: bool,
    jsonl_why: str,
) -> list[Row]:
    """The targets measured on the data of one profile. On the first profile (realistic
    by default) the issue's targets; on any other, the same memory targets and no target
    slower than 2 × its figure on the first profile."""
    runs = args.runs
    data_10k = data_file(10_000, args.data_dir, profile)
    data_100k = data_file(100_000, args.data_dir, profile)
    tag = f" [{profile}]"

    def pandera(path: Path, rows: str) -> Command | None:
        return (
            Command(f"pandas + pandera, {rows}{tag}", (PYTHON, str(PANDERA), str(path)))
            if has_pandera
            else None
        )

    def check(label: str, path: Path, fmt: str | None, tty: bool = False) -> Command | None:
        if fmt is not None and not jsonl_ok:
            return None
        argv = (NTM_EVAL, "check", str(path)) + (("--format", fmt) if fmt else ())
        return Command(label + tag, argv, tty)

    def target(what: str, judge: Callable[[Row, dict], list[str]]) -> Any:
        if profile == first:
            return judge
        return near(2.0, what + f" [{first}]")

    def streamed_target(what: str, factor: float, small: str) -> Any:
        if profile == first:
            return streamed(factor, 100, small + tag)
        return every(near(2.0, what + f" [{first}]"), memory(100, small + tag))

    other = profile != first
    slower = f"≤ 2 × {first}"
    na = "" if jsonl_ok else f"not available (`--format jsonl`: {jsonl_why})"
    spec = [
        (
            "10,000 communes, check --format json",
            "≤ 0.5 s and ≤ 0.5 × baseline",
            check("json 10k", data_10k, "json"),
            pandera(data_10k, "10k rows"),
            every(within_seconds(0.5), within_ratio(0.5)),
        ),
        (
            "10,000 communes, check (text on a terminal)",
            "≤ 0.5 s",
            check("text 10k", data_10k, None, tty=True),
            pandera(data_10k, "10k rows"),
            within_seconds(0.5),
        ),
        (
            ROW_100K,
            "≤ 0.5 × baseline",
            check("jsonl 100k", data_100k, "jsonl"),
            pandera(data_100k, "100k rows"),
            within_ratio(0.5),
        ),
        (
            ROW_100K_CSV,
            "≤ 1 × baseline",
            check("csv 100k", data_100k, "csv"),
            pandera(data_100k, "100k rows"),
            within_ratio(1.0),
        ),
        (
            "100,000 rows, check --format xlsx",
            "≤ 1 × baseline",
            check("xlsx 100k", data_100k, "xlsx"),
            pandera(data_100k, "100k rows"),
            within_ratio(1.0),
        ),
    ]
    rows = [
        Row(
            what + tag,
            slower if other else goal,
            command,
            baseline,
            target(what, judge),
            runs,
            note="" if command is not None else na,
            baseline_missing=no_pandera,
        )
        for what, goal, command, baseline, judge in spec
    ]
    millions = [
        ("1,000,000 rows, check --format jsonl", "jsonl", 4.0, ROW_100K),
        ("1,000,000 rows, check --format csv", "csv", math.inf, ROW_100K_CSV),
    ]
    for what, fmt, factor, small in millions:
        limit = "≤ 100 MB, ≈ 100k" if factor == math.inf else "≤ 4 × baseline; ≤ 100 MB, ≈ 100k"
        million = Row(
            what + tag,
            f"{slower}; ≤ 100 MB, ≈ 100k" if other else limit,
            None,
            None,
            streamed_target(what, factor, small),
            args.million_runs,
        )
        rows.append(million)
        if args.quick:
            million.note = "skipped (--quick)"
            continue
        data_1m = data_file(1_000_000, args.data_dir, profile)
        million.baseline = Command(
            f"csv.reader, 1M rows{tag}", (PYTHON, "-c", CSV_READER, str(data_1m))
        )
        million.command = check(f"{fmt} 1M", data_1m, fmt)
        million.note = "" if million.command is not None else na
    return rows


# --- measuring ------------------------------------------------------------------------


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def measure(rows: list[Row], args: argparse.Namespace) -> None:
    """Run each row's target and baseline alternately; a baseline shared by several rows
    is measured once, alongside the first of them."""
    done: dict[Command, Stats] = {}
    for row in rows:
        commands = [c for c in (row.command, row.baseline) if c is not None and c not in done]
        stats = {c: Stats() for c in commands}
        stopped: set[Command] = set()
        for i in range(args.warmup + row.runs):
            for command in commands:
                if command in stopped:
                    continue
                what = "warm-up" if i < args.warmup else f"run {i - args.warmup + 1}/{row.runs}"
                progress(f"{row.what}: {command.label}: {what}")
                sample = run_once(command, args.timeout)
                if i >= args.warmup or sample.code != 0 or sample.timed_out:
                    stats[command].samples.append(sample)
                if sample.code != 0 or sample.timed_out:
                    stopped.add(command)  # no point repeating a failure or a time-out
        done.update(stats)
        row.stats = done.get(row.command) if row.command else None
        row.baseline_stats = done.get(row.baseline) if row.baseline else None


# --- the report -----------------------------------------------------------------------


def fmt_time(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_range(stats: Stats) -> str:
    low, high = min(stats.walls), max(stats.walls)
    if high < 1:
        return f"{low * 1000:.0f}–{high * 1000:.0f} ms"
    return f"{low:.2f}–{high:.2f} s"


def fmt_mb(kb: int) -> str:
    return f"{kb / 1024:.0f} MB"


def failure_text(stats: Stats, args: argparse.Namespace) -> str:
    sample = stats.failure
    if sample is None:
        return ""
    if sample.timed_out:
        return f"over the {args.timeout:g} s time-out"
    if "MemoryError" in sample.stderr:
        return f"over the {args.memory_limit_gb:g} GB memory limit"
    return f"exit {sample.code}"


def is_miss(sample: Sample) -> bool:
    """A run stopped for time or memory missed its target; any other failure is an error."""
    return sample.timed_out or "MemoryError" in sample.stderr


def stderr_gist(sample: Sample) -> str:
    lines = [line.strip() for line in sample.stderr.splitlines() if line.strip()]
    if not lines:
        return "nothing on stderr"
    more = f" ({len(lines)} lines on stderr)" if len(lines) > 1 else ""
    return lines[-1][:300] + more


HEADER = [
    "what",
    "target",
    "median",
    "min–max",
    "peak",
    "baseline",
    "its median",
    "its peak",
    "ratio",
    "result",
]


def table_rows(rows: list[Row], args: argparse.Namespace) -> tuple[list[list[str]], list[str]]:
    """The table cells, and notes to print under it (errors, terminal output sizes)."""
    by_what = {row.what: row for row in rows}
    out: list[list[str]] = []
    notes: list[str] = []
    for row in rows:
        base = row.baseline_stats
        base_cells = ["—", "—", "—"]
        if row.baseline is not None and base is not None:
            if base.failure:
                base_cells = [row.baseline.label, f"ERROR ({failure_text(base, args)})", "—"]
                notes.append(
                    f"{row.baseline.label}: {failure_text(base, args)}: {stderr_gist(base.failure)}"
                )
            else:
                base_cells = [row.baseline.label, fmt_time(base.median), fmt_mb(base.peak_kb)]
        elif row.baseline_missing:
            base_cells = [row.baseline_missing, "—", "—"]
        stats = row.stats
        if stats is None:
            result = row.note or "not available"
            out.append([row.what, row.target, "—", "—", "—", *base_cells, "—", result])
            continue
        if stats.failure:
            why = failure_text(stats, args)
            result = f"MISS: {why}" if is_miss(stats.failure) else f"ERROR: {why} (see below)"
            if not stats.failure.timed_out:
                notes.append(f"{row.what}: {why}: {stderr_gist(stats.failure)}")
            out.append(
                [row.what, row.target, "—", "—", fmt_mb(stats.peak_kb), *base_cells, "—", result]
            )
            continue
        ratio = "—"
        if base is not None and not base.failure:
            ratio = f"{stats.median / base.median:.2f}×"
        try:
            misses = row.judge(row, by_what) if row.judge else []
            result = "ok" if not misses else "MISS: " + "; ".join(misses)
        except NotJudged as exc:
            result = f"not judged: {exc}"
        if row.runs < MIN_RUNS:
            result += f" (only {row.runs} run(s))"
        if max(stats.walls) > NOISY * min(stats.walls):
            result += " (noisy)"
            notes.append(
                f"(noisy): the slowest run took over {NOISY:g} × the fastest; the "
                "machine was busy — rerun on a quiet machine before quoting the numbers"
            )
        out.append(
            [
                row.what,
                row.target,
                fmt_time(stats.median),
                fmt_range(stats),
                fmt_mb(stats.peak_kb),
                *base_cells,
                ratio,
                result,
            ]
        )
        if row.command is not None and row.command.tty:
            last = stats.samples[-1]
            notes.append(
                f"{row.what}: the terminal received {last.tty_lines:,} lines "
                f"({last.tty_bytes:,} bytes) per run"
            )
    return out, list(dict.fromkeys(notes))  # a shared baseline's error once


def machine(load: tuple[float, ...]) -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    versions = []
    for dist in ("ntm-eval", "typer", "pydantic", "pandas", "pandera"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist} (not installed)")
    return [
        f"{cpu}, {cores} cores ({usable} usable); load average "
        f"{', '.join(f'{x:.2f}' for x in load)} at the start",
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}",
        ", ".join(versions),
    ]


def render_plain(cells: list[list[str]]) -> str:
    grid = [HEADER] + cells
    widths = [max(len(r[i]) for r in grid) for i in range(len(HEADER))]
    numeric = {2, 3, 4, 6, 7, 8}
    lines = []
    for n, r in enumerate(grid):
        parts = [
            c.rjust(w) if i in numeric and n else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths))
        ]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("─" * w for w in widths))
    return "\n".join(lines)


def render_markdown(cells: list[list[str]]) -> str:
    def line(r: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in r) + " |"

    align = ["---" if i not in {2, 3, 4, 6, 7, 8} else "---:" for i in range(len(HEADER))]
    return "\n".join([line(HEADER), "| " + " | ".join(align) + " |"] + [line(r) for r in cells])


def tally(cells: list[list[str]]) -> str:
    """Counts by target: a target measured on several profiles is met only when it is met
    on every one of them."""
    results: dict[str, list[str]] = {}
    for r in cells:
        results.setdefault(r[0].split(" [", 1)[0], []).append(r[-1])
    met = sum(all(x.startswith("ok") for x in got) for got in results.values())
    missed = sum(any(x.startswith(("MISS", "ERROR")) for x in got) for got in results.values())
    other = len(results) - met - missed
    profiles = max(map(len, results.values()), default=1)
    every = " on every profile" if profiles > 1 else ""
    return (
        f"{met} of {len(results)} targets met{every}, {missed} missed, "
        f"{other} not measured or not judged"
    )


def report(rows: list[Row], args: argparse.Namespace) -> str:
    cells, notes = table_rows(rows, args)
    runs = (
        f"median of {args.runs} runs"
        + (f" ({args.million_runs} for 1M rows)" if args.million_runs != args.runs else "")
        + f" after {args.warmup} warm-up run(s); peak = max ru_maxrss; json, jsonl and csv go to "
        f"/dev/null, xlsx to a temporary file, text to a {TERMINAL_SIZE[1]}×{TERMINAL_SIZE[0]} pseudo-terminal"
    )
    command = "python tests/bench/run.py " + " ".join(sys.argv[1:])
    if args.markdown:
        out = [
            "Machine: " + "; ".join(machine(args.load)) + ".",
            "",
            f"`{command.strip()}` — {runs}.",
            "",
            render_markdown(cells),
            "",
            tally(cells) + ".",
        ]
        out += [""] + [f"- {n}" for n in notes] if notes else []
    else:
        first, *rest = machine(args.load)
        out = [
            f"Machine: {first}",
            *rest,
            f"{command.strip()} — {runs}",
            "",
            render_plain(cells),
            "",
            tally(cells),
        ]
        out += [""] + notes if notes else []
    if min(args.runs, args.million_runs) < MIN_RUNS:
        out.append(f"Fewer than {MIN_RUNS} runs: not a reportable result.")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip())
    parser.add_argument(
        "--runs",
        type=int,
        default=MIN_RUNS,
        help=f"timed runs per command (default {MIN_RUNS}; the 1M-row case "
        f"always gets at least {MIN_RUNS})",
    )
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    parser.add_argument("--quick", action="store_true", help="skip the 1,000,000-row cases")
    parser.add_argument(
        "--million-runs",
        type=int,
        default=MIN_RUNS,
        help=f"timed runs of each 1,000,000-row case (default {MIN_RUNS})",
    )
    parser.add_argument(
        "--profiles",
        default="realistic,worst",
        help="the data profiles (generate.py --profile) to measure, the first one judged by "
        "the targets, the others by the memory targets and ≤ 2 × the first "
        "(default: %(default)s)",
    )
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "ntm-eval-bench",
        help="where generated data files are kept (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=120,
        help="seconds before one run is stopped and counted as a miss (default 120)",
    )
    parser.add_argument(
        "--memory-limit-gb",
        type=float,
        default=8,
        help="address-space limit of each run, to protect the machine (default 8)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0 or args.million_runs < 1:
        parser.error("--runs and --million-runs must be ≥ 1 and --warmup ≥ 0")
    args.profiles = [p.strip() for p in args.profiles.split(",") if p.strip()]
    if not args.profiles or any(
        p not in ("benchmark", "realistic", "worst") for p in args.profiles
    ):
        parser.error("--profiles: a comma-separated list of benchmark, realistic, worst")
    if not Path(NTM_EVAL).exists():
        print(
            f"run.py: no ntm-eval next to {PYTHON}; run this with the venv's python, after "
            "`pip install -e '.[bench]'`",
            file=sys.stderr,
        )
        return 2
    # Inherited by every run: an unoptimised run over a big file can want tens of GB;
    # it fails with MemoryError instead of pushing the machine into swap.
    limit = int(args.memory_limit_gb * 1024**3)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    args.load = os.getloadavg()  # other work on the machine skews every number
    rows = build_rows(args)
    measure(rows, args)
    sys.stdout.write(report(rows, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
