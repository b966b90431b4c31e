"""ntm-eval: check Vietnamese communes against the national new-rural criteria.

The Python API (``ntm_eval.judge``, ``ntm_eval.load_rules``, …; see ``ntm_eval.api`` and
the README's "Python API") is imported on first use: the command line, which imports this
package at every start, does not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "CommuneResult",
    "CriterionResult",
    "IndicatorResult",
    "InputError",
    "Problem",
    "Report",
    "RuleSet",
    "__version__",
    "judge",
    "load_rules",
    "to_json",
    "to_pandas",
    "to_polars",
    "to_records",
]

if TYPE_CHECKING:
    from ntm_eval.api import (
        CommuneResult,
        CriterionResult,
        IndicatorResult,
        InputError,
        Problem,
        Report,
        RuleSet,
        judge,
        load_rules,
        to_json,
        to_pandas,
        to_polars,
        to_records,
    )


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ntm_eval import api

        return getattr(api, name)
    raise AttributeError(f"module 'ntm_eval' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
