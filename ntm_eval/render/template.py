"""Data-entry templates: a blank (or pre-filled) file with the columns a rule set reads.

Each header is ``Label (unit) [key]``: people read the label, ntm-eval reads the key, so a
filled template loads without edits whatever the language. In a workbook, cells check what
is typed (Đạt / Chưa đạt drop-downs, 0–100 for percentages, whole numbers for counts), the
header row and the code and name columns stay in view, and a second sheet explains every
column. With a unit list the rural communes are filled in, one row each.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ntm_eval.input.units import RURAL, UnitList, short_district
from ntm_eval.rules.model import RuleSet
from ntm_eval.shown import printable

YES_NO = ("Đạt", "Chưa đạt")
UNITS = {
    "vi": {"pct": "%", "money": "triệu đồng/người/năm", "bool": "Đạt/Chưa đạt", "count": None},
    "en": {"pct": "%", "money": "million VND/person/year", "bool": "Đạt/Chưa đạt", "count": None},
}
IDENTITY_LABELS = {  # when the rule set names no identity column
    "commune_code": ("Mã xã", "Commune code"),
    "commune_name": ("Tên xã", "Commune"),
    "district": ("Huyện", "District"),
    "province": ("Tỉnh", "Province"),
    "region": ("Vùng", "Region"),
    "year": ("Năm", "Year"),
}
WIDTHS = {
    "commune_code": 10,
    "commune_name": 18,
    "district": 16,
    "province": 14,
    "region": 26,
    "year": 8,
    "bool": 14,
    "pct": 13,
    "count": 11,
    "money": 15,
}
#: The words of a template, by language.
TEXT: dict[str, dict[str, Any]] = {
    "vi": {
        "data": "Dữ liệu",
        "help": "Hướng dẫn",
        "intro": [
            'Mỗi dòng của trang "Dữ liệu" là một xã trong một năm. Không sửa dòng tiêu đề: '
            "phần [trong ngoặc vuông] là tên cột mà ntm-eval đọc.",
            "Ô để trống là chưa có số liệu (chỉ tiêu đó không đánh giá được), không phải lỗi.",
            "Tỷ lệ ghi từ 0 đến 100 (ví dụ 85,5). Chỉ tiêu Đạt/Chưa đạt chọn trong danh sách.",
            "Kiểm tra: ntm-eval check TÊN-TỆP.xlsx",
        ],
        "table": ("Cột", "Tiêu đề", "Chỉ tiêu", "Nhập"),
        "identity": "thông tin xã",
        "enter": {
            "pct": "tỷ lệ 0–100",
            "count": "số nguyên ≥ 0",
            "money": "số ≥ 0, triệu đồng",
            "bool": "Đạt / Chưa đạt",
            "text": "chữ",
            "year": "năm, ví dụ 2020",
            "region": "tên vùng trong danh sách",
        },
        "error": {
            "pct": "Nhập tỷ lệ từ 0 đến 100.",
            "count": "Nhập số nguyên không âm.",
            "money": "Nhập số không âm (triệu đồng).",
            "bool": "Chọn Đạt hoặc Chưa đạt.",
            "year": "Nhập năm, ví dụ 2020.",
            "region": "Chọn một vùng trong danh sách.",
        },
        "error_title": "Giá trị không hợp lệ",
    },
    "en": {
        "data": "Data",
        "help": "Instructions",
        "intro": [
            'Each row of the "Data" sheet is one commune in one year. Do not edit the header '
            "row: the part [in brackets] is the column name ntm-eval reads.",
            "An empty cell is a missing value (that indicator cannot be evaluated), not an error.",
            "Percentages go from 0 to 100 (e.g. 85.5). Pick Đạt (met) / Chưa đạt (not met) "
            "from the list.",
            "Check it: ntm-eval check FILE.xlsx",
        ],
        "table": ("Column", "Header", "Indicator", "Enter"),
        "identity": "commune identity",
        "enter": {
            "pct": "percentage 0–100",
            "count": "whole number ≥ 0",
            "money": "number ≥ 0, million VND",
            "bool": "Đạt / Chưa đạt",
            "text": "text",
            "year": "year, e.g. 2020",
            "region": "a region from the list",
        },
        "error": {
            "pct": "Enter a percentage from 0 to 100.",
            "count": "Enter a whole number ≥ 0.",
            "money": "Enter a number ≥ 0 (million VND).",
            "bool": "Pick Đạt or Chưa đạt.",
            "year": "Enter a year, e.g. 2020.",
            "region": "Pick a region from the list.",
        },
        "error_title": "Invalid value",
    },
}


@dataclass(frozen=True)
class Template:
    content: bytes  # the file, ready to write
    columns: int
    rows: int


def make(
    ruleset: RuleSet,
    fmt: str,
    lang: str,
    units: UnitList | None = None,
    region: str | None = None,
    year: int | None = None,
    bom: bool = False,
) -> Template:
    """The template file for ``ruleset`` as bytes: ``fmt`` is ``csv`` or ``xlsx``. ``bom``
    starts a CSV with a byte-order mark (for a file: Excel then shows the accents)."""
    cols = columns(ruleset, lang)
    rows = prefill(ruleset, units, region, year, lang)
    if fmt == "csv":
        content = render_csv(cols, rows).encode("utf-8-sig" if bom else "utf-8")
    else:
        buffer = io.BytesIO()
        write_xlsx(buffer, ruleset, cols, rows, lang)
        content = buffer.getvalue()
    return Template(content, len(cols), len(rows))


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # "Label (unit) [key]"
    kind: str  # pct, count, money, bool, or text / year / region for identity columns
    indicator: str  # "11 Tỷ lệ hộ nghèo đa chiều …", or "" for identity columns


def columns(ruleset: RuleSet, lang: str) -> list[Column]:
    """The template's columns: identity first, then every measure in rule-file order."""
    out = []
    flags = {r.flag: r for r in ruleset.reassign}
    for key in ruleset.identity_columns:
        ident = ruleset.identity.get(key)  # type: ignore[call-overload]
        if key == ruleset.class_column and ruleset.classes is not None:
            label, kind = ruleset.classes.name.get(lang), "region"
        elif key in flags:
            label, kind = flags[key].name.get(lang), "bool"
        else:
            label = (
                ident.name.get(lang) if ident and ident.name else IDENTITY_LABELS[key][lang == "en"]
            )
            kind = key if key in ("year", "region") else "text"
        out.append(Column(key, f"{label} [{key}]", kind, ""))
    for _, indicator, m in ruleset.measures():
        if lang == "vi" and m.aliases:
            label = m.aliases[0]
        else:
            label = (m.name or indicator.name).get(lang)
        unit = m.unit if m.unit is not None else UNITS[lang][m.kind]
        header = f"{label} ({unit}) [{m.column}]" if unit else f"{label} [{m.column}]"
        out.append(Column(m.column, header, m.kind, f"{indicator.id} {indicator.name.get(lang)}"))
    return out


