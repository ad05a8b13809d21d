"""Bandwidth: the Dashboard (Account) API's applications, XML in and out, at its real paths.

Behaviour (the provider documents "Create Application" and "Completely Update
Application", and the project's wire notes, section 4):

- Paths ``/api/accounts/<account>/applications[/<id>]``, also under ``/api/v1`` (the
  spec's base). HTTP basic auth with ``BW_USERNAME`` / ``BW_PASSWORD``: otherwise 401
  with ``WWW-Authenticate: Basic``. Another account than ``BW_ACCOUNT_ID`` answers 403.
- Bodies are XML with an ``<Application>`` root; answers are
  ``<ApplicationProvisioningResponse>`` with ``<Application>`` or ``<ApplicationList>``.
  The parser resolves no entity, loads no DTD and fetches nothing; a document type
  declaration is refused. A body that is not well formed (such as the documents' own
  voice example, which closes ``CallInitiatedFallbackUrl`` with the wrong tag) answers 400.
- POST creates (201): ``ServiceType`` and ``AppName`` are required, and
  ``InboundCallbackUrl`` for Messaging-V2, ``CallInitiatedCallbackUrl`` for Voice-V2.
  Every ``*Method`` defaults to POST (given with its URL). Messaging applications echo the
  deprecated ``MsgCallbackUrl`` and ``MsgCallbackCreds`` as the documents show.
- PUT replaces the whole application: an element left out is gone. The service type is
  kept (it may be repeated, not changed). PATCH changes only the elements it carries;
  ``CallStatusCallbackUrl`` set to ``remove`` deletes it. DELETE answers 200, empty,
  as ``application/xml``.
- Passwords of ``*Creds`` are accepted and stored (the control API under ``/_sandbox/``
  shows them, for tests and for firing authenticated events) but never returned by this API.
- Errors are Bandwidth's XML:
  ``<ApplicationProvisioningResponse><ResponseStatus><ErrorCode/><Description/>``.
  13629 (unknown application) is Bandwidth's own code; the other codes are this
  sandbox's choice (clients should key on the status). Messages never echo a value
  (URLs and credentials may carry secrets).
"""

from __future__ import annotations

import http
import uuid
from typing import Any

from cpaas_module_utils.webhooks.common import normalise
from flask import Blueprint, Response, request
from lxml import etree

from cpaas_sandbox.validation import is_http_url

from ..auth import basic_credentials, credentials_match
from ..context import current_sandbox
from ..provider import Provider

NAME = "bandwidth"
MESSAGING = "Messaging-V2"
VOICE = "Voice-V2"
SERVICE_TYPES = (MESSAGING, VOICE)
METHODS = ("GET", "POST")
CALLBACK_TYPES = ("message-delivered", "message-sending", "message-failed")
XML_TYPES = ("application/xml", "text/xml")
URL_MAX = 2048
TEXT_MAX = 1024
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]

# Error codes: 13629 is Bandwidth's (unknown application); the rest are the sandbox's choice.
CODE_NOT_FOUND = 13629
CODE_MALFORMED = 12000
CODE_MISSING = 12001
CODE_INVALID = 12002
CODE_SERVICE_TYPE = 12003
CODE_CONTENT_TYPE = 12004
CODE_UNAUTHORIZED = 12401
CODE_FORBIDDEN = 12403

# Request elements in the documents' order: element -> (kind, service; None for both).
ELEMENTS: dict[str, tuple[str, str | None]] = {
    "ServiceType": ("service_type", None),
    "AppName": ("text", None),
    "InboundCallbackUrl": ("url", MESSAGING),
    "OutboundCallbackUrl": ("url", MESSAGING),
    "InboundCallbackCreds": ("creds", MESSAGING),
    "OutboundCallbackCreds": ("creds", MESSAGING),
    "RequestedCallbackTypes": ("types", MESSAGING),
    "CallInitiatedCallbackUrl": ("url", VOICE),
    "CallInitiatedMethod": ("method", VOICE),
    "CallStatusCallbackUrl": ("url", VOICE),
    "CallStatusMethod": ("method", VOICE),
    "CallbackCreds": ("creds", VOICE),
    "CallInitiatedFallbackUrl": ("url", VOICE),
    "CallInitiatedFallbackMethod": ("method", VOICE),
    "CallInitiatedFallbackCreds": ("creds", VOICE),
    "CallbackTimeout": ("timeout", VOICE),  # in Bandwidth's schema, not in its documents
}
# Deprecated request elements: accepted and ignored (Bandwidth derives its echoes itself).
DEPRECATED = ("MsgCallbackUrl", "MsgCallbackCreds", "CallbackUrl")
REQUIRED_URL = {MESSAGING: "InboundCallbackUrl", VOICE: "CallInitiatedCallbackUrl"}
# method element -> the URL it belongs to (None: always there on a voice application)
METHOD_OF = {"CallInitiatedMethod": None, "CallStatusMethod": "CallStatusCallbackUrl",
             "CallInitiatedFallbackMethod": "CallInitiatedFallbackUrl"}
