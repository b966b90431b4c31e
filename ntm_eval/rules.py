"""Rule sets: the typed, frozen model of a rule file, its loader and its lookups.

A rule file is YAML (see ``rules/national-2016-2020.yaml``). Loading it checks the
structure with pydantic (unknown keys are errors) and then the meaning (ids, references,
kinds, ranges); every problem comes back at once with its line and column.
"""

from __future__ import annotations

import difflib
import os
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema
from pydantic_core import PydanticCustomError

from ntm_eval.diagnostics import InputError, Problem
from ntm_eval.overlay import overlay
from ntm_eval.yaml_source import PathKey, Positions, load_yaml

Kind = Literal["pct", "bool", "count", "money"]
Op = Literal[">=", "<=", "=="]
Confirmation = Literal["C2", "C1", "unverified"]
Scalar = Union[bool, float]

#: Keys of a thresholds mapping that are not regions.
NATIONAL = "national"  # the national target, kept for information
DEFAULT = "default"  # applies to every region without its own key
UNVERIFIED = "unverified"  # the confirmation of a value no published source confirms

IDENTITY_COLUMNS = ("commune_code", "commune_name", "district", "province", "region", "year")

DEFAULT_UNITS = {"pct": "%", "bool": None, "count": None, "money": "million VND/person/year"}

_KEY = r"^[a-z][a-z0-9_]*$"


def _threshold(value: Any) -> Any:
    """A threshold is a number, true/false, or ``{YEAR: value}`` (applies from YEAR on)."""
    def scalar(v: Any) -> bool:
        return isinstance(v, (bool, int, float))

    if scalar(value):
        return value
    if isinstance(value, dict) and value:
        bad_years = [y for y in value if isinstance(y, bool) or not isinstance(y, int)
                     or not 1900 <= y <= 2100]
        if bad_years:
            raise PydanticCustomError(
                "ntm_year", "year key {year} is not a year between 1900 and 2100",
                {"year": bad_years[0]})
        if all(scalar(v) for v in value.values()):
            return value
    raise PydanticCustomError(
        "ntm_threshold",
        "a threshold must be a number, true/false, or a mapping {YEAR: value} "
        "(the value applies from that year on)")


