# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The table the reliability suites are parametrized over: one entry per provider module.

A provider that lands is one ``ProviderCase(...)`` line (plus its option builders):
the fault, hostile-input and secrets suites then cover it.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# A password inside a callback URL and the provider credentials: none may ever show in output.
URL_PASSWORD = "url-pass-Zq81xw"
CALLBACK_PASSWORD = "cb-pass-Hk27vq"


def _module(name):
    try:
        return importlib.import_module("ansible_collections.cpaas.callbacks.plugins.modules." + name)
    except ImportError:
        return None


@dataclass
class ProviderCase:
    name: str                              # the sandbox's provider name
    module: Any                            # <provider>_application (None: not landed yet)
    info: Any                              # <provider>_application_info
    auth: Callable[[Any], dict]            # sandbox -> credential and api_url options
    id_option: str
    name_option: str
    record_id: Callable[[dict], str]       # sandbox record -> id
    record_name: Callable[[dict], str]
    desired: Callable[[str], dict]         # name -> options of a full application (with a URL password)
    changed: Callable[[str], dict]         # name -> options changing one field of ``desired``
    canonical: Callable[[dict], dict]      # sandbox record -> comparable with the options
    collection_path: str                   # regexes of the sandbox paths
    item_path: str
    create_method: str = "POST"
    update_method: str = "POST"
    delete_method: str = "DELETE"
    secrets: Callable[[Any], list] = field(default=lambda sandbox: [])  # secrets that must never appear
    name_max: int | None = None            # the provider's documented name length limit, if any


def _twilio_auth(sandbox):
    creds = sandbox.credentials
    return {"api_url": sandbox.url, "account_sid": creds["TWILIO_ACCOUNT_SID"], "auth_token": creds["TWILIO_AUTH_TOKEN"]}


def _twilio_desired(name):
    return {
        "friendly_name": name,
        "voice_url": "https://hooks:%s@hooks.example.com/voice" % URL_PASSWORD,
        "voice_method": "GET",
        "status_callback": "https://hooks.example.com/status",
        "sms_url": "https://hooks.example.com/sms",
        "voice_caller_id_lookup": True,
    }


def _twilio_changed(name):
    return dict(_twilio_desired(name), sms_url="https://hooks.example.com/sms-v2", voice_method="POST")


def _camel_to_snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _bandwidth_auth(sandbox):
    creds = sandbox.credentials
    return {"api_url": sandbox.url + "/api", "account_id": creds["BW_ACCOUNT_ID"],
            "username": creds["BW_USERNAME"], "password": creds["BW_PASSWORD"]}


def _bandwidth_desired(name):
    return {
        "app_name": name,
        "service_type": "Messaging-V2",
        "inbound_callback_url": "https://hooks.example.com/bw/inbound",
        "outbound_callback_url": "https://hooks.example.com/bw/status",
        "inbound_callback_creds": {"user_id": "bw-hooks", "password": CALLBACK_PASSWORD},
    }


def _bandwidth_changed(name):
    return dict(_bandwidth_desired(name), outbound_callback_url="https://hooks.example.com/bw/status-v2")


def _bandwidth_canonical(record):
    """The sandbox keeps Bandwidth's element names (AppName, InboundCallbackCreds: {UserId, Password})."""
    canonical = {}
    for key, value in record.items():
        if isinstance(value, dict):
            value = {_camel_to_snake(item): inner for item, inner in value.items()}
        canonical[_camel_to_snake(key)] = value
    return canonical


def _vobiz_auth(sandbox):
    creds = sandbox.credentials
    return {"api_url": sandbox.url + "/api/v1", "auth_id": creds["VOBIZ_AUTH_ID"], "auth_token": creds["VOBIZ_AUTH_TOKEN"]}


def _vobiz_desired(name):
    return {
        "app_name": name,
        "answer_url": "https://hooks:%s@hooks.example.com/vobiz/answer" % URL_PASSWORD,
        "answer_method": "GET",
        "hangup_url": "https://hooks.example.com/vobiz/hangup",
        "message_url": "https://hooks.example.com/vobiz/message",
    }


def _vobiz_changed(name):
    return dict(_vobiz_desired(name), message_url="https://hooks.example.com/vobiz/message-v2", answer_method="POST")


def _vonage_auth(sandbox):
    creds = sandbox.credentials
    return {"api_url": sandbox.url, "api_key": creds["VONAGE_API_KEY"], "api_secret": creds["VONAGE_API_SECRET"]}


def _vonage_desired(name, event="https://hooks.example.com/vonage/event"):
    return {
        "name": name,
        "capabilities": {
            "voice": {"webhooks": {
                "answer_url": {"address": "https://hooks:%s@hooks.example.com/vonage/answer" % URL_PASSWORD, "http_method": "GET"},
                "event_url": {"address": event, "http_method": "POST"},
            }},
            "messages": {"webhooks": {"inbound_url": {"address": "https://hooks.example.com/vonage/inbound", "http_method": "POST"}}},
        },
    }


