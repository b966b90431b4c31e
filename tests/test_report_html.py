"""`ntm-eval report`: the HTML page as a browser renders it (Debian's headless Chromium).

Screenshots and the printed PDF are kept in tests/artifacts/ (git-ignored) for a person to
look at after a run.
"""

from __future__ import annotations

import re

import pytest
from chromium import Browser
from conftest import DATA, ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
SAMPLE = str(DATA / "2020.csv")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The sample's report in English and Vietnamese, written by the command (run_cli)."""
    from conftest import run_cli

    folder = tmp_path_factory.mktemp("report")
    out = {}
    for lang in ("en", "vi"):
        path = folder / f"report-{lang}.html"
        r = run_cli("report", SAMPLE, "-o", str(path), "--lang", lang)
        assert r.code == 0, r.stderr
        said = "đã ghi" if lang == "vi" else "wrote"  # the note in the command's language
        assert r.stdout == "" and f"{said} {path}" in r.stderr
        out[lang] = path
    return out


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.close()


def test_page_is_self_contained(pages):
    html = pages["en"].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"<(link|iframe|img|object|embed)\b", html)
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"(@import|url\()", html)
    assert "http://" not in html and "https://" not in html


def test_page_renders_without_errors(browser, pages):
    page = browser.open(pages["en"].as_uri())
    assert page.errors() == []
    assert page.eval("performance.getEntriesByType('resource').length") == 0  # nothing fetched
    assert page.eval("document.documentElement.lang") == "en"
    # the matrix: one row per commune, one coloured cell per criterion
    assert page.eval("document.querySelectorAll('#matrix tbody tr').length") == 93
    assert page.eval(
        "[...document.querySelectorAll('#matrix tbody tr')]"
        ".every(r => r.querySelectorAll('td.c').length === 19)"
    )
    colours = page.eval("""Object.fromEntries(['met', 'not_met', 'not_evaluable'].map(s =>
        [s, getComputedStyle(document.querySelector('#matrix td.s-' + s)).backgroundColor]))""")
    assert len(set(colours.values())) == 3, colours
    assert page.eval("document.querySelectorAll('#matrix td.s-not_met').length") == sum(
        [9, 5, 9, 8, 11, 9, 13, 12, 15, 11, 10, 11, 11, 8, 14, 10, 15, 9, 7]
    )
    # the summary, the chart, the bands and the candidates
    assert page.eval("document.querySelector('.card.s-met b').textContent") == "61"
    assert page.eval("document.querySelectorAll('#chart .bar').length") == 19
    width = page.eval(
        "(() => { const b = document.querySelector('#chart .bar[data-id=\"11\"]');"
        " return b.firstChild.getBoundingClientRect().width /"
        " b.getBoundingClientRect().width; })()"
    )
    assert width == pytest.approx(83 / 93, abs=0.01)
    assert page.eval("[...document.querySelectorAll('#bands td')].map(t => t.textContent)") == [
        "19/19",
        "61",
        "15–18",
        "12",
        "10–14",
        "12",
        "5–9",
        "8",
        "under 5",
        "0",
    ]
    assert "22984" in page.eval(
        "[...document.querySelectorAll('#candidates tr[data-code]')].map(r => r.dataset.code)"
    )
    page.screenshot(_artifact("report-top.png"), full_page=False)


def test_hover_and_click_show_values_and_thresholds(browser, pages):
    page = browser.open(pages["en"].as_uri())
    cell = '#matrix tr[data-code="22984"] td[data-id="11"]'
    title = page.eval(f"document.querySelector('{cell}').title")
    assert "11 Poor households: 6.2% (≤ 5%*) — not met" in title
    assert "poverty_rate_pct" not in title  # names, not column keys
    assert page.eval("document.getElementById('detail').hidden") is True
    page.click(cell)
    assert page.eval("getComputedStyle(document.getElementById('detail')).display") != "none"
    shown = page.eval("document.getElementById('detail-text').textContent")
    assert shown.startswith("22984 Vĩnh Tân — 11 Poor households: not met")
    assert "6.2% (≤ 5%*)" in shown
    assert page.errors() == []
    shot = page.screenshot(_artifact("report.png"))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    page.click("#detail-close")
    assert page.eval("document.getElementById('detail').hidden") is True


