"""Firing events: the sandbox calls an application's configured callback the way the provider does.

``POST /_sandbox/<provider>/applications/<id>/events`` with a JSON body::

    {"event": "incoming-call",      # optional: the callback's default event
     "callback": "voice_url",       # optional: the first callback that receives the event
     "timeout": 5,                  # optional: seconds, instead of the provider's own
     "signing_secret": "...",       # optional: sign with another secret (tests)
     "fallback": true}              # optional: try the fallback URL when the primary fails

For the callback, the sandbox builds the provider's payload (``cpaas_module_utils.webhooks.payloads``,
the same code ``callback_check`` uses) and sends it:

- with the configured method (GET puts the parameters in the query string);
- with the configured basic-auth credentials: Twilio (user info in the URL) and Bandwidth
  (``*Creds`` with their write-only ``Password``) first send the request without
  ``Authorization`` and resend it with the credentials only after a 401 that carries a
  ``WWW-Authenticate: Basic`` challenge; Vonage, Vobiz and Telnyx send URL credentials at once;
- signed: Twilio ``X-Twilio-Signature`` with ``TWILIO_AUTH_TOKEN``; Vonage
  ``Authorization: Bearer`` JWT with ``VONAGE_SIGNATURE_SECRET`` (environment, else
  ``sandbox-vonage-signature-secret``) when ``signed_callbacks`` is on or for the Messages
  API; Vobiz V2/V3 headers with ``VOBIZ_AUTH_TOKEN``; Telnyx ``telnyx-signature-ed25519`` and
  ``telnyx-timestamp`` with the Ed25519 key ``TELNYX_SIGNING_KEY``. Bandwidth does not sign;
- within the provider's timeout (Twilio 15 s, Bandwidth ``CallbackTimeout`` or 10 s,
  Vonage the webhook's ``connect_timeout``/``socket_timeout``, Vobiz 10 s, Telnyx ``webhook_timeout_secs`` or 10 s);
- then, when the primary attempt failed (no answer, or not a 2xx after any challenge)
  and the callback has a fallback URL, to the fallback URL.

The answer says what happened: every attempt with URL (password masked), method,
whether credentials and a signature were sent, status, latency and whether the body
was what the provider needs (TwiML, BXML, NCCO, Vobiz XML); when the callback is a cpaas
callback receiver, ``receiver_event_id`` names the event it recorded (``X-Receiver-Event-Id``).
"""

from __future__ import annotations

import time
from typing import Any

import requests
from cpaas_module_utils import _registry
from cpaas_module_utils.webhooks import payloads
from flask import Blueprint, jsonify, request

from .context import current_sandbox

blueprint = Blueprint("sandbox_events", __name__, url_prefix="/_sandbox")

MAX_TIMEOUT = 60.0
EVENT_HEADER = "X-Cpaas-Sandbox-Event"


def _error(status: int, message: str):
    return jsonify({"error": message, "status": status}), status


def _mask(url: str) -> str:
    parts = payloads.url_credentials(url)
    if not parts or parts[1] is None:
        return url
    return url.replace(":%s@" % parts[1], ":********@", 1)


def _sandbox_provider(name: str):
    return current_sandbox().providers[name]


def stored_credentials(provider: str, record: dict[str, Any], callback: payloads.Callback) -> tuple[str, str] | None:
    """The (user, password) the provider would use for this callback: those in its URL, else those it keeps."""
    in_url = payloads.url_credentials(callback.url)
    if in_url and in_url[1] is not None:
        return in_url[0], in_url[1]
    return _sandbox_provider(provider).stored_credentials(record, callback)


def timeout_for(provider: str, record: dict[str, Any], callback: payloads.Callback, override: float | None) -> tuple[float, float]:
    if override is not None:
        return override, override
    default = _registry.entry(provider).firing_timeout
    configured = _sandbox_provider(provider).callback_timeouts(record, callback, default, MAX_TIMEOUT)
    return configured if configured is not None else (default, default)


def _send(session, prepared, auth, timeouts):
    started = time.monotonic()
    try:
        response = session.request(prepared.method, prepared.url, data=prepared.body or None, headers=prepared.headers,
                                   auth=auth, timeout=timeouts, allow_redirects=False)
    except requests.exceptions.Timeout as exc:
        return None, "timeout (%s)" % type(exc).__name__, round((time.monotonic() - started) * 1000, 1)
    except requests.exceptions.RequestException as exc:
        return None, "no connection (%s)" % type(exc).__name__, round((time.monotonic() - started) * 1000, 1)
    return response, None, round((time.monotonic() - started) * 1000, 1)