_SCALAR_SCHEMA = {"type": ["number", "boolean"]}
Threshold = Annotated[Any, AfterValidator(_threshold), WithJsonSchema({
    "description": "A number, true (for a yes/no judgement), or {YEAR: value}: each value "
                   "applies from its year until a later key replaces it.",
    "anyOf": [_SCALAR_SCHEMA, {"type": "object", "minProperties": 1,
                               "propertyNames": {"pattern": "^(19|20|21)[0-9]{2}$"},
                               "additionalProperties": _SCALAR_SCHEMA}]})]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Text(_Strict):
    """A name in Vietnamese and English."""

    vi: str = Field(description="Vietnamese, as in the legal text.")
    en: str = Field(description="English.")

    def get(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


class Period(_Strict):
    """The years the set is meant for (data from other years gets a warning)."""

    from_: int = Field(alias="from", ge=1900, le=2100, description="First year.")
    to: int = Field(ge=1900, le=2100, description="Last year.")


class Measure(_Strict):
    """One measured value (one data column) and its thresholds."""

    column: str = Field(pattern=_KEY, description="The data column (CSV header) holding the "
                        "value; unique in the set. Identifies the measure in a set that "
                        "extends this one.")
    name: Text | None = Field(None, description="Needed when an indicator has several measures.")
    kind: Kind = Field(description="pct: percentage 0–100; bool: a yes/no judgement (Đạt); "
                       "count: whole number ≥ 0; money: million VND per person per year.")
    op: Op = Field(description="How the value is compared with the threshold: '>=' for a "
                   "minimum, '<=' for a maximum, '==' for a yes/no judgement.")
    unit: str | None = Field(None, description="Unit shown with values (default from kind).")
    aliases: list[str] = Field([], description="Column headers people write for this measure "
                               "(Vietnamese first: the first one is the header of data-entry "
                               "templates). Matched ignoring case, accents and spacing.")
    thresholds: dict[str, Threshold] = Field(
        description="Keyed by region, 'national' (for information) or 'default' (every "
                    "region without its own key).")
    confirmation: dict[str, Confirmation] = Field(
        {}, description="Per thresholds key (or 'default'): C2 = two or more published "
                        "sources, C1 = one, unverified = none (shown as such in every output).")
    note: str | None = None
    reason: str | None = Field(None, description="In a set that extends another: why this "
                               "measure's thresholds are looser than the parent's (required "
                               "to loosen them).")

    @property
    def unit_label(self) -> str | None:
        return self.unit if self.unit is not None else DEFAULT_UNITS[self.kind]

    def threshold_entry(self, region: str) -> tuple[str, Any] | None:
        """The thresholds key that applies to ``region`` and its raw value."""
        if region in self.thresholds:
            return region, self.thresholds[region]
        if DEFAULT in self.thresholds:
            return DEFAULT, self.thresholds[DEFAULT]
        return None

    def verified(self, key: str) -> bool:
        """Whether the threshold value under ``key`` is confirmed by a published source."""
        return self.confirmation_of(key) != UNVERIFIED

    def confirmation_of(self, key: str) -> str:
        return self.confirmation.get(key, self.confirmation.get(DEFAULT, UNVERIFIED))


class Indicator(_Strict):
    """An indicator (chỉ tiêu): met when each of its measures meets its threshold."""

    id: str = Field(pattern=r"^\d+(\.\d+)?$", description="'14.3', or '5' for a criterion "
                    "with a single indicator; starts with its criterion's id.")
    name: Text
    sector: str | None = Field(None, description="Responsible sector, when not the criterion's.")
    legal_basis: str | None = None
    note: str | None = None
    measures: list[Measure] = Field(min_length=1)


class Criterion(_Strict):
    """A criterion (tiêu chí): met when every one of its indicators is met."""

    id: str = Field(pattern=r"^\d+$", description="'1' to '19' in the national set.")
    group: str = Field(description="Id of a group declared under 'groups'.")
    name: Text
    sector: str = Field(description="Key of the responsible sector, declared under 'sectors'.")
    legal_basis: str | None = None
    note: str | None = None
    indicators: list[Indicator] = Field(min_length=1)


class IdentityColumn(_Strict):
    """How an identity column (commune_code, …) is named in headers and templates."""

    name: Text | None = None
    aliases: list[str] = []


IdentityKey = Literal["commune_code", "commune_name", "district", "province", "region", "year"]


class Group(_Strict):
    """A group of criteria (I Planning … V Political system)."""

    id: str
    name: Text


class RuleSet(_Strict):
    """A complete criteria set: what a commune must reach, region by region."""

    schema_version: Literal[1] = Field(description="Version of this file format.")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", description="Short stable name, e.g. "
                    "national-2016-2020; a shipped set's file is named after it.")
    extends: str | None = Field(None, description="The set this one builds on: a shipped "
                                "set's id or a path relative to this file. Then only the "
                                "changes are given: criteria and indicators matched by id, "
                                "measures by column.")
    title: Text
    legal_basis: str = Field(description="The decision that issues the set.")
    period: Period | None = None
    identity: dict[IdentityKey, IdentityColumn] = Field(
        {}, description="Names and header aliases of the identity columns (commune_code, …).")
    regions: dict[str, Text] = Field(min_length=1, description="Region keys used by "
                                     "thresholds and in the data's region column.")
    sectors: dict[str, Text] = Field(min_length=1, description="Responsible sectors (provincial "
                                     "departments) by key.")
    groups: list[Group] = Field(min_length=1)
    criteria: list[Criterion] = Field(min_length=1)

    def measures(self) -> typing.Iterator[tuple[Criterion, Indicator, Measure]]:
        for criterion in self.criteria:
            for indicator in criterion.indicators:
                for measure in indicator.measures:
                    yield criterion, indicator, measure

    def located_measures(self) -> typing.Iterator[tuple[PathKey, Criterion, Indicator, Measure]]:
        """Like ``measures``, with each measure's path in the rule file's tree."""
        for ci, criterion in enumerate(self.criteria):
            for ii, indicator in enumerate(criterion.indicators):
                for mi, measure in enumerate(indicator.measures):
                    where = ("criteria", ci, "indicators", ii, "measures", mi)
                    yield where, criterion, indicator, measure

    @property
    def columns(self) -> list[str]:
        """Data columns the rule set reads, in rule-file order."""
        return [m.column for _, _, m in self.measures()]

    def kinds(self) -> dict[str, str]:
        return {m.column: m.kind for _, _, m in self.measures()}

    def header_names(self) -> dict[str, list[str]]:
        """Every name declared for a column's header: its key, its aliases and its own name.

        The header matcher also accepts an indicator's name for a measure that is alone in
        its indicator (``indicator_names``), unless two columns would share it.
        """
        names: dict[str, list[str]] = {}
        for key in IDENTITY_COLUMNS:
            ident = self.identity.get(key)  # type: ignore[call-overload]
            own = [ident.name.vi, ident.name.en] if ident and ident.name else []
            names[key] = [key, *(ident.aliases if ident else []), *own]
        for _, _, m in self.measures():
            own = [m.name.vi, m.name.en] if m.name else []
            names[m.column] = [m.column, *m.aliases, *own]
        return names

    def indicator_names(self) -> dict[str, list[str]]:
        """Column → the names of its indicator, for measures alone in their indicator."""
        return {ind.measures[0].column: [ind.name.vi, ind.name.en]
                for crit in self.criteria for ind in crit.indicators if len(ind.measures) == 1}