def _vonage_changed(name):
    return _vonage_desired(name, event="https://hooks.example.com/vonage/event-v2")


def _telnyx_auth(sandbox):
    return {"api_url": sandbox.url + "/v2", "api_key": sandbox.credentials["TELNYX_API_KEY"]}


def _telnyx_desired(name, failover="https://hooks.example.com/telnyx/failover"):
    return {
        "application_name": name,
        "webhook_event_url": "https://hooks:%s@hooks.example.com/telnyx/events" % URL_PASSWORD,
        "webhook_event_failover_url": failover,
        "webhook_api_version": "2",
        "inbound": {"channel_limit": 4},
    }


def _telnyx_changed(name):
    return _telnyx_desired(name, failover="https://hooks.example.com/telnyx/failover-v2")


VOBIZ_ANSWER_NAMES = {"default_app": "default_number_app", "sub_account": "subaccount", "log_incoming_message": "log_incoming_messages"}


twilio_application = _module("twilio_application")
twilio_application_info = _module("twilio_application_info")

PROVIDERS = [
    ProviderCase(
        name="twilio", module=twilio_application, info=twilio_application_info, auth=_twilio_auth,
        id_option="sid", name_option="friendly_name",
        record_id=lambda record: record["sid"], record_name=lambda record: record["friendly_name"],
        desired=_twilio_desired, changed=_twilio_changed, canonical=lambda record: record,
        collection_path=r"/Applications\.json$", item_path=r"/Applications/AP[0-9a-f]+\.json$",
        secrets=lambda sandbox: [sandbox.credentials["TWILIO_AUTH_TOKEN"], URL_PASSWORD],
        name_max=64,
    ),
    ProviderCase(
        name="bandwidth", module=_module("bandwidth_application"), info=_module("bandwidth_application_info"), auth=_bandwidth_auth,
        id_option="application_id", name_option="app_name",
        record_id=lambda record: record["ApplicationId"], record_name=lambda record: record["AppName"],
        desired=_bandwidth_desired, changed=_bandwidth_changed, canonical=_bandwidth_canonical,
        collection_path=r"/accounts/[^/]+/applications$", item_path=r"/accounts/[^/]+/applications/[0-9a-f-]+$",
        update_method="PUT",
        secrets=lambda sandbox: [sandbox.credentials["BW_PASSWORD"], CALLBACK_PASSWORD],
    ),
    ProviderCase(
        name="vobiz", module=_module("vobiz_application"), info=_module("vobiz_application_info"), auth=_vobiz_auth,
        id_option="app_id", name_option="app_name",
        record_id=lambda record: record["app_id"], record_name=lambda record: record["app_name"],
        desired=_vobiz_desired, changed=_vobiz_changed,
        canonical=lambda record: {VOBIZ_ANSWER_NAMES.get(key, key): value for key, value in record.items()},
        collection_path=r"/Account/[^/]+/Application/$", item_path=r"/Account/[^/]+/Application/[0-9]+/$",
        secrets=lambda sandbox: [sandbox.credentials["VOBIZ_AUTH_TOKEN"], URL_PASSWORD],
    ),
    ProviderCase(
        name="telnyx", module=_module("telnyx_application"), info=_module("telnyx_application_info"), auth=_telnyx_auth,
        id_option="application_id", name_option="application_name",
        record_id=lambda record: record["id"], record_name=lambda record: record["application_name"],
        desired=_telnyx_desired, changed=_telnyx_changed, canonical=lambda record: record,
        collection_path=r"/v2/call_control_applications$", item_path=r"/v2/call_control_applications/[0-9]+$",
        update_method="PATCH",
        secrets=lambda sandbox: [sandbox.credentials["TELNYX_API_KEY"], URL_PASSWORD],
    ),
    ProviderCase(
        name="vonage", module=_module("vonage_application"), info=_module("vonage_application_info"), auth=_vonage_auth,
        id_option="application_id", name_option="name",
        record_id=lambda record: record["id"], record_name=lambda record: record["name"],
        desired=_vonage_desired, changed=_vonage_changed, canonical=lambda record: record,
        collection_path=r"/v2/applications$", item_path=r"/v2/applications/[0-9a-f-]+$",
        update_method="PUT",
        secrets=lambda sandbox: [sandbox.credentials["VONAGE_API_SECRET"], URL_PASSWORD],
        name_max=255,
    ),
]
LANDED = [case for case in PROVIDERS if case.module is not None]


def provider_ids(cases):
    return [case.name for case in cases]
