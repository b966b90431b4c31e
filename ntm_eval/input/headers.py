"""Column headers → column keys: keys, declared aliases, indicator names, ``[key]`` suffixes.

Headers are compared in ``text.header_key`` form (case, accents, punctuation, spacing,
trailing units and look-alike letters ignored). An unmatched header gets the closest known
name as a hint.
"""

from __future__ import annotations

from ntm_eval.normalise import header_key, key_in_brackets
from ntm_eval.rules.model import RuleSet


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

    def match(self, header: str) -> str | None:
        """The column key ``header`` names, or None."""
        bracketed = key_in_brackets(header)
        if bracketed in self.keys:
            return bracketed
        return self.columns.get(header_key(header))

    def closest(self, header: str) -> str | None:
        """``"'Tỷ lệ hộ nghèo' (poverty_rate_pct)"``: the known name nearest to ``header``."""
        import difflib  # only an unmatched header needs it

        hit = difflib.get_close_matches(header_key(header), list(self.columns), n=1, cutoff=0.75)
        if not hit:
            return None
        column, name = self.columns[hit[0]], self.spelling[hit[0]]
        return f"'{name}'" if name == column else f"'{name}' ({column})"
