# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile input: a corpus of bad module inputs, each refused before any request.

Part of the corpus is derived from each module's own argument spec (every option with
choices gets a value outside them, every boolean a non-boolean, ...), so an option a
provider module gains is covered without a new line here; the rest is written by hand
(URLs that are not callback URLs, oversized and control-character names, malformed
ids, options of another provider or of the other Bandwidth service type). Each input
must fail with a message that names the offending option, and the sandbox must have
received no request at all.
"""

from __future__ import annotations

import json

import pytest
from ansible_collections.cpaas.callbacks.plugins.module_utils import _registry
from ansible_collections.cpaas.callbacks.tests.unit.plugins.reliability.providers import LANDED, URL_PASSWORD

BAD_URLS = [
    ("not-a-url", "not a url"),
    ("ftp-scheme", "ftp://files.example.com/hook"),
    ("no-host", "https://"),
    ("javascript", "javascript:alert(1)"),
    ("relative", "/hooks/voice"),
    ("space-in-host", "https://exa mple.com/hook"),
    ("nul-byte", "https://hooks.example.com/\x00voice"),
    ("newline", "https://hooks.example.com/voice\nX-Injected: 1"),
    ("bad-port", "https://hooks.example.com:99999/voice"),
    ("no-scheme", "hooks.example.com/voice"),
    ("ftp-with-password", "ftp://hooks:%s@files.example.com/x" % URL_PASSWORD),
    ("space-with-password", "https://hooks:%s@exa mple.com/x" % URL_PASSWORD),
]
# Refused before any request only where the provider documents the limit (ProviderCase.name_max).
OVERSIZED_NAME = "n" * 5000
BAD_NAMES = [
    ("control-bel", "app\x07name"),
    ("newline", "app\nname"),
    ("nul", "app\x00name"),
    ("blank", "   "),
    # A provider may store a name trimmed (Bandwidth does): it would never match, and every run would create.
    ("padded", "  padded name  "),
    ("trailing-space", "name "),
    ("noncharacter", "app\ufffename"),
]

# api_url values that cannot take a request anywhere but loopback (or nowhere at all).
BAD_API_URLS = [
    ("not-a-url", "not a url"),
    ("ftp-scheme", "ftp://127.0.0.1/api"),
    ("no-scheme", "127.0.0.1:1/api"),
    ("bad-port", "http://127.0.0.1:99999/api"),
    ("empty", ""),
]
# ansible-core's own argument validation, before the collection's code runs:
DICT_MESSAGE = pytest.mark.xfail(strict=True, reason=(
    "ansible-core 2.19 refuses a non-dict value for a dict option with 'dictionary requested, could not parse "
    "JSON or key=value', a message that does not name the option"))
SUBOPTIONS_CRASH = pytest.mark.xfail(strict=True, raises=TypeError, reason=(
    "ansible-core 2.19 crashes (TypeError in set_fallbacks: argument of type 'int' is not iterable) on a number "
    "given for a dict option that has suboptions, before the module's code runs"))

# Options that belong to another provider, per provider (refused as unsupported).
FOREIGN = {
    "twilio": {"answer_url": "https://h.example.com/a", "service_type": "Messaging-V2", "capabilities": {}},
    "bandwidth": {"voice_url": "https://h.example.com/v", "answer_url": "https://h.example.com/a", "friendly_name": "x"},
    "vonage": {"friendly_name": "x", "inbound_callback_url": "https://h.example.com/i", "answer_url": "https://h.example.com/a"},
    "vobiz": {"voice_url": "https://h.example.com/v", "capabilities": {}, "service_type": "Voice-V2"},
    "telnyx": {"answer_url": "https://h.example.com/a", "voice_url": "https://h.example.com/v", "app_name": "x"},
}

# Hand-written inputs a provider's own rules refuse: (id, options, the option the message must name).
SPECIFIC = {
    "twilio": [
        ("sid-too-short", {"sid": "AP123"}, "sid"),
        ("sid-wrong-prefix", {"sid": "PN" + "0" * 32}, "sid"),
        ("api-key-without-secret", {"api_key": "SK" + "0" * 32}, "api_secret"),
    ],
    "bandwidth": [
        ("application-id-not-uuid", {"application_id": "12345"}, "application_id"),
        ("voice-option-on-messaging", {"service_type": "Messaging-V2", "call_initiated_callback_url": "https://h.example.com/c"},
         "call_initiated_callback_url"),
        ("messaging-option-on-voice", {"service_type": "Voice-V2", "inbound_callback_url": "https://h.example.com/i"}, "inbound_callback_url"),
        ("both-service-types", {"inbound_callback_url": "https://h.example.com/i", "call_status_callback_url": "https://h.example.com/s"},
         "inbound_callback_url"),
        ("creds-password-without-user", {"inbound_callback_creds": {"password": "p4ss-word"}}, "inbound_callback_creds.user_id"),
        ("creds-empty-user", {"inbound_callback_creds": {"user_id": ""}}, "inbound_callback_creds.user_id"),
        ("creds-empty-password", {"inbound_callback_creds": {"user_id": "u", "password": ""}}, "inbound_callback_creds.password"),
        ("required-url-cleared", {"inbound_callback_url": ""}, "inbound_callback_url"),
        # Bandwidth trims what it stores: a padded user id would be re-sent (with its password) on every run.
        ("creds-padded-user", {"inbound_callback_creds": {"user_id": " hook user ", "password": "p4ss-word"}},
         "inbound_callback_creds.user_id"),
        ("creds-padded-password", {"inbound_callback_creds": {"user_id": "u", "password": "p4ss-word "}},
         "inbound_callback_creds.password"),
        # Characters XML cannot carry are refused before the first read, not by lxml after it.
        ("creds-user-vertical-tab", {"inbound_callback_creds": {"user_id": "a\x0bb", "password": "p4ss-word"}},
         "inbound_callback_creds.user_id"),
        ("creds-password-noncharacter", {"inbound_callback_creds": {"user_id": "u", "password": "p4ss\uffffword"}},
         "inbound_callback_creds.password"),
        ("url-noncharacter", {"inbound_callback_url": "https://h.example.com/\ufffe"}, "inbound_callback_url"),
        ("callback-types-not-a-choice", {"requested_callback_types": ["message-exploded"]}, "requested_callback_types"),
    ],
    "vonage": [
        ("application-id-not-uuid", {"application_id": "abc"}, "application_id"),
        ("public-key-not-pem", {"public_key": "ssh-rsa AAAA"}, "public_key"),
        ("private-key-path-is-dir", {"private_key_path": "/"}, "private_key_path"),
        ("private-key-path-no-dir", {"private_key_path": "/nonexistent-dir-cpaas/key.pem"}, "private_key_path"),
        ("webhook-address-bad", {"capabilities": {"voice": {"webhooks": {"answer_url": {"address": "ftp://x.example.com/a"}}}}},
         "capabilities.voice.webhooks.answer_url.address"),
        ("webhook-method-not-allowed", {"capabilities": {"messages": {"webhooks": {"inbound_url": {"address": "https://h.example.com/i",
                                                                                                   "http_method": "GET"}}}}}, "http_method"),
        ("connection-timeout-range", {"capabilities": {"voice": {"webhooks": {"event_url": {"address": "https://h.example.com/e",
                                                                                            "connection_timeout": 5}}}}},
         "capabilities.voice.webhooks.event_url.connect_timeout"),
        ("socket-timeout-range", {"capabilities": {"voice": {"webhooks": {"event_url": {"address": "https://h.example.com/e",
                                                                                        "socket_timeout": 999999}}}}},
         "capabilities.voice.webhooks.event_url.socket_timeout"),
        ("conversations-ttl-range", {"capabilities": {"voice": {"conversations_ttl": 0}}}, "capabilities.voice.conversations_ttl"),
        ("leg-persistence-range", {"capabilities": {"voice": {"leg_persistence_time": 32}}}, "capabilities.voice.leg_persistence_time"),
        ("region-not-a-choice", {"capabilities": {"voice": {"region": "mars-north"}}}, "region"),
        ("vbc-with-settings", {"capabilities": {"vbc": {"x": 1}}}, "capabilities.vbc"),
        ("remove-and-set", {"remove_capabilities": ["rtc"], "capabilities": {"rtc": {"webhooks": {"event_url": {"address": "https://h.example.com/r"}}}}},
         "remove_capabilities"),
        ("remove-not-a-choice", {"remove_capabilities": ["fax"]}, "remove_capabilities"),
        ("unknown-capability", {"capabilities": {"fax": {}}}, "fax"),
        ("messages-version-blank", {"capabilities": {"messages": {"version": " "}}}, "capabilities.messages.version"),
    ],
    "vobiz": [
        ("app-id-not-digits", {"app_id": "app-12"}, "app_id"),
        ("app-name-with-space", {"app_name": "my app"}, "app_name"),
        ("app-name-with-slash", {"app_name": "../etc"}, "app_name"),
        ("answer-url-cleared", {"answer_url": ""}, "answer_url"),
        ("hangup-url-cleared", {"hangup_url": ""}, "hangup_url"),
    ],
    "telnyx": [
        ("id-not-digits", {"application_id": "app-12"}, "application_id"),
        ("webhook-url-cleared", {"webhook_event_url": ""}, "webhook_event_url"),
        ("webhook-timeout-over-30", {"webhook_timeout_secs": 31}, "webhook_timeout_secs"),
        ("webhook-api-version-3", {"webhook_api_version": "3"}, "webhook_api_version"),
        ("inbound-limit-negative", {"inbound": {"channel_limit": -1}}, "inbound.channel_limit"),
        ("anchorsite-quoted", {"anchorsite_override": '"Latency"'}, "anchorsite_override"),
    ],
}

COMMON = [
    ("timeout-zero", {"timeout": 0}, "timeout"),
    ("timeout-infinite", {"timeout": "inf"}, "timeout"),
    ("timeout-nan", {"timeout": "nan"}, "timeout"),
    ("timeout-1e10", {"timeout": 1e10}, "timeout"),
    ("max-retries-1e10", {"max_retries": 1e10}, "max_retries"),
    ("timeout-negative", {"timeout": -5}, "timeout"),
    ("timeout-not-a-number", {"timeout": "soon"}, "timeout"),
    ("max-retries-too-many", {"max_retries": 11}, "max_retries"),
    ("max-retries-negative", {"max_retries": -1}, "max_retries"),
    ("state-not-a-choice", {"state": "purged"}, "state"),
    ("validate-certs-not-bool", {"validate_certs": "sometimes"}, "validate_certs"),
    ("unknown-option", {"colour": "blue"}, "colour"),
]


def _spec(case):
    from ansible_collections.cpaas.callbacks.plugins.module_utils import module as module_utils
    spec = dict(module_utils.COMMON_ARGUMENT_SPEC)
    utils = _registry.entry(case.name).adapter_module()
    spec.update(utils.APPLICATION_ARGUMENT_SPEC)
    return spec


def _derived(case):
    """Bad values derived from the argument spec: (id, options, option named)."""
    entries = []
    for option, spec in sorted(_spec(case).items()):
        kind = spec.get("type", "str")
        if spec.get("choices") and kind == "str":
            entries.append(("%s-not-a-choice" % option, {option: "NOT-A-CHOICE"}, option))
        elif spec.get("choices") and kind == "list":
            entries.append(("%s-element-not-a-choice" % option, {option: ["NOT-A-CHOICE"]}, option))
        elif kind == "bool":
            entries.append(("%s-not-a-bool" % option, {option: "perhaps"}, option))
        elif kind == "int":
            entries.append(("%s-not-an-int" % option, {option: "many"}, option))
        elif kind == "dict":
            entries.append(("%s-not-a-dict" % option, {option: ["a", "list"]}, option, DICT_MESSAGE))
            if spec.get("options"):
                entries.append(("%s-a-number" % option, {option: 5}, option, SUBOPTIONS_CRASH))
        elif option == "api_url":
            entries.extend(("api_url-%s" % label, {option: value}, option) for label, value in BAD_API_URLS)
        elif kind == "str" and option.endswith(("_url", "callback")):
            entries.extend(("%s-%s" % (option, label), {option: value}, option) for label, value in BAD_URLS)
        if kind == "str" and option == case.name_option:
            entries.extend(("%s-%s" % (option, label), {option: value}, option) for label, value in BAD_NAMES)
            if case.name_max:
                entries.append(("%s-oversized" % option, {option: OVERSIZED_NAME}, option))
    return entries


def _corpus():
    params = []
    for case in LANDED:
        entries = _derived(case) + SPECIFIC.get(case.name, []) + COMMON
        entries += [("foreign-%s" % option, {option: value}, option) for option, value in FOREIGN.get(case.name, {}).items()]
        for label, options, named, *marks in entries:
            params.append(pytest.param(case, options, named, id="%s-%s" % (case.name, label), marks=marks))
    return params


CORPUS = _corpus()


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 100, len(CORPUS)


@pytest.mark.parametrize("case, options, named", CORPUS)
def test_bad_input_fails_naming_the_option_before_any_request(sandbox, run_module, case, options, named):
    # A name is given so the failure cannot come from "nothing to find the application by".
    args = dict(case.auth(sandbox), **{case.name_option: "hostile-input"})
    args.update(options)

    result = run_module(case.module.main, args)

    assert result.get("failed") is True, result
    message = result["msg"]
    assert named in message, "the message does not name %s: %s" % (named, message)
    assert "Traceback" not in json.dumps(result)
    assert sandbox.requests() == [], "requests were sent before the input was checked"


def _credentials(case):
    """(option, environment variable) of every credential option of a module (options with an env fallback)."""
    return [(option, spec["fallback"][1][0]) for option, spec in sorted(_spec(case).items())
            if option != "api_url" and spec.get("fallback")]


# Credentials that only count together with another one: give the other a value.
COMPANIONS = {("twilio", "api_key"): {"api_secret": "a-secret"}, ("twilio", "api_secret"): {"api_key": "SK" + "0" * 32}}
EMPTY_CREDENTIALS = [pytest.param(case, option, variable, value, id="%s-%s-%s" % (case.name, option, label))
                     for case in LANDED for option, variable in _credentials(case)
                     for label, value in (("empty", ""), ("blank", "  "))]


def test_every_provider_has_credentials_to_check():
    assert {param.values[0].name for param in EMPTY_CREDENTIALS} == {case.name for case in LANDED}


@pytest.mark.parametrize("case, option, variable, value", EMPTY_CREDENTIALS)
def test_an_empty_credential_is_refused_naming_the_option_and_its_variable(sandbox, run_module, case, option, variable, value):
    args = dict(case.auth(sandbox), **{case.name_option: "hostile-input"})
    args.update(COMPANIONS.get((case.name, option), {}))
    args[option] = value

    result = run_module(case.module.main, args)

    assert result.get("failed") is True, result
    assert option in result["msg"] and variable in result["msg"], result["msg"]
    assert sandbox.requests() == [], "requests were sent with an empty credential"


@pytest.mark.parametrize("unused, value, login", [
    ("auth_token", "", {"api_key": "TWILIO_API_KEY", "api_secret": "TWILIO_API_SECRET"}),
])
def test_an_empty_credential_of_the_login_not_used_is_no_error(sandbox, run_module, unused, value, login):
    """Twilio signs in with an API key or with the auth token: the other's empty variable does not stop the run."""
    twilio = next(case for case in LANDED if case.name == "twilio")
    args = dict(twilio.auth(sandbox), **{twilio.name_option: "unused-credential"})
    args.update({option: sandbox.credentials.get(variable, variable) for option, variable in login.items()})
    args[unused] = value

    result = run_module(twilio.module.main, args)

    assert result.get("failed") is not True, result
    assert result["changed"] is True
    assert sandbox.requests(), "the run reached the provider"
