# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Bandwidth's option <-> XML element tables, standard library only.

The adapter (argument spec and XML codec) and ``events.py`` (which callbacks an application has)
both read :data:`CALLBACKS`, so each callback is written once.
"""

from __future__ import annotations

from collections import namedtuple

from ...webhooks.answers import ANSWER_ANY, ANSWER_BXML

MESSAGING = "Messaging-V2"
VOICE = "Voice-V2"
SERVICE_TYPES = (MESSAGING, VOICE)
METHODS = ("GET", "POST")
CALLBACK_TYPES = ("message-delivered", "message-sending", "message-failed")
UPDATE_PASSWORD = ("on_create", "always")
XML_CONTENT_TYPE = "application/xml; charset=utf-8"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

# One callback of an application:
# url, url_element          its URL option and XML element;
# method, method_element    its method option and element, or None (Bandwidth always POSTs);
# creds, creds_element      the option and element of the basic-auth credentials Bandwidth sends to it;
# service                   the service type it belongs to;
# events                    the events Bandwidth sends to it (a check sends the first);
# answer                    what its endpoint must answer;
# primary                   for a fallback: the URL option it backs up, else None;
# required                  the URL its service cannot do without (on create and in every full update);
# shows_service             whether its URL alone marks an application that names no service type as of its service.
CallbackSpec = namedtuple("CallbackSpec", "url url_element method method_element creds creds_element service events answer "
                                          "primary required shows_service")

_MESSAGE_STATUSES = ("message-delivered", "message-failed", "message-sending")
# The voice callbacks except the fallback share one set of credentials.
_VOICE_CREDS = ("callback_creds", "CallbackCreds")

# Every callback, messaging then voice, in the order of Bandwidth's documents.
CALLBACKS = (
    CallbackSpec("inbound_callback_url", "InboundCallbackUrl", None, None, "inbound_callback_creds", "InboundCallbackCreds",
                 MESSAGING, ("message-received",) + _MESSAGE_STATUSES, ANSWER_ANY, primary=None, required=True, shows_service=True),
    CallbackSpec("outbound_callback_url", "OutboundCallbackUrl", None, None, "outbound_callback_creds", "OutboundCallbackCreds",
                 MESSAGING, _MESSAGE_STATUSES, ANSWER_ANY, primary=None, required=False, shows_service=True),
    CallbackSpec("call_initiated_callback_url", "CallInitiatedCallbackUrl", "call_initiated_method", "CallInitiatedMethod",
                 *_VOICE_CREDS, VOICE, ("initiate",), ANSWER_BXML, primary=None, required=True, shows_service=True),
    CallbackSpec("call_status_callback_url", "CallStatusCallbackUrl", "call_status_method", "CallStatusMethod",
                 *_VOICE_CREDS, VOICE, ("disconnect",), ANSWER_ANY, primary=None, required=False, shows_service=False),
    CallbackSpec("call_initiated_fallback_url", "CallInitiatedFallbackUrl", "call_initiated_fallback_method", "CallInitiatedFallbackMethod",
                 "call_initiated_fallback_creds", "CallInitiatedFallbackCreds",
                 VOICE, ("initiate",), ANSWER_BXML, primary="call_initiated_callback_url", required=False,
                 shows_service=False),
)
# A callback added above fails here until FIELDS below places its elements in the document.
_INBOUND, _OUTBOUND, _INITIATED, _STATUS, _FALLBACK = CALLBACKS


def _url(callback):
    return (callback.url, callback.url_element, "url", callback.service)


def _method(callback):
    return (callback.method, callback.method_element, "method", callback.service)


def _creds(callback):
    return (callback.creds, callback.creds_element, "creds", callback.service)


# Every field in the element order of Bandwidth's create and update documents:
# (option / canonical key, XML element, kind, service). kind is one of
# "text", "url", "method", "creds", "types". service None means both.
# Messaging documents list the URLs, then the credentials; voice documents list each URL with its
# method, and the shared credentials after the last callback that uses them.
FIELDS = (
    ("service_type", "ServiceType", "text", None),
    ("app_name", "AppName", "text", None),
    _url(_INBOUND), _url(_OUTBOUND), _creds(_INBOUND), _creds(_OUTBOUND),
    ("requested_callback_types", "RequestedCallbackTypes", "types", MESSAGING),
    _url(_INITIATED), _method(_INITIATED), _url(_STATUS), _method(_STATUS), _creds(_STATUS),
    _url(_FALLBACK), _method(_FALLBACK), _creds(_FALLBACK),
    # Not an option: it is in Bandwidth's schema but not in its documents. It is read and sent
    # back unchanged so that a full-replace update never drops it.
    ("callback_timeout", "CallbackTimeout", "text", VOICE),
)
ELEMENT = {key: element for key, element, _kind, _service in FIELDS}
KEY_OF = {element: key for key, element, _kind, _service in FIELDS}
KIND = {key: kind for key, _element, kind, _service in FIELDS}
SERVICE_OF = {key: service for key, _element, _kind, service in FIELDS}
OPTION_FIELDS = tuple(key for key, _e, _k, _s in FIELDS if key != "callback_timeout")
URL_FIELDS = tuple(callback.url for callback in CALLBACKS)
METHOD_FIELDS = tuple(callback.method for callback in CALLBACKS if callback.method)
CREDS_FIELDS = tuple(dict.fromkeys(callback.creds for callback in CALLBACKS))  # shared ones once, in order
SERVICE_FIELDS = {
    MESSAGING: tuple(key for key in OPTION_FIELDS if SERVICE_OF[key] == MESSAGING),
    VOICE: tuple(key for key in OPTION_FIELDS if SERVICE_OF[key] == VOICE),
}
REQUIRED_URL = {callback.service: callback.url for callback in CALLBACKS if callback.required}
# The fallback URL option of a primary one.
FALLBACK_OF = {callback.primary: callback.url for callback in CALLBACKS if callback.primary}


def credentials_names(creds_option):
    """The keys an application may keep a callback's credentials under: the option's own name, and
    the long spelling some records use (``callback_creds`` -> ``callback_credentials``)."""
    return creds_option, creds_option[:-len("creds")] + "credentials"


# Elements Bandwidth echoes for compatibility; never compared, never sent back.
DEPRECATED_ELEMENTS = ("MsgCallbackUrl", "MsgCallbackCreds", "CallbackUrl")
READ_ONLY_KEYS = ("application_id",)
