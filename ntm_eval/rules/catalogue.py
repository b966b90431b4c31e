"""The rules catalogue: which rule sets there are (``rules list``) and what one asks of a
commune (``rules show``).

``build`` turns a loaded set and the filters into a frozen ``Catalogue``; its formats
are in ``render.catalogue``. Nothing here prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ntm_eval.diagnostics import InputError, Problem
from ntm_eval.rules.loader import (
    LoadedRules,
    display_path,
    example_sets,
    is_path_reference,
    load_rule_source,
    shipped_sets,
)
from ntm_eval.rules.model import UNVERIFIED, Criterion, Indicator, Measure, RuleSet
from ntm_eval.rules.yaml_source import Loc


class FilterError(ValueError):
    """A filter names something the rule set does not have (a usage error): the sentence
    in English (``str``), and ``message_vi`` in Vietnamese."""

    def __init__(self, message: str, message_vi: str) -> None:
        super().__init__(message)
        self.message_vi = message_vi


# --- which sets there are ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetEntry:
    """One rule set in ``rules list``: what it is, or the problems that stop it loading."""

    path: str
    source: str  # shipped, example or given
    loaded: LoadedRules | None
    problems: tuple[Problem, ...] = ()


def resolve_set(ref: str) -> tuple[Path, str]:
    """The file a set reference names: a shipped set's or example's id, or a path."""
    if is_path_reference(ref):
        return Path(ref), ref
    known = shipped_sets() | example_sets()
    if ref not in known:
        raise FilterError(
            f"no shipped rule set has the id '{ref}' (shipped: "
            f"{', '.join(known)}); give the path of a rule file instead",
            f"không có bộ tiêu chí đi kèm nào có id '{ref}' (đi kèm: {', '.join(known)}); "
            "hãy ghi đường dẫn của một tệp tiêu chí",
        )
    return known[ref], display_path(known[ref])


def load_set(ref: str) -> LoadedRules:
    """Load the set ``ref`` names; ``InputError`` when it has problems."""
    path, shown = resolve_set(ref)
    return load_rule_source(path, shown)


def list_sets(given: list[tuple[Path, str]]) -> list[SetEntry]:
    """The shipped sets, the shipped examples, then the files given."""
    candidates = [(p, display_path(p), "shipped") for p in shipped_sets().values()]
    candidates += [(p, display_path(p), "example") for p in example_sets().values()]
    candidates += [(p, shown, "given") for p, shown in given]
    entries, seen = [], set()
    for path, shown, source in candidates:
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        try:
            entries.append(SetEntry(shown, source, load_rule_source(path, shown)))
        except InputError as exc:
            entries.append(SetEntry(shown, source, None, tuple(exc.problems)))
    return entries


# --- what one set asks --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Value:
    """One threshold value: its key (a region, ``national`` or ``default``), the value,
    how sure we are of it, and the file and line it comes from."""

    key: str
    value: Any
    confirmation: str
    origin: Loc | None


@dataclass(frozen=True, slots=True)
class Row:
    criterion: Criterion
    indicator: Indicator
    measure: Measure
    sector: str
    values: tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class Catalogue:
    ruleset: RuleSet
    files: tuple[str, ...]  # the set's file, then each file it extends
    region: str | None
    filters: dict[str, Any]
    rows: tuple[Row, ...]


def build(
    loaded: LoadedRules,
    region: str | None = None,
    sector: str | None = None,
    criterion: str | None = None,
    unverified: bool = False,
) -> Catalogue:
    """The rows of ``loaded`` that pass the filters. ``region``: only the threshold that
    applies there; ``criterion``: a criterion id (``14``) or an indicator id (``14.3``);
    ``unverified``: only values marked unverified. Unknown names raise ``FilterError``."""
    rs = loaded.ruleset
    _known(rs.class_name.en, rs.class_name.vi, region, list(rs.class_values))
    _known("sector", "ngành", sector, list(rs.sectors))
    ids = [c.id for c in rs.criteria] + [i.id for c in rs.criteria for i in c.indicators]
    _known("criterion or indicator", "tiêu chí hoặc chỉ tiêu", criterion, list(dict.fromkeys(ids)))
    rows = []
    for mloc, crit, ind, m in rs.located_measures():
        effective_sector = ind.sector or crit.sector
        if criterion is not None and criterion not in (crit.id, ind.id):
            continue
        if sector is not None and effective_sector != sector:
            continue
        if region is None:
            keys = list(m.thresholds)
        else:
            entry = m.threshold_entry(region)
            keys = [entry[0]] if entry else []
        values = tuple(
            Value(
                k,
                m.thresholds[k],
                m.confirmation_of(k),
                loaded.positions.find(mloc + ("thresholds", k)),
            )
            for k in keys
            if not unverified or m.confirmation_of(k) == UNVERIFIED
        )
        if values or not unverified:
            rows.append(Row(crit, ind, m, effective_sector, values))
    filters = {"region": region, "sector": sector, "criterion": criterion, "unverified": unverified}
    return Catalogue(rs, tuple(loaded.files), region, filters, tuple(rows))


def _known(what: str, what_vi: str, name: str | None, known: list[str]) -> None:
    if name is not None and name not in known:
        raise FilterError(
            f"unknown {what} '{name}'; this rule set has: {', '.join(known)}",
            f"bộ tiêu chí không có {what_vi} '{name}'; bộ tiêu chí này có: {', '.join(known)}",
        )
