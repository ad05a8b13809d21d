# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Provider-shaped callback events, and which callbacks an application has.

Standard library only. Written once and used by the ``callback_check`` module (which
sends synthetic events) and the provider sandbox (which fires events the way the
provider does), so both agree on what each provider sends.

Three things live here:

``callbacks(provider, application)``
    The callbacks an application has, read from the application dict the
    ``<provider>_application`` / ``_info`` modules return (their canonical form) or from
    the provider's own wire field names: a list of :class:`Callback` with the callback's
    name, URL, method, the event it receives, the answer the provider needs, the
    credentials user (when the provider keeps one) and its fallback.

``build_event(provider, event, url, method, ...)``
    A :class:`PreparedEvent`: final URL (query string for GET), headers, raw body, the
    form parameters (for signing), in the provider's shape.

``check_answer(answer, status, content_type, body)``
    Whether an endpoint's answer is what the provider needs: TwiML, BXML, NCCO, Vobiz
    XML, or any 2xx.
"""

from __future__ import annotations

import json
import re
import time
import uuid
import xml.etree.ElementTree as ET  # noqa: S405 - parses bounded answers of endpoints under test, no entities resolved

from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

from . import signatures

PROVIDERS = ("twilio", "bandwidth", "vonage", "vobiz")

# What an endpoint must answer.
ANSWER_TWIML = "twiml"                  # voice: TwiML <Response>
ANSWER_TWIML_OR_EMPTY = "twiml_or_empty"  # messaging: TwiML or an empty 2xx
ANSWER_BXML = "bxml"                    # Bandwidth voice: BXML <Response> (or <Bxml>)
ANSWER_NCCO = "ncco"                    # Vonage voice: a JSON array of actions
ANSWER_VOBIZ_XML = "vobiz_xml"          # Vobiz: XML <Response>
ANSWER_ANY = "any_2xx"                  # status events: any 2xx
ANSWERS = (ANSWER_TWIML, ANSWER_TWIML_OR_EMPTY, ANSWER_BXML, ANSWER_NCCO, ANSWER_VOBIZ_XML, ANSWER_ANY)

ANSWER_DESCRIPTIONS = {
    ANSWER_TWIML: "2xx with a TwiML <Response> document",
    ANSWER_TWIML_OR_EMPTY: "2xx with an empty body or a TwiML <Response> document",
    ANSWER_BXML: "2xx with a BXML <Response> document",
    ANSWER_NCCO: "2xx with an NCCO (a JSON array of actions)",
    ANSWER_VOBIZ_XML: "2xx with a Vobiz XML <Response> document",
    ANSWER_ANY: "any 2xx",
}

# Demo phone numbers (the North American fictional range) and identifiers.
FROM_NUMBER = "+15555550100"
TO_NUMBER = "+15555550199"
MAX_ANSWER_BYTES = 256 * 1024

FORM = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"


class Callback(object):
    """One configured callback of an application."""

    __slots__ = ("name", "url", "method", "event", "events", "answer", "credentials_key", "username", "fallback", "signed", "primary")

    def __init__(self, name, url, method="POST", event=None, events=None, answer=ANSWER_ANY,
                 credentials_key=None, username=None, fallback=None, signed=False, primary=None):
        self.name = name
        self.url = url
        self.method = (method or "POST").upper()
        self.event = event
        self.events = tuple(events or ((event,) if event else ()))
        self.answer = answer
        # The key under which the provider keeps this callback's basic-auth credentials
        # (Bandwidth), so that callbacks sharing credentials share them in a check too.
        self.credentials_key = credentials_key
        self.username = username
        self.fallback = fallback        # name of this callback's fallback callback
        self.signed = signed            # whether the provider signs requests to it
        self.primary = primary          # for a fallback: the callback it backs up

    def as_dict(self):
        return dict((name, getattr(self, name)) for name in self.__slots__)

    def __repr__(self):
        return "Callback(%r, %r)" % (self.name, self.method)


class PreparedEvent(object):
    """A request ready to send: ``url`` already carries the query for GET."""

    __slots__ = ("provider", "event", "method", "url", "headers", "body", "params", "document")

    def __init__(self, provider, event, method, url, headers, body=b"", params=None, document=None):
        self.provider = provider
        self.event = event
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.params = params            # form or query parameters (what Twilio signs)
        self.document = document        # the JSON document of a JSON event

    def summary(self):
        """What is sent, for check mode and reports (no credentials, body shortened)."""
        body = self.body.decode("utf-8", "replace") if isinstance(self.body, bytes) else (self.body or "")
        return {
            "event": self.event,
            "method": self.method,
            "content_type": self.headers.get("Content-Type"),
            "body": body if len(body) <= 600 else body[:600] + "...",
        }


# ---------------------------------------------------------------- field lookup


_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake(name):
    """``InboundCallbackUrl`` -> ``inbound_callback_url``; snake_case stays as it is."""
    return _CAMEL.sub(r"_\1", name).lower()


def normalise(value):
    """A deep copy with every dict key in snake_case (wire names and canonical names alike)."""
    if isinstance(value, dict):
        return dict((snake(str(key)), normalise(item)) for key, item in value.items())
    if isinstance(value, list):
        return [normalise(item) for item in value]
    return value


def _first(data, *names):
    for name in names:
        value = data.get(name)
        if value not in (None, ""):
            return value
    return None


def _username_of(creds):
    if isinstance(creds, dict):
        return _first(creds, "user_id", "username", "user")
    return None


def url_username(url):
    """The user of ``https://user:pass@host/...``, else None."""
    try:
        return urlsplit(url).username
    except ValueError:
        return None


