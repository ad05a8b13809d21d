"""The web page for people under ``/ui/``.

Login with the admin token, by form (a session cookie follows) or by sending
``Authorization: Bearer <token>`` with each request. Every value shown comes from
a request someone else sent: templates autoescape it, the live list is built with
``textContent``, and a strict Content-Security-Policy forbids inline scripts.
"""

from __future__ import annotations

import hmac
import json
import secrets
from functools import wraps
from urllib.parse import parse_qsl, urlencode

from cpaas_module_utils.webhooks.signatures import bearer_token
from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, session, url_for
from lxml import etree

from .api import MAX_EVENT_ID, all_endpoints, event_id_in_range, parse_count, parse_since, token_ok
from .config import PROVIDERS
from .curl import as_curl
from .explain import check_rows, endpoint_health
from .sessions import LIFETIME, ReceiverSessionInterface, UiSessions
from .store import VERDICTS

bp = Blueprint("ui", __name__, url_prefix="/ui", template_folder="templates", static_folder="static", static_url_path="/static")

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
    " form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
PREVIEW_BYTES = 256 * 1024
LIVE_PAGE = 100  # events per answer of the live list's feed
# Indented JSON grows with the square of its depth: deeper documents are shown as sent.
MAX_INDENT_DEPTH = 64