def deliver(provider: str, record: dict[str, Any], callback: payloads.Callback, event: str, secret: str | None,
            timeout: float | None, context: dict[str, Any]) -> list[dict[str, Any]]:
    """Send one event to one callback as the provider would; the attempts made (one or two)."""
    url = payloads.url_without_credentials(callback.url)
    prepared = payloads.build_event(provider, event, url, callback.method, context)
    prepared.headers[EVENT_HEADER] = "1"
    signed = bool(secret and callback.signed)
    if signed:
        payloads.sign_event(prepared, secret, api_key=context.get("api_key"), application_id=context.get("application_id"))
    creds = stored_credentials(provider, record, callback)
    if "Authorization" in prepared.headers:
        creds = None  # a Vonage signed callback: the JWT takes the Authorization header
    timeouts = timeout_for(provider, record, callback, timeout)
    session = requests.Session()
    session.trust_env = False
    attempts = []

    def attempt(auth):
        response, error, latency = _send(session, prepared, auth, timeouts)
        entry = {
            "callback": callback.name,
            "event": event,
            "url": _mask(callback.url),
            "method": prepared.method,
            "credentials": auth[0] if auth else None,
            "signed": signed,
            "status": response.status_code if response is not None else None,
            "latency_ms": latency,
            "error": error,
        }
        if response is not None:
            ok, detail = payloads.check_answer(callback.answer, response.status_code, response.headers.get("Content-Type"), response.content)
            entry.update(answer_ok=ok, answer=detail, challenge=response.headers.get("WWW-Authenticate"),
                         receiver_event_id=response.headers.get("X-Receiver-Event-Id"))
        else:
            entry.update(answer_ok=False, answer=error, challenge=None, receiver_event_id=None)
        attempts.append(entry)
        return entry

    if _registry.entry(provider).challenge_first:
        first = attempt(None)
        challenged = first["status"] == 401 and (first["challenge"] or "").strip().lower().startswith("basic")
        if challenged and creds:
            attempt(creds)
        elif challenged:
            first["answer"] = "401 challenge, but the application has no credentials to send"
        elif first["status"] == 401:
            first["answer"] = "401 without a 'WWW-Authenticate: Basic' challenge: %s does not send credentials then" % provider.capitalize()
    else:
        attempt(creds)
    return attempts


@blueprint.post("/<provider_name>/applications/<app_id>/events")
def fire_event(provider_name: str, app_id: str):
    sandbox = current_sandbox()
    if provider_name not in sandbox.providers:
        return _error(404, "unknown provider %r; known: %s" % (provider_name, sorted(sandbox.providers)))
    record = sandbox.state.get_application(provider_name, app_id)
    if record is None:
        return _error(404, "no %s application %s" % (provider_name, app_id))
    spec = request.get_json(silent=True) or {}
    if not isinstance(spec, dict):
        return _error(400, "the body must be a JSON object")
    try:
        found = payloads.callbacks(provider_name, record)
    except ValueError as exc:
        return _error(400, str(exc))
    if not found:
        return _error(409, "the %s application %s has no callback URL" % (provider_name, app_id))
    by_name = {cb.name: cb for cb in found}
    event = spec.get("event")
    known = payloads.event_types(provider_name)
    if event is not None and event not in known:
        return _error(400, "unknown %s event %r; known: %s" % (provider_name, event, ", ".join(known)))
    name = spec.get("callback")
    if name is not None:
        callback = by_name.get(name)
        if callback is None:
            return _error(400, "the application has no callback %r; it has: %s" % (name, ", ".join(by_name)))
    elif event is not None:
        candidates = [cb for cb in found if event in cb.events and not cb.primary]
        if not candidates:
            return _error(409, "no callback of this application receives %r events; its callbacks: %s"
                          % (event, ", ".join("%s (%s)" % (cb.name, "/".join(cb.events)) for cb in found)))
        callback = candidates[0]
    else:
        callback = next((cb for cb in found if not cb.primary), found[0])
    event = event or callback.event
    timeout = spec.get("timeout")
    if timeout is not None:
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not 0 < timeout <= MAX_TIMEOUT:
            return _error(400, "timeout must be a number of seconds between 0 and %d" % MAX_TIMEOUT)
        timeout = float(timeout)
    provider = sandbox.providers[provider_name]
    secret = spec["signing_secret"] if "signing_secret" in spec else provider.signing_secret(sandbox.credentials)
    context = {"application_id": app_id}
    context.update(provider.event_context(record, sandbox.credentials))

    attempts = deliver(provider_name, record, callback, event, secret, timeout, context)
    delivered = attempts[-1]["answer_ok"]
    if not delivered and spec.get("fallback", True) and callback.fallback in by_name:
        attempts += deliver(provider_name, record, by_name[callback.fallback], event, secret, timeout, context)
        delivered = attempts[-1]["answer_ok"]
    return jsonify({
        "provider": provider_name,
        "application_id": app_id,
        "event": event,
        "callback": callback.name,
        "delivered": delivered,
        "attempts": attempts,
    })


@blueprint.get("/<provider_name>/events")
def event_types(provider_name: str):
    """The event types the sandbox can fire for a provider."""
    if provider_name not in payloads.PROVIDERS:
        return _error(404, "unknown provider %r" % provider_name)
    return jsonify({"provider": provider_name, "events": list(payloads.event_types(provider_name))})
