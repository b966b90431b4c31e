"""Problems found in input files, each with a stable code and a location.

Every problem is one line: ``path:line:col: severity [CODE] message``. The sentence is
built here, from structured fields, so call sites never format messages themselves. Text
from a file in a message is shown with ``shown.quoted`` (escaped, cut to a bound); every
message, path and cell name is escaped again where a problem is made or placed, so no
control character from a file reaches a terminal through a problem line (``shown``).
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from typing import NamedTuple

from ntm_eval.shown import printable, quoted

#: Every code the tool can emit, with a one-line title. Codes are permanent: a code may
#: be retired but never reused for something else. R = rule file, D = data file,
#: W = warning about a file, U = usage (an option value, an output file, a compared file).
CODES: dict[str, str] = {
    "R001": "rule file cannot be read",
    "R002": "rule file is not valid YAML",
    "R003": "duplicate key in a YAML mapping",
    "R004": "YAML feature not allowed in rule files",
    "R010": "unknown key",
    "R011": "required key missing",
    "R012": "value has the wrong type or form",
    "R020": "duplicate id or column",
    "R021": "reference to an undeclared group, sector or region",
    "R022": "region without a threshold",
    "R023": "comparison or threshold does not fit the measure's kind",
    "R024": "threshold out of range",
    "R025": "indicator id does not belong to its criterion",
    "R030": "the rule set a file extends is missing or has errors",
    "R031": "rule files extend one another in a cycle, or too deeply",
    "R032": "an override loosens a threshold without a reason",
    "R033": "an override changes a measure's kind or comparison",
    "R034": "year after the rule set's period, or a period that ends before it starts",
    "R035": "extends names a file that is not a rule file",
    "D001": "data file cannot be read",
    "D002": "identity column missing",
    "D003": "measure column missing",
    "D004": "column header appears twice",
    "D005": "row has the wrong number of cells",
    "D006": "quoted cell runs over line ends (a stray quote?)",
    "D007": "cell too long to read",
    "D010": "not a number",
    "D011": "percentage outside 0–100",
    "D012": "count is not a whole number ≥ 0",
    "D013": "money is negative",
    "D014": "not a yes/no judgement",
    "D015": "column header says a unit the measure's values are not in",
    "D020": "required identity value missing",
    "D021": "unknown region",
    "D022": "invalid year",
    "D023": "commune code repeated for the same year",
    "D030": "unit list cannot be read",
    "D031": "commune code not in the unit list",
    "D032": "commune code and name, district or province disagree with the unit list",
    "D033": "ward, town or special zone: the criteria apply to rural communes (xã) only",
    "D034": "code of a unit that no longer exists since the reorganisation of 1 July 2025",
    "D040": "number with an ambiguous thousands separator",
    "D050": "worksheet row number stored twice",
    "D051": "workbook cell or shared string longer than Excel allows",
    "W101": "unknown column (not used by the rule set)",
    "W102": "year outside the rule set's period",
    "W103": "no threshold for the row's year in this rule set (one warning per file, with the count)",
    "U001": "unknown sector",
    "U002": "unknown criterion or indicator id",
    "U003": "filter value matches no commune in the data",
    "U004": "filters keep no criterion",
    "U005": "unknown status",
    "U010": "output file cannot be written",
    "U011": "output target is not a regular file",
    "U012": "output file is one of the run's inputs",
    "U013": "output format does not fit the output file's name (a workbook is .xlsx)",
    "U014": "a workbook cannot be written to a terminal",
    "U020": "compared file is neither commune data nor a check JSON result",
    "U021": "compared file has several rows for one commune; the latest year is compared",
    "U022": "compared files were judged with different rule sets",
    "U030": "file or folder named on the command line does not exist",
    "U031": "folder named on the command line holds no rule files",
    "U040": "unknown key in the configuration file",
    "U041": "configuration value a setting cannot take",
    "U042": "configuration file cannot be read or is not valid TOML",
    "U043": "NTM_EVAL_LANG is neither en nor vi",
    "W110": "look-alike letters replaced by Vietnamese letters",
    "W111": "letter not used in Vietnamese",
    "W112": "rows of a province the unit list does not cover: not checked against it",
    "W113": "rows above the header row skipped",
    "W114": "district given against a unit list without districts (after 1 July 2025)",
    "W120": "value far outside what is possible for its measure (its unit?)",
    "W130": "hidden worksheet read because --sheet names it",
    "W131": "number formatted as a percentage in a column that is not a percentage",
    "W301": "threshold values marked unverified (one line per rule file, with the count)",
}


#: Each code's title in Vietnamese (wording of docs/glossary.md); a test checks that every
#: code has one.
CODES_VI: dict[str, str] = {
    "R001": "không đọc được tệp tiêu chí",
    "R002": "tệp tiêu chí không đúng cú pháp YAML",
    "R003": "khóa bị lặp trong một ánh xạ YAML",
    "R004": "tệp tiêu chí dùng tính năng YAML không được phép",
    "R010": "khóa không được hỗ trợ",
    "R011": "thiếu khóa bắt buộc",
    "R012": "giá trị sai kiểu hoặc sai dạng",
    "R020": "mã hoặc cột bị trùng",
    "R021": "tham chiếu tới nhóm, ngành hoặc vùng chưa khai báo",
    "R022": "vùng chưa có ngưỡng",
    "R023": "phép so sánh hoặc ngưỡng không phù hợp với loại chỉ số đo",
    "R024": "ngưỡng nằm ngoài khoảng cho phép",
    "R025": "mã chỉ tiêu không thuộc tiêu chí của nó",
    "R030": "bộ tiêu chí được kế thừa (extends) không có hoặc có lỗi",
    "R031": "các tệp tiêu chí kế thừa lẫn nhau thành vòng, hoặc lồng quá sâu",
    "R032": "nới lỏng ngưỡng mà không nêu lý do",
    "R033": "thay đổi loại hoặc phép so sánh của chỉ số đo",
    "R034": "năm sau giai đoạn của bộ tiêu chí, hoặc giai đoạn kết thúc trước khi bắt đầu",
    "R035": "extends trỏ tới tệp không phải tệp tiêu chí",
    "D001": "không đọc được tệp dữ liệu",
    "D002": "thiếu cột định danh",
    "D003": "thiếu cột chỉ số đo",
    "D004": "tiêu đề cột xuất hiện hai lần",
    "D005": "dòng có số ô không đúng",
    "D006": "ô có dấu ngoặc kép kéo dài qua nhiều dòng (thừa dấu ngoặc kép?)",
    "D007": "ô quá dài, không đọc được",
    "D010": "không phải là số",
    "D011": "tỷ lệ phần trăm nằm ngoài khoảng 0–100",
    "D012": "số đếm không phải số nguyên ≥ 0",
    "D013": "số tiền bị âm",
    "D014": "không phải giá trị Đạt/Chưa đạt (có/không)",
    "D015": "tiêu đề cột ghi đơn vị khác với đơn vị của chỉ số đo",
    "D020": "thiếu giá trị định danh bắt buộc",
    "D021": "vùng không xác định",
    "D022": "năm không hợp lệ",
    "D023": "mã xã bị lặp trong cùng một năm",
    "D030": "không đọc được danh mục đơn vị hành chính",
    "D031": "mã xã không có trong danh mục đơn vị hành chính",
    "D032": "mã và tên xã, huyện hoặc tỉnh không khớp với danh mục đơn vị hành chính",
    "D033": "phường, thị trấn hoặc đặc khu: bộ tiêu chí chỉ áp dụng cho xã",
    "D034": "mã của đơn vị không còn tồn tại sau sắp xếp đơn vị hành chính ngày 1/7/2025",
    "D040": "số có dấu phân cách hàng nghìn không rõ ràng",
    "D050": "số dòng của trang tính được lưu hai lần",
    "D051": "ô hoặc chuỗi dùng chung dài hơn giới hạn của Excel",
    "W101": "cột không được bộ tiêu chí sử dụng",
    "W102": "năm nằm ngoài giai đoạn của bộ tiêu chí",
    "W103": "không có ngưỡng cho năm của dòng trong bộ tiêu chí (một cảnh báo cho mỗi tệp, kèm số dòng)",
    "U001": "ngành không có trong bộ tiêu chí",
    "U002": "mã tiêu chí hoặc chỉ tiêu không có trong bộ tiêu chí",
    "U003": "giá trị bộ lọc không khớp với xã nào trong dữ liệu",
    "U004": "các bộ lọc không giữ lại tiêu chí nào",
    "U005": "kết quả không hợp lệ",
    "U010": "không ghi được tệp kết quả",
    "U011": "nơi ghi kết quả không phải là tệp thông thường",
    "U012": "tệp kết quả trùng với một tệp đầu vào",
    "U013": "định dạng kết quả không khớp với tên tệp (sổ tính phải có đuôi .xlsx)",
    "U014": "không thể ghi sổ tính ra màn hình",
    "U020": "tệp so sánh không phải dữ liệu xã cũng không phải kết quả JSON của lệnh check",
    "U021": "tệp so sánh có nhiều dòng cho một xã; chỉ so sánh năm gần nhất",
    "U022": "hai tệp so sánh được đánh giá theo hai bộ tiêu chí khác nhau",
    "U030": "tệp hoặc thư mục ghi trên dòng lệnh không tồn tại",
    "U031": "thư mục ghi trên dòng lệnh không có tệp tiêu chí nào",
    "U040": "khóa không có trong tệp cấu hình",
    "U041": "giá trị cấu hình không hợp lệ cho thiết lập này",
    "U042": "không đọc được tệp cấu hình hoặc tệp không đúng cú pháp TOML",
    "U043": "NTM_EVAL_LANG không phải en hoặc vi",
    "W110": "chữ trông giống đã được thay bằng chữ tiếng Việt",
    "W111": "chữ cái không dùng trong tiếng Việt",
    "W112": "các dòng của tỉnh không có trong danh mục đơn vị hành chính: không được đối chiếu",
    "W113": "bỏ qua các dòng phía trên dòng tiêu đề",
    "W114": "có ghi huyện nhưng danh mục đơn vị hành chính không còn cấp huyện (sau 1/7/2025)",
    "W120": "giá trị vượt xa mức có thể của chỉ số đo (sai đơn vị?)",
    "W130": "đọc trang tính ẩn vì --sheet chỉ định trang này",
    "W131": "số định dạng phần trăm trong cột không phải tỷ lệ phần trăm",
    "W301": "ngưỡng được đánh dấu chưa xác nhận (mỗi tệp tiêu chí một dòng, kèm số lượng)",
}


def title_vi(code: str) -> str:
    """The Vietnamese title of ``code`` (its English one for a code without it: only a
    code a test registers for itself)."""
    return CODES_VI.get(code) or CODES[code]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in one file, located as precisely as the file format allows."""

    code: str
    message: str
    path: str
    line: int | None = None
    col: int | None = None
    column: str | None = None  # data column key, when the problem concerns one
    value: str | None = None
    severity: str = "error"
    cell: str | None = None  # spreadsheet cell or row, e.g. "Sheet1!D17" or "Sheet1!17:17"
    #: The sentence in Vietnamese, built with ``message`` where the problem is found (every
    #: problem ntm-eval makes has one: tests/test_vietnamese_lines.py); None only for one
    #: made elsewhere without it (``text`` then leads with the code's title).
    message_vi: str | None = None

    def __post_init__(self) -> None:
        if self.code not in CODES:  # a programming error, caught by the test suite
            raise ValueError(f"unregistered problem code {self.code}")
        # The sentence is shown as it is everywhere (stderr, JSON, HTML): one line, and no
        # control from a value a call site embedded raw. ``value`` stays raw.
        object.__setattr__(self, "message", printable(self.message))
        if self.message_vi is not None:
            object.__setattr__(self, "message_vi", printable(self.message_vi))

    def text(self, lang: str = "en") -> str:
        """The sentence in ``lang``: in Vietnamese, the problem's own Vietnamese sentence,
        or the code's Vietnamese title followed by the English details."""
        if lang != "vi":
            return self.message
        if self.message_vi is not None:
            return self.message_vi
        title = CODES_VI.get(self.code)  # every shipped code has one (a test checks)
        return f"{title} — {self.message}" if title else self.message

    def where(self, lang: str = "en") -> str:
        """Where it is, for a sentence: 'cell AC21' / 'line 21, column 29' (vi: 'ô AC21')."""
        vi = lang == "vi"
        if self.cell is not None:
            cell = printable(self.cell.rpartition("!")[2])
            return ("ô " if vi else "cell ") + cell
        if self.line is None:
            return printable(self.path)
        if self.col is None:
            return ("dòng " if vi else "line ") + str(self.line)
        return f"dòng {self.line}, cột {self.col}" if vi else f"line {self.line}, column {self.col}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def location(self) -> str:
        """``path:line:col`` or ``path:Sheet1!D17``; the path and sheet name escaped."""
        if self.cell is not None:
            return printable(f"{self.path}:{self.cell}")
        parts = [printable(self.path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def format(self, color: bool = False, lang: str = "en") -> str:
        """``path:line:col: severity [CODE] message``; the severity tinted when ``color``;
        the severity and sentence in ``lang`` (location and code never change)."""
        severity = SEVERITY_VI[self.severity] if lang == "vi" else self.severity
        if color:
            severity = ("\x1b[31m" if self.is_error else "\x1b[33m") + severity + "\x1b[0m"
        return f"{self.location()}: {severity} [{self.code}] {self.text(lang)}"

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "column": self.column,
            "value": self.value,
            "cell": self.cell,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "message_vi": self.text("vi"),
        }


def column_label(column: str, header: str | None = None, lang: str = "en") -> str:
    """``column 'poverty_rate_pct'``, plus the header as written when it is another name
    (both shown escaped and bounded: a header is text from the file); vi: ``cột '…'``."""
    word = "cột" if lang == "vi" else "column"
    if header is None or header.strip() == column:
        return f"{word} {quoted(column)}"
    return f"{word} {quoted(column)} ({quoted(header.strip())})"


#: Severity words of problem lines in Vietnamese.
SEVERITY_VI = {"error": "lỗi", "warning": "cảnh báo"}

#: Phrases of what a cell should hold (``CellError.expected``), in Vietnamese, longest
#: first: ``expected_vi`` replaces each where it occurs.
EXPECTED_VI: tuple[tuple[str, str], ...] = (
    (
        "a percentage from 0 to 100 (e.g. 85.5, 85,5 or 85.5%)",
        "tỷ lệ phần trăm từ 0 đến 100 (ví dụ 85.5, 85,5 hoặc 85.5%)",
    ),
    ("a percentage from 0 to 100", "tỷ lệ phần trăm từ 0 đến 100"),
    ("a whole number ≥ 0", "số nguyên ≥ 0"),
    (
        "an amount ≥ 0 in million VND (e.g. 41.5 or 41,5)",
        "số tiền ≥ 0, tính bằng triệu đồng (ví dụ 41.5 hoặc 41,5)",
    ),
    ("an amount ≥ 0 in million VND", "số tiền ≥ 0, tính bằng triệu đồng"),
    ("a yes/no judgement: ", "kết quả Đạt/Chưa đạt: "),
    ("(did you mean ", "(có phải là "),
    ("a year such as 2020", "năm, ví dụ 2020"),
    ("a region: ", "vùng: "),
    (" (or its Vietnamese name)", " (hoặc tên tiếng Việt của vùng)"),
    (
        " — the cell holds a date or time; format the column as Number and type the value again",
        " — ô chứa ngày hoặc giờ; hãy định dạng cột là Số (Number) và nhập lại giá trị",
    ),
    ("an unambiguous number: ", "số viết không gây nhầm lẫn: "),
)


def expected_vi(expected: str) -> str:
    """What a cell should hold, in Vietnamese (phrases not in ``EXPECTED_VI`` stay)."""
    for en, vi in EXPECTED_VI:
        expected = expected.replace(en, vi)
    return expected


#: What the system says of a file it cannot open or write, by ``errno``, in Vietnamese.
OS_ERRORS_VI = {
    errno.ENOENT: "không có tệp hoặc thư mục này",
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "thao tác không được phép",
    errno.EISDIR: "đây là một thư mục",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.ENOSPC: "ổ đĩa đã hết chỗ trống",
    errno.EROFS: "hệ thống tệp chỉ cho phép đọc",
    errno.EEXIST: "tệp đã tồn tại",
    errno.ENAMETOOLONG: "tên tệp quá dài",
    errno.EBUSY: "tệp đang được dùng",
    errno.ELOOP: "đường dẫn có quá nhiều liên kết tượng trưng",
}


def os_error_vi(exc: OSError) -> str:
    """Why the system refused, in Vietnamese (an error without a translation: its own
    words, quoted)."""
    said = OS_ERRORS_VI.get(exc.errno or 0)
    return said if said is not None else f"'{exc.strerror or exc}'"


class Finding(NamedTuple):
    """What one cell's text says is wrong, before it is placed: the same text gives the
    same finding on every row (a reader remembers it), and ``at`` places it."""

    code: str
    message: str
    value: str | None = None
    severity: str = "error"
    message_vi: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def at(self, path: str, line: int, col: int | None, column: str | None) -> Problem:
        return Problem(
            self.code,
            self.message,
            path,
            line,
            col,
            column=column,
            value=self.value,
            severity=self.severity,
            message_vi=self.message_vi,
        )


def cell_finding(code: str, column: str, header: str | None, value: str, expected: str) -> Finding:
    """A data cell that does not hold what its column needs."""
    return value_finding(
        code, column_label(column, header), value, expected, column_label(column, header, "vi")
    )


def value_finding(
    code: str,
    label: str,
    value: str,
    expected: str,
    label_vi: str | None = None,
    expected_in_vi: str | None = None,
) -> Finding:
    """``label: value '…' — expected …``: the value as written, escaped and cut to
    ``shown.VALUE`` characters (``Finding.value`` keeps it whole); in Vietnamese too
    (``label_vi``: the label in Vietnamese, else ``label`` with its first word translated;
    ``expected_in_vi``: what is expected in Vietnamese, else ``expected_vi(expected)``)."""
    if label_vi is None:
        label_vi = "cột" + label[6:] if label.startswith("column") else label
    if expected_in_vi is None:
        expected_in_vi = expected_vi(expected)
    return Finding(
        code,
        f"{label}: value {quoted(value)} — expected {expected}",
        value,
        message_vi=f"{label_vi}: giá trị {quoted(value)} — cần {expected_in_vi}",
    )


class HasProblems:
    """Mixin for results that carry ``problems``: the errors and the warnings among them."""

    __slots__ = ()
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


@dataclass
class InputError(Exception):
    """The tool could not do its job with the input it was given.

    Carries every problem found, so the user can fix them all in one go.
    """

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(p.format() for p in self.problems)
