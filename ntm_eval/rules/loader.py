"""Rule files → a checked ``RuleSet``: YAML with positions, what a file extends, the
structure (pydantic) and the meaning (``meaning``); every problem at once, located."""

from __future__ import annotations

import difflib
import os
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from ntm_eval.diagnostics import InputError, Problem
from ntm_eval.rules.meaning import check_meaning, check_overrides, problem_at
from ntm_eval.rules.model import RuleSet
from ntm_eval.rules.overlay import overlay
from ntm_eval.rules.yaml_source import PathKey, Positions, load_yaml
from ntm_eval.shipped import (  # noqa: F401  (their home before; callers import them here)
    default_rules_path,
    example_sets,
    shipped_rules_dir,
    shipped_sets,
)

#: Keys a file that extends another must state itself, not inherit.
OWN_KEYS = ("schema_version", "id", "title", "legal_basis")
MAX_EXTENDS = 8  # provincial sets are one or two levels deep; a longer chain is a mistake
RULE_SUFFIXES = (".yaml", ".yml")


def is_path_reference(ref: str) -> bool:
    """Whether a set reference (``extends``, ``rules show SET``) names a file, not an id."""
    return ref.endswith(RULE_SUFFIXES) or "/" in ref or "\\" in ref


def display_path(path: Path) -> str:
    """``path`` as shown to people: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class LoadedRules:
    """A resolved rule set, where each of its values comes from, and the set it extends."""

    ruleset: RuleSet
    positions: Positions
    path: str  # the file as shown to people
    parent: LoadedRules | None = None

    @property
    def files(self) -> list[str]:
        """This file, then each file it extends, nearest first."""
        chain: list[str] = []
        node: LoadedRules | None = self
        while node is not None:
            chain.append(node.path)
            node = node.parent
        return chain


def load_rules(path: Path, display: str | None = None) -> RuleSet:
    """Load and check a rule file, resolving what it extends; raise ``InputError`` listing
    every problem."""
    return load_rule_source(path, display).ruleset


def load_rule_source(path: Path, display: str | None = None) -> LoadedRules:
    """Like ``load_rules``, keeping where every value comes from."""
    return _load(path, display or str(path), ())[0]


def _load(
    path: Path, shown: str, chain: tuple[tuple[Path, str], ...], read: tuple | None = None
) -> tuple[LoadedRules, dict]:
    """The rule set in ``path`` (``read``: its YAML, when already read), extending the files
    of ``chain``."""
    data, positions = read or load_yaml(path, shown)
    if not isinstance(data, dict):
        _, line, col = positions.find(()) or (shown, 1, 1)
        raise InputError(
            [
                Problem(
                    "R012",
                    "the top level of a rule file must be a mapping (schema_version, id, title, …)",
                    shown,
                    line,
                    col,
                    message_vi="cấp ngoài cùng của tệp tiêu chí phải là một ánh xạ "
                    "(schema_version, id, title, …)",
                )
            ]
        )
    if "extends" not in data:
        return _checked(data, positions, shown, None), data

    def at(code: str, loc: PathKey, message: str, vi: str) -> Problem:
        return problem_at(code, message, positions, loc, shown, message_vi=vi)

    own = [
        at(
            "R011",
            (),
            f"required key '{key}' missing: a rule file that extends another states its own",
            f"thiếu khóa bắt buộc '{key}': tệp tiêu chí kế thừa tệp khác phải tự ghi khóa này",
        )
        for key in OWN_KEYS
        if key not in data
    ]
    ref = data["extends"]
    parent_path, parent_shown = _parent_file(ref, path, shown, at)
    seen = chain + ((path.resolve(), shown),)
    resolved = [p for p, _ in seen]
    if parent_path.resolve() in resolved:
        loop = [s for _, s in seen[resolved.index(parent_path.resolve()) :]] + [parent_shown]
        cycle = " → ".join(loop)
        raise InputError(
            [at("R031", ("extends",), "extends cycle: " + cycle, "kế thừa thành vòng: " + cycle)]
            + own
        )
    if len(seen) > MAX_EXTENDS:
        raise InputError(
            [
                at(
                    "R031",
                    ("extends",),
                    f"more than {MAX_EXTENDS} rule files "
                    "extend one another: " + " → ".join(s for _, s in seen),
                    f"hơn {MAX_EXTENDS} tệp tiêu chí kế thừa lẫn nhau: "
                    + " → ".join(s for _, s in seen),
                )
            ]
            + own
        )
    named = f"'{ref}'" + ("" if parent_shown == ref else f" ({parent_shown})")
    try:
        parent_read = load_yaml(parent_path, parent_shown)
        if not _is_rule_file(parent_read[0]):
            foreign = at(
                "R035",
                ("extends",),
                f"extends {named}: not a rule file (no schema_version at its top level); "
                "its content is not shown",
                f"extends {named}: không phải tệp tiêu chí (cấp ngoài cùng không có "
                "schema_version); nội dung của tệp không được hiển thị",
            )
            raise InputError([foreign] + own)
        parent, parent_data = _load(parent_path, parent_shown, seen, parent_read)
    except InputError as exc:
        if exc.problems[0].code == "R035" and exc.problems[0].path == shown:
            raise
        note = at(
            "R030",
            ("extends",),
            f"extends {named}, which has errors",
            f"extends {named}: tệp này có lỗi",
        )
        raise InputError([note] + own + exc.problems) from None
    if own:
        raise InputError(own)
    if data["id"] == parent.ruleset.id:
        raise InputError(
            [
                at(
                    "R020",
                    ("id",),
                    f"id '{data['id']}' is the id of the set it extends; give this set its own id",
                    f"id '{data['id']}' trùng với id của bộ tiêu chí được kế thừa; hãy đặt "
                    "id riêng cho bộ này",
                )
            ]
        )
    merged, merged_positions = overlay(parent_data, parent.positions, data, positions)
    return _checked(merged, merged_positions, shown, parent), merged


def _parent_file(ref: Any, path: Path, shown: str, at: Any) -> tuple[Path, str]:
    """The file ``extends: ref`` names: a path (relative to the extending file) or the id
    of a shipped set."""
    if not isinstance(ref, str) or not ref.strip():
        raise InputError(
            [
                at(
                    "R012",
                    ("extends",),
                    "extends: give the id of a shipped rule set "
                    "(e.g. national-2016-2020) or the path of a rule file",
                    "extends: hãy ghi id của một bộ tiêu chí đi kèm công cụ "
                    "(ví dụ national-2016-2020) hoặc đường dẫn của một tệp tiêu chí",
                )
            ]
        )
    if is_path_reference(ref):
        target = path.parent / ref
        parent_shown = os.path.normpath(os.path.join(os.path.dirname(shown), ref))
        if not ref.lower().endswith(RULE_SUFFIXES):
            raise InputError(
                [
                    at(
                        "R035",
                        ("extends",),
                        f"extends '{ref}': a rule file's name ends in .yaml or .yml; "
                        "nothing else is read",
                        f"extends '{ref}': tên tệp tiêu chí phải có đuôi .yaml hoặc .yml; "
                        "tệp khác không được đọc",
                    )
                ]
            )
        if not target.is_file():
            raise InputError(
                [
                    at(
                        "R030",
                        ("extends",),
                        f"extends '{ref}': no such file ({parent_shown})",
                        f"extends '{ref}': không có tệp này ({parent_shown})",
                    )
                ]
            )
        return target, parent_shown
    shipped = shipped_sets()
    if ref not in shipped:
        raise InputError(
            [
                at(
                    "R030",
                    ("extends",),
                    f"extends '{ref}': no shipped rule set has "
                    f"this id (shipped: {', '.join(shipped)}); a file is named by a "
                    "path ending in .yaml",
                    f"extends '{ref}': không có bộ tiêu chí đi kèm nào có id này "
                    f"(đi kèm: {', '.join(shipped)}); một tệp được ghi bằng đường dẫn có "
                    "đuôi .yaml",
                )
            ]
        )
    return shipped[ref], display_path(shipped[ref])


def _is_rule_file(data: Any) -> bool:
    """Whether YAML read for ``extends`` is a rule file: a mapping with ``schema_version``.
    Anything else is never checked key by key, so that a file named by mistake (or on
    purpose: ``extends: ../../secrets.yaml``) is not listed back as unknown keys."""
    return isinstance(data, dict) and "schema_version" in data


def _checked(
    data: dict, positions: Positions, shown: str, parent: LoadedRules | None
) -> LoadedRules:
    """Validate a (resolved) rule set: its structure, its meaning, and its overrides."""
    try:
        ruleset = RuleSet.model_validate(data)
    except ValidationError as exc:
        problems = [_pydantic_problem(err, positions, shown, data) for err in exc.errors()]
        raise InputError(sorted(problems, key=_order)) from None
    problems = check_meaning(ruleset, positions, shown)
    if parent is not None:
        problems += check_overrides(parent.ruleset, ruleset, positions, shown)
    if problems:
        raise InputError(sorted(problems, key=_order))
    return LoadedRules(ruleset, positions, shown, parent)


def _order(p: Problem) -> tuple:
    return (p.path, p.line or 0, p.col or 0, p.code)


def _dotted(loc: PathKey, data: Any = None) -> str:
    """``criteria[id=14].indicators[id=14.3].name``: list items by their id when they have
    one (an index into a set that extends another would not match the file)."""
    out, node = "", data
    for part in loc:
        if isinstance(node, dict):
            item = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            item = node[part]
        else:
            item = None
        if isinstance(part, int):
            ident = next(
                (
                    k
                    for k in ("id", "column")
                    if isinstance(item, dict) and isinstance(item.get(k), (str, int))
                ),
                None,
            )
            out += f"[{ident}={item[ident]}]" if ident and item else f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
        node = item
    return out or "(top level)"


def model_at(loc: PathKey) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping at ``loc``, if any."""
    tp: Any = RuleSet
    for part in loc:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = next((f for n, f in tp.model_fields.items() if part in (n, f.alias)), None)
            if field is None:
                return None
            tp = field.annotation
        else:
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[-1] if args else None
        while typing.get_origin(tp) in (Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0] if len(args) == 1 else None
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


