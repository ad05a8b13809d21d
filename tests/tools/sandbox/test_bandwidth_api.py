"""The sandbox's Bandwidth applications API: XML in and out, full-replace PUT, write-only passwords."""

from __future__ import annotations

import pytest
from lxml import etree

from .conftest import CREDS

ACCOUNT = CREDS["BW_ACCOUNT_ID"]
AUTH = (CREDS["BW_USERNAME"], CREDS["BW_PASSWORD"])
APPS = f"/api/accounts/{ACCOUNT}/applications"
XML = {"Content-Type": "application/xml; charset=utf-8"}

# The documents' create examples, verbatim (the voice one closes CallInitiatedFallbackUrl with the wrong tag).
MESSAGING_EXAMPLE = b"""<Application>
<ServiceType>Messaging-V2</ServiceType>
<AppName>EBVICs</AppName>
<InboundCallbackUrl>https://example.com</InboundCallbackUrl>
<OutboundCallbackUrl>https://example2.com</OutboundCallbackUrl>
<InboundCallbackCreds>
<UserId>15jPWZmXdm</UserId>
<Password>xxv3jPsPR2</Password>
</InboundCallbackCreds>
<OutboundCallbackCreds>
<UserId>15jPWZmXdm</UserId>
<Password>xxv3jPsPR2</Password>
</OutboundCallbackCreds>
<RequestedCallbackTypes>
<CallbackType>message-delivered</CallbackType>
<CallbackType>message-failed</CallbackType>
<CallbackType>message-sending</CallbackType>
</RequestedCallbackTypes>
</Application>"""
VOICE_EXAMPLE = b"""<Application>
<ServiceType>Voice-V2</ServiceType>
<AppName>Production Server</AppName>
<CallInitiatedCallbackUrl>https://yourSecureSite.com/callbacks/voice</CallInitiatedCallbackUrl>
<CallStatusCallbackUrl>https://yourSecureSite.com/callbacks/voice/status</CallStatusCallbackUrl>
<CallbackCreds>
<UserId>Your-User-id</UserId>
<Password>Your-Password</Password>
</CallbackCreds>
<CallInitiatedFallbackUrl>https://yourSecureSecondarySite.com/callbacks/voice</CallInitiatedCallbackUrl>
<CallInitiatedFallbackCreds>
<UserId>Your-Fallback-User-id</UserId>
<Password>Your-Fallback-Password</Password>
</CallInitiatedFallbackCreds>
</Application>"""
VOICE_FIXED = VOICE_EXAMPLE.replace(b"voice</CallInitiatedCallbackUrl>\n<CallInitiatedFallbackCreds>",
                                    b"voice</CallInitiatedFallbackUrl>\n<CallInitiatedFallbackCreds>")


class Bandwidth:
    def __init__(self, client):
        self.client = client

    def create(self, body, **kwargs):
        return self.client.post(APPS, data=body, headers=XML, auth=AUTH, **kwargs)

    def created_id(self, body) -> str:
        response = self.create(body)
        assert response.status_code == 201, response.data
        return xml(response).findtext("Application/ApplicationId")

    def get(self, app_id):
        return self.client.get(f"{APPS}/{app_id}", auth=AUTH)

    def list(self):
        return self.client.get(APPS, auth=AUTH)

    def put(self, app_id, body):
        return self.client.put(f"{APPS}/{app_id}", data=body, headers=XML, auth=AUTH)

    def patch(self, app_id, body):
        return self.client.patch(f"{APPS}/{app_id}", data=body, headers=XML, auth=AUTH)

    def delete(self, app_id):
        return self.client.delete(f"{APPS}/{app_id}", auth=AUTH)

    def stored(self, app_id):
        response = self.client.get(f"/_sandbox/bandwidth/applications/{app_id}")
        assert response.status_code == 200
        return response.get_json()


@pytest.fixture
def bw(client):
    return Bandwidth(client)


def xml(response):
    assert response.mimetype == "application/xml", response.data
    return etree.fromstring(response.data)


def error_of(response):
    root = xml(response)
    return root.findtext("ResponseStatus/ErrorCode"), root.findtext("ResponseStatus/Description")


