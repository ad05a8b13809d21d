"""No credential is stored, printed or logged, in any spelling or encoding."""

from __future__ import annotations

import base64
import subprocess
from urllib.parse import quote

import pytest
import requests
import yaml

from .conftest import ADMIN_TOKEN, RECEIVER_BIN, base_config, bearer, raw_event_row

PASSWORD = "S3cr3t-P@ss+w/rd="  # noqa: S105 - a test value
TOKEN = "tok_SECRET_4242"  # noqa: S105 - a test value


def encodings(secret):
    """Every form of ``secret`` that must never show up."""
    raw = secret.encode()
    forms = {secret, quote(secret, safe=""), raw.hex()}
    for prefix in (b"", b"bwuser:", b"wrong:", b":"):
        encoded = base64.b64encode(prefix + raw).decode()
        forms |= {encoded, encoded.rstrip("="), base64.urlsafe_b64encode(prefix + raw).decode().rstrip("=")}
    return forms


def b64(text):
    return base64.b64encode(text.encode()).decode()


# Every spelling of a credential a client may send, well-formed or not.
AUTHORIZATION_VARIANTS = {
    "basic": "Basic " + b64("bwuser:" + PASSWORD),
    "basic tab": "Basic\t" + b64("bwuser:" + PASSWORD),
    "basic tabs and spaces": " \tBasic \t " + b64("bwuser:" + PASSWORD) + " \t",
    "lower case": "basic " + b64("bwuser:" + PASSWORD),
    "upper case": "BASIC " + b64("bwuser:" + PASSWORD),
    "no scheme": b64("bwuser:" + PASSWORD),
    "no separator": "Basic" + b64("bwuser:" + PASSWORD),
    "wrong user": "Basic " + b64("wrong:" + PASSWORD),
    "no colon": "Basic " + b64(PASSWORD),
    "empty user": "Basic " + b64(":" + PASSWORD),
    "unpadded": "Basic " + b64("bwuser:" + PASSWORD).rstrip("="),
    "not base64": "Basic " + PASSWORD,
    "two credentials": "Basic " + b64("bwuser:" + PASSWORD) + ", Bearer " + TOKEN,
    "extra words": "Basic " + b64("bwuser:" + PASSWORD) + " " + TOKEN,
    "bearer": "Bearer " + TOKEN,
    "bearer tab": "Bearer\t" + TOKEN,
    "bare token": TOKEN,
    "unknown scheme": "Custom " + TOKEN,
    "param style": "Token token=" + TOKEN,
    "digest": 'Digest username="bwuser", response="%s"' % TOKEN,
    "nbsp": "Basic\xa0" + b64("bwuser:" + PASSWORD),
    "leading equals": "=" + TOKEN,
}


def stored_forms(receiver, event_id):
    api = receiver.client.get("/api/events/%d" % event_id, headers=bearer()).get_data(as_text=True)
    page = receiver.client.get("/ui/events/%d" % event_id, headers=bearer()).get_data(as_text=True)
    listing = receiver.client.get("/api/events?limit=1000", headers=bearer()).get_data(as_text=True)
    return api + page + listing


@pytest.mark.parametrize("variant", sorted(AUTHORIZATION_VARIANTS))
@pytest.mark.parametrize("path", ["/bandwidth/voice", "/generic", "/vonage/event", "/nowhere"])
def test_no_spelling_of_a_credential_is_stored(receiver, variant, path):
    response = receiver.client.post(path, json={"a": 1}, headers={"Authorization": AUTHORIZATION_VARIANTS[variant]})
    event_id = int(response.headers["X-Receiver-Event-Id"])
    stored = stored_forms(receiver, event_id)
    for secret in (PASSWORD, TOKEN):
        for form in encodings(secret):
            assert form not in stored, (variant, form)
    raw = raw_event_row(receiver.app.store, event_id)
    assert raw[0], "the stored headers were read"
    for secret in (PASSWORD, TOKEN):
        for form in encodings(secret):
            assert form not in repr(raw), (variant, form)


