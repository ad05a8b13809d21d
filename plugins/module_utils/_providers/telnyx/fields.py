# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Telnyx Call Control Applications: the option <-> wire field tables (standard library only).

Internal use only: not a public API of this collection; may change without notice.

Telnyx's JSON already uses snake_case, so every option is sent and read under its own
name; answers are wrapped in ``{"data": ...}``. The values and defaults come from
Telnyx's OpenAPI document and its official Python SDK (see docs/telnyx.md).
"""

from __future__ import annotations

API_URL = "https://api.telnyx.com/v2"
COLLECTION_PATH = "call_control_applications"
PAGE_SIZE = 250  # the largest page[size] the API accepts
NAME_FILTER_MIN = 3  # filter[application_name][contains] needs at least three characters

URL_FIELDS = ("webhook_event_url", "webhook_event_failover_url")
CLEARABLE_URLS = ("webhook_event_failover_url",)

ANCHORSITES = ("Latency", "Chicago, IL", "Ashburn, VA", "San Jose, CA", "London, UK", "Chennai, IN",
               "Amsterdam, Netherlands", "Toronto, Canada", "Sydney, Australia")
DTMF_TYPES = ("RFC 2833", "Inband", "SIP INFO")
WEBHOOK_API_VERSIONS = ("1", "2")
SIP_SUBDOMAIN_RECEIVE_SETTINGS = ("only_my_connections", "from_anyone")
WEBHOOK_TIMEOUT_RANGE = (0, 30)

# option -> kind (str, url, bool, int, or a tuple of allowed values)
TOP_LEVEL = (
    ("application_name", "str"),
    ("webhook_event_url", "url"),
    ("webhook_event_failover_url", "url"),
    ("webhook_api_version", WEBHOOK_API_VERSIONS),
    ("webhook_timeout_secs", "int"),
    ("active", "bool"),
    ("anchorsite_override", ANCHORSITES),
    ("dtmf_type", DTMF_TYPES),
    ("first_command_timeout", "bool"),
    ("first_command_timeout_secs", "int"),
    ("call_cost_in_webhooks", "bool"),
    ("redact_dtmf_debug_logging", "bool"),
)
INBOUND = (
    ("channel_limit", "int"),
    ("shaken_stir_enabled", "bool"),
    ("sip_subdomain", "str"),
    ("sip_subdomain_receive_settings", SIP_SUBDOMAIN_RECEIVE_SETTINGS),
)
OUTBOUND = (
    ("channel_limit", "int"),
    ("outbound_voice_profile_id", "str"),
)
NESTED = {"inbound": INBOUND, "outbound": OUTBOUND}
MANAGED = tuple(name for name, _kind in TOP_LEVEL) + tuple(NESTED)
READ_ONLY = ("id", "record_type", "created_at", "updated_at", "tags")

# What Telnyx fills in when a create leaves a field out (the OpenAPI document's defaults).
DEFAULTS = {
    "active": True,
    "anchorsite_override": "Latency",
    "dtmf_type": "RFC 2833",
    "first_command_timeout": False,
    "first_command_timeout_secs": 30,
    "webhook_api_version": "1",
    "webhook_event_failover_url": "",
    "webhook_timeout_secs": None,
    "inbound.shaken_stir_enabled": False,
    "inbound.sip_subdomain_receive_settings": "from_anyone",
}

# PATCH requires these two (the document's update schema, and the SDK's update params):
# an update always sends them, with the application's current values when not managed.
UPDATE_REQUIRED = ("application_name", "webhook_event_url")


def unwrap(body):
    """The object in Telnyx's ``{"data": ...}`` envelope, or None."""
    if isinstance(body, dict) and isinstance(body.get("data"), dict):
        return body["data"]
    return None


def to_request(fields):
    """A JSON request body of canonical fields (the names are Telnyx's own)."""
    body = {}
    for key, value in fields.items():
        if key in NESTED and isinstance(value, dict):
            body[key] = dict((name, item) for name, item in value.items() if item is not None)
        else:
            body[key] = value
    return body


def error_message(body):
    """Telnyx's ``{"errors": [{"code", "title", "detail", "source": {"pointer"}}]}`` as one sentence."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not errors:
        return None, None
    parts = []
    code = None
    for error in errors:
        if not isinstance(error, dict):
            continue
        code = code or error.get("code")
        text = error.get("detail") or error.get("title") or ""
        pointer = (error.get("source") or {}).get("pointer") if isinstance(error.get("source"), dict) else None
        if pointer:
            text = "%s: %s" % (pointer.lstrip("/").replace("/", "."), text)
        if error.get("code"):
            text = "%s (code %s)" % (text, error["code"])
        parts.append(text)
    return code, "; ".join(parts) or None