def _dotted_vi(loc: PathKey, data: Any = None) -> str:
    """``_dotted`` for a Vietnamese sentence: the top level is 'cấp ngoài cùng'."""
    where = _dotted(loc, data)
    return "cấp ngoài cùng" if where == "(top level)" else where


def _pydantic_problem(err: Any, positions: Positions, path: str, data: Any = None) -> Problem:
    # Custom validators report at the field; drop pydantic's internal loc parts.
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    kind = err["type"]
    if kind == "extra_forbidden":
        key = loc[-1]
        model = model_at(loc[:-1])
        allowed = _keys_of(model) if model else []
        hint = difflib.get_close_matches(str(key), allowed, n=1)
        where = _dotted(loc[:-1], data)
        msg = f"unknown key '{key}' in {where}"
        msg += (
            f"; did you mean '{hint[0]}'?"
            if hint
            else (f"; expected one of: {', '.join(allowed)}" if allowed else "")
        )
        where_vi = _dotted_vi(loc[:-1], data)
        vi = f"khóa '{key}' không được hỗ trợ trong {where_vi}"
        vi += (
            f"; có phải là '{hint[0]}'?"
            if hint
            else (f"; cần một trong các khóa: {', '.join(allowed)}" if allowed else "")
        )
        return problem_at("R010", msg, positions, loc, path, key=True, message_vi=vi)
    if kind == "ntm_year":  # point at the offending year key, not the whole mapping
        return problem_at(
            "R012",
            f"{_dotted(loc, data)}: {err['msg']}",
            positions,
            loc + (err["ctx"]["year"],),
            path,
            key=True,
            message_vi=f"{_dotted_vi(loc, data)}: {pydantic_vi(err)}",
        )
    if kind == "missing":
        return problem_at(
            "R011",
            f"required key '{loc[-1]}' missing in {_dotted(loc[:-1], data)}",
            positions,
            loc[:-1],
            path,
            message_vi=f"thiếu khóa bắt buộc '{loc[-1]}' trong {_dotted_vi(loc[:-1], data)}",
        )
    shown = err.get("input")
    value = "" if isinstance(shown, (dict, list)) else f" (got {shown!r})"
    value_vi = "" if isinstance(shown, (dict, list)) else f" (đang là {shown!r})"
    return problem_at(
        "R012",
        f"{_dotted(loc, data)}: {err['msg']}{value}",
        positions,
        loc,
        path,
        message_vi=f"{_dotted_vi(loc, data)}: {pydantic_vi(err)}{value_vi}",
    )


