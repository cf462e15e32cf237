"""The report and the web app in a real browser: headless Chromium driven by Selenium.

What only a browser can tell: the page's own script runs (and nothing else does), links
light up their target, folded sections open, nothing overflows a phone's width, the filters
form works, and hostile article text stays text. The sample is built once; a small hostile
corpus is built next to it; each store is served by uvicorn on a free port of 127.0.0.1.

Without Chromium, its driver or Selenium, every test here skips and says why. Selenium
never downloads anything: the driver's path is given (Selenium Manager is not asked) and
``SE_OFFLINE`` is set. Screenshots go to the pytest tmp dir, or to the directory
``TRIANGULATE_SCREENSHOTS`` names (``docs/screenshots`` holds the committed ones).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from triangulate.api import build
from triangulate.render.views import doc_anchor
from triangulate.web import create_app

from conftest import live_server

try:
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement
    from selenium.webdriver.support.ui import Select, WebDriverWait

    HAVE_SELENIUM = True
except ImportError:  # the dev extra is not installed: the fixture below skips
    HAVE_SELENIUM = False

pytestmark = pytest.mark.browser

NO_CHROMIUM = "headless Chromium not found (apt-get install chromium chromium-driver): browser tests skipped"
NO_SELENIUM = "selenium not installed (pip install -e '.[dev]'): browser tests skipped"
WIDE = (1100, 900)
NARROW = (375, 800)
WAIT = 10  # seconds, at most, for anything the page does

# Hostile article text: markup, a script URL and invisible characters, as literal text.
PAYLOADS = (
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    "javascript:window.__pwned=3",
    "<svg onload=window.__pwned=4>",
)
HOSTILE_TXT = f"""Border clash {PAYLOADS[0]} in Quetta

Pakistani troops attacked militants in Quetta on 16 January 2024, killing three people, officials said. {PAYLOADS[1]}

The army said the strike answered an earlier attack. Read the statement at {PAYLOADS[2]} for details.

Iranian forces shelled a village near Saravan on 17 January 2024, officials said. {PAYLOADS[3]}

A spokesman for the \u202elortnoc redrob\u202c unit said the\u200b operation was over.
"""
# the same payloads as the escaped text of an HTML page: its reader keeps text, drops tags
HOSTILE_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>Strike near Panjgur &lt;script&gt;window.__pwned=1&lt;/script&gt;</title></head>
<body><article>
<h1>Strike near Panjgur &lt;script&gt;window.__pwned=1&lt;/script&gt;</h1>
<p>Iranian drones struck a village near Panjgur on 16 January 2024, killing two children, Pakistani officials said.
&lt;img src=x onerror="window.__pwned=2"&gt;</p>
<p>Pakistan's foreign ministry condemned the strike &lt;svg onload=window.__pwned=4&gt; and recalled its ambassador
from Tehran on 17 January 2024.</p>
<p>The statement, posted at javascript:window.__pwned=3, called the attack a violation of sovereignty.</p>
</article></body></html>
"""


# ---- the browser ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chrome() -> tuple[str, str]:
    """The paths of Chromium and its driver; skip every browser test without them or without Selenium."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not browser or not driver:
        pytest.skip(NO_CHROMIUM)
    if not HAVE_SELENIUM:
        pytest.skip(NO_SELENIUM)
    return browser, driver


@pytest.fixture(scope="module")
def driver(chrome: tuple[str, str]) -> Iterator[WebDriver]:
    """One headless Chromium for the module; its console messages are kept (goog:loggingPrefs)."""
    browser, path = chrome
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={WIDE[0]},{WIDE[1]}"):
        options.add_argument(arg)
    options.add_argument("--hide-scrollbars")  # the window's width is the page's width, at any size
    options.binary_location = browser
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SE_OFFLINE", "1")  # belt and braces: with the driver's path given, Selenium Manager is not run
        drv = webdriver.Chrome(service=Service(path), options=options)
    try:
        yield drv
    finally:
        drv.quit()


def resize(driver: WebDriver, size: tuple[int, int]) -> None:
    """Make the page's viewport exactly ``size`` (width, height) in CSS pixels, whatever the window's frame takes."""
    driver.set_window_size(*size)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    if inner != list(size):
        driver.set_window_size(2 * size[0] - inner[0], 2 * size[1] - inner[1])
    assert driver.execute_script("return [window.innerWidth, window.innerHeight]") == list(size)


def load(driver: WebDriver, url: str, size: tuple[int, int] = WIDE) -> None:
    """Open ``url`` at ``size`` with the console log emptied first; wait until the page has loaded."""
    resize(driver, size)
    driver.get("about:blank")
    driver.get_log("browser")  # what earlier pages said
    driver.get(url)
    until(driver, lambda d: d.execute_script("return document.readyState") == "complete")


def until(driver: WebDriver, cond: Any, message: str = "") -> Any:
    return WebDriverWait(driver, WAIT).until(cond, message)


def errors(driver: WebDriver) -> list[dict[str, Any]]:
    """The console's errors (and the browser's own: refused scripts, failed loads) since the last call."""
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def click(driver: WebDriver, el: WebElement) -> None:
    """Bring ``el`` to the middle of the screen (clear of the sticky navigation) and click it."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    el.click()


