"""The typed, frozen model of a rule set: criteria, indicators, measures and their
thresholds, with the lookups the engine and the loader share."""

from __future__ import annotations

import typing
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from ntm_eval.rules.yaml_source import PathKey

Kind = Literal["pct", "bool", "count", "money"]
Op = Literal[">=", "<=", "=="]
Confirmation = Literal["C2", "C1", "unverified"]
Scalar = Union[bool, float]

#: Keys of a thresholds mapping that are not regions.
NATIONAL = "national"  # the national target, kept for information
DEFAULT = "default"  # applies to every region without its own key
UNVERIFIED = "unverified"  # the confirmation of a value no published source confirms

#: The identity columns of a region-keyed set with districts (the 2016–2020 national set);
#: a set's own are ``RuleSet.identity_columns``.
IDENTITY_COLUMNS = ("commune_code", "commune_name", "district", "province", "region", "year")
REGION = "region"  # the class column of a set whose thresholds are keyed by region

DEFAULT_UNITS = {"pct": "%", "bool": None, "count": None, "money": "million VND/person/year"}

_KEY = r"^[a-z][a-z0-9_]*$"


def _threshold(value: Any) -> Any:
    """A threshold is a number, true/false, or ``{YEAR: value}`` (applies from YEAR on)."""

    def scalar(v: Any) -> bool:
        return isinstance(v, (bool, int, float))

    if scalar(value):
        return value
    if isinstance(value, dict) and value:
        bad_years = [
            y
            for y in value
            if isinstance(y, bool) or not isinstance(y, int) or not 1900 <= y <= 2100
        ]
        if bad_years:
            raise PydanticCustomError(
                "ntm_year",
                "year key {year} is not a year between 1900 and 2100",
                {"year": bad_years[0]},
            )
        if all(scalar(v) for v in value.values()):
            return value
    raise PydanticCustomError(
        "ntm_threshold",
        "a threshold must be a number, true/false, or a mapping {YEAR: value} "
        "(the value applies from that year on)",
    )


_SCALAR_SCHEMA = {"type": ["number", "boolean"]}
Threshold = Annotated[
    Any,
    AfterValidator(_threshold),
    WithJsonSchema(
        {
            "description": "A number, true (for a yes/no judgement), or {YEAR: value}: each value "
            "applies from its year until a later key replaces it.",
            "anyOf": [
                _SCALAR_SCHEMA,
                {
                    "type": "object",
                    "minProperties": 1,
                    "propertyNames": {"pattern": "^(19|20|21)[0-9]{2}$"},
                    "additionalProperties": _SCALAR_SCHEMA,
                },
            ],
        }
    ),
]


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


