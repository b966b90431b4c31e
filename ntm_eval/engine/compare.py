"""Comparison of two judgements of the same communes: two years, or a commune's
self-assessment and the province's appraisal.

Each side is commune data (judged here) or the JSON result of ``check --format json``.
``compare`` is pure: two sides in, a ``Comparison`` out.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

from pydantic import BaseModel, ConfigDict, ValidationError

from ntm_eval.diagnostics import InputError, Problem
from ntm_eval.engine.results import MET, STATUSES, CommuneResult, CriterionResult, IndicatorResult
from ntm_eval.input import files
from ntm_eval.rules.model import RuleSet, Text

GAINED, LOST, CHANGED = "gained", "lost", "changed"


@dataclass(frozen=True, slots=True)
class Side:
    """One of the two things compared: where it came from and its judged communes."""

    path: str
    ruleset_id: str
    communes: tuple[CommuneResult, ...]
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class IndicatorChange:
    criterion: str
    indicator: str
    column: str
    kind: str
    unit: str | None
    op: str
    old_value: Any
    new_value: Any
    old_threshold: Any
    new_threshold: Any
    old_status: str
    new_status: str

    @property
    def status_changed(self) -> bool:
        return self.old_status != self.new_status


@dataclass(frozen=True, slots=True)
class CriterionChange:
    id: str
    name: Text
    old_status: str
    new_status: str
    indicators: tuple[IndicatorChange, ...]  # the indicators whose status changed

    @property
    def change(self) -> str:
        if self.old_status == MET:
            return LOST
        return GAINED if self.new_status == MET else CHANGED


@dataclass(frozen=True, slots=True)
class CommuneChange:
    code: str
    name: str
    district: str
    old_year: int | None
    new_year: int | None
    old_status: str
    new_status: str
    old_met: int
    new_met: int
    total: int
    criteria: tuple[CriterionChange, ...]  # criteria whose status changed
    values: tuple[IndicatorChange, ...]  # every indicator whose value or status changed

    @property
    def standard(self) -> str | None:
        """'gained' or 'lost' when the commune's standard changed, else None."""
        if self.old_status == self.new_status or MET not in (self.old_status, self.new_status):
            return None
        return GAINED if self.new_status == MET else LOST

    @property
    def value_only(self) -> tuple[IndicatorChange, ...]:
        return tuple(v for v in self.values if not v.status_changed)


@dataclass(frozen=True, slots=True)
class Comparison:
    old: Side
    new: Side
    both: int  # communes on both sides
    old_met: int  # of those, how many met the standard before, and now
    new_met: int
    communes: tuple[CommuneChange, ...]  # communes with any change, by code
    only_old: tuple[str, ...]
    only_new: tuple[str, ...]
    #: each measure's name by column key (``RuleSet.measure_names``): what tables show
    names: dict[str, Text] = field(default_factory=dict)

    def name_of(self, column: str, lang: str) -> str:
        """What the measure of ``column`` is called in ``lang`` (its key when unknown)."""
        name = self.names.get(column)
        return name.get(lang) if name is not None else column

    @property
    def gained(self) -> tuple[CommuneChange, ...]:
        return tuple(c for c in self.communes if c.standard == GAINED)

    @property
    def lost(self) -> tuple[CommuneChange, ...]:
        return tuple(c for c in self.communes if c.standard == LOST)

    @property
    def maintaining(self) -> tuple[CommuneChange, ...]:
        """Communes that met the standard in OLD and now fail something (or cannot be
        judged on something): the list a province must act on to keep its count."""
        return tuple(c for c in self.communes if c.old_status == MET and c.new_status != MET)

    @property
    def changed(self) -> tuple[CommuneChange, ...]:
        """Communes where at least one criterion changed status."""
        return tuple(c for c in self.communes if c.criteria)

    @property
    def value_only(self) -> int:
        return sum(len(c.value_only) for c in self.communes)


def _latest(side: Side) -> tuple[dict[str, CommuneResult], list[Problem]]:
    by_code: dict[str, CommuneResult] = {}
    repeated = set()
    for c in side.communes:
        if c.code in by_code:
            repeated.add(c.code)
            if (c.year or 0) < (by_code[c.code].year or 0):
                continue
        by_code[c.code] = c
    problems = []
    if repeated:
        codes = sorted(repeated)
        shown = ", ".join(codes[:5]) + (", …" if len(codes) > 5 else "")
        problems.append(
            Problem(
                "U021",
                f"{len(codes)} commune(s) have rows for several years "
                f"({shown}); the latest year of each is compared",
                side.path,
                severity="warning",
            )
        )
    return by_code, problems


