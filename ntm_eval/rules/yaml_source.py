"""Read plain YAML into Python values while remembering where each value came from.

PyYAML's loaders drop source positions, accept duplicate keys silently (the last one
wins) and, outside ``safe_load``, build arbitrary objects. Rule files need none of that:
we compose the node tree with the safe parser and build plain values ourselves, keeping
the line and column of every key and value so that any later check can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from ntm_eval.diagnostics import InputError, Problem
from ntm_eval.input import files

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_T = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_T + "str", _T + "int", _T + "float", _T + "bool", _T + "null"}

#: What to do instead, for the tags plain-looking text can get by accident.
_HINTS = {_T + "timestamp": "a date must be quoted text, e.g. '2020-01-01'"}
_HINTS_VI = {_T + "timestamp": "ngày tháng phải được viết trong dấu nháy, ví dụ '2020-01-01'"}

#: PyYAML's words for what is wrong, in Vietnamese (the most common ones; another is shown
#: in quotes, as the parser's own words).
_YAML_VI = {
    "mapping values are not allowed here": "không được có giá trị ánh xạ ở đây",
    "expected <block end>, but found '-'": "cần kết thúc khối nhưng gặp '-'",
    "could not find expected ':'": "không tìm thấy dấu ':' cần có",
    "did not find expected ',' or '}'": "không tìm thấy dấu ',' hoặc '}' cần có",
    "did not find expected ',' or ']'": "không tìm thấy dấu ',' hoặc ']' cần có",
    "did not find expected key": "không tìm thấy khóa cần có",
    "did not find expected '-' indicator": "không tìm thấy dấu '-' cần có",
    "did not find expected node content": "không tìm thấy nội dung cần có",
    "found unexpected ':'": "gặp dấu ':' không đúng chỗ",
    "found a tab character that violates indentation": "gặp ký tự tab làm sai thụt lề",
    "found unknown escape character": "gặp ký tự thoát (escape) không hợp lệ",
    "found character that cannot start any token": "gặp ký tự không thể bắt đầu một phần tử",
    "found unexpected end of stream": "tệp kết thúc khi chưa đóng",
    "while scanning a quoted scalar": "khi đọc một chuỗi trong dấu nháy",
    "while scanning a simple key": "khi đọc một khóa",
    "while parsing a block mapping": "khi đọc một ánh xạ dạng khối",
    "while parsing a flow mapping": "khi đọc một ánh xạ trong ngoặc nhọn",
    "while parsing a flow sequence": "khi đọc một danh sách trong ngoặc vuông",
    "while parsing a block collection": "khi đọc một khối",
    "found undefined alias": "gặp bí danh (alias) chưa được định nghĩa",
    "found duplicate anchor": "gặp neo (anchor) bị trùng",
}


def _yaml_vi(words: str) -> str:
    """PyYAML's ``words`` in Vietnamese, or quoted as they are."""
    for en, vi in _YAML_VI.items():
        if words.startswith(en):
            return vi + words[len(en) :]
    return f"'{words}'"


#: Bounds that keep a crafted file from exhausting memory (aliases can make a small
#: file expand into a huge tree).
MAX_BYTES = files.RULES.limit  # bytes of a rule file (files.RULES, checked before reading)
MAX_NODES = 200_000
MAX_DEPTH = 64  # a rule file nests about 10 levels; this keeps recursion far from Python's limit
#: A number longer than this is refused before it is converted (Python will not make an
#: int of more than 4,300 digits, and no value of a rule file needs more than a few).
MAX_NUMBER_LENGTH = 32

Pos = tuple[int, int]  # 1-based line and column
PathKey = tuple[str | int, ...]


class Loc(NamedTuple):
    """A place in a source file: its path as shown to the user, 1-based line and column."""

    path: str
    line: int
    col: int