def url_without_credentials(url):
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, parts.query, parts.fragment))


def url_credentials(url):
    """(user, password) in the URL, percent-decoded as the URL means them (and as requests
    sends them); password None when absent; None without user info."""
    parts = urlsplit(url)
    if parts.username is None:
        return None
    return unquote(parts.username), unquote(parts.password) if parts.password is not None else None


# ---------------------------------------------------------------- callbacks of an application


def _twilio_callbacks(app):
    found = []

    def add(name, method_key, event, answer, fallback=None, primary=None, fixed_method=None):
        url = _first(app, name)
        if not url:
            return
        method = fixed_method or _first(app, method_key) or "POST"
        found.append(Callback(name, url, method, event=event, events=TWILIO_EVENTS_BY_CALLBACK[name], answer=answer,
                              username=url_username(url), fallback=fallback, signed=True, primary=primary))

    add("voice_url", "voice_method", "incoming-call", ANSWER_TWIML, fallback="voice_fallback_url")
    add("voice_fallback_url", "voice_fallback_method", "incoming-call", ANSWER_TWIML, primary="voice_url")
    add("status_callback", "status_callback_method", "call-status", ANSWER_ANY)
    add("sms_url", "sms_method", "incoming-message", ANSWER_TWIML_OR_EMPTY, fallback="sms_fallback_url")
    add("sms_fallback_url", "sms_fallback_method", "incoming-message", ANSWER_TWIML_OR_EMPTY, primary="sms_url")
    add("sms_status_callback", None, "message-status", ANSWER_ANY, fixed_method="POST")
    add("message_status_callback", None, "message-status", ANSWER_ANY, fixed_method="POST")
    return found


TWILIO_EVENTS_BY_CALLBACK = {
    "voice_url": ("incoming-call",),
    "voice_fallback_url": ("incoming-call",),
    "status_callback": ("call-status",),
    "sms_url": ("incoming-message",),
    "sms_fallback_url": ("incoming-message",),
    "sms_status_callback": ("message-status",),
    "message_status_callback": ("message-status",),
}


def _creds(app, *names):
    for name in names:
        value = app.get(name)
        if isinstance(value, dict):
            return name, value
    return None, None


def _bandwidth_callbacks(app):
    found = []
    service = str(_first(app, "service_type") or "").lower()
    messaging = service.startswith("messaging") or (not service and _first(app, "inbound_callback_url", "outbound_callback_url"))
    voice = service.startswith("voice") or (not service and _first(app, "call_initiated_callback_url"))
    if messaging:
        for name, creds_names, events in (
            ("inbound_callback_url", ("inbound_callback_creds", "inbound_callback_credentials"),
             ("message-received", "message-delivered", "message-failed", "message-sending")),
            ("outbound_callback_url", ("outbound_callback_creds", "outbound_callback_credentials"),
             ("message-delivered", "message-failed", "message-sending")),
        ):
            url = _first(app, name)
            if not url:
                continue
            key, creds = _creds(app, *creds_names)
            found.append(Callback(name, url, "POST", event=events[0], events=events, answer=ANSWER_ANY,
                                  credentials_key=key or creds_names[0], username=_username_of(creds) or url_username(url)))
    if voice:
        key, creds = _creds(app, "callback_creds", "callback_credentials")
        key = key or "callback_creds"
        url = _first(app, "call_initiated_callback_url")
        if url:
            found.append(Callback("call_initiated_callback_url", url, _first(app, "call_initiated_method") or "POST",
                                  event="initiate", events=("initiate",), answer=ANSWER_BXML, credentials_key=key,
                                  username=_username_of(creds) or url_username(url), fallback="call_initiated_fallback_url"))
        url = _first(app, "call_status_callback_url")
        if url:
            found.append(Callback("call_status_callback_url", url, _first(app, "call_status_method") or "POST",
                                  event="disconnect", events=("disconnect",), answer=ANSWER_ANY, credentials_key=key,
                                  username=_username_of(creds) or url_username(url)))
        url = _first(app, "call_initiated_fallback_url")
        if url:
            fkey, fcreds = _creds(app, "call_initiated_fallback_creds", "call_initiated_fallback_credentials")
            found.append(Callback("call_initiated_fallback_url", url, _first(app, "call_initiated_fallback_method") or "POST",
                                  event="initiate", events=("initiate",), answer=ANSWER_BXML,
                                  credentials_key=fkey or "call_initiated_fallback_creds",
                                  username=_username_of(fcreds) or url_username(url), primary="call_initiated_callback_url"))
    return found


