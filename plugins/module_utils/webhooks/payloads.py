# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Provider-shaped callback events, and which callbacks an application has: the façade.

Standard library only. Used by the ``callback_check`` module (which sends synthetic events)
and the provider sandbox (which fires events the way the provider does), so both agree on
what each provider sends. Each provider's knowledge lives in ``_providers/<name>/events.py``
and ``signing.py``; these functions dispatch through the registry.

``callbacks(provider, application)``
    The callbacks an application has, read from the application dict the
    ``<provider>_application`` / ``_info`` modules return (their canonical form) or from
    the provider's own wire field names: a list of :class:`Callback`.

``build_event(provider, event, url, method, ...)``
    A :class:`PreparedEvent`: final URL (query string for GET), headers, raw body, the
    form parameters (for signing), in the provider's shape.

``sign_event(prepared, secret, ...)``
    The provider's signature headers added to a prepared event.

``check_answer(answer, status, content_type, body)``
    Whether an endpoint's answer is what the provider needs: TwiML, BXML, NCCO, Vobiz
    XML, or any 2xx.
"""

from __future__ import annotations

import time

from .. import _registry
from .answers import (
    ANSWER_ANY,
    ANSWER_BXML,
    ANSWER_DESCRIPTIONS,
    ANSWER_NCCO,
    ANSWER_TWIML,
    ANSWER_TWIML_OR_EMPTY,
    ANSWER_VOBIZ_XML,
    ANSWERS,
    MAX_ANSWER_BYTES,
    check_answer,
)
from .common import (
    FORM,
    FROM_NUMBER,
    JSON_TYPE,
    TO_NUMBER,
    Callback,
    PreparedEvent,
    first,
    normalise,
    prepare,
    snake,
    url_credentials,
    url_username,
    url_without_credentials,
)

PROVIDERS = _registry.NAMES


def callbacks(provider, application):
    """The callbacks ``application`` has, in a stable order (a list of :class:`Callback`).

    ``application`` is what a ``<provider>_application`` or ``_info`` module returns, or
    the provider's wire record (CamelCase names are read as snake_case).
    """
    entry = _registry.entry(provider)
    if not isinstance(application, dict):
        raise ValueError("the application must be a dict, got %s" % type(application).__name__)
    return entry.callbacks(normalise(application))


def application_id(provider, application):
    return first(normalise(application or {}), *_registry.entry(provider).id_keys)


def event_types(provider):
    """Every event type ``build_event`` knows for a provider."""
    return tuple(sorted(_registry.entry(provider).events))


def build_event(provider, event, url, method="POST", context=None, now=None):
    """The request ``provider`` sends to ``url`` for ``event``, without credentials or signature.

    ``url`` must be free of user info (see :func:`url_without_credentials`). ``context``
    may carry ``application_id``, ``account_sid`` (Twilio), ``account_id`` (Bandwidth).
    """
    entry = _registry.entry(provider)
    if event not in entry.events:
        raise ValueError("unknown %s event %r; known: %s" % (provider, event, ", ".join(sorted(entry.events))))
    kind, factory = entry.events[event]
    now = time.time() if now is None else now
    document = factory(dict(context or {}), now)
    return prepare(provider, event, kind, document, url, (method or "POST").upper(), entry.user_agent, entry.json_content_type)


def sign_event(prepared, secret, api_key=None, application_id=None, now=None):
    """Add the provider's signature headers to ``prepared`` (in place) and return it.

    Twilio: ``X-Twilio-Signature`` over the URL and the POST parameters (GET: the URL
    with its query). Vonage: ``Authorization: Bearer <JWT>`` with ``payload_hash``.
    Vobiz: V2 and V3 headers with a nonce (V3 over the URL with its query and, for
    POST, the form parameters, as Vobiz's SDK checks it). Bandwidth does not sign (it uses basic auth).
    """
    entry = _registry.entry(prepared.provider)
    if not secret or entry.sign is None:
        return prepared
    return entry.sign(prepared, secret, api_key=api_key, application_id=application_id, now=now)


# What callers import from here (the functions above and the names the provider and shared modules define).
__all__ = [
    "ANSWERS",
    "ANSWER_ANY",
    "ANSWER_BXML",
    "ANSWER_DESCRIPTIONS",
    "ANSWER_NCCO",
    "ANSWER_TWIML",
    "ANSWER_TWIML_OR_EMPTY",
    "ANSWER_VOBIZ_XML",
    "Callback",
    "FORM",
    "FROM_NUMBER",
    "JSON_TYPE",
    "MAX_ANSWER_BYTES",
    "PROVIDERS",
    "PreparedEvent",
    "TO_NUMBER",
    "application_id",
    "build_event",
    "callbacks",
    "check_answer",
    "event_types",
    "first",
    "normalise",
    "prepare",
    "sign_event",
    "snake",
    "url_credentials",
    "url_username",
    "url_without_credentials",
]
