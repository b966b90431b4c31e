"""Words and numbers for people, in English or Vietnamese (``--lang en|vi``).

Only human-readable output goes through here. JSON keys, CSV headers, status words in
machine formats and problem codes never change with the language.
"""

from __future__ import annotations

from typing import Any

DEFAULT_LANG = "en"

#: key → (English, Vietnamese). ``str.format`` fields are filled by ``tr``.
MESSAGES: dict[str, tuple[str, str]] = {
    # statuses
    "status.met": ("met", "Đạt"),
    "status.not_met": ("not met", "Chưa đạt"),
    "status.not_evaluable": ("not evaluable", "Chưa đánh giá được"),
    "value.true": ("Đạt", "Đạt"),
    "value.false": ("Chưa đạt", "Chưa đạt"),
    # check, text
    "rows": ("{path}: {rows} row(s)", "{path}: {rows} dòng"),
    "input.sheet": ("{path}, sheet '{sheet}'", "{path}, trang tính '{sheet}'"),
    "col.code": ("Code", "Mã"),
    "col.commune": ("Commune", "Xã"),
    "col.district": ("District", "Huyện"),
    "col.year": ("Year", "Năm"),
    "col.met": ("Met", "Đạt"),
    "col.status": ("Status", "Kết quả"),
    "col.missing": ("Missing", "Còn thiếu"),
    "col.id": ("ID", "Mã TC"),
    "col.criterion": ("Criterion", "Tiêu chí"),
    "col.not_met": ("Not met", "Chưa đạt"),
    "col.not_evaluable": ("Not evaluable", "Chưa đánh giá được"),
    "col.band": ("Band", "Nhóm"),
    "col.communes": ("Communes", "Số xã"),
    "col.measure": ("Measure", "Chỉ số đo"),
    "col.value": ("Value", "Giá trị"),
    "col.threshold": ("Threshold", "Ngưỡng"),
    "col.gap": ("Gap", "Chênh lệch"),
    "col.rank": ("#", "#"),
    "col.left": ("What is left", "Còn thiếu"),
    "col.sector": ("Sector", "Ngành"),
    "col.change": ("Change", "Thay đổi"),
    "col.old": ("Old", "Trước"),
    "col.new": ("New", "Sau"),
    "missing.legend": (
        "Missing: criteria not met; ?N: criterion N could not be evaluated (see --commune CODE).",
        "Còn thiếu: tiêu chí chưa đạt; ?N: tiêu chí N chưa đánh giá được (xem --commune MÃ).",
    ),
    "more.hidden": ("… {hidden} more commune(s) not shown.", "… còn {hidden} xã không hiển thị."),
    "more.how": (
        "Use --max-rows 0 to list every commune, or --format json for the full results.",
        "Dùng --max-rows 0 để liệt kê mọi xã, hoặc --format json để có toàn bộ kết quả.",
    ),
    "no.commune": (
        "No commune with code {code} in the data.",
        "Không có xã mã {code} trong dữ liệu.",
    ),
    "counts.title": (
        "Communes meeting each criterion (of {n})",
        "Số xã đạt từng tiêu chí (trên {n} xã)",
    ),
    "bands.title": ("Communes by criteria met", "Số xã theo số tiêu chí đạt"),
    "band.under": ("under {n}", "dưới {n}"),
    "summary.all": (
        "{n} commune(s): {met} meet the standard ({total}/{total}), {not_met} do not, "
        "{not_evaluable} could not be evaluated.",
        "{n} xã: {met} xã đạt chuẩn ({total}/{total}), {not_met} xã chưa đạt, "
        "{not_evaluable} xã chưa đánh giá được.",
    ),
    "summary.years": (
        "{n} rows are commune-years: {distinct} commune(s) over {years} years ({first}–{last}).",
        "{n} dòng là xã-năm: {distinct} xã trong {years} năm ({first}–{last}).",
    ),
    "summary.items": (
        "{n} commune(s): {met} meet all {total} selected criteria ({total}/{total}), "
        "{not_met} do not, {not_evaluable} could not be evaluated.",
        "{n} xã: {met} xã đạt cả {total} tiêu chí được chọn ({total}/{total}), "
        "{not_met} xã chưa đạt, {not_evaluable} xã chưa đánh giá được.",
    ),
    "detail.region": ("region", "vùng"),
    "detail.reassigned": (
        "thresholds of {cls}: {flag} says yes; its own: {own}",
        "theo ngưỡng {cls}: {flag} là có; của xã: {own}",
    ),
    "detail.from": ("{year}+", "từ {year}"),
    "unverified": (
        "threshold not confirmed from a published source (marked unverified in the rule file).",
        "ngưỡng chưa được xác nhận từ nguồn công bố (đánh dấu unverified trong tệp tiêu chí).",
    ),
    "filters": ("Filters", "Bộ lọc"),
    "filter.sector": ("sector", "ngành"),
    "filter.criterion": ("criterion", "tiêu chí"),
    "filter.district": ("district", "huyện"),
    "filter.status": ("status", "kết quả"),
    "filter.commune": ("commune", "xã"),
    "filter.year": ("year", "năm"),
    "problems": ("{errors} error(s), {warnings} warning(s)", "{errors} lỗi, {warnings} cảnh báo"),
    "wrote": ("wrote {path}", "đã ghi {path}"),
    # gaps
    "gaps.title": ("Communes closest to the standard", "Các xã gần đạt chuẩn nhất"),
    "gaps.count": (
        "{short} of {n} commune(s) do not meet the standard yet; {shown} shown, closest first.",
        "{short}/{n} xã chưa đạt chuẩn; hiển thị {shown} xã, gần đạt nhất trước.",
    ),
    "gaps.order": (
        "Order: fewest criteria missing, then fewest indicators short, then smallest shortfall "
        "relative to the threshold.",
        "Thứ tự: ít tiêu chí còn thiếu nhất, rồi ít chỉ tiêu chưa đạt nhất, rồi mức thiếu hụt "
        "so với ngưỡng nhỏ nhất.",
    ),
    "gaps.none": ("Every commune meets the standard.", "Tất cả các xã đều đạt chuẩn."),
    "gaps.more": (
        "… {hidden} more commune(s) not shown; use --top 0 to list them all.",
        "… còn {hidden} xã không hiển thị; dùng --top 0 để liệt kê tất cả.",
    ),
    "gaps.sector": (
        "{sector} ({key}): {communes} commune(s), {items} item(s) left",
        "{sector} ({key}): {communes} xã, còn {items} chỉ tiêu",
    ),
    "gaps.missing": ("missing {n}", "thiếu {n}"),
    "left.numeric": (
        "{value} → must be {op} {threshold}: {to_go} to go",
        "{value} → phải {op} {threshold}: còn {to_go}",
    ),
    "left.bool": ("{value} → must be {threshold}", "{value} → phải {threshold}"),
    "left.unknown": ("cannot be judged: {reason}", "chưa đánh giá được: {reason}"),
    "unit.points": ("{n} point(s)", "{n} điểm %"),
    # compare
    "compare.title": ("Changes from {old} to {new}", "Thay đổi từ {old} sang {new}"),
    "compare.summary": (
        "{both} commune(s) in both files: {old_met} met the standard before, {new_met} now; "
        "{gained} gained it, {lost} lost it; {changed} changed at least one criterion.",
        "{both} xã có trong cả hai tệp: trước {old_met} xã đạt chuẩn, nay {new_met} xã; "
        "{gained} xã mới đạt, {lost} xã không còn đạt; {changed} xã thay đổi ít nhất một "
        "tiêu chí.",
    ),
    "compare.only_old": ("Only in {path}: {codes}", "Chỉ có trong {path}: {codes}"),
    "compare.across": (
        "Across the reorganisation of 1 July 2025: {old} is before it, {new} after, so codes "
        "are matched through the official conversion table, never as they are. {n} new "
        "unit(s); a unit that is one old commune whole is compared criterion by criterion.",
        "Qua sắp xếp đơn vị hành chính ngày 1/7/2025: {old} trước, {new} sau, nên mã được "
        "đối chiếu theo bảng chuyển đổi chính thức, không so trực tiếp. {n} đơn vị mới; đơn "
        "vị nào đúng bằng toàn bộ một xã cũ thì được so từng tiêu chí.",
    ),
    "compare.unit": (
        "{code} {name}, {province} — in {path}: {status}",
        "{code} {name}, {province} — trong {path}: {status}",
    ),
    "compare.unit.absent": (
        "{code} {name}, {province} — not in {path}",
        "{code} {name}, {province} — không có trong {path}",
    ),
    "compare.unit.out": (
        "{code} {name}, {province} — now {kind}: out of the new-rural programme",
        "{code} {name}, {province} — nay là {kind}: ngoài chương trình nông thôn mới",
    ),
    "compare.held": (
        "  holds {code} {name}{district} ({how}) — in {path}: {status}",
        "  gồm {code} {name}{district} ({how}) — trong {path}: {status}",
    ),
    "compare.held.whole": ("whole", "toàn bộ"),
    "compare.held.part": ("part only: {note}", "chỉ một phần: {note}"),
    "compare.held.others": (
        "  and {n} other former unit(s) not in {path}: {codes}",
        "  và {n} đơn vị cũ khác không có trong {path}: {codes}",
    ),
    "kind.phuong": ("a ward (phường)", "phường"),
    "kind.dac_khu": ("a special zone (đặc khu)", "đặc khu"),
    "compare.only_new": ("Only in {path}: {codes}", "Chỉ có trong {path}: {codes}"),
    "compare.maintain": (
        "Maintaining the standard: {n} commune(s) met it in {old} and now fail something",
        "Duy trì chuẩn: {n} xã đạt chuẩn trong {old} nay không còn đạt",
    ),
    "compare.maintain.nothing": (
        "Maintaining the standard: no commune of {new} met it in {old}.",
        "Duy trì chuẩn: không xã nào của {new} đạt chuẩn trong {old}.",
    ),
    "compare.maintain.none": (
        "Maintaining the standard: every commune that met it in {old} still meets it.",
        "Duy trì chuẩn: mọi xã đạt chuẩn trong {old} vẫn đạt.",
    ),
    "compare.changes": (
        "Criteria gained and lost, indicator by indicator",
        "Tiêu chí mới đạt và không còn đạt, theo từng chỉ tiêu",
    ),
    "compare.nochange": ("No criterion changed status.", "Không tiêu chí nào thay đổi kết quả."),
    "compare.values": (
        "{n} other value(s) changed without changing a status (see --format json or csv).",
        "{n} giá trị khác thay đổi nhưng không đổi kết quả (xem --format json hoặc csv).",
    ),
    "change.gained": ("gained", "mới đạt"),
    "change.lost": ("lost", "không còn đạt"),
    "change.changed": ("changed", "thay đổi"),
    "change.gained_standard": ("the commune gained the standard", "xã mới đạt chuẩn"),
    "change.lost_standard": ("the commune lost the standard", "xã không còn đạt chuẩn"),
    # report
    "report.summary": ("Province summary", "Tổng hợp toàn tỉnh"),
    "report.matrix": ("Communes × criteria", "Kết quả từng xã theo tiêu chí"),
    "report.chart": ("Communes meeting each criterion", "Số xã đạt từng tiêu chí"),
    "report.bands": ("Communes by criteria met", "Số xã theo số tiêu chí đạt"),
    "report.candidates": ("Candidates: communes closest to the standard", "Xã gần đạt chuẩn nhất"),
    "report.click": (
        "Hover over or click a cell to see its values and thresholds.",
        "Di chuột hoặc bấm vào một ô để xem giá trị và ngưỡng.",
    ),
    "report.generated": (
        "Generated by ntm-eval {version} from {path} with rule set {ruleset}.",
        "Tạo bởi ntm-eval {version} từ {path} với bộ tiêu chí {ruleset}.",
    ),
    "report.legend": ("Legend", "Chú giải"),
    "report.communes": ("communes", "xã"),
    "report.met_share": ("{pct} meet the standard", "{pct} đạt chuẩn"),
    "report.banner": (
        "The input file has problems: {counts}.",
        "Tệp dữ liệu có lỗi: {counts}.",
    ),
    "report.banner.link": ("See the list of problems", "Xem danh sách lỗi"),
    "report.problems": ("Problems in the input", "Lỗi trong dữ liệu đầu vào"),
    "report.date": ("run on {date}", "đánh giá ngày {date}"),
    "report.districts": ("Communes by district", "Số xã theo huyện"),
    "report.by_class": ("Communes by {name}", "Số xã theo {name}"),
    # validate, rules, template
    "validate.nothing": ("nothing checked: {counts}", "chưa kiểm tra tệp nào: {counts}"),
    "validate.checked": (
        "{files} file(s) checked, {state}: {counts}",
        "đã kiểm tra {files} tệp, {state}: {counts}",
    ),
    "validate.invalid": ("{n} invalid", "{n} tệp có lỗi"),
    "validate.valid": ("all valid", "tất cả hợp lệ"),
    "rules.invalid": (
        "invalid ({errors} error(s)): ntm-eval validate {path}",
        "có lỗi ({errors} lỗi): ntm-eval validate {path}",
    ),
    "rules.extends": ("Extends {base}. Files: {files}", "Kế thừa {base}. Các tệp: {files}"),
    "rules.region": ("Thresholds for region {key} ({name})", "Ngưỡng cho vùng {key} ({name})"),
    "rules.none": ("No threshold matches these filters.", "Không có ngưỡng nào khớp với bộ lọc."),
    "rules.from": ("{value} from {year}", "{value} từ năm {year}"),
    "rules.col.id": ("ID", "Mã"),
    "rules.col.title": ("Title", "Tên bộ tiêu chí"),
    "rules.col.extends": ("Extends", "Kế thừa"),
    "rules.col.criteria": ("Criteria", "Số tiêu chí"),
    "rules.col.source": ("Source", "Nguồn"),
    "rules.col.file": ("File", "Tệp"),
    "rules.col.measure": ("Measure", "Cột dữ liệu"),
    "rules.col.region": ("Region", "Vùng"),
    "rules.col.threshold": ("Threshold", "Ngưỡng"),
    "rules.col.unit": ("Unit", "Đơn vị"),
    "rules.col.confirmed": ("Confirmed", "Xác nhận"),
    "rules.col.sector": ("Sector", "Ngành"),
    "rules.col.from": ("From", "Vị trí khai báo"),
    "rules.col.legal_basis": ("Legal basis", "Căn cứ pháp lý"),
    "rules.col.possible": ("Possible", "Khoảng có thể"),
    "template.made": (
        "{path}: {format} template, {columns} columns, {rows} commune row(s) pre-filled "
        "(rule set {ruleset})",
        "{path}: mẫu {format}, {columns} cột, điền sẵn {rows} dòng xã (bộ tiêu chí {ruleset})",
    ),
    # workbooks (--format xlsx): sheet names (at most 31 characters, none of []:*?/\) and labels
    "sheet.summary": ("Summary", "Tổng hợp"),
    "sheet.matrix": ("Matrix", "Kết quả theo tiêu chí"),
    "sheet.indicators": ("Indicators", "Chi tiết chỉ tiêu"),
    "sheet.problems": ("Problems", "Lỗi dữ liệu"),
    "sheet.candidates": ("Candidates", "Xã gần đạt chuẩn"),
    "sheet.changes": ("Changes", "Thay đổi"),
    "sheet.communes": ("Communes", "Các xã"),
    "xlsx.ruleset": ("Rule set", "Bộ tiêu chí"),
    "xlsx.legal_basis": ("Legal basis", "Căn cứ pháp lý"),
    "xlsx.input": ("Input file", "Tệp dữ liệu"),
    "xlsx.date": ("Date of the run", "Ngày đánh giá"),
    "xlsx.communes": ("Communes", "Số xã"),
    "xlsx.met": ("Meet the standard", "Đạt chuẩn"),
    "xlsx.not_met": ("Do not meet it", "Chưa đạt chuẩn"),
    "xlsx.not_evaluable": ("Could not be evaluated", "Chưa đánh giá được"),
    "xlsx.problems": ("Data problems", "Lỗi dữ liệu"),
    "xlsx.problems.none": ("none", "không có"),
    "xlsx.problems.see": (
        "{errors} error(s), {warnings} warning(s): see the sheet",
        "{errors} lỗi, {warnings} cảnh báo: xem trang tính",
    ),
    "xlsx.bands": ("Communes by criteria met", "Số xã theo số tiêu chí đạt"),
    "xlsx.criteria": ("Communes meeting each criterion", "Số xã đạt từng tiêu chí"),
    "xlsx.districts": ("By district", "Theo huyện"),
    "xlsx.by_class": ("By {name}", "Theo {name}"),
    "xlsx.criteria_met": ("Criteria met", "Số tiêu chí đạt"),
    "xlsx.indicator": ("Indicator", "Chỉ tiêu"),
    "xlsx.name": ("Name", "Tên chỉ tiêu"),
    "xlsx.op": ("Comparison", "So sánh"),
    "xlsx.from": ("Applies from", "Áp dụng từ năm"),
    "xlsx.unit": ("Unit", "Đơn vị"),
    "xlsx.verified": ("Threshold verified", "Ngưỡng đã xác nhận"),
    "xlsx.reason": ("Why not evaluable", "Lý do chưa đánh giá được"),
    "xlsx.yes": ("yes", "có"),
    "xlsx.no": ("no", "chưa"),
    "xlsx.file": ("File", "Tệp"),
    "xlsx.where": ("Cell or line:column", "Ô hoặc dòng:cột"),
    "xlsx.code": ("Code", "Mã lỗi"),
    "xlsx.column": ("Column", "Cột"),
    "xlsx.message": ("Message", "Nội dung"),
    "xlsx.severity": ("Severity", "Mức"),
    "xlsx.error": ("error", "lỗi"),
    "xlsx.warning": ("warning", "cảnh báo"),
    "xlsx.missing": ("Criteria missing", "Số tiêu chí còn thiếu"),
    "xlsx.left": ("What is left", "Còn thiếu"),
    "xlsx.to_go": ("To go", "Mức còn thiếu"),
    "xlsx.short": ("Communes not meeting the standard", "Số xã chưa đạt chuẩn"),
    "xlsx.old": ("Before", "Trước"),
    "xlsx.new": ("Now", "Nay"),
    "xlsx.both": ("Communes in both files", "Số xã có trong cả hai tệp"),
    "xlsx.old_met": ("Met the standard before", "Trước đạt chuẩn"),
    "xlsx.new_met": ("Meet it now", "Nay đạt chuẩn"),
    "xlsx.gained": ("gained the standard", "mới đạt chuẩn"),
    "xlsx.lost": ("lost the standard", "không còn đạt chuẩn"),
    "xlsx.kept": ("kept the standard", "giữ chuẩn"),
    "xlsx.standard": ("Standard", "Chuẩn nông thôn mới"),
    "xlsx.only_old": ("Only in the old file", "Chỉ có trong tệp trước"),
    "xlsx.only_new": ("Only in the new file", "Chỉ có trong tệp sau"),
}