@bp.after_request
def headers(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.record_once
def setup_sessions(state):
    """Server-side sessions with an expiry, in a cookie that is Secure behind https."""
    state.app.session_interface = ReceiverSessionInterface()
    state.app.permanent_session_lifetime = LIFETIME
    state.app.ui_sessions = UiSessions(state.app.store)


def logged_in():
    if current_app.ui_sessions.valid(session.get("sid")):
        return True
    token = bearer_token(request.headers.get("Authorization"))
    return token is not None and token_ok(token)


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not logged_in():
            if request.path.endswith(".json"):
                return jsonify({"error": "login required"}), 401
            return redirect(url_for("ui.login", next=request.path))
        return view(*args, **kwargs)

    return wrapper


def csrf_token():
    """The session's CSRF token (the login form has one too, before anyone is logged in)."""
    if "csrf" not in session:
        session.permanent = True
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def csrf_ok():
    sent, expected = request.form.get("csrf", ""), session.get("csrf")
    return bool(expected) and hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8"))


@bp.app_context_processor
def inject():
    return {"csrf_token": csrf_token}


def _safe_next(target):
    if target and target.startswith("/ui/") and not target.startswith("//"):
        return target
    return url_for("ui.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, status = None, 200
    if request.method == "POST":
        if not csrf_ok():
            error, status = "The form has expired. Enter the token again.", 400
        elif token_ok(request.form.get("token", "")):
            current_app.ui_sessions.close(session.get("sid"))
            session.clear()  # a new session id and CSRF token after login
            session.permanent = True
            session["sid"] = current_app.ui_sessions.open()
            return redirect(_safe_next(request.form.get("next")))
        else:
            error, status = "That token is not right.", 401
    return render_template("login.html", error=error, next=request.values.get("next", "")), status


@bp.post("/logout")
def logout():
    if csrf_ok():
        current_app.ui_sessions.close(session.get("sid"))
        session.clear()
    return redirect(url_for("ui.login"))


FILTERS = ("endpoint", "provider", "verdict", "since", "until")


def event_filters(args):
    """The event list's filters from the page address: (for the store, as shown); ValueError names the bad one."""
    shown = {name: args.get(name, "").strip() for name in FILTERS}
    query = {}
    if shown["endpoint"]:
        query["endpoint"] = shown["endpoint"]
    if shown["provider"]:
        if shown["provider"] not in PROVIDERS:
            raise ValueError("provider must be one of %s" % ", ".join(PROVIDERS))
        query["provider"] = shown["provider"]
    if shown["verdict"]:
        if shown["verdict"] not in VERDICTS:
            raise ValueError("verdict must be one of %s" % ", ".join(VERDICTS))
        query["verdict"] = shown["verdict"]
    for name in ("since", "until"):
        if shown[name]:
            try:
                query[name] = parse_since(shown[name])
            except ValueError as exc:
                raise ValueError(str(exc).replace("since", name, 1)) from exc
            shown[name] = query[name][:19]  # the form's datetime-local field shows UTC, to the second
    return query, shown


@bp.get("/")
@login_required
def index():
    store = current_app.store
    summary = store.summary()
    endpoints = []
    for endpoint in all_endpoints():
        info = summary.get(endpoint.path, {"counts": {}, "last": None})
        endpoints.append({"endpoint": endpoint.public(), "counts": info["counts"], "last": info["last"],
                          "health": endpoint_health(store, endpoint.path)})
    unexpected = summary.get(None, {"counts": {}, "last": None})
    filter_error, status = None, 200
    try:
        query, shown = event_filters(request.args)
    except ValueError as exc:
        filter_error, status = str(exc), 400
        query, shown = None, {name: request.args.get(name, "") for name in FILTERS}
    events = store.list_events(limit=50, **query) if query is not None else []
    # the live list asks its feed with the page's filters; no feed while a filter is wrong
    feed_url = url_for("ui.events_json") + "?" + urlencode({k: v for k, v in shown.items() if v}) if query is not None else ""
    return render_template("index.html", endpoints=endpoints, unexpected=unexpected, events=events, filters=shown,
                           filter_error=filter_error, providers=PROVIDERS, verdicts=VERDICTS,
                           filtered=any(shown.values()), feed_url=feed_url), status


@bp.get("/events.json")
@login_required
def events_json():
    """The events after ``after_id``, oldest first, a page at a time (``more`` when another page waits).

    Takes the page's filters too, so the live list shows only what the filtered page shows."""
    try:
        after_id = parse_count(request.args, "after_id", 0, MAX_EVENT_ID, default=0)
        query, _shown = event_filters(request.args)
    except ValueError as exc:
        return jsonify({"error": str(exc)}), 400
    events = current_app.store.list_events(after_id=after_id, limit=LIVE_PAGE + 1, **query)
    return jsonify({"events": events[:LIVE_PAGE], "more": len(events) > LIVE_PAGE})


def pretty_body(body, content_type):
    """(kind, value) to show a body: json / xml / form text, raw text, or binary."""
    media = (content_type or "").split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
        valid_utf8 = True
    except UnicodeDecodeError:
        text = body.decode("utf-8", "replace")
        valid_utf8 = False
    if not body:
        return {"kind": "empty", "text": "", "valid_utf8": True}
    if valid_utf8 and (media == "application/json" or media.endswith("+json")):
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            document = None  # not JSON, or nested deeper than the parser goes: shown as text
        else:
            if json_depth(document) <= MAX_INDENT_DEPTH:
                return {"kind": "json", "text": json.dumps(document, indent=2, ensure_ascii=False), "valid_utf8": True}
    if media in ("application/xml", "text/xml") or media.endswith("+xml"):
        pretty = pretty_xml(body)
        if pretty is not None:
            return {"kind": "xml", "text": pretty, "valid_utf8": valid_utf8}
    if media == "application/x-www-form-urlencoded":
        return {"kind": "form", "pairs": parse_qsl(text, keep_blank_values=True), "text": text, "valid_utf8": valid_utf8}
    return {"kind": "text", "text": text[:PREVIEW_BYTES], "valid_utf8": valid_utf8}


def json_depth(document):
    """How deep containers nest in a parsed JSON document (without recursion)."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return deepest


def pretty_xml(body):
    """Indented XML without resolving entities, loading DTDs or reaching the network."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=True)
    try:
        root = etree.fromstring(body, parser=parser)  # noqa: S320 - entities are not resolved
    except etree.XMLSyntaxError:
        return None
    return etree.tostring(root, pretty_print=True, encoding="unicode")


@bp.get("/events/<int:event_id>")
@login_required
def event(event_id):
    found = current_app.store.get_event(event_id) if event_id_in_range(event_id) else None
    if found is None:
        abort(404)
    body = pretty_body(found["body"], found["content_type"]) if found["body_stored"] else None
    checks = json.dumps(found["checks"], indent=2, ensure_ascii=False)
    endpoint = next((e.public() for e in all_endpoints() if e.path == found["endpoint"]), None)
    return render_template("event.html", event=found, body=body, checks=checks, check_rows=check_rows(found, endpoint),
                           curl=as_curl(found))