def in_viewport(driver: WebDriver, el: WebElement) -> bool:
    return bool(
        driver.execute_script(
            "const r = arguments[0].getBoundingClientRect();"
            "return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;",
            el,
        )
    )


def no_alert(driver: WebDriver) -> bool:
    try:
        driver.switch_to.alert  # noqa: B018 (the property asks the driver)
    except NoAlertPresentException:
        return True
    return False


def hash_of(driver: WebDriver) -> str:
    return str(driver.execute_script("return decodeURIComponent(location.hash.slice(1))"))


# ---- what the browser looks at ----------------------------------------------------------


@pytest.fixture(scope="module")
def sample(sample_build: Path) -> Path:
    """The sample corpus built once: the store, report.html and dossier.json in one directory."""
    return sample_build


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small corpus whose text carries script payloads and invisible characters, built like the sample."""
    out = tmp_path_factory.mktemp("browser-hostile")
    (out / "in").mkdir()
    (out / "in" / "clash.txt").write_text(HOSTILE_TXT, encoding="utf-8")
    (out / "in" / "strike.html").write_text(HOSTILE_HTML, encoding="utf-8")
    build([str(out / "in")], store=out / "h.duckdb", out=out)
    return out


@contextmanager
def serving(store: Path, *, token: str | None = None) -> Iterator[str]:
    """The web app over ``store`` (with ``token``, if given) on a free port of 127.0.0.1; yields its base URL."""
    with live_server(create_app(store, token=token), wait=WAIT) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def site(sample: Path) -> Iterator[str]:
    with serving(sample / "s.duckdb") as base:
        yield base


@pytest.fixture(scope="module")
def hostile_site(hostile: Path) -> Iterator[str]:
    with serving(hostile / "h.duckdb") as base:
        yield base


def api(base: str, path: str) -> tuple[Any, dict[str, str]]:
    """GET a JSON answer of the app: (body, headers)."""
    with urllib.request.urlopen(base + path, timeout=WAIT) as r:
        return json.loads(r.read()), dict(r.headers)


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $TRIANGULATE_SCREENSHOTS when set, else a pytest tmp dir."""
    named = os.environ.get("TRIANGULATE_SCREENSHOTS")
    if named:
        path = Path(named).resolve()
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("screenshots")


