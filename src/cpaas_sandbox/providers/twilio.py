"""Twilio: the Applications resource of the 2010-04-01 REST API, at its real paths.

Behaviour (see docs/sandbox.md and the project's wire notes):

- HTTP basic auth with the account SID and auth token, or an API key SID and secret;
  the account SID in the path must be the configured one. Otherwise 401 (code 20003)
  with ``WWW-Authenticate: Basic realm="Twilio API"``.
- Writes are form-encoded. A non-empty body of another content type is refused with
  400 (code 20001): real Twilio would silently ignore it and write defaults, which
  hides client bugs. Unknown form keys are ignored, as Twilio does.
- Validation errors answer 400 in Twilio's error shape. Error messages never echo a
  URL value (callback URLs may carry a password).
"""

from __future__ import annotations

import http
import math
import secrets
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request

from cpaas_sandbox.validation import is_http_url

from ..auth import basic_credentials, credentials_match
from ..context import current_sandbox
from ..provider import Provider, merge_known_fields

NAME = "twilio"
API_PREFIX = "/2010-04-01"
API_VERSIONS = ("2010-04-01", "2008-08-01")
# Every *Method field of the specification is an enum of exactly these (since 2024):
# HEAD, PATCH, PUT, DELETE and lower case are refused, as the API refuses them.
HTTP_METHODS = ("GET", "POST")
FORM_TYPE = "application/x-www-form-urlencoded"
FRIENDLY_NAME_MAX = 64
URL_MAX = 4000
PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX = 1000
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]

# Error codes. 20003, 20004, 20404, 20429 and 21502 are Twilio's own; the other 215xx
# codes are this sandbox's choice (clients should key on the status and message).
CODE_BAD_REQUEST = 20001
CODE_AUTHENTICATE = 20003
CODE_METHOD_NOT_ALLOWED = 20004
CODE_NOT_FOUND = 20404
CODE_INVALID_URL = 21502
CODE_INVALID_METHOD = 21503
CODE_INVALID_BOOLEAN = 21504
CODE_FRIENDLY_NAME_TOO_LONG = 21505
CODE_INVALID_API_VERSION = 21506

# form key -> (response key, kind)
FIELDS: dict[str, tuple[str, str]] = {
    "FriendlyName": ("friendly_name", "name"),
    "ApiVersion": ("api_version", "api_version"),
    "VoiceUrl": ("voice_url", "url"),
    "VoiceMethod": ("voice_method", "method"),
    "VoiceFallbackUrl": ("voice_fallback_url", "url"),
    "VoiceFallbackMethod": ("voice_fallback_method", "method"),
    "StatusCallback": ("status_callback", "url"),
    "StatusCallbackMethod": ("status_callback_method", "method"),
    "VoiceCallerIdLookup": ("voice_caller_id_lookup", "bool"),
    "SmsUrl": ("sms_url", "url"),
    "SmsMethod": ("sms_method", "method"),
    "SmsFallbackUrl": ("sms_fallback_url", "url"),
    "SmsFallbackMethod": ("sms_fallback_method", "method"),
    "SmsStatusCallback": ("sms_status_callback", "url"),
    "MessageStatusCallback": ("message_status_callback", "url"),
    "PublicApplicationConnectEnabled": ("public_application_connect_enabled", "bool"),
}
DEFAULTS_BY_KIND: dict[str, Any] = {"name": None, "api_version": "2010-04-01", "url": None, "method": "POST", "bool": False}
READ_ONLY = ("sid", "account_sid", "uri", "date_created")

blueprint = Blueprint(NAME, __name__, url_prefix=API_PREFIX)


class InvalidValue(ValueError):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


