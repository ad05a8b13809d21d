"""The page answers "is this callback working?", in Chromium (see test_browser.py).

Endpoint health in words, checks as sentences, filters kept in the address (and
respected by the live list), copy as curl (replayed with the real curl), the page
without JavaScript and at a phone's width, hostile content shown as text.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cpaas_module_utils.webhooks import signatures

from . import test_browser as in_chromium
from .conftest import ADMIN_TOKEN, base_config
from .test_browser import XSS, assert_nothing_ran, login, shot

# the Chromium fixtures of test_browser.py
browser = in_chromium.browser
page = in_chromium.page

PHONE = {"width": 390, "height": 844}


def sent_id(response):
    return int(response.headers["X-Receiver-Event-Id"])


def state_of(page, path):
    row = page.locator('#endpoints tr[data-path="%s"]' % path)
    return row.get_attribute("data-state"), row.locator("td.health").inner_text()


def test_endpoint_health_says_working_refusing_or_silent(page, served_receiver):
    served = served_receiver()
    url = served.url
    # once working, now refused for a wrong password (twice) and once for an unknown user
    assert requests.post(url + "/bandwidth/voice", json={}, auth=("bwuser", "bw-pass"), timeout=10).status_code == 200
    wrong_password = [requests.post(url + "/bandwidth/voice", json={}, auth=("bwuser", "not-it"), timeout=10) for attempt in (1, 2)]
    assert [answer.status_code for answer in wrong_password] == [401, 401]
    assert requests.post(url + "/bandwidth/voice", json={}, auth=("someone", "bw-pass"), timeout=10).status_code == 401
    # never accepted: signed for another URL than the one the receiver is reached at
    params = {"CallSid": "CA1"}
    other_url = "https://wrong.example.invalid/twilio/status"
    signature = signatures.twilio_signature("12345", other_url, params)
    assert requests.post(url + "/twilio/status", data=params, headers={signatures.TWILIO_SIGNATURE_HEADER: signature},
                         timeout=10).status_code == 403
    assert requests.post(url + "/generic", data=b"ok", timeout=10).status_code == 200

    login(page, url)
    page.wait_for_selector("#endpoints")
    shot(page, "index-health")

    state, text = state_of(page, "/generic")
    assert state == "working" and "last event accepted" in text
    state, text = state_of(page, "/bandwidth/voice")
    assert state == "refusing"
    assert "3 refused since the last accepted one" in text and "most often: wrong password (2×)" in text
    state, text = state_of(page, "/twilio/status")
    assert state == "refusing" and "none was ever accepted" in text
    assert "signature does not match: is public_base_url right" in text
    state, text = state_of(page, "/vonage/answer")
    assert state == "silent" and "no event yet" in text
    # the counts by verdict stay
    assert "unauthorized 3" in page.locator('#endpoints tr[data-path="/bandwidth/voice"] td.counts').inner_text()
    # the colour says it too
    colours = {path: page.locator('#endpoints tr[data-path="%s"] td.health .state' % path).evaluate("e => getComputedStyle(e).backgroundColor")
               for path in ("/generic", "/bandwidth/voice", "/vonage/answer")}
    assert len(set(colours.values())) == 3, colours
    # and once the endpoint accepts again, it is working again
    assert requests.post(url + "/bandwidth/voice", json={}, auth=("bwuser", "bw-pass"), timeout=10).status_code == 200
    page.reload()
    assert state_of(page, "/bandwidth/voice")[0] == "working"


def test_checks_read_as_sentences_and_never_show_a_secret(page, served_receiver):
    served = served_receiver()
    url = served.url
    refused = sent_id(requests.post(url + "/twilio/voice", data={"CallSid": "CA1"}, auth=("twuser", "wrong-secret-pw"),
                                    headers={signatures.TWILIO_SIGNATURE_HEADER: "bm90LXJpZ2h0"}, timeout=10))
    login(page, url)
    page.goto(url + "/ui/events/%d" % refused)
    rows = {r.locator("th").inner_text(): r for r in page.locator("#check-rows tbody tr").all()}
    assert set(rows) == {"Body size", "Method", "Basic auth", "Signature"}
    assert rows["Method"].locator("td.mark").inner_text() == "✓"
    auth = rows["Basic auth"].inner_text()
    assert rows["Basic auth"].locator("td.mark").inner_text() == "✗"
    assert "user twuser with its password" in auth and "user twuser: wrong password" in auth
    signature = rows["Signature"].inner_text()
    assert rows["Signature"].locator("td.mark").inner_text() == "✗"
    assert "X-Twilio-Signature" in signature and url + "/twilio/voice" in signature and "does not match" in signature
    # the raw JSON is one click away, hidden until then
    assert not page.locator("#checks").is_visible()
    page.click("details:has(#checks) summary")
    assert '"signature"' in page.locator("#checks").inner_text()
    content = page.content()
    for secret in ("wrong-secret-pw", "twpass", "12345"):
        assert secret not in content
    shot(page, "event-checks")


def test_filters_live_in_the_address_and_the_live_list_respects_them(page, served_receiver):
    served = served_receiver()
    url = served.url
    generic = sent_id(requests.post(url + "/generic", data=b"one", timeout=10))
    other = sent_id(requests.post(url + "/bandwidth/messaging", data=b"{}", timeout=10))
    login(page, url)
    page.wait_for_selector("#filters")
    page.select_option('#filters select[name="endpoint"]', "/generic")
    page.select_option('#filters select[name="verdict"]', "accepted")
    page.click("#filters button[type=submit]")
    page.wait_for_selector("#clear-filters")
    assert parse_qs(urlsplit(page.url).query) == {"endpoint": ["/generic"], "verdict": ["accepted"]}
    shown = page.locator("#events tbody tr[data-id]").evaluate_all("rs => rs.map(r => +r.dataset.id)")
    assert shown == [generic]
    # live: a matching event appears, events the filter excludes do not
    excluded = [sent_id(requests.post(url + "/bandwidth/messaging", data=b"{}", timeout=10)),
                sent_id(requests.get(url + "/generic", timeout=10))]  # /generic, but method_not_allowed
    matching = sent_id(requests.put(url + "/generic", data=b"two", timeout=10))
    page.wait_for_selector('#events tbody tr[data-id="%d"]' % matching, timeout=20000)
    shown = page.locator("#events tbody tr[data-id]").evaluate_all("rs => rs.map(r => +r.dataset.id)")
    assert shown == [matching, generic] and other not in shown and not set(excluded) & set(shown)
    shot(page, "index-filtered")
    # the address is the view: opened anew (shared), it shows the same, with the form filled in
    page.goto(url + "/ui/?provider=bandwidth&since=2000-01-01T00:00:00Z")
    assert page.locator('#filters select[name="provider"]').input_value() == "bandwidth"
    assert page.locator('#filters input[name="since"]').input_value().startswith("2000-01-01T00:00")
    shown = page.locator("#events tbody tr[data-id]").evaluate_all("rs => rs.map(r => +r.dataset.id)")
    assert sorted(shown) == sorted([other, excluded[0]])
    page.goto(url + "/ui/?until=2000-01-01T00:00:00Z")
    assert page.locator("#no-events").inner_text() == "No event matches these filters."
    # a bad filter is named with what is allowed, and nothing is listed as if it matched
    response = page.goto(url + "/ui/?verdict=fine")
    assert response.status == 400
    assert "verdict must be one of accepted, method_not_allowed" in page.locator("#filter-error").inner_text()
    assert page.locator("#events tbody tr[data-id]").count() == 0


def test_reading_works_without_javascript_and_at_phone_width(browser, served_receiver):
    served = served_receiver()
    url = served.url
    requests.post(url + "/generic", data=b"one", timeout=10)
    event_id = sent_id(requests.post(url + "/bandwidth/voice", json={"x": "y" * 300}, auth=("bwuser", "nope"), timeout=10))
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        login(page, url)
        page.wait_for_selector("#endpoints")
        assert page.locator("#events tbody tr[data-id]").count() == 2
        assert state_of(page, "/bandwidth/voice")[0] == "refusing"
        # the page itself never scrolls sideways: wide tables scroll inside their box
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, "index-phone")
        page.select_option('#filters select[name="verdict"]', "unauthorized")
        page.click("#filters button[type=submit]")  # a plain GET form: no script needed
        page.wait_for_url("**verdict=unauthorized**")
        assert page.locator("#events tbody tr[data-id]").evaluate_all("rs => rs.map(r => +r.dataset.id)") == [event_id]
        page.goto(url + "/ui/events/%d" % event_id)
        assert "wrong password" in page.locator("#check-rows").inner_text()
        assert "curl -X 'POST'" in page.locator("#curl").inner_text()
        assert not page.locator("#copy-curl").is_visible()  # the copy button needs JavaScript; the text is there
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, "event-phone")
    finally:
        context.close()


def test_copy_as_curl_replays_the_event_with_placeholders(browser, served_receiver, tmp_path):
    served = served_receiver(base_config(max_body_bytes=64 * 1024))
    url = served.url
    body = ('{"text": %s, "quote": "it\'s $HOME `id`"}' % json.dumps(XSS)).encode()
    original = sent_id(requests.post(url + "/bandwidth/voice?tag=a%20b", data=body, auth=("bwuser", "bw-pass"),
                                     headers={"Content-Type": "application/json", "X-Evil": XSS}, timeout=10))
    binary = sent_id(requests.post(url + "/generic", data=b"\xff\x00'\n<b>" + XSS.encode(), headers={"Content-Type": "text/plain"},
                                   timeout=10))
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    try:
        page = context.new_page()
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        login(page, url)
        page.goto(url + "/ui/events/%d" % original)
        command = page.locator("#curl").inner_text()
        assert "bw-pass" not in command and '-u "$CALLBACK_USER:$CALLBACK_PASSWORD"' in command
        assert XSS in command  # hostile header and body shown as text
        page.click("#copy-curl")
        page.wait_for_function("document.getElementById('copy-status').textContent === 'copied'")
        assert page.evaluate("navigator.clipboard.readText()") == command
        assert_nothing_ran(page)
        shot(page, "event-curl")
        page.goto(url + "/ui/events/%d" % binary)
        binary_command = page.locator("#curl").inner_text()
        assert_nothing_ran(page)
    finally:
        context.close()

    if shutil.which("curl") is None:
        if os.environ.get("CPAAS_REQUIRE_BROWSER") == "1":
            pytest.fail("curl is missing: scripts/test.sh installs Debian's curl")
        pytest.skip("no curl to replay the command with")
    env = dict(os.environ, CALLBACK_USER="bwuser", CALLBACK_PASSWORD="bw-pass")
    for replay, event_id in ((command, original), (binary_command, binary)):
        done = subprocess.run(["bash", "-c", replay + " -s -o /dev/null -D -"], env=env, capture_output=True, text=True,
                              timeout=30, check=True)
        replayed = int(next(line.split(":", 1)[1] for line in done.stdout.splitlines() if line.lower().startswith("x-receiver-event-id")))
        first, again = (requests.get(url + "/api/events/%d" % i, headers={"Authorization": "Bearer " + ADMIN_TOKEN}, timeout=10).json()
                        for i in (event_id, replayed))
        assert again["verdict"] == first["verdict"] == "accepted"
        assert again["body_base64"] == first["body_base64"]  # byte for byte, quotes, $ and backquotes included
        assert again["method"] == first["method"] and again["path"] == first["path"] and again["query"] == first["query"]
        sent = {k.lower(): v for k, v in again["headers"]}
        for name, value in first["headers"]:
            if name.lower() not in ("user-agent", "accept", "accept-encoding", "connection"):
                assert sent.get(name.lower()) == value, name


@pytest.fixture(autouse=True)
def _loopback_only():
    """curl must not use a proxy from the environment: the replay goes to the loopback receiver only."""
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.lower() in ("http_proxy", "https_proxy", "all_proxy")}
    yield
    os.environ.update(saved)
