"""Telnyx: Call Control Applications of the API v2, at their real paths under ``/v2``.

Behaviour (see docs/telnyx.md, which names the sources):

- Every request carries ``Authorization: Bearer <API key>``; the key must be the configured
  ``TELNYX_API_KEY``. Otherwise 401 with Telnyx's ``errors`` array.
- JSON both ways; answers are wrapped in ``{"data": ...}``, lists in ``{"data": [...],
  "meta": {"page_number", "page_size", "total_pages", "total_results"}}``.
- ``GET /v2/call_control_applications`` pages with ``page[number]`` (from 1) and
  ``page[size]`` (1 to 250, default 20), filters with ``filter[application_name][contains]``
  (case-insensitive; fewer than three characters is a 400), and sorts with ``sort``
  (``created_at`` by default, newest first as the reference says; ``connection_name``,
  ``active``, a leading ``-`` reverses).
- ``POST`` creates (201); ``application_name`` and ``webhook_event_url`` are required.
  ``PATCH /v2/call_control_applications/{id}`` updates the given fields (200); the
  reference marks ``application_name`` and ``webhook_event_url`` required there too, and
  the sandbox enforces it. ``DELETE`` answers 200 with the deleted application.
- Invalid values answer 422 ``{"errors": [{"code": "10015", "title": "Bad Request",
  "detail", "source": {"pointer": "/field"}}]}``, one entry per bad field; an unknown
  application 404 ``{"errors": [{"code": "10005", "title": "Resource not found"}]}``.
  Error bodies never echo a URL value (callback URLs may carry a password).
"""

from __future__ import annotations

import http
import secrets
from datetime import datetime, timezone
from typing import Any

from flask import Blueprint, Response, jsonify, request

from cpaas_sandbox.validation import is_http_url

from ..context import current_sandbox
from ..provider import Provider, merge_known_fields

NAME = "telnyx"
API_PREFIX = "/v2"
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
URL_MAX = 4000
PAGE_SIZE_DEFAULT = 20
PAGE_SIZE_MAX = 250
NAME_FILTER_MIN = 3

ANCHORSITES = ("Latency", "Chicago, IL", "Ashburn, VA", "San Jose, CA", "London, UK", "Chennai, IN",
               "Amsterdam, Netherlands", "Toronto, Canada", "Sydney, Australia")
DTMF_TYPES = ("RFC 2833", "Inband", "SIP INFO")
WEBHOOK_API_VERSIONS = ("1", "2")
RECEIVE_SETTINGS = ("only_my_connections", "from_anyone")

# request field -> kind; nested objects have their own tables
FIELDS: dict[str, Any] = {
    "application_name": "name",
    "webhook_event_url": "required_url",
    "webhook_event_failover_url": "url",
    "webhook_api_version": WEBHOOK_API_VERSIONS,
    "webhook_timeout_secs": "timeout",
    "active": "bool",
    "anchorsite_override": ANCHORSITES,
    "dtmf_type": DTMF_TYPES,
    "first_command_timeout": "bool",
    "first_command_timeout_secs": "int",
    "call_cost_in_webhooks": "bool",
    "redact_dtmf_debug_logging": "bool",
    "tags": "tags",
}
INBOUND: dict[str, Any] = {
    "channel_limit": "nullable_int",
    "shaken_stir_enabled": "bool",
    "sip_subdomain": "nullable_str",
    "sip_subdomain_receive_settings": RECEIVE_SETTINGS,
}
OUTBOUND: dict[str, Any] = {"channel_limit": "nullable_int", "outbound_voice_profile_id": "nullable_str"}
NESTED = {"inbound": INBOUND, "outbound": OUTBOUND}
REQUIRED = ("application_name", "webhook_event_url")
READ_ONLY = ("id", "record_type", "created_at", "updated_at")

blueprint = Blueprint(NAME, __name__, url_prefix=API_PREFIX)


class Unprocessable(ValueError):
    """422 with one Telnyx error per bad field: [(pointer, detail)]."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("unprocessable entity")
        self.problems = problems


# -- responses -------------------------------------------------------------------
def errors_response(status: int, errors: list[dict[str, Any]]) -> Response:
    response = jsonify({"errors": errors})
    response.status_code = status
    return response


def error_response(status: int, message: str | None = None) -> Response:
    """An error in Telnyx's shape (used for injected faults too)."""
    title = http.HTTPStatus(status).phrase
    return errors_response(status, [{"code": str(10000 + status), "title": title, "detail": message or title}])


def unauthorized() -> Response:
    return errors_response(401, [{"code": "10009", "title": "Authentication failed",
                                  "detail": "The API key in 'Authorization: Bearer <key>' is missing or not the account's."}])


def not_found(app_id: str) -> Response:
    return errors_response(404, [{"code": "10005", "title": "Resource not found",
                                  "detail": f"No call control application has id {app_id}."}])