def test_page_prints(browser, pages):
    page = browser.open(pages["en"].as_uri(), media="print")
    assert page.errors() == []
    page.click('#matrix tr[data-code="22984"] td[data-id="11"]')
    assert page.eval("getComputedStyle(document.getElementById('detail')).display") == "none"
    assert page.eval("getComputedStyle(document.querySelector('.hint')).display") == "none"
    assert page.eval("getComputedStyle(document.body).printColorAdjust") == "exact"
    assert page.eval("document.querySelectorAll('#matrix tbody tr').length") == 93
    page.screenshot(_artifact("report-print.png"))
    pdf = page.pdf(_artifact("report.pdf"))
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_vietnamese_page(browser, pages):
    page = browser.open(pages["vi"].as_uri())
    assert page.errors() == []
    assert page.eval("document.documentElement.lang") == "vi"
    headings = page.eval("[...document.querySelectorAll('h2')].map(h => h.textContent)")
    assert headings[:2] == ["Tổng hợp toàn tỉnh", "Số xã đạt từng tiêu chí"]
    title = page.eval(
        'document.querySelector(\'#matrix tr[data-code="22984"] td[data-id="11"]\').title'
    )
    assert "6,2% (≤ 5%*) — Chưa đạt" in title
    page.screenshot(_artifact("report-vi.png"), full_page=False)


def test_report_to_stdout_and_errors(cli, tmp_path):
    r = cli("report", SAMPLE, "--top", "3")
    assert r.code == 0 and r.stdout.startswith("<!DOCTYPE html>")
    assert r.stdout.count("<tr data-code=") == 93 + 3
    r = cli("report", str(tmp_path / "none.csv"), "-o", str(tmp_path / "r.html"))
    assert r.code == 2 and "[U030]" in r.stderr and not (tmp_path / "r.html").exists()


def _artifact(name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


def test_the_browser_check_sees_errors(browser, tmp_path):
    """The no-errors assertions above can fail: a broken page is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><body><script>console.error('boom');"
        "notDefined();</script></body></html>",
        encoding="utf-8",
    )
    errors = browser.open(bad.as_uri()).errors()
    assert any("boom" in e for e in errors) and any("notDefined" in e for e in errors)


def test_vietnamese_banner_and_problem_list_in_chromium(browser, tmp_path):
    """A report of a file with a problem: a banner at the top, in Vietnamese, linking to
    the problem list, which is in Vietnamese too (the DOM as Chromium renders it)."""
    from conftest import run_cli

    data = tmp_path / "data.csv"
    text = (DATA / "2020.csv").read_text(encoding="utf-8-sig").splitlines()
    header = text[0].split(",")
    cells = text[1].split(",")
    cells[header.index("poverty_rate_pct")] = "105"
    data.write_text("\n".join([text[0], ",".join(cells), *text[2:]]) + "\n", encoding="utf-8")
    path = tmp_path / "report-vi-problems.html"
    assert run_cli("report", str(data), "--lang", "vi", "-o", str(path)).code == 3
    page = browser.open(path.as_uri())
    assert page.errors() == []
    banner = page.eval("document.getElementById('banner').textContent")
    assert banner == "Tệp dữ liệu có lỗi: 1 lỗi, 0 cảnh báo. Xem danh sách lỗi"
    first = page.eval("document.body.querySelector('header ~ *').id")
    assert first == "banner"  # at the top, before the summary
    assert page.eval("document.querySelector('#banner a').getAttribute('href')") == "#problems"
    heading = page.eval("document.querySelector('#problems h2').textContent")
    assert heading == "Lỗi trong dữ liệu đầu vào (1 lỗi, 0 cảnh báo)"
    item = page.eval("document.querySelector('#problems li').textContent")
    assert ": lỗi [D011] cột 'poverty_rate_pct': giá trị '105' — cần tỷ lệ phần trăm" in item
    shot = page.screenshot(_artifact("report-vi-banner.png"), full_page=False)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