#: What pydantic says of a value, by its error type, in Vietnamese (``{…}``: its ``ctx``).
_PYDANTIC_VI = {
    "ntm_year": "khóa năm {year} không phải là năm từ 1900 đến 2100",
    "ntm_threshold": "ngưỡng phải là số, true/false hoặc ánh xạ {{NĂM: giá trị}} "
    "(giá trị áp dụng từ năm đó trở đi)",
    "missing": "thiếu khóa bắt buộc",
    "string_type": "cần một chuỗi văn bản",
    "int_type": "cần một số nguyên",
    "int_parsing": "cần một số nguyên",
    "int_from_float": "cần một số nguyên",
    "float_type": "cần một số",
    "float_parsing": "cần một số",
    "bool_type": "cần true hoặc false",
    "bool_parsing": "cần true hoặc false",
    "dict_type": "cần một ánh xạ (các cặp khóa: giá trị)",
    "model_type": "cần một ánh xạ (các cặp khóa: giá trị)",
    "model_attributes_type": "cần một ánh xạ (các cặp khóa: giá trị)",
    "list_type": "cần một danh sách",
    "literal_error": "cần một trong các giá trị {expected}",
    "enum": "cần một trong các giá trị {expected}",
    "greater_than_equal": "cần một giá trị ≥ {ge}",
    "greater_than": "cần một giá trị > {gt}",
    "less_than_equal": "cần một giá trị ≤ {le}",
    "less_than": "cần một giá trị < {lt}",
    "too_short": "cần ít nhất {min_length} phần tử",
    "too_long": "cần nhiều nhất {max_length} phần tử",
    "string_too_short": "cần ít nhất {min_length} ký tự",
    "string_pattern_mismatch": "giá trị phải khớp với mẫu '{pattern}'",
    "finite_number": "cần một số hữu hạn",
}


def pydantic_vi(err: Any) -> str:
    """Pydantic's sentence for ``err`` in Vietnamese (a type without one: named by its type,
    by its type only)."""
    template = _PYDANTIC_VI.get(err["type"])
    if template is not None:
        try:
            ctx = {k: str(v).replace(" or ", " hoặc ") for k, v in (err.get("ctx") or {}).items()}
            return template.format(**ctx)
        except (KeyError, IndexError):
            pass
    return f"giá trị không hợp lệ (loại lỗi '{err['type']}')"
