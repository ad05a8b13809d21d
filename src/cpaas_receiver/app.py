"""The Flask application: records every request to an endpoint, then answers it.

``create_app(config, db_path)`` builds the app (``db_path``: a SQLite file, or a
``postgresql://`` URL for a store shared by several receivers). Requests to a configured (or
API-registered) endpoint path are checked, stored (committed), then answered;
requests to any other path outside the receiver's own (``/api/``, ``/ui/``,
``/healthz``, ``/static/``) are stored as ``unexpected`` and answered 404.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote

from flask import Flask, current_app, g, jsonify, request

from .config import RESERVED_PREFIXES
from .credentials import redacted_authorization
from .database import open_store
from .responses import answer, refused
from .verification import IncomingRequest, Outcome, evaluate

SENSITIVE_HEADERS = {"cookie", "proxy-authorization", "set-cookie"}
DRAIN_FACTOR = 8  # read and discard up to this many times the limit before answering 413


def redact_headers(headers, auth_user):
    """Header pairs as stored: no credentials, no cookies, no bearer tokens."""
    stored = []
    for name, value in headers.items():
        lowered = name.lower()
        if lowered == "authorization":
            value = redacted_authorization(value, auth_user)
        elif lowered in SENSITIVE_HEADERS:
            value = "[redacted]"
        stored.append([name, value])
    return stored


def provider_url(req, base):
    """The URL the provider called: ``public_base_url`` (when set) + the raw request target."""
    target = req.environ.get("RAW_URI") or req.environ.get("REQUEST_URI")
    if not target or not target.startswith("/"):
        query = req.query_string.decode("latin-1")
        target = quote(req.path) + ("?" + query if query else "")
    if base:
        return base + target
    return req.host_url.rstrip("/") + target


def _is_reserved(path):
    return any(path == p or path.startswith(p + "/") for p in RESERVED_PREFIXES)


def find_endpoint(path):
    endpoint = current_app.config["RECEIVER"].endpoint_map().get(path)
    if endpoint is None:
        endpoint = current_app.store.get_endpoint(path)
    return endpoint


def _read_body(limit):
    """(body, size, too_large). Over the limit, the body is drained and not kept."""
    declared = request.content_length
    if declared is not None and declared > limit:
        if declared <= limit * DRAIN_FACTOR:
            _drain(declared)
        return b"", declared, True
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        size = len(body) + _drain(limit * DRAIN_FACTOR)
        return b"", size, True
    return body, len(body), False


def _drain(maximum):
    total = 0
    while total < maximum:
        chunk = request.stream.read(min(65536, maximum - total))
        if not chunk:
            break
        total += len(chunk)
    return total


def record_and_answer():
    """before_request hook: handle callbacks; let the receiver's own routes pass."""
    path = request.path
    if _is_reserved(path):
        return None
    cfg = current_app.config["RECEIVER"]
    endpoint = find_endpoint(path)
    body, size, too_large = _read_body(cfg.max_body_bytes)
    incoming = IncomingRequest(
        method=request.method,
        url=provider_url(request, cfg.public_base_url),
        headers=request.headers,
        body=body,
        content_type=request.headers.get("Content-Type", ""),
    )
    if endpoint is None:
        outcome = Outcome("unexpected", 404, {"endpoint": {"ok": False, "result": "unknown_path"}})
        if too_large:
            outcome.checks["size"] = {"ok": False, "limit": cfg.max_body_bytes}
    else:
        outcome = evaluate(endpoint, incoming, too_large=too_large, limit=cfg.max_body_bytes)
    event_id = current_app.store.add_event(
        {
            "endpoint": endpoint.path if endpoint else None,
            "provider": endpoint.provider if endpoint else None,
            "method": request.method,
            "path": path,
            "query": request.query_string.decode("utf-8", "replace"),
            "url": incoming.url,
            "remote_addr": request.remote_addr,
            "content_type": incoming.content_type or None,
            "headers": redact_headers(request.headers, outcome.auth_user),
            "body": None if too_large else body,
            "body_size": size,
            "body_stored": not too_large,
            "auth_user": outcome.auth_user,
            "verdict": outcome.verdict,
            "status": outcome.status,
            "checks": outcome.checks,
        }
    )
    g.event_id = event_id
    response = answer(outcome, endpoint) if endpoint else refused(outcome)
    response.headers["X-Receiver-Event-Id"] = str(event_id)
    if too_large:
        response.headers["Connection"] = "close"
    return response


def create_app(config, db_path):
    app = Flask(__name__, static_folder=None)
    app.config["RECEIVER"] = config
    # The session key is derived from the admin token, so every worker agrees on it
    # and changing the token logs everybody out.
    app.secret_key = hmac.new(config.admin_token.encode("utf-8"), b"cpaas-receiver ui session", hashlib.sha256).digest()
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME="cpaas_receiver_session",
        MAX_CONTENT_LENGTH=None,
    )
    app.store = open_store(db_path)
    app.before_request(record_and_answer)

    from .api import bp as api_bp
    from .api import register_error_handlers
    from .ui import bp as ui_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(ui_bp)
    register_error_handlers(app)

    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    return app
