"""The Flask application: records every request to an endpoint, then answers it.

``create_app(config, db_path)`` builds the app (``db_path``: a SQLite file, or a
``postgresql://`` URL for a store shared by several receivers). Requests to a configured (or
API-registered) endpoint path are checked, stored (committed), then answered;
requests to any other path outside the receiver's own (``/api/``, ``/ui/``,
``/healthz``, ``/static/``) are stored as ``unexpected`` and answered 404.

Callbacks do not go through Flask's dispatch: :class:`CallbackDispatcher` sits in front
of it (``app.wsgi_app``) and answers every path outside the receiver's own with a plain
werkzeug request and response. A callback needs no session, no URL routing, no request
context and no error pages, and those were a third of the CPU a callback cost (see
docs/benchmarks.md); the API and the web page are Flask as usual.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote

from flask import Flask, jsonify
from werkzeug.exceptions import InternalServerError
from werkzeug.wrappers import Request
from werkzeug.wsgi import get_content_length

from .config import RESERVED_PREFIXES
from .credentials import redacted_authorization
from .database import open_store
from .deadline import WATCHDOG
from .responses import answer, refused
from .verification import IncomingRequest, Outcome, evaluate

SENSITIVE_HEADERS = {"cookie", "proxy-authorization", "set-cookie"}
DRAIN_FACTOR = 8  # read and discard up to this many times the limit before answering 413
BODY_TIMEOUT = 10.0  # seconds a client may take to send its whole body
# What the buffering front (front.py) says of the body it read, in the WSGI environ.
FRONT_BODY_SIZE = "cpaas_receiver.body_size"
FRONT_BODY_INCOMPLETE = "cpaas_receiver.body_incomplete"
FRONT_BODY_TIMED_OUT = "cpaas_receiver.body_timed_out"


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


_HOST_URLS = {}  # (scheme, host) -> werkzeug's host_url, without the "/"
_HOST_URLS_MAX = 256  # the Host header is the client's: a few hosts are cached, not every one sent


def provider_url(req, base):
    """The URL the provider called: ``public_base_url`` (when set) + the raw request target."""
    target = req.environ.get("RAW_URI") or req.environ.get("REQUEST_URI")
    if not target or not target.startswith("/"):
        query = req.query_string.decode("latin-1")
        target = quote(req.path) + ("?" + query if query else "")
    if base:
        return base + target
    # werkzeug's host_url (an IRI decoding of scheme://host/) cost as much as the
    # signature check; it depends on the scheme and host only.
    key = (req.scheme, req.host)
    host_url = _HOST_URLS.get(key)
    if host_url is None:
        if len(_HOST_URLS) >= _HOST_URLS_MAX:
            _HOST_URLS.clear()
        host_url = _HOST_URLS[key] = req.host_url.rstrip("/")
    return host_url + target


def _is_reserved(path):
    return any(path == p or path.startswith(p + "/") for p in RESERVED_PREFIXES)


SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"))


def with_security_headers(response):
    for name, value in SECURITY_HEADERS:
        response.headers.setdefault(name, value)
    return response


class BodyRead:
    """What arrived of a request body: the bytes kept, how many arrived, and what went wrong."""

    def __init__(self):
        self.body = b""
        self.size = 0
        self.too_large = False
        self.incomplete = None  # why the body is incomplete (the client went away, or was too slow)
        self.timed_out = False


def body_framing(environ):
    """``(declared length or None, chunked)`` of a request, as werkzeug reads them: a chunked
    body declares no length, whatever Content-Length says. The front (front.py) reads a
    body by the same rule as the app judges it."""
    return get_content_length(environ), "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


def body_plan(declared, chunked, limit):
    """How much of a body to read: ``(keep, maximum)`` bytes; ``maximum`` 0 reads nothing.

    Up to ``limit`` + 1 bytes are kept (one more tells a body over the limit). A body
    declared over the limit is drained, not kept, up to DRAIN_FACTOR times the limit;
    beyond that it is not read at all. A chunked body is read up to its end or the drain limit.
    """
    if declared is None and not chunked:
        return 0, 0  # no body (werkzeug's rule for a request without a length)
    if declared is not None and declared > limit:
        return 0, declared if declared <= limit * DRAIN_FACTOR else 0
    return limit + 1, limit * DRAIN_FACTOR if declared is None else declared


def _read_body(request, limit, body_timeout):
    """Read the request body from the server's stream, keeping at most ``limit`` bytes.

    Over the limit the body is drained (up to DRAIN_FACTOR times the limit) and not kept.
    A body that ends before its Content-Length or its last chunk, or that does not
    arrive within ``body_timeout`` seconds, is incomplete: it is never handed to the
    checks as if it were the whole body. Under the buffering front (front.py) the body
    is already in memory and the front says how it ended; under gunicorn the read here
    is bounded by the watchdog.
    """
    result = BodyRead()
    environ = request.environ
    stream = environ["wsgi.input"]
    declared, chunked = body_framing(environ)
    keep, maximum = body_plan(declared, chunked, limit)
    if maximum == 0 and (declared is None or declared <= limit):
        return result
    result.too_large = declared is not None and declared > limit
    expected = declared if declared is not None and maximum else None
    parts = []
    sock = environ.get("gunicorn.socket")  # gunicorn hands the application the connection's socket
    watch = WATCHDOG.watch(sock, body_timeout) if sock is not None else None
    try:
        while result.size < maximum:
            chunk = stream.read(min(65536, maximum - result.size))
            if not chunk:
                break
            if result.size < keep:
                parts.append(chunk[:keep - result.size])
            result.size += len(chunk)
    except Exception as exc:  # noqa: BLE001 - whatever the server raises on a broken body (gunicorn's NoMoreData, chunk errors), it is incomplete
        result.incomplete = "the body ended before it was complete (%s after %d bytes)" % (type(exc).__name__, result.size)
    finally:
        if watch is not None:
            WATCHDOG.cancel(watch)
    result.size = environ.get(FRONT_BODY_SIZE, result.size)  # the front counted what it read but did not keep
    if environ.get(FRONT_BODY_INCOMPLETE):
        result.incomplete = "the body ended before it was complete (%s)" % environ[FRONT_BODY_INCOMPLETE]
    if (watch is not None and watch.expired) or environ.get(FRONT_BODY_TIMED_OUT):
        result.timed_out = True
        result.incomplete = "the body did not arrive within %g s (%d bytes arrived)" % (body_timeout, result.size)
    if result.incomplete is None and expected and result.size < expected:
        result.incomplete = "the client sent %d of the %d bytes its Content-Length declared, then closed the connection" % (result.size, expected)
    if declared is not None and result.too_large:
        result.size = max(result.size, declared)
    body = b"".join(parts)
    if len(body) > limit:
        result.too_large = True
    if result.too_large or result.incomplete:
        body = b""
    result.body = body
    return result


def send_answer(response, environ, start_response):
    """What ``response(environ, start_response)`` sends, for the small buffered answers of callbacks.

    werkzeug's general path (a copy of the headers, Location rewriting, a closing iterator)
    cost a callback more than its checks; the rules of that path that apply to an answer
    are kept: no body for HEAD, 1xx, 204 and 304, no Content-Length on 1xx and 204, and a
    Content-Length otherwise. Anything else (a redirect, a streamed body) goes to werkzeug.
    """
    status = response.status_code
    headers = response.headers
    if status == 304 or not response.is_sequence or "Location" in headers or "Content-Location" in headers:
        return response(environ, start_response)
    if 100 <= status < 200 or status == 204:
        headers.remove("Content-Length")
        body = b""
    else:
        body = response.get_data()
        if "Content-Length" not in headers:
            headers["Content-Length"] = str(len(body))
    start_response(response.status, headers.to_wsgi_list())
    return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


class CallbackDispatcher:
    """WSGI middleware: callbacks are recorded and answered here, everything under the
    receiver's own prefixes goes on to Flask."""

    def __init__(self, app, flask_wsgi_app):
        self.app = app
        self.flask_wsgi_app = flask_wsgi_app
        # Endpoints from the configuration file do not change while the receiver runs.
        self.configured = app.config["RECEIVER"].endpoint_map()

    def __call__(self, environ, start_response):
        request = Request(environ)
        if _is_reserved(request.path):
            return self.flask_wsgi_app(environ, start_response)
        try:
            response = self.record_and_answer(request)
        except Exception:  # noqa: BLE001 - what Flask did for a failing hook: log it, answer 500
            self.app.logger.exception("Exception on %s [%s]", request.path, request.method)
            response = InternalServerError().get_response(environ)
        return send_answer(with_security_headers(response), environ, start_response)

    def find_endpoint(self, path):
        endpoint = self.configured.get(path)
        if endpoint is None:
            endpoint = self.app.store.get_endpoint(path)
        return endpoint

    def record_and_answer(self, request):
        """Check the request, commit its event, then answer it."""
        path = request.path
        cfg = self.app.config["RECEIVER"]
        endpoint = self.find_endpoint(path)
        read = _read_body(request, cfg.max_body_bytes, self.app.config.get("RECEIVER_BODY_TIMEOUT", BODY_TIMEOUT))
        incoming = IncomingRequest(
            method=request.method,
            url=provider_url(request, cfg.public_base_url),
            headers=request.headers,
            body=read.body,
            content_type=request.headers.get("Content-Type", ""),
        )
        if endpoint is None:
            outcome = Outcome("unexpected", 404, {"endpoint": {"ok": False, "result": "unknown_path"}})
            if read.too_large:
                outcome.checks["size"] = {"ok": False, "limit": cfg.max_body_bytes}
            elif read.incomplete:
                outcome.checks["size"] = {"ok": False, "result": "incomplete", "detail": read.incomplete}
        else:
            outcome = evaluate(endpoint, incoming, too_large=read.too_large, limit=cfg.max_body_bytes,
                               incomplete=None if read.too_large else read.incomplete, timed_out=read.timed_out)
        event_id = self.app.store.add_event(
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
                "body": None if (read.too_large or read.incomplete) else read.body,
                "body_size": read.size,
                "body_stored": not (read.too_large or read.incomplete),
                "auth_user": outcome.auth_user,
                "verdict": outcome.verdict,
                "status": outcome.status,
                "checks": outcome.checks,
            }
        )
        response = answer(outcome, endpoint) if endpoint else refused(outcome)
        response.headers["X-Receiver-Event-Id"] = str(event_id)
        if read.too_large or read.incomplete:
            response.headers["Connection"] = "close"  # what is left of the body on the connection is unknown
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
    app.wsgi_app = CallbackDispatcher(app, app.wsgi_app)

    from .api import bp as api_bp
    from .api import register_error_handlers
    from .ui import bp as ui_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(ui_bp)
    register_error_handlers(app)

    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    app.after_request(with_security_headers)

    return app