def _vonage_webhook(webhooks, name):
    hook = webhooks.get(name) if isinstance(webhooks, dict) else None
    if isinstance(hook, str):
        return hook, None
    if isinstance(hook, dict):
        return _first(hook, "address", "url"), _first(hook, "http_method", "method")
    return None, None


def _vonage_callbacks(app):
    found = []
    caps = app.get("capabilities") or {}
    voice = caps.get("voice") if isinstance(caps.get("voice"), dict) else None
    if voice is not None:
        hooks = voice.get("webhooks") or {}
        signed = bool(voice.get("signed_callbacks"))
        for hook, event, answer, fallback, primary in (
            ("answer_url", "answer", ANSWER_NCCO, "voice.fallback_answer_url", None),
            ("fallback_answer_url", "answer", ANSWER_NCCO, None, "voice.answer_url"),
            ("event_url", "call-event", ANSWER_ANY, None, None),
        ):
            url, method = _vonage_webhook(hooks, hook)
            if url:
                default = "GET" if hook != "event_url" else "POST"
                found.append(Callback("voice." + hook, url, method or default, event=event, events=(event,), answer=answer,
                                      username=url_username(url), fallback=fallback, signed=signed, primary=primary))
    messages = caps.get("messages") if isinstance(caps.get("messages"), dict) else None
    if messages is not None:
        hooks = messages.get("webhooks") or {}
        for hook, event in (("inbound_url", "message-inbound"), ("status_url", "message-status")):
            url, _method = _vonage_webhook(hooks, hook)
            if url:
                # Messages API webhooks are POST only and always signed.
                found.append(Callback("messages." + hook, url, "POST", event=event, events=(event,), answer=ANSWER_ANY,
                                      username=url_username(url), signed=True))
    for cap, hook, event in (("rtc", "event_url", "rtc-event"), ("verify", "status_url", "verify-status")):
        section = caps.get(cap) if isinstance(caps.get(cap), dict) else None
        if section is None:
            continue
        url, method = _vonage_webhook(section.get("webhooks") or {}, hook)
        if url:
            found.append(Callback(cap + "." + hook, url, method or "POST", event=event, events=(event,), answer=ANSWER_ANY,
                                  username=url_username(url), signed=bool(section.get("signed_callbacks"))))
    return found


def _vobiz_callbacks(app):
    found = []
    for name, method_key, event, answer, fallback, primary in (
        ("answer_url", "answer_method", "StartApp", ANSWER_VOBIZ_XML, "fallback_answer_url", None),
        ("fallback_answer_url", "fallback_method", "StartApp", ANSWER_VOBIZ_XML, None, "answer_url"),
        ("hangup_url", "hangup_method", "Hangup", ANSWER_ANY, None, None),
        ("message_url", "message_method", "message", ANSWER_ANY, None, None),
    ):
        url = _first(app, name)
        if url:
            found.append(Callback(name, url, _first(app, method_key) or "POST", event=event, events=(event,), answer=answer,
                                  username=url_username(url), fallback=fallback, signed=True, primary=primary))
    return found


_EXTRACTORS = {
    "twilio": _twilio_callbacks,
    "bandwidth": _bandwidth_callbacks,
    "vonage": _vonage_callbacks,
    "vobiz": _vobiz_callbacks,
}


