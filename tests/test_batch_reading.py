"""The batch forms of reading and judging give what the one-cell forms give.

The column-wise lane reads a batch's new number cells at once (``Column.read_plain``) and
judges them at once (``_CompiledMeasure.judge_many``); a cell the batch form cannot read
without doubt (not written plainly, out of range, implausible) is left to the one-cell
reader. Here every text of a varied pool, in every kind of column of the national rule
set, is read both ways, and every read value is judged both ways against every threshold
lookup the rule set has — including each threshold itself and its neighbours.
"""

from __future__ import annotations

import random

import pytest
from conftest import national_rules

from ntm_eval.engine.evaluate import Evaluator
from ntm_eval.input.cells import PLAIN, read_number
from ntm_eval.input.rows import Layout, RowReader
from ntm_eval.rules.model import RuleSet

#: Texts people write in number columns: plain and not, boundaries of every kind.
FIXED = [
    "0", "00", "007", "1", "5", "50", "80", "80.0", "80.00", "79.99", "80.01", "100",
    "100.0", "100.01", "101", "99.9", "0.5", "0.05", "0.125", "1.234", "12.345", "123.456",
    "1234.567", "1.2345", "45.67", "45,67", "1,234", "1 234", "1.234,5", "-1", "-0", "+5",
    "1e3", "1_000", "١٢", "12%", " 12", "12 ", "", " ", "12.", ".5", "1..2", "1.2.3", "nan",
    "inf", "2000", "999999999999999999999", "1000.5", "1000.55", "36.6", "0.0", "3.5",
    "10000", "10001", "45.678", "3.14159",
]  # fmt: skip


def pool(seed: int = 5, n: int = 400) -> list[str]:
    """``FIXED`` and random numbers written as a national file writes them."""
    rnd = random.Random(seed)
    out = list(FIXED)
    for _ in range(n):
        digits = rnd.choice([0, 1, 2, 3, 4])
        value = rnd.uniform(0, rnd.choice([1, 100, 1000, 20000]))
        out.append(f"{value:.{digits}f}")
    return out


def reader_of(ruleset: RuleSet) -> RowReader:
    header = list(ruleset.identity_columns) + list(ruleset.kinds())
    keys = {key: i for i, key in enumerate(header)}
    layout = Layout("data.csv", {k: i + 1 for k, i in keys.items()}, dict(zip(header, header)))
    return RowReader(ruleset, keys, header, layout, [])


def test_a_plain_number_reads_as_float_reads_it() -> None:
    for text in pool():
        if PLAIN.fullmatch(text):
            value, evidence = read_number(text, False)  # type: ignore[misc]
            assert value == float(text) and value.__class__ is float
            assert evidence == (("dec.",) if "." in text else ())


@pytest.mark.parametrize("kind", ["pct", "count", "money"])
def test_read_plain_is_read_cell_by_cell(kind: str) -> None:
    ruleset = national_rules()
    reader = reader_of(ruleset)
    columns = [c for c in reader.measures if c.kind == kind]
    assert columns
    texts = pool()
    read_alone = 0
    for column in columns:
        values, evidence = column.read_plain(texts)
        assert len(values) == len(texts)
        shown = set()
        for text, value in zip(texts, values):
            one = column.read_new(text)
            if value is None:
                read_alone += 1
                continue
            # read in the batch: exactly what the one-cell reader reads, without a finding
            assert one.findings == () and not one.invalid and one.ambiguous is None, text
            assert value == one.value and value.__class__ is one.value.__class__, text
            shown.update(one.evidence)
        assert set(evidence) == shown
    assert read_alone  # the pool holds texts the batch form leaves to the one-cell reader


def test_read_plain_leaves_what_it_cannot_read_to_the_cell_reader() -> None:
    reader = reader_of(national_rules())
    pct = next(c for c in reader.measures if c.kind == "pct")
    values, _ = pct.read_plain(["85.5", "100.5", "1.234", "12,5", "0.125", "\x1f", "7"])
    assert values == [85.5, None, None, None, None, None, 7.0]
    count = next(c for c in reader.measures if c.kind == "count")
    assert count.read_plain(["3", "3.5", "12"])[0] == [3, None, 12]
    band = next(c for c in reader.measures if c.band is not None)
    assert band.read_plain(["5", "5000000"])[0] == [5.0, None]  # W120: read alone


def lookups(evaluator: Evaluator) -> list[tuple[int, tuple]]:
    """(measure, lookup) of every measure under every region and year of the rule set."""
    regions = [*evaluator.ruleset.class_values, "nowhere"]
    out = []
    for k, m in enumerate(evaluator.measures):
        for region in regions:
            for year in (2015, 2016, 2018, 2020, 2030):
                out.append((k, m.lookup(region, year)))
    return out


def test_judge_many_is_judge_value_by_value() -> None:
    ruleset = national_rules()
    evaluator = Evaluator(ruleset)
    reader = reader_of(ruleset)
    checked = 0
    for k, lookup in lookups(evaluator):
        m = evaluator.measures[k]
        threshold = lookup[0]
        if m.kind == "bool":
            values: list = [True, False]
        else:
            column = next(c for c in reader.measures if c.key == m.column)
            values = [v for v in column.read_plain(pool(n=60))[0] if v is not None]
            if isinstance(threshold, (int, float)) and not isinstance(threshold, bool):
                step = 1 if m.kind == "count" else 0.01
                near = [threshold - step, threshold, threshold + step]
                values += [v if m.kind != "count" else int(v) for v in near if v >= 0]
        many = m.judge_many(values, lookup)
        for value, result in zip(values, many):
            alone = m.judge(value, False, lookup)
            assert result == alone and result.gap.__class__ is alone.gap.__class__
            checked += 1
    assert checked > 10_000


def test_a_value_on_its_threshold_meets_it() -> None:
    evaluator = Evaluator(national_rules())
    for k, lookup in lookups(evaluator):
        m, threshold = evaluator.measures[k], lookup[0]
        if lookup[2] is None and m.kind != "bool":
            [result] = m.judge_many([threshold], lookup)
            assert result.status == "met" and result.gap in (0, None)
            assert str(result.gap) != "-0.0"
