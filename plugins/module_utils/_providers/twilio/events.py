# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Twilio's callbacks (from the field tables) and the events it sends, standard library only."""

from __future__ import annotations

import time

from ...webhooks.common import FROM_NUMBER, TO_NUMBER, Callback, first, hex_id, url_username
from .fields import CALLBACKS, fallback_of

ID_KEYS = ("sid",)
USER_AGENT = "TwilioProxy/1.1"


def callbacks(app):
    """The callbacks of a normalised application, in the order of the field table."""
    primaries = {fallback_of(url): url for url, _key, _method, _method_key, _event, _answer in CALLBACKS if fallback_of(url)}
    found = []
    for url_option, _url_key, method_option, _method_key, event, answer in CALLBACKS:
        url = first(app, url_option)
        if not url:
            continue
        method = (first(app, method_option) if method_option else None) or "POST"
        found.append(Callback(url_option, url, method, event=event, events=(event,), answer=answer, username=url_username(url),
                              fallback=fallback_of(url_option), signed=True, primary=primaries.get(url_option)))
    return found


def _account(ctx):
    return ctx.get("account_sid") or "AC" + "0" * 32


def _incoming_call(ctx, now):
    params = {
        "AccountSid": _account(ctx),
        "ApiVersion": "2010-04-01",
        "CallSid": hex_id("CA"),
        "CallStatus": "ringing",
        "Called": TO_NUMBER,
        "Caller": FROM_NUMBER,
        "Direction": "inbound",
        "From": FROM_NUMBER,
        "To": TO_NUMBER,
    }
    if ctx.get("application_id"):
        params["ApplicationSid"] = ctx["application_id"]
    return params


def _call_status(ctx, now):
    params = _incoming_call(ctx, now)
    params.update({"CallStatus": "completed", "CallDuration": "42", "Duration": "1",
                   "Timestamp": time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(now)),
                   "CallbackSource": "call-progress-events", "SequenceNumber": "0"})
    return params


def _incoming_message(ctx, now):
    sid = hex_id("SM")
    return {
        "AccountSid": _account(ctx),
        "ApiVersion": "2010-04-01",
        "Body": "Hello from a callback check",
        "From": FROM_NUMBER,
        "MessageSid": sid,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsMessageSid": sid,
        "SmsSid": sid,
        "SmsStatus": "received",
        "To": TO_NUMBER,
    }


def _message_status(ctx, now):
    sid = hex_id("SM")
    return {
        "AccountSid": _account(ctx),
        "ApiVersion": "2010-04-01",
        "From": FROM_NUMBER,
        "MessageSid": sid,
        "MessageStatus": "delivered",
        "SmsSid": sid,
        "SmsStatus": "delivered",
        "To": TO_NUMBER,
    }


# event -> (kind, document factory): "form" events are form-encoded (a query for GET).
EVENTS = {
    "incoming-call": ("form", _incoming_call),
    "call-status": ("form", _call_status),
    "incoming-message": ("form", _incoming_message),
    "message-status": ("form", _message_status),
}
