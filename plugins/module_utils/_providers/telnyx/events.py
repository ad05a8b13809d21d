# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Telnyx callbacks and events (standard library only).

Internal use only: not a public API of this collection; may change without notice.

A Call Control Application has one webhook URL (``webhook_event_url``) that receives
every call event, and a failover URL (``webhook_event_failover_url``) that Telnyx
tries when the primary does not answer 2xx. Telnyx signs both (Ed25519, see
signing.py) and needs nothing but a 2xx back: commands go through the REST API.

Events have the API v2 shape the OpenAPI document gives (``CallInitiatedEvent`` ...):
``{"data": {"record_type": "event", "event_type", "id", "occurred_at", "payload"},
"meta": {"attempt", "delivered_to"}}``; ``payload.connection_id`` is the application's id.
"""

from __future__ import annotations

import time
import uuid

from ...webhooks.answers import ANSWER_ANY
from ...webhooks.common import FROM_NUMBER, TO_NUMBER, Callback, url_username
from . import fields

PRIMARY, FAILOVER = fields.URL_FIELDS
EVENT_TYPES = ("call.initiated", "call.answered", "call.hangup")
DEFAULT_EVENT = EVENT_TYPES[0]
ID_KEYS = ("id",)
USER_AGENT = "telnyx-webhooks"


def _application(application):
    """The application itself, also when given in Telnyx's ``{"data": ...}`` envelope."""
    return fields.unwrap(application) or application or {}


def callbacks(application):
    """The configured webhook URLs, read from the table of URL fields in fields.py."""
    app = _application(application)
    found = []
    for name in fields.URL_FIELDS:
        url = app.get(name)
        if not url:
            continue
        primary = name == PRIMARY
        found.append(Callback(
            name, url, "POST", event=DEFAULT_EVENT, events=EVENT_TYPES, answer=ANSWER_ANY, signed=True, username=url_username(url),
            fallback=FAILOVER if primary and app.get(FAILOVER) else None,
            primary=None if primary else PRIMARY))
    return found


def application_id(application):
    app = _application(application)
    for key in ID_KEYS:
        if app.get(key):
            return str(app[key])
    return None


def _iso(now):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + ".%06dZ" % int((now % 1) * 1000000)


def event_document(event, context, now):
    """The JSON document Telnyx POSTs for ``event`` (one of EVENT_TYPES)."""
    if event not in EVENT_TYPES:
        raise ValueError("unknown telnyx event %r; known: %s" % (event, ", ".join(EVENT_TYPES)))
    context = context or {}
    session = context.get("call_session_id") or str(uuid.uuid4())
    payload = {
        "call_control_id": "v3:" + uuid.uuid4().hex,
        "call_leg_id": context.get("call_leg_id") or str(uuid.uuid4()),
        "call_session_id": session,
        "client_state": None,
        "connection_id": str(context.get("application_id") or ""),
        "from": FROM_NUMBER,
        "to": TO_NUMBER,
    }
    if event == "call.initiated":
        payload.update(direction="incoming", state="parked", start_time=_iso(now))
    elif event == "call.answered":
        payload.update(state="answered", start_time=_iso(now))
    else:
        payload.update(state="hangup", start_time=_iso(now), end_time=_iso(now), hangup_cause="normal_clearing",
                       hangup_source="caller", sip_hangup_cause="200")
    return {
        "data": {"record_type": "event", "event_type": event, "id": str(uuid.uuid4()), "occurred_at": _iso(now), "payload": payload},
        "meta": {"attempt": 1},
    }


def _builder(event):
    return lambda context, now: event_document(event, context, now)


# event type -> (kind, document factory), as the registry entry wants them
EVENTS = dict((event, ("json", _builder(event))) for event in EVENT_TYPES)
