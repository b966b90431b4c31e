"""Why an indicator is not evaluable: a reason code and its parameters, built once where
the engine or a reader finds it, and told in English or Vietnamese by every renderer.

A ``Reason`` is a ``str`` whose text is the English sentence: machine formats (JSON, CSV,
JSONL) carry that text, stable, and tests compare it as a string; people's formats call
``text(lang)``. Add a reason by adding an entry to ``REASONS`` (a test renders every entry
in both languages with ``SAMPLES``).
"""

from __future__ import annotations

from typing import Any

#: code → (English, Vietnamese) templates; ``str.format`` fields are the reason's
#: parameters. Vietnamese wording follows docs/glossary.md.
REASONS: dict[str, tuple[str, str]] = {
    "value_missing": ("value missing", "thiếu giá trị"),
    "column_missing": ("column missing from the file", "tệp không có cột này"),
    "cell_invalid": (
        "value {value} is not valid: {title} ({code}, {where})",
        "giá trị {value} không hợp lệ: {title_vi} ({code}, {where_vi})",
    ),
    "row_held": ("{title} ({code})", "{title_vi} ({code})"),
    "row_unread": ("{detail} ({code})", "{title_vi} ({code})"),
    "region_unknown": ("region unknown", "chưa rõ vùng"),
    "region_no_threshold": (
        "no threshold for region '{region}'",
        "không có ngưỡng cho vùng '{region}'",
    ),
    "year_unknown": (
        "year unknown (this threshold depends on the year)",
        "chưa rõ năm đánh giá (ngưỡng này thay đổi theo năm)",
    ),
    "year_no_threshold": (
        "no threshold for {year} in this rule set",
        "không có ngưỡng cho năm {year} trong bộ tiêu chí này",
    ),
}

#: Sample parameters for each reason (the test that every reason renders in both languages).
SAMPLES: dict[str, dict[str, Any]] = {
    "cell_invalid": {
        "value": "'105'",
        "title": "percentage outside 0–100",
        "title_vi": "tỷ lệ phần trăm nằm ngoài khoảng 0–100",
        "code": "D011",
        "where": "cell AC21",
        "where_vi": "ô AC21",
    },
    "row_held": {
        "title": "commune code repeated for the same year",
        "title_vi": "mã xã bị lặp trong cùng một năm",
        "code": "D023",
    },
    "row_unread": {
        "detail": "row has 3 cells but the header has 5",
        "title_vi": "dòng có số ô không đúng",
        "code": "D005",
    },
    "region_no_threshold": {"region": "dbscl"},
    "year_no_threshold": {"year": 2017, "first": 2018},
}


class Reason(str):
    """A not-evaluable reason: ``code`` and ``params``; as a string, the English text."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, /, **params: Any) -> Reason:
        self = super().__new__(cls, REASONS[code][0].format(**params))
        self.code = code
        self.params = params
        return self

    def text(self, lang: str) -> str:
        """The reason told in ``lang``."""
        en, vi = REASONS[self.code]
        return (vi if lang == "vi" else en).format(**self.params)

    def __reduce__(self) -> Any:  # copies and pickles keep the code
        return (_rebuild, (self.code, self.params))


def _rebuild(code: str, params: dict[str, Any]) -> Reason:
    return Reason(code, **params)


#: The reasons without parameters, by their English text: a reason read back from a check
#: JSON result (``compare``) is told in Vietnamese too.
_BY_TEXT = {en: code for code, (en, _) in REASONS.items() if "{" not in en}


def told(reason: str | None, lang: str) -> str:
    """``reason`` in ``lang`` ('' for None); a plain string is shown as written unless it
    is the English text of a reason without parameters."""
    if reason is None:
        return ""
    if isinstance(reason, Reason):
        return reason.text(lang)
    code = _BY_TEXT.get(reason)
    return Reason(code).text(lang) if code is not None else reason


VALUE_MISSING = Reason("value_missing")
COLUMN_MISSING = Reason("column_missing")
REGION_UNKNOWN = Reason("region_unknown")
YEAR_UNKNOWN = Reason("year_unknown")
