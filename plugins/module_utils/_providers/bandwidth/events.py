# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Bandwidth's callbacks and the events it sends (messaging and voice), standard library only.

Bandwidth does not sign: it sends the application's callback credentials with basic auth,
so each callback names the key its credentials are kept under.
"""

from __future__ import annotations

import uuid

from ...webhooks.answers import ANSWER_ANY, ANSWER_BXML
from ...webhooks.common import FROM_NUMBER, TO_NUMBER, Callback, creds_of, first, now_iso, url_username, username_of

ID_KEYS = ("application_id", "id")
USER_AGENT = "BandwidthAPI/v2"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def callbacks(app):
    found = []
    service = str(first(app, "service_type") or "").lower()
    messaging = service.startswith("messaging") or (not service and first(app, "inbound_callback_url", "outbound_callback_url"))
    voice = service.startswith("voice") or (not service and first(app, "call_initiated_callback_url"))
    if messaging:
        for name, creds_names, events in (
            ("inbound_callback_url", ("inbound_callback_creds", "inbound_callback_credentials"),
             ("message-received", "message-delivered", "message-failed", "message-sending")),
            ("outbound_callback_url", ("outbound_callback_creds", "outbound_callback_credentials"),
             ("message-delivered", "message-failed", "message-sending")),
        ):
            url = first(app, name)
            if not url:
                continue
            key, creds = creds_of(app, *creds_names)
            found.append(Callback(name, url, "POST", event=events[0], events=events, answer=ANSWER_ANY,
                                  credentials_key=key or creds_names[0], username=username_of(creds) or url_username(url)))
    if voice:
        key, creds = creds_of(app, "callback_creds", "callback_credentials")
        key = key or "callback_creds"
        url = first(app, "call_initiated_callback_url")
        if url:
            found.append(Callback("call_initiated_callback_url", url, first(app, "call_initiated_method") or "POST",
                                  event="initiate", events=("initiate",), answer=ANSWER_BXML, credentials_key=key,
                                  username=username_of(creds) or url_username(url), fallback="call_initiated_fallback_url"))
        url = first(app, "call_status_callback_url")
        if url:
            found.append(Callback("call_status_callback_url", url, first(app, "call_status_method") or "POST",
                                  event="disconnect", events=("disconnect",), answer=ANSWER_ANY, credentials_key=key,
                                  username=username_of(creds) or url_username(url)))
        url = first(app, "call_initiated_fallback_url")
        if url:
            fkey, fcreds = creds_of(app, "call_initiated_fallback_creds", "call_initiated_fallback_credentials")
            found.append(Callback("call_initiated_fallback_url", url, first(app, "call_initiated_fallback_method") or "POST",
                                  event="initiate", events=("initiate",), answer=ANSWER_BXML,
                                  credentials_key=fkey or "call_initiated_fallback_creds",
                                  username=username_of(fcreds) or url_username(url), primary="call_initiated_callback_url"))
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