# --- loading -------------------------------------------------------------------------


def shipped_rules_dir() -> Path:
    """Folder of the rule sets shipped with ntm-eval (inside a wheel, or the repo's rules/)."""
    packaged = Path(__file__).parent / "_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def default_rules_path() -> Path:
    return shipped_rules_dir() / "national-2016-2020.yaml"


#: Keys a file that extends another must state itself, not inherit.
OWN_KEYS = ("schema_version", "id", "title", "legal_basis")
MAX_EXTENDS = 8  # provincial sets are one or two levels deep; a longer chain is a mistake
RULE_SUFFIXES = (".yaml", ".yml")


def shipped_sets() -> dict[str, Path]:
    """The rule sets shipped with ntm-eval, by id (a shipped file is named after its id)."""
    return {p.stem: p for p in sorted(shipped_rules_dir().glob("*.yaml"))}


def example_sets() -> dict[str, Path]:
    """The example sets shipped with ntm-eval (not for ``extends``), by id."""
    return {p.stem: p for p in sorted((shipped_rules_dir() / "examples").glob("*.yaml"))}


def is_path_reference(ref: str) -> bool:
    """Whether a set reference (``extends``, ``rules show SET``) names a file, not an id."""
    return ref.endswith(RULE_SUFFIXES) or "/" in ref or "\\" in ref