def shoot(driver: WebDriver, path: Path, *parts: WebElement, frame: WebElement | None = None, pad: int = 8, max_height: int = 900) -> None:
    """Save a PNG of the box around ``parts`` (as wide as ``frame`` when given; the viewport without parts), at most ``max_height`` high."""
    if not parts:
        png = driver.get_screenshot_as_png()
    else:
        box = driver.execute_script(
            "const [pad, frame, ...els] = arguments, rs = els.map(e => e.getBoundingClientRect());"
            "const f = frame ? frame.getBoundingClientRect() : null;"
            "const left = f ? f.left : Math.min(...rs.map(r => r.left)), right = f ? f.right : Math.max(...rs.map(r => r.right));"
            "const x = Math.max(0, left - 8), y = Math.max(0, Math.min(...rs.map(r => r.top)) + scrollY - pad);"
            "return {x: x, y: y, width: Math.min(innerWidth, right + 8) - x, height: Math.max(...rs.map(r => r.bottom)) + scrollY + pad - y};",
            pad,
            frame,
            *parts,
        )
        box["height"] = min(box["height"], max_height)
        shot = driver.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": {**box, "scale": 1}}
        )
        png = base64.b64decode(shot["data"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    path.write_bytes(png)


# ---- the report, from a file ------------------------------------------------------------


def test_report_loads_nothing_and_logs_no_error(driver: WebDriver, sample: Path) -> None:
    url = (sample / "report.html").as_uri()
    load(driver, url)
    assert errors(driver) == []
    assert driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)") == []
    assert driver.execute_script("return performance.getEntriesByType('navigation').map(e => e.name)") == [url]
    assert driver.find_element(By.CSS_SELECTOR, "#timeline ol.tl").is_displayed()
    # the page's own script runs (the policy allows it by its hash): opened at a span, it lights the span
    span = driver.find_element(By.CSS_SELECTOR, "article.doc mark[id]").get_attribute("id")
    load(driver, f"{url}#{span}")
    until(driver, lambda d: "hl" in d.find_element(By.ID, span).get_attribute("class").split(), "the report's script did not run")
    assert driver.find_element(By.ID, "back").is_displayed()
    assert errors(driver) == []
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0


def test_a_figure_link_lights_its_sentence(driver: WebDriver, sample: Path) -> None:
    load(driver, (sample / "report.html").as_uri())
    link = driver.find_element(By.CSS_SELECTOR, "#events > article.card table.claims a.fig")
    target_id = link.get_attribute("href").split("#", 1)[1]
    click(driver, link)
    mark = driver.find_element(By.ID, target_id)
    until(driver, lambda d: "hl" in mark.get_attribute("class").split(), "the target span is not highlighted")
    assert hash_of(driver) == target_id
    assert driver.execute_script("return arguments[0].matches(':target')", mark)
    assert mark.tag_name == "mark"
    assert in_viewport(driver, mark)
    key = mark.get_attribute("data-k")
    assert key == target_id
    lit = driver.execute_script("return [...document.querySelectorAll('.hl')].map(x => x.dataset.k)")
    assert lit and set(lit) == {key}  # every piece of the span, nothing else
    sentence = driver.execute_script("const s = arguments[0].parentElement.closest('mark.sent'); return s ? s.dataset.k : null", mark)
    ctx = driver.execute_script("return [...document.querySelectorAll('.hl-ctx')].map(x => x.dataset.k)")
    assert set(ctx) == ({sentence} if sentence else set())
    assert driver.execute_script("return getComputedStyle(arguments[0]).backgroundColor", mark) == "rgb(255, 223, 93)"  # --hl
    # the back button returns to the link and puts the lights out
    back = driver.find_element(By.ID, "back")
    assert back.is_displayed()
    back.click()
    until(driver, lambda d: hash_of(d) == "", "back did not go back")
    assert driver.find_elements(By.CSS_SELECTOR, ".hl, .hl-ctx") == []
    assert not back.is_displayed()
    assert errors(driver) == []


def test_the_timeline_folds_background_events_and_links_into_folds(driver: WebDriver, sample: Path) -> None:
    load(driver, (sample / "report.html").as_uri())
    fold = driver.find_element(By.CSS_SELECTOR, "#timeline details.fold.background")
    items = fold.find_elements(By.CSS_SELECTOR, "li.it a")
    assert items and fold.get_attribute("open") is None
    assert not any(a.is_displayed() for a in items)
    click(driver, fold.find_element(By.TAG_NAME, "summary"))
    assert driver.execute_script("return arguments[0].open", fold) is True
    assert all(a.is_displayed() for a in items)
    # a background event's card is folded away too, in the events section: the link unfolds it
    target_id = items[0].get_attribute("href").split("#", 1)[1]
    card = driver.find_element(By.ID, target_id)
    card_fold = driver.find_element(By.CSS_SELECTOR, "#events > details.fold.background")
    assert card.get_attribute("class").split()[:3] == ["card", "event", "background"]
    assert driver.execute_script("return arguments[0].closest('details')", card) == card_fold
    assert driver.execute_script("return arguments[0].open", card_fold) is False
    click(driver, items[0])
    until(driver, lambda d: "hl" in card.get_attribute("class").split(), "the card is not highlighted")
    assert driver.execute_script("return arguments[0].open", card_fold) is True
    assert hash_of(driver) == target_id
    assert driver.execute_script("return arguments[0].matches(':target')", card)
    assert driver.execute_script("const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight", card)
    assert errors(driver) == []


def overflow(driver: WebDriver) -> dict[str, Any]:
    """How far the page is wider than the window, and the elements that stick out (to say which)."""
    return dict(
        driver.execute_script(
            "const w = innerWidth, out = [];"
            "for (const el of document.body.querySelectorAll('*')) {"
            "  const r = el.getBoundingClientRect();"
            "  if (r.width && r.right > w + 1 && !el.closest('.scroll, nav.toc')) out.push(el.tagName + '.' + el.className);"
            "}"
            "return {scroll: document.documentElement.scrollWidth, width: w, out: out.slice(0, 5)};"
        )
    )


def assert_fits(driver: WebDriver) -> None:
    o = overflow(driver)
    assert o["scroll"] <= o["width"] + 1, o
    assert driver.execute_script("return document.body.scrollWidth") <= o["width"] + 1, o


def test_the_report_fits_a_phone(driver: WebDriver, sample: Path) -> None:
    load(driver, (sample / "report.html").as_uri(), NARROW)
    assert driver.execute_script("return innerWidth") == NARROW[0]
    assert_fits(driver)
    svg = driver.find_element(By.CSS_SELECTOR, "#map svg.map")
    left, right, width = driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left, r.right, r.width]", svg)
    assert left >= 0 and right <= NARROW[0] and width > NARROW[0] / 2
    # everything folded, unfolded (as for printing): still no sideways scrolling
    driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert_fits(driver)
    assert errors(driver) == []


