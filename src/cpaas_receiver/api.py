"""The JSON API under ``/api/``, guarded by ``Authorization: Bearer <admin_token>``.

Described by ``openapi.yaml`` (served at ``/api/openapi.yaml`` without a token).
"""

from __future__ import annotations

import base64
import hmac
import re
from datetime import datetime, timezone
from importlib import resources

from cpaas_module_utils.webhooks.signatures import bearer_token
from flask import Blueprint, Response, current_app, jsonify, request

from .config import PROVIDERS, ConfigError, endpoint_from_dict
from .store import VERDICTS, EndpointExists

bp = Blueprint("api", __name__, url_prefix="/api")
MAX_LIMIT = 1000
MAX_EVENT_ID = 2**63 - 1  # SQLite's largest INTEGER: an id past it cannot exist
_INTEGER_RE = re.compile(r"[0-9]{1,19}")


def token_ok(token):
    expected = current_app.config["RECEIVER"].admin_token
    return token is not None and hmac.compare_digest(token.encode("utf-8"), expected.encode("utf-8"))


def error(status, message, **headers):
    response = jsonify({"error": message})
    response.status_code = status
    for name, value in headers.items():
        response.headers[name.replace("_", "-")] = value
    return response


@bp.before_request
def require_token():
    if request.endpoint == "api.openapi":
        return None
    token = bearer_token(request.headers.get("Authorization"))
    challenge = 'Bearer realm="cpaas-receiver"'
    if token is None:
        return error(401, "missing bearer token", WWW_Authenticate=challenge)
    if not token_ok(token):
        return error(401, "invalid token", WWW_Authenticate=challenge + ', error="invalid_token"')
    return None


def event_json(event):
    data = dict(event)
    if "body" in data:
        body = data.pop("body")
        data["body_base64"] = base64.b64encode(body).decode("ascii")
        try:
            data["body_text"] = body.decode("utf-8")
        except UnicodeDecodeError:
            data["body_text"] = None
    return data


def parse_count(args, name, minimum, maximum, default=None):
    """A decimal integer query parameter within [minimum, maximum]; ValueError naming it otherwise."""
    if name not in args:
        return default
    value = args[name]
    if not _INTEGER_RE.fullmatch(value) or not minimum <= int(value) <= maximum:
        raise ValueError("%s must be a whole number from %d to %d, got %r" % (name, minimum, maximum, value[:40]))
    return int(value)


def event_id_in_range(event_id):
    return 0 <= event_id <= MAX_EVENT_ID


def parse_since(value):
    """An ISO 8601 time -> the stored UTC format; naive times are taken as UTC."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError("since must be an ISO 8601 date and time, e.g. 2026-01-31T12:00:00Z") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        utc = moment.astimezone(timezone.utc)
    except OverflowError as exc:  # year 1 with a positive offset, year 9999 with a negative one
        raise ValueError("since is out of range once converted to UTC (years 1 to 9999)") from exc
    return utc.isoformat(timespec="microseconds").replace("+00:00", "Z")


@bp.get("/events")
def list_events():
    args = request.args
    try:
        limit = parse_count(args, "limit", 1, MAX_LIMIT, default=100)
        after_id = parse_count(args, "after_id", 0, MAX_EVENT_ID)
    except ValueError as exc:
        return error(400, str(exc))
    verdict = args.get("verdict")
    if verdict is not None and verdict not in VERDICTS:
        return error(400, "verdict must be one of %s" % ", ".join(VERDICTS))
    provider = args.get("provider")
    if provider is not None and provider not in PROVIDERS:
        return error(400, "provider must be one of %s" % ", ".join(PROVIDERS))
    since = None
    if "since" in args:
        try:
            since = parse_since(args["since"])
        except ValueError as exc:
            return error(400, str(exc))
    events = current_app.store.list_events(
        endpoint=args.get("endpoint"),
        provider=provider,
        verdict=verdict,
        since=since,
        after_id=after_id,
        limit=limit,
    )
    return jsonify({"events": events, "count": len(events)})


@bp.get("/events/<int:event_id>")
def get_event(event_id):
    event = current_app.store.get_event(event_id) if event_id_in_range(event_id) else None
    if event is None:
        return error(404, "no event with id %d" % event_id)
    return jsonify(event_json(event))


@bp.delete("/events")
def clear_events():
    deleted = current_app.store.clear_events(endpoint=request.args.get("endpoint"))
    return jsonify({"deleted": deleted})


def all_endpoints():
    configured = current_app.config["RECEIVER"].endpoints
    added = current_app.store.endpoints()
    return sorted(configured + added, key=lambda e: e.path)


@bp.get("/endpoints")
def list_endpoints():
    endpoints = [e.public() for e in all_endpoints()]
    return jsonify({"endpoints": endpoints, "count": len(endpoints)})


@bp.post("/endpoints")
def add_endpoint():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return error(400, "the body must be a JSON object describing the endpoint")
    try:
        endpoint = endpoint_from_dict(data, source="api")
    except ConfigError as exc:
        return error(400, str(exc))
    if endpoint.path in current_app.config["RECEIVER"].endpoint_map():
        return error(409, "endpoint %s is set in the configuration file" % endpoint.path)
    try:
        current_app.store.add_endpoint(endpoint)
    except EndpointExists:
        return error(409, "endpoint %s already exists" % endpoint.path)
    response = jsonify(endpoint.public())
    response.status_code = 201
    return response


@bp.get("/endpoints/<path:path>")
def get_endpoint(path):
    path = "/" + path
    for endpoint in all_endpoints():
        if endpoint.path == path:
            return jsonify(endpoint.public())
    return error(404, "no endpoint at %s" % path)


@bp.delete("/endpoints/<path:path>")
def remove_endpoint(path):
    path = "/" + path
    if path in current_app.config["RECEIVER"].endpoint_map():
        return error(409, "endpoint %s is set in the configuration file; remove it there" % path)
    if not current_app.store.remove_endpoint(path):
        return error(404, "no endpoint at %s" % path)
    return Response(status=204)


@bp.get("/openapi.yaml")
def openapi():
    text = resources.files("cpaas_receiver").joinpath("openapi.yaml").read_text(encoding="utf-8")
    return Response(text, content_type="application/yaml")


def register_error_handlers(app):
    """JSON errors for unknown API paths and methods."""

    def handler(exc):
        if request.path.startswith("/api/") or request.path == "/api":
            response = error(exc.code, exc.description or exc.name)
            if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
                response.headers["Allow"] = ", ".join(exc.valid_methods)
            return response
        return exc

    app.register_error_handler(404, handler)
    app.register_error_handler(405, handler)
