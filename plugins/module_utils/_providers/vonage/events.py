# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Vonage's callbacks (webhooks per capability, from the field tables) and the events it sends, standard library only."""

from __future__ import annotations

import uuid

from ...webhooks.common import FROM_NUMBER, TO_NUMBER, Callback, first, now_iso, url_username
from .fields import CALLBACKS, FALLBACK_OF

ID_KEYS = ("id", "application_id")
USER_AGENT = "Vonage/1.0"
# What the callback receiver answers an answer webhook with: a one-action NCCO.
NCCO_ANSWER = [{"action": "talk", "text": "Callback received."}]


def _webhook(webhooks, name):
    hook = webhooks.get(name) if isinstance(webhooks, dict) else None
    if isinstance(hook, str):
        return hook, None
    if isinstance(hook, dict):
        return first(hook, "address", "url"), first(hook, "http_method", "method")
    return None, None


def callbacks(app):
    """The callbacks of a normalised application, in the order of the field table (named ``capability.webhook``)."""
    found = []
    caps = app.get("capabilities") or {}
    for spec in CALLBACKS:
        section = caps.get(spec.capability)
        if not isinstance(section, dict):
            continue
        url, method = _webhook(section.get("webhooks") or {}, spec.webhook)
        if not url:
            continue
        fallback = FALLBACK_OF.get((spec.capability, spec.webhook))
        found.append(Callback(
            spec.capability + "." + spec.webhook, url, (method if spec.follows_http_method else None) or spec.default_method,
            event=spec.event, events=(spec.event,), answer=spec.answer, username=url_username(url),
            fallback=spec.capability + "." + fallback if fallback else None,
            signed=spec.always_signed or bool(section.get("signed_callbacks")),
            primary=spec.capability + "." + spec.primary if spec.primary else None))
    return found


def _answer(ctx, now):
    uid = str(uuid.uuid4())
    return {"to": TO_NUMBER.lstrip("+"), "from": FROM_NUMBER.lstrip("+"), "uuid": uid,
            "conversation_uuid": "CON-" + str(uuid.uuid4()), "region_url": "https://api-us-3.vonage.com"}


def _call_event(ctx, now):
    doc = _answer(ctx, now)
    doc.pop("region_url")
    doc.update({"status": "completed", "direction": "inbound", "timestamp": now_iso(now), "duration": "42",
                "start_time": now_iso(now), "end_time": now_iso(now), "rate": "0.0", "price": "0", "network": "US-FIXED"})
    return doc


def _message_inbound(ctx, now):
    return {"channel": "sms", "message_uuid": str(uuid.uuid4()), "to": TO_NUMBER.lstrip("+"), "from": FROM_NUMBER.lstrip("+"),
            "timestamp": now_iso(now), "text": "Hello from a callback check", "message_type": "text",
            "sms": {"num_messages": "1"}}


def _message_status(ctx, now):
    return {"channel": "sms", "message_uuid": str(uuid.uuid4()), "to": TO_NUMBER.lstrip("+"), "from": FROM_NUMBER.lstrip("+"),
            "timestamp": now_iso(now), "status": "delivered", "usage": {"currency": "EUR", "price": "0.0333"}}


def _rtc_event(ctx, now):
    return {"type": "member:joined", "conversation_id": "CON-" + str(uuid.uuid4()), "timestamp": now_iso(now),
            "body": {"user": {"name": "callback-check"}}}


def _verify_status(ctx, now):
    return {"request_id": str(uuid.uuid4()), "triggered_at": now_iso(now), "type": "summary", "channel_timeout": 300,
            "status": "completed", "workflow": [{"channel": "sms", "status": "completed"}]}


# event -> (kind, document factory)
EVENTS = {
    "answer": ("json", _answer),
    "call-event": ("json", _call_event),
    "message-inbound": ("json", _message_inbound),
    "message-status": ("json", _message_status),
    "rtc-event": ("json", _rtc_event),
    "verify-status": ("json", _verify_status),
}