def display_path(path: Path) -> str:
    """``path`` as shown to people: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class LoadedRules:
    """A resolved rule set, where each of its values comes from, and the set it extends."""

    ruleset: RuleSet
    positions: Positions
    path: str  # the file as shown to people
    parent: LoadedRules | None = None

    @property
    def files(self) -> list[str]:
        """This file, then each file it extends, nearest first."""
        chain: list[str] = []
        node: LoadedRules | None = self
        while node is not None:
            chain.append(node.path)
            node = node.parent
        return chain


def load_rules(path: Path, display: str | None = None) -> RuleSet:
    """Load and check a rule file, resolving what it extends; raise ``InputError`` listing
    every problem."""
    return load_rule_source(path, display).ruleset


def load_rule_source(path: Path, display: str | None = None) -> LoadedRules:
    """Like ``load_rules``, keeping where every value comes from."""
    return _load(path, display or str(path), ())[0]


def _load(path: Path, shown: str, chain: tuple[tuple[Path, str], ...]) -> tuple[LoadedRules, dict]:
    data, positions = load_yaml(path, shown)
    if not isinstance(data, dict):
        _, line, col = positions.find(()) or (shown, 1, 1)
        raise InputError([Problem("R012", "the top level of a rule file must be a mapping "
                                  "(schema_version, id, title, …)", shown, line, col)])
    if "extends" not in data:
        return _checked(data, positions, shown, None), data

    def at(code: str, loc: PathKey, message: str) -> Problem:
        return problem_at(code, message, positions, loc, shown)

    own = [at("R011", (), f"required key '{key}' missing: a rule file that extends another "
              "states its own") for key in OWN_KEYS if key not in data]
    ref = data["extends"]
    parent_path, parent_shown = _parent_file(ref, path, shown, at)
    seen = chain + ((path.resolve(), shown),)
    resolved = [p for p, _ in seen]
    if parent_path.resolve() in resolved:
        loop = [s for _, s in seen[resolved.index(parent_path.resolve()):]] + [parent_shown]
        raise InputError([at("R031", ("extends",), "extends cycle: " + " → ".join(loop))] + own)
    if len(seen) > MAX_EXTENDS:
        raise InputError([at("R031", ("extends",), f"more than {MAX_EXTENDS} rule files "
                             "extend one another: " + " → ".join(s for _, s in seen))] + own)
    try:
        parent, parent_data = _load(parent_path, parent_shown, seen)
    except InputError as exc:
        named = f"'{ref}'" + ("" if parent_shown == ref else f" ({parent_shown})")
        note = at("R030", ("extends",), f"extends {named}, which has errors")
        raise InputError([note] + own + exc.problems) from None
    if own:
        raise InputError(own)
    if data["id"] == parent.ruleset.id:
        raise InputError([at("R020", ("id",), f"id '{data['id']}' is the id of the set it "
                             "extends; give this set its own id")])
    merged, merged_positions = overlay(parent_data, parent.positions, data, positions)
    return _checked(merged, merged_positions, shown, parent), merged


def _parent_file(ref: Any, path: Path, shown: str, at: Any) -> tuple[Path, str]:
    """The file ``extends: ref`` names: a path (relative to the extending file) or the id
    of a shipped set."""
    if not isinstance(ref, str) or not ref.strip():
        raise InputError([at("R012", ("extends",), "extends: give the id of a shipped rule set "
                             "(e.g. national-2016-2020) or the path of a rule file")])
    if is_path_reference(ref):
        target = path.parent / ref
        parent_shown = os.path.normpath(os.path.join(os.path.dirname(shown), ref))
        if not target.is_file():
            raise InputError([at("R030", ("extends",), f"extends '{ref}': no such file "
                                 f"({parent_shown})")])
        return target, parent_shown
    shipped = shipped_sets()
    if ref not in shipped:
        raise InputError([at("R030", ("extends",), f"extends '{ref}': no shipped rule set has "
                             f"this id (shipped: {', '.join(shipped)}); a file is named by a "
                             "path ending in .yaml")])
    return shipped[ref], display_path(shipped[ref])


def _checked(data: dict, positions: Positions, shown: str, parent: LoadedRules | None
             ) -> LoadedRules:
    """Validate a (resolved) rule set: its structure, its meaning, and its overrides."""
    try:
        ruleset = RuleSet.model_validate(data)
    except ValidationError as exc:
        problems = [_pydantic_problem(err, positions, shown, data) for err in exc.errors()]
        raise InputError(sorted(problems, key=_order)) from None
    problems = check_meaning(ruleset, positions, shown)
    if parent is not None:
        problems += check_overrides(parent.ruleset, ruleset, positions, shown)
    if problems:
        raise InputError(sorted(problems, key=_order))
    return LoadedRules(ruleset, positions, shown, parent)


def _order(p: Problem) -> tuple:
    return (p.path, p.line or 0, p.col or 0, p.code)


def _dotted(loc: PathKey, data: Any = None) -> str:
    """``criteria[id=14].indicators[id=14.3].name``: list items by their id when they have
    one (an index into a set that extends another would not match the file)."""
    out, node = "", data
    for part in loc:
        if isinstance(node, dict):
            item = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            item = node[part]
        else:
            item = None
        if isinstance(part, int):
            ident = next((k for k in ("id", "column") if isinstance(item, dict)
                          and isinstance(item.get(k), (str, int))), None)
            out += f"[{ident}={item[ident]}]" if ident else f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
        node = item
    return out or "(top level)"


def model_at(loc: PathKey) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping at ``loc``, if any."""
    tp: Any = RuleSet
    for part in loc:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = next((f for n, f in tp.model_fields.items() if part in (n, f.alias)), None)
            if field is None:
                return None
            tp = field.annotation
        else:
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[-1] if args else None
        while typing.get_origin(tp) in (Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0] if len(args) == 1 else None
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