def tags(element):
    return [child.tag for child in element if isinstance(child.tag, str)]


# ---- create ----------------------------------------------------------------------------
def test_documented_messaging_example_creates_with_deprecated_echoes(bw):
    response = bw.create(MESSAGING_EXAMPLE)

    assert response.status_code == 201
    assert response.data.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
    app = xml(response).find("Application")
    assert tags(app) == ["ApplicationId", "ServiceType", "AppName", "MsgCallbackUrl", "InboundCallbackUrl", "OutboundCallbackUrl",
                         "MsgCallbackCreds", "InboundCallbackCreds", "OutboundCallbackCreds", "RequestedCallbackTypes"]
    assert app.findtext("MsgCallbackUrl") == "https://example.com"
    assert tags(app.find("InboundCallbackCreds")) == ["UserId"]
    assert b"Password" not in response.data and b"xxv3jPsPR2" not in response.data
    app_id = app.findtext("ApplicationId")
    assert response.headers["Location"].endswith(f"{APPS}/{app_id}")
    assert bw.stored(app_id)["InboundCallbackCreds"] == {"UserId": "15jPWZmXdm", "Password": "xxv3jPsPR2"}


def test_documented_voice_example_as_published_is_refused_as_malformed(bw, state):
    response = bw.create(VOICE_EXAMPLE)

    assert response.status_code == 400
    code, description = error_of(response)
    assert code and "not well-formed" in description
    assert state.list_applications("bandwidth") == []


def test_voice_create_fills_in_the_methods(bw):
    response = bw.create(VOICE_FIXED)

    assert response.status_code == 201
    app = xml(response).find("Application")
    assert tags(app) == ["ApplicationId", "ServiceType", "AppName", "CallInitiatedCallbackUrl", "CallInitiatedMethod",
                         "CallStatusCallbackUrl", "CallStatusMethod", "CallbackCreds", "CallInitiatedFallbackUrl",
                         "CallInitiatedFallbackMethod", "CallInitiatedFallbackCreds"]
    assert {app.findtext(t) for t in ("CallInitiatedMethod", "CallStatusMethod", "CallInitiatedFallbackMethod")} == {"POST"}
    assert b"Your-Password" not in response.data and b"Your-Fallback-Password" not in response.data


@pytest.mark.parametrize("body, words", [
    (b"<Application><AppName>x</AppName><InboundCallbackUrl>https://a.example.com</InboundCallbackUrl></Application>", "ServiceType"),
    (b"<Application><ServiceType>Messaging-V2</ServiceType><InboundCallbackUrl>https://a.example.com</InboundCallbackUrl></Application>",
     "AppName"),
    (b"<Application><ServiceType>Messaging-V2</ServiceType><AppName>x</AppName></Application>", "InboundCallbackUrl"),
    (b"<Application><ServiceType>Voice-V2</ServiceType><AppName>x</AppName></Application>", "CallInitiatedCallbackUrl"),
    (b"<Application><ServiceType>Messaging-V2</ServiceType><AppName>x</AppName><InboundCallbackUrl>https://a.example.com"
     b"</InboundCallbackUrl><CallStatusCallbackUrl>https://a.example.com</CallStatusCallbackUrl></Application>", "CallStatusCallbackUrl"),
    (b"<Application><ServiceType>Fax</ServiceType><AppName>x</AppName></Application>", "ServiceType"),
    (b"<Application><ServiceType>Voice-V2</ServiceType><AppName>x</AppName><CallInitiatedCallbackUrl>ftp://a</CallInitiatedCallbackUrl>"
     b"</Application>", "CallInitiatedCallbackUrl"),
    (b"<Application><ServiceType>Voice-V2</ServiceType><AppName>x</AppName><CallInitiatedCallbackUrl>https://a.example.com"
     b"</CallInitiatedCallbackUrl><CallInitiatedMethod>PUT</CallInitiatedMethod></Application>", "CallInitiatedMethod"),
    (b"<Application><ServiceType>Voice-V2</ServiceType><AppName>x</AppName><CallInitiatedCallbackUrl>https://a.example.com"
     b"</CallInitiatedCallbackUrl><CallbackCreds><Password>p</Password></CallbackCreds></Application>", "UserId"),
    (b"<Application><ServiceType>Voice-V2</ServiceType><AppName>x</AppName><Color>red</Color></Application>", "Color"),
    (b"<Applications/>", "<Application>"),
])
def test_invalid_or_incomplete_bodies_answer_400(bw, state, body, words):
    response = bw.create(body)

    assert response.status_code == 400
    code, description = error_of(response)
    assert code and words in description
    assert state.list_applications("bandwidth") == []


