# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bandwidth's XML translation and the compare/plan rules, without a server."""

from __future__ import annotations

import pytest
import requests
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.bandwidth import adapter as bw
from ansible_collections.cpaas.callbacks.plugins.module_utils.application import ModuleInputError
from ansible_collections.cpaas.callbacks.plugins.module_utils.http_client import ForeignAnswer, HttpClient
from lxml import etree

# The documents' messaging create response, as published (comments and deprecated echoes included).
MESSAGING_RESPONSE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ApplicationProvisioningResponse>
<Application>
<ApplicationId>d4d1b41d-4c05-47d0-838a-34e4f14e4e3e</ApplicationId>
<ServiceType>Messaging-V2</ServiceType>
<AppName>EBVICs</AppName>
<!--DEPRECATED-->
<MsgCallbackUrl>https://example.com</MsgCallbackUrl>
<InboundCallbackUrl>https://example.com</InboundCallbackUrl>
<OutboundCallbackUrl>https://example2.com</OutboundCallbackUrl>
<!--DEPRECATED-->
<MsgCallbackCreds>
<!--DEPRECATED-->
<UserId>15jPWZmXdm</UserId>
<!--DEPRECATED-->
</MsgCallbackCreds>
<InboundCallbackCreds>
<UserId>15jPWZmXdm</UserId>
</InboundCallbackCreds>
<OutboundCallbackCreds>
<UserId>15jPWZmXdm</UserId>
</OutboundCallbackCreds>
<RequestedCallbackTypes>
<CallbackType>message-delivered</CallbackType>
<CallbackType>message-failed</CallbackType>
<CallbackType>message-sending</CallbackType>
</RequestedCallbackTypes>
</Application>
</ApplicationProvisioningResponse>"""

# The documents' voice create response closes CallInitiatedFallbackUrl with the wrong tag (a typo in the page).
VOICE_RESPONSE_AS_PUBLISHED = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ApplicationProvisioningResponse>
<Application>
<ApplicationId>d775585a-ed5b-4a49-8b96-f68c0a993ebe</ApplicationId>
<ServiceType>Voice-V2</ServiceType>
<AppName>Production Server</AppName>
<CallInitiatedCallbackUrl>https://yourSecureSite.com/callbacks/voice</CallInitiatedCallbackUrl>
<CallInitiatedMethod>POST</CallInitiatedMethod>
<CallStatusCallbackUrl>https://yourSecureSite.com/callbacks/voice/status</CallStatusCallbackUrl>
<CallStatusMethod>POST</CallStatusMethod>
<CallbackCreds>
<UserId>Your-User-id</UserId>
</CallbackCreds>
<CallInitiatedFallbackUrl>https://yourSecureSecondarySite.com/callbacks/voice</CallInitiatedCallbackUrl>
<CallInitiatedFallbackMethod>POST</CallInitiatedFallbackMethod>
<CallInitiatedFallbackCreds>
<UserId>Your-Fallback-User-id</UserId>
</CallInitiatedFallbackCreds>
</Application>
</ApplicationProvisioningResponse>"""
VOICE_RESPONSE = VOICE_RESPONSE_AS_PUBLISHED.replace(
    b"voice</CallInitiatedCallbackUrl>\n<CallInitiatedFallbackMethod>", b"voice</CallInitiatedFallbackUrl>\n<CallInitiatedFallbackMethod>")

