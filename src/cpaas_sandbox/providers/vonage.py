"""Vonage: the Application API v2 (``/v2/applications[/{id}]``), at its real paths.

Behaviour (see docs/vonage.md and the project's wire notes):

- HTTP basic auth with the API key and secret (``VONAGE_API_KEY`` / ``VONAGE_API_SECRET``);
  otherwise 401. Every error is RFC 7807 problem JSON ``{type, title, detail, instance}``
  (``invalid_parameters: [{name, reason}]`` on validation errors), served as
  ``application/json`` as the API reference declares.
- Checks in this order: credentials (401), verb (405 ``wrong-verb``), ``Accept`` (406 when
  present and it does not accept ``application/json``; a missing ``Accept`` or ``*/*`` is
  fine), the body's ``Content-Type`` (415 when a body is sent as anything but
  ``application/json``), then the payload (400 ``payload-validation``).
- List: ``page`` from 1, ``page_size`` 1..100 (default 10), else 400 ``list-validation``. The
  HAL envelope ``{page_size, page, total_items, total_pages, _embedded: {applications},
  _links: {self, first, last, next?, prev?}}``.
- Create answers 201. Without ``keys.public_key`` it generates a real RSA key pair and
  answers ``keys.private_key`` in that one answer only; only the public key is kept.
- PUT replaces the application: ``name`` is required; capabilities and privacy that are
  left out are gone (privacy falls back to ``improve_ai: true``). ``keys`` left out keep the
  application's key pair (an application always has one).
- The webhook timeout is ``connect_timeout``, as the live API has it. A field the API
  does not know (such as ``connection_timeout``, the 2021 reference's name, which the
  live API refuses) answers 400 with only ``type``, ``title`` and ``detail``, word for
  word as the live API does: ``connection_timeout is not a known json property (4 known
  properties: "http_method", "address", "socket_timeout", "connect_timeout"]) : please
  see https://developer.nexmo.com/api/application.v2``.
- ``verify.version`` is read-only: ignored on writes.
- Validation messages never echo a URL value (callback URLs may carry a password).
"""

from __future__ import annotations

import http
import math
import os
import threading
import uuid
from collections import deque
from typing import Any

from cpaas_module_utils.webhooks.common import normalise
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Blueprint, Response, jsonify, request

from cpaas_sandbox.validation import is_http_url

from ..auth import basic_credentials, credentials_match
from ..context import current_sandbox
from ..provider import Provider

NAME = "vonage"
API_PREFIX = "/v2"
JSON_TYPE = "application/json"
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
URL_MAX = 4000
NAME_MAX = 255
PAGE_SIZE_DEFAULT = 10
PAGE_SIZE_MAX = 100
KEY_SIZE = 2048
KEY_POOL_SIZE = 4

ERRORS = "https://developer.nexmo.com/api-errors"
APPLICATION_ERRORS = ERRORS + "/application"

REGIONS = ("na-east", "na-west", "eu-east", "eu-west", "apac-sng", "apac-australia")
# capability -> (webhook names, allowed methods, takes timeouts)
WEBHOOKS: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {
    "voice": (("answer_url", "fallback_answer_url", "event_url"), ("GET", "POST"), True),
    "messages": (("inbound_url", "status_url"), ("POST",), False),
    "rtc": (("event_url",), ("GET", "POST"), False),
    "verify": (("status_url",), ("POST",), False),
}
# capability -> {setting: kind}; kinds: bool, str, region, or ("int", low, high)
SETTINGS: dict[str, dict[str, Any]] = {
    "voice": {
        "signed_callbacks": "bool",
        "conversations_ttl": ("int", 1, 9000),
        "leg_persistence_time": ("int", 1, 31),
        "region": "region",
    },
    "messages": {"version": "str", "authenticate_inbound_media": "bool"},
    "rtc": {"signed_callbacks": "bool"},
    "verify": {},
}
READ_ONLY_SETTINGS = {"verify": ("version",)}
WEBHOOK_RANGES = {"socket_timeout": (1000, 10000), "connect_timeout": (300, 1000)}
# The properties of a webhook, in the order the live API lists them in its unknown-property error.
WEBHOOK_FIELDS = ("http_method", "address")
API_REFERENCE = "https://developer.nexmo.com/api/application.v2"
CAPABILITIES = ("voice", "messages", "rtc", "verify", "vbc")

blueprint = Blueprint(NAME, __name__, url_prefix=API_PREFIX)
# Start making key pairs as soon as an app serves this API (see KeyPool).
blueprint.record_once(lambda _state: KEY_POOL.warm())


