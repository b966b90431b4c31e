"""What types cannot say about a rule set: ids, references, kinds, ranges, coverage,
aliases, and what a set that extends another may change."""

from __future__ import annotations

import math
from typing import Any

from ntm_eval.diagnostics import Problem
from ntm_eval.rules.model import DEFAULT, NATIONAL, Measure, RuleSet, in_force
from ntm_eval.rules.yaml_source import PathKey, Positions


def problem_at(
    code: str,
    message: str,
    positions: Positions,
    loc: PathKey,
    path: str,
    key: bool = False,
    message_vi: str | None = None,
) -> Problem:
    """A problem located at ``loc`` (its key when ``key``), in whichever file it came from;
    ``path`` is the fallback when nothing in the tree has a position."""
    where = positions.find(loc, prefer_key=key)
    if where is None:
        return Problem(code, message, path, message_vi=message_vi)
    return Problem(code, message, where.path, where.line, where.col, message_vi=message_vi)


def check_meaning(rs: RuleSet, positions: Positions, path: str) -> list[Problem]:
    """Checks that types cannot express: ids, references, kinds, ranges, coverage."""
    problems: list[Problem] = []

    def add(code: str, loc: PathKey, message: str, vi: str, key: bool = False) -> None:
        problems.append(problem_at(code, message, positions, loc, path, key, vi))

    group_ids: set[str] = set()
    for gi, group in enumerate(rs.groups):
        if group.id in group_ids:
            add(
                "R020",
                ("groups", gi, "id"),
                f"group id '{group.id}' is used twice",
                f"mã nhóm '{group.id}' được dùng hai lần",
            )
        group_ids.add(group.id)
    if rs.period and rs.period.from_ > rs.period.to:
        add(
            "R034",
            ("period", "to"),
            f"the period ends ({rs.period.to}) before it starts ({rs.period.from_})",
            f"giai đoạn kết thúc ({rs.period.to}) trước khi bắt đầu ({rs.period.from_})",
        )
    seen_criteria: dict[str, int] = {}
    seen_indicators: dict[str, tuple] = {}
    _check_classes(rs, add)
    seen_columns: dict[str, str] = dict.fromkeys(rs.identity_columns, "an identity column")
    seen_vi: dict[str, str] = dict.fromkeys(rs.identity_columns, "một cột định danh")
    for ci, crit in enumerate(rs.criteria):
        cloc: PathKey = ("criteria", ci)
        if crit.id in seen_criteria:
            add(
                "R020",
                cloc + ("id",),
                f"criterion id '{crit.id}' is used twice",
                f"mã tiêu chí '{crit.id}' được dùng hai lần",
            )
        seen_criteria[crit.id] = ci
        if crit.group not in group_ids:
            add(
                "R021",
                cloc + ("group",),
                f"criterion {crit.id}: group '{crit.group}' is not "
                f"declared under 'groups' (declared: {', '.join(sorted(group_ids))})",
                f"tiêu chí {crit.id}: nhóm '{crit.group}' chưa được khai báo trong 'groups' "
                f"(đã khai báo: {', '.join(sorted(group_ids))})",
            )
        if crit.sector not in rs.sectors:
            add(
                "R021",
                cloc + ("sector",),
                f"criterion {crit.id}: sector '{crit.sector}' is not declared under 'sectors'",
                f"tiêu chí {crit.id}: ngành '{crit.sector}' chưa được khai báo trong 'sectors'",
            )
        for ii, ind in enumerate(crit.indicators):
            iloc = cloc + ("indicators", ii)
            if ind.id != crit.id and not ind.id.startswith(crit.id + "."):
                add(
                    "R025",
                    iloc + ("id",),
                    f"indicator '{ind.id}' does not belong to criterion "
                    f"{crit.id} (its id must be '{crit.id}' or start with '{crit.id}.')",
                    f"chỉ tiêu '{ind.id}' không thuộc tiêu chí {crit.id} (mã của chỉ tiêu "
                    f"phải là '{crit.id}' hoặc bắt đầu bằng '{crit.id}.')",
                )
            if ind.id in seen_indicators:
                add(
                    "R020",
                    iloc + ("id",),
                    f"indicator id '{ind.id}' is used twice",
                    f"mã chỉ tiêu '{ind.id}' được dùng hai lần",
                )
            seen_indicators[ind.id] = iloc
            if ind.sector is not None and ind.sector not in rs.sectors:
                add(
                    "R021",
                    iloc + ("sector",),
                    f"indicator {ind.id}: sector '{ind.sector}' is not declared under 'sectors'",
                    f"chỉ tiêu {ind.id}: ngành '{ind.sector}' chưa được khai báo trong 'sectors'",
                )
            for mi, m in enumerate(ind.measures):
                mloc = iloc + ("measures", mi)
                if m.column in seen_columns:
                    add(
                        "R020",
                        mloc + ("column",),
                        f"column '{m.column}' is already used by {seen_columns[m.column]}",
                        f"cột '{m.column}' đã được dùng cho {seen_vi[m.column]}",
                    )
                else:
                    seen_columns[m.column] = f"indicator {ind.id}"
                    seen_vi[m.column] = f"chỉ tiêu {ind.id}"
                _check_measure(rs, ind.id, m, mloc, add, positions)
    _check_aliases(rs, positions, add)
    return problems


