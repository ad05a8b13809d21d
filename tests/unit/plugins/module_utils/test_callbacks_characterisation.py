# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bandwidth's and Vonage's callbacks, pinned: ``payloads.callbacks`` for a broad set of application
shapes (named ones, and a seeded sweep of field combinations) must give exactly the Callback objects,
in the order, recorded before their callbacks were derived from the field tables. The field lists
the adapters build their argument specs and documents from are pinned the same way."""

from __future__ import annotations

import ast
import importlib
import json
import os

import pytest
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.bandwidth import fields as bandwidth_fields
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.vonage import fields as vonage_fields
from ansible_collections.cpaas.callbacks.plugins.module_utils.webhooks import payloads

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "callbacks_bandwidth_vonage.json")
with open(FIXTURE, encoding="utf-8") as handle:
    RECORDED = json.load(handle)
COLUMNS = RECORDED["columns"]


def _cases(provider):
    return [pytest.param(case["application"], case["callbacks"], id=case["shape"]) for case in RECORDED[provider]]


def _rows(callbacks):
    return [[list(value) if isinstance(value, tuple) else value for value in (getattr(cb, column) for column in COLUMNS)]
            for cb in callbacks]


def test_the_recording_is_broad():
    # Every callback of both providers, each with and without credentials or signing, appears in the recording.
    seen = {(provider, row[0]) for provider in ("bandwidth", "vonage") for case in RECORDED[provider] for row in case["callbacks"]}
    assert seen == {("bandwidth", name) for name in ("inbound_callback_url", "outbound_callback_url", "call_initiated_callback_url",
                                                     "call_status_callback_url", "call_initiated_fallback_url")} | {
        ("vonage", name) for name in ("voice.answer_url", "voice.fallback_answer_url", "voice.event_url", "messages.inbound_url",
                                      "messages.status_url", "rtc.event_url", "verify.status_url")}
    credentials_keys = {row[COLUMNS.index("credentials_key")] for case in RECORDED["bandwidth"] for row in case["callbacks"]}
    assert {"callback_creds", "callback_credentials", "inbound_callback_credentials", "call_initiated_fallback_credentials"} <= credentials_keys
    assert {row[COLUMNS.index("signed")] for case in RECORDED["vonage"] for row in case["callbacks"]} == {True, False}


@pytest.mark.parametrize("application, expected", _cases("bandwidth"))
def test_bandwidth_callbacks_are_as_recorded(application, expected):
    assert _rows(payloads.callbacks("bandwidth", application)) == expected


@pytest.mark.parametrize("application, expected", _cases("vonage"))
def test_vonage_callbacks_are_as_recorded(application, expected):
    assert _rows(payloads.callbacks("vonage", application)) == expected


def test_bandwidth_field_lists_are_unchanged():
    # The XML documents' element order and the lists the argument spec and the codec are built from.
    assert [row[:2] for row in bandwidth_fields.FIELDS] == [
        ("service_type", "ServiceType"), ("app_name", "AppName"),
        ("inbound_callback_url", "InboundCallbackUrl"), ("outbound_callback_url", "OutboundCallbackUrl"),
        ("inbound_callback_creds", "InboundCallbackCreds"), ("outbound_callback_creds", "OutboundCallbackCreds"),
        ("requested_callback_types", "RequestedCallbackTypes"),
        ("call_initiated_callback_url", "CallInitiatedCallbackUrl"), ("call_initiated_method", "CallInitiatedMethod"),
        ("call_status_callback_url", "CallStatusCallbackUrl"), ("call_status_method", "CallStatusMethod"),
        ("callback_creds", "CallbackCreds"),
        ("call_initiated_fallback_url", "CallInitiatedFallbackUrl"), ("call_initiated_fallback_method", "CallInitiatedFallbackMethod"),
        ("call_initiated_fallback_creds", "CallInitiatedFallbackCreds"),
        ("callback_timeout", "CallbackTimeout"),
    ]
    assert [(key, kind, service) for key, _element, kind, service in bandwidth_fields.FIELDS] == [
        ("service_type", "text", None), ("app_name", "text", None),
        ("inbound_callback_url", "url", "Messaging-V2"), ("outbound_callback_url", "url", "Messaging-V2"),
        ("inbound_callback_creds", "creds", "Messaging-V2"), ("outbound_callback_creds", "creds", "Messaging-V2"),
        ("requested_callback_types", "types", "Messaging-V2"),
        ("call_initiated_callback_url", "url", "Voice-V2"), ("call_initiated_method", "method", "Voice-V2"),
        ("call_status_callback_url", "url", "Voice-V2"), ("call_status_method", "method", "Voice-V2"),
        ("callback_creds", "creds", "Voice-V2"),
        ("call_initiated_fallback_url", "url", "Voice-V2"), ("call_initiated_fallback_method", "method", "Voice-V2"),
        ("call_initiated_fallback_creds", "creds", "Voice-V2"),
        ("callback_timeout", "text", "Voice-V2"),
    ]
    assert bandwidth_fields.URL_FIELDS == ("inbound_callback_url", "outbound_callback_url", "call_initiated_callback_url",
                                           "call_status_callback_url", "call_initiated_fallback_url")
    assert bandwidth_fields.METHOD_FIELDS == ("call_initiated_method", "call_status_method", "call_initiated_fallback_method")
    assert bandwidth_fields.CREDS_FIELDS == ("inbound_callback_creds", "outbound_callback_creds", "callback_creds",
                                             "call_initiated_fallback_creds")
    assert bandwidth_fields.OPTION_FIELDS == tuple(row[0] for row in bandwidth_fields.FIELDS[:-1])
    assert bandwidth_fields.SERVICE_FIELDS == {
        "Messaging-V2": ("inbound_callback_url", "outbound_callback_url", "inbound_callback_creds", "outbound_callback_creds",
                         "requested_callback_types"),
        "Voice-V2": ("call_initiated_callback_url", "call_initiated_method", "call_status_callback_url", "call_status_method",
                     "callback_creds", "call_initiated_fallback_url", "call_initiated_fallback_method", "call_initiated_fallback_creds"),
    }
    assert bandwidth_fields.REQUIRED_URL == {"Messaging-V2": "inbound_callback_url", "Voice-V2": "call_initiated_callback_url"}


def test_vonage_webhook_table_is_unchanged():
    # What the argument spec (webhook names, methods, timeouts per capability) and the codec are built from.
    assert list(vonage_fields.WEBHOOKS.items()) == [
        ("voice", (("answer_url", "fallback_answer_url", "event_url"), ("GET", "POST"), True)),
        ("messages", (("inbound_url", "status_url"), ("POST",), False)),
        ("rtc", (("event_url",), ("GET", "POST"), False)),
        ("verify", (("status_url",), ("POST",), False)),
    ]


def _string_constants(module):
    with open(module.__file__, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}


@pytest.mark.parametrize("provider", ["bandwidth", "vonage"])
def test_callbacks_are_written_once_in_the_field_table(provider):
    # events.py and adapter.py derive every callback from fields.CALLBACKS: neither spells a callback's option or wire name.
    package = "ansible_collections.cpaas.callbacks.plugins.module_utils._providers." + provider
    fields = importlib.import_module(package + ".fields")
    if provider == "bandwidth":
        spelled = ("url", "url_element", "method", "method_element", "creds", "creds_element")
        names = {getattr(spec, part) for spec in fields.CALLBACKS for part in spelled if getattr(spec, part)}
    else:
        names = {spec.webhook for spec in fields.CALLBACKS} | {spec.capability + "." + spec.webhook for spec in fields.CALLBACKS}
    assert len(names) > 5
    for part in ("events", "adapter"):
        spelt = names & _string_constants(importlib.import_module(package + "." + part))
        assert not spelt, "%s/%s.py spells %s" % (provider, part, sorted(spelt))