def _indicator_changes(
    crit: str, old: CriterionResult, new: CriterionResult
) -> list[IndicatorChange]:
    new_by_column = {r.column: r for r in new.indicators}
    out = []
    for a in old.indicators:
        b = new_by_column.get(a.column)
        if b is None or (a.value == b.value and a.status == b.status):
            continue
        out.append(
            IndicatorChange(
                crit,
                a.id,
                a.column,
                a.kind,
                a.unit,
                a.op,
                a.value,
                b.value,
                a.threshold,
                b.threshold,
                a.status,
                b.status,
            )
        )
    return out


def _commune_change(a: CommuneResult, b: CommuneResult, ids: list[str]) -> CommuneChange | None:
    old_by_id = {c.id: c for c in a.criteria}
    new_by_id = {c.id: c for c in b.criteria}
    criteria, values = [], []
    for cid in ids:
        ca, cb = old_by_id[cid], new_by_id[cid]
        changes = _indicator_changes(cid, ca, cb)
        values += changes
        if ca.status != cb.status:
            criteria.append(
                CriterionChange(
                    cid,
                    cb.name,
                    ca.status,
                    cb.status,
                    tuple(c for c in changes if c.status_changed),
                )
            )
    if not values and not criteria and a.status == b.status:
        return None
    return CommuneChange(
        code=b.code,
        name=b.name or a.name,
        district=b.district or a.district,
        old_year=a.year,
        new_year=b.year,
        old_status=a.status,
        new_status=b.status,
        old_met=a.criteria_met,
        new_met=b.criteria_met,
        total=b.criteria_total,
        criteria=tuple(criteria),
        values=tuple(values),
    )


def compare(
    old: Side, new: Side, names: dict[str, Text] | None = None
) -> tuple[Comparison, list[Problem]]:
    """What changed from ``old`` to ``new``, commune by commune (matched on the commune
    code), criterion by criterion and indicator by indicator. Also returns warnings about
    the match (U021 several years for a commune, U022 different rule sets or criteria).
    ``names``: each measure's name by column (``RuleSet.measure_names``), for tables."""
    olds, problems = _latest(old)
    news, more = _latest(new)
    problems += more
    if old.ruleset_id != new.ruleset_id:
        problems.append(
            Problem(
                "U022",
                f"judged with rule set '{new.ruleset_id}', but {old.path} with '{old.ruleset_id}'",
                new.path,
                severity="warning",
            )
        )
    order = [c.id for c in (next(iter(olds.values())).criteria if olds else ())]
    new_ids = {c.id for c in (next(iter(news.values())).criteria if news else ())}
    ids = [i for i in order if i in new_ids]
    if olds and news and (len(ids) != len(order) or len(ids) != len(new_ids)):
        problems.append(
            Problem(
                "U022",
                "the two sides do not judge the same criteria; only "
                f"the {len(ids)} criteria on both sides are compared",
                new.path,
                severity="warning",
            )
        )
    both = sorted(set(olds) & set(news))
    changes = []
    for code in both:
        change = _commune_change(olds[code], news[code], ids)
        if change is not None:
            changes.append(change)
    return Comparison(
        old=old,
        new=new,
        both=len(both),
        old_met=sum(olds[c].status == MET for c in both),
        new_met=sum(news[c].status == MET for c in both),
        communes=tuple(changes),
        only_old=tuple(sorted(set(olds) - set(news))),
        only_new=tuple(sorted(set(news) - set(olds))),
        names=names or {},
    ), problems


# --- reading a side -----------------------------------------------------------------------

# Models of the check JSON result, as far as comparing needs it. Unknown keys are ignored
# here on purpose: a result written by a newer ntm-eval with extra keys still compares.


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Indicator(_Model):
    id: str
    column: str
    kind: str = "pct"
    value: Union[bool, float, None]
    op: str
    threshold: Union[bool, float, None]
    threshold_from: Optional[int] = None
    unit: Optional[str]
    status: str
    gap: Optional[float]
    verified: Optional[bool]
    reason: Optional[str] = None


class _Criterion(_Model):
    id: str
    name: str
    name_vi: Optional[str] = None
    sector: str = ""
    status: str
    indicators: list[_Indicator]
    part_of: Optional[str] = None


class _Commune(_Model):
    code: str
    name: str
    district: str
    province: str
    region: Optional[str]
    year: Optional[int]
    line: int
    status: str
    criteria_met: int
    criteria_total: int
    criteria: list[_Criterion]


class _RuleSetRef(_Model):
    id: str


class _Result(_Model):
    schema_version: int
    ruleset: Optional[_RuleSetRef]
    communes: list[_Commune]


def _number(x: Any) -> Any:
    # JSON has one number type; keep 80 an int, as the evaluator would have.
    return int(x) if isinstance(x, float) and x == int(x) else x