def test_the_served_pages_fit_a_phone(driver: WebDriver, site: str) -> None:
    events, _ = api(site, "/api/events?limit=1000")
    docs = sorted({d for e in events for d in e["sources"]})
    for path in ["/", f"/events/{events[0]['id']}", f"/documents/{docs[0]}", "/conflicts", "/sources", "/api"]:
        load(driver, site + path, NARROW)
        assert_fits(driver)
        driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert_fits(driver)
        assert errors(driver) == [], path


# ---- the web app ------------------------------------------------------------------------


def test_a_token_in_the_url_lets_the_browser_in(driver: WebDriver, sample: Path) -> None:
    """With a token: refused without it; opened once with ?token=, the cookie is set, the URL loses the token, every page works."""
    token = "browser-token_0123456789abcdef"
    with serving(sample / "s.duckdb", token=token) as base:
        try:
            load(driver, base + "/sources")
            assert "unauthorized" in driver.title and "401" in driver.title
            load(driver, f"{base}/?country=PK&token={token}")
            assert driver.current_url == base + "/?country=PK"  # the token is gone from the address bar
            assert timeline_ids(driver)
            assert driver.execute_script("return document.cookie") == ""  # HttpOnly: no script can read it
            assert errors(driver) == []  # the page's script loaded too: the cookie goes with every request
            load(driver, base + "/conflicts")
            assert "unauthorized" not in driver.title and errors(driver) == []
        finally:
            driver.delete_all_cookies()


def timeline_ids(driver: WebDriver) -> list[str]:
    links = driver.find_elements(By.CSS_SELECTOR, "#timeline li.it a[href^='/events/']")
    return [a.get_attribute("href").rsplit("/", 1)[1] for a in links]


def test_the_index_shows_the_timeline(driver: WebDriver, site: str) -> None:
    load(driver, site + "/")
    events, headers = api(site, "/api/events?limit=1000")
    shown = timeline_ids(driver)
    assert sorted(shown) == sorted(e["id"] for e in events)  # each event once: dated, undated or background
    assert int(headers["x-total-count"]) == len(events)
    assert driver.find_element(By.CSS_SELECTOR, "#timeline ol.tl").is_displayed()
    days = [t.get_attribute("datetime") for t in driver.find_elements(By.CSS_SELECTOR, "#timeline ol.tl h3.day time")]
    assert days == sorted(days) and len(days) == len(set(days))
    assert driver.find_element(By.CSS_SELECTOR, "#map svg.map").is_displayed()
    assert errors(driver) == []


