# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""What every provider's callbacks and events are made of: standard library only.

:class:`Callback` (one configured callback of an application), :class:`PreparedEvent` (a
request ready to send), the field lookup helpers the providers' ``events.py`` read
applications with, URL helpers, and :func:`prepare` (a provider's event document as a form,
query or JSON request).
"""

from __future__ import annotations

import json
import re
import time
import uuid

from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

from .answers import ANSWER_ANY

# Demo phone numbers (the North American fictional range) and identifiers.
FROM_NUMBER = "+15555550100"
TO_NUMBER = "+15555550199"

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


def first(data, *names):
    """The first of ``names`` that ``data`` has a non-empty value for."""
    for name in names:
        value = data.get(name)
        if value not in (None, ""):
            return value
    return None


def username_of(creds):
    """The user of a credentials dict (``user_id``, ``username`` or ``user``)."""
    if isinstance(creds, dict):
        return first(creds, "user_id", "username", "user")
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


def creds_of(app, *names):
    """(key, dict) of the first credentials dict among ``names``, else (None, None)."""
    for name in names:
        value = app.get(name)
        if isinstance(value, dict):
            return name, value
    return None, None


def now_iso(now):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + ".000Z"


def hex_id(prefix, size=32):
    return prefix + uuid.uuid4().hex[:size]


def _with_query(url, params):
    parts = urlsplit(url)
    query = urlencode(sorted(params.items()))
    if parts.query:
        query = parts.query + "&" + query
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _flat(document):
    """A JSON object flattened to query parameters (Vonage answer and event by GET)."""
    return dict((key, value if isinstance(value, str) else json.dumps(value)) for key, value in document.items())


def prepare(provider, event, kind, document, url, method, user_agent, json_content_type=JSON_TYPE):
    """The request for an event ``document``: ``kind`` "form" (form body, or query for GET) or
    "json" (JSON body, or the flattened object as query for GET)."""
    headers = {"User-Agent": user_agent}
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
    headers["Content-Type"] = json_content_type
    body = json.dumps(document, separators=(",", ":")).encode("utf-8")
    return PreparedEvent(provider, event, method, url, headers, body, document=document)
