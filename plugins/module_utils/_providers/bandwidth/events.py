# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Bandwidth's callbacks (from the field tables) and the events it sends (messaging and voice), standard library only.

Bandwidth does not sign: it sends the application's callback credentials with basic auth,
so each callback names the key its credentials are kept under.
"""

from __future__ import annotations

import uuid

from ...webhooks.common import FROM_NUMBER, TO_NUMBER, Callback, creds_of, first, now_iso, url_username, username_of
from .fields import CALLBACKS, FALLBACK_OF, SERVICE_TYPES, credentials_names

ID_KEYS = ("application_id", "id")
USER_AGENT = "BandwidthAPI/v2"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def _services(app):
    """The service types whose callbacks ``app`` has: the one it names (``Voice-V2``, ``voice``...),
    or, when it names none, each whose marking URLs it has."""
    named = str(first(app, "service_type") or "").lower()
    found = set()
    for service in SERVICE_TYPES:
        if named:
            mine = named.startswith(service.partition("-")[0].lower())
        else:
            mine = first(app, *(callback.url for callback in CALLBACKS if callback.service == service and callback.shows_service))
        if mine:
            found.add(service)
    return found


def callbacks(app):
    """The callbacks of a normalised application, in the order of the field table."""
    services = _services(app)
    found = []
    for callback in CALLBACKS:
        url = first(app, callback.url)
        if callback.service not in services or not url:
            continue
        method = (first(app, callback.method) if callback.method else None) or "POST"
        key, creds = creds_of(app, *credentials_names(callback.creds))
        found.append(Callback(callback.url, url, method, event=callback.events[0], events=callback.events, answer=callback.answer,
                              credentials_key=key or callback.creds, username=username_of(creds) or url_username(url),
                              fallback=FALLBACK_OF.get(callback.url), primary=callback.primary))
    return found


def _message(ctx, now, kind):
    message = {
        "id": uuid.uuid4().hex[:29],
        "owner": TO_NUMBER if kind == "message-received" else FROM_NUMBER,
        "applicationId": ctx.get("application_id") or "",
        "time": now_iso(now),
        "segmentCount": 1,
        "direction": "in" if kind == "message-received" else "out",
        "to": [TO_NUMBER],
        "from": FROM_NUMBER,
        "text": "Hello from a callback check" if kind == "message-received" else "",
    }
    event = {"type": kind, "time": now_iso(now), "to": TO_NUMBER, "message": message}
    event["description"] = {
        "message-received": "Incoming message received",
        "message-delivered": "ok",
        "message-failed": "forbidden to country",
        "message-sending": "Message is sending to carrier",
    }[kind]
    if kind == "message-failed":
        event["errorCode"] = 4432
    if kind == "message-sending":
        message["tag"] = "callback-check"
        message["media"] = []
    return [event]


def _call(ctx, now, event_type):
    call_id = "c-" + uuid.uuid4().hex
    account = ctx.get("account_id") or "9900000"
    event = {
        "eventType": event_type,
        "eventTime": now_iso(now),
        "accountId": account,
        "applicationId": ctx.get("application_id") or "",
        "from": FROM_NUMBER,
        "to": TO_NUMBER,
        "direction": "inbound",
        "callId": call_id,
        "callUrl": "https://voice.bandwidth.com/api/v2/accounts/%s/calls/%s" % (account, call_id),
        "startTime": now_iso(now),
    }
    if event_type == "disconnect":
        event.update({"endTime": now_iso(now), "cause": "hangup"})
    return event


# event -> (kind, document factory)
EVENTS = {
    "message-received": ("json", lambda ctx, now: _message(ctx, now, "message-received")),
    "message-delivered": ("json", lambda ctx, now: _message(ctx, now, "message-delivered")),
    "message-failed": ("json", lambda ctx, now: _message(ctx, now, "message-failed")),
    "message-sending": ("json", lambda ctx, now: _message(ctx, now, "message-sending")),
    "initiate": ("json", lambda ctx, now: _call(ctx, now, "initiate")),
    "disconnect": ("json", lambda ctx, now: _call(ctx, now, "disconnect")),
}