def problem_at(code: str, message: str, positions: Positions, loc: PathKey, path: str,
               key: bool = False) -> Problem:
    """A problem located at ``loc`` (its key when ``key``), in whichever file it came from;
    ``path`` is the fallback when nothing in the tree has a position."""
    where = positions.find(loc, prefer_key=key)
    if where is None:
        return Problem(code, message, path)
    return Problem(code, message, where.path, where.line, where.col)


def _pydantic_problem(err: dict, positions: Positions, path: str, data: Any = None) -> Problem:
    # Custom validators report at the field; drop pydantic's internal loc parts.
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    kind = err["type"]
    if kind == "extra_forbidden":
        key = loc[-1]
        model = model_at(loc[:-1])
        allowed = _keys_of(model) if model else []
        hint = difflib.get_close_matches(str(key), allowed, n=1)
        where = _dotted(loc[:-1], data)
        msg = f"unknown key '{key}' in {where}"
        msg += f"; did you mean '{hint[0]}'?" if hint else (
            f"; expected one of: {', '.join(allowed)}" if allowed else "")
        return problem_at("R010", msg, positions, loc, path, key=True)
    if kind == "ntm_year":  # point at the offending year key, not the whole mapping
        return problem_at("R012", f"{_dotted(loc, data)}: {err['msg']}", positions,
                          loc + (err["ctx"]["year"],), path, key=True)
    if kind == "missing":
        return problem_at("R011", f"required key '{loc[-1]}' missing in {_dotted(loc[:-1], data)}",
                          positions, loc[:-1], path)
    shown = err.get("input")
    value = "" if isinstance(shown, (dict, list)) else f" (got {shown!r})"
    return problem_at("R012", f"{_dotted(loc, data)}: {err['msg']}{value}", positions, loc, path)


def check_meaning(rs: RuleSet, positions: Positions, path: str) -> list[Problem]:
    """Checks that types cannot express: ids, references, kinds, ranges, coverage."""
    problems: list[Problem] = []

    def add(code: str, loc: PathKey, message: str, key: bool = False) -> None:
        problems.append(problem_at(code, message, positions, loc, path, key))

    group_ids: set[str] = set()
    for gi, group in enumerate(rs.groups):
        if group.id in group_ids:
            add("R020", ("groups", gi, "id"), f"group id '{group.id}' is used twice")
        group_ids.add(group.id)
    if rs.period and rs.period.from_ > rs.period.to:
        add("R034", ("period", "to"), f"the period ends ({rs.period.to}) before it starts "
            f"({rs.period.from_})")
    seen_criteria: dict[str, int] = {}
    seen_indicators: dict[str, tuple] = {}
    seen_columns: dict[str, str] = {c: "an identity column" for c in IDENTITY_COLUMNS}
    for ci, crit in enumerate(rs.criteria):
        cloc: PathKey = ("criteria", ci)
        if crit.id in seen_criteria:
            add("R020", cloc + ("id",), f"criterion id '{crit.id}' is used twice")
        seen_criteria[crit.id] = ci
        if crit.group not in group_ids:
            add("R021", cloc + ("group",), f"criterion {crit.id}: group '{crit.group}' is not "
                f"declared under 'groups' (declared: {', '.join(sorted(group_ids))})")
        if crit.sector not in rs.sectors:
            add("R021", cloc + ("sector",), f"criterion {crit.id}: sector '{crit.sector}' is "
                "not declared under 'sectors'")
        for ii, ind in enumerate(crit.indicators):
            iloc = cloc + ("indicators", ii)
            if ind.id != crit.id and not ind.id.startswith(crit.id + "."):
                add("R025", iloc + ("id",), f"indicator '{ind.id}' does not belong to criterion "
                    f"{crit.id} (its id must be '{crit.id}' or start with '{crit.id}.')")
            if ind.id in seen_indicators:
                add("R020", iloc + ("id",), f"indicator id '{ind.id}' is used twice")
            seen_indicators[ind.id] = iloc
            if ind.sector is not None and ind.sector not in rs.sectors:
                add("R021", iloc + ("sector",), f"indicator {ind.id}: sector '{ind.sector}' is "
                    "not declared under 'sectors'")
            for mi, m in enumerate(ind.measures):
                mloc = iloc + ("measures", mi)
                if m.column in seen_columns:
                    add("R020", mloc + ("column",), f"column '{m.column}' is already used by "
                        f"{seen_columns[m.column]}")
                else:
                    seen_columns[m.column] = f"indicator {ind.id}"
                _check_measure(rs, ind.id, m, mloc, add, positions)
    _check_aliases(rs, positions, add)
    return problems