def data(body: Any, status: int = 200) -> Response:
    response = jsonify({"data": body})
    response.status_code = status
    return response


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# -- auth ------------------------------------------------------------------------
def authenticate() -> Response | None:
    scheme, _sep, token = request.headers.get("Authorization", "").strip().partition(" ")
    expected = current_sandbox().credentials["TELNYX_API_KEY"]
    if scheme.lower() != "bearer" or not secrets.compare_digest(token.strip().encode("utf-8"), expected.encode("utf-8")):
        return unauthorized()
    return None


# -- validation ------------------------------------------------------------------
def convert(pointer: str, kind: Any, value: Any) -> Any:
    """The stored value of one field; raises Unprocessable([(pointer, detail)])."""
    if isinstance(kind, tuple):
        if value not in kind:
            raise Unprocessable([(pointer, "must be one of: " + ", ".join(kind))])
        return value
    if kind == "name":
        if not isinstance(value, str) or not value.strip():
            raise Unprocessable([(pointer, "must be a non-empty string")])
        return value
    if kind in ("url", "required_url"):
        if value in (None, ""):
            if kind == "required_url":
                raise Unprocessable([(pointer, "must be a URL with a scheme, such as 'https'")])
            return ""  # an empty failover URL clears it (the reference's default is "")
        if not is_http_url(value, URL_MAX):
            raise Unprocessable([(pointer, "must be a URL with a scheme, such as 'https'")])
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise Unprocessable([(pointer, "must be a boolean")])
        return value
    if kind in ("int", "nullable_int", "timeout"):
        if value is None and kind != "int":
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise Unprocessable([(pointer, "must be a non-negative integer")])
        if kind == "timeout" and value > 30:
            raise Unprocessable([(pointer, "must be between 0 and 30")])
        return value
    if kind == "nullable_str":
        if value is not None and not isinstance(value, str):
            raise Unprocessable([(pointer, "must be a string")])
        return value
    if kind == "tags":
        if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
            raise Unprocessable([(pointer, "must be a list of strings")])
        return value
    raise AssertionError(kind)


def parse_body() -> dict[str, Any]:
    """The fields a write sets, validated; every bad field is reported at once, unknown keys ignored."""
    raw = request.get_data(cache=True)
    body = request.get_json(silent=True) if raw else None
    if not isinstance(body, dict) or request.mimetype != "application/json":
        raise Unprocessable([("/", "the body must be a JSON object sent with Content-Type: application/json")])
    changes: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for key, kind in FIELDS.items():
        if key in body:
            try:
                changes[key] = convert("/" + key, kind, body[key])
            except Unprocessable as exc:
                problems += exc.problems
    for key, table in NESTED.items():
        if key not in body:
            continue
        if not isinstance(body[key], dict):
            problems.append(("/" + key, "must be an object"))
            continue
        nested: dict[str, Any] = {}
        for name, kind in table.items():
            if name in body[key]:
                try:
                    nested[name] = convert(f"/{key}/{name}", kind, body[key][name])
                except Unprocessable as exc:
                    problems += exc.problems
        changes[key] = nested
    if problems:
        raise Unprocessable(problems)
    return changes


# -- records ---------------------------------------------------------------------
def new_id(state) -> str:
    while True:
        app_id = str(10**18 + secrets.randbelow(9 * 10**18))  # 19 digits, like the reference's examples
        if state.get_application(NAME, app_id) is None:
            return app_id


