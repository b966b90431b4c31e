"""Shared helpers: the repository, the installed command, and small file builders."""

from __future__ import annotations

import contextlib
import csv
import functools
import gc
import importlib.util
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer._click import formatting as click_formatting
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
RULES = ROOT / "rules"
NATIONAL = RULES / "national-2016-2020.yaml"
# The console script installed next to the interpreter running the tests.
NTM_EVAL = Path(sys.executable).parent / "ntm-eval"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def _environment(env: dict | None) -> dict[str, str | None]:
    """What a run of the command changes in the caller's environment (None: unset): no
    colour, 80 columns, no FORCE_COLOR, none of the caller's NTM_EVAL_* settings, a locale
    that is not Vietnamese (a caller's vi_VN would choose the language), then ``env``."""
    changes: dict[str, str | None] = {k: None for k in os.environ if k.startswith("NTM_EVAL_")}
    changes.update({"FORCE_COLOR": None, "NO_COLOR": "1", "COLUMNS": "80", "LC_ALL": "C.UTF-8"})
    changes.update(env or {})
    return changes


def run_installed(
    *args: str, cwd: Path = ROOT, env: dict | None = None, stdin: str | None = None
) -> Run:
    """Run the installed ``ntm-eval`` as a user would: a real subprocess, no colour, 80
    columns, warnings as errors. For what only a process shows; ``run_cli`` otherwise."""
    full_env = dict(os.environ)
    for key, value in {**_environment(env), "PYTHONWARNINGS": "error"}.items():
        if value is None:
            full_env.pop(key, None)
        else:
            full_env[key] = value
    proc = subprocess.run(
        [str(NTM_EVAL), *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        input=stdin,
        timeout=120,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def read_terminal(leader: int) -> bytes:
    """Everything a program writes to the pseudo-terminal whose leader end is ``leader``,
    until it closes it; ``leader`` is closed then."""
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the program has ended and closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks)


class _Runner(CliRunner):
    """typer's test runner, with help as wide as in a process: click's own rule (``COLUMNS``
    less 2, at most 78), not the runner's fixed 80."""

    @contextlib.contextmanager
    def isolation(self, *args, **kwargs):
        with super().isolation(*args, **kwargs) as streams:
            click_formatting.FORCED_WIDTH = None  # the runner puts it back on the way out
            yield streams


def _as_a_pipe_gives_it(data: bytes) -> str:
    """Bytes as ``subprocess.run(text=True, encoding="utf-8")`` hands them over: decoded
    strictly, universal newlines (CRLF and CR become LF)."""
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def run_in_process(
    *args: str, cwd: Path = ROOT, env: dict | None = None, stdin: str | None = None
) -> Run:
    """Run the command's typer app in this process, as ``run_installed`` would run the
    command: the same environment (see ``_environment``), working folder, stdin, stdout and
    stderr apart (neither a terminal nor a file: the program falls back to the text
    streams' buffers), the exit code a process would have. An exception other than an exit
    is not caught: the test fails with its traceback (a process would have printed one and
    exited 1)."""
    from ntm_eval.cli import app

    here = os.getcwd()
    os.chdir(cwd)
    try:
        result = _Runner(charset="utf-8").invoke(
            app,
            list(args),
            input=stdin,
            env=_environment(env),
            catch_exceptions=False,
            prog_name="ntm-eval",
        )
    finally:
        os.chdir(here)
    if isinstance(result.exception, SystemExit):  # sys.exit("text"): the runner would show
        code = result.exception.code  # the text on stdout, a process on stderr
        assert code is None or isinstance(code, int), f"sys.exit({code!r})"
    return Run(
        result.exit_code,
        _as_a_pipe_gives_it(result.stdout_bytes),
        _as_a_pipe_gives_it(result.stderr_bytes),
    )


def _compared(
    *args: str, cwd: Path = ROOT, env: dict | None = None, stdin: str | None = None
) -> Run:
    """Both ways; they must agree (NTM_EVAL_TEST_SUBPROCESS=compare, to check run_in_process)."""
    process = run_installed(*args, cwd=cwd, env=env, stdin=stdin)
    here = run_in_process(*args, cwd=cwd, env=env, stdin=stdin)
    assert here == process, f"in-process run differs from the installed command: {args}"
    return here


#: NTM_EVAL_TEST_SUBPROCESS=1 runs every ``run_cli`` as a real subprocess of the installed
#: command (as all of them once were), =compare runs both and requires the same result.
_MODE = os.environ.get("NTM_EVAL_TEST_SUBPROCESS", "")
if _MODE == "compare":
    run_cli = _compared
elif _MODE not in ("", "0"):
    run_cli = run_installed
else:
    run_cli = run_in_process


def pytest_collection_finish(session):
    """What collection made (modules, test items and their parameters) lives for the whole
    session: keep it out of the cyclic collector's full scans, which otherwise go over it
    again and again (a tenth or more of the suite's time)."""
    gc.collect()
    gc.freeze()


@pytest.fixture
def cli():
    return run_cli


@functools.cache
def national_rules():
    from ntm_eval.rules.loader import load_rules

    return load_rules(NATIONAL)


def national_columns() -> list[str]:
    return national_rules().columns


IDENTITY = ["commune_code", "commune_name", "district", "province", "region", "year"]


def passing_values() -> dict[str, str]:
    """A value for every measure of the national set that meets every region's threshold."""
    values = {}
    for _, _, m in national_rules().measures():
        if m.kind == "bool":
            values[m.column] = "Đạt"
        elif m.op == "<=":
            values[m.column] = "0"
        else:
            values[m.column] = "100" if m.kind == "pct" else "1000"
    return values


def commune_csv(rows: list[dict[str, str]], columns: list[str] | None = None) -> str:
    """CSV text with the identity columns and every national measure column (or ``columns``).

    Each row dict overrides the defaults: a passing commune in region dhntb, year 2020.
    """
    columns = columns or IDENTITY + national_columns()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for i, overrides in enumerate(rows):
        row = {
            "commune_code": f"{10000 + i}",
            "commune_name": f"Xã {i}",
            "district": "Huyện A",
            "province": "Tỉnh B",
            "region": "dhntb",
            "year": "2020",
            **passing_values(),
            **overrides,
        }
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


class OneByOne:
    """A run's results (``engine.pipeline.Run``), each batch given as its communes one by
    one (``ResultBatch.of``): a renderer then makes every commune from result objects, not
    from the batch's codes — the reference its batch path is compared with."""

    def __init__(self, run):
        self.run = run
        self.ruleset = run.ruleset

    def batches(self):
        from ntm_eval.engine.results import ResultBatch

        for batch in self.run.batches():
            yield ResultBatch.of(batch.communes())

    def finish(self):
        return self.run.finish()


def load_script(path: Path, name: str):
    """Import a script (tests/bench/generate.py, data/generate.py: not a package) as a module."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


@functools.cache
def bench_generator():
    """tests/bench/generate.py, imported once."""
    return load_script(ROOT / "tests" / "bench" / "generate.py", "bench_generate_for_tests")


def generate_national(
    folder: Path, rows: int, seed: int, profile: str = "benchmark"
) -> dict[str, Path]:
    """Synthetic national data from the benchmark's generator (every measure, all regions,
    2016–2020), spread as ``profile`` says: ``{"clean": path, "dirty": path}`` (dirty:
    decimal commas, spaces, %, Vietnamese yes/no words). Its ``main`` runs here: the file is
    the same byte for byte as the script's (test_bench_generator checks that a run in
    another process agrees)."""
    files = {}
    for name, extra in (("clean", []), ("dirty", ["--dirty"])):
        out = folder / f"{name}.csv"
        argv = ["--rows", str(rows), "--seed", str(seed), "--profile", profile, *extra]
        argv += ["-o", str(out)]
        assert bench_generator().main(argv) == 0
        files[name] = out
    return files


@pytest.fixture
def write_csv(tmp_path):
    def write(
        rows: list[dict[str, str]], columns: list[str] | None = None, name: str = "data.csv"
    ) -> Path:
        path = tmp_path / name
        path.write_text(commune_csv(rows, columns), encoding="utf-8")
        return path

    return write


def sample_rows() -> tuple[list[str], list[list[str]]]:
    """The header and rows of the shipped sample data/2020.csv."""
    with (DATA / "2020.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def vietnamese_headers(columns: list[str]) -> list[str]:
    """The first declared alias (the Vietnamese header) of each column key."""
    from ntm_eval.rules.loader import load_rules

    names = load_rules(NATIONAL).header_names()
    return [names[c][1] for c in columns]


def write_xlsx(
    path: Path, rows: list[list], sheet: str = "Sheet1", before: list[list] = ()
) -> Path:
    """A workbook whose first sheet holds ``before`` rows (titles), then ``rows``."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in [*before, *rows]:
        ws.append(row)
    book.save(path)
    return path


def verdicts(json_text: str) -> list[tuple]:
    """(code, status, criteria met, criteria not met, not evaluable) per commune."""
    import json

    doc = json.loads(json_text)
    return [
        (c["code"], c["status"], c["criteria_met"], tuple(c["not_met"]), tuple(c["not_evaluable"]))
        for c in doc["communes"]
    ]