def callbacks(provider, application):
    """The callbacks ``application`` has, in a stable order (a list of :class:`Callback`).

    ``application`` is what a ``<provider>_application`` or ``_info`` module returns, or
    the provider's wire record (CamelCase names are read as snake_case).
    """
    if provider not in _EXTRACTORS:
        raise ValueError("unknown provider %r; known: %s" % (provider, ", ".join(PROVIDERS)))
    if not isinstance(application, dict):
        raise ValueError("the application must be a dict, got %s" % type(application).__name__)
    return _EXTRACTORS[provider](normalise(application))


def application_id(provider, application):
    app = normalise(application or {})
    names = {
        "twilio": ("sid",),
        "bandwidth": ("application_id", "id"),
        "vonage": ("id", "application_id"),
        "vobiz": ("app_id", "id"),
    }[provider]
    return _first(app, *names)


def event_types(provider):
    """Every event type ``build_event`` knows for a provider."""
    return tuple(sorted(_BUILDERS[provider]))


# ---------------------------------------------------------------- event payloads


def _now_iso(now):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + ".000Z"


def _hex_id(prefix, size=32):
    return prefix + uuid.uuid4().hex[:size]


def _twilio_account(ctx):
    return ctx.get("account_sid") or "AC" + "0" * 32


def _twilio_incoming_call(ctx, now):
    params = {
        "AccountSid": _twilio_account(ctx),
        "ApiVersion": "2010-04-01",
        "CallSid": _hex_id("CA"),
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


def _twilio_call_status(ctx, now):
    params = _twilio_incoming_call(ctx, now)
    params.update({"CallStatus": "completed", "CallDuration": "42", "Duration": "1",
                   "Timestamp": time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(now)),
                   "CallbackSource": "call-progress-events", "SequenceNumber": "0"})
    return params