def test_entity_declarations_are_refused_and_never_expanded(bw, state):
    body = b"""<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxxxx"><!ENTITY y "&x;&x;&x;&x;&x;&x;&x;&x;&x;&x;">]>
<Application><ServiceType>Voice-V2</ServiceType><AppName>&y;</AppName>
<CallInitiatedCallbackUrl>https://a.example.com</CallInitiatedCallbackUrl></Application>"""

    response = bw.create(body)

    assert response.status_code == 400
    assert "Document type" in error_of(response)[1]
    assert b"xxxxxxxxxx" not in response.data
    assert state.list_applications("bandwidth") == []


def test_other_content_types_are_refused(bw, client):
    response = client.post(APPS, data=b"{}", headers={"Content-Type": "application/json"}, auth=AUTH)
    assert response.status_code == 415
    assert error_of(response)[0]


# ---- read, list, auth --------------------------------------------------------------------
def test_list_has_every_application_without_paging_and_v1_paths_work(bw, client):
    first = bw.created_id(MESSAGING_EXAMPLE)
    second = bw.created_id(VOICE_FIXED)

    listing = xml(bw.list())
    v1 = client.get(f"/api/v1/accounts/{ACCOUNT}/applications/{second}", auth=AUTH)

    assert listing.tag == "ApplicationProvisioningResponse"
    assert [a.findtext("ApplicationId") for a in listing.find("ApplicationList")] == [first, second]
    assert b"Password" not in etree.tostring(listing)
    assert v1.status_code == 200 and xml(v1).findtext("Application/AppName") == "Production Server"


def test_unknown_application_is_404_with_bandwidths_code(bw):
    for response in (bw.get("nope"), bw.put("nope", MESSAGING_EXAMPLE), bw.delete("nope")):
        assert response.status_code == 404
        assert error_of(response) == ("13629", "Application with id 'nope' not found")


def test_bad_credentials_and_other_accounts_are_refused(client):
    unauthenticated = client.get(APPS)
    wrong = client.get(APPS, auth=(AUTH[0], "wrong"))
    other_account = client.get("/api/accounts/1234/applications", auth=AUTH)

    for response in (unauthenticated, wrong):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic")
        assert error_of(response)[0]
    assert other_account.status_code == 403


# ---- update and delete -----------------------------------------------------------------
def test_put_replaces_everything_and_keeps_the_service_type(bw):
    app_id = bw.created_id(VOICE_FIXED)

    response = bw.put(app_id, b"<Application><AppName>renamed</AppName>"
                              b"<CallInitiatedCallbackUrl>https://new.example.com/v</CallInitiatedCallbackUrl></Application>")

    assert response.status_code == 200
    app = xml(response).find("Application")
    assert tags(app) == ["ApplicationId", "ServiceType", "AppName", "CallInitiatedCallbackUrl", "CallInitiatedMethod"]
    assert app.findtext("ServiceType") == "Voice-V2"
    stored = bw.stored(app_id)
    assert "CallbackCreds" not in stored and "CallStatusCallbackUrl" not in stored


def test_put_without_passwords_keeps_user_ids_but_loses_the_passwords(bw):
    app_id = bw.created_id(VOICE_FIXED)

    response = bw.put(app_id, b"<Application><AppName>x</AppName><CallInitiatedCallbackUrl>https://a.example.com</CallInitiatedCallbackUrl>"
                              b"<CallbackCreds><UserId>Your-User-id</UserId></CallbackCreds></Application>")

    assert response.status_code == 200
    assert bw.stored(app_id)["CallbackCreds"] == {"UserId": "Your-User-id"}


