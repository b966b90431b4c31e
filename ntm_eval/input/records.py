"""Commune rows that are not a file: an iterable of mappings, or a pandas or polars
DataFrame (the Python API, ``ntm_eval.judge``).

They are read as a workbook's rows are: the header is the keys (a frame's columns), each
row's cells are typed values (a number, a bool, a text, None), and every cell goes through
the same row checks as a CSV file's (``rows.RowReader``). Row N of the frame or iterable
(1-based) is line N of the problems, the header line 0; column K is the K-th key. Neither
pandas nor polars is imported here: a frame is known by its methods.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

#: pandas' and numpy's missing values, known by their type's name (neither is imported)
_MISSING_TYPES = frozenset({"NAType", "NaTType", "NoneType"})


@dataclass(frozen=True)
class Records:
    """Rows to judge: their header, and their cells in header order, as often as asked
    (the duplicate check reads the rows a second time)."""

    header: list[str]
    rows: Callable[[], Iterator[Sequence[Any]]]


def cell(value: Any) -> Any:
    """A value as a workbook's cell holds it: None for a missing value (None, NaN, pandas'
    NA and NaT), a numpy scalar as the Python number it is."""
    if value is None or value.__class__ in (str, int, bool):
        return value
    if value.__class__ is float:
        return None if math.isnan(value) else value
    if type(value).__name__ in _MISSING_TYPES:
        return None
    item = getattr(value, "item", None)  # numpy's scalars
    if item is not None and not isinstance(value, (str, bytes)):
        try:
            return cell(item())
        except (TypeError, ValueError):
            return value
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def of(data: Any) -> Records:
    """The ``Records`` of a pandas DataFrame, a polars DataFrame or an iterable of
    mappings (read once, then held: a generator cannot be read twice)."""
    module = type(data).__module__.split(".")[0]
    if module == "pandas" and hasattr(data, "itertuples"):
        return Records(
            [str(c) for c in data.columns], lambda: data.itertuples(index=False, name=None)
        )
    if module == "polars" and hasattr(data, "iter_rows"):
        return Records([str(c) for c in data.columns], lambda: data.iter_rows())
    if isinstance(data, (Mapping, str, bytes)):
        raise TypeError("rows to judge: an iterable of mappings (one per commune), not one")
    rows = list(data)
    header: list[str] = []
    for row in islice(rows, 1):
        if not isinstance(row, Mapping):
            raise TypeError(
                f"rows to judge are mappings (column → value), not {type(row).__name__}"
            )
        header = [str(k) for k in row]
    return Records(header, lambda: _cells(rows, header))


def _cells(rows: Iterable[Mapping[Any, Any]], header: list[str]) -> Iterator[list[Any]]:
    """Each mapping's values in header order; keys the first row does not have come after
    them (the row then has more cells than the header: D005, as in a file)."""
    known = set(header)
    for row in rows:
        keys = {str(k): v for k, v in row.items()}
        cells = [keys.get(k) for k in header]
        cells += [v for k, v in keys.items() if k not in known]
        yield cells


def batches(records: Records, size: int) -> Iterator[tuple[list[int], list[list[Any]]]]:
    """The header (line 0), then the rows (lines 1, 2, …) in batches of ``size``."""
    yield [0], [list(records.header)]
    numbered = enumerate(records.rows(), 1)
    while part := list(islice(numbered, size)):
        yield [n for n, _ in part], [[cell(v) for v in cells] for _, cells in part]


def again(records: Records) -> Iterator[tuple[int, list[Any]]]:
    """Every row that is not blank again, numbered as ``batches`` numbers them."""
    from ntm_eval.input.cells import blank

    yield 0, list(records.header)
    for n, cells in enumerate(records.rows(), 1):
        row = [cell(v) for v in cells]
        if not blank(row):
            yield n, row