def new_record(app_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    moment = now()
    record: dict[str, Any] = {
        "id": app_id,
        "record_type": "call_control_application",
        "application_name": None,
        "active": True,
        "anchorsite_override": "Latency",
        "call_cost_in_webhooks": False,
        "dtmf_type": "RFC 2833",
        "first_command_timeout": False,
        "first_command_timeout_secs": 30,
        "inbound": {"channel_limit": None, "shaken_stir_enabled": False, "sip_subdomain": None,
                    "sip_subdomain_receive_settings": "from_anyone"},
        "outbound": {"channel_limit": None, "outbound_voice_profile_id": None},
        "redact_dtmf_debug_logging": False,
        "tags": [],
        "webhook_api_version": "1",
        "webhook_event_failover_url": "",
        "webhook_event_url": None,
        "webhook_timeout_secs": None,
        "created_at": moment,
        "updated_at": moment,
    }
    return apply_changes(record, changes)


def apply_changes(record: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    for key, value in changes.items():
        if key in NESTED:
            record[key] = {**record[key], **value}
        else:
            record[key] = value
    return record


def patch_application(record: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Out-of-band change from the control API: raw values, updated_at bumped."""
    updated = merge_known_fields(record, changes, READ_ONLY)
    if "updated_at" not in changes:
        updated["updated_at"] = now()
    return updated


# -- list ------------------------------------------------------------------------
def int_arg(name: str, default: int, low: int, high: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(name, "must be an integer") from None
    if value < low or (high is not None and value > high):
        raise BadRequest(name, f"must be between {low} and {high}" if high is not None else f"must be at least {low}")
    return value


class BadRequest(ValueError):
    """400 for a bad query parameter (the reference answers list errors with 400)."""

    def __init__(self, parameter: str, detail: str) -> None:
        super().__init__(detail)
        self.parameter = parameter
        self.detail = detail


SORT_KEYS = {"created_at": "created_at", "connection_name": "application_name", "active": "active"}


def list_applications() -> Response:
    number = int_arg("page[number]", 1, 1)
    size = int_arg("page[size]", PAGE_SIZE_DEFAULT, 1, PAGE_SIZE_MAX)
    apps = current_sandbox().state.list_applications(NAME)  # creation order
    contains = request.args.get("filter[application_name][contains]")
    if contains is not None:
        if len(contains) < NAME_FILTER_MIN:
            raise BadRequest("filter[application_name][contains]", f"must have at least {NAME_FILTER_MIN} characters")
        apps = [app for app in apps if contains.lower() in (app.get("application_name") or "").lower()]
    sort = request.args.get("sort")
    if sort:
        key = SORT_KEYS.get(sort.lstrip("-"))
        if key is None:
            raise BadRequest("sort", "must be one of: " + ", ".join(SORT_KEYS))
        apps.sort(key=lambda app: (app.get(key) is None, app.get(key)), reverse=sort.startswith("-"))
    else:
        apps.reverse()  # created_at, newest first
    total_pages = max(1, -(-len(apps) // size))
    items = apps[(number - 1) * size : number * size]
    meta = {"page_number": number, "page_size": size, "total_pages": total_pages, "total_results": len(apps)}
    return jsonify({"data": items, "meta": meta})


# -- views -----------------------------------------------------------------------
def missing_required(changes: dict[str, Any]) -> list[tuple[str, str]]:
    return [("/" + key, "is required") for key in REQUIRED if not changes.get(key)]


def create_application() -> Response:
    changes = parse_body()
    problems = missing_required(changes)
    if problems:
        raise Unprocessable(problems)
    state = current_sandbox().state
    with state.lock:
        app_id = new_id(state)
        record = state.add_application(NAME, app_id, new_record(app_id, changes))
    return data(record, 201)


def update_application(app_id: str) -> Response:
    changes = parse_body()
    state = current_sandbox().state
    with state.lock:
        record = state.get_application(NAME, app_id)
        if record is None:
            return not_found(app_id)
        problems = missing_required(changes)
        if problems:
            raise Unprocessable(problems)
        record = apply_changes(record, changes)
        record["updated_at"] = now()
        state.replace_application(NAME, app_id, record)
    return data(record)


def delete_application(app_id: str) -> Response:
    state = current_sandbox().state
    with state.lock:
        record = state.get_application(NAME, app_id)
        if record is None:
            return not_found(app_id)
        state.delete_application(NAME, app_id)
    return data(record)


@blueprint.errorhandler(Unprocessable)
def unprocessable(exc: Unprocessable) -> Response:
    return errors_response(422, [{"code": "10015", "title": "Bad Request", "detail": f"{pointer.lstrip('/') or 'body'} {detail}",
                                  "source": {"pointer": pointer}} for pointer, detail in exc.problems])


@blueprint.errorhandler(BadRequest)
def bad_request(exc: BadRequest) -> Response:
    return errors_response(400, [{"code": "10015", "title": "Bad Request", "detail": f"{exc.parameter} {exc.detail}",
                                  "source": {"parameter": exc.parameter}}])


@blueprint.route("/call_control_applications", methods=ALL_METHODS)
def applications() -> Response:
    denied = authenticate()
    if denied is not None:
        return denied
    if request.method in ("GET", "HEAD"):
        return list_applications()
    if request.method == "POST":
        return create_application()
    return error_response(405, "Method not allowed")


@blueprint.route("/call_control_applications/<app_id>", methods=ALL_METHODS)
def application(app_id: str) -> Response:
    denied = authenticate()
    if denied is not None:
        return denied
    if request.method == "PATCH":
        return update_application(app_id)
    if request.method == "DELETE":
        return delete_application(app_id)
    if request.method not in ("GET", "HEAD"):
        return error_response(405, "Method not allowed")
    record = current_sandbox().state.get_application(NAME, app_id)
    if record is None:
        return not_found(app_id)
    return data(record)


# Other paths under /v2 belong to Vonage's blueprint (both APIs live under /v2).


# -- firing ----------------------------------------------------------------------
def signing_secret(credentials: dict[str, str]) -> str | None:
    """Telnyx signs with an Ed25519 private key: the sandbox's TELNYX_SIGNING_KEY (receivers hold its public key)."""
    return credentials.get("TELNYX_SIGNING_KEY")


def callback_timeouts(record: dict[str, Any], callback: Any, default: float, maximum: float) -> tuple[float, float] | None:
    """The application's webhook_timeout_secs (0 to 30; null: the default)."""
    value = record.get("webhook_timeout_secs")
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        seconds = float(min(value, maximum))
        return seconds, seconds
    return None


PROVIDER = Provider(name=NAME, blueprint=blueprint, error_response=error_response, patch_application=patch_application,
                    signing_secret=signing_secret, callback_timeouts=callback_timeouts)