class Problem(Exception):  # noqa: N818 - it is the API's own word
    """An error answer in problem-JSON shape, raised from anywhere inside a view."""

    def __init__(self, status: int, type_: str, title: str, detail: str, invalid: list[dict[str, str]] | None = None,
                 instance: bool = True) -> None:
        super().__init__(detail)
        self.status = status
        self.type = type_
        self.title = title
        self.detail = detail
        self.invalid = invalid
        self.instance = instance


# -- responses -------------------------------------------------------------------
def problem_response(status: int, type_: str, title: str, detail: str, invalid: list[dict[str, str]] | None = None,
                     instance: bool = True) -> Response:
    body: dict[str, Any] = {"type": type_, "title": title, "detail": detail}
    if instance:
        body["instance"] = uuid.uuid4().hex
    if invalid is not None:
        body["invalid_parameters"] = invalid
    response = jsonify(body)
    response.status_code = status
    return response


def error_response(status: int, message: str | None = None) -> Response:
    """An error in Vonage's problem-JSON shape, for any status (injected faults use it)."""
    if status == 401:
        return problem_response(401, ERRORS + "#unauthorized", "Invalid credentials supplied",
                                message or "You did not provide correct credentials.")
    if status == 404:
        return problem_response(404, ERRORS + "#not-found", "Not Found", message or "The requested resource does not exist, or you do not have access")
    if status == 429:
        return problem_response(429, "https://developer.vonage.com/api-errors#rate-limit", "Rate Limit Hit",
                                message or "Please wait, then retry your request")
    phrase = http.HTTPStatus(status).phrase
    if status >= 500:
        return problem_response(status, ERRORS + "#internal-error", phrase, message or "The server could not complete the request; try again later")
    return problem_response(status, ERRORS + "#" + phrase.lower().replace(" ", "-"), phrase, message or phrase)


def payload_problem(invalid: list[dict[str, str]]) -> Problem:
    return Problem(400, APPLICATION_ERRORS + "#payload-validation", "Bad Request", "The request failed due to validation errors", invalid)


def unknown_property(name: str, known: tuple[str, ...] | list[str]) -> Problem:
    """The live API's answer to a JSON property it does not know: no ``invalid_parameters``,
    no ``instance``, the reason in ``detail`` (its odd closing ``"])`` included)."""
    listed = ", ".join(f'"{key}"' for key in known)
    return Problem(400, APPLICATION_ERRORS + "#payload-validation", "Bad Request",
                   f"{name} is not a known json property ({len(known)} known properties: {listed}]) : please see {API_REFERENCE}",
                   instance=False)


def list_problem(name: str, reason: str) -> Problem:
    return Problem(400, APPLICATION_ERRORS + "#list-validation", "Bad Request", "The request failed due to validation errors",
                   [{"name": name, "reason": reason}])


def not_found(app_id: str) -> Problem:
    return Problem(404, ERRORS + "#not-found", "Not Found", f"ID '{app_id}' does not exist, or you do not have access")


def wrong_verb() -> Problem:
    return Problem(405, ERRORS + "#wrong-verb", "Request method not allowed", f"Request method '{request.method}' not supported")


@blueprint.errorhandler(Problem)
def problem(exc: Problem) -> Response:
    return problem_response(exc.status, exc.type, exc.title, exc.detail, exc.invalid, exc.instance)


# -- request checks ----------------------------------------------------------------
def authenticate() -> None:
    creds = current_sandbox().credentials
    allowed = [(creds["VONAGE_API_KEY"], creds["VONAGE_API_SECRET"])]
    if not credentials_match(basic_credentials(request.headers), allowed):
        raise Problem(401, ERRORS + "#unauthorized", "Invalid credentials supplied", "You did not provide correct credentials.")


def check_accept() -> None:
    if "Accept" not in request.headers:
        return
    accepted = {value.split(";", 1)[0].strip().lower() for value, quality in request.accept_mimetypes if quality > 0}
    if not accepted & {JSON_TYPE, "application/*", "*/*"}:
        raise Problem(406, ERRORS + "#accept-header", "Invalid Accept header",
                      "Invalid Accept header provided. Must be one of the following: 'application/json'")


def json_body() -> Any:
    raw = request.get_data(cache=True)
    if raw and request.mimetype != JSON_TYPE:
        raise Problem(415, ERRORS + "#content-type-header", "Unsupported Content-Type header",
                      "Unsupported Content-Type header provided. Must be one of the following: 'application/json'")
    if not raw:
        return {}
    body = request.get_json(silent=True)
    if body is None:
        raise payload_problem([{"name": "body", "reason": "must be valid JSON"}])
    return body