READ_ONLY = ("ApplicationId", "ServiceType")

blueprint = Blueprint(NAME, __name__, url_prefix="/api")


class ApiError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


# -- XML -------------------------------------------------------------------------
def parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=True, remove_pis=True)


XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def to_bytes(root: etree._Element) -> bytes:
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8")


def xml_response(root: etree._Element, status: int = 200) -> Response:
    return Response(to_bytes(root), status=status, content_type="application/xml")


def error_response(status: int, message: str | None = None, code: int | None = None) -> Response:
    """An error in Bandwidth's shape (also used for injected faults)."""
    root = etree.Element("ApplicationProvisioningResponse")
    status_element = etree.SubElement(root, "ResponseStatus")
    etree.SubElement(status_element, "ErrorCode").text = str(code if code is not None else status)
    etree.SubElement(status_element, "Description").text = message or http.HTTPStatus(status).phrase
    return xml_response(root, status)


def parse_body() -> etree._Element:
    body = request.get_data(cache=True)
    if request.mimetype not in XML_TYPES:
        raise ApiError(415, CODE_CONTENT_TYPE, "Content-Type must be application/xml, got %r" % (request.mimetype or "none"))
    if not body.strip():
        raise ApiError(400, CODE_MALFORMED, "The request body is empty: an <Application> document is required")
    try:
        root = etree.fromstring(body, parser())
    except etree.XMLSyntaxError as exc:
        raise ApiError(400, CODE_MALFORMED, "The request body is not well-formed XML: %s" % exc.msg) from None
    if root.getroottree().docinfo.doctype:
        raise ApiError(400, CODE_MALFORMED, "Document type declarations are not accepted")
    if root.tag != "Application":
        raise ApiError(400, CODE_MALFORMED, "The root element must be <Application>, got <%s>" % root.tag)
    return root


def _text(element: etree._Element) -> str:
    if len(element):
        raise ApiError(400, CODE_INVALID, "%s must be text, not nested elements" % element.tag)
    return (element.text or "").strip()


def parse_creds(element: etree._Element) -> dict[str, str]:
    creds: dict[str, str] = {}
    for child in element:
        if child.tag not in ("UserId", "Password"):
            raise ApiError(400, CODE_INVALID, "%s takes UserId and Password, not %s" % (element.tag, child.tag))
        if child.tag in creds:
            raise ApiError(400, CODE_INVALID, "%s has more than one %s" % (element.tag, child.tag))
        value = _text(child)
        if not value or len(value) > TEXT_MAX:
            raise ApiError(400, CODE_INVALID, "%s.%s must be 1 to %d characters" % (element.tag, child.tag, TEXT_MAX))
        creds[child.tag] = value
    if "UserId" not in creds:
        raise ApiError(400, CODE_MISSING, "%s requires UserId" % element.tag)
    return creds


def parse_application(root: etree._Element, patch: bool = False) -> dict[str, Any]:
    """The fields an ``<Application>`` body carries, validated (service rules checked later)."""
    fields: dict[str, Any] = {}
    for child in root:
        tag = child.tag
        if tag in DEPRECATED:
            continue
        if tag not in ELEMENTS:
            raise ApiError(400, CODE_INVALID, "Unknown element <%s> in <Application>" % tag)
        if tag in fields:
            raise ApiError(400, CODE_INVALID, "<%s> is given more than once" % tag)
        kind, _service = ELEMENTS[tag]
        if kind == "creds":
            fields[tag] = parse_creds(child)
        elif kind == "types":
            values = []
            for item in child:
                value = _text(item)
                if item.tag != "CallbackType" or value not in CALLBACK_TYPES:
                    raise ApiError(400, CODE_INVALID, "RequestedCallbackTypes takes CallbackType elements, each one of %s" % ", ".join(CALLBACK_TYPES))
                values.append(value)
            fields[tag] = values
        else:
            value = _text(child)
            if kind == "url":
                if patch and tag == "CallStatusCallbackUrl" and value == "remove":
                    fields[tag] = None
                    continue
                if not is_http_url(value, URL_MAX):
                    raise ApiError(400, CODE_INVALID, "%s must be an absolute http:// or https:// URL" % tag)
            elif kind == "method":
                if value not in METHODS:
                    raise ApiError(400, CODE_INVALID, "%s must be one of %s" % (tag, ", ".join(METHODS)))
            elif kind == "service_type":
                if value not in SERVICE_TYPES:
                    raise ApiError(400, CODE_INVALID, "ServiceType must be one of %s" % ", ".join(SERVICE_TYPES))
            elif kind == "timeout":
                if not value.isdigit():
                    raise ApiError(400, CODE_INVALID, "CallbackTimeout must be a number of seconds")
            elif not value or len(value) > TEXT_MAX:
                raise ApiError(400, CODE_INVALID, "%s must be 1 to %d characters" % (tag, TEXT_MAX))
            fields[tag] = value
    return fields


