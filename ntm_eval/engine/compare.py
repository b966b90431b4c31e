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
from ntm_eval.rules.loader import pydantic_vi
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
class Held:
    """An old unit (before 1 July 2025) a new one holds, whole or in part."""

    code: str
    name: str
    district: str
    note: str  # the conversion's note: Nhập toàn bộ, Nhập một phần, …
    part: bool  # only a part of the old unit went into the new one: never summed as whole
    old_status: str | None  # its status in OLD; None when OLD has no row of it
    old_met: int = 0
    total: int = 0


@dataclass(frozen=True, slots=True)
class NewUnit:
    """A unit after the reorganisation of 1 July 2025, with the old units it holds."""

    code: str
    name: str
    province: str
    type: str  # xa; phuong or dac_khu: out of the new-rural programme
    new_status: str | None  # its status in NEW; None when NEW has no row of it
    new_met: int
    total: int
    held: tuple[Held, ...]  # the old units of OLD first, then the others

    @property
    def rural(self) -> bool:
        return self.type == "xa"


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
    #: OLD before and NEW after 1 July 2025: every new unit holding a commune of OLD or
    #: judged in NEW, by code (from the official conversion); () otherwise.
    reorganised: tuple[NewUnit, ...] = ()
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
                message_vi=f"{len(codes)} xã có dòng của nhiều năm ({shown}); mỗi xã chỉ so "
                "sánh năm gần nhất",
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


#: The first assessment year after the reorganisation of 1 July 2025 (``units``).
REORGANISED_YEAR = 2025


def straddles(old: Side, new: Side) -> bool:
    """Whether OLD is before the reorganisation of 1 July 2025 and NEW after it: codes of
    the two then name different units, and are matched through the conversion."""
    old_years = [c.year for c in old.communes if c.year is not None]
    new_years = [c.year for c in new.communes if c.year is not None]
    return bool(old_years and new_years) and (max(old_years) < REORGANISED_YEAR <= min(new_years))


def _across(
    olds: dict[str, CommuneResult], news: dict[str, CommuneResult], after: Any
) -> tuple[tuple[NewUnit, ...], dict[str, str]]:
    """The new units holding a commune of ``olds`` or judged in ``news``, each with the old
    units it holds (``after``: the list after the reorganisation, with its conversion);
    and the old communes matched one to one (new code → old code: the new unit is the
    old one whole and nothing else), the only ones compared criterion by criterion."""
    holds: dict[str, list[tuple[str, Any]]] = {}  # new code → (old code, successor)
    for old_code, successors in after.successors.items():
        for s in successors:
            holds.setdefault(s.code, []).append((old_code, s))
    wanted = {s.code for code in olds for s in after.successors.get(code, ())} | set(news)
    units, one_to_one = [], {}
    for code in sorted(wanted):
        unit = after.units.get(code)
        pairs = holds.get(code, [])
        if unit is None and not pairs:
            continue  # a code of NEW the list does not know: only_new says so
        held = []
        for old_code, s in pairs:
            a = olds.get(old_code)
            former = after.before(old_code)  # as the last list before 1 July 2025 names it
            name = a.name if a else (former.name if former else old_code)
            district = a.district if a else (former.district if former else "")
            held.append(
                Held(
                    old_code,
                    name,
                    district,
                    s.note,
                    s.part,
                    a.status if a else None,
                    a.criteria_met if a else 0,
                    a.criteria_total if a else 0,
                )
            )
        held.sort(key=lambda h: (h.old_status is None, h.code))
        b = news.get(code)
        named: Any = unit if unit is not None else pairs[0][1]
        units.append(
            NewUnit(
                code,
                named.name,
                named.province,
                unit.type if unit else "xa",
                b.status if b else None,
                b.criteria_met if b else 0,
                b.criteria_total if b else 0,
                tuple(held),
            )
        )
        if (
            b is not None
            and len(pairs) == 1
            and not pairs[0][1].part
            and len(after.successors[pairs[0][0]]) == 1
            and pairs[0][0] in olds
        ):
            one_to_one[code] = pairs[0][0]
    return tuple(units), one_to_one


