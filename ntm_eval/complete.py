"""Shell completion of option values (``ntm-eval --install-completion``): shipped rule-set
ids, sectors, criterion and indicator ids, unit lists.

Each TAB runs the command once more, so these stay cheap: ids of shipped sets and lists
are file names (a folder listing); sectors and criteria come from a small index of the
rule file in force (``--rules`` typed so far, else the project's configuration, else the
national set), kept in the user's cache folder and made again only when the rule file
changes. Imported only when the shell asks for a completion.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ntm-eval"


def rule_sets(incomplete: str) -> list[str]:
    """Ids of the shipped sets and examples that start with ``incomplete``."""
    from ntm_eval.shipped import example_sets, shipped_sets

    return [i for i in (*shipped_sets(), *example_sets()) if i.startswith(incomplete)]


def unit_lists(incomplete: str) -> list[str]:
    """Names of the shipped unit lists that start with ``incomplete``."""
    from ntm_eval.shipped import unit_list_names

    return [n for n in unit_list_names() if n.startswith(incomplete)]


def _rule_file(given: Any) -> Path:
    """The rule file whose sectors and ids to offer."""
    if given:
        path = Path(str(given))
        if path.is_file():
            return path
        from ntm_eval.shipped import example_sets, shipped_sets

        known = shipped_sets() | example_sets()
        if str(given) in known:
            return known[str(given)]
    from ntm_eval import settings
    from ntm_eval.diagnostics import InputError

    try:
        configured = settings.resolve({"rules": None})["rules"]
        if configured.source == "file":
            return Path(configured.value)
    except InputError:  # a broken configuration file: completion offers the default set
        pass
    from ntm_eval.shipped import default_rules_path

    return default_rules_path()


def index(path: Path) -> dict[str, list[str]]:
    """Sectors and criterion/indicator ids of the rule file ``path``, from the cache when
    the file is unchanged since (its size and modification time), else loaded and kept.
    A rule file that cannot be loaded offers nothing."""
    try:
        stat = path.stat()
    except OSError:
        return {"sectors": [], "ids": []}
    key = f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}"
    cached = _cache_dir() / f"index-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"
    try:
        found: dict[str, list[str]] = json.loads(cached.read_text(encoding="utf-8"))
        return found
    except (OSError, ValueError):
        pass
    from ntm_eval.diagnostics import InputError
    from ntm_eval.rules.loader import load_rules

    try:  # a rule file with errors offers nothing
        ruleset = load_rules(path)
    except InputError:
        return {"sectors": [], "ids": []}
    ids: list[str] = []
    for criterion in ruleset.criteria:
        ids.append(criterion.id)
        ids += [i.id for i in criterion.indicators if i.id != criterion.id]
    made = {"sectors": list(ruleset.sectors), "ids": ids}
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(made), encoding="utf-8")
    except OSError:  # no cache folder to write: made again next time
        pass
    return made


def sectors(rules: Any, incomplete: str) -> list[str]:
    return [s for s in index(_rule_file(rules))["sectors"] if s.startswith(incomplete)]


def criteria(rules: Any, incomplete: str) -> list[str]:
    return [i for i in index(_rule_file(rules))["ids"] if i.startswith(incomplete)]