# -- responses -------------------------------------------------------------------
def error_response(status: int, message: str | None = None, code: int | None = None) -> Response:
    """An error in Twilio's shape: {code, message, more_info, status}."""
    if code is None:
        code = 20000 + status
    if message is None:
        message = http.HTTPStatus(status).phrase
    response = jsonify({"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status})
    response.status_code = status
    return response


def unauthorized() -> Response:
    response = error_response(401, "Authenticate", CODE_AUTHENTICATE)
    response.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
    return response


def not_found() -> Response:
    return error_response(404, f"The requested resource {request.path} was not found", CODE_NOT_FOUND)


def method_not_allowed() -> Response:
    return error_response(405, "Method not allowed", CODE_METHOD_NOT_ALLOWED)


def rfc2822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(timezone.utc).replace(microsecond=0))


def now() -> datetime:
    return datetime.now(timezone.utc)


# -- auth ------------------------------------------------------------------------
def authenticate(account_sid: str | None) -> Response | None:
    creds = current_sandbox().credentials
    allowed = [
        (creds["TWILIO_ACCOUNT_SID"], creds["TWILIO_AUTH_TOKEN"]),
        (creds["TWILIO_API_KEY"], creds["TWILIO_API_SECRET"]),
    ]
    if not credentials_match(basic_credentials(request.headers), allowed):
        return unauthorized()
    if account_sid is not None and account_sid != creds["TWILIO_ACCOUNT_SID"]:
        # credentials are valid for the configured account only
        return unauthorized()
    return None


# -- validation ------------------------------------------------------------------


def convert(key: str, kind: str, value: str) -> Any:
    if kind == "url":
        if value == "":
            return None  # an empty string clears the URL
        if not is_http_url(value, URL_MAX):
            raise InvalidValue(CODE_INVALID_URL, f"{key} is not a valid URL: it must be an absolute http:// or https:// URL with a host name")
        return value
    if kind == "method":
        if value not in HTTP_METHODS:
            raise InvalidValue(CODE_INVALID_METHOD, f"{key} must be one of {', '.join(HTTP_METHODS)} (upper case), got {value!r}")
        return value
    if kind == "bool":
        if value.lower() not in ("true", "false"):
            raise InvalidValue(CODE_INVALID_BOOLEAN, f"{key} must be true or false, got {value!r}")
        return value.lower() == "true"
    if kind == "name":
        if len(value) > FRIENDLY_NAME_MAX:
            raise InvalidValue(CODE_FRIENDLY_NAME_TOO_LONG, f"{key} must be at most {FRIENDLY_NAME_MAX} characters long, got {len(value)}")
        return value if value != "" else None
    if kind == "api_version":
        if value not in API_VERSIONS:
            raise InvalidValue(CODE_INVALID_API_VERSION, f"{key} must be one of {', '.join(API_VERSIONS)}, got {value!r}")
        return value
    raise AssertionError(kind)


def parse_form() -> dict[str, Any]:
    """The application fields a write sets, validated; unknown keys are ignored."""
    if request.get_data(cache=True) and request.mimetype != FORM_TYPE:
        raise InvalidValue(CODE_BAD_REQUEST, f"Content-Type must be {FORM_TYPE}, got {request.mimetype or 'none'!r}")
    changes = {}
    for key, (attr, kind) in FIELDS.items():
        if key in request.form:
            changes[attr] = convert(key, kind, request.form[key])
    return changes


# -- records ---------------------------------------------------------------------
def app_uri(account_sid: str, sid: str) -> str:
    return f"{API_PREFIX}/Accounts/{account_sid}/Applications/{sid}.json"


def new_record(account_sid: str, sid: str, moment: datetime) -> dict[str, Any]:
    record: dict[str, Any] = {attr: DEFAULTS_BY_KIND[kind] for attr, kind in FIELDS.values()}
    record.update(
        account_sid=account_sid,
        sid=sid,
        uri=app_uri(account_sid, sid),
        date_created=rfc2822(moment),
        date_updated=rfc2822(moment),
    )
    return record


def new_sid() -> str:
    return "AP" + secrets.token_hex(16)


def patch_application(record: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Out-of-band change from the control API: raw values, date_updated bumped."""
    updated = merge_known_fields(record, changes, READ_ONLY)
    if "date_updated" not in changes:
        updated["date_updated"] = rfc2822(now())
    return updated


# -- list ------------------------------------------------------------------------
def list_uri(account_sid: str, friendly_name: str | None, page_size: int, page: int, token: str | None = None) -> str:
    params: list[tuple[str, Any]] = []
    if friendly_name is not None:
        params.append(("FriendlyName", friendly_name))
    params += [("PageSize", page_size), ("Page", page)]
    if token:
        params.append(("PageToken", token))
    return f"{API_PREFIX}/Accounts/{account_sid}/Applications.json?{urlencode(params)}"


def int_arg(name: str, default: int, low: int, high: float = math.inf) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidValue(CODE_BAD_REQUEST, f"{name} must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        bound = f"between {low} and {high}" if high != math.inf else f"at least {low}"
        raise InvalidValue(CODE_BAD_REQUEST, f"{name} must be {bound}, got {value}")
    return value


def list_applications(account_sid: str) -> Response:
    page_size = int_arg("PageSize", PAGE_SIZE_DEFAULT, 1, PAGE_SIZE_MAX)
    page = int_arg("Page", 0, 0)
    token = request.args.get("PageToken")
    friendly_name = request.args.get("FriendlyName")

    state = current_sandbox().state
    with state.lock:
        apps = [a for a in state.list_applications(NAME) if a["account_sid"] == account_sid]
        if friendly_name is not None:
            apps = [a for a in apps if a["friendly_name"] == friendly_name]
        order = [state.sequence_of(NAME, a["sid"]) for a in apps]
        if token:
            ref = state.sequence_of(NAME, token[2:]) if token[:2] in ("PA", "PB") else None
            if ref is None:
                raise InvalidValue(CODE_BAD_REQUEST, f"PageToken {token!r} is not valid")
            if token[:2] == "PA":  # the page after the application named in the token
                first = sum(1 for seq in order if seq <= ref)
            else:  # "PB": the page before it
                first = max(0, sum(1 for seq in order if seq < ref) - page_size)
        else:
            first = page * page_size
    items = apps[first : first + page_size]
    more = first + len(items) < len(apps)

    start = page * page_size
    if page == 0:
        previous = None
    elif items:
        previous = list_uri(account_sid, friendly_name, page_size, page - 1, "PB" + items[0]["sid"])
    else:
        previous = list_uri(account_sid, friendly_name, page_size, page - 1)
    body = {
        "applications": items,
        "end": start + len(items) - 1 if items else start,
        "first_page_uri": list_uri(account_sid, friendly_name, page_size, 0),
        "next_page_uri": list_uri(account_sid, friendly_name, page_size, page + 1, "PA" + items[-1]["sid"]) if more and items else None,
        "page": page,
        "page_size": page_size,
        "previous_page_uri": previous,
        "start": start,
        "uri": list_uri(account_sid, friendly_name, page_size, page, token),
    }
    return jsonify(body)


# -- views -----------------------------------------------------------------------
def create_application(account_sid: str) -> Response:
    changes = parse_form()
    record = new_record(account_sid, new_sid(), now())
    record.update(changes)
    record = current_sandbox().state.add_application(NAME, record["sid"], record)
    response = jsonify(record)
    response.status_code = 201
    return response


def update_application(account_sid: str, sid: str) -> Response:
    changes = parse_form()
    state = current_sandbox().state
    with state.lock:
        record = state.get_application(NAME, sid)
        if record is None or record["account_sid"] != account_sid:
            return not_found()
        record.update(changes)
        record["date_updated"] = rfc2822(now())
        record = state.replace_application(NAME, sid, record)
    return jsonify(record)


@blueprint.errorhandler(InvalidValue)
def invalid_value(exc: InvalidValue) -> Response:
    return error_response(400, str(exc), exc.code)


@blueprint.route("/Accounts/<account_sid>/Applications.json", methods=ALL_METHODS)
def applications(account_sid: str) -> Response:
    denied = authenticate(account_sid)
    if denied is not None:
        return denied
    if request.method in ("GET", "HEAD"):
        return list_applications(account_sid)
    if request.method == "POST":
        return create_application(account_sid)
    return method_not_allowed()


@blueprint.route("/Accounts/<account_sid>/Applications/<sid>.json", methods=ALL_METHODS)
def application(account_sid: str, sid: str) -> Response:
    denied = authenticate(account_sid)
    if denied is not None:
        return denied
    if request.method not in ("GET", "HEAD", "POST", "DELETE"):
        return method_not_allowed()
    if request.method == "POST":
        return update_application(account_sid, sid)
    state = current_sandbox().state
    with state.lock:
        record = state.get_application(NAME, sid)
        if record is None or record["account_sid"] != account_sid:
            return not_found()
        if request.method == "DELETE":
            state.delete_application(NAME, sid)
            return Response(status=204)
    return jsonify(record)


@blueprint.route("/<path:rest>", methods=ALL_METHODS)
def anything_else(rest: str) -> Response:
    denied = authenticate(None)
    if denied is not None:
        return denied
    return not_found()


def signing_secret(credentials: dict[str, str]) -> str | None:
    """Twilio signs with the account's auth token."""
    return credentials.get("TWILIO_AUTH_TOKEN")


def event_context(record: dict[str, Any], credentials: dict[str, str]) -> dict[str, Any]:
    return {"account_sid": record.get("account_sid")}


PROVIDER = Provider(name=NAME, blueprint=blueprint, error_response=error_response, patch_application=patch_application,
                    signing_secret=signing_secret, event_context=event_context)
