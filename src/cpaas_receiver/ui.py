"""The web page for people under ``/ui/``.

Login with the admin token, by form (a session cookie follows) or by sending
``Authorization: Bearer <token>`` with each request. Every value shown comes from
a request someone else sent: templates autoescape it, the live list is built with
``textContent``, and a strict Content-Security-Policy forbids inline scripts.
"""

from __future__ import annotations

import json
import secrets
from functools import wraps
from urllib.parse import parse_qsl

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, session, url_for
from lxml import etree

from .api import all_endpoints, token_ok

bp = Blueprint("ui", __name__, url_prefix="/ui", template_folder="templates", static_folder="static", static_url_path="/static")

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
    " form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
PREVIEW_BYTES = 256 * 1024


@bp.after_request
def headers(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    return response


def logged_in():
    if session.get("ui_auth"):
        return True
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and token_ok(token.strip())


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
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


@bp.app_context_processor
def inject():
    return {"csrf_token": csrf_token if session.get("ui_auth") else (lambda: "")}


def _safe_next(target):
    if target and target.startswith("/ui/") and not target.startswith("//"):
        return target
    return url_for("ui.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        if token_ok(request.form.get("token", "")):
            session.clear()
            session["ui_auth"] = True
            return redirect(_safe_next(request.form.get("next")))
        error = "That token is not right."
    return render_template("login.html", error=error, next=request.values.get("next", "")), (401 if error else 200)


@bp.post("/logout")
def logout():
    if session.get("ui_auth") and request.form.get("csrf") == session.get("csrf"):
        session.clear()
    return redirect(url_for("ui.login"))


@bp.get("/")
@login_required
def index():
    summary = current_app.store.summary()
    endpoints = []
    for endpoint in all_endpoints():
        info = summary.get(endpoint.path, {"counts": {}, "last": None})
        endpoints.append({"endpoint": endpoint.public(), "counts": info["counts"], "last": info["last"]})
    unexpected = summary.get(None, {"counts": {}, "last": None})
    events = current_app.store.list_events(limit=50)
    return render_template("index.html", endpoints=endpoints, unexpected=unexpected, events=events)


@bp.get("/events.json")
@login_required
def events_json():
    try:
        after_id = int(request.args.get("after_id", 0))
    except ValueError:
        after_id = 0
    events = current_app.store.list_events(after_id=after_id, limit=100)
    # live.js wants the newest first, whichever order the store pages in after an id.
    events.sort(key=lambda event: event["id"], reverse=True)
    return jsonify({"events": events})


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
            return {"kind": "json", "text": json.dumps(json.loads(text), indent=2, ensure_ascii=False), "valid_utf8": True}
        except ValueError:
            pass
    if media in ("application/xml", "text/xml") or media.endswith("+xml"):
        pretty = pretty_xml(body)
        if pretty is not None:
            return {"kind": "xml", "text": pretty, "valid_utf8": valid_utf8}
    if media == "application/x-www-form-urlencoded":
        return {"kind": "form", "pairs": parse_qsl(text, keep_blank_values=True), "text": text, "valid_utf8": valid_utf8}
    return {"kind": "text", "text": text[:PREVIEW_BYTES], "valid_utf8": valid_utf8}


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
    found = current_app.store.get_event(event_id)
    if found is None:
        abort(404)
    body = pretty_body(found["body"], found["content_type"]) if found["body_stored"] else None
    checks = json.dumps(found["checks"], indent=2, ensure_ascii=False)
    return render_template("event.html", event=found, body=body, checks=checks)
