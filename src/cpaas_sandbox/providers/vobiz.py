"""Vobiz: the Application resource of the REST API v1, at its real paths.

Behaviour (see docs/vobiz.md and the project's wire notes):

- Every request carries ``X-Auth-ID`` and ``X-Auth-Token``; they must be the configured
  account's, and the auth id in the path must be the one in ``X-Auth-ID``. Otherwise
  401 ``{"api_id", "error"}``.
- JSON both ways. A write whose body is not a JSON object is refused with 400.
- Paths follow the API reference (a trailing slash everywhere) and also answer the
  forms of the hand-written PyPI SDK: no trailing slash on get and delete, ``name`` as
  another spelling of ``app_name``, and ``page``/``size`` listing. Request fields whose
  spelling differs between the references are accepted under both names
  (``default_number_app``/``default_app``, ``subaccount``/``sub_account``); answers use
  the response names. ``log_incoming_messages`` is taken in the plural only, as the
  create and update references name it, and answered in the singular
  (``log_incoming_message``): a write carrying the singular has it ignored, like any
  unknown key.
- Create answers 201 ``{"api_id", "app_id", "message": "created"}``; a partial update
  (POST to the item) answers 200 ``{"api_id", "message": "changed"}`` (the generated
  SDK's ``UpdateApplicationResponse``, which allows no other field); delete answers 204, or 409 while phone numbers use the application
  (numbers are attached with the PyPI SDK's ``/account/{id}/numbers/{number}/application``).
- Invalid values answer 400 ``{"error": "invalid request parameters", "details":
  {field: reason}}``; an unknown application 404 ``{"error": "Application not found",
  "app_id": ...}``. Error bodies never echo a URL value (callback URLs may carry a
  password).
"""

from __future__ import annotations

import http
import re
import secrets
import uuid
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request

from cpaas_sandbox.validation import is_http_url

from ..auth import credentials_match, header_credentials
from ..context import current_sandbox
from ..provider import Provider, merge_known_fields

NAME = "vobiz"
API_PREFIX = "/api/v1"
RESOURCE_PREFIX = "/v1"  # resource_uri and meta.next leave out the /api part
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
HTTP_METHODS = ("GET", "POST")
APPLICATION_TYPES = ("XML", "Siptrunk")
APP_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
URL_MAX = 4000
LIMIT_DEFAULT = 20
LIMIT_MAX = 100
SIP_DOMAIN = "app.vobiz.ai"

# request name -> (record key, kind). Several spellings may map to one key.
FIELDS: dict[str, tuple[str, str]] = {
    "app_name": ("app_name", "name"),
    "name": ("app_name", "name"),  # the PyPI SDK's spelling
    "answer_url": ("answer_url", "required_url"),
    "answer_method": ("answer_method", "method"),
    "hangup_url": ("hangup_url", "required_url"),
    "hangup_method": ("hangup_method", "method"),
    "fallback_answer_url": ("fallback_answer_url", "url"),
    "fallback_method": ("fallback_method", "method"),
    "message_url": ("message_url", "url"),
    "message_method": ("message_method", "method"),
    "default_number_app": ("default_app", "bool"),
    "default_app": ("default_app", "bool"),
    "default_endpoint_app": ("default_endpoint_app", "bool"),
    "log_incoming_messages": ("log_incoming_message", "bool"),  # plural in requests, singular in answers
    "subaccount": ("sub_account", "subaccount"),
    "sub_account": ("sub_account", "subaccount"),
    "application_type": ("application_type", "application_type"),
    "enabled": ("enabled", "bool"),
}
READ_ONLY = ("app_id", "resource_uri", "sip_uri", "created_at")

blueprint = Blueprint(NAME, __name__, url_prefix=API_PREFIX)


class InvalidRequest(ValueError):
    """400 with Vobiz's ``details`` object (field -> reason)."""

    def __init__(self, details: dict[str, str]) -> None:
        super().__init__("invalid request parameters")
        self.details = details


