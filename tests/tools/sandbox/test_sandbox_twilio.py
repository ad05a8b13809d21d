"""The Twilio 2010-04-01 Applications API of the sandbox."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from cpaas_sandbox.app import create_app
from cpaas_sandbox.credentials import load_credentials

from .conftest import ACCOUNT_SID, APPS_PATH, TWILIO_AUTH, app_path

RESPONSE_FIELDS = {
    "account_sid",
    "api_version",
    "date_created",
    "date_updated",
    "friendly_name",
    "message_status_callback",
    "public_application_connect_enabled",
    "sid",
    "sms_fallback_method",
    "sms_fallback_url",
    "sms_method",
    "sms_status_callback",
    "sms_url",
    "status_callback",
    "status_callback_method",
    "uri",
    "voice_caller_id_lookup",
    "voice_fallback_method",
    "voice_fallback_url",
    "voice_method",
    "voice_url",
}
METHOD_KEYS = ["VoiceMethod", "VoiceFallbackMethod", "StatusCallbackMethod", "SmsMethod", "SmsFallbackMethod"]
URL_KEYS = ["VoiceUrl", "VoiceFallbackUrl", "StatusCallback", "SmsUrl", "SmsFallbackUrl", "SmsStatusCallback", "MessageStatusCallback"]
BOOL_KEYS = ["VoiceCallerIdLookup", "PublicApplicationConnectEnabled"]
SNAKE = {
    "FriendlyName": "friendly_name",
    "ApiVersion": "api_version",
    "VoiceUrl": "voice_url",
    "VoiceMethod": "voice_method",
    "VoiceFallbackUrl": "voice_fallback_url",
    "VoiceFallbackMethod": "voice_fallback_method",
    "StatusCallback": "status_callback",
    "StatusCallbackMethod": "status_callback_method",
    "VoiceCallerIdLookup": "voice_caller_id_lookup",
    "SmsUrl": "sms_url",
    "SmsMethod": "sms_method",
    "SmsFallbackUrl": "sms_fallback_url",
    "SmsFallbackMethod": "sms_fallback_method",
    "SmsStatusCallback": "sms_status_callback",
    "MessageStatusCallback": "message_status_callback",
    "PublicApplicationConnectEnabled": "public_application_connect_enabled",
}


def assert_twilio_error(response, status, code=None):
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"code", "message", "more_info", "status"}
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code
    assert body["more_info"] == f"https://www.twilio.com/docs/errors/{body['code']}"
    assert body["message"]
    return body


# -- create and fetch ------------------------------------------------------------
def test_create_with_nothing_set_has_twilio_defaults(twilio):
    response = twilio.create()
    assert response.status_code == 201
    assert response.mimetype == "application/json"
    app = response.get_json()
    assert set(app) == RESPONSE_FIELDS
    assert re.fullmatch(r"AP[0-9a-f]{32}", app["sid"])
    assert app["account_sid"] == ACCOUNT_SID
    assert app["uri"] == app_path(app["sid"])
    assert app["api_version"] == "2010-04-01"
    assert app["friendly_name"] is None
    for key in METHOD_KEYS:
        assert app[SNAKE[key]] == "POST"
    for key in URL_KEYS:
        assert app[SNAKE[key]] is None
    for key in BOOL_KEYS:
        assert app[SNAKE[key]] is False
    created = parsedate_to_datetime(app["date_created"])
    assert created.utcoffset().total_seconds() == 0
    assert re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000", app["date_created"])
    assert app["date_updated"] == app["date_created"]


def test_create_with_every_field_and_fetch(twilio):
    form = {
        "FriendlyName": "all fields",
        "ApiVersion": "2008-08-01",
        "VoiceUrl": "https://user:secret@example.com/voice?x=1",
        "VoiceMethod": "GET",
        "VoiceFallbackUrl": "https://example.com/voice-fallback",
        "VoiceFallbackMethod": "GET",
        "StatusCallback": "http://example.com/status",
        "StatusCallbackMethod": "GET",
        "VoiceCallerIdLookup": "true",
        "SmsUrl": "https://example.com/sms",
        "SmsMethod": "GET",
        "SmsFallbackUrl": "https://example.com/sms-fallback",
        "SmsFallbackMethod": "GET",
        "SmsStatusCallback": "https://example.com/sms-status",
        "MessageStatusCallback": "https://example.com:8443/message-status",
        "PublicApplicationConnectEnabled": "true",
    }
    created = twilio.create(**form).get_json()
    expected = {SNAKE[k]: v for k, v in form.items()}
    expected.update(voice_caller_id_lookup=True, public_application_connect_enabled=True)
    for key, value in expected.items():
        assert created[key] == value, key
    fetched = twilio.get(created["sid"])
    assert fetched.status_code == 200
    assert fetched.get_json() == created


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_every_method_value_of_the_specification_is_accepted(twilio, method):
    assert twilio.create(StatusCallbackMethod=method).get_json()["status_callback_method"] == method


def test_unknown_form_keys_are_ignored(twilio):
    response = twilio.create(FriendlyName="x", NoSuchField="y", voice_url="https://example.com/")
    assert response.status_code == 201
    app = response.get_json()
    assert "NoSuchField" not in app
    assert app["voice_url"] is None


def test_sids_are_unique(twilio):
    sids = {twilio.created_sid() for _i in range(20)}
    assert len(sids) == 20


def test_duplicate_friendly_names_are_allowed(twilio):
    a = twilio.created_sid(FriendlyName="same")
    b = twilio.created_sid(FriendlyName="same")
    assert a != b


def test_fetch_unknown_sid_is_404(twilio):
    response = twilio.get("AP" + "0" * 32)
    body = assert_twilio_error(response, 404, 20404)
    assert body["message"] == f"The requested resource {app_path('AP' + '0' * 32)} was not found"


def test_fetch_malformed_sid_is_404(twilio):
    assert_twilio_error(twilio.get("not-a-sid"), 404, 20404)


# -- update and delete ---------------------------------------------------------------
def test_update_changes_only_the_fields_sent(twilio, state):
    sid = twilio.created_sid(FriendlyName="before", VoiceUrl="https://example.com/v", SmsUrl="https://example.com/s", VoiceMethod="GET")
    original = twilio.get(sid).get_json()
    response = twilio.update(sid, FriendlyName="after", SmsMethod="GET")
    assert response.status_code == 200
    updated = response.get_json()
    assert updated["friendly_name"] == "after"
    assert updated["sms_method"] == "GET"
    unchanged = {k: v for k, v in original.items() if k not in ("friendly_name", "sms_method", "date_updated")}
    assert {k: updated[k] for k in unchanged} == unchanged
    assert twilio.get(sid).get_json() == updated


def test_update_with_empty_string_clears_a_url(twilio):
    sid = twilio.created_sid(VoiceUrl="https://example.com/v", StatusCallback="https://example.com/s")
    updated = twilio.update(sid, VoiceUrl="").get_json()
    assert updated["voice_url"] is None
    assert updated["status_callback"] == "https://example.com/s"


def test_update_with_no_fields_is_accepted(twilio):
    sid = twilio.created_sid(FriendlyName="same")
    response = twilio.update(sid)
    assert response.status_code == 200
    assert response.get_json()["friendly_name"] == "same"


def test_update_unknown_sid_is_404(twilio):
    assert_twilio_error(twilio.update("AP" + "1" * 32, FriendlyName="x"), 404, 20404)


def test_delete_answers_204_and_the_app_is_gone(twilio, state):
    sid = twilio.created_sid()
    response = twilio.delete(sid)
    assert response.status_code == 204
    assert response.data == b""
    assert_twilio_error(twilio.get(sid), 404, 20404)
    assert_twilio_error(twilio.delete(sid), 404, 20404)
    assert state.list_applications("twilio") == []


def test_other_verbs_are_405(client):
    response = client.put(APPS_PATH, auth=TWILIO_AUTH)
    assert_twilio_error(response, 405, 20004)
    response = client.patch(app_path("AP" + "0" * 32), auth=TWILIO_AUTH)
    assert_twilio_error(response, 405, 20004)


def test_unknown_path_under_the_api_is_a_twilio_404(client):
    assert_twilio_error(client.get(f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json", auth=TWILIO_AUTH), 404, 20404)
    assert_twilio_error(client.get(f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"), 401, 20003)


# -- validation ------------------------------------------------------------------------
@pytest.mark.parametrize("key", METHOD_KEYS)
@pytest.mark.parametrize("value", ["FOO", "", "OPTIONS", "G ET", "HEAD", "PATCH", "PUT", "DELETE", "get", "Post"])
def test_invalid_method_is_400(twilio, state, key, value):
    # The specification allows GET and POST only (upper case), for every *Method field.
    body = assert_twilio_error(twilio.create(**{key: value}), 400, 21503)
    assert key in body["message"]
    assert "GET, POST" in body["message"]
    assert state.list_applications("twilio") == []


@pytest.mark.parametrize("key", URL_KEYS)
@pytest.mark.parametrize(
    "value",
    [
        "not a url",
        "example.com/voice",
        "ftp://example.com/voice",
        "https://",
        "https:///path",
        "javascript:alert(1)",
        "https://example.com:notaport/",
        "https://exa mple.com/",
        "https://example.com/" + "a" * 4000,
    ],
)
def test_invalid_url_is_400_and_the_value_is_not_echoed(twilio, state, key, value):
    body = assert_twilio_error(twilio.create(**{key: value}), 400, 21502)
    # the message names the field and never echoes the value (it may hold a password)
    assert body["message"] == f"{key} is not a valid URL: it must be an absolute http:// or https:// URL with a host name"
    assert state.list_applications("twilio") == []


def test_url_error_does_not_echo_a_password(twilio):
    body = assert_twilio_error(twilio.create(VoiceUrl="https://user:hunter2@exa mple.com/"), 400, 21502)
    assert "hunter2" not in body["message"]


def test_url_with_credentials_port_and_query_is_valid(twilio):
    url = "http://user:p%40ss@127.0.0.1:8080/cb?a=1&b=2"
    assert twilio.create(VoiceUrl=url).get_json()["voice_url"] == url


@pytest.mark.parametrize("key", BOOL_KEYS)
@pytest.mark.parametrize("value", ["yes", "1", "", "on"])
def test_invalid_boolean_is_400(twilio, key, value):
    body = assert_twilio_error(twilio.create(**{key: value}), 400, 21504)
    assert key in body["message"]


@pytest.mark.parametrize("key", BOOL_KEYS)
def test_booleans_accept_true_and_false(twilio, key):
    assert twilio.create(**{key: "True"}).get_json()[SNAKE[key]] is True
    assert twilio.create(**{key: "false"}).get_json()[SNAKE[key]] is False


def test_friendly_name_over_64_characters_is_400(twilio):
    body = assert_twilio_error(twilio.create(FriendlyName="x" * 65), 400, 21505)
    assert "64" in body["message"]
    assert twilio.create(FriendlyName="é" * 64).get_json()["friendly_name"] == "é" * 64


@pytest.mark.parametrize("value", ["2011-01-01", "", "2010-04-01 "])
def test_invalid_api_version_is_400(twilio, value):
    body = assert_twilio_error(twilio.create(ApiVersion=value), 400, 21506)
    assert "2010-04-01" in body["message"] and "2008-08-01" in body["message"]


def test_update_is_validated_and_a_failed_update_changes_nothing(twilio):
    sid = twilio.created_sid(FriendlyName="keep", VoiceUrl="https://example.com/v")
    before = twilio.get(sid).get_json()
    assert_twilio_error(twilio.update(sid, FriendlyName="new", VoiceMethod="BOGUS"), 400, 21503)
    assert twilio.get(sid).get_json() == before


def test_json_body_is_refused(client, state):
    response = client.post(APPS_PATH, json={"FriendlyName": "x"}, auth=TWILIO_AUTH)
    body = assert_twilio_error(response, 400, 20001)
    assert "application/x-www-form-urlencoded" in body["message"]
    assert state.list_applications("twilio") == []


def test_form_content_type_with_charset_is_accepted(client):
    response = client.post(
        APPS_PATH,
        data="FriendlyName=caf%C3%A9",
        content_type="application/x-www-form-urlencoded; charset=utf-8",
        auth=TWILIO_AUTH,
    )
    assert response.status_code == 201
    assert response.get_json()["friendly_name"] == "café"


# -- authentication ------------------------------------------------------------------
def assert_unauthorized(response):
    assert_twilio_error(response, 401, 20003)
    assert response.get_json()["message"] == "Authenticate"
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Twilio API"'


@pytest.mark.parametrize(
    "auth",
    [
        None,
        (ACCOUNT_SID, "wrong-token"),
        ("AC" + "b" * 32, "sandbox-twilio-token"),
        (ACCOUNT_SID, ""),
        ("", ""),
    ],
)
def test_missing_or_wrong_credentials_are_401(client, state, auth):
    assert_unauthorized(client.get(APPS_PATH, auth=auth))
    assert_unauthorized(client.post(APPS_PATH, data={"FriendlyName": "x"}, auth=auth))
    assert state.list_applications("twilio") == []


def test_non_basic_authorization_is_401(client):
    assert_unauthorized(client.get(APPS_PATH, headers={"Authorization": "Bearer sandbox-twilio-token"}))
    assert_unauthorized(client.get(APPS_PATH, headers={"Authorization": "Basic not-base64!"}))


def test_account_sid_in_path_must_be_the_authenticated_account(client):
    other = "AC" + "c" * 32
    assert_unauthorized(client.get(f"/2010-04-01/Accounts/{other}/Applications.json", auth=TWILIO_AUTH))


def test_api_key_and_secret_are_accepted():
    creds = load_credentials({})
    client = create_app(environ={}).test_client()
    response = client.post(APPS_PATH, data={"FriendlyName": "k"}, auth=(creds["TWILIO_API_KEY"], creds["TWILIO_API_SECRET"]))
    assert response.status_code == 201
    assert re.fullmatch(r"SK[0-9a-f]{32}", creds["TWILIO_API_KEY"])
    wrong = client.get(APPS_PATH, auth=(creds["TWILIO_API_KEY"], creds["TWILIO_AUTH_TOKEN"]))
    assert wrong.status_code == 401


def test_credentials_come_from_the_environment_and_overrides():
    env = {"TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "from-env"}
    client = create_app(environ=env).test_client()
    path = f"/2010-04-01/Accounts/{env['TWILIO_ACCOUNT_SID']}/Applications.json"
    assert client.get(path, auth=(env["TWILIO_ACCOUNT_SID"], "from-env")).status_code == 200
    assert client.get(path, auth=(env["TWILIO_ACCOUNT_SID"], "sandbox-twilio-token")).status_code == 401
    client = create_app(credentials={"TWILIO_AUTH_TOKEN": "override"}, environ=env).test_client()
    assert client.get(path, auth=(env["TWILIO_ACCOUNT_SID"], "override")).status_code == 200
    assert client.get(path, auth=(env["TWILIO_ACCOUNT_SID"], "from-env")).status_code == 401


# -- list, paging, filter ----------------------------------------------------------
ENVELOPE = {"applications", "end", "first_page_uri", "next_page_uri", "page", "page_size", "previous_page_uri", "start", "uri"}


def test_empty_list(twilio):
    response = twilio.list()
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == ENVELOPE
    assert body["applications"] == []
    assert body["page"] == 0
    assert body["page_size"] == 50
    assert body["start"] == 0
    assert body["next_page_uri"] is None
    assert body["previous_page_uri"] is None
    assert body["first_page_uri"] == f"{APPS_PATH}?PageSize=50&Page=0"
    assert body["uri"] == f"{APPS_PATH}?PageSize=50&Page=0"


def test_default_page_size_is_50(twilio):
    sids = [twilio.created_sid(FriendlyName=f"app{i}") for i in range(51)]
    body = twilio.list().get_json()
    assert [a["sid"] for a in body["applications"]] == sids[:50]
    assert body["end"] == 49
    assert body["next_page_uri"] is not None


def test_paging_follows_next_page_uri_across_all_pages(twilio, client):
    sids = [twilio.created_sid(FriendlyName=f"app{i}") for i in range(7)]
    body = twilio.list(PageSize=3).get_json()
    seen, pages = [], []
    while True:
        assert set(body) == ENVELOPE
        seen += [a["sid"] for a in body["applications"]]
        pages.append(body)
        if body["next_page_uri"] is None:
            break
        next_uri = body["next_page_uri"]
        assert next_uri.startswith(APPS_PATH + "?")  # relative
        assert parse_qs(urlsplit(next_uri).query)["PageToken"][0].startswith("PA")
        body = client.get(next_uri, auth=TWILIO_AUTH).get_json()
    assert seen == sids
    assert [p["page"] for p in pages] == [0, 1, 2]
    assert [(p["start"], p["end"]) for p in pages] == [(0, 2), (3, 5), (6, 6)]
    assert all(p["page_size"] == 3 for p in pages)
    assert pages[0]["previous_page_uri"] is None
    # previous_page_uri of the last page leads back to the middle page
    previous = client.get(pages[2]["previous_page_uri"], auth=TWILIO_AUTH).get_json()
    assert [a["sid"] for a in previous["applications"]] == sids[3:6]
    assert previous["page"] == 1


def test_page_token_survives_deletion_of_its_application(twilio, client):
    sids = [twilio.created_sid() for _i in range(4)]
    first = twilio.list(PageSize=2).get_json()
    twilio.delete(sids[1])  # the application named in the token
    second = client.get(first["next_page_uri"], auth=TWILIO_AUTH).get_json()
    assert [a["sid"] for a in second["applications"]] == sids[2:]


def test_page_without_token_is_an_offset(twilio):
    sids = [twilio.created_sid() for _i in range(5)]
    body = twilio.list(PageSize=2, Page=1).get_json()
    assert [a["sid"] for a in body["applications"]] == sids[2:4]
    assert body["start"] == 2 and body["end"] == 3
    beyond = twilio.list(PageSize=2, Page=9).get_json()
    assert beyond["applications"] == [] and beyond["next_page_uri"] is None


def test_friendly_name_filter_and_its_paging(twilio, client):
    a1 = twilio.created_sid(FriendlyName="wanted app")
    twilio.created_sid(FriendlyName="other")
    a2 = twilio.created_sid(FriendlyName="wanted app")
    twilio.created_sid(FriendlyName="Wanted App")
    a3 = twilio.created_sid(FriendlyName="wanted app")
    body = twilio.list(FriendlyName="wanted app", PageSize=2).get_json()
    assert [a["sid"] for a in body["applications"]] == [a1, a2]
    assert "FriendlyName=wanted+app" in body["next_page_uri"]
    assert "FriendlyName=wanted+app" in body["uri"]
    rest = client.get(body["next_page_uri"], auth=TWILIO_AUTH).get_json()
    assert [a["sid"] for a in rest["applications"]] == [a3]
    assert rest["next_page_uri"] is None
    assert twilio.list(FriendlyName="nobody").get_json()["applications"] == []


@pytest.mark.parametrize(
    ("query", "name"),
    [({"PageSize": "1001"}, "PageSize"), ({"PageSize": "0"}, "PageSize"), ({"PageSize": "x"}, "PageSize"), ({"Page": "-1"}, "Page")],
)
def test_invalid_paging_parameters_are_400(twilio, query, name):
    body = assert_twilio_error(twilio.list(**query), 400, 20001)
    assert name in body["message"]


def test_page_size_1000_is_allowed(twilio):
    assert twilio.list(PageSize=1000).get_json()["page_size"] == 1000


@pytest.mark.parametrize("token", ["nonsense", "PAAP" + "0" * 32, "PX"])
def test_invalid_page_token_is_400(twilio, token):
    twilio.created_sid()
    assert_twilio_error(twilio.list(PageToken=token), 400, 20001)