def complete(record: dict[str, Any]) -> dict[str, Any]:
    """Check a whole application and fill in the provider's defaults; raises ApiError."""
    service_type = record["ServiceType"]
    if not record.get("AppName"):
        raise ApiError(400, CODE_MISSING, "AppName is required")
    other = [tag for tag in record if ELEMENTS.get(tag, ("", None))[1] not in (None, service_type)]
    if other:
        raise ApiError(400, CODE_INVALID, "%s cannot be used on a %s application" % (", ".join(other), service_type))
    required = REQUIRED_URL[service_type]
    if not record.get(required):
        raise ApiError(400, CODE_MISSING, "%s is required for %s applications" % (required, service_type))
    if service_type == VOICE:
        for method, url in METHOD_OF.items():
            if method not in record and (url is None or record.get(url)):
                record[method] = "POST"
    return record


def application_element(record: dict[str, Any], parent: etree._Element | None = None) -> etree._Element:
    """The ``<Application>`` of a record as Bandwidth answers it: no password, deprecated echoes."""
    app = etree.Element("Application") if parent is None else etree.SubElement(parent, "Application")
    etree.SubElement(app, "ApplicationId").text = record["ApplicationId"]
    messaging = record["ServiceType"] == MESSAGING
    for tag in ELEMENTS:
        value = record.get(tag)
        if messaging and tag == "InboundCallbackUrl" and value:
            app.append(etree.Comment("DEPRECATED"))
            etree.SubElement(app, "MsgCallbackUrl").text = value
        if messaging and tag == "InboundCallbackCreds" and value:
            app.append(etree.Comment("DEPRECATED"))
            echo = etree.SubElement(app, "MsgCallbackCreds")
            etree.SubElement(echo, "UserId").text = value["UserId"]
        if value in (None, "", [], {}):
            continue
        kind = ELEMENTS[tag][0]
        node = etree.SubElement(app, tag)
        if kind == "creds":
            etree.SubElement(node, "UserId").text = value["UserId"]  # the password is write-only
        elif kind == "types":
            for item in value:
                etree.SubElement(node, "CallbackType").text = item
        else:
            node.text = value
    return app


def application_response(record: dict[str, Any], status: int = 200) -> Response:
    root = etree.Element("ApplicationProvisioningResponse")
    application_element(record, root)
    return xml_response(root, status)


# -- auth ------------------------------------------------------------------------
def authenticate(account: str | None) -> Response | None:
    creds = current_sandbox().credentials
    if not credentials_match(basic_credentials(request.headers), [(creds["BW_USERNAME"], creds["BW_PASSWORD"])]):
        response = error_response(401, "Bad credentials: HTTP basic authentication with a Dashboard API user is required", CODE_UNAUTHORIZED)
        response.headers["WWW-Authenticate"] = 'Basic realm="Bandwidth Dashboard API"'
        return response
    if account is not None and account != creds["BW_ACCOUNT_ID"]:
        return error_response(403, "The user is not authorized for account %s" % account, CODE_FORBIDDEN)
    return None