def check_request(allowed: tuple[str, ...]) -> None:
    authenticate()
    if request.method not in allowed:
        raise wrong_verb()
    check_accept()


# -- validation --------------------------------------------------------------------


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Validator:
    """Collects every invalid parameter of a payload, then answers them all at once."""

    def __init__(self) -> None:
        self.invalid: list[dict[str, str]] = []

    def bad(self, name: str, reason: str) -> None:
        self.invalid.append({"name": name, "reason": reason})

    def object(self, name: str, value: Any) -> bool:
        if not isinstance(value, dict):
            self.bad(name, "must be an object")
            return False
        return True

    def webhook(self, name: str, value: Any, methods: tuple[str, ...], timeouts: bool) -> dict[str, Any] | None:
        if not self.object(name, value):
            return None
        known = WEBHOOK_FIELDS + (tuple(WEBHOOK_RANGES) if timeouts else ())
        allowed = set(known)
        for key in value:
            if key not in allowed:
                raise unknown_property(key, known)
        if "address" not in value:
            self.bad(f"{name}.address", "is required")
        elif not is_http_url(value["address"], URL_MAX):
            self.bad(f"{name}.address", "must be an absolute http:// or https:// URL")
        if "http_method" in value and value["http_method"] not in methods:
            self.bad(f"{name}.http_method", "must be one of: " + ", ".join(methods))
        if timeouts:
            for key, (low, high) in WEBHOOK_RANGES.items():
                if key in value and not (is_int(value[key]) and low <= value[key] <= high):
                    self.bad(f"{name}.{key}", f"must be an integer between {low} and {high}")
        return {key: value[key] for key in value if key in allowed}

    def setting(self, name: str, value: Any, kind: Any) -> None:
        if kind == "bool" and not isinstance(value, bool):
            self.bad(name, "must be a boolean")
        elif kind == "str" and (not isinstance(value, str) or not value):
            self.bad(name, "must be a non-empty string")
        elif kind == "region" and value not in REGIONS:
            self.bad(name, "must be one of: " + ", ".join(REGIONS))
        elif isinstance(kind, tuple):
            _int, low, high = kind
            if not (is_int(value) and low <= value <= high):
                self.bad(name, f"must be an integer between {low} and {high}")

    def capability(self, capability: str, value: Any) -> dict[str, Any] | None:
        name = f"capabilities.{capability}"
        if capability == "vbc":
            if value != {}:
                self.bad(name, "must be an empty object")
            return {}
        if not self.object(name, value):
            return None
        webhook_names, methods, timeouts = WEBHOOKS[capability]
        settings = SETTINGS[capability]
        result: dict[str, Any] = {}
        for key in sorted(value):
            item = value[key]
            if key == "webhooks":
                if not self.object(f"{name}.webhooks", item):
                    continue
                hooks = {}
                for hook in item:
                    if hook not in webhook_names:
                        raise unknown_property(hook, webhook_names)
                    checked = self.webhook(f"{name}.webhooks.{hook}", item[hook], methods, timeouts)
                    if checked is not None:
                        hooks[hook] = checked
                result["webhooks"] = hooks
            elif key in READ_ONLY_SETTINGS.get(capability, ()):
                continue  # read-only: ignored on writes
            elif key in settings:
                self.setting(f"{name}.{key}", item, settings[key])
                result[key] = item
            else:
                raise unknown_property(key, ("webhooks",) + tuple(settings) + READ_ONLY_SETTINGS.get(capability, ()))
        return result

    def application(self, body: Any) -> dict[str, Any]:
        """The application fields of a create or PUT body, validated (unknown top-level keys ignored)."""
        if not isinstance(body, dict):
            raise payload_problem([{"name": "body", "reason": "must be a JSON object"}])
        fields: dict[str, Any] = {}
        name = body.get("name")
        if name is None:
            self.bad("name", "is required")
        elif not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX:
            self.bad("name", f"must be a non-empty string of at most {NAME_MAX} characters")
        else:
            fields["name"] = name
        if "keys" in body and self.object("keys", body["keys"]):
            public_key = body["keys"].get("public_key")
            if public_key is not None:
                if not isinstance(public_key, str) or not is_public_key(public_key):
                    self.bad("keys.public_key", "must be a PEM encoded public key")
                else:
                    fields["public_key"] = public_key
        if "capabilities" in body and self.object("capabilities", body["capabilities"]):
            capabilities = {}
            for capability in body["capabilities"]:
                if capability not in CAPABILITIES:
                    raise unknown_property(capability, CAPABILITIES)
                checked = self.capability(capability, body["capabilities"][capability])
                if checked is not None:
                    capabilities[capability] = checked
            fields["capabilities"] = capabilities
        if "privacy" in body and self.object("privacy", body["privacy"]):
            privacy = body["privacy"]
            for key in privacy:
                if key != "improve_ai":
                    raise unknown_property(key, ("improve_ai",))
            if "improve_ai" in privacy:
                if not isinstance(privacy["improve_ai"], bool):
                    self.bad("privacy.improve_ai", "must be a boolean")
                else:
                    fields["privacy"] = {"improve_ai": privacy["improve_ai"]}
        if self.invalid:
            raise payload_problem(self.invalid)
        return fields


