# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Bandwidth's option <-> XML element tables, standard library only (the adapter's codec reads them)."""

from __future__ import annotations

MESSAGING = "Messaging-V2"
VOICE = "Voice-V2"
SERVICE_TYPES = (MESSAGING, VOICE)
METHODS = ("GET", "POST")
CALLBACK_TYPES = ("message-delivered", "message-sending", "message-failed")
UPDATE_PASSWORD = ("on_create", "always")
XML_CONTENT_TYPE = "application/xml; charset=utf-8"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

# Every field in the element order of Bandwidth's create and update documents:
# (option / canonical key, XML element, kind, service). kind is one of
# "text", "url", "method", "creds", "types". service None means both.
FIELDS = (
    ("service_type", "ServiceType", "text", None),
    ("app_name", "AppName", "text", None),
    ("inbound_callback_url", "InboundCallbackUrl", "url", MESSAGING),
    ("outbound_callback_url", "OutboundCallbackUrl", "url", MESSAGING),
    ("inbound_callback_creds", "InboundCallbackCreds", "creds", MESSAGING),
    ("outbound_callback_creds", "OutboundCallbackCreds", "creds", MESSAGING),
    ("requested_callback_types", "RequestedCallbackTypes", "types", MESSAGING),
    ("call_initiated_callback_url", "CallInitiatedCallbackUrl", "url", VOICE),
    ("call_initiated_method", "CallInitiatedMethod", "method", VOICE),
    ("call_status_callback_url", "CallStatusCallbackUrl", "url", VOICE),
    ("call_status_method", "CallStatusMethod", "method", VOICE),
    ("callback_creds", "CallbackCreds", "creds", VOICE),
    ("call_initiated_fallback_url", "CallInitiatedFallbackUrl", "url", VOICE),
    ("call_initiated_fallback_method", "CallInitiatedFallbackMethod", "method", VOICE),
    ("call_initiated_fallback_creds", "CallInitiatedFallbackCreds", "creds", VOICE),
    # Not an option: it is in Bandwidth's schema but not in its documents. It is read and sent
    # back unchanged so that a full-replace update never drops it.
    ("callback_timeout", "CallbackTimeout", "text", VOICE),
)
ELEMENT = {key: element for key, element, _kind, _service in FIELDS}
KEY_OF = {element: key for key, element, _kind, _service in FIELDS}
KIND = {key: kind for key, _element, kind, _service in FIELDS}
SERVICE_OF = {key: service for key, _element, _kind, service in FIELDS}
OPTION_FIELDS = tuple(key for key, _e, _k, _s in FIELDS if key != "callback_timeout")
URL_FIELDS = tuple(key for key in OPTION_FIELDS if KIND[key] == "url")
METHOD_FIELDS = tuple(key for key in OPTION_FIELDS if KIND[key] == "method")
CREDS_FIELDS = tuple(key for key in OPTION_FIELDS if KIND[key] == "creds")
SERVICE_FIELDS = {
    MESSAGING: tuple(key for key in OPTION_FIELDS if SERVICE_OF[key] == MESSAGING),
    VOICE: tuple(key for key in OPTION_FIELDS if SERVICE_OF[key] == VOICE),
}
# The URL each application type cannot do without (on create and in every full update).
REQUIRED_URL = {MESSAGING: "inbound_callback_url", VOICE: "call_initiated_callback_url"}
# Elements Bandwidth echoes for compatibility; never compared, never sent back.
DEPRECATED_ELEMENTS = ("MsgCallbackUrl", "MsgCallbackCreds", "CallbackUrl")
READ_ONLY_KEYS = ("application_id",)