# -- out-of-band changes (control API) --------------------------------------------
def patch_application(record: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Change stored elements directly (PascalCase element names; null removes one)."""
    unknown = sorted(key for key in changes if key not in ELEMENTS or key in READ_ONLY)
    if unknown:
        raise ValueError("cannot change %s; changeable: %s" % (unknown, sorted(k for k in ELEMENTS if k not in READ_ONLY)))
    updated = dict(record)
    for key, value in changes.items():
        if value is None:
            updated.pop(key, None)
        elif ELEMENTS[key][0] == "creds" and not (isinstance(value, dict) and value.get("UserId")):
            raise ValueError("%s must be an object with UserId (and Password)" % key)
        else:
            updated[key] = value
    return updated


# -- views -----------------------------------------------------------------------
def state_lookup(app_id: str) -> dict[str, Any]:
    record = current_sandbox().state.get_application(NAME, app_id)
    if record is None:
        raise ApiError(404, CODE_NOT_FOUND, "Application with id '%s' not found" % app_id)
    return record


def list_applications() -> Response:
    root = etree.Element("ApplicationProvisioningResponse")
    listing = etree.SubElement(root, "ApplicationList")
    for record in current_sandbox().state.list_applications(NAME):
        application_element(record, listing)
    return xml_response(root)


def create_application() -> Response:
    fields = parse_application(parse_body())
    if "ServiceType" not in fields:
        raise ApiError(400, CODE_MISSING, "ServiceType is required: one of %s" % ", ".join(SERVICE_TYPES))
    record = complete({"ApplicationId": str(uuid.uuid4()), **fields})
    record = current_sandbox().state.add_application(NAME, record["ApplicationId"], record)
    response = application_response(record, 201)
    response.headers["Location"] = "%s/%s" % (request.base_url.rstrip("/"), record["ApplicationId"])
    return response


def change_application(app_id: str, replace: bool) -> Response:
    fields = parse_application(parse_body(), patch=not replace)
    state = current_sandbox().state
    with state.lock:
        record = state_lookup(app_id)
        if fields.get("ServiceType", record["ServiceType"]) != record["ServiceType"]:
            raise ApiError(400, CODE_SERVICE_TYPE, "ServiceType cannot be changed (the application is %s)" % record["ServiceType"])
        if replace:
            new = {"ApplicationId": record["ApplicationId"], "ServiceType": record["ServiceType"]}
            new.update((key, value) for key, value in fields.items() if key not in READ_ONLY)
        else:
            new = dict(record)
            for key, value in fields.items():
                if value is None:
                    new.pop(key, None)
                else:
                    new[key] = value
        record = state.replace_application(NAME, app_id, complete(new))
    return application_response(record)


@blueprint.errorhandler(ApiError)
def api_error(exc: ApiError) -> Response:
    return error_response(exc.status, str(exc), exc.code)


@blueprint.route("/accounts/<account>/applications", methods=ALL_METHODS)
@blueprint.route("/v1/accounts/<account>/applications", methods=ALL_METHODS)
def applications(account: str) -> Response:
    denied = authenticate(account)
    if denied is not None:
        return denied
    if request.method in ("GET", "HEAD"):
        return list_applications()
    if request.method == "POST":
        return create_application()
    return error_response(405, "%s is not allowed on the applications collection" % request.method)


@blueprint.route("/accounts/<account>/applications/<app_id>", methods=ALL_METHODS)
@blueprint.route("/v1/accounts/<account>/applications/<app_id>", methods=ALL_METHODS)
def application(account: str, app_id: str) -> Response:
    denied = authenticate(account)
    if denied is not None:
        return denied
    if request.method in ("GET", "HEAD"):
        return application_response(state_lookup(app_id))
    if request.method in ("PUT", "PATCH"):
        return change_application(app_id, replace=request.method == "PUT")
    if request.method == "DELETE":
        state = current_sandbox().state
        with state.lock:
            state_lookup(app_id)
            state.delete_application(NAME, app_id)
        # 200 with an empty body, typed application/xml as the specification declares it
        return Response(b"", status=200, content_type="application/xml")
    return error_response(405, "%s is not allowed on an application" % request.method)


@blueprint.route("/accounts/<account>/applications/<app_id>/associatedsippeers", methods=["GET", "HEAD"])
@blueprint.route("/v1/accounts/<account>/applications/<app_id>/associatedsippeers", methods=["GET", "HEAD"])
def associated_sip_peers(account: str, app_id: str) -> Response:
    denied = authenticate(account)
    if denied is not None:
        return denied
    state_lookup(app_id)
    root = etree.Element("AssociatedSipPeersResponse")
    etree.SubElement(root, "AssociatedSipPeers")  # the sandbox has no locations
    return xml_response(root)


@blueprint.route("/<path:rest>", methods=ALL_METHODS)
def anything_else(rest: str) -> Response:
    denied = authenticate(None)
    if denied is not None:
        return denied
    return error_response(404, "Nothing is served at %s" % request.path)


def event_context(record: dict[str, Any], credentials: dict[str, str]) -> dict[str, Any]:
    return {"account_id": credentials.get("BW_ACCOUNT_ID")}


def stored_credentials(record: dict[str, Any], callback: Any) -> tuple[str, str] | None:
    """The callback credentials Bandwidth keeps (write-only at the API) for this callback."""
    if callback.credentials_key:
        creds = normalise(record).get(callback.credentials_key)
        if isinstance(creds, dict) and creds.get("user_id"):
            return creds["user_id"], creds.get("password") or ""
    return None


def callback_timeouts(record: dict[str, Any], callback: Any, default: float, maximum: float) -> tuple[float, float] | None:
    """The application's CallbackTimeout (seconds), when it has one."""
    value = normalise(record).get("callback_timeout")
    if value and str(value).isdigit():
        seconds = min(float(value), maximum)
        return seconds, seconds
    return None


PROVIDER = Provider(name=NAME, blueprint=blueprint, error_response=error_response, patch_application=patch_application,
                    event_context=event_context, stored_credentials=stored_credentials, callback_timeouts=callback_timeouts)
