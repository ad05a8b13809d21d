# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""<provider>_applications (whole-account converge) against the sandbox, for every provider.

A few hundred applications per provider (Vonage and Vobiz list them in pages of 100),
asserted on the wire: one listing, writes only for what differs, per-element failures,
purge inside and never outside its scope, faults during writes, a duplicate name."""

from __future__ import annotations

import importlib
import re

import pytest
from ansible_collections.cpaas.callbacks.tests.unit.plugins.reliability.providers import PROVIDERS

MANY = 250          # applications per provider in the large runs
PAGE = 100          # Vonage's and Vobiz's page size


def _plural(case):
    return importlib.import_module("ansible_collections.cpaas.callbacks.plugins.modules.%s_applications" % case.name)


CASES = [pytest.param(case, id=case.name) for case in PROVIDERS]


def _args(sandbox, case, applications, **options):
    args = dict(case.auth(sandbox), applications=applications, max_retries=3)
    args.update(options)
    return args


def _names(prefix, count):
    return ["%s%03d" % (prefix, number) for number in range(count)]


def _listing_reads(case, sandbox):
    return [entry for entry in sandbox.reads(case.name) if re.search(case.collection_path, entry["path"])]


@pytest.mark.parametrize("case", CASES)
def test_create_many_then_converged_run_only_lists(sandbox, run_module, case):
    module = _plural(case)
    apps = [case.desired(name) for name in _names("bulk-", MANY)]
    created = run_module(module.main, _args(sandbox, case, apps, parallel=8))
    assert created["summary"]["created"] == MANY, created.get("msg")
    assert created["summary"]["failed"] == 0
    records = sandbox.applications(case.name)
    assert sorted(case.record_name(record) for record in records) == _names("bulk-", MANY)
    assert all(entry["action"] == "created" and entry["id"] for entry in created["results"])

    sandbox.clear_requests()
    again = run_module(module.main, _args(sandbox, case, apps))
    assert again["changed"] is False
    assert again["summary"] == {"created": 0, "updated": 0, "unchanged": MANY, "deleted": 0, "failed": 0,
                                "requests": again["summary"]["requests"]}
    # The listing pages and nothing else.
    assert sandbox.writes(case.name) == []
    reads = sandbox.reads(case.name)
    assert reads == _listing_reads(case, sandbox)
    if case.name in ("vonage", "vobiz"):
        assert len(reads) == -(-MANY // PAGE)
    else:
        assert len(reads) == 1


# The sandbox record key of each provider's application name (for out-of-band renames).
RECORD_NAME_KEY = {"twilio": "friendly_name", "bandwidth": "AppName", "vobiz": "app_name", "vonage": "name", "telnyx": "application_name"}


def _ids_by_name(sandbox, case):
    found = {}
    for record in sandbox.applications(case.name):
        found.setdefault(case.record_name(record), []).append(case.record_id(record))
    return found


@pytest.mark.parametrize("case", CASES)
def test_drift_writes_only_what_differs_and_check_mode_never_writes(sandbox, run_module, case):
    module = _plural(case)
    names = _names("drift-", 12)
    run_module(module.main, _args(sandbox, case, [case.desired(name) for name in names]))
    wanted = [case.desired(name) for name in names]
    for index in (2, 5, 7):
        wanted[index] = case.changed(names[index])

    sandbox.clear_requests()
    checked = run_module(module.main, _args(sandbox, case, wanted), check_mode=True)
    assert sandbox.writes(case.name) == []
    assert len(sandbox.reads(case.name)) == 1  # one listing page, no lookup per application
    assert checked["changed"] is True
    assert checked["summary"]["updated"] == 3 and checked["summary"]["unchanged"] == 9
    assert [entry["name"] for entry in checked["results"] if entry["changed"]] == [names[2], names[5], names[7]]
    assert len(checked["diff"]) == 3
    assert all(names[index] in str(diff["before_header"]) for diff, index in zip(checked["diff"], (2, 5, 7), strict=True))

    sandbox.clear_requests()
    applied = run_module(module.main, _args(sandbox, case, wanted, parallel=3))
    assert applied["summary"]["updated"] == 3 and applied["summary"]["failed"] == 0
    writes = sandbox.writes(case.name)
    assert len(writes) == 3
    ids = {entry["id"] for entry in applied["results"] if entry["changed"]}
    assert all(any(str(app_id) in write["path"] for app_id in ids) for write in writes)

    sandbox.clear_requests()
    again = run_module(module.main, _args(sandbox, case, wanted))
    assert again["changed"] is False and sandbox.writes(case.name) == []


@pytest.mark.parametrize("case", CASES)
def test_one_failing_element_does_not_hide_the_others(sandbox, run_module, case):
    module = _plural(case)
    names = _names("part-", 4)
    first = run_module(module.main, _args(sandbox, case, [case.desired(name) for name in names]))
    victim = first["results"][1]["id"]
    # The provider refuses the write of one application (a 4xx); the others must still be applied.
    sandbox.fault(provider=case.name, kind="status", status=400, path=re.escape(str(victim)), method=case.update_method, count=None)
    wanted = [case.changed(name) for name in names] + [case.desired("part-new")]
    result = run_module(module.main, _args(sandbox, case, wanted))
    assert result["failed"] is True
    assert result["summary"]["failed"] == 1 and result["summary"]["updated"] == 3 and result["summary"]["created"] == 1
    assert "applications[1] (part-001)" in result["msg"] and "400" in result["msg"]
    assert "1 of 5 applications failed" in result["msg"]
    failed = [entry for entry in result["results"] if entry["failed"]]
    assert [entry["name"] for entry in failed] == ["part-001"]
    assert sorted(_ids_by_name(sandbox, case)) == sorted(names + ["part-new"])


@pytest.mark.parametrize("case", CASES)
def test_purge_deletes_inside_the_scope_only(sandbox, run_module, case):
    module = _plural(case)
    run_module(module.main, _args(sandbox, case, [case.desired(name) for name in
                                                  ["team-a-keep", "team-a-stale1", "team-a-stale2", "team-b-other", "loose"]]))
    declared = [case.desired("team-a-keep"), case.desired("team-a-new")]

    sandbox.clear_requests()
    planned = run_module(module.main, _args(sandbox, case, declared, purge=True, purge_scope="team-a-"), check_mode=True)
    assert sandbox.writes(case.name) == []
    assert sorted(entry["name"] for entry in planned["purged"]) == ["team-a-stale1", "team-a-stale2"]
    assert planned["summary"]["deleted"] == 2 and planned["summary"]["created"] == 1
    assert len(planned["diff"]) == 3

    done = run_module(module.main, _args(sandbox, case, declared, purge=True, purge_scope="team-a-"))
    assert done["summary"]["deleted"] == 2 and done["summary"]["failed"] == 0
    assert sorted(_ids_by_name(sandbox, case)) == ["loose", "team-a-keep", "team-a-new", "team-b-other"]
    deletes = [entry for entry in sandbox.writes(case.name) if entry["method"] == case.delete_method]
    assert len(deletes) == 2

    sandbox.clear_requests()
    again = run_module(module.main, _args(sandbox, case, declared, purge=True, purge_scope="team-a-"))
    assert again["changed"] is False and again["purged"] == [] and sandbox.writes(case.name) == []


@pytest.mark.parametrize("case", CASES)
def test_purge_without_scope_is_refused_before_any_request(sandbox, run_module, case):
    module = _plural(case)
    sandbox.clear_requests()
    result = run_module(module.main, _args(sandbox, case, [case.desired("x")], purge=True))
    assert result["failed"] is True
    assert "purge_scope is required" in result["msg"]
    assert sandbox.requests(case.name) == []


@pytest.mark.parametrize("case", CASES)
def test_bad_element_is_refused_before_any_request(sandbox, run_module, case):
    module = _plural(case)
    sandbox.clear_requests()
    bad_state = dict(case.desired("ok"), state="gone")
    result = run_module(module.main, _args(sandbox, case, [case.desired("fine"), bad_state]))
    assert result["failed"] is True
    assert "applications[1]" in result["msg"] and "state" in result["msg"] and "present" in result["msg"]
    unknown = run_module(module.main, _args(sandbox, case, [dict(case.desired("fine"), colour="blue")]))
    assert unknown["failed"] is True and "colour" in unknown["msg"] and "applications[0]" in unknown["msg"]
    # The single module's own input checks: a URL that is not one.
    url_option = {"twilio": "voice_url", "bandwidth": "inbound_callback_url", "vobiz": "hangup_url", "vonage": None,
                  "telnyx": "webhook_event_url"}[case.name]
    if url_option:
        bad_url = run_module(module.main, _args(sandbox, case, [dict(case.desired("fine"), **{url_option: "ftp://nowhere"})]))
        assert bad_url["failed"] is True and url_option in bad_url["msg"] and "applications[0] (fine)" in bad_url["msg"]
    # Credentials are the task's, once: an element that carries them is refused.
    credential = next(option for option in case.auth(sandbox) if option != "api_url")
    carried = run_module(module.main, _args(sandbox, case, [dict(case.desired("fine"), **{credential: "elsewhere"})]))
    assert carried["failed"] is True and credential in carried["msg"] and "applications[0]" in carried["msg"]
    too_many = run_module(module.main, _args(sandbox, case, [case.desired("fine")], parallel=0))
    assert too_many["failed"] is True and "parallel must be between 1 and 16" in too_many["msg"]
    twice = run_module(module.main, _args(sandbox, case, [case.desired("same"), case.desired("same")]))
    assert twice["failed"] is True and "both declare" in twice["msg"]
    assert sandbox.requests(case.name) == []


@pytest.mark.parametrize("case", CASES)
def test_duplicate_name_in_the_account(sandbox, run_module, case):
    module = _plural(case)
    first = run_module(module.main, _args(sandbox, case, [case.desired(name) for name in ("dup-1", "dup-2", "solo")]))
    twin = first["results"][1]["id"]
    sandbox.change(case.name, str(twin), {RECORD_NAME_KEY[case.name]: "dup-1"})
    result = run_module(module.main, _args(sandbox, case, [case.changed("dup-1"), case.changed("solo")],
                                           purge=True, purge_scope="dup-"))
    assert result["failed"] is True
    assert result["summary"]["failed"] == 1 and result["summary"]["updated"] == 1
    assert "2 %s applications are named 'dup-1'" % {"twilio": "Twilio", "bandwidth": "Bandwidth", "vobiz": "Vobiz",
                                                    "vonage": "Vonage", "telnyx": "Telnyx"}[case.name] in result["msg"]
    # Neither of the ambiguous applications is purged, nor changed.
    assert len(_ids_by_name(sandbox, case)["dup-1"]) == 2
    assert result["purged"] == []


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("fault", [{"kind": "drop"}, {"kind": "drop", "after": True}, {"kind": "status", "status": 500, "after": True},
                                   {"kind": "status", "status": 429, "retry_after": 0}],
                         ids=["drop", "drop-after-apply", "500-after-apply", "429"])
def test_faults_during_writes_make_no_duplicates_and_a_rerun_converges(sandbox, run_module, case, fault):
    module = _plural(case)
    names = _names("fault-", 6)
    sandbox.fault(provider=case.name, method=case.create_method, path=case.collection_path, count=2, **fault)
    first = run_module(module.main, _args(sandbox, case, [case.desired(name) for name in names], parallel=3))
    struck = [entry for entry in sandbox.requests(case.name) if entry.get("faults")]
    assert len(struck) == 2
    if fault == {"kind": "drop"}:
        # No answer to a create and nothing found by name: the create may still be under way, so it is not
        # retried blindly; those elements fail, the others are applied.
        assert first["failed"] is True and "may have been applied" in first["msg"]
        assert first["summary"]["created"] == 4 and first["summary"]["failed"] == 2
    else:
        assert first.get("failed") is not True, first.get("msg")
    found = _ids_by_name(sandbox, case)
    assert all(len(found.get(name, [])) <= 1 for name in names), found
    rerun = run_module(module.main, _args(sandbox, case, [case.desired(name) for name in names]))
    assert rerun.get("failed") is not True, rerun.get("msg")
    found = _ids_by_name(sandbox, case)
    assert sorted(found) == names and all(len(ids) == 1 for ids in found.values())
    sandbox.clear_requests()
    last = run_module(module.main, _args(sandbox, case, [case.desired(name) for name in names]))
    assert last["changed"] is False and sandbox.writes(case.name) == []


def test_a_refused_change_fails_its_element_only_and_write_only_rules_hold(sandbox, run_module):
    """Bandwidth: a service type cannot change, and a PUT that would drop callback credentials whose password
    is not given is refused; both before any write of that element, while the others are applied."""
    case = next(case for case in PROVIDERS if case.name == "bandwidth")
    module = _plural(case)
    run_module(module.main, _args(sandbox, case, [case.desired(name) for name in ("bw-a", "bw-b", "bw-c")]))
    retyped = dict(case.desired("bw-a"), service_type="Voice-V2")
    retyped.pop("inbound_callback_url")
    retyped.pop("outbound_callback_url")
    retyped.pop("inbound_callback_creds")
    retyped["call_initiated_callback_url"] = "https://hooks.example.com/bw/voice"
    no_password = dict(case.changed("bw-b"), inbound_callback_creds={"user_id": "bw-hooks"}, update_password="always")
    sandbox.clear_requests()
    result = run_module(module.main, _args(sandbox, case, [retyped, no_password, case.changed("bw-c")]))
    assert result["failed"] is True
    assert result["summary"]["updated"] == 1 and result["summary"]["failed"] == 2
    assert "applications[0] (bw-a): service_type cannot be changed" in result["msg"]
    assert "applications[1] (bw-b): Bandwidth application" in result["msg"]
    assert "Supply inbound_callback_creds.password" in result["msg"]
    writes = sandbox.writes(case.name)
    assert len(writes) == 1 and writes[0]["path"].endswith(str(result["results"][2]["id"]))