def test_put_can_repeat_but_not_change_the_service_type(bw):
    app_id = bw.created_id(MESSAGING_EXAMPLE)

    same = bw.put(app_id, b"<Application><ServiceType>Messaging-V2</ServiceType><AppName>x</AppName>"
                          b"<InboundCallbackUrl>https://a.example.com</InboundCallbackUrl></Application>")
    other = bw.put(app_id, b"<Application><ServiceType>Voice-V2</ServiceType><AppName>x</AppName>"
                           b"<CallInitiatedCallbackUrl>https://a.example.com</CallInitiatedCallbackUrl></Application>")

    assert same.status_code == 200
    assert other.status_code == 400 and "ServiceType cannot be changed" in error_of(other)[1]
    assert bw.stored(app_id)["ServiceType"] == "Messaging-V2"


def test_put_needs_the_required_elements(bw):
    app_id = bw.created_id(MESSAGING_EXAMPLE)

    response = bw.put(app_id, b"<Application><AppName>x</AppName></Application>")

    assert response.status_code == 400 and "InboundCallbackUrl" in error_of(response)[1]
    assert bw.stored(app_id)["AppName"] == "EBVICs"


def test_patch_changes_only_what_it_carries_and_remove_deletes_the_status_url(bw):
    app_id = bw.created_id(VOICE_FIXED)

    renamed = bw.patch(app_id, b"<Application><AppName>patched</AppName></Application>")
    removed = bw.patch(app_id, b"<Application><CallStatusCallbackUrl>remove</CallStatusCallbackUrl></Application>")

    assert renamed.status_code == 200 and removed.status_code == 200
    stored = bw.stored(app_id)
    assert stored["AppName"] == "patched"
    assert "CallStatusCallbackUrl" not in stored
    assert stored["CallbackCreds"] == {"UserId": "Your-User-id", "Password": "Your-Password"}


def test_delete_answers_200_empty_as_xml(bw):
    app_id = bw.created_id(VOICE_FIXED)

    response = bw.delete(app_id)

    assert response.status_code == 200 and response.data == b""
    assert response.mimetype == "application/xml"  # the specification's content type for this answer
    assert bw.get(app_id).status_code == 404


def test_associated_sip_peers_is_an_empty_list(bw, client):
    app_id = bw.created_id(VOICE_FIXED)

    response = client.get(f"{APPS}/{app_id}/associatedsippeers", auth=AUTH)

    assert response.status_code == 200
    assert xml(response).find("AssociatedSipPeers") is not None


# ---- control API and faults ------------------------------------------------------------
def test_out_of_band_change_is_seen_by_the_api(bw, client):
    app_id = bw.created_id(VOICE_FIXED)

    changed = client.patch(f"/_sandbox/bandwidth/applications/{app_id}",
                           json={"CallInitiatedCallbackUrl": "https://drift.example.net/v", "CallStatusCallbackUrl": None})
    refused = client.patch(f"/_sandbox/bandwidth/applications/{app_id}", json={"ServiceType": "Messaging-V2"})

    assert changed.status_code == 200 and refused.status_code == 400
    app = xml(bw.get(app_id)).find("Application")
    assert app.findtext("CallInitiatedCallbackUrl") == "https://drift.example.net/v"
    assert app.find("CallStatusCallbackUrl") is None


def test_injected_fault_answers_in_bandwidths_error_shape(bw, client, state):
    fault = client.post("/_sandbox/faults", json={"provider": "bandwidth", "method": "POST", "kind": "status", "status": 429})
    assert fault.status_code == 201

    limited = bw.create(VOICE_FIXED)

    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"
    assert error_of(limited) == ("429", "Too Many Requests")
    assert state.list_applications("bandwidth") == []
    assert bw.create(VOICE_FIXED).status_code == 201


def test_unknown_paths_under_the_api_are_bandwidth_404s(client):
    assert client.get("/api/accounts/x/other", auth=AUTH).status_code == 404
    assert client.get("/api/accounts/x/other").status_code == 401