# -- responses -------------------------------------------------------------------
def api_id() -> str:
    return str(uuid.uuid4())


def json_response(body: dict[str, Any], status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response


def error_response(status: int, message: str | None = None) -> Response:
    """An error in Vobiz's shape: {"api_id", "error"} (used for injected faults too)."""
    if message is None:
        message = http.HTTPStatus(status).phrase
    return json_response({"api_id": api_id(), "error": message}, status)


def invalid(details: dict[str, str]) -> Response:
    return json_response({"error": "invalid request parameters", "details": details}, 400)


def app_not_found(app_id: str) -> Response:
    return json_response({"error": "Application not found", "app_id": app_id}, 404)


def unauthorized() -> Response:
    return error_response(401, "Authentication failed: X-Auth-ID and X-Auth-Token must be the account's Auth ID and Auth Token")


def now() -> str:
    # The newest reference's format: "2026-04-02 12:11:19.740666+00:00".
    return datetime.now(timezone.utc).isoformat(sep=" ", timespec="microseconds")


# -- auth ------------------------------------------------------------------------
def authenticate(auth_id: str | None) -> Response | None:
    creds = current_sandbox().credentials
    allowed = [(creds["VOBIZ_AUTH_ID"], creds["VOBIZ_AUTH_TOKEN"])]
    given = header_credentials(request.headers, "X-Auth-ID", "X-Auth-Token")
    if not credentials_match(given, allowed):
        return unauthorized()
    if auth_id is not None and auth_id != creds["VOBIZ_AUTH_ID"]:
        # credentials are valid for the configured account only
        return unauthorized()
    return None


# -- validation ------------------------------------------------------------------


def convert(key: str, kind: str, value: Any) -> Any:
    """The stored value of one request field; raises InvalidRequest({key: reason})."""
    if kind in ("url", "required_url"):
        if value in (None, ""):
            if kind == "required_url":
                raise InvalidRequest({key: "This field may not be blank."})
            return None  # an empty value clears an optional URL
        if not isinstance(value, str) or not is_http_url(value, URL_MAX):
            raise InvalidRequest({key: "Enter a valid URL."})
        return value
    if kind == "method":
        if not isinstance(value, str) or value.upper() not in HTTP_METHODS:
            raise InvalidRequest({key: f"Select a valid choice: {', '.join(HTTP_METHODS)}."})
        return value.upper()
    if kind == "bool":
        if not isinstance(value, bool):
            raise InvalidRequest({key: "Must be a valid boolean (true or false)."})
        return value
    if kind == "name":
        if not isinstance(value, str) or not APP_NAME.match(value):
            raise InvalidRequest({key: "Only letters, digits, '-' and '_' are allowed."})
        return value
    if kind == "subaccount":
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            raise InvalidRequest({key: "Must be a subaccount ID (a string)."})
        return value
    if kind == "application_type":
        if value not in APPLICATION_TYPES:
            raise InvalidRequest({key: f"Select a valid choice: {', '.join(APPLICATION_TYPES)}."})
        return value
    raise AssertionError(kind)


def parse_body() -> tuple[dict[str, Any], set[str]]:
    """The record fields a write sets, validated, and the request names they came from.

    Every invalid field is reported at once; unknown keys are ignored."""
    raw = request.get_data(cache=True)
    data = request.get_json(silent=True) if raw else {}
    if not isinstance(data, dict) or (raw and request.mimetype != "application/json"):
        raise InvalidRequest({"body": "must be a JSON object sent with Content-Type: application/json"})
    changes: dict[str, Any] = {}
    given: set[str] = set()
    details: dict[str, str] = {}
    for key, (attr, kind) in FIELDS.items():
        if key not in data:
            continue
        try:
            changes[attr] = convert(key, kind, data[key])
            given.add(key)
        except InvalidRequest as exc:
            details.update(exc.details)
    if details:
        raise InvalidRequest(details)
    return changes, given


# -- records ---------------------------------------------------------------------
def resource_uri(auth_id: str, app_id: str) -> str:
    return f"{RESOURCE_PREFIX}/Account/{auth_id}/Application/{app_id}/"


def new_app_id(state) -> str:
    while True:
        app_id = str(10**16 + secrets.randbelow(9 * 10**16))  # 17 digits
        if state.get_application(NAME, app_id) is None:
            return app_id


def new_record(auth_id: str, app_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    moment = now()
    record: dict[str, Any] = {
        "app_id": app_id,
        "app_name": None,
        "application_type": "XML",
        "answer_url": None,
        "answer_method": "POST",
        "hangup_url": None,
        "hangup_method": "POST",
        "fallback_answer_url": None,
        "fallback_method": "POST",
        "message_url": None,
        "message_method": "POST",
        "default_app": False,
        "default_endpoint_app": False,
        "enabled": True,
        "log_incoming_message": True,
        "public_uri": False,
        "sip_transfer_url": None,
        "sip_transfer_method": "POST",
        "sip_uri": f"sip:{app_id}@{SIP_DOMAIN}",
        "sub_account": None,
        "resource_uri": resource_uri(auth_id, app_id),
        "created_at": moment,
        "updated_at": moment,
    }
    record.update(changes)
    if record["hangup_url"] is None:
        record["hangup_url"] = record["answer_url"]
    return record


def patch_application(record: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Out-of-band change from the control API: raw values, updated_at bumped."""
    updated = merge_known_fields(record, changes, READ_ONLY)
    if "updated_at" not in changes:
        updated["updated_at"] = now()
    return updated


def numbers_table(state) -> dict[str, str]:
    """Phone number -> app_id of the numbers attached to applications (use under state.lock)."""
    return state.extra(NAME).setdefault("numbers", {})  # noqa: S610 - the sandbox state, not Django


def attached_numbers(app_id: str) -> list[str]:
    state = current_sandbox().state
    with state.lock:
        numbers = numbers_table(state)
        return sorted(number for number, owner in numbers.items() if owner == app_id)


# -- list ------------------------------------------------------------------------
def int_arg(name: str, default: int, low: int, high: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidRequest({name: "A valid integer is required."}) from None
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise InvalidRequest({name: f"Must be {bound}."})
    return value


def list_uri(auth_id: str, limit: int, offset: int) -> str:
    return f"{RESOURCE_PREFIX}/Account/{auth_id}/Application/?{urlencode([('limit', limit), ('offset', offset)])}"


def list_applications(auth_id: str) -> Response:
    if ("page" in request.args or "size" in request.args) and not ("limit" in request.args or "offset" in request.args):
        # the PyPI SDK's form: page (from 1) and size
        limit = int_arg("size", LIMIT_DEFAULT, 1, LIMIT_MAX)
        offset = (int_arg("page", 1, 1) - 1) * limit
    else:
        limit = int_arg("limit", LIMIT_DEFAULT, 1, LIMIT_MAX)
        offset = int_arg("offset", 0, 0)
    apps = current_sandbox().state.list_applications(NAME)
    items = apps[offset : offset + limit]
    meta = {
        "limit": limit,
        "offset": offset,
        "total_count": len(apps),
        "next": list_uri(auth_id, limit, offset + limit) if offset + limit < len(apps) else None,
        "previous": list_uri(auth_id, limit, max(0, offset - limit)) if offset > 0 else None,
    }
    return json_response({"api_id": api_id(), "meta": meta, "objects": items})


# -- views -----------------------------------------------------------------------
def create_application(auth_id: str) -> Response:
    changes, given = parse_body()
    missing = {}
    if not changes.get("app_name"):
        missing["app_name"] = "This field is required."
    if not changes.get("answer_url"):
        missing["answer_url"] = "This field is required."
    if missing:
        raise InvalidRequest(missing)
    state = current_sandbox().state
    with state.lock:
        app_id = new_app_id(state)
        state.add_application(NAME, app_id, new_record(auth_id, app_id, changes))
    return json_response({"api_id": api_id(), "app_id": app_id, "message": "created"}, 201)


def update_application(auth_id: str, app_id: str) -> Response:
    changes, given = parse_body()
    state = current_sandbox().state
    with state.lock:
        record = state.get_application(NAME, app_id)
        if record is None:
            return app_not_found(app_id)
        if "sub_account" in changes and changes["sub_account"] != record["sub_account"]:
            key = "subaccount" if "subaccount" in given else "sub_account"
            raise InvalidRequest({key: "sub_account cannot be changed after creation."})
        record.update(changes)
        record["updated_at"] = now()
        state.replace_application(NAME, app_id, record)
    return json_response({"api_id": api_id(), "message": "changed"})


def delete_application(app_id: str) -> Response:
    state = current_sandbox().state
    with state.lock:
        if state.get_application(NAME, app_id) is None:
            return app_not_found(app_id)
        numbers = attached_numbers(app_id)
        if numbers:
            return json_response(
                {
                    "api_id": api_id(),
                    "error": "Cannot delete application",
                    "message": f"Application is currently in use by {len(numbers)} phone numbers",
                },
                409,
            )
        state.delete_application(NAME, app_id)
    return Response(status=204)


@blueprint.errorhandler(InvalidRequest)
def invalid_request(exc: InvalidRequest) -> Response:
    return invalid(exc.details)


@blueprint.route("/Account/<auth_id>/Application/", methods=ALL_METHODS, strict_slashes=False)
def applications(auth_id: str) -> Response:
    denied = authenticate(auth_id)
    if denied is not None:
        return denied
    if request.method in ("GET", "HEAD"):
        return list_applications(auth_id)
    if request.method == "POST":
        return create_application(auth_id)
    return error_response(405, "Method not allowed")


@blueprint.route("/Account/<auth_id>/Application/<app_id>/", methods=ALL_METHODS, strict_slashes=False)
def application(auth_id: str, app_id: str) -> Response:
    denied = authenticate(auth_id)
    if denied is not None:
        return denied
    if request.method == "POST":
        return update_application(auth_id, app_id)
    if request.method == "DELETE":
        return delete_application(app_id)
    if request.method not in ("GET", "HEAD"):
        return error_response(405, "Method not allowed")
    record = current_sandbox().state.get_application(NAME, app_id)
    if record is None:
        return app_not_found(app_id)
    return json_response({"api_id": api_id(), **record})


# The PyPI SDK's number routing (lower-case "account"): attaching numbers lets a
# client see the 409 Vobiz answers when an application in use is deleted.
@blueprint.route("/account/<auth_id>/numbers/<number>/application", methods=ALL_METHODS, strict_slashes=False)
def number_application(auth_id: str, number: str) -> Response:
    denied = authenticate(auth_id)
    if denied is not None:
        return denied
    state = current_sandbox().state
    if request.method == "POST":
        data = request.get_json(silent=True)
        app_id = data.get("application_id") if isinstance(data, dict) else None
        if not isinstance(app_id, str) or not app_id:
            raise InvalidRequest({"application_id": "This field is required."})
        with state.lock:
            if state.get_application(NAME, app_id) is None:
                return app_not_found(app_id)
            numbers_table(state)[number] = app_id
        return json_response({"api_id": api_id(), "message": "changed", "number": number, "application_id": app_id})
    if request.method == "DELETE":
        with state.lock:
            if numbers_table(state).pop(number, None) is None:
                return error_response(404, "Number has no application")
        return Response(status=204)
    return error_response(405, "Method not allowed")


@blueprint.route("/<path:rest>", methods=ALL_METHODS)
def anything_else(rest: str) -> Response:
    denied = authenticate(None)
    if denied is not None:
        return denied
    return error_response(404, f"The requested resource {request.path} was not found")


def signing_secret(credentials: dict[str, str]) -> str | None:
    """Vobiz signs with the account's auth token."""
    return credentials.get("VOBIZ_AUTH_TOKEN")


PROVIDER = Provider(name=NAME, blueprint=blueprint, error_response=error_response, patch_application=patch_application,
                    signing_secret=signing_secret)