VOICE_APP = {
    "application_id": "d775585a-ed5b-4a49-8b96-f68c0a993ebe",
    "service_type": "Voice-V2",
    "app_name": "Production Server",
    "call_initiated_callback_url": "https://yourSecureSite.com/callbacks/voice",
    "call_initiated_method": "POST",
    "call_status_callback_url": "https://yourSecureSite.com/callbacks/voice/status",
    "call_status_method": "POST",
    "callback_creds": {"user_id": "Your-User-id"},
    "call_initiated_fallback_url": "https://yourSecureSecondarySite.com/callbacks/voice",
    "call_initiated_fallback_method": "POST",
    "call_initiated_fallback_creds": {"user_id": "Your-Fallback-User-id"},
}

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<ApplicationProvisioningResponse><Application><AppName>&lol4;</AppName></Application></ApplicationProvisioningResponse>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE a [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<ApplicationProvisioningResponse><Application><AppName>&secret;</AppName></Application></ApplicationProvisioningResponse>"""


def options(**params):
    return dict({"update_password": "on_create", "application_id": None, "app_name": None}, **params)


def adapter(**params):
    return bw.BandwidthApplicationAdapter(options(**params), client=object())


class FakeResponse:
    def __init__(self, content):
        self.content = content
        self.text = content.decode("utf-8", "replace")


# ---- parsing -------------------------------------------------------------------------
def test_documented_messaging_response_parses_without_deprecated_echoes():
    app = bw.parse_application(MESSAGING_RESPONSE)

    assert app == {
        "application_id": "d4d1b41d-4c05-47d0-838a-34e4f14e4e3e",
        "service_type": "Messaging-V2",
        "app_name": "EBVICs",
        "inbound_callback_url": "https://example.com",
        "outbound_callback_url": "https://example2.com",
        "inbound_callback_creds": {"user_id": "15jPWZmXdm"},
        "outbound_callback_creds": {"user_id": "15jPWZmXdm"},
        "requested_callback_types": ["message-delivered", "message-failed", "message-sending"],
    }


def test_documented_voice_response_parses_once_its_typo_is_fixed():
    assert bw.parse_application(VOICE_RESPONSE) == VOICE_APP


def test_documented_voice_response_as_published_is_not_well_formed():
    with pytest.raises(bw.XmlError, match="not well-formed"):
        bw.parse_application(VOICE_RESPONSE_AS_PUBLISHED)


def test_list_parses_every_application():
    body = (b"<ApplicationProvisioningResponse><ApplicationList>"
            + etree.tostring(etree.fromstring(MESSAGING_RESPONSE).find("Application"))
            + etree.tostring(etree.fromstring(VOICE_RESPONSE).find("Application"))
            + b"</ApplicationList></ApplicationProvisioningResponse>")

    apps = bw.parse_application_list(body)

    assert [app["app_name"] for app in apps] == ["EBVICs", "Production Server"]
    assert bw.parse_application_list(b"<ApplicationProvisioningResponse><ApplicationList/></ApplicationProvisioningResponse>") == []


def test_a_password_in_an_answer_is_never_kept():
    body = (b"<ApplicationProvisioningResponse><Application><ApplicationId>x</ApplicationId>"
            b"<CallbackCreds><UserId>u</UserId><Password>leaked</Password></CallbackCreds></Application></ApplicationProvisioningResponse>")

    assert bw.parse_application(body)["callback_creds"] == {"user_id": "u"}


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entity_tricks_are_refused(body):
    with pytest.raises(bw.XmlError, match="document type declaration"):
        bw.parse_application(body)


def test_parser_never_expands_entities_even_if_asked_to_parse_a_dtd_document():
    root = etree.fromstring(BILLION_LAUGHS, bw.xml_parser())
    name = root.find("Application/AppName")
    assert name.text is None  # the entity reference is left as it is, not expanded
    assert len(etree.tostring(root)) < 2000
    external = etree.fromstring(EXTERNAL_ENTITY, bw.xml_parser())
    assert external.find("Application/AppName").text is None


@pytest.mark.parametrize("body", [b"", b"   ", b"not xml", b"<a><b></a>", b"<a>&undefined;</a>"])
def test_malformed_bodies_raise_xml_error(body):
    with pytest.raises(bw.XmlError):
        bw.parse_xml(body)


# ---- building ------------------------------------------------------------------------
def test_request_is_well_formed_in_document_order_with_passwords():
    app = dict(VOICE_APP, callback_creds={"user_id": "u1", "password": "p1"},
               call_initiated_fallback_creds={"user_id": "u2", "password": "p2"}, callback_timeout="20")
    body = bw.application_to_xml(app)

    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Application>')
    root = etree.fromstring(body)
    assert [child.tag for child in root] == [
        "ServiceType", "AppName", "CallInitiatedCallbackUrl", "CallInitiatedMethod", "CallStatusCallbackUrl",
        "CallStatusMethod", "CallbackCreds", "CallInitiatedFallbackUrl", "CallInitiatedFallbackMethod",
        "CallInitiatedFallbackCreds", "CallbackTimeout"]
    assert [child.tag for child in root.find("CallbackCreds")] == ["UserId", "Password"]
    assert root.findtext("CallInitiatedFallbackCreds/Password") == "p2"
    assert root.find("ApplicationId") is None


def test_messaging_request_matches_the_documents_example():
    app = {
        "app_name": "EBVICs", "service_type": "Messaging-V2",
        "requested_callback_types": ["message-delivered", "message-failed", "message-sending"],
        "outbound_callback_creds": {"user_id": "15jPWZmXdm", "password": "xxv3jPsPR2"},
        "inbound_callback_creds": {"user_id": "15jPWZmXdm", "password": "xxv3jPsPR2"},
        "outbound_callback_url": "https://example2.com", "inbound_callback_url": "https://example.com",
    }
    documented = (b"<Application><ServiceType>Messaging-V2</ServiceType><AppName>EBVICs</AppName>"
                  b"<InboundCallbackUrl>https://example.com</InboundCallbackUrl><OutboundCallbackUrl>https://example2.com</OutboundCallbackUrl>"
                  b"<InboundCallbackCreds><UserId>15jPWZmXdm</UserId><Password>xxv3jPsPR2</Password></InboundCallbackCreds>"
                  b"<OutboundCallbackCreds><UserId>15jPWZmXdm</UserId><Password>xxv3jPsPR2</Password></OutboundCallbackCreds>"
                  b"<RequestedCallbackTypes><CallbackType>message-delivered</CallbackType><CallbackType>message-failed</CallbackType>"
                  b"<CallbackType>message-sending</CallbackType></RequestedCallbackTypes></Application>")

    assert bw.application_to_xml(app).split(b"\n", 1)[1] == documented


def test_text_is_escaped_and_empty_values_are_left_out():
    body = bw.application_to_xml({"app_name": "a <b> & \"c\"", "outbound_callback_url": "", "requested_callback_types": [],
                                  "callback_creds": {}, "service_type": "Voice-V2"}, service_type=False)
    root = etree.fromstring(body)
    assert [child.tag for child in root] == ["AppName"]
    assert root.findtext("AppName") == 'a <b> & "c"'


# ---- errors --------------------------------------------------------------------------
@pytest.mark.parametrize("body, expected", [
    (b"<ApplicationProvisioningResponse><ResponseStatus><ErrorCode>13629</ErrorCode><Description>Application with id 'x' not found"
     b"</Description></ResponseStatus></ApplicationProvisioningResponse>", ("13629", "Application with id 'x' not found")),
    (b"<AssociatedSipPeersResponse><ResponseStatus><ErrorCode>12103</ErrorCode><Description>bad</Description></ResponseStatus>"
     b"</AssociatedSipPeersResponse>", ("12103", "bad")),
    (b"<Response><Error><Code>1001</Code><Description>nope</Description></Error></Response>", ("1001", "nope")),
    (b"<Response><Errors><Error><Code>1</Code><Description>a</Description></Error><Error><Code>2</Code>"
     b"<Description>b</Description></Error></Errors></Response>", ("1, 2", "a; b")),
    (b"<Response/>", (None, None)),
])
def test_error_bodies(body, expected):
    assert bw.parse_error(FakeResponse(body)) == expected


def test_error_body_with_entities_is_refused():
    with pytest.raises(bw.XmlError):
        bw.parse_error(FakeResponse(BILLION_LAUGHS))


# ---- compare and plan ---------------------------------------------------------------
def test_passwords_are_never_compared_with_on_create():
    current = {"callback_creds": {"user_id": "u"}}
    desired = {"callback_creds": {"user_id": "u", "password": "p"}}

    assert adapter().differences(current, desired) == {}
    assert adapter(update_password="always").differences(current, desired) == {"callback_creds.password": (None, "********")}


def test_a_new_user_id_brings_its_password_and_empty_credentials_remove():
    changes = adapter().differences({"callback_creds": {"user_id": "u"}}, {"callback_creds": {"user_id": "v", "password": "s3cr3t"}})
    assert sorted(changes) == ["callback_creds.password", "callback_creds.user_id"]
    assert "s3cr3t" not in repr(changes)
    assert adapter().differences({"callback_creds": {"user_id": "u"}}, {"callback_creds": {}}) == {"callback_creds": ({"user_id": "u"}, None)}
    assert adapter().differences({}, {"callback_creds": {}}) == {}


def test_callback_types_compare_as_a_set_and_methods_default_to_post():
    a = adapter()
    assert a.differences({"requested_callback_types": ["message-failed", "message-delivered"]},
                         {"requested_callback_types": ["message-delivered", "message-failed"]}) == {}
    assert a.differences({}, {"requested_callback_types": []}) == {}
    assert a.differences({}, {"call_status_method": "POST"}) == {}
    assert a.differences({}, {"call_status_method": "GET"}) == {"call_status_method": (None, "GET")}


def test_put_document_keeps_current_values_and_needs_every_kept_password():
    current = dict(VOICE_APP, callback_timeout="20")
    desired = {"call_status_callback_url": "https://new.example.com/s",
               "callback_creds": {"user_id": "Your-User-id", "password": "p1"}}

    with pytest.raises(ModuleInputError) as failure:
        adapter().put_document(current, desired)
    message = str(failure.value)
    assert "call_initiated_fallback_creds.password" in message and "p1" not in message
    assert "call_initiated_fallback_creds: {}" in message

    desired["call_initiated_fallback_creds"] = {"user_id": "Your-Fallback-User-id", "password": "p2"}
    document = adapter().put_document(current, desired)
    assert document["call_status_callback_url"] == "https://new.example.com/s"
    assert document["callback_creds"] == {"user_id": "Your-User-id", "password": "p1"}
    assert document["callback_timeout"] == "20"
    assert document["call_initiated_fallback_url"] == VOICE_APP["call_initiated_fallback_url"]
    assert "service_type" not in document and "application_id" not in document

    removed = adapter().put_document(current, {"callback_creds": {}, "call_initiated_fallback_creds": {},
                                               "call_status_callback_url": ""})
    assert "callback_creds" not in removed and "call_initiated_fallback_creds" not in removed
    assert bw.application_to_xml(removed, service_type=False).count(b"CallStatusCallbackUrl") == 0


def test_planned_shows_a_password_only_where_it_is_set():
    a = adapter()
    current = {"callback_creds": {"user_id": "u"}, "app_name": "x"}

    same = a.planned(current, {"callback_creds": {"user_id": "u", "password": "p"}, "app_name": "y"})
    created = a.planned(None, {"callback_creds": {"user_id": "u", "password": "p"}})
    rotated = adapter(update_password="always").planned(current, {"callback_creds": {"user_id": "u", "password": "p"}})

    # Another change is a PUT that carries the password (update_password: on_create too): it shows, masked.
    assert a.public(same) == {"callback_creds": {"user_id": "u", "password": "********"}, "app_name": "y"}
    assert a.planned(current, {"callback_creds": {"user_id": "u", "password": "p"}, "app_name": "x"}) == current
    assert a.public(created) == {"callback_creds": {"user_id": "u", "password": "********"}}
    assert a.public(rotated)["callback_creds"]["password"] == "********"
    assert a.planned(current, {"callback_creds": {}}) == {"app_name": "x"}


def test_check_change_refuses_other_types_and_legacy_applications():
    voice = dict(VOICE_APP)
    with pytest.raises(ModuleInputError, match="service_type cannot be changed"):
        adapter().check_change(voice, {"service_type": "Messaging-V2"}, {"service_type": ("Voice-V2", "Messaging-V2")})
    with pytest.raises(ModuleInputError, match="outbound_callback_url is a Messaging-V2 option"):
        adapter(outbound_callback_url="https://h.example.com/o").check_change(voice, {}, {})
    legacy = {"application_id": "x", "service_type": "Messaging", "app_name": "old"}
    adapter().check_change(legacy, {"app_name": "old"}, {})  # nothing to change: fine
    with pytest.raises(ModuleInputError, match="cannot update"):
        adapter().check_change(legacy, {"app_name": "new"}, {"app_name": ("old", "new")})


def hostile_client(body, content_type="application/xml"):
    """The shared HTTP client, its transport answering every request with ``body``, as a hostile or broken server might."""
    client = HttpClient("Bandwidth", "http://127.0.0.1:9/api", max_retries=0)

    def answer(method, url, **kwargs):
        response = requests.Response()
        response.status_code = 200
        response.headers["Content-Type"] = content_type
        response._content = body
        return response

    client.session.request = answer
    return client


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY, b"<html>gateway</html", VOICE_RESPONSE_AS_PUBLISHED,
                                  b"<html><body><h1>Sign in</h1></body></html>"])
def test_a_hostile_or_broken_answer_becomes_a_provider_error(body):
    hostile = bw.BandwidthApplicationAdapter(options(account_id="9900000"), client=hostile_client(body))

    with pytest.raises(ForeignAnswer) as failure:
        hostile.list()
    message = str(failure.value)
    assert "Bandwidth API: GET http://127.0.0.1:9/api/accounts/9900000/applications answered HTTP 200" in message
    assert any(reason in message for reason in ("not well-formed", "document type declaration", "not a Bandwidth applications document"))
    assert "Is api_url (http://127.0.0.1:9/api) the Bandwidth API?" in message
    assert "lol" not in message


def test_a_well_formed_html_page_is_not_read_as_an_empty_account():
    """It used to be: check mode then said "would create", and a real run POSTed the callback passwords to it."""
    page = hostile_client(b"<html><body><h1>Sign in</h1></body></html>", content_type="application/xml")

    with pytest.raises(ForeignAnswer, match=r"root <html>"):
        bw.BandwidthApplicationAdapter(options(account_id="9900000"), client=page).list()
