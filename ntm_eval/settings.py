"""The options a project sets once: ``rules``, ``units``, ``lang`` and ``fail_on``.

Each is taken from, in this order: the command line, the project's configuration file
(``ntm-eval.toml``, or ``[tool.ntm-eval]`` in a ``pyproject.toml``, the first found from
the working directory upwards), the environment (``NTM_EVAL_LANG``; a Vietnamese locale in
``LC_ALL`` / ``LC_MESSAGES`` / ``LANG``), then the built-in default. ``resolve`` is the one
place that order is decided; every command with one of these options calls it, and
``ntm-eval config`` shows what it chose and from where.

Imported by the commands that have these options, before anything is read: it stays
small; ``tomllib`` is imported only when a configuration file is found.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ntm_eval.diagnostics import InputError, Problem, os_error_vi

OWN_FILE = "ntm-eval.toml"
PYPROJECT = "pyproject.toml"
TABLE = ("tool", "ntm-eval")  # the table of a pyproject.toml
ENV_LANG = "NTM_EVAL_LANG"
LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")  # the first non-empty one counts (POSIX)

#: setting → the values it may take (None: any text; a path or a shipped name)
CHOICES: dict[str, tuple[str, ...] | None] = {
    "rules": None,
    "units": None,
    "lang": ("en", "vi"),
    "fail_on": ("none", "not-met", "not-evaluable"),
}
#: built-in defaults; ``template`` writes Vietnamese unless told otherwise
DEFAULTS: dict[str, str] = {
    "rules": "national-2016-2020",
    "units": "vn",
    "lang": "en",
    "fail_on": "none",
}


@dataclass(frozen=True, slots=True)
class Setting:
    """A setting's value and where it comes from."""

    name: str
    value: Any
    source: str  # "command line", "file", "environment" or "default"
    where: str | None = None  # the file's path:line:col, or the environment variable

    def shown_source(self) -> str:
        if self.source == "file":
            return f"{self.where}"
        if self.source == "environment":
            return f"environment {self.where}"
        return self.source

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source, "where": self.where}


@dataclass(frozen=True, slots=True)
class Config:
    """What a configuration file sets: setting → (value, line, col)."""

    path: Path | None
    values: Mapping[str, tuple[Any, int, int]]

    def where(self, name: str) -> str:
        _, line, col = self.values[name]
        return f"{self.path}:{line}:{col}"


NO_CONFIG = Config(None, {})


# --- finding and reading the file -------------------------------------------------------------

_PYPROJECT_TABLE = re.compile(r'^\s*\[\s*tool\s*\.\s*(["\']?)ntm-eval\1\s*\]', re.M)


def find(start: Path | None = None) -> Path | None:
    """The configuration file in force in ``start`` (default: the working directory): in
    each folder from it upwards, ``ntm-eval.toml``, else a ``pyproject.toml`` with a
    ``[tool.ntm-eval]`` table."""
    here = (start or Path.cwd()).absolute()
    for folder in (here, *here.parents):
        own = folder / OWN_FILE
        if own.is_file():
            return own
        pyproject = folder / PYPROJECT
        if pyproject.is_file():
            try:
                text = pyproject.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if _PYPROJECT_TABLE.search(text):
                return pyproject
    return None


def _problem(
    code: str, message: str, vi: str, path: Path, line: int | None, col: int | None
) -> Problem:
    return Problem(code, message, str(path), line, col, message_vi=vi)


#: tomllib's words, in Vietnamese (another is shown quoted).
_TOML_VI = {
    "Invalid value": "giá trị không hợp lệ",
    "Invalid statement": "câu lệnh không hợp lệ",
    "Expected '=' after a key in a key/value pair": "cần dấu '=' sau khóa",
    "Unclosed array": "mảng chưa được đóng",
    "Unterminated string": "chuỗi chưa được đóng",
    "Illegal character in string": "ký tự không hợp lệ trong chuỗi",
    "Cannot overwrite a value": "không được ghi đè một giá trị",
    "Cannot declare ('tool', 'ntm-eval') twice": "không được khai báo ('tool', 'ntm-eval') hai lần",
    "Expected newline or end of document after a statement": "cần xuống dòng hoặc hết tệp sau "
    "một câu lệnh",
}


def _headers(lines: list[str]) -> list[tuple[int, tuple[str, ...]]]:
    """(line number, table name as its parts) of every ``[table]`` header."""
    found = []
    for n, text in enumerate(lines, 1):
        m = re.match(r"^\s*\[([^\[\]]+)\]", text)
        if m:
            parts = tuple(p.strip().strip("\"'") for p in m.group(1).split("."))
            found.append((n, parts))
    return found


def _position(lines: list[str], table: tuple[str, ...], key: str) -> tuple[int, int]:
    """Line and column of ``key`` in ``table`` (() = the top level) — tomllib gives no
    positions: a small scan of the text finds them (a key written in a way the scan does
    not follow is placed at its table's header)."""
    headers = _headers(lines)
    starts = [n for n, parts in headers if parts == table]
    for start in starts or ([0] if not table else []):
        ends = [n for n, _ in headers if n > start]
        end = min(ends) if ends else len(lines) + 1
        pattern = re.compile(rf"^(\s*)([\"']?){re.escape(key)}\2\s*[=.]")
        for n in range(start + 1, end):
            m = pattern.match(lines[n - 1])
            if m:
                return n, len(m.group(1)) + 1
    sub = [n for n, parts in headers if parts[: len(table) + 1] == (*table, key)]
    if sub:
        return sub[0], 1
    return (starts[0], 1) if starts else (1, 1)