def _twilio_incoming_message(ctx, now):
    sid = _hex_id("SM")
    return {
        "AccountSid": _twilio_account(ctx),
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


def _twilio_message_status(ctx, now):
    sid = _hex_id("SM")
    return {
        "AccountSid": _twilio_account(ctx),
        "ApiVersion": "2010-04-01",
        "From": FROM_NUMBER,
        "MessageSid": sid,
        "MessageStatus": "delivered",
        "SmsSid": sid,
        "SmsStatus": "delivered",
        "To": TO_NUMBER,
    }


def _bandwidth_message(ctx, now, kind):
    message = {
        "id": uuid.uuid4().hex[:29],
        "owner": TO_NUMBER if kind == "message-received" else FROM_NUMBER,
        "applicationId": ctx.get("application_id") or "",
        "time": _now_iso(now),
        "segmentCount": 1,
        "direction": "in" if kind == "message-received" else "out",
        "to": [TO_NUMBER],
        "from": FROM_NUMBER,
        "text": "Hello from a callback check" if kind == "message-received" else "",
    }
    event = {"type": kind, "time": _now_iso(now), "to": TO_NUMBER, "message": message}
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


def _bandwidth_call(ctx, now, event_type):
    call_id = "c-" + uuid.uuid4().hex
    account = ctx.get("account_id") or "9900000"
    event = {
        "eventType": event_type,
        "eventTime": _now_iso(now),
        "accountId": account,
        "applicationId": ctx.get("application_id") or "",
        "from": FROM_NUMBER,
        "to": TO_NUMBER,
        "direction": "inbound",
        "callId": call_id,
        "callUrl": "https://voice.bandwidth.com/api/v2/accounts/%s/calls/%s" % (account, call_id),
        "startTime": _now_iso(now),
    }
    if event_type == "disconnect":
        event.update({"endTime": _now_iso(now), "cause": "hangup"})
    return event


def _vonage_answer(ctx, now):
    uid = str(uuid.uuid4())
    return {"to": TO_NUMBER.lstrip("+"), "from": FROM_NUMBER.lstrip("+"), "uuid": uid,
            "conversation_uuid": "CON-" + str(uuid.uuid4()), "region_url": "https://api-us-3.vonage.com"}


def _vonage_call_event(ctx, now):
    doc = _vonage_answer(ctx, now)
    doc.pop("region_url")
    doc.update({"status": "completed", "direction": "inbound", "timestamp": _now_iso(now), "duration": "42",
                "start_time": _now_iso(now), "end_time": _now_iso(now), "rate": "0.0", "price": "0", "network": "US-FIXED"})
    return doc


def _vonage_message_inbound(ctx, now):
    return {"channel": "sms", "message_uuid": str(uuid.uuid4()), "to": TO_NUMBER.lstrip("+"), "from": FROM_NUMBER.lstrip("+"),
            "timestamp": _now_iso(now), "text": "Hello from a callback check", "message_type": "text",
            "sms": {"num_messages": "1"}}


def _vonage_message_status(ctx, now):
    return {"channel": "sms", "message_uuid": str(uuid.uuid4()), "to": TO_NUMBER.lstrip("+"), "from": FROM_NUMBER.lstrip("+"),
            "timestamp": _now_iso(now), "status": "delivered", "usage": {"currency": "EUR", "price": "0.0333"}}


def _vonage_rtc_event(ctx, now):
    return {"type": "member:joined", "conversation_id": "CON-" + str(uuid.uuid4()), "timestamp": _now_iso(now),
            "body": {"user": {"name": "callback-check"}}}


def _vonage_verify_status(ctx, now):
    return {"request_id": str(uuid.uuid4()), "triggered_at": _now_iso(now), "type": "summary", "channel_timeout": 300,
            "status": "completed", "workflow": [{"channel": "sms", "status": "completed"}]}


def _vobiz_call(ctx, now, event):
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


def _vobiz_message(ctx, now):
    return {"From": FROM_NUMBER.lstrip("+"), "To": TO_NUMBER.lstrip("+"), "Text": "Hello from a callback check",
            "Type": "sms", "MessageUUID": str(uuid.uuid4()), "Units": "1"}


# provider -> event -> (kind, factory) where kind is "form", "json", or "json-query" (Vonage answer).
_BUILDERS = {
    "twilio": {
        "incoming-call": ("form", _twilio_incoming_call),
        "call-status": ("form", _twilio_call_status),
        "incoming-message": ("form", _twilio_incoming_message),
        "message-status": ("form", _twilio_message_status),
    },
    "bandwidth": {
        "message-received": ("json", lambda ctx, now: _bandwidth_message(ctx, now, "message-received")),
        "message-delivered": ("json", lambda ctx, now: _bandwidth_message(ctx, now, "message-delivered")),
        "message-failed": ("json", lambda ctx, now: _bandwidth_message(ctx, now, "message-failed")),
        "message-sending": ("json", lambda ctx, now: _bandwidth_message(ctx, now, "message-sending")),
        "initiate": ("json", lambda ctx, now: _bandwidth_call(ctx, now, "initiate")),
        "disconnect": ("json", lambda ctx, now: _bandwidth_call(ctx, now, "disconnect")),
    },
    "vonage": {
        "answer": ("json", _vonage_answer),
        "call-event": ("json", _vonage_call_event),
        "message-inbound": ("json", _vonage_message_inbound),
        "message-status": ("json", _vonage_message_status),
        "rtc-event": ("json", _vonage_rtc_event),
        "verify-status": ("json", _vonage_verify_status),
    },
    "vobiz": {
        "StartApp": ("form", lambda ctx, now: _vobiz_call(ctx, now, "StartApp")),
        "Ring": ("form", lambda ctx, now: _vobiz_call(ctx, now, "Ring")),
        "Hangup": ("form", lambda ctx, now: _vobiz_call(ctx, now, "Hangup")),
        "message": ("form", _vobiz_message),
    },
}

_USER_AGENTS = {
    "twilio": "TwilioProxy/1.1",
    "bandwidth": "BandwidthAPI/v2",
    "vonage": "Vonage/1.0",
    "vobiz": "Vobiz",
}


def _with_query(url, params):
    parts = urlsplit(url)
    query = urlencode(sorted(params.items()))
    if parts.query:
        query = parts.query + "&" + query
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _flat(document):
    """A JSON object flattened to query parameters (Vonage answer and event by GET)."""
    return dict((key, value if isinstance(value, str) else json.dumps(value)) for key, value in document.items())


def build_event(provider, event, url, method="POST", context=None, now=None):
    """The request ``provider`` sends to ``url`` for ``event``, without credentials or signature.

    ``url`` must be free of user info (see :func:`url_without_credentials`). ``context``
    may carry ``application_id``, ``account_sid`` (Twilio), ``account_id`` (Bandwidth).
    """
    builders = _BUILDERS.get(provider)
    if builders is None:
        raise ValueError("unknown provider %r; known: %s" % (provider, ", ".join(PROVIDERS)))
    if event not in builders:
        raise ValueError("unknown %s event %r; known: %s" % (provider, event, ", ".join(sorted(builders))))
    method = (method or "POST").upper()
    kind, factory = builders[event]
    now = time.time() if now is None else now
    document = factory(dict(context or {}), now)
    headers = {"User-Agent": _USER_AGENTS[provider]}
    if kind == "form":
        params = dict(document)
        if method == "GET":
            return PreparedEvent(provider, event, method, _with_query(url, params), headers, b"", params=params)
        headers["Content-Type"] = FORM
        return PreparedEvent(provider, event, method, url, headers, urlencode(sorted(params.items())).encode("utf-8"), params=params)
    if method == "GET":
        if isinstance(document, list):
            raise ValueError("%s %s events are JSON arrays and cannot be sent with GET" % (provider, event))
        params = _flat(document)
        return PreparedEvent(provider, event, method, _with_query(url, params), headers, b"", params=params, document=document)
    headers["Content-Type"] = JSON_TYPE + ("; charset=utf-8" if provider == "bandwidth" else "")
    body = json.dumps(document, separators=(",", ":")).encode("utf-8")
    return PreparedEvent(provider, event, method, url, headers, body, document=document)


def sign_event(prepared, secret, api_key=None, application_id=None, now=None):
    """Add the provider's signature headers to ``prepared`` (in place) and return it.

    Twilio: ``X-Twilio-Signature`` over the URL and the POST parameters (GET: the URL
    with its query). Vonage: ``Authorization: Bearer <JWT>`` with ``payload_hash``.
    Vobiz: V2 and V3 headers with a nonce (V3 over the URL with its query and, for
    POST, the form parameters, as Vobiz's SDK checks it). Bandwidth does not sign (it uses basic auth).
    """
    if not secret:
        return prepared
    if prepared.provider == "twilio":
        params = prepared.params if prepared.method == "POST" else None
        prepared.headers[signatures.TWILIO_SIGNATURE_HEADER] = signatures.twilio_signature(secret, prepared.url, params)
    elif prepared.provider == "vonage":
        claims = signatures.vonage_signed_claims(prepared.body, api_key=api_key or "", application_id=application_id, now=now)
        prepared.headers["Authorization"] = "Bearer " + signatures.vonage_jwt_sign(secret, claims)
    elif prepared.provider == "vobiz":
        params = prepared.params if prepared.method != "GET" and prepared.body else None
        prepared.headers.update(signatures.vobiz_sign_headers(secret, prepared.url, method=prepared.method, params=params))
    return prepared


# ---------------------------------------------------------------- answers


def _xml_root(body):
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        return None, "the answer declares a DOCTYPE or entities, which providers refuse"
    try:
        root = ET.fromstring(text.strip())  # noqa: S314 - DOCTYPE and entities refused above
    except ET.ParseError as exc:
        return None, "the answer is not well-formed XML (%s)" % exc
    return root, None


def check_answer(answer, status, content_type, body):
    """(ok, reason) for an endpoint's answer to an event that needs ``answer``."""
    if status is None or not 200 <= status < 300:
        return False, "HTTP %s, expected %s" % (status, ANSWER_DESCRIPTIONS.get(answer, "a 2xx"))
    if answer == ANSWER_ANY:
        return True, "HTTP %s" % status
    body = body or b""
    if len(body) > MAX_ANSWER_BYTES:
        return False, "the answer is larger than %d bytes" % MAX_ANSWER_BYTES
    text = body.decode("utf-8", "replace").strip() if isinstance(body, bytes) else body.strip()
    if answer == ANSWER_TWIML_OR_EMPTY and not text:
        return True, "HTTP %s with an empty body" % status
    if answer == ANSWER_NCCO:
        try:
            ncco = json.loads(text)
        except ValueError:
            return False, "the answer is not JSON, expected an NCCO (a JSON array of actions)"
        if not isinstance(ncco, list) or not ncco or not all(isinstance(item, dict) and item.get("action") for item in ncco):
            return False, "the answer is JSON but not an NCCO (a non-empty array of objects with an action)"
        return True, "HTTP %s with an NCCO of %d action(s)" % (status, len(ncco))
    if not text:
        return False, "the answer is empty, expected %s" % ANSWER_DESCRIPTIONS[answer]
    root, problem = _xml_root(text)
    if root is None:
        return False, problem
    roots = ("Response", "Bxml") if answer == ANSWER_BXML else ("Response",)
    if root.tag not in roots:
        return False, "the XML root is <%s>, expected <%s>" % (root.tag, "> or <".join(roots))
    del content_type  # providers read the body whatever the declared type
    return True, "HTTP %s with an XML <%s> document" % (status, root.tag)