def _check_classes(rs: RuleSet, add: Any) -> None:
    """One dimension of thresholds (regions or classes); reassignments to a declared class
    from distinct flags; bands within the criteria and apart."""
    if rs.regions is None and rs.classes is None:
        add(
            "R011",
            (),
            "required key 'regions' missing: a set declares the regions its thresholds are "
            "keyed by, or 'classes' for another class (e.g. commune_group)",
            "thiếu khóa bắt buộc 'regions': bộ tiêu chí khai báo các vùng dùng làm khóa của "
            "ngưỡng, hoặc 'classes' cho cách phân loại khác (ví dụ commune_group)",
        )
    elif rs.regions is not None and rs.classes is not None:
        add(
            "R020",
            ("classes",),
            "a set keys its thresholds by 'regions' or by 'classes', not both",
            "bộ tiêu chí đặt khóa ngưỡng theo 'regions' hoặc theo 'classes', không theo cả hai",
            key=True,
        )
    if rs.classes is not None and rs.classes.column in (
        "commune_code",
        "commune_name",
        "district",
        "province",
        "year",
    ):
        add(
            "R020",
            ("classes", "column"),
            f"class column '{rs.classes.column}' is an identity column",
            f"cột phân loại '{rs.classes.column}' là một cột định danh",
        )
    flags: set[str] = set()
    word, word_vi = rs.class_name.en, rs.class_name.vi
    for i, r in enumerate(rs.reassign):
        if r.to not in rs.class_values:
            add(
                "R021",
                ("reassign", i, "to"),
                f"reassign {r.flag}: '{r.to}' is not a declared {word} "
                f"(declared: {', '.join(rs.class_values)})",
                f"reassign {r.flag}: '{r.to}' không phải {word_vi} đã khai báo "
                f"(đã khai báo: {', '.join(rs.class_values)})",
            )
        if r.flag in flags or r.flag == rs.class_column:
            add(
                "R020",
                ("reassign", i, "flag"),
                f"flag column '{r.flag}' is used twice",
                f"cột cờ '{r.flag}' được dùng hai lần",
            )
        flags.add(r.flag)
    n = len(rs.criteria)
    taken: dict[int, str] = {}
    for i, b in enumerate(rs.bands or []):
        if b.min > b.max or b.max > n:
            add(
                "R024",
                ("bands", i),
                f"band '{b.label}': {b.min}–{b.max} criteria met is not a band within "
                f"0–{n} (the set has {n} criteria)",
                f"nhóm kết quả '{b.label}': {b.min}–{b.max} tiêu chí đạt không phải khoảng "
                f"trong 0–{n} (bộ tiêu chí có {n} tiêu chí)",
            )
            continue
        clash = next((taken[k] for k in range(b.min, b.max + 1) if k in taken), None)
        if clash is not None:
            add(
                "R020",
                ("bands", i),
                f"band '{b.label}' overlaps band '{clash}'",
                f"nhóm kết quả '{b.label}' chồng lấn nhóm '{clash}'",
            )
        taken.update(dict.fromkeys(range(b.min, b.max + 1), b.label))


