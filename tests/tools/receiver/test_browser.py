"""The web page in a real browser: Debian's Chromium driven by Playwright.

Hostile bodies, headers, paths and user names are sent to a receiver served by
gunicorn; the page must show them as text (no script runs, no element is injected).
Screenshots are kept under tests/output/screenshots/.

Chromium comes from Debian (``/usr/bin/chromium``); Playwright never downloads one.
Without it these tests are skipped, unless CPAAS_REQUIRE_BROWSER=1 (set by
``scripts/test.sh receiver``, which installs it), where its absence fails.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import requests

from .conftest import ADMIN_TOKEN, ROOT, base_config
from .test_served import ENTITY_BOMB

CHROMIUM = os.environ.get("CPAAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
SCREENSHOTS = ROOT / "tests" / "output" / "screenshots"
XSS = '<script>window.__pwned=1;alert("xss")</script><img src=x onerror="window.__pwned=2">'

if not Path(CHROMIUM).exists():
    if os.environ.get("CPAAS_REQUIRE_BROWSER") == "1":
        raise RuntimeError("%s is missing: install Debian's chromium (scripts/test.sh receiver does)" % CHROMIUM)
    pytest.skip("no %s: run scripts/test.sh receiver, which installs Debian's chromium" % CHROMIUM, allow_module_level=True)

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / ("%s.png" % name)), full_page=True)


def assert_nothing_ran(page):
    assert page.dialogs == []
    assert page.evaluate("window.__pwned === undefined")
    # the only script on the page is the receiver's own
    sources = page.eval_on_selector_all("script", "els => els.map(e => e.getAttribute('src'))")
    assert all(src and src.startswith("/ui/static/") for src in sources), sources
    assert page.locator("img").count() == 0


def login(page, base, token=ADMIN_TOKEN):
    page.goto(base + "/ui/")
    assert page.url.startswith(base + "/ui/login")
    page.fill("#token", token)
    page.click("#login-form button[type=submit]")


@pytest.fixture
def hostile(served_receiver):
    """A receiver that has received hostile requests; returns (served, {name: event id})."""
    served = served_receiver(base_config(max_body_bytes=64 * 1024))
    url = served.url
    ids = {}

    def send(name, method, path, **kwargs):
        response = requests.request(method, url + path, timeout=10, **kwargs)
        ids[name] = int(response.headers["X-Receiver-Event-Id"])
        return response

    send("script_json", "POST", "/generic", json={"text": XSS, "nested": {"k": "</pre>" + XSS}},
         headers={"X-Evil": XSS})
    send("script_form", "POST", "/generic", data={"Body": XSS, XSS: "name-is-hostile"})
    send("invalid_utf8", "POST", "/generic", data=b"\xff\xfe\x00<b>bold?</b>\xc3\x28" + XSS.encode(),
         headers={"Content-Type": "text/plain"})
    send("entity_bomb", "POST", "/generic", data=ENTITY_BOMB, headers={"Content-Type": "application/xml"})
    assert send("oversized", "POST", "/generic", data=b"<script>" * 20000).status_code == 413
    assert send("hostile_user", "POST", "/bandwidth/voice", json={}, auth=(XSS, "x")).status_code == 401
    send("hostile_path", "GET", "/%3Cscript%3Ealert(1)%3C/script%3E?q=%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E")
    return served, ids


def test_login_by_form_wrong_then_right_token(page, served_receiver):
    served = served_receiver()
    login(page, served.url, token="not-the-token")
    assert page.locator("#login-error").inner_text() == "That token is not right."
    shot(page, "login-refused")
    page.fill("#token", ADMIN_TOKEN)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#endpoints")
    assert page.url == served.url + "/ui/"
    rows = page.locator("#endpoints tbody tr[data-path]")
    assert sorted(rows.evaluate_all("rs => rs.map(r => r.dataset.path)")) == sorted(e["path"] for e in base_config()["endpoints"])
    # log out: the page asks for the token again
    page.click("header form.logout button")
    page.wait_for_selector("#login-form")
    page.goto(served.url + "/ui/")
    assert "/ui/login" in page.url


def test_login_by_bearer_token_header(browser, served_receiver):
    served = served_receiver()
    context = browser.new_context(extra_http_headers={"Authorization": "Bearer " + ADMIN_TOKEN})
    try:
        page = context.new_page()
        page.goto(served.url + "/ui/")
        assert page.url == served.url + "/ui/"
        assert page.locator("#endpoints").count() == 1
    finally:
        context.close()
    context = browser.new_context(extra_http_headers={"Authorization": "Bearer wrong"})
    try:
        page = context.new_page()
        page.goto(served.url + "/ui/")
        assert "/ui/login" in page.url
    finally:
        context.close()


def test_hostile_requests_are_listed_as_text(page, hostile):
    served, ids = hostile
    login(page, served.url)
    page.wait_for_selector("#events tbody tr")
    shot(page, "index-hostile")
    assert_nothing_ran(page)
    listed = page.locator("#events tbody tr").evaluate_all("rs => rs.map(r => r.dataset.id)")
    assert {str(i) for i in ids.values()} <= set(listed)
    path_row = page.locator('#events tbody tr[data-id="%d"]' % ids["hostile_path"])
    assert "<script>alert(1)</script>" in path_row.inner_text()
    user_row = page.locator('#events tbody tr[data-id="%d"]' % ids["hostile_user"])
    assert XSS in user_row.inner_text()
    generic = page.locator('#endpoints tr[data-path="/generic"]').inner_text()
    assert re.search(r"accepted\s+4", generic) and re.search(r"too_large\s+1", generic)


def test_event_pages_show_hostile_content_escaped(page, hostile):
    served, ids = hostile
    login(page, served.url)

    page.goto(served.url + "/ui/events/%d" % ids["script_json"])
    body = page.locator("#body").inner_text()
    assert json.dumps(XSS) in body and '"nested"' in body and "\n  " in body  # pretty-printed JSON, shown as text
    assert XSS in page.locator("#headers").inner_text()
    assert_nothing_ran(page)
    shot(page, "event-script-json")

    page.goto(served.url + "/ui/events/%d" % ids["script_form"])
    form = page.locator("#form-body").inner_text()
    assert XSS in form and "name-is-hostile" in form
    assert_nothing_ran(page)

    page.goto(served.url + "/ui/events/%d" % ids["invalid_utf8"])
    assert "not valid UTF-8" in page.locator("#body-note").inner_text()
    assert "<b>bold?</b>" in page.locator("#body").inner_text()
    assert "\ufffd" in page.locator("#body").inner_text()
    assert_nothing_ran(page)
    shot(page, "event-invalid-utf8")

    page.goto(served.url + "/ui/events/%d" % ids["entity_bomb"])
    xml = page.locator("#body").inner_text()
    assert "&lol9;" in xml and "lollollollol" not in xml  # shown, never expanded
    assert len(xml) < 5000
    assert_nothing_ran(page)
    shot(page, "event-entity-bomb")

    page.goto(served.url + "/ui/events/%d" % ids["oversized"])
    assert "not stored" in page.locator("#body-note").inner_text()
    assert "too_large" in page.locator("h2").inner_text()

    page.goto(served.url + "/ui/events/%d" % ids["hostile_user"])
    assert XSS in page.locator("dl.facts").inner_text()
    assert "Basic [redacted; user name: " + XSS + "]" in page.locator("#headers").inner_text()
    assert "user %s: unknown user name" % XSS in page.locator("#check-rows").inner_text()  # the checks as sentences
    assert '-u "$CALLBACK_USER:$CALLBACK_PASSWORD"' in page.locator("#curl").inner_text()  # a placeholder, not the name sent
    assert_nothing_ran(page)

    page.goto(served.url + "/ui/events/%d" % ids["hostile_path"])
    assert "<script>alert(1)</script>" in page.locator("#request-line").inner_text()
    assert_nothing_ran(page)
    shot(page, "event-hostile-path")


def test_live_list_shows_new_events_without_reload(page, served_receiver):
    served = served_receiver()
    login(page, served.url)
    page.wait_for_selector("#events")
    page.evaluate("window.__marker = 'same page'")
    response = requests.post(served.url + "/generic", data=XSS.encode(), timeout=10)
    new_id = response.headers["X-Receiver-Event-Id"]
    row = page.wait_for_selector('#events tbody tr[data-id="%s"]' % new_id, timeout=20000)
    assert "accepted" in row.inner_text()
    assert page.evaluate("window.__marker") == "same page"  # no reload happened
    response = requests.post(served.url + "/" + XSS, timeout=10)  # an unexpected, hostile path arrives live too
    assert response.status_code == 404
    row = page.wait_for_selector('#events tbody tr[data-id="%s"]' % response.headers["X-Receiver-Event-Id"], timeout=20000)
    assert XSS in row.inner_text() and "unexpected" in row.inner_text()
    assert_nothing_ran(page)
    shot(page, "index-live")


def test_live_list_shows_a_burst_larger_than_a_page_whole_and_in_order(page, served_receiver):
    served = served_receiver()
    login(page, served.url)
    page.wait_for_selector("#events")
    before = page.locator("#events tbody tr[data-id]").count()
    with requests.Session() as session:
        ids = [int(session.post(served.url + "/generic", data=b"burst %d" % n, timeout=10).headers["X-Receiver-Event-Id"])
               for n in range(300)]
    page.wait_for_selector('#events tbody tr[data-id="%d"]' % ids[-1], timeout=30000)
    page.wait_for_function("n => document.querySelectorAll('#events tbody tr[data-id]').length >= n", arg=before + len(ids), timeout=30000)
    shown = [int(i) for i in page.locator("#events tbody tr[data-id]").evaluate_all("rs => rs.map(r => r.dataset.id)")]
    assert shown[:len(ids)] == sorted(ids, reverse=True)  # every event once, newest on top
    assert len(shown) == len(set(shown))
    shot(page, "index-burst")
