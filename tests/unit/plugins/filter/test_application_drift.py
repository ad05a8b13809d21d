# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""application_drift agrees with the modules in check mode, from one listing per provider."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.cpaas.callbacks.plugins.filter.application_drift import application_drift
from ansible_collections.cpaas.callbacks.tests.unit.plugins.reliability.providers import LANDED, provider_ids

# The application's name as the sandbox stores it (its control API changes records in that form).
NAME_FIELD = {"twilio": "friendly_name", "bandwidth": "AppName", "vonage": "name", "vobiz": "app_name", "telnyx": "application_name"}


@pytest.mark.parametrize("case", LANDED, ids=provider_ids(LANDED))
def test_the_filter_agrees_with_the_module_in_check_mode(sandbox, run_module, case):
    base = case.auth(sandbox)
    for name in ("in-sync", "drifted", "twin-a", "twin-b"):
        run_module(case.module.main, dict(base, **case.desired(name)))
    for record in sandbox.applications(case.name):  # two applications with one name, made behind the modules' back
        if case.record_name(record).startswith("twin-"):
            sandbox.change(case.name, case.record_id(record), {NAME_FIELD[case.name]: "twin"})
    described = [
        {"name": "in-sync", "provider": case.name, "options": case.desired("in-sync")},
        {"name": "drifted", "provider": case.name, "options": case.changed("drifted")},
        {"name": "missing", "provider": case.name, "options": case.desired("missing")},
        {"name": "twin", "provider": case.name, "options": case.desired("twin")},
    ]
    listing = run_module(case.info.main, base)
    sandbox.clear_requests()

    results = application_drift(described, {case.name: listing})

    assert sandbox.requests() == []
    by_name = {result["name"]: result for result in results}
    assert by_name["in-sync"]["status"] == "in_sync" and by_name["in-sync"]["drift"] is False
    assert by_name["drifted"]["status"] == "drift" and by_name["drifted"]["differences"]
    assert by_name["missing"]["status"] == "missing"
    assert by_name["twin"]["status"] == "ambiguous" and len(by_name["twin"]["ids"]) == 2
    for name in ("in-sync", "drifted"):
        checked = run_module(case.module.main, dict(base, **next(d["options"] for d in described if d["name"] == name)), check_mode=True)
        assert checked["changed"] is by_name[name]["drift"]
        assert sorted(checked["differences"]) == by_name[name]["differences"]


def test_an_unknown_provider_or_option_is_an_error_for_that_application_only():
    results = application_drift([
        {"name": "fax", "provider": "fax", "options": {}},
        {"name": "typo", "provider": "twilio", "options": {"friendly_name": "typo", "colour": "blue"}},
        {"name": "fine", "provider": "twilio", "options": {"friendly_name": "fine"}},
    ], {"twilio": []})

    by_name = {result["name"]: result for result in results}
    assert by_name["fax"]["status"] == "error" and "provider must be one of" in by_name["fax"]["error"]
    assert by_name["typo"]["status"] == "error" and "colour" in by_name["typo"]["error"]
    assert by_name["fine"]["status"] == "missing"
    assert all(result["drift"] for result in results)


def test_a_missing_listing_is_refused():
    with pytest.raises(AnsibleFilterError, match="no listing"):
        application_drift([{"name": "x", "provider": "twilio", "options": {"friendly_name": "x"}}], {})


def test_options_are_converted_as_the_module_converts_them():
    """Aliases, "yes"/"no", numbers as strings: what the module takes is compared as the module compares it."""
    listing = [{"sid": "AP" + "0" * 32, "friendly_name": "conv", "voice_method": "POST", "voice_caller_id_lookup": False}]

    [same] = application_drift([{"name": "conv", "provider": "twilio",
                                 "options": {"friendly_name": "conv", "voice_method": "POST", "voice_caller_id_lookup": "no"}}],
                               {"twilio": listing})
    [other] = application_drift([{"name": "conv", "provider": "twilio",
                                  "options": {"friendly_name": "conv", "voice_caller_id_lookup": "yes"}}], {"twilio": listing})
    [invalid] = application_drift([{"name": "conv", "provider": "twilio",
                                    "options": {"friendly_name": "conv", "voice_method": "post"}}], {"twilio": listing})

    assert same["status"] == "in_sync"
    assert other["status"] == "drift" and other["differences"] == ["voice_caller_id_lookup"]
    assert invalid["status"] == "error" and "voice_method" in invalid["error"] and "GET, POST" in invalid["error"]