def _check_aliases(rs: RuleSet, positions: Positions, add: Any) -> None:
    """Two columns must never answer to the same header."""
    from ntm_eval.text import header_key

    owner: dict[str, str] = {header_key(key): key for key in rs.header_names()}
    declared: list[tuple[str, str, PathKey]] = []
    for key, ident in rs.identity.items():
        declared += [(key, a, ("identity", key, "aliases", i)) for i, a in enumerate(ident.aliases)]
    for ci, crit in enumerate(rs.criteria):
        for ii, ind in enumerate(crit.indicators):
            for mi, m in enumerate(ind.measures):
                loc: PathKey = ("criteria", ci, "indicators", ii, "measures", mi, "aliases")
                declared += [(m.column, a, loc + (i,)) for i, a in enumerate(m.aliases)]
    for column, alias, loc in declared:
        hk = header_key(alias)
        if not hk:
            add("R012", loc, f"alias '{alias}' of column '{column}' has no letters or digits")
        elif owner.setdefault(hk, column) != column:
            add("R020", loc, f"alias '{alias}' of column '{column}' reads the same as a name of "
                f"column '{owner[hk]}' (headers are compared ignoring case, accents and "
                "punctuation)")


def _yaml(value: Any) -> str:
    """A scalar as it is spelled in YAML."""
    return str(value).lower() if isinstance(value, bool) or value is None else repr(value)


def _check_measure(rs: RuleSet, ind_id: str, m: Measure, mloc: PathKey, add: Any,
                   positions: Positions) -> None:
    what = f"indicator {ind_id} ({m.column})"
    if m.kind == "bool" and m.op != "==":
        add("R023", mloc + ("op",), f"{what}: a yes/no judgement can only be compared with "
            f"'==' (got '{m.op}')")
    if m.kind != "bool" and m.op == "==":
        add("R023", mloc + ("op",), f"{what}: a {m.kind} measure needs '>=' or '<=' "
            "(an exact match on a measured number is never what a criterion means)")
    known = set(rs.regions) | {NATIONAL, DEFAULT}
    for key, raw in m.thresholds.items():
        tloc = mloc + ("thresholds", key)
        if key not in known:
            add("R021", tloc, f"{what}: threshold key '{key}' is not a declared region, "
                f"'{NATIONAL}' or '{DEFAULT}'", key=True)
        values = raw.items() if isinstance(raw, dict) else [(None, raw)]
        for year, value in values:
            vloc = tloc + ((year,) if year is not None else ())
            if year is not None and rs.period and year > rs.period.to:
                add("R034", vloc, f"{what}: year key {year} is after the rule set's period "
                    f"({rs.period.from_}–{rs.period.to}), so it never applies", key=True)
            if m.kind == "bool":
                if value is not True:
                    add("R023", vloc, f"{what}: a yes/no threshold must be true (got "
                        f"{_yaml(value)}); the judgement is met when the data says 'Đạt'")
                continue
            if isinstance(value, bool):
                add("R023", vloc, f"{what}: a {m.kind} threshold must be a number (got {value!r})")
            elif m.kind == "pct" and not 0 <= value <= 100:
                add("R024", vloc, f"{what}: percentage threshold {value:g} is outside 0–100")
            elif m.kind == "count" and (value < 0 or value != int(value)):
                add("R024", vloc, f"{what}: count threshold {value:g} must be a whole number ≥ 0")
            elif m.kind == "money" and value < 0:
                add("R024", vloc, f"{what}: money threshold {value:g} must be ≥ 0")
    if DEFAULT not in m.thresholds:
        missing = [r for r in rs.regions if r not in m.thresholds]
        if missing:
            # A region added by a set that extends this one is where the fix belongs.
            where: PathKey = mloc + ("thresholds",)
            declared = positions.find(("regions", missing[0]), prefer_key=True)
            listed = positions.find(where)
            elsewhere = bool(declared and listed and declared.path != listed.path)
            add("R022", ("regions", missing[0]) if elsewhere else where, f"{what}: no threshold "
                f"for region(s) {', '.join(missing)} and no '{DEFAULT}'", key=elsewhere)
    for key in m.confirmation:
        if key not in known:
            add("R021", mloc + ("confirmation", key), f"{what}: confirmation key '{key}' is "
                f"not a declared region, '{NATIONAL}' or '{DEFAULT}'", key=True)


