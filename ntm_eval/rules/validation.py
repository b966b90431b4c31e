"""``ntm-eval validate``: check rule files and report every problem, for people and for CI.

Layers: ``collect`` turns the paths given into rule files, ``validate`` loads each one
(the loader does every check) and returns a frozen result; ``render.validation`` turns
that result into text. Nothing here prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ntm_eval.diagnostics import InputError, Problem
from ntm_eval.rules.loader import RULE_SUFFIXES, LoadedRules, load_rule_source
from ntm_eval.rules.meaning import set_in


@dataclass(frozen=True, slots=True)
class FileResult:
    path: str
    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return not any(p.is_error for p in self.problems)


@dataclass(frozen=True, slots=True)
class Validation:
    """Every file checked, and the problems that stop the run before any file is read
    (a path that does not exist, a folder without rule files)."""

    files: tuple[FileResult, ...]
    usage: tuple[Problem, ...] = ()

    @property
    def problems(self) -> list[Problem]:
        """Every problem once, in file order (a parent's problems show up once even when
        several files extend it)."""
        seen: dict[Problem, None] = dict.fromkeys(self.usage)
        for f in self.files:
            seen.update(dict.fromkeys(f.problems))
        return list(seen)

    @property
    def invalid(self) -> list[FileResult]:
        return [f for f in self.files if not f.valid]


def collect(paths: list[Path]) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Rule files named by ``paths`` (folders are searched for *.yaml and *.yml, hidden
    entries skipped), each with the path to show; and the problems with the paths."""
    files: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in RULE_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                problems.append(
                    Problem(
                        "U031",
                        "no rule files (*.yaml, *.yml) in this folder",
                        str(path),
                        message_vi="thư mục này không có tệp tiêu chí nào (*.yaml, *.yml)",
                    )
                )
            files += [(p, str(p)) for p in found]
        elif path.exists():
            files.append((path, str(path)))
        else:
            problems.append(
                Problem(
                    "U030",
                    "no such file or folder",
                    str(path),
                    message_vi="không có tệp hoặc thư mục này",
                )
            )
    unique = list(dict.fromkeys(files))  # `validate rules rules/x.yaml` checks x once
    return unique, problems


def validate_file(path: Path, shown: str) -> FileResult:
    """Load one rule file with every check the loader makes."""
    try:
        loaded = load_rule_source(path, display=shown)
    except InputError as exc:
        return FileResult(shown, tuple(exc.problems))
    warning = unverified_warning(loaded)
    return FileResult(shown, (warning,) if warning else ())


def unverified_warning(loaded: LoadedRules) -> Problem | None:
    """One line for all the threshold values the set marks unverified: each is a value to
    check against its source, not a fault of the file."""
    total = here = 0
    for mloc, _, _, m in loaded.ruleset.located_measures():
        for key in m.thresholds:
            if not m.verified(key):
                total += 1
                here += set_in(loaded.positions, mloc + ("thresholds", key), loaded.path)
    if not total:
        return None
    inherited = f" ({here} set in this file, {total - here} inherited)" if loaded.parent else ""
    kept = f" ({here} trong tệp này, {total - here} kế thừa)" if loaded.parent else ""
    return Problem(
        "W301",
        f"{total} threshold value(s) marked unverified{inherited}; list them "
        f"with: ntm-eval rules show {loaded.path} --unverified",
        loaded.path,
        severity="warning",
        message_vi=f"{total} ngưỡng được đánh dấu chưa xác nhận{kept}; xem danh sách bằng "
        f"lệnh: ntm-eval rules show {loaded.path} --unverified --lang vi",
    )


def validate(paths: list[Path]) -> Validation:
    """Check every rule file under ``paths``; nothing is checked if a path is wrong."""
    files, usage = collect(paths)
    if usage:
        return Validation((), tuple(usage))
    return Validation(tuple(validate_file(path, shown) for path, shown in files))
