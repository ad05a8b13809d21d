# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""application_drift reports what the module reports in check mode, for generated pairs.

Each example converges one application (options A) with the module on the sandbox,
lists it with the _info module, then describes it with options B: the filter on that
listing and the module in check mode must agree on whether there is drift and on the
fields that differ, and a description the module refuses must be an error in the filter,
never "in sync". Options are written the ways a user may write them: aliases, "yes"/"no"
for booleans, numbers as strings.
"""

from __future__ import annotations

import pytest
from ansible_collections.cpaas.callbacks.plugins.filter.application_drift import application_drift
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.vobiz import adapter as vobiz_utils
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.vonage import adapter as vonage_utils
from ansible_collections.cpaas.callbacks.tests.unit.plugins.reliability.providers import LANDED, provider_ids
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = 25  # per provider: each example is a few module runs against the sandbox
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

URLS = ["https://hooks.example.com/a", "https://hooks.example.com/b?x=1", "http://127.0.0.1:8080/d",
        # a URL password, the same in A and B (listings mask it: the filter documents that it cannot see it change)
        "https://hooks:same-pw-Qe4@hooks.example.com/c"]
METHODS = st.sampled_from(["GET", "POST"])
BOOLEANS = st.sampled_from([True, False, "yes", "no", "true", "false", "on", "off", 1, 0, "1", "0"])


def _names(spec, option):
    """The names a user may give an option: its own and its aliases (from the module's spec)."""
    return [option] + list(spec[option].get("aliases") or [])


def _one_of_names(spec, option, values):
    """(name, value) with name the option's own or one of its aliases, or None (not given)."""
    return st.one_of(st.none(), st.tuples(st.sampled_from(_names(spec, option)), values))


def _with(options, *named):
    return dict(options, **dict(pair for pair in named if pair))


def _twilio(name):
    return st.fixed_dictionaries({"friendly_name": st.just(name)}, optional={
        "voice_url": st.sampled_from(URLS), "voice_method": METHODS, "status_callback": st.sampled_from(URLS),
        "status_callback_method": METHODS, "sms_url": st.sampled_from(URLS), "sms_method": METHODS,
        "voice_caller_id_lookup": BOOLEANS, "public_application_connect_enabled": BOOLEANS,
    })


def _bandwidth(name):
    creds = st.fixed_dictionaries({"user_id": st.sampled_from(["hook-a", "hook-b"]), "password": st.just("cb-pw-Lx3")})
    return st.fixed_dictionaries({"app_name": st.just(name), "service_type": st.just("Voice-V2"),
                                  "call_initiated_callback_url": st.sampled_from(URLS[:3])}, optional={
        "call_initiated_method": METHODS, "call_status_callback_url": st.sampled_from(URLS[:3]), "call_status_method": METHODS,
        "callback_creds": creds, "update_password": st.sampled_from(["on_create", "always"]),
    })


def _vobiz(name):
    spec = vobiz_utils.APPLICATION_ARGUMENT_SPEC
    options = st.fixed_dictionaries({"app_name": st.just(name), "answer_url": st.sampled_from(URLS)}, optional={
        "answer_method": METHODS, "hangup_url": st.sampled_from(URLS), "hangup_method": METHODS,
        "message_url": st.sampled_from(URLS), "default_number_app": BOOLEANS,
    })
    return st.builds(_with, options, _one_of_names(spec, "log_incoming_messages", BOOLEANS))


def _vonage_event_url():
    """event_url with its timeouts under any of their names, as numbers or as strings."""
    hook_spec = vonage_utils.CAPABILITIES_SPEC["options"]["voice"]["options"]["webhooks"]["options"]["event_url"]["options"]
    timeouts = []
    for option, spec in hook_spec.items():
        if spec.get("type") == "int":
            low, high, _unit = vonage_utils.WEBHOOK_RANGES[option]
            values = st.sampled_from([low, high, (low + high) // 2]).flatmap(lambda number: st.sampled_from([number, str(number)]))
            timeouts.append(_one_of_names(hook_spec, option, values))
    base = st.fixed_dictionaries({"address": st.sampled_from(URLS[:3]), "http_method": METHODS})
    return st.builds(_with, base, *timeouts)


def _vonage(name):
    voice = st.fixed_dictionaries({"webhooks": st.fixed_dictionaries({
        "answer_url": st.fixed_dictionaries({"address": st.sampled_from(URLS), "http_method": METHODS}),
        "event_url": _vonage_event_url(),
    })}, optional={"signed_callbacks": BOOLEANS})
    return st.fixed_dictionaries({"name": st.just(name), "capabilities": st.fixed_dictionaries({"voice": voice})})


def _telnyx(name):
    return st.fixed_dictionaries({"application_name": st.just(name), "webhook_event_url": st.sampled_from(URLS[:3])}, optional={
        "webhook_event_failover_url": st.sampled_from(URLS + [""]), "webhook_api_version": st.sampled_from(["1", "2"]),
        "active": BOOLEANS, "dtmf_type": st.sampled_from(["RFC 2833", "Inband"]), "webhook_timeout_secs": st.sampled_from([5, 30]),
        "inbound": st.fixed_dictionaries({}, optional={"channel_limit": st.sampled_from([1, 10]), "shaken_stir_enabled": BOOLEANS}),
    })


OPTIONS = {"twilio": _twilio, "bandwidth": _bandwidth, "vobiz": _vobiz, "vonage": _vonage, "telnyx": _telnyx}
NAME = "agree-app"


@pytest.mark.parametrize("case", LANDED, ids=provider_ids(LANDED))
def test_the_filter_and_the_module_in_check_mode_report_the_same_fields(sandbox, run_module, case):
    base = case.auth(sandbox)
    strategy = OPTIONS[case.name](NAME)

    @SETTINGS
    @given(provider_state=strategy, described=strategy)
    def agree(provider_state, described):
        sandbox.reset()
        created = run_module(case.module.main, dict(base, **provider_state))
        assert created.get("failed") is not True, created
        listing = run_module(case.info.main, base)
        checked = run_module(case.module.main, dict(base, **described), check_mode=True)

        [result] = application_drift([{"name": NAME, "provider": case.name, "options": described}], {case.name: listing})

        if checked.get("failed"):
            assert result["status"] == "error" and result["drift"] is True, (checked["msg"], result)
        else:
            assert result["status"] in ("in_sync", "drift"), result
            assert result["drift"] is checked["changed"], (checked, result)
            assert result["differences"] == sorted(checked["differences"]), (checked, result)

    agree()


@pytest.mark.parametrize("case", LANDED, ids=provider_ids(LANDED))
def test_a_description_the_module_refuses_is_an_error_not_in_sync(sandbox, run_module, case):
    base = case.auth(sandbox)
    run_module(case.module.main, dict(base, **case.desired("refused")))
    listing = run_module(case.info.main, base)
    described = dict(case.desired("refused"), state="presentt", timeout="soon")

    [result] = application_drift([{"name": "refused", "provider": case.name, "options": described}], {case.name: listing})
    checked = run_module(case.module.main, dict(base, **described), check_mode=True)

    assert checked["failed"] is True
    assert result["status"] == "error" and result["drift"] is True
    assert "state" in result["error"] and "timeout" in result["error"]
    for secret in case.secrets(sandbox):
        assert secret not in result["error"]