def submit(driver: WebDriver, site: str, fields: dict[str, str]) -> dict[str, list[str]]:
    """Fill the filters form on a fresh index page with ``fields`` and send it; return the query it sent."""
    load(driver, site + "/")
    form = driver.find_element(By.CSS_SELECTOR, "form.filters")
    for name, value in fields.items():
        el = form.find_element(By.NAME, name)
        if el.tag_name == "select":
            Select(el).select_by_value(value)
        elif el.get_attribute("type") == "date":  # typing into a date field depends on the locale
            driver.execute_script("arguments[0].value = arguments[1]", el, value)
        else:
            el.clear()
            el.send_keys(value)
    click(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    until(driver, lambda d: "?" in d.current_url, "the form was not sent")
    until(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    return parse_qs(urlsplit(driver.current_url).query)


def test_the_filters_narrow_the_timeline_as_the_api_does(driver: WebDriver, site: str) -> None:
    events, _ = api(site, "/api/events?limit=1000")
    dated = sorted(e["date"]["start"] for e in events if (e.get("date") or {}).get("start"))
    actor = max({a for e in events for a in e["actors"]}, key=lambda a: sum(a in e["actors"] for e in events))
    cases = [
        {"country": "PK"},
        {"type": "ASSAULT"},
        {"actor": actor},
        {"date_from": dated[len(dated) // 2][:10], "date_to": dated[-1][:10]},
        {"q": "saravan"},  # any case
        {"country": "IR", "type": "ASSAULT"},
    ]
    for fields in cases:
        sent = submit(driver, site, fields)
        assert {k: v[0] for k, v in sent.items() if v[0]} == fields  # blank fields go along empty
        query = urlsplit(driver.current_url).query
        expected, headers = api(site, f"/api/events?{query}&limit=1000")
        assert 0 < len(expected) < len(events), fields  # each case narrows, and something is left
        assert sorted(timeline_ids(driver)) == sorted(e["id"] for e in expected), fields
        assert driver.find_element(By.CSS_SELECTOR, "#timeline p.note").text == f"{headers['x-total-count']} events match."
        form = driver.find_element(By.CSS_SELECTOR, "form.filters")
        for name, value in fields.items():  # the form shows the filter it applied
            assert form.find_element(By.NAME, name).get_attribute("value") == value
        assert errors(driver) == []


def test_from_the_timeline_to_an_event_to_its_evidence(driver: WebDriver, site: str) -> None:
    load(driver, site + "/")
    link = driver.find_element(By.CSS_SELECTOR, "#timeline ol.tl li.it a[href^='/events/']")
    event_id = link.get_attribute("href").rsplit("/", 1)[1]
    click(driver, link)
    until(driver, lambda d: urlsplit(d.current_url).path == f"/events/{event_id}", "no event page")
    event, _ = api(site, f"/api/events/{event_id}")
    card = driver.find_element(By.CSS_SELECTOR, "main article.card.event")
    assert card.find_element(By.TAG_NAME, "h3").text == event["summary"]
    assert errors(driver) == []
    quote = card.find_element(By.CSS_SELECTOR, "blockquote.q a.ctx")
    href = quote.get_attribute("href")
    target_id = href.split("#", 1)[1]
    doc_id = target_id.split("-")[1]
    assert doc_id in event["sources"]
    click(driver, quote)
    until(driver, lambda d: urlsplit(d.current_url).path == f"/documents/{doc_id}", "no document page")
    mark = driver.find_element(By.ID, target_id)
    until(driver, lambda d: "hl" in mark.get_attribute("class").split(), "the span is not highlighted")
    assert hash_of(driver) == target_id
    assert driver.execute_script("return arguments[0].matches(':target')", mark)
    assert in_viewport(driver, mark)
    start, end = (int(n) for n in target_id.split("-")[2:4])
    doc, _ = api(site, f"/api/documents/{doc_id}")
    pieces = driver.execute_script("return [...document.querySelectorAll('mark.hl')].map(m => m.textContent).join('')")
    assert " ".join(pieces.split()) == " ".join(doc["text"][start:end].split())
    assert errors(driver) == []


# ---- hostile text stays text ------------------------------------------------------------


def assert_inert(driver: WebDriver, where: str) -> None:
    """No payload ran, no dialog is open, no script URL is a link, and the browser refused nothing."""
    assert driver.execute_script("return typeof window.__pwned") == "undefined", where
    assert no_alert(driver), where
    assert driver.find_elements(By.CSS_SELECTOR, "[href^='javascript:' i], [src^='javascript:' i], img, iframe, object, embed") == [], where
    assert driver.find_elements(By.CSS_SELECTOR, "main svg:not(.map), main [onload], main [onerror]") == [], where
    assert errors(driver) == [], where


def assert_shown_as_text(body: str, where: str) -> None:
    for payload in PAYLOADS:
        assert payload in body, (where, payload)
    assert "⟨U+202E⟩" in body and "⟨U+200B⟩" in body, where
    assert "\u202e" not in body and "\u200b" not in body, where


def test_hostile_text_in_the_report_is_inert(driver: WebDriver, hostile: Path) -> None:
    dossier = json.loads((hostile / "dossier.json").read_text(encoding="utf-8"))
    assert len(dossier["documents"]) == 2 and dossier["events"]
    load(driver, (hostile / "report.html").as_uri())
    assert_inert(driver, "report.html")
    assert_shown_as_text(driver.find_element(By.TAG_NAME, "body").text, "report.html")
    for doc in dossier["documents"]:  # both readers keep the payloads as text, and the report shows them
        shown = driver.find_element(By.ID, doc_anchor(doc["id"])).text
        for payload in PAYLOADS:
            assert payload in shown, (doc["path"], payload)
    # following every link of the page keeps it inert
    for a in driver.find_elements(By.CSS_SELECTOR, "main a[href^='#']"):
        driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}))", a)
    assert_inert(driver, "report.html, every link followed")


def test_hostile_text_in_the_served_pages_is_inert(driver: WebDriver, hostile_site: str) -> None:
    dossier, _ = api(hostile_site, "/api/dossier")
    pages = ["/", "/conflicts", "/sources"]
    pages += [f"/documents/{d['id']}" for d in dossier["documents"]]
    pages += [f"/events/{e['id']}" for e in dossier["events"]]
    for path in pages:
        load(driver, hostile_site + path)
        assert_inert(driver, path)
        body = driver.find_element(By.TAG_NAME, "body").text
        if path.startswith("/documents/"):
            for payload in PAYLOADS:
                assert payload in body, (path, payload)
    clash = next(d for d in dossier["documents"] if d["path"].endswith("clash.txt"))
    load(driver, f"{hostile_site}/documents/{clash['id']}")
    assert_shown_as_text(driver.find_element(By.TAG_NAME, "body").text, "the .txt document's page")
    # a filter made of a payload is shown back as text too
    submit(driver, hostile_site, {"q": PAYLOADS[0]})
    assert_inert(driver, "the index filtered by a payload")
    assert driver.find_element(By.CSS_SELECTOR, "form.filters input[name=q]").get_attribute("value") == PAYLOADS[0]


# ---- screenshots ------------------------------------------------------------------------


def test_screenshots(driver: WebDriver, sample: Path, site: str, shots: Path) -> None:
    report = (sample / "report.html").as_uri()
    # (a) the report's top: title, infobox and the start of the timeline
    load(driver, report)
    shoot(
        driver,
        shots / "report-top.png",
        driver.find_element(By.TAG_NAME, "nav"),
        driver.find_element(By.CSS_SELECTOR, "#timeline ol.tl"),
        max_height=1300,
    )
    # (b) an event card down to its figures table
    card = driver.find_element(By.XPATH, "//section[@id='events']/article[contains(@class, 'card')][.//table[contains(@class, 'claims')]]")
    figures = card.find_elements(By.CSS_SELECTOR, "div.figure")
    shoot(driver, shots / "event-figures.png", card, figures[-1])
    # (c) a conflict: the values side by side
    conflict = driver.find_element(By.CSS_SELECTOR, "#conflicts article.conflict")
    shoot(driver, shots / "conflict.png", conflict)
    # (d) a document: evidence lit by a figure's link, and the nearest removed noise, struck through
    link = driver.find_element(By.CSS_SELECTOR, "#events > article.card table.claims a.fig")
    click(driver, link)
    mark = driver.find_element(By.ID, link.get_attribute("href").split("#", 1)[1])
    until(driver, lambda d: "hl" in mark.get_attribute("class").split())
    doc = driver.execute_script("return arguments[0].closest('article.doc')", mark)
    noise = driver.execute_script(
        "const m = arguments[0].getBoundingClientRect().top, dels = [...arguments[1].querySelectorAll('.text del.noise')]"
        "  .filter(x => x.getClientRects().length);"
        "return dels.sort((a, b) => Math.abs(a.getBoundingClientRect().top - m) - Math.abs(b.getBoundingClientRect().top - m))[0];",
        mark,
        doc,
    )
    gap = driver.execute_script(
        "return Math.abs(arguments[0].getBoundingClientRect().top - arguments[1].getBoundingClientRect().top)", mark, noise
    )
    assert gap < 300  # both in one picture
    shoot(driver, shots / "document-evidence.png", mark, noise, frame=doc, pad=120, max_height=600)
    # (e) the served overview: the filters form and the timeline
    load(driver, site + "/")
    section = driver.find_element(By.ID, "timeline")
    shoot(driver, shots / "served-index.png", section, frame=section, max_height=700)
    # (f) the report on a phone
    load(driver, report, NARROW)
    shoot(driver, shots / "report-375px.png")
    names = sorted(p.name for p in shots.glob("*.png"))
    assert {"report-top.png", "event-figures.png", "conflict.png", "document-evidence.png", "served-index.png", "report-375px.png"} <= set(
        names
    )