@pytest.mark.parametrize("variant, expected", [
    ("basic tab", "Basic [redacted; user name: bwuser]"),
    ("upper case", "Basic [redacted; user name: bwuser]"),
    ("no scheme", "[redacted]"),
    ("no separator", "[redacted]"),
    ("no colon", "Basic [redacted; user name: ?]"),
    ("bearer tab", "Bearer [redacted]"),
    ("unknown scheme", "[redacted]"),
])
def test_what_is_kept_of_an_authorization_header(receiver, variant, expected):
    response = receiver.client.post("/bandwidth/voice", json={}, headers={"Authorization": AUTHORIZATION_VARIANTS[variant]})
    event = receiver.event(int(response.headers["X-Receiver-Event-Id"]))
    assert dict(event["headers"])["Authorization"] == expected


def test_basic_with_a_tab_is_read_as_basic(receiver):
    response = receiver.client.post("/bandwidth/voice", json={}, headers={"Authorization": AUTHORIZATION_VARIANTS["basic tab"].replace(PASSWORD, "x")})
    assert response.status_code == 401
    assert receiver.last_event()["checks"]["auth"]["result"] == "wrong"
    good = "Basic\t" + b64("bwuser:bw-pass")
    assert receiver.client.post("/bandwidth/voice", json={}, headers={"Authorization": good}).status_code == 200


def test_basic_without_colon_is_malformed_and_keeps_no_user_name(receiver):
    response = receiver.client.post("/bandwidth/voice", json={}, headers={"Authorization": AUTHORIZATION_VARIANTS["no colon"]})
    assert response.status_code == 401
    event = receiver.last_event()
    assert event["checks"]["auth"]["result"] == "malformed" and "username" not in event["checks"]["auth"]
    assert event["auth_user"] is None


def test_api_bearer_token_after_any_whitespace(receiver):
    assert receiver.client.get("/api/events", headers={"Authorization": "bearer\t" + ADMIN_TOKEN}).status_code == 200
    assert receiver.client.get("/api/events", headers={"Authorization": "Bearer"}).status_code == 401


def run_check_config(tmp_path, config):
    path = tmp_path / "receiver.yml"
    path.write_text(yaml.safe_dump(config))
    return subprocess.run([str(RECEIVER_BIN), "--config", str(path), "--check-config"], capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("url", [
    "https://hookuser:%s@hooks.example.com" % quote(PASSWORD, safe=""),
    "https://hookuser:%s@hooks.example.com/base" % TOKEN,
    "https://%s@hooks.example.com" % TOKEN,
    "https://hooks.example.com/cb?token=%s" % TOKEN,
    "https://hooks.example.com/cb#%s" % TOKEN,
])
def test_check_config_never_prints_a_secret_of_public_base_url(tmp_path, url):
    result = run_check_config(tmp_path, base_config(public_base_url=url))
    assert result.returncode == 2
    output = result.stdout + result.stderr
    assert "public_base_url" in output and "***" in output
    for secret in (PASSWORD, TOKEN):
        for form in encodings(secret):
            assert form not in output


def test_check_config_accepts_a_good_configuration(tmp_path):
    result = run_check_config(tmp_path, base_config(public_base_url="https://hooks.example.com"))
    assert result.returncode == 0 and "configuration OK" in result.stdout


@pytest.mark.parametrize("extra_args", [("--server", "granian"), ("--server", "gunicorn"), ("--dev-server",)],
                         ids=["granian", "gunicorn", "dev-server"])
def test_access_log_masks_query_values_and_credentials(served_receiver, extra_args):
    served = served_receiver(extra_args=extra_args)
    requests.post(served.url + "/generic?token=%s&leg=a" % TOKEN, data=b"x", timeout=10)
    requests.get(served.url + "/nowhere?%s" % TOKEN, timeout=10)
    requests.post(served.url + "/bandwidth/voice", json={}, timeout=10, headers={"Authorization": "Basic " + b64(PASSWORD),
                                                                                 "Referer": "https://u:%s@example.com/?k=%s" % (PASSWORD, TOKEN)})
    requests.post(served.url + "/bandwidth/voice", json={}, auth=("bwuser", "bw-pass"), timeout=10)
    served.stop()
    log = served.log.read_text()
    assert "/generic?token=***&leg=***" in log and "/nowhere?***" in log
    for secret in (PASSWORD, TOKEN):
        for form in encodings(secret):
            assert form not in log, form
    if "--server" in extra_args:
        assert " bwuser " in log  # gunicorn's user name atom (granian's front writes the same line) keeps a real user name
        assert '"POST /bandwidth/voice HTTP/1.1" 401 ' in log and '"POST /bandwidth/voice HTTP/1.1" 200 ' in log