def _check_aliases(rs: RuleSet, positions: Positions, add: Any) -> None:
    """Two columns must never answer to the same header."""
    from ntm_eval.normalise import header_key

    owner: dict[str, str] = {header_key(key): key for key in rs.header_names()}
    declared: list[tuple[str, str, PathKey]] = []
    for key, ident in rs.identity.items():
        declared += [(key, a, ("identity", key, "aliases", i)) for i, a in enumerate(ident.aliases)]
    if rs.classes is not None:
        col = rs.classes.column
        declared += [(col, a, ("classes", "aliases", i)) for i, a in enumerate(rs.classes.aliases)]
    for ri, r in enumerate(rs.reassign):
        declared += [(r.flag, a, ("reassign", ri, "aliases", i)) for i, a in enumerate(r.aliases)]
    for ci, crit in enumerate(rs.criteria):
        for ii, ind in enumerate(crit.indicators):
            for mi, m in enumerate(ind.measures):
                loc: PathKey = ("criteria", ci, "indicators", ii, "measures", mi, "aliases")
                declared += [(m.column, a, loc + (i,)) for i, a in enumerate(m.aliases)]
    for column, alias, loc in declared:
        hk = header_key(alias)
        if not hk:
            add(
                "R012",
                loc,
                f"alias '{alias}' of column '{column}' has no letters or digits",
                f"tên khác '{alias}' của cột '{column}' không có chữ cái hoặc chữ số nào",
            )
        elif owner.setdefault(hk, column) != column:
            add(
                "R020",
                loc,
                f"alias '{alias}' of column '{column}' reads the same as a name of "
                f"column '{owner[hk]}' (headers are compared ignoring case, accents and "
                "punctuation)",
                f"tên khác '{alias}' của cột '{column}' đọc giống một tên của cột "
                f"'{owner[hk]}' (tiêu đề cột được so sánh không phân biệt chữ hoa, dấu và "
                "dấu câu)",
            )


#: The largest threshold of a count or an amount of money (a percentage is 0–100): far
#: beyond any real one (10^12 million VND), small enough that every comparison with a cell
#: is exact and a value of NaN or infinity can never reach the judging.
MAX_THRESHOLD = 10**12

#: A measure's kind in a message.
KIND_WORDS = {"pct": "percentage", "count": "count", "money": "money"}
KIND_WORDS_VI = {"pct": "tỷ lệ phần trăm", "count": "số đếm", "money": "số tiền"}


def _yaml(value: Any) -> str:
    """A scalar as it is spelled in YAML (``.nan``, ``.inf`` and ``-.inf`` too)."""
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
    return repr(value)


def _judgeable(value: float) -> bool:
    """Whether a number threshold can be compared with a cell: finite, of a sane size."""
    return math.isfinite(value) and abs(value) <= MAX_THRESHOLD


def _check_plausible(m: Measure, what: str, vi: str, mloc: PathKey, add: Any) -> None:
    """A band of possible values fits money and counts, and holds at least one value."""
    band = m.plausible
    if band is None:
        return
    where = mloc + ("plausible",)
    if m.kind not in ("money", "count"):
        add(
            "R023",
            where,
            f"{what}: a band of possible values fits money and counts only",
            f"{vi}: khoảng giá trị có thể chỉ dùng cho số tiền và số đếm",
        )
    elif band.min is None and band.max is None:
        add(
            "R011",
            where,
            f"{what}: a band of possible values needs 'min', 'max' or both",
            f"{vi}: khoảng giá trị có thể cần 'min', 'max' hoặc cả hai",
        )
    elif band.min is not None and band.max is not None and band.min > band.max:
        add(
            "R024",
            where,
            f"{what}: band min {band.min:g} is above its max {band.max:g}",
            f"{vi}: min của khoảng ({band.min:g}) lớn hơn max ({band.max:g})",
        )
    elif (band.min or 0) < 0:
        add(
            "R024",
            where,
            f"{what}: band min {band.min:g} must be ≥ 0",
            f"{vi}: min của khoảng ({band.min:g}) phải ≥ 0",
        )


