"""drift-report.html, the drift report for people, opened in Chromium.

One run of playbooks/drift.yml against the sandbox with every status at once (drift,
missing, could not check, in sync), a hostile value and a changed secret; the page must
say what drift-report.json says, self-contained, everything shown as text.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests
import test_drift_playbook as drift_playbook
from test_drift_playbook import COULD_NOT_CHECK, HOOK_PASSWORD, WRONG_SECRET, report, run

# the sandbox and playbook fixtures of test_drift_playbook.py
sandbox = drift_playbook.sandbox
env = drift_playbook.env
converged = drift_playbook.converged

CHROMIUM = os.environ.get("CPAAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "tests" / "output" / "screenshots"
HOSTILE = "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>"

if not Path(CHROMIUM).exists():
    if os.environ.get("CPAAS_REQUIRE_BROWSER") == "1":
        raise RuntimeError("%s is missing: install Debian's chromium (scripts/test.sh installs it)" % CHROMIUM)
    pytest.skip("no %s" % CHROMIUM, allow_module_level=True)
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
sync_api = pytest.importorskip("playwright.sync_api")


def twilio_sid(sandbox_url, name):
    apps = requests.get(sandbox_url + "/_sandbox/twilio/applications", timeout=10).json()["applications"]
    return next(app["sid"] for app in apps if app["friendly_name"] == name)


def test_the_html_report_says_what_the_json_report_says(converged, env):
    url = converged.url
    # drift: a hostile value at the provider, and a changed password inside a URL
    requests.patch("%s/_sandbox/twilio/applications/%s" % (url, twilio_sid(url, "support-line")), timeout=10,
                   json={"voice_url": "http://cpaas:another-password@127.0.0.1:9/twilio/voice",
                         "sms_url": "http://127.0.0.1:9/" + HOSTILE}).raise_for_status()
    # missing: deleted at the provider (the next test's converge creates it again)
    bandwidth = requests.get(url + "/_sandbox/bandwidth/applications", timeout=10).json()["applications"]
    sms = next(app for app in bandwidth if app["AppName"] == "sms-gateway")
    requests.delete("%s/_sandbox/bandwidth/applications/%s" % (url, sms["ApplicationId"]), timeout=10).raise_for_status()

    result = run("drift.yml", dict(env, VOBIZ_AUTH_TOKEN=WRONG_SECRET))  # error: field-service cannot be read

    assert result.returncode == COULD_NOT_CHECK, result.stdout[-3000:]
    data, _junit = report(env)
    statuses = {app["name"]: app["status"] for app in data["applications"]}
    assert statuses == {"support-line": "drift", "sms-gateway": "missing", "voice-ivr": "in_sync",
                        "contact-center": "in_sync", "field-service": "error", "voice-bot": "in_sync"}
    html_path = Path(env["CPAAS_DRIFT_REPORT_DIR"]) / "drift-report.html"
    html = html_path.read_text()
    for secret in (HOOK_PASSWORD, "another-password", WRONG_SECRET):
        assert secret not in html

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            fetched = []
            page.on("request", lambda request: fetched.append(request.url))
            page.goto(html_path.as_uri())
            assert fetched == [html_path.as_uri()]  # self-contained: nothing else is loaded
            assert page.evaluate("window.__pwned === undefined") and page.locator("img, script").count() == 0
            assert page.locator("#summary").inner_text() == "3 in sync, 1 drifted, 1 missing, 1 error (of 6 applications)"
            shown = dict(page.locator("tr.app").evaluate_all("rs => rs.map(r => [r.dataset.name, r.dataset.status])"))
            assert shown == statuses
            assert page.locator("section.provider h2").all_inner_texts() == ["bandwidth", "telnyx", "twilio", "vobiz", "vonage"]
            drifted = page.locator('tr.app[data-name="support-line"]')
            fields = {row.locator("th").inner_text(): row.locator("td").all_inner_texts() for row in drifted.locator("table.fields tbody tr").all()}
            json_fields = {f["field"]: f for f in next(a for a in data["applications"] if a["name"] == "support-line")["fields"]}
            assert set(fields) == set(json_fields) == {"voice_url", "sms_url"}
            provider_value, desired_value = fields["voice_url"]
            assert provider_value == json_fields["voice_url"]["provider_value"]
            assert desired_value.startswith(json_fields["voice_url"]["desired_value"]) and desired_value.endswith("secret changed")
            assert fields["sms_url"][0] == "http://127.0.0.1:9/" + HOSTILE  # shown as text
            error = page.locator('tr.app[data-name="field-service"] pre.error').inner_text()
            assert error == next(a for a in data["applications"] if a["name"] == "field-service")["error"] and error
            assert "converge would create it" in page.locator('tr.app[data-name="sms-gateway"]').inner_text()
            assert "could not be checked" in page.locator('tr.app[data-name="field-service"]').inner_text()
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "drift-report.png"), full_page=True)
        finally:
            browser.close()