def check_overrides(parent: RuleSet, rs: RuleSet, positions: Positions, path: str) -> list[Problem]:
    """What a set that extends ``parent`` may not do: change what a measure is (its kind
    or comparison), or loosen a threshold without stating a ``reason``. Only values set
    in ``path`` itself are judged; inherited ones were judged with their own file."""
    problems: list[Problem] = []
    before = {m.column: m for _, _, m in parent.measures()}
    for mloc, _, ind, m in rs.located_measures():
        old = before.get(m.column)
        if old is None:
            continue
        what = f"indicator {ind.id} ({m.column})"
        changed = [f for f in ("kind", "op") if getattr(m, f) != getattr(old, f)]
        for f in changed:
            problems.append(problem_at(
                "R033", f"{what}: {f} is '{getattr(old, f)}' in {parent.id}; an override "
                f"cannot change it (add a measure with its own column instead)",
                positions, mloc + (f,), path))
        stated = bool(m.reason and m.reason.strip()) and set_in(positions, mloc + ("reason",), path)
        if changed or stated:
            continue
        for key in m.thresholds:
            tloc = mloc + ("thresholds", key)
            loosened = set_in(positions, tloc, path) and _loosened_against(old, m, key, rs)
            if loosened:
                problems.append(problem_at(
                    "R032", f"{what}: {loosened} in {parent.id}; an override may only "
                    "make a threshold stricter unless the measure states a 'reason'",
                    positions, tloc, path))
    return problems


def set_in(positions: Positions, loc: PathKey, path: str) -> bool:
    """Whether the value at ``loc`` is written in the file ``path`` (not inherited)."""
    where = positions.values.get(loc)
    return where is not None and where.path == path


def _loosened_against(old: Measure, new: Measure, key: str, rs: RuleSet) -> str | None:
    """How the value under ``key`` loosens ``old``, in words; None when it does not."""
    if key == DEFAULT:  # the new default speaks for every region without its own value
        targets = [r for r in rs.regions if r not in new.thresholds]
    else:
        targets = [key]
    for target in targets:
        entry = (old.thresholds.get(NATIONAL) if target == NATIONAL
                 else (old.threshold_entry(target) or (None, None))[1])
        if entry is None:
            continue
        found = _looser(new.op, new.thresholds[key], entry)
        if found:
            year, a, b = found
            notes = ([f"in force in {year}"] if year is not None else []) + (
                [f"for {target}"] if target != key else [])
            when = f" ({', '.join(notes)})" if notes else ""
            return f"{key} threshold {_yaml(a)}{when} is looser than {_yaml(b)}"
    return None


def in_force(raw: Any, year: int | None) -> tuple[Any, int | None] | None:
    """``(value, from_year)`` a threshold holds in ``year``: a scalar holds in every year
    (from_year None); a ``{YEAR: value}`` mapping holds its latest key not after ``year``.
    None when no key applies yet, or the year is unknown — never a later year's value."""
    if not isinstance(raw, dict):
        return raw, None
    applicable = [y for y in raw if year is not None and y <= year]
    if not applicable:
        return None
    from_year = max(applicable)
    return raw[from_year], from_year


def _in_force(raw: Any, year: int | None) -> Any:
    found = in_force(raw, year)
    return None if found is None else found[0]


def _looser(op: str, new: Any, old: Any) -> tuple[int | None, Any, Any] | None:
    """The first year (None: every year) in which ``new`` asks less than ``old``."""
    years = sorted({y for raw in (new, old) if isinstance(raw, dict) for y in raw}) or [None]
    for year in years:
        a, b = _in_force(new, year), _in_force(old, year)
        if a is None or b is None:
            continue
        if (op == ">=" and a < b) or (op == "<=" and a > b) or (op == "==" and a != b):
            return year, a, b
    return None