def _check_measure(
    rs: RuleSet, ind_id: str, m: Measure, mloc: PathKey, add: Any, positions: Positions
) -> None:
    what = f"indicator {ind_id} ({m.column})"
    vi = f"chỉ tiêu {ind_id} ({m.column})"
    if m.kind == "bool" and m.op != "==":
        add(
            "R023",
            mloc + ("op",),
            f"{what}: a yes/no judgement can only be compared with '==' (got '{m.op}')",
            f"{vi}: kết quả Đạt/Chưa đạt chỉ so sánh được bằng '==' (đang là '{m.op}')",
        )
    if m.kind != "bool" and m.op == "==":
        add(
            "R023",
            mloc + ("op",),
            f"{what}: a {m.kind} measure needs '>=' or '<=' "
            "(an exact match on a measured number is never what a criterion means)",
            f"{vi}: chỉ số đo loại {m.kind} cần '>=' hoặc '<=' (tiêu chí không bao giờ "
            "đòi một số đo bằng đúng một giá trị)",
        )
    _check_plausible(m, what, vi, mloc, add)
    known = set(rs.class_values) | {NATIONAL, DEFAULT}
    word, word_vi = rs.class_name.en, rs.class_name.vi
    for key, raw in m.thresholds.items():
        tloc = mloc + ("thresholds", key)
        if key not in known:
            add(
                "R021",
                tloc,
                f"{what}: threshold key '{key}' is not a declared {word}, "
                f"'{NATIONAL}' or '{DEFAULT}'",
                f"{vi}: khóa ngưỡng '{key}' không phải {word_vi} đã khai báo, "
                f"'{NATIONAL}' hay '{DEFAULT}'",
                key=True,
            )
        values = raw.items() if isinstance(raw, dict) else [(None, raw)]
        for year, value in values:
            vloc = tloc + ((year,) if year is not None else ())
            if year is not None and rs.period and year > rs.period.to:
                add(
                    "R034",
                    vloc,
                    f"{what}: year key {year} is after the rule set's period "
                    f"({rs.period.from_}–{rs.period.to}), so it never applies",
                    f"{vi}: khóa năm {year} sau giai đoạn của bộ tiêu chí "
                    f"({rs.period.from_}–{rs.period.to}) nên không bao giờ được áp dụng",
                    key=True,
                )
            if m.kind == "bool":
                if value is not True:
                    add(
                        "R023",
                        vloc,
                        f"{what}: a yes/no threshold must be true (got "
                        f"{_yaml(value)}); the judgement is met when the data says 'Đạt'",
                        f"{vi}: ngưỡng Đạt/Chưa đạt phải là true (đang là {_yaml(value)}); "
                        "chỉ tiêu đạt khi dữ liệu ghi 'Đạt'",
                    )
                continue
            if isinstance(value, bool):
                add(
                    "R023",
                    vloc,
                    f"{what}: a {m.kind} threshold must be a number (got {value!r})",
                    f"{vi}: ngưỡng loại {m.kind} phải là số (đang là {value!r})",
                )
            elif not _judgeable(value):
                add(
                    "R024",
                    vloc,
                    f"{what}: {KIND_WORDS[m.kind]} threshold {_yaml(value)} is not a number a "
                    f"cell can be compared with: a threshold is finite and at most "
                    f"{MAX_THRESHOLD:,}",
                    f"{vi}: ngưỡng {KIND_WORDS_VI[m.kind]} {_yaml(value)} không phải là số so "
                    f"sánh được với một ô: ngưỡng phải hữu hạn và không quá {MAX_THRESHOLD:,}",
                )
            elif m.kind == "pct" and not 0 <= value <= 100:
                add(
                    "R024",
                    vloc,
                    f"{what}: percentage threshold {value:g} is outside 0–100",
                    f"{vi}: ngưỡng tỷ lệ phần trăm {value:g} nằm ngoài khoảng 0–100",
                )
            elif m.kind == "count" and (value < 0 or value != int(value)):
                add(
                    "R024",
                    vloc,
                    f"{what}: count threshold {value:g} must be a whole number ≥ 0",
                    f"{vi}: ngưỡng số đếm {value:g} phải là số nguyên ≥ 0",
                )
            elif m.kind == "money" and value < 0:
                add(
                    "R024",
                    vloc,
                    f"{what}: money threshold {value:g} must be ≥ 0",
                    f"{vi}: ngưỡng số tiền {value:g} phải ≥ 0",
                )
    if DEFAULT not in m.thresholds:
        missing = [r for r in rs.class_values if r not in m.thresholds]
        if missing:
            # A region added by a set that extends this one is where the fix belongs.
            where: PathKey = mloc + ("thresholds",)
            cloc: PathKey = ("regions",) if rs.classes is None else ("classes", "values")
            declared = positions.find(cloc + (missing[0],), prefer_key=True)
            listed = positions.find(where)
            elsewhere = bool(declared and listed and declared.path != listed.path)
            add(
                "R022",
                cloc + (missing[0],) if elsewhere else where,
                f"{what}: no threshold for {word}(s) {', '.join(missing)} and no '{DEFAULT}'",
                f"{vi}: không có ngưỡng cho {word_vi} {', '.join(missing)} và không có '{DEFAULT}'",
                key=elsewhere,
            )
    for key in m.confirmation:
        if key not in known:
            add(
                "R021",
                mloc + ("confirmation", key),
                f"{what}: confirmation key '{key}' is "
                f"not a declared {word}, '{NATIONAL}' or '{DEFAULT}'",
                f"{vi}: khóa xác nhận '{key}' không phải {word_vi} đã khai báo, "
                f"'{NATIONAL}' hay '{DEFAULT}'",
                key=True,
            )


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
        vi = f"chỉ tiêu {ind.id} ({m.column})"
        changed = [f for f in ("kind", "op") if getattr(m, f) != getattr(old, f)]
        for f in changed:
            problems.append(
                problem_at(
                    "R033",
                    f"{what}: {f} is '{getattr(old, f)}' in {parent.id}; an override "
                    f"cannot change it (add a measure with its own column instead)",
                    positions,
                    mloc + (f,),
                    path,
                    message_vi=f"{vi}: {f} là '{getattr(old, f)}' trong {parent.id}; tệp ghi đè "
                    "không được thay đổi giá trị này (hãy thêm chỉ số đo với cột riêng)",
                )
            )
        stated = bool(m.reason and m.reason.strip()) and set_in(positions, mloc + ("reason",), path)
        if changed or stated:
            continue
        for key in m.thresholds:
            tloc = mloc + ("thresholds", key)
            loosened = set_in(positions, tloc, path) and _loosened_against(old, m, key, rs)
            if loosened:
                problems.append(
                    problem_at(
                        "R032",
                        f"{what}: {loosened[0]} in {parent.id}; an override may only "
                        "make a threshold stricter unless the measure states a 'reason'",
                        positions,
                        tloc,
                        path,
                        message_vi=f"{vi}: {loosened[1]} trong {parent.id}; tệp ghi đè chỉ "
                        "được làm ngưỡng chặt hơn, trừ khi chỉ số đo nêu 'reason' (lý do)",
                    )
                )
    return problems