def _from_json(doc: _Result) -> tuple[CommuneResult, ...]:
    communes = []
    for c in doc.communes:
        criteria = tuple(
            CriterionResult(
                id=k.id,
                name=Text(vi=k.name_vi or k.name, en=k.name),
                sector=k.sector,
                status=k.status,
                part_of=k.part_of,
                indicators=tuple(
                    IndicatorResult(
                        id=i.id,
                        column=i.column,
                        kind=i.kind,
                        value=_number(i.value),
                        op=i.op,
                        threshold=_number(i.threshold),
                        threshold_from=i.threshold_from,
                        unit=i.unit,
                        status=i.status,
                        gap=i.gap,
                        verified=i.verified,
                        reason=i.reason,
                    )
                    for i in k.indicators
                ),
            )
            for k in c.criteria
        )
        communes.append(
            CommuneResult(
                code=c.code,
                name=c.name,
                district=c.district,
                province=c.province,
                region=c.region,
                year=c.year,
                line=c.line,
                status=c.status,
                criteria_met=c.criteria_met,
                criteria_total=c.criteria_total,
                criteria=criteria,
            )
        )
    return tuple(communes)


def looks_like_json(path: Path) -> bool:
    """Whether ``path`` holds a JSON document (its first non-blank character is '{')."""
    try:
        with path.open("rb") as f:
            head = f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head.startswith(b"{")


#: Bounds of a check result read back (a national check, about 10,000 communes, is near
#: 130 MB; a number in it has a few digits): what is beyond is not a result, and is
#: refused before it takes the memory, or the interpreter's limits, of the run.
MAX_NUMBER_LENGTH = 32


class _Refused(ValueError):
    """A number in a result that no check writes (raised while the JSON is parsed)."""


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_LENGTH:
        raise _Refused(f"a number of {len(text):,} digits; a check result has none so long")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_LENGTH:
        raise _Refused(f"a number of {len(text):,} characters; a check result has none so long")
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text} is beyond what a check result holds")
    return value


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not a number a check result holds (JSON has no {name})")


def _read_json(path: Path, shown: str) -> Any:
    """The JSON document in ``path``, within the bounds above (``_Refused`` when not) and
    the size bound of compared files (``files.COMPARED``)."""
    raw = files.read_bytes(path, shown, files.COMPARED)
    return json.loads(
        raw.decode("utf-8-sig"), parse_int=_int, parse_float=_float, parse_constant=_constant
    )


def load_result(path: Path, shown: str) -> Side:
    """Read the JSON result of ``ntm-eval check --format json``."""

    def fail(message: str) -> InputError:
        return InputError([Problem("U020", message, shown)])

    try:
        doc = _read_json(path, shown)
    except UnicodeDecodeError as exc:
        raise fail(f"cannot read the file: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            [Problem("U020", f"not valid JSON: {exc.msg}", shown, exc.lineno, exc.colno)]
        ) from None
    except _Refused as exc:
        raise fail(f"not a result of 'ntm-eval check --format json': {exc}") from None
    except RecursionError:  # the parser's own guard, some hundreds of levels down
        raise fail(
            "not a result of 'ntm-eval check --format json': nested too deeply "
            "(a result nests a few levels)"
        ) from None
    try:
        result = _Result.model_validate(doc)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise fail(
            f"not a result of 'ntm-eval check --format json' ({where}: {err['msg']})"
        ) from None
    if result.schema_version != 1:
        raise fail(f"result schema_version {result.schema_version} is not supported (1 is)")
    if result.ruleset is None:
        raise fail(
            "this result is from a check that could not evaluate anything (its 'errors' say why)"
        )
    for c in result.communes:
        for k in c.criteria:
            bad = {k.status, *(i.status for i in k.indicators)} - set(STATUSES)
            if bad:
                raise fail(f"commune {c.code}, criterion {k.id}: unknown status '{sorted(bad)[0]}'")
    return Side(shown, result.ruleset.id, _from_json(result))


def load_side(path: Path, ruleset: RuleSet, shown: str, units: Any = None) -> Side:
    """A compared side: a JSON result as it is, or commune data judged with ``ruleset``
    (and checked against the unit list ``units``) as ``check`` judges it. A pipe is read
    once (``files.readable``), then looked at and judged; a file that cannot be read is
    refused as a result (U020) when named ``.json``, else as data (D001)."""
    json_named = path.suffix.lower() == ".json"
    usable = files.readable(path, shown, files.COMPARED if json_named else files.DATA)
    if json_named or looks_like_json(usable):
        return load_result(usable, shown)
    from ntm_eval.engine.pipeline import judge
    from ntm_eval.input.source import Source

    report = judge(Source(usable, shown), ruleset, units)
    return Side(shown, ruleset.id, report.communes, report.problems)
