"""End to end in a real browser: Debian's chromium driven by Playwright against `searchlib serve`.

Never `playwright install` (nothing can be downloaded here): the browser is /usr/bin/chromium
(`apt-get install chromium fonts-noto-cjk`; .ci/run installs it). Screenshots go to
tests/server/screenshots/latest-*.png.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import Served

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent / "screenshots"

sync_api = pytest.importorskip("playwright.sync_api", reason="the browser extra is not installed")
expect = sync_api.expect
if not os.path.exists(CHROMIUM) and os.environ.get("CI"):
    raise RuntimeError(f"{CHROMIUM} is missing in CI: .ci/run must apt-get install chromium fonts-noto-cjk")
if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk", allow_module_level=True)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def server(news_dir, tmp_path_factory) -> Iterator[Served]:
    index = tmp_path_factory.mktemp("browser") / "index"
    shutil.copytree(news_dir, index)
    served = Served(index, "--read-only")
    try:
        served.wait_ready()
        yield served
    finally:
        served.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def searches(pg) -> list[str]:
    """Record the q of every API search the page sends."""
    seen: list[str] = []
    pg.on("request", lambda req: seen.append(parse_qs(urlsplit(req.url).query).get("q", [""])[0])
          if "/v1/search" in req.url else None)
    return seen


def test_type_see_highlights_filter_page_and_open_an_article(page, server):
    sent = searches(page)
    page.goto(server.url + "/")
    page.keyboard.press("/")  # focuses the search box
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("援疆干部", delay=30)
    expect(page.locator("#status")).to_contain_text("找到 3 条结果")
    assert set(page.locator("#results mark").all_inner_texts()) == {"援疆干部"}
    assert sent and sent[-1] == "援疆干部"
    assert parse_qs(urlsplit(page.url).query)["q"] == ["援疆干部"]  # shareable URL
    # article text holding <script> shows as text, and ran nothing
    page.locator("#q").fill("援疆")
    expect(page.locator("#results mark").first).to_have_text("援疆")
    assert page.locator("#results script").count() == 0
    assert page.get_by_text("<script>alert('标题')</script>", exact=False).count() >= 1
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "latest-search.png"), full_page=True)

    # a facet: the month filter narrows the results (a server-rendered page, the same markup)
    page.locator("#facets [data-facet=month] a").first.click()
    page.wait_for_url("**from=*")
    query = parse_qs(urlsplit(page.url).query)
    assert query["q"] == ["援疆"] and query["from"][0][:7] == query["to"][0][:7]
    narrowed = page.locator("#results li.hit").count()
    assert 1 <= narrowed < 4

    # pages: 120 articles mention 总统
    page.goto(server.url + "/?q=%E6%80%BB%E7%BB%9F")
    first = page.locator("#results li.hit h2").first.inner_text()
    page.get_by_role("link", name="下一页").click()
    page.wait_for_url("**page=2*")
    assert page.locator("#results").get_attribute("start") == "11"
    assert page.locator("#results li.hit h2").first.inner_text() != first

    # an article, with related articles
    title = page.locator("#results li.hit h2 a").first.inner_text()
    page.locator("#results li.hit h2 a").first.click()
    page.wait_for_url("**/articles/**")
    assert page.locator("h2.article-title").inner_text() == title
    assert page.locator("ol.related li.hit").count() >= 1
    page.screenshot(path=str(SHOTS / "latest-article.png"), full_page=True)


def test_stale_answers_are_dropped(page, server):
    page.goto(server.url + "/")
    page.locator("#q").type("总统", delay=20)
    time.sleep(0.1)
    page.locator("#q").fill("援疆干部")  # a newer query while the first may still be answering
    expect(page.locator("#status")).to_contain_text("找到 3 条结果")
    time.sleep(0.6)
    assert "找到 3 条结果" in page.locator("#status").inner_text()
    assert set(page.locator("#results mark").all_inner_texts()) == {"援疆干部"}


def test_no_request_during_an_ime_composition(page, server):
    sent = searches(page)
    page.goto(server.url + "/")
    page.locator("#q").focus()
    cdp = page.context.new_cdp_session(page)
    for typed in ("y", "yu", "yua", "yuan", "yuanj", "yuanjiang"):  # pinyin, still composing
        cdp.send("Input.imeSetComposition", {"text": typed, "selectionStart": len(typed),
                                             "selectionEnd": len(typed)})
        time.sleep(0.05)
    assert page.evaluate("document.getElementById('q').value") == "yuanjiang"
    time.sleep(0.8)  # three times the page's delay
    assert sent == []
    cdp.send("Input.insertText", {"text": "援疆"})  # the candidate chosen: composition ends
    expect(page.locator("#status")).to_contain_text("找到")
    time.sleep(0.5)
    assert sent == ["援疆"]


def test_no_accessibility_violations(page, server):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for path in ("/", "/?q=%E6%8F%B4%E7%96%86", '/?q=%E6%80%BB%E7%BB%9F+%22', "/articles/22735"):
        page.goto(server.url + path)
        results = axe.run(page)
        assert results.violations_count == 0, f"{path}: {results.generate_report()}"
    page.goto(server.url + "/")  # and after searching as you type
    page.locator("#q").type("援疆", delay=20)
    expect(page.locator("#status")).to_contain_text("找到")
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def suggests(pg) -> list[str]:
    """Record the q of every completion request the page sends."""
    seen: list[str] = []
    pg.on("request", lambda req: seen.append(parse_qs(urlsplit(req.url).query).get("q", [""])[0])
          if "/v1/suggest" in req.url else None)
    return seen


def test_completions_by_keyboard(page, server, news_index):
    page.goto(server.url + "/")
    box = page.locator("#q")
    box.focus()
    page.keyboard.type("总", delay=30)
    options = page.locator("#completions [role=option]")
    expect(options.first).to_be_visible()
    expected = news_index.complete("总", n=8)
    assert options.all_inner_texts() == expected and len(expected) >= 3
    assert box.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "completion-1"
    assert options.nth(1).get_attribute("aria-selected") == "true"
    assert options.nth(0).get_attribute("aria-selected") == "false"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")  # wraps to the last
    assert box.get_attribute("aria-activedescendant") == f"completion-{len(expected) - 1}"
    page.keyboard.press("ArrowDown")  # back to the first
    page.keyboard.press("ArrowDown")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "latest-completions.png"))
    page.keyboard.press("Enter")  # takes the highlighted completion and searches it
    assert box.input_value() == expected[1]
    expect(page.locator("#completions")).to_be_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    expect(page.locator("#status")).to_contain_text(f"找到 {news_index.search(expected[1]).total:,} 条结果")
    assert parse_qs(urlsplit(page.url).query)["q"] == [expected[1]]
    # Escape closes the list and keeps what was typed
    box.fill("")
    page.keyboard.type("台", delay=30)
    expect(options.first).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#completions")).to_be_hidden()
    assert box.input_value() == "台" and box.get_attribute("aria-expanded") == "false"


def test_completions_after_ime_input(page, server, news_index):
    asked = suggests(page)
    page.goto(server.url + "/")
    page.locator("#q").focus()
    cdp = page.context.new_cdp_session(page)
    for typed in ("z", "zo", "zong", "zongt", "zongtong"):  # pinyin, still composing
        cdp.send("Input.imeSetComposition", {"text": typed, "selectionStart": len(typed),
                                             "selectionEnd": len(typed)})
        time.sleep(0.05)
    time.sleep(0.5)
    assert asked == []  # nothing completed from half-composed pinyin
    expect(page.locator("#completions")).to_be_hidden()
    cdp.send("Input.insertText", {"text": "总统"})  # the candidate chosen
    options = page.locator("#completions [role=option]")
    expect(options.first).to_be_visible()
    assert options.all_inner_texts() == news_index.complete("总统", n=8)
    assert asked == ["总统"]
    options.nth(1).click()  # and by mouse
    assert page.locator("#q").input_value() == news_index.complete("总统", n=8)[1]
    expect(page.locator("#completions")).to_be_hidden()


def test_a_pinyin_query_shows_what_it_was_read_as(page, server):
    page.goto(server.url + "/")
    page.locator("#q").type("xjp", delay=30)
    expect(page.locator("#notices .pinyin")).to_contain_text("习近平")
    assert "习近平" in page.locator("#results mark").all_inner_texts()