def compare(
    old: Side, new: Side, names: dict[str, Text] | None = None, after: Any = None
) -> tuple[Comparison, list[Problem]]:
    """What changed from ``old`` to ``new``, commune by commune (matched on the commune
    code), criterion by criterion and indicator by indicator. Also returns warnings about
    the match (U021 several years for a commune, U022 different rule sets or criteria).
    ``names``: each measure's name by column (``RuleSet.measure_names``), for tables.

    With ``after`` (the unit list after 1 July 2025, with its conversion; given when the
    sides ``straddles``), codes are never matched as they are: each new unit is shown
    with the old units it holds (``Comparison.reorganised``), and only a new unit that is
    one old unit whole is compared criterion by criterion."""
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
                message_vi=f"được đánh giá theo bộ tiêu chí '{new.ruleset_id}', còn {old.path} "
                f"theo '{old.ruleset_id}'",
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
                message_vi="hai bên không đánh giá cùng các tiêu chí; chỉ so sánh "
                f"{len(ids)} tiêu chí có ở cả hai bên",
            )
        )
    reorganised: tuple[NewUnit, ...] = ()
    if after is not None:
        reorganised, pairs = _across(olds, news, after)
        held = {h.code for u in reorganised for h in u.held}
        only_old = tuple(sorted(c for c in olds if c not in held))
        only_new = tuple(
            sorted(c for c in news if not any(u.code == c and u.held for u in reorganised))
        )
    else:
        pairs = {code: code for code in set(olds) & set(news)}
        only_old = tuple(sorted(set(olds) - set(news)))
        only_new = tuple(sorted(set(news) - set(olds)))
    both = sorted(pairs)
    changes = []
    for code in both:
        change = _commune_change(olds[pairs[code]], news[code], ids)
        if change is not None:
            changes.append(change)
    return Comparison(
        old=old,
        new=new,
        both=len(both),
        old_met=sum(olds[pairs[c]].status == MET for c in both),
        new_met=sum(news[c].status == MET for c in both),
        communes=tuple(changes),
        only_old=only_old,
        only_new=only_new,
        reorganised=reorganised,
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
    """A number in a result that no check writes (raised while the JSON is parsed); its
    arguments: why, in English and in Vietnamese."""


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_LENGTH:
        raise _Refused(
            f"a number of {len(text):,} digits; a check result has none so long",
            f"một số có {len(text):,} chữ số; kết quả của lệnh check không có số nào dài như vậy",
        )
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_LENGTH:
        raise _Refused(
            f"a number of {len(text):,} characters; a check result has none so long",
            f"một số dài {len(text):,} ký tự; kết quả của lệnh check không có số nào dài như vậy",
        )
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(
            f"the number {text} is beyond what a check result holds",
            f"số {text} vượt quá mức một kết quả của lệnh check có thể chứa",
        )
    return value


def _constant(name: str) -> Any:
    raise _Refused(
        f"{name} is not a number a check result holds (JSON has no {name})",
        f"{name} không phải số mà kết quả của lệnh check chứa (JSON không có {name})",
    )


#: The json module's words, in Vietnamese (another is shown quoted).
_JSON_VI = {
    "Expecting value": "cần một giá trị",
    "Expecting ',' delimiter": "cần dấu phẩy ','",
    "Expecting ':' delimiter": "cần dấu hai chấm ':'",
    "Expecting property name enclosed in double quotes": "cần tên thuộc tính trong dấu ngoặc kép",
    "Extra data": "có dữ liệu thừa sau tài liệu JSON",
    "Unterminated string starting at": "chuỗi chưa được đóng",
    "Invalid control character at": "ký tự điều khiển không hợp lệ",
    "Invalid \\escape": "chuỗi thoát (escape) không hợp lệ",
}

#: Not a result, in Vietnamese: the start of the sentence.
_NOT_A_RESULT_VI = "không phải kết quả của 'ntm-eval check --format json'"


def _read_json(path: Path, shown: str) -> Any:
    """The JSON document in ``path``, within the bounds above (``_Refused`` when not) and
    the size bound of compared files (``files.COMPARED``)."""
    raw = files.read_bytes(path, shown, files.COMPARED)
    return json.loads(
        raw.decode("utf-8-sig"), parse_int=_int, parse_float=_float, parse_constant=_constant
    )


def load_result(path: Path, shown: str) -> Side:
    """Read the JSON result of ``ntm-eval check --format json``."""

    def fail(message: str, message_vi: str) -> InputError:
        return InputError([Problem("U020", message, shown, message_vi=message_vi)])

    try:
        doc = _read_json(path, shown)
    except UnicodeDecodeError as exc:
        raise fail(
            f"cannot read the file: {exc}",
            f"không đọc được tệp: không phải văn bản UTF-8 (byte 0x{exc.object[exc.start]:02x} "
            f"ở vị trí {exc.start})",
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            [
                Problem(
                    "U020",
                    f"not valid JSON: {exc.msg}",
                    shown,
                    exc.lineno,
                    exc.colno,
                    message_vi="không đúng cú pháp JSON: " + _JSON_VI.get(exc.msg, f"'{exc.msg}'"),
                )
            ]
        ) from None
    except _Refused as exc:
        raise fail(
            f"not a result of 'ntm-eval check --format json': {exc.args[0]}",
            f"{_NOT_A_RESULT_VI}: {exc.args[1]}",
        ) from None
    except RecursionError:  # the parser's own guard, some hundreds of levels down
        raise fail(
            "not a result of 'ntm-eval check --format json': nested too deeply "
            "(a result nests a few levels)",
            f"{_NOT_A_RESULT_VI}: lồng quá sâu (một kết quả chỉ lồng vài cấp)",
        ) from None
    try:
        result = _Result.model_validate(doc)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise fail(
            f"not a result of 'ntm-eval check --format json' ({where}: {err['msg']})",
            f"{_NOT_A_RESULT_VI} ({where}: {pydantic_vi(err)})",
        ) from None
    if result.schema_version != 1:
        raise fail(
            f"result schema_version {result.schema_version} is not supported (1 is)",
            f"không hỗ trợ schema_version {result.schema_version} của kết quả (chỉ hỗ trợ 1)",
        )
    if result.ruleset is None:
        raise fail(
            "this result is from a check that could not evaluate anything (its 'errors' say why)",
            "kết quả này của một lần check không đánh giá được gì (mục 'errors' của nó cho biết "
            "lý do)",
        )
    for c in result.communes:
        for k in c.criteria:
            bad = {k.status, *(i.status for i in k.indicators)} - set(STATUSES)
            if bad:
                raise fail(
                    f"commune {c.code}, criterion {k.id}: unknown status '{sorted(bad)[0]}'",
                    f"xã {c.code}, tiêu chí {k.id}: kết quả '{sorted(bad)[0]}' không hợp lệ",
                )
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
