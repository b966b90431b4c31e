"""Column headers → column keys: keys, declared aliases, indicator names, ``[key]`` suffixes.

Headers are compared in ``text.header_key`` form (case, accents, punctuation, spacing,
trailing units and look-alike letters ignored). An unmatched header gets the closest known
name as a hint.

A header may say its unit — in parentheses at its end, ``Thu nhập (nghìn đồng/người/năm)``,
or after its last comma, ``Tỷ lệ hộ nghèo, %``. A unit that disagrees with the unit of the
measure the header names (thousand against million VND, ‰ against %, households against
%) is a problem (D015, see ``HeaderMatcher.disagreement``): values are never converted,
and such a column is not read. A marker that is no known unit is left alone.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ntm_eval.normalise import fold, header_key, key_in_brackets
from ntm_eval.rules.model import RuleSet

#: Unit words (folded: no accents, lower case; spaces, dots and hyphens removed) → the
#: dimension and scale they stand for.
_MONEY = {
    **dict.fromkeys(("dong", "vnd", "d", "vietnamdong"), 1),
    **dict.fromkeys(
        ("nghindong", "ngandong", "nghin", "ngan", "ngd", "1000d", "1000dong", "1000vnd")
        + ("thousandvnd", "thousanddong", "thousand", "kvnd", "nghinvnd", "nganvnd"),
        1_000,
    ),
    **dict.fromkeys(
        ("trieudong", "trieuvnd", "trieu", "trd", "tr", "trdong", "trvnd", "millionvnd")
        + ("millionsvnd", "million", "milvnd", "mvnd", "milliondong", "1000000d"),
        1_000_000,
    ),
    **dict.fromkeys(("tydong", "ty", "tyvnd", "billionvnd", "billion", "bnvnd"), 1_000_000_000),
}
_SHARE = {
    **dict.fromkeys(("%", "phantram", "percent", "pct", "percentage"), 100),
    **dict.fromkeys(("‰", "phannghin", "phanngan", "permille", "permil"), 1_000),
}
_COUNT = frozenset(
    ("ho", "nguoi", "xa", "km", "m", "thon", "ban", "ap", "nha", "cai", "truong", "cho")
    + ("diem", "coso", "hoptacxa", "htx", "laodong", "hocsinh", "hs", "tre", "lan", "vu")
    + ("households", "household", "people", "persons", "person", "communes", "villages")
    + ("houses", "schools", "facilities", "cases")
)
#: What follows a money unit after "/": per whom, per how long.
_PER = {
    **dict.fromkeys(("nguoi", "ng", "person", "capita", "head"), ("who", "person")),
    **dict.fromkeys(("ho", "household", "hh"), ("who", "household")),
    **dict.fromkeys(("nam", "year", "yr", "y"), ("when", "year")),
    **dict.fromkeys(("thang", "month", "mo"), ("when", "month")),
}
_SCALES = {
    "money": {1: "VND", 1_000: "thousand VND", 1_000_000: "million VND", 10**9: "billion VND"},
    "share": {100: "percent", 1_000: "per mille"},
}
_SCALES_VI = {
    "money": {1: "đồng", 1_000: "nghìn đồng", 1_000_000: "triệu đồng", 10**9: "tỷ đồng"},
    "share": {100: "phần trăm (%)", 1_000: "phần nghìn (‰)"},
}
_PER_VI = {"person": "người", "household": "hộ", "year": "năm", "month": "tháng"}
_TRAILING_GROUP = re.compile(r"\(([^()]*)\)\s*$")
_SQUEEZE = re.compile(r"[\s.\-]+")


class Unit(NamedTuple):
    """What a unit marker says: a dimension (money, share, count), a scale (1,000 for
    thousand VND, 100 for %, None for a count) and, for money, per whom and how long."""

    dimension: str
    scale: int | None
    per: frozenset[tuple[str, str]] = frozenset()

    def describe(self) -> str:
        """``'thousand VND per person per year'``, ``'per mille (‰)'``, ``'a count'``."""
        if self.dimension == "count":
            return "a count"
        words = _SCALES[self.dimension][self.scale]  # type: ignore[index]
        return " ".join([words, *(f"per {what}" for _, what in sorted(self.per, reverse=True))])

    def describe_vi(self) -> str:
        """``'nghìn đồng/người/năm'``, ``'phần nghìn (‰)'``, ``'số đếm'``."""
        if self.dimension == "count":
            return "số đếm"
        words = _SCALES_VI[self.dimension][self.scale]  # type: ignore[index]
        return "/".join([words, *(_PER_VI[what] for _, what in sorted(self.per, reverse=True))])

    def disagrees(self, needed: Unit) -> bool:
        """Whether values in this unit would be misread as values in ``needed``."""
        if self.dimension != needed.dimension or self.scale != needed.scale:
            return True
        mine, theirs = dict(self.per), dict(needed.per)
        return any(mine[k] != theirs[k] for k in mine.keys() & theirs.keys())


def parse_unit(marker: str) -> Unit | None:
    """The unit a marker such as ``'nghìn đồng/người/năm'``, ``'tr.đ'``, ``'‰'`` or
    ``'hộ'`` stands for; None for any other text (``'Đạt/Chưa đạt'``)."""
    main, *rest = fold(marker).split("/")
    word = _SQUEEZE.sub("", main)
    if word in _SHARE and not rest:
        return Unit("share", _SHARE[word])
    if word in _COUNT and not rest:
        return Unit("count", None)
    if word in _MONEY:
        per = [_PER.get(_SQUEEZE.sub("", r)) for r in rest]
        if all(per):
            return Unit("money", _MONEY[word], frozenset(per))  # type: ignore[arg-type]
    return None


class Marker(NamedTuple):
    """A unit a header ends in: the header without it, the marker as written, its unit,
    and whether it is in parentheses (else after a comma)."""

    name: str
    written: str
    unit: Unit
    parenthesised: bool


def unit_marker(header: str) -> Marker | None:
    """The unit ``header`` ends in: in parentheses (before a ``[key]``), or after its last
    comma; None when it ends in no known unit."""
    bare = header[: header.rindex("[")].rstrip() if key_in_brackets(header) else header
    group = _TRAILING_GROUP.search(bare)
    if group is not None:
        unit = parse_unit(group.group(1))
        name = bare[: group.start()].rstrip()
        return Marker(name, group.group(1).strip(), unit, True) if unit else None
    head, comma, tail = bare.rpartition(",")
    unit = parse_unit(tail) if comma and head.strip() else None
    return Marker(head.rstrip(), tail.strip(), unit, False) if unit else None


def needed_unit(kind: str, unit: str | None) -> Unit | None:
    """The unit a measure's values are in: its declared unit (or its kind's), or a count;
    None when it is not one this module knows (nothing is then checked)."""
    if unit is not None:
        return parse_unit(unit)
    return Unit("count", None) if kind == "count" else None


class HeaderMatcher:
    """Which column of ``ruleset`` a header names."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.columns: dict[str, str] = {}  # header_key → column key
        self.spelling: dict[str, str] = {}  # header_key → a name as the rule file writes it
        self.keys = frozenset(ruleset.header_names())
        for column, names in ruleset.header_names().items():
            for name in names:
                hk = header_key(name)
                if hk:
                    self.columns.setdefault(hk, column)
                    self.spelling.setdefault(hk, name)
        implicit: dict[str, set[str]] = {}
        for column, names in ruleset.indicator_names().items():
            for name in names:
                hk = header_key(name)
                if hk and hk not in self.columns:
                    implicit.setdefault(hk, set()).add(column)
                    self.spelling.setdefault(hk, name)
        # A name two columns could claim answers to neither.
        self.columns.update({hk: cols.pop() for hk, cols in implicit.items() if len(cols) == 1})
        #: column → the unit its values are in (measures whose unit is known)
        self.units = {
            m.column: unit
            for _, _, m in ruleset.measures()
            if (unit := needed_unit(m.kind, m.unit_label)) is not None
        }

    def match(self, header: str) -> str | None:
        """The column key ``header`` names, or None."""
        bracketed = key_in_brackets(header)
        if bracketed in self.keys:
            return bracketed
        column = self.columns.get(header_key(header))
        if column is None and "," in header:  # "Tỷ lệ hộ nghèo, %": the name before the unit
            marker = unit_marker(header)
            if marker is not None:
                column = self.columns.get(header_key(marker.name))
        return column

    def disagreement(self, header: str, column: str) -> tuple[Marker, Unit] | None:
        """``(the marker, the unit needed)`` when ``header``, naming ``column``, says a
        unit its values are not in; else None. After a comma, the words of a name the
        rule file declares whole (``Tỷ lệ thôn, bản``) are no unit."""
        needed = self.units.get(column)
        marker = unit_marker(header) if needed is not None else None
        if marker is None or not marker.unit.disagrees(needed):  # type: ignore[arg-type]
            return None
        whole = header_key(header)
        if not marker.parenthesised and whole != header_key(marker.name) and whole in self.columns:
            return None
        return marker, needed  # type: ignore[return-value]

    def closest(self, header: str) -> str | None:
        """``"'Tỷ lệ hộ nghèo' (poverty_rate_pct)"``: the known name nearest to ``header``."""
        import difflib  # only an unmatched header needs it

        hit = difflib.get_close_matches(header_key(header), list(self.columns), n=1, cutoff=0.75)
        if not hit:
            return None
        column, name = self.columns[hit[0]], self.spelling[hit[0]]
        return f"'{name}'" if name == column else f"'{name}' ({column})"
