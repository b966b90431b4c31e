"""Parts of the README generated from the code, so they cannot drift from it.

    python -m ntm_eval.docs README.md      # rewrite the generated sections in place

A test fails when the committed README differs from what this module generates.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ntm_eval.rules.loader import default_rules_path, load_rules
from ntm_eval.rules.model import IDENTITY_COLUMNS, RuleSet

IDENTITY_HELP = {
    "commune_code": "official commune code, kept as text (leading zeros stay)",
    "commune_name": "commune name, without the “Xã” prefix",
    "district": "district-level unit",
    "province": "province",
    "region": "region key ({regions}, any case) or its Vietnamese name",
    "year": "assessment year, e.g. 2020",
}
KIND_HELP = {
    "pct": "percentage 0–100 (`85.5`, `85,5`, `85.5%`)",
    "bool": "yes/no (`Đạt`; `Chưa đạt`, `Không đạt`, `Cơ bản đạt`)",
    "count": "whole number ≥ 0",
    "money": "million VND per person per year, ≥ 0",
}


def columns_markdown(rs: RuleSet) -> str:
    names = rs.header_names()

    def vi(column: str) -> str:  # the Vietnamese header: the first declared alias
        return names[column][1] if len(names[column]) > 1 else ""

    lines = ["| column | Vietnamese header | what it holds |", "|---|---|---|"]
    regions = ", ".join(f"`{r}`" for r in rs.class_values)
    lines += [
        f"| `{c}` | {vi(c)} | {IDENTITY_HELP[c].format(regions=regions)} |"
        for c in IDENTITY_COLUMNS
    ]
    lines += [
        "",
        "| column | Vietnamese header | indicator | kind | sector |",
        "|---|---|---|---|---|",
    ]
    for crit, ind, m in rs.measures():
        name = m.name.en if m.name else ind.name.en
        lines.append(
            f"| `{m.column}` | {vi(m.column)} | {ind.id} {name} | {KIND_HELP[m.kind]} | "
            f"`{ind.sector or crit.sector}` |"
        )
    return "\n".join(lines)


def codes_markdown() -> str:
    from ntm_eval.diagnostics import CODES, CODES_VI

    lines = ["| code | problem | tiếng Việt (`--lang vi`) |", "|---|---|---|"]
    lines += [f"| `{code}` | {title} | {CODES_VI[code]} |" for code, title in CODES.items()]
    return "\n".join(lines)


def reasons_markdown() -> str:
    from ntm_eval.reasons import REASONS

    lines = ["| reason | English | tiếng Việt |", "|---|---|---|"]
    lines += [f"| `{code}` | {en} | {vi} |" for code, (en, vi) in REASONS.items()]
    return "\n".join(lines)


def sections() -> dict[str, str]:
    rs = load_rules(default_rules_path())
    return {
        "columns": columns_markdown(rs),
        "codes": codes_markdown(),
        "reasons": reasons_markdown(),
    }


def fill(text: str, generated: dict[str, str]) -> str:
    """Replace each ``<!-- NAME:start -->…<!-- NAME:end -->`` block with its content."""
    for name, body in generated.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)

        def block(m: re.Match[str], body: str = body) -> str:
            return m.group(1) + body + "\n" + m.group(2)

        text = pattern.sub(block, text)
    return text


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    path.write_text(fill(path.read_text(encoding="utf-8"), sections()), encoding="utf-8")