def is_public_key(pem: str) -> bool:
    try:
        serialization.load_pem_public_key(pem.encode("utf-8"))
    except (ValueError, TypeError):
        return False
    return True


def new_key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode("ascii")
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    return private, public


class KeyPool:
    """RSA key pairs made ahead of time by a background thread, each handed out once.

    Making a 2048-bit key takes a quarter of a second, and several seconds on a busy
    machine: a create that slow would make a client with a short timeout see a create
    still in flight, which a real provider answers in well under that. OpenSSL releases
    the GIL while it works, so the thread does not hold up requests. When the pool is
    empty, ``take`` makes a pair on the spot.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._pairs: deque[tuple[str, str]] = deque()
        self._filling = False
        self._pid = os.getpid()

    def _forked(self) -> None:
        # A forked worker (gunicorn) inherits the pairs (fine, the parent never hands them
        # out after the fork) but not the thread: it starts its own.
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._pairs.clear()
            self._filling = False

    def warm(self) -> None:
        with self._lock:
            self._forked()
            self._start()

    def take(self) -> tuple[str, str]:
        with self._lock:
            self._forked()
            pair = self._pairs.popleft() if self._pairs else None
            self._start()
        return pair if pair is not None else new_key_pair()

    def _start(self) -> None:  # called with the lock held
        if self._filling or len(self._pairs) >= self.size:
            return
        self._filling = True
        threading.Thread(target=self._fill, name="vonage-key-pool", daemon=True).start()

    def _fill(self) -> None:
        try:
            while True:
                with self._lock:
                    if len(self._pairs) >= self.size:
                        return
                pair = new_key_pair()
                with self._lock:
                    self._pairs.append(pair)
        finally:
            with self._lock:
                self._filling = False


KEY_POOL = KeyPool(KEY_POOL_SIZE)


# -- records -------------------------------------------------------------------------
def item_href(app_id: str) -> str:
    return f"{API_PREFIX}/applications/{app_id}"


def build_record(app_id: str, fields: dict[str, Any], public_key: str) -> dict[str, Any]:
    record: dict[str, Any] = {"id": app_id, "name": fields["name"], "keys": {"public_key": public_key}}
    if "capabilities" in fields:
        record["capabilities"] = fields["capabilities"]
    record["privacy"] = fields.get("privacy", {"improve_ai": True})
    record["_links"] = {"self": {"href": item_href(app_id)}}
    return record


def patch_application(record: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Out-of-band change from the control API: a deep merge; ``null`` removes a key."""
    unknown = sorted(set(changes) - {"name", "keys", "capabilities", "privacy"})
    if unknown:
        raise ValueError(f"fields {unknown} cannot be changed; changeable: capabilities, keys, name, privacy")
    if isinstance(changes.get("keys"), dict) and "private_key" in changes["keys"]:
        raise ValueError("keys.private_key is never stored")

    def merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
        result = dict(base)
        for key, value in overlay.items():
            if value is None:
                result.pop(key, None)
            elif isinstance(value, dict) and value and isinstance(result.get(key), dict):
                result[key] = merge(result[key], value)
            else:
                result[key] = value
        return result

    return merge(record, changes)


# -- list ------------------------------------------------------------------------------
def int_arg(name: str, default: int, low: int, high: float = math.inf) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        reason = f"must be between {low} and {high}" if high != math.inf else f"must be an integer of at least {low}"
        raise list_problem(name, reason)
    return value


def page_href(page_size: int, page: int) -> dict[str, str]:
    return {"href": f"{API_PREFIX}/applications?page_size={page_size}&page={page}"}


