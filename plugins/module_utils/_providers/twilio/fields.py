# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Twilio's option <-> wire field tables and form codec, standard library only.

The adapter (the module's requests) and ``events.py`` (which callbacks an application has)
both read these tables, so each callback is written once: in :data:`CALLBACKS`.
"""

from __future__ import annotations

from ...webhooks.answers import ANSWER_ANY, ANSWER_TWIML, ANSWER_TWIML_OR_EMPTY

# Every callback of an application, in the API reference's order:
# (URL option, its form key, method option or None (always POST), its form key, event it receives, answer it needs).
CALLBACKS = (
    ("voice_url", "VoiceUrl", "voice_method", "VoiceMethod", "incoming-call", ANSWER_TWIML),
    ("voice_fallback_url", "VoiceFallbackUrl", "voice_fallback_method", "VoiceFallbackMethod", "incoming-call", ANSWER_TWIML),
    ("status_callback", "StatusCallback", "status_callback_method", "StatusCallbackMethod", "call-status", ANSWER_ANY),
    ("sms_url", "SmsUrl", "sms_method", "SmsMethod", "incoming-message", ANSWER_TWIML_OR_EMPTY),
    ("sms_fallback_url", "SmsFallbackUrl", "sms_fallback_method", "SmsFallbackMethod", "incoming-message", ANSWER_TWIML_OR_EMPTY),
    ("sms_status_callback", "SmsStatusCallback", None, None, "message-status", ANSWER_ANY),
    ("message_status_callback", "MessageStatusCallback", None, None, "message-status", ANSWER_ANY),
)

# option -> form key
URL_FIELDS = {url: url_key for url, url_key, _method, _method_key, _event, _answer in CALLBACKS}
METHOD_FIELDS = {method: method_key for _url, _url_key, method, method_key, _event, _answer in CALLBACKS if method}
BOOL_FIELDS = {
    "voice_caller_id_lookup": "VoiceCallerIdLookup",
    "public_application_connect_enabled": "PublicApplicationConnectEnabled",
}
FORM_KEYS = dict(
    [("friendly_name", "FriendlyName"), ("api_version", "ApiVersion")]
    + list(URL_FIELDS.items()) + list(METHOD_FIELDS.items()) + list(BOOL_FIELDS.items())
)


def fallback_of(url_option):
    """The fallback URL option of a primary one (``voice_url`` -> ``voice_fallback_url``), else None."""
    if url_option.endswith("_url") and "_fallback_" not in url_option:
        candidate = url_option[:-len("_url")] + "_fallback_url"
        if candidate in URL_FIELDS:
            return candidate
    return None


def to_form(fields):
    """Canonical fields -> the form Twilio takes (PascalCase keys, booleans as true/false)."""
    form = {}
    for option, value in fields.items():
        if option in BOOL_FIELDS:
            value = "true" if value else "false"
        form[FORM_KEYS[option]] = value
    return form