class Plausible(_Strict):
    """The values a measure can possibly take, for money and counts: a value outside is
    warned about (W120) — most often a unit slip — and still judged as written."""

    min: float | None = Field(None, description="The smallest possible value.")
    max: float | None = Field(None, description="The largest possible value.")
    source: str | None = Field(None, description="Where the band comes from.")

    def holds(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def text(self) -> str:
        """``'0–1000'``, ``'≤ 1000'``, ``'≥ 5'``."""
        if self.min is not None and self.max is not None:
            return f"{self.min:g}–{self.max:g}"
        return f"≤ {self.max:g}" if self.max is not None else f"≥ {self.min:g}"


class Measure(_Strict):
    """One measured value (one data column) and its thresholds."""

    column: str = Field(
        pattern=_KEY,
        description="The data column (CSV header) holding the "
        "value; unique in the set. Identifies the measure in a set that "
        "extends this one.",
    )
    name: Text | None = Field(None, description="Needed when an indicator has several measures.")
    kind: Kind = Field(
        description="pct: percentage 0–100; bool: a yes/no judgement (Đạt); "
        "count: whole number ≥ 0; money: million VND per person per year."
    )
    op: Op = Field(
        description="How the value is compared with the threshold: '>=' for a "
        "minimum, '<=' for a maximum, '==' for a yes/no judgement."
    )
    unit: str | None = Field(None, description="Unit shown with values (default from kind).")
    plausible: Plausible | None = Field(
        None,
        description="For money and counts: the band of possible values, {min, max, "
        "source}; a value outside it is warned about (W120), never judged otherwise.",
    )
    aliases: list[str] = Field(
        [],
        description="Column headers people write for this measure "
        "(Vietnamese first: the first one is the header of data-entry "
        "templates). Matched ignoring case, accents and spacing.",
    )
    thresholds: dict[str, Threshold] = Field(
        description="Keyed by region, 'national' (for information) or 'default' (every "
        "region without its own key)."
    )
    confirmation: dict[str, Confirmation] = Field(
        {},
        description="Per thresholds key (or 'default'): C2 = two or more published "
        "sources, C1 = one, unverified = none (shown as such in every output).",
    )
    note: str | None = None
    note_vi: str | None = Field(None, description="The note in Vietnamese.")
    reason: str | None = Field(
        None,
        description="In a set that extends another: why this "
        "measure's thresholds are looser than the parent's (required "
        "to loosen them).",
    )

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

    def lacks_year(self, region: str | None, year: int | None) -> bool:
        """Whether the threshold of ``region`` is year-keyed and has no value for ``year``
        (a year before its first key): the set says nothing for that year."""
        entry = self.threshold_entry(region) if region is not None else None
        if entry is None or not isinstance(entry[1], dict) or year is None:
            return False
        return in_force(entry[1], year) is None

    def verified(self, key: str) -> bool:
        """Whether the threshold value under ``key`` is confirmed by a published source."""
        return self.confirmation_of(key) != UNVERIFIED

    def confirmation_of(self, key: str) -> str:
        return self.confirmation.get(key, self.confirmation.get(DEFAULT, UNVERIFIED))


class Indicator(_Strict):
    """An indicator (chỉ tiêu): met when each of its measures meets its threshold."""

    id: str = Field(
        pattern=r"^\d+(\.\d+)?$",
        description="'14.3', or '5' for a criterion "
        "with a single indicator; starts with its criterion's id.",
    )
    name: Text
    sector: str | None = Field(None, description="Responsible sector, when not the criterion's.")
    legal_basis: str | None = None
    legal_basis_vi: str | None = Field(None, description="The legal basis in Vietnamese.")
    note: str | None = None
    note_vi: str | None = Field(None, description="The note in Vietnamese.")
    measures: list[Measure] = Field(min_length=1)


class Criterion(_Strict):
    """A criterion (tiêu chí): met when every one of its indicators is met."""

    id: str = Field(pattern=r"^\d+$", description="'1' to '19' in the national set.")
    group: str = Field(description="Id of a group declared under 'groups'.")
    name: Text
    sector: str = Field(description="Key of the responsible sector, declared under 'sectors'.")
    legal_basis: str | None = None
    legal_basis_vi: str | None = Field(None, description="The legal basis in Vietnamese.")
    note: str | None = None
    note_vi: str | None = Field(None, description="The note in Vietnamese.")
    indicators: list[Indicator] = Field(min_length=1)


class IdentityColumn(_Strict):
    """How an identity column (commune_code, …) is named in headers and templates."""

    name: Text | None = None
    aliases: list[str] = []


IdentityKey = Literal["commune_code", "commune_name", "district", "province", "region", "year"]


class ClassDimension(_Strict):
    """What a set's thresholds are keyed by when not the 7 regions: a class of commune
    (the commune group of the 2026–2030 set), the data column holding it, its values."""

    column: str = Field(
        pattern=_KEY, description="The data column holding the class, e.g. commune_group."
    )
    name: Text = Field(
        description="The class in words (the column's header in templates: name.vi)."
    )
    aliases: list[str] = Field(
        [], description="Headers people write for the column (Vietnamese first)."
    )
    values: dict[str, Text] = Field(
        min_length=1,
        description="The class values thresholds are keyed by (the key, its Vietnamese or its "
        "English name is accepted in the data).",
    )


class Reassign(_Strict):
    """Rows with a yes/no flag are judged with another class's thresholds (Decision
    318/QĐ-TTg: extremely disadvantaged and safe-zone communes take the northern-mountain
    thresholds whatever their region)."""

    flag: str = Field(
        pattern=_KEY, description="The data column of the yes/no flag (Đạt/Có = yes)."
    )
    name: Text = Field(description="What the flag says, e.g. Xã đặc biệt khó khăn.")
    aliases: list[str] = Field([], description="Headers people write for the flag column.")
    to: str = Field(description="The class (region) whose thresholds a flagged row is judged with.")
    legal_basis: str | None = None


class BandSpec(_Strict):
    """A band of the summary: communes with between min and max criteria met."""

    label: str = Field(description="As shown, e.g. '19/19', '15–18', 'under 5'.")
    min: int = Field(ge=0, description="Fewest criteria met in the band.")
    max: int = Field(ge=0, description="Most criteria met in the band.")


class Group(_Strict):
    """A group of criteria (I Planning … V Political system)."""

    id: str
    name: Text


class RuleSet(_Strict):
    """A complete criteria set: what a commune must reach, region by region."""

    schema_version: Literal[1] = Field(description="Version of this file format.")
    id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9._-]*$",
        description="Short stable name, e.g. "
        "national-2016-2020; a shipped set's file is named after it.",
    )
    extends: str | None = Field(
        None,
        description="The set this one builds on: a shipped "
        "set's id or a path relative to this file. Then only the "
        "changes are given: criteria and indicators matched by id, "
        "measures by column.",
    )
    title: Text
    legal_basis: str = Field(description="The decision that issues the set.")
    legal_basis_vi: str | None = Field(
        None, description="The legal basis in Vietnamese, as the decision is cited."
    )
    period: Period | None = None
    identity: dict[IdentityKey, IdentityColumn] = Field(
        {}, description="Names and header aliases of the identity columns (commune_code, …)."
    )
    regions: dict[str, Text] | None = Field(
        None,
        min_length=1,
        description="Region keys used by thresholds and in the data's region column (a set "
        "keyed by another class declares 'classes' instead).",
    )
    classes: ClassDimension | None = Field(
        None,
        description="What the thresholds are keyed by when not the regions: the class column "
        "(e.g. commune_group), its name, header aliases and values.",
    )
    reassign: list[Reassign] = Field(
        [],
        description="Rows whose yes/no flag column says yes are judged with another class's "
        "thresholds (the first flag that applies wins).",
    )
    districts: bool = Field(
        True,
        description="Whether communes belong to districts (false for a set from 2026 on: "
        "the data then has no district column).",
    )
    bands: list[BandSpec] | None = Field(
        None,
        description="The bands of the summary by criteria met, best first; without them, "
        "'N/N' and 'under N'.",
    )
    sectors: dict[str, Text] = Field(
        min_length=1, description="Responsible sectors (provincial departments) by key."
    )
    groups: list[Group] = Field(min_length=1)
    criteria: list[Criterion] = Field(min_length=1)

    @property
    def class_column(self) -> str:
        """The data column holding the class the thresholds are keyed by."""
        return self.classes.column if self.classes else REGION

    @property
    def class_values(self) -> dict[str, Text]:
        """The classes thresholds are keyed by (regions, commune groups…)."""
        if self.classes is not None:
            return self.classes.values
        return self.regions or {}

    @property
    def class_name(self) -> Text:
        """The class in words, lower case: 'region', 'commune group'."""
        if self.classes is None:
            return Text(vi="vùng", en="region")
        return Text(vi=self.classes.name.vi.lower(), en=self.classes.name.en.lower())

    @property
    def identity_columns(self) -> tuple[str, ...]:
        """The identity columns of this set's data, in order: code, name, district (when
        the set has districts), province, the class column, year, then reassignment flags."""
        return (
            "commune_code",
            "commune_name",
            *(("district",) if self.districts else ()),
            "province",
            self.class_column,
            "year",
            *(r.flag for r in self.reassign),
        )

    def band_specs(self) -> tuple[tuple[str, int, int], ...]:
        """The summary's bands as (label, min, max): the set's own, else all met and the rest."""
        if self.bands is not None:
            return tuple((b.label, b.min, b.max) for b in self.bands)
        n = len(self.criteria)
        return ((f"{n}/{n}", n, n), (f"under {n}", 0, n - 1))

    def judging_class(
        self, cls: str | None, flags: dict[str, Any]
    ) -> tuple[str | None, str | None]:
        """The class whose thresholds judge a row of class ``cls`` with these flag values,
        and the flag that moved it (None when none did)."""
        for r in self.reassign:
            if flags.get(r.flag) is True:
                return r.to, r.flag
        return cls, None

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

    def legal_basis_in(self, lang: str) -> str:
        """The legal basis in ``lang`` (English when no Vietnamese one is given)."""
        return self.legal_basis_vi if lang == "vi" and self.legal_basis_vi else self.legal_basis

    def measure_names(self) -> dict[str, Text]:
        """What each measure is called for people, by column key (``measure_name``): every
        table shows this, never the column key."""
        return {m.column: measure_name(c, i, m) for c, i, m in self.measures()}

    def header_names(self) -> dict[str, list[str]]:
        """Every name declared for a column's header: its key, its aliases and its own name.

        The header matcher also accepts an indicator's name for a measure that is alone in
        its indicator (``indicator_names``), unless two columns would share it.
        """
        names: dict[str, list[str]] = {}
        for key in self.identity_columns:
            ident = self.identity.get(key)  # type: ignore[call-overload]
            own = [ident.name.vi, ident.name.en] if ident and ident.name else []
            names[key] = [key, *(ident.aliases if ident else []), *own]
        if self.classes is not None:
            c = self.classes
            names[c.column] = [c.column, *c.aliases, c.name.vi, c.name.en]
        for r in self.reassign:
            names[r.flag] = [r.flag, *r.aliases, r.name.vi, r.name.en]
        for _, _, m in self.measures():
            own = [m.name.vi, m.name.en] if m.name else []
            names[m.column] = [m.column, *m.aliases, *own]
        return names

    def indicator_names(self) -> dict[str, list[str]]:
        """Column → the names of its indicator, for measures alone in their indicator."""
        return {
            ind.measures[0].column: [ind.name.vi, ind.name.en]
            for crit in self.criteria
            for ind in crit.indicators
            if len(ind.measures) == 1
        }


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


def measure_name(criterion: Criterion, indicator: Indicator, measure: Measure) -> Text:
    """A measure's name for people: its own (one of several measures, as in 17.1), else
    its criterion's when that has one indicator, else its indicator's."""
    if measure.name is not None:
        return Text(
            vi=measure.name.vi[:1].upper() + measure.name.vi[1:],
            en=measure.name.en[:1].upper() + measure.name.en[1:],
        )
    if len(criterion.indicators) == 1:
        return criterion.name
    return indicator.name


def said(thing: Any, key: str, lang: str) -> str | None:
    """``thing``'s ``key`` (``legal_basis``, ``note``) in ``lang``: its ``key_vi`` in
    Vietnamese when the rule file gives one, else the English text."""
    if lang == "vi":
        vi = getattr(thing, key + "_vi", None)
        if vi:
            return vi
    return getattr(thing, key)