def load(path: Path) -> Config:
    """The settings of the configuration file ``path``. Unknown keys and values a
    setting cannot take are ``InputError`` (U040, U041), each at its line and column; a
    file that is not TOML, U042."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # the same parser, as a package before it joined the standard library
        import tomli as tomllib

    try:
        text = path.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
    except OSError as exc:
        raise InputError(
            [
                _problem(
                    "U042",
                    f"cannot read the configuration file: {exc.strerror}",
                    f"không đọc được tệp cấu hình: {os_error_vi(exc)}",
                    path,
                    None,
                    None,
                )
            ]
        ) from None
    except UnicodeDecodeError:
        raise InputError(
            [
                _problem(
                    "U042",
                    "the configuration file is not UTF-8 text",
                    "tệp cấu hình không phải văn bản UTF-8",
                    path,
                    None,
                    None,
                )
            ]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        raise InputError(
            [
                _problem(
                    "U042",
                    f"not valid TOML: {message}",
                    "không đúng cú pháp TOML: " + _TOML_VI.get(message, f"'{message}'"),
                    path,
                    line,
                    col,
                )
            ]
        ) from None
    table: tuple[str, ...] = ()
    if path.name == PYPROJECT:
        table = TABLE
        doc = doc.get("tool", {}).get("ntm-eval", {})
    lines = text.splitlines()
    problems: list[Problem] = []
    values: dict[str, tuple[Any, int, int]] = {}
    for key, value in doc.items():
        line, col = _position(lines, table, key)
        name = key.replace("-", "_")
        if name not in CHOICES:
            known = ", ".join(CHOICES)
            problems.append(
                _problem(
                    "U040",
                    f"unknown key '{key}' (known keys: {known})",
                    f"khóa '{key}' không được hỗ trợ (các khóa có: {known})",
                    path,
                    line,
                    col,
                )
            )
            continue
        choices = CHOICES[name]
        if not isinstance(value, str) or (choices is not None and value not in choices):
            expected = " or ".join(f"'{c}'" for c in choices) if choices else "a text"
            expected_vi = " hoặc ".join(f"'{c}'" for c in choices) if choices else "một chuỗi"
            problems.append(
                _problem(
                    "U041",
                    f"'{key}' = {value!r} — expected {expected}",
                    f"'{key}' = {value!r} — cần {expected_vi}",
                    path,
                    line,
                    col,
                )
            )
            continue
        if name in ("rules", "units"):
            value = _relative(name, value, path.parent)
        values[name] = (value, line, col)
    if problems:
        raise InputError(problems)
    return Config(path, values)


def _relative(name: str, value: str, folder: Path) -> str:
    """A path in the file is relative to the file's folder; a shipped unit list's name stays
    a name."""
    if name == "units":
        from ntm_eval.input.units import shipped_lists

        if value in shipped_lists():
            return value
    if name == "rules":
        from ntm_eval.rules.loader import shipped_sets

        if value in shipped_sets():
            return str(shipped_sets()[value])
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else folder / path)


# --- the environment --------------------------------------------------------------------------


def env_lang(env: Mapping[str, str]) -> Setting | None:
    """The language the environment asks for: ``NTM_EVAL_LANG`` (en or vi; another value
    is a usage error, U043), else ``vi`` when the locale (the first non-empty of
    ``LC_ALL``, ``LC_MESSAGES``, ``LANG``) is Vietnamese."""
    chosen = env.get(ENV_LANG, "")
    if chosen:
        if chosen not in ("en", "vi"):
            raise InputError(
                [
                    Problem(
                        "U043",
                        f"{ENV_LANG}={chosen!r} — expected 'en' or 'vi'",
                        ENV_LANG,
                        message_vi=f"{ENV_LANG}={chosen!r} — cần 'en' hoặc 'vi'",
                    )
                ]
            )
        return Setting("lang", chosen, "environment", ENV_LANG)
    for var in LOCALE_VARS:
        locale = env.get(var, "")
        if locale:
            if re.match(r"vi([_.@-]|$)", locale, re.I):
                return Setting("lang", "vi", "environment", var)
            return None
    return None


# --- the one order ----------------------------------------------------------------------------


def resolve(
    given: Mapping[str, Any],
    defaults: Mapping[str, Any] | None = None,
    *,
    start: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> dict[str, Setting]:
    """Each setting of ``given`` (setting → what the command line says, None when not
    given): the command line's value, else the configuration file's, else the
    environment's (``lang``), else ``defaults`` (default: ``DEFAULTS``). Raises
    ``InputError`` (usage) when the file or the environment cannot be used."""
    env = os.environ if env is None else env
    defaults = {**DEFAULTS, **(defaults or {})}
    path = find(start)
    config = load(path) if path is not None else NO_CONFIG
    chosen: dict[str, Setting] = {}
    for name, value in given.items():
        if value is not None:
            chosen[name] = Setting(name, getattr(value, "value", value), "command line")
        elif name in config.values:
            chosen[name] = Setting(name, config.values[name][0], "file", config.where(name))
        elif name == "lang" and (from_env := env_lang(env)) is not None:
            chosen[name] = from_env
        else:
            chosen[name] = Setting(name, defaults.get(name), "default")
    return chosen