def tr(lang: str, key: str, /, **fields: Any) -> str:
    """The message ``key`` in ``lang``, with ``fields`` filled in."""
    en, vi = MESSAGES[key]
    return (vi if lang == "vi" else en).format(**fields)


def status(lang: str, status_key: str) -> str:
    return tr(lang, "status." + status_key)


def reason(lang: str, text: str | None) -> str:
    """A not-evaluable reason in ``lang`` (``reasons.told``)."""
    from ntm_eval.reasons import told

    return told(text, lang)


def number(x: Any, lang: str = DEFAULT_LANG) -> str:
    """Fixed, lossless formatting: 80 → '80', 85.5 → '85.5' (vi: '85,5'), 79.999 → '79.999'."""
    if isinstance(x, bool):
        return tr(lang, "value.true" if x else "value.false")
    text = str(int(x)) if x == int(x) else repr(float(x))
    return text.replace(".", ",") if lang == "vi" else text


def count(n: int, lang: str = DEFAULT_LANG) -> str:
    """A whole count with thousands separators: 10,000 (vi: 10.000)."""
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "vi" else text


def percent(share: float, lang: str = DEFAULT_LANG) -> str:
    """A share 0–1 as a percentage with one decimal: 0.6559 → '65.6%' (vi: '65,6%')."""
    text = f"{share * 100:.1f}%"
    return text.replace(".", ",") if lang == "vi" else text


#: Unit labels of the rule files, in Vietnamese.
UNITS_VI = {"million VND/person/year": "triệu đồng/người/năm"}


def unit(label: str | None, lang: str) -> str | None:
    if label is None or lang != "vi":
        return label
    return UNITS_VI.get(label, label)


def value(x: Any, kind: str, unit_label: str | None, lang: str) -> str:
    """A measured value with its unit: '6.2%', '38.5 million VND/person/year', 'Đạt'."""
    if x is None:
        return "—"
    text = number(x, lang)
    if kind == "pct":
        return text + "%"
    if kind == "money" and unit_label:
        return f"{text} {unit(unit_label, lang)}"
    return text
