# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Vobiz's callbacks (from the field tables) and the events it sends, standard library only."""

from __future__ import annotations

import time
import uuid

from ...webhooks.common import FROM_NUMBER, TO_NUMBER, Callback, first, url_username
from .fields import CALLBACKS

ID_KEYS = ("app_id", "id")
USER_AGENT = "Vobiz"


def callbacks(app):
    """The callbacks of a normalised application: each primary URL, then its fallback."""
    table = {url: (method, event, answer, fallback) for url, method, event, answer, fallback in CALLBACKS}
    primaries = {fallback: url for url, (_m, _e, _a, fallback) in table.items() if fallback}
    order = []
    for url in table:
        if url not in primaries:
            order.append(url)
            if table[url][3]:
                order.append(table[url][3])
    found = []
    for name in order:
        method_key, event, answer, fallback = table[name]
        url = first(app, name)
        if url:
            found.append(Callback(name, url, first(app, method_key) or "POST", event=event, events=(event,), answer=answer,
                                  username=url_username(url), fallback=fallback, signed=True, primary=primaries.get(name)))
    return found


def _call(ctx, now, event):
    params = {
        "CallUUID": str(uuid.uuid4()),
        "From": FROM_NUMBER.lstrip("+"),
        "To": TO_NUMBER.lstrip("+"),
        "Direction": "inbound",
        "CallStatus": "in-progress" if event == "StartApp" else "completed",
        "Event": event,
        "CallerName": "callback-check",
    }
    if event == "Ring":
        params["CallStatus"] = "ringing"
    if event == "Hangup":
        params.update({"Duration": "42", "BillDuration": "60", "HangupCause": "NORMAL_CLEARING",
                       "StartTime": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now)),
                       "EndTime": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now))})
    return params


def _message(ctx, now):
    return {"From": FROM_NUMBER.lstrip("+"), "To": TO_NUMBER.lstrip("+"), "Text": "Hello from a callback check",
            "Type": "sms", "MessageUUID": str(uuid.uuid4()), "Units": "1"}


# provider -> event -> (kind, factory) where kind is "form", "json", or "json-query" (Vonage answer).

# event -> (kind, document factory)
EVENTS = {
    "StartApp": ("form", lambda ctx, now: _call(ctx, now, "StartApp")),
    "Ring": ("form", lambda ctx, now: _call(ctx, now, "Ring")),
    "Hangup": ("form", lambda ctx, now: _call(ctx, now, "Hangup")),
    "message": ("form", _message),
}