def list_applications() -> Response:
    page_size = int_arg("page_size", PAGE_SIZE_DEFAULT, 1, PAGE_SIZE_MAX)
    page = int_arg("page", 1, 1)
    apps = current_sandbox().state.list_applications(NAME)
    total_pages = max(1, math.ceil(len(apps) / page_size))
    first = (page - 1) * page_size
    links = {"self": page_href(page_size, page), "first": page_href(page_size, 1), "last": page_href(page_size, total_pages)}
    if page < total_pages:
        links["next"] = page_href(page_size, page + 1)
    if page > 1:
        links["prev"] = page_href(page_size, min(page - 1, total_pages))
    return jsonify({
        "page_size": page_size,
        "page": page,
        "total_items": len(apps),
        "total_pages": total_pages,
        "_embedded": {"applications": apps[first : first + page_size]},
        "_links": links,
    })


# -- views -------------------------------------------------------------------------------
def create_application() -> Response:
    fields = Validator().application(json_body())
    private_key = None
    public_key = fields.get("public_key")
    if public_key is None:
        private_key, public_key = KEY_POOL.take()
    record = build_record(str(uuid.uuid4()), fields, public_key)
    record = current_sandbox().state.add_application(NAME, record["id"], record)
    answer = dict(record, keys=dict(record["keys"]))
    if private_key is not None:
        answer["keys"]["private_key"] = private_key  # in this answer only; never stored
    response = jsonify(answer)
    response.status_code = 201
    return response


def replace_application(app_id: str) -> Response:
    body = json_body()
    state = current_sandbox().state
    with state.lock:
        record = state.get_application(NAME, app_id)
        if record is None:
            raise not_found(app_id)
        fields = Validator().application(body)
        new = build_record(app_id, fields, fields.get("public_key") or record["keys"]["public_key"])
        new = state.replace_application(NAME, app_id, new)
    return jsonify(new)


@blueprint.route("/applications", methods=ALL_METHODS)
def applications() -> Response:
    check_request(("GET", "HEAD", "POST"))
    if request.method == "POST":
        return create_application()
    return list_applications()


@blueprint.route("/applications/<app_id>", methods=ALL_METHODS)
def application(app_id: str) -> Response:
    check_request(("GET", "HEAD", "PUT", "DELETE"))
    if request.method == "PUT":
        return replace_application(app_id)
    state = current_sandbox().state
    with state.lock:
        record = state.get_application(NAME, app_id)
        if record is None:
            raise not_found(app_id)
        if request.method == "DELETE":
            state.delete_application(NAME, app_id)
            return Response(status=204)
    return jsonify(record)


@blueprint.route("/<path:rest>", methods=ALL_METHODS)
def anything_else(rest: str) -> Response:
    authenticate()
    raise Problem(404, ERRORS + "#not-found", "Not Found", f"Nothing is served at {request.path}")


SIGNATURE_SECRET_VAR = "VONAGE_SIGNATURE_SECRET"  # noqa: S105 - the name of a variable
SIGNATURE_SECRET_DEFAULT = "sandbox-vonage-signature-secret"  # noqa: S105 - a documented sandbox default


def signing_secret(credentials: dict[str, str]) -> str | None:
    """Vonage signs with the account's signature secret: VONAGE_SIGNATURE_SECRET, else the documented default."""
    return credentials.get(SIGNATURE_SECRET_VAR) or os.environ.get(SIGNATURE_SECRET_VAR) or SIGNATURE_SECRET_DEFAULT


def event_context(record: dict[str, Any], credentials: dict[str, str]) -> dict[str, Any]:
    return {"api_key": credentials.get("VONAGE_API_KEY")}


def callback_timeouts(record: dict[str, Any], callback: Any, default: float, maximum: float) -> tuple[float, float] | None:
    """A voice webhook's connect_timeout and socket_timeout (milliseconds); connect defaults to 1 s."""
    if not callback.name.startswith("voice."):
        return None
    hooks = (((normalise(record).get("capabilities") or {}).get("voice") or {}).get("webhooks") or {})
    hook = hooks.get(callback.name.split(".", 1)[1]) or {}
    connect = hook.get("connect_timeout") or hook.get("connection_timeout")
    socket = hook.get("socket_timeout")
    return (float(connect) / 1000 if connect else 1.0), (float(socket) / 1000 if socket else default)


PROVIDER = Provider(name=NAME, blueprint=blueprint, error_response=error_response, patch_application=patch_application,
                    signing_secret=signing_secret, event_context=event_context, callback_timeouts=callback_timeouts)