def set_in(positions: Positions, loc: PathKey, path: str) -> bool:
    """Whether the value at ``loc`` is written in the file ``path`` (not inherited)."""
    where = positions.values.get(loc)
    return where is not None and where.path == path


def _loosened_against(old: Measure, new: Measure, key: str, rs: RuleSet) -> tuple[str, str] | None:
    """How the value under ``key`` loosens ``old``, in words (English, Vietnamese); None
    when it does not."""
    if key == DEFAULT:  # the new default speaks for every region without its own value
        targets = [r for r in rs.class_values if r not in new.thresholds]
    else:
        targets = [key]
    for target in targets:
        entry = (
            old.thresholds.get(NATIONAL)
            if target == NATIONAL
            else (old.threshold_entry(target) or (None, None))[1]
        )
        if entry is None:
            continue
        found = _looser(new.op, new.thresholds[key], entry)
        if found:
            year, a, b = found
            notes = ([f"in force in {year}"] if year is not None else []) + (
                [f"for {target}"] if target != key else []
            )
            notes_vi = ([f"áp dụng năm {year}"] if year is not None else []) + (
                [f"cho {target}"] if target != key else []
            )
            when = f" ({', '.join(notes)})" if notes else ""
            when_vi = f" ({', '.join(notes_vi)})" if notes_vi else ""
            return (
                f"{key} threshold {_yaml(a)}{when} is looser than {_yaml(b)}",
                f"ngưỡng {key} {_yaml(a)}{when_vi} lỏng hơn {_yaml(b)}",
            )
    return None


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
