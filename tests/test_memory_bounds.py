"""What a file costs in memory does not grow with its repeats: one commune code repeated
on every row is listed a few times, then counted (D023)."""

from __future__ import annotations

import json

from conftest import commune_csv, run_cli

from ntm_eval.input.checks import REPEATS_LISTED


def test_many_repeats_of_one_code_are_listed_a_few_times_then_counted(tmp_path):
    rows = 1 + REPEATS_LISTED + 15
    data = tmp_path / "d.csv"
    data.write_text(commune_csv([{"commune_code": "22984"}] * rows), encoding="utf-8")
    result = run_cli("check", str(data), "--format", "json")
    assert result.code == 3
    repeats = [p for p in json.loads(result.stdout)["errors"] if p["code"] == "D023"]
    listed, summary = repeats[:-1], repeats[-1]
    # line 2 is the first row; the repeats start on line 3
    assert [p["line"] for p in listed] == list(range(3, 3 + REPEATS_LISTED))
    assert all("already on line 2 for year 2020" in p["message"] for p in listed)
    assert summary["line"] == 3 + REPEATS_LISTED
    assert "repeated on 15 more line(s) for year 2020" in summary["message"]
    assert summary["value"] == "22984" and summary["col"] == 1


def test_a_few_repeats_are_each_listed(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text(commune_csv([{"commune_code": "22984"}] * (1 + REPEATS_LISTED)))
    result = run_cli("check", str(data), "--format", "json")
    repeats = [p for p in json.loads(result.stdout)["errors"] if p["code"] == "D023"]
    assert len(repeats) == REPEATS_LISTED
    assert not any("more line" in p["message"] for p in repeats)


def test_a_json_document_held_in_a_file_is_the_same_document(tmp_path, monkeypatch):
    """Past its budget, ``--format json`` holds the communes' texts in a temporary file:
    the document is the same, byte for byte, in the same order."""
    from ntm_eval.render import json as render_json

    data = tmp_path / "d.csv"
    # codes out of order, so that the document's order is not the file's
    rows = [
        {"commune_code": f"{(7 * i) % 50:05d}", "poverty_rate_pct": f"{i / 7:.3f}"}
        for i in range(50)
    ]
    data.write_text(commune_csv(rows), encoding="utf-8")
    in_memory = run_cli("check", str(data), "--format", "json")
    spilt: list[object] = []
    real_add = render_json.Held.add

    def add(self, *args):
        real_add(self, *args)
        spilt.append(self.file is not None)

    monkeypatch.setattr(render_json.Held, "BUDGET", 1000)
    monkeypatch.setattr(render_json.Held, "add", add)
    in_a_file = run_cli("check", str(data), "--format", "json")
    assert spilt and all(spilt)
    assert in_a_file.stdout == in_memory.stdout
    codes = [c["code"] for c in json.loads(in_a_file.stdout)["communes"]]
    assert codes == sorted(codes)


def test_a_replaced_result_dictionary_is_freed_without_the_cyclic_collector():
    """The engine judges with the cyclic collector off: a results dictionary it replaces
    must be freed by reference counting alone (a cycle through it held every result of a
    file whose values all differ: gigabytes)."""
    import gc
    import weakref

    from conftest import national_rules

    from ntm_eval.engine.results import Dictionary

    enabled = gc.isenabled()
    gc.disable()
    try:
        dictionary = Dictionary(national_rules().criteria, [])
        gone = weakref.ref(dictionary)
        del dictionary
        assert gone() is None
    finally:
        if enabled:
            gc.enable()
