"""Provincial sets: lay a rule file that ``extends`` another over its parent.

Works on plain data, as read from YAML, together with the positions of every value, so
the result can be checked like any rule file and each value still knows the file and
line it came from. Nothing here reads files or judges values.

How a child file changes its parent:

- a mapping is merged key by key (a new key is added, a known one descends);
- lists of criteria, indicators, measures and groups are matched by their id (``column``
  for measures): a known id descends, a new one is appended;
- everything else — scalars, names, a region's threshold — is replaced whole;
- a threshold value set by the child carries the child's own confirmation for it (its
  key, else its ``default``), or is ``unverified``: a parent's confirmation speaks only
  for the parent's values.
"""

from __future__ import annotations

import copy
from typing import Any

from ntm_eval.rules.yaml_source import PathKey, Positions

ANY = "*"  # in a path pattern: any key or list index

#: Lists whose items are matched by a key, not by position: pattern → identity key.
MATCH_KEYS: dict[PathKey, str] = {
    ("groups",): "id",
    ("criteria",): "id",
    ("criteria", ANY, "indicators"): "id",
    ("criteria", ANY, "indicators", ANY, "measures"): "column",
}
MEASURE = ("criteria", ANY, "indicators", ANY, "measures", ANY)

#: Mappings replaced whole: a name in one language only, or half a period, is an error
#: the checks can report rather than a silent mix of two files.
WHOLE: tuple[PathKey, ...] = (
    ("title",),
    ("period",),
    ("regions", ANY),
    ("classes", "name"),
    ("classes", "values", ANY),
    ("sectors", ANY),
    ("groups", ANY, "name"),
    ("criteria", ANY, "name"),
    ("criteria", ANY, "indicators", ANY, "name"),
    MEASURE + ("name",),
    MEASURE + ("thresholds", ANY),
)

# The same words as in rules.py, which builds on this module.
DEFAULT = "default"
UNVERIFIED = "unverified"


def _matches(pattern: PathKey, path: PathKey) -> bool:
    return len(pattern) == len(path) and all(p in (ANY, q) for p, q in zip(pattern, path))


def _match_key(path: PathKey) -> str | None:
    return next((key for pattern, key in MATCH_KEYS.items() if _matches(pattern, path)), None)


def overlay(
    parent: dict, parent_pos: Positions, child: dict, child_pos: Positions
) -> tuple[dict, Positions]:
    """The rule set ``child`` describes: ``parent`` (already resolved) with ``child`` laid
    over it, and where each of its values comes from."""
    merged = copy.deepcopy(parent)
    positions = Positions(dict(parent_pos.values), dict(parent_pos.keys))
    _Layer(positions, child_pos).lay(merged, child, (), ())
    return merged, positions


class _Layer:
    def __init__(self, positions: Positions, child_pos: Positions) -> None:
        self.pos = positions
        self.cpos = child_pos

    def lay(self, base: Any, child: Any, mpath: PathKey, cpath: PathKey) -> Any:
        """``child`` (at ``cpath`` in its file) laid over ``base`` (at ``mpath`` in the
        result); returns the new value."""
        whole = any(_matches(p, mpath) for p in WHOLE)
        if isinstance(base, dict) and isinstance(child, dict) and not whole:
            self.pos.values[mpath] = self.cpos.values[cpath]
            for key, value in child.items():
                self.pos.keys[mpath + (key,)] = self.cpos.keys[cpath + (key,)]
                if key in base:
                    base[key] = self.lay(base[key], value, mpath + (key,), cpath + (key,))
                else:
                    base[key] = value
                    self.graft(cpath + (key,), mpath + (key,))
            return base
        key = _match_key(mpath)
        if isinstance(base, list) and isinstance(child, list) and key:
            self.pos.values[mpath] = self.cpos.values[cpath]
            for ci, item in enumerate(child):
                mi = _find(base, key, item)
                if mi is None:
                    base.append(item)
                    self.graft(cpath + (ci,), mpath + (len(base) - 1,))
                elif _matches(MEASURE, mpath + (mi,)):
                    base[mi] = self.lay_measure(base[mi], item, mpath + (mi,), cpath + (ci,))
                else:
                    base[mi] = self.lay(base[mi], item, mpath + (mi,), cpath + (ci,))
            return base
        self.prune(mpath)
        self.graft(cpath, mpath)
        return child

    def lay_measure(self, base: Any, child: Any, mpath: PathKey, cpath: PathKey) -> Any:
        """A measure the child changes: confirmations follow the values they speak for."""
        if not (isinstance(base, dict) and isinstance(child, dict)):
            return self.lay(base, child, mpath, cpath)
        thresholds, confirmation = base.get("thresholds"), base.get("confirmation", {})
        if isinstance(thresholds, dict) and isinstance(confirmation, dict):
            # Spell out the parent's confirmation of each of its values, so that a
            # 'default' the child sets or changes cannot re-label them.
            cloc = mpath + ("confirmation",)
            for key in thresholds:
                if key not in confirmation:
                    confirmation[key] = confirmation.get(DEFAULT, UNVERIFIED)
                    # It was said by the parent's 'default', or (unverified) by nothing.
                    src = (
                        self.pos.values.get(cloc + (DEFAULT,))
                        or self.pos.values[mpath + ("thresholds", key)]
                    )
                    self.pos.values[cloc + (key,)] = self.pos.keys[cloc + (key,)] = src
            base["confirmation"] = confirmation
            self.pos.values.setdefault(cloc, self.pos.values[mpath])
        result = self.lay(base, child, mpath, cpath)
        own, said = child.get("thresholds"), child.get("confirmation", {})
        if (
            isinstance(own, dict)
            and isinstance(said, dict)
            and isinstance(result.get("confirmation"), dict)
        ):
            for key in own:
                if key not in said:
                    result["confirmation"][key] = said.get(DEFAULT, UNVERIFIED)
                    src = self.cpos.keys[cpath + ("thresholds", key)]
                    cloc = mpath + ("confirmation", key)
                    self.pos.values[cloc] = self.pos.keys[cloc] = src
        return result

    def prune(self, mpath: PathKey) -> None:
        """Forget the positions under ``mpath`` (its own key stays)."""
        n = len(mpath)
        for table, strict in ((self.pos.values, False), (self.pos.keys, True)):
            for path in [p for p in table if p[:n] == mpath and (len(p) > n or not strict)]:
                del table[path]

    def graft(self, cpath: PathKey, mpath: PathKey) -> None:
        """Copy the child's positions under ``cpath`` to ``mpath`` in the result."""
        n = len(cpath)
        for table, target, strict in (
            (self.cpos.values, self.pos.values, False),
            (self.cpos.keys, self.pos.keys, True),
        ):
            for path, loc in table.items():
                if path[:n] == cpath and (len(path) > n or not strict):
                    target[mpath + path[n:]] = loc


def _find(items: list, key: str, item: Any) -> int | None:
    """Index of the item in ``items`` with the same identity as ``item``."""
    if not isinstance(item, dict) or key not in item:
        return None
    return next(
        (
            i
            for i, other in enumerate(items)
            if isinstance(other, dict) and other.get(key) == item[key]
        ),
        None,
    )