def prefill(
    ruleset: RuleSet, units: UnitList | None, region: str | None, year: int | None, lang: str
) -> list[dict[str, object]]:
    """One row per rural commune of ``units`` (in list order), or none."""
    if units is None:
        return []
    region_name = ruleset.class_values[region].get(lang) if region else ""
    return [
        {
            "commune_code": u.code,
            "commune_name": u.name,
            "district": short_district(u.district),
            "province": u.province,
            ruleset.class_column: region_name,
            "year": year or "",
        }
        for u in units.units.values()
        if u.type == RURAL
    ]


def render_csv(cols: list[Column], rows: list[dict[str, object]]) -> str:
    from ntm_eval.render.csv import shown_cell  # pre-filled names come from a unit list

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in cols])
    for row in rows:
        writer.writerow([shown_cell(row.get(c.key, "")) for c in cols])
    return out.getvalue()


def write_xlsx(
    path: Path | io.BytesIO,
    ruleset: RuleSet,
    cols: list[Column],
    rows: list[dict[str, object]],
    lang: str,
) -> None:
    """Write the template workbook: a data sheet with checks, and an instructions sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from ntm_eval.render.xlsx import not_formula

    text = TEXT[lang]
    book = Workbook()
    ws = book.active
    ws.title = text["data"]
    ws.append([c.header for c in cols])
    for row in rows:  # names from a unit list: shown as printable, never a formula
        ws.append([printable(v) if isinstance(v := row.get(c.key, ""), str) else v for c in cols])
        for cell in ws[ws.max_row]:
            not_formula(cell)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font, cell.alignment, cell.fill = bold, wrap, fill
    ws.row_dimensions[1].height = 90
    ws.freeze_panes = "C2"  # header row, code and name stay in view
    last = max(len(rows) + 1, 1000) + (200 if rows else 0)
    period = ruleset.period
    years = (period.from_, period.to) if period else (1900, 2100)
    region_list = ",".join(n.get(lang) for n in ruleset.class_values.values())
    for i, col in enumerate(cols, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = WIDTHS.get(col.key, WIDTHS.get(col.kind, 14))
        area = f"{letter}2:{letter}{last}"
        if col.key == "commune_code":  # codes are text: leading zeros must stay
            for r in range(2, last + 1):
                ws.cell(r, i).number_format = "@"
        rule = _validation(DataValidation, col.kind, years, region_list)
        if rule is not None:
            rule.error, rule.errorTitle = text["error"][col.kind], text["error_title"]
            rule.prompt, rule.promptTitle = text["enter"][col.kind], col.key
            rule.showErrorMessage = rule.showInputMessage = True
            rule.add(area)
            ws.add_data_validation(rule)
    _instructions(book.create_sheet(text["help"]), ruleset, cols, lang, bold, wrap, fill)
    book.save(path)


def _validation(make: Any, kind: str, years: tuple[int, int], region_list: str) -> Any:
    if kind == "bool":
        return make(type="list", formula1='"' + ",".join(YES_NO) + '"', allow_blank=True)
    if kind == "pct":
        return make(
            type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True
        )
    if kind == "count":
        return make(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    if kind == "money":
        return make(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    if kind == "year":
        return make(
            type="whole",
            operator="between",
            formula1=str(years[0]),
            formula2=str(years[1]),
            allow_blank=True,
        )
    if kind == "region" and len(region_list) < 250 and '"' not in region_list:
        return make(type="list", formula1=f'"{region_list}"', allow_blank=True)
    return None


def _instructions(
    ws: Any, ruleset: RuleSet, cols: list[Column], lang: str, bold: Any, wrap: Any, fill: Any
) -> None:
    text = TEXT[lang]
    ws.append([ruleset.title.get(lang) + f" ({ruleset.id})"])
    ws["A1"].font = bold
    ws.append([ruleset.legal_basis])
    ws.append([])
    for paragraph in text["intro"]:
        ws.append([paragraph])
    ws.append([])
    ws.append(list(text["table"]))
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = bold, fill
    for col in cols:
        ws.append([col.key, col.header, col.indicator or text["identity"], text["enter"][col.kind]])
        for cell in ws[ws.max_row]:
            cell.alignment = wrap
    for letter, width in zip("ABCD", (28, 50, 60, 24)):
        ws.column_dimensions[letter].width = width