@dataclass
class Positions:
    """Where each value (and each mapping key) sits in its source file.

    A rule set that extends another is built from several files, so each entry names
    its own file.
    """

    values: dict[PathKey, Loc] = field(default_factory=dict)
    keys: dict[PathKey, Loc] = field(default_factory=dict)

    def find(self, path: PathKey, prefer_key: bool = False) -> Loc | None:
        """Position of ``path``, or of its nearest enclosing value that has one."""
        path = tuple(path)
        if prefer_key and path in self.keys:
            return self.keys[path]
        while True:
            if path in self.values:
                return self.values[path]
            if not path:
                return None
            path = path[:-1]


def _pos(mark: Any) -> Pos:
    return (mark.line + 1, mark.column + 1)


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_T) :] if tag.startswith(_T) else tag


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.positions = Positions()
        self.problems: list[Problem] = []
        self.nodes = 0
        self.open: set[int] = set()  # collections being built: an alias back to one is a loop
        self.constructor = yaml.constructor.SafeConstructor()

    def problem(self, code: str, node: Any, message: str, vi: str) -> None:
        line, col = _pos(node.start_mark)
        self.problems.append(Problem(code, message, self.path, line, col, message_vi=vi))

    def tag_problem(self, node: Any) -> None:
        hint = _HINTS.get(
            node.tag,
            "rule files hold plain strings, numbers, booleans, null, lists and mappings only",
        )
        hint_vi = _HINTS_VI.get(
            node.tag,
            "tệp tiêu chí chỉ chứa chuỗi, số, true/false, null, danh sách và ánh xạ thông thường",
        )
        tag = _tag_name(node.tag)
        self.problem(
            "R004",
            node,
            f"tag '{tag}' is not allowed: {hint}",
            f"không được dùng thẻ (tag) '{tag}': {hint_vi}",
        )

    def build(self, node: Any, path: PathKey) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise InputError(
                [
                    Problem(
                        "R004",
                        f"more than {MAX_NODES:,} YAML nodes (aliases expanded); "
                        "rule files are small",
                        self.path,
                        *_pos(node.start_mark),
                        message_vi=f"hơn {MAX_NODES:,} nút YAML (sau khi mở rộng các alias); "
                        "tệp tiêu chí vốn nhỏ",
                    )
                ]
            )
        if len(path) > MAX_DEPTH:
            raise InputError(
                [
                    Problem(
                        "R004",
                        f"nested more than {MAX_DEPTH} levels deep; rule files are shallow",
                        self.path,
                        *_pos(node.start_mark),
                        message_vi=f"lồng sâu hơn {MAX_DEPTH} cấp; tệp tiêu chí chỉ lồng vài cấp",
                    )
                ]
            )
        self.positions.values[path] = Loc(self.path, *_pos(node.start_mark))
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                self.tag_problem(node)
                return None
            if node.tag in (_T + "int", _T + "float") and len(node.value) > MAX_NUMBER_LENGTH:
                self.problem(
                    "R024",
                    node,
                    f"a number {len(node.value):,} characters long: no number in a rule file "
                    f"needs more than {MAX_NUMBER_LENGTH}",
                    f"một số dài {len(node.value):,} ký tự: không số nào trong tệp tiêu chí "
                    f"cần dài hơn {MAX_NUMBER_LENGTH}",
                )
                return None
            return self.constructor.construct_object(node)
        if id(node) in self.open:
            self.problem(
                "R004",
                node,
                "an alias refers to a list or mapping that contains it; "
                "rule files cannot be recursive",
                "một alias trỏ tới danh sách hoặc ánh xạ chứa chính nó; tệp tiêu chí không "
                "được đệ quy",
            )
            return None
        self.open.add(id(node))
        try:
            return self._collection(node, path)
        finally:
            self.open.discard(id(node))

    def _collection(self, node: Any, path: PathKey) -> Any:
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _T + "seq":
                self.tag_problem(node)
                return None
            return [self.build(child, path + (i,)) for i, child in enumerate(node.value)]
        if node.tag != _T + "map":
            self.tag_problem(node)
            return None
        result: dict[Any, Any] = {}
        first_seen: dict[Any, Pos] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _T + "merge":
                self.problem(
                    "R004",
                    key_node,
                    "merge keys ('<<') are not allowed: write the values out, or use 'extends'",
                    "không được dùng khóa gộp ('<<'): hãy viết đầy đủ các giá trị, hoặc dùng "
                    "'extends'",
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                self.problem(
                    "R012",
                    key_node,
                    "a mapping key must be a plain string or number",
                    "khóa của ánh xạ phải là chuỗi hoặc số thông thường",
                )
                continue
            key = self.constructor.construct_object(key_node)
            if key in first_seen:
                line, col = first_seen[key]
                self.problem(
                    "R003",
                    key_node,
                    f"key '{key}' appears twice in this mapping (first at line {line}, "
                    f"column {col}); YAML would silently keep only the last one",
                    f"khóa '{key}' xuất hiện hai lần trong ánh xạ này (lần đầu ở dòng {line}, "
                    f"cột {col}); YAML sẽ lặng lẽ chỉ giữ lần cuối",
                )
                continue
            first_seen[key] = _pos(key_node.start_mark)
            self.positions.keys[path + (key,)] = Loc(self.path, *first_seen[key])
            result[key] = self.build(value_node, path + (key,))
        return result


def load_yaml(path: Path, display: str | None = None) -> tuple[Any, Positions]:
    """Read ``path`` as plain YAML.

    Returns the document and the positions of its parts. Raises ``InputError`` with
    every problem found when the file cannot be read or is not plain YAML.
    """
    shown = display or str(path)
    raw = files.read_bytes(path, shown, files.RULES)  # MAX_BYTES at most
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            [
                Problem(
                    "R001",
                    f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at "
                    f"offset {exc.start}); save the file as UTF-8",
                    shown,
                    line,
                    message_vi=f"không phải văn bản UTF-8 (byte 0x{raw[exc.start]:02x} ở vị trí "
                    f"{exc.start}); hãy lưu tệp với mã hóa UTF-8",
                )
            ]
        ) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except RecursionError:  # the pure-Python parser (no libyaml) does not bound nesting
        raise InputError(
            [Problem("R004", "nested too deeply", shown, message_vi="lồng quá sâu")]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _pos(mark) if mark else (None, None)  # type: ignore[assignment]
        what = exc.problem or exc.context or "syntax error"
        what_vi = _yaml_vi(what) if what != "syntax error" else "sai cú pháp"
        if what == "but found another document":
            what = "a rule file holds one YAML document; a second one starts here"
            what_vi = "tệp tiêu chí chỉ chứa một tài liệu YAML; tài liệu thứ hai bắt đầu ở đây"
        elif exc.problem and exc.context and exc.context_mark:  # where the open part began
            where = _pos(exc.context_mark)
            what += f" ({exc.context} that starts at line {where[0]}, column {where[1]})"
            what_vi += f" ({_yaml_vi(exc.context)} bắt đầu ở dòng {where[0]}, cột {where[1]})"
        raise InputError(
            [
                Problem(
                    "R002",
                    f"YAML syntax error: {what}",
                    shown,
                    line,
                    col,
                    message_vi=f"lỗi cú pháp YAML: {what_vi}",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:  # e.g. a second document in the file
        raise InputError(
            [Problem("R002", f"YAML error: {exc}", shown, message_vi=f"lỗi YAML: '{exc}'")]
        ) from None
    if node is None:
        raise InputError(
            [
                Problem(
                    "R002",
                    "the file is empty; a rule file is a YAML mapping",
                    shown,
                    message_vi="tệp trống; tệp tiêu chí là một ánh xạ YAML",
                )
            ]
        )
    builder = _Builder(shown)
    data = builder.build(node, ())
    if builder.problems:
        raise InputError(builder.problems)
    return data, builder.positions
