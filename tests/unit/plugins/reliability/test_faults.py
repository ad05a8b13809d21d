# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every provider module against every kind of fault on every kind of request.

The sandbox answers one request with 429 (Retry-After), 500, 502, 503, drops the
connection, or answers after the module's timeout; for writes also *after* applying
the request (the provider did it, the client never heard). Afterwards a user must
find: no duplicate application, no lost credential, no half-written application, and
either a converged run or a failure that says what happened; a rerun converges and
the run after that changes nothing.
"""

from __future__ import annotations

import time

import pytest
from ansible_collections.cpaas.callbacks.tests.unit.plugins.reliability.providers import LANDED, provider_ids

TIMEOUT = 1          # the module's timeout option (seconds)
LATE = 2             # a late answer comes this long after the request

FAULTS = {
    "429": {"kind": "status", "status": 429, "retry_after": 1},
    "500": {"kind": "status", "status": 500},
    "502": {"kind": "status", "status": 502},
    "503": {"kind": "status", "status": 503},
    "drop": {"kind": "drop"},
    "late": {"kind": "delay", "delay": LATE},
}
# The request kinds a module sends, each with the precondition it needs.
REQUESTS = ("list", "get", "create", "update", "delete")
WRITES = ("create", "update", "delete")

CASES = []
for _request in REQUESTS:
    for _fault in FAULTS:
        CASES.append(pytest.param(_request, _fault, False, id="%s-%s" % (_request, _fault)))
        if _request in WRITES and _fault != "429":  # a 429 is never applied
            CASES.append(pytest.param(_request, _fault, True, id="%s-%s-after-apply" % (_request, _fault)))


def _path_and_method(case, request):
    return {
        "list": (case.collection_path, "GET"),
        "get": (case.item_path, "GET"),
        "create": (case.collection_path, case.create_method),
        "update": (case.item_path, case.update_method),
        "delete": (case.item_path, case.delete_method),
    }[request]


def _wait_until_struck(sandbox, fault_id, limit=15):
    """Wait (bounded) until the request the fault struck has been answered and logged,
    so a late request cannot land after the checks."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if any(fault_id == struck.get("id") for entry in sandbox.requests() for struck in entry.get("faults") or []):
            return
        time.sleep(0.1)
    raise AssertionError("the injected fault %s never struck a request" % fault_id)


def _named(sandbox, case, name):
    return [record for record in sandbox.applications(case.name) if case.record_name(record) == name]


def _mismatches(have, wanted, prefix=""):
    """{path: (provider value, wanted value)} for every wanted field (nested dicts: every wanted leaf)."""
    wrong = {}
    for key, value in wanted.items():
        got = have.get(key) if isinstance(have, dict) else None
        if isinstance(value, dict) and value:
            wrong.update(_mismatches(got or {}, value, prefix + key + "."))
        elif got != value:
            wrong[prefix + key] = (got, value)
    return wrong


def _assert_looks_like(case, record, options):
    wrong = _mismatches(case.canonical(record), options)
    assert not wrong, "half-written or lost fields {field: (provider, wanted)}: %r" % wrong


@pytest.mark.parametrize("case", LANDED, ids=provider_ids(LANDED))
@pytest.mark.parametrize("request_kind, fault_name, after", CASES)
def test_fault_then_rerun_converges_without_duplicates_or_losses(sandbox, run_module, case, request_kind, fault_name, after):
    name = "fault-%s-%s" % (request_kind, fault_name)
    base = dict(case.auth(sandbox), max_retries=3)
    task = dict(base, **case.desired(name))
    if request_kind != "create":
        created = run_module(case.module.main, task)
        assert created["changed"] is True and not created.get("failed"), created
    app_id = case.record_id(_named(sandbox, case, name)[0]) if request_kind != "create" else None
    if request_kind == "get":
        task = dict(base, **case.desired(name))
        task[case.id_option] = app_id
    elif request_kind == "update":
        task = dict(base, **case.changed(name))
    elif request_kind == "delete":
        task = dict(base, state="absent", **{case.name_option: name})
    path, method = _path_and_method(case, request_kind)
    fault = sandbox.fault(provider=case.name, method=method, path=path, after=after, **FAULTS[fault_name])
    sandbox.clear_requests()

    # Only the run under fault has the short timeout (a late answer must outlast it).
    result = run_module(case.module.main, dict(task, timeout=TIMEOUT))
    _wait_until_struck(sandbox, fault["id"])

    if result.get("failed"):
        message = result["msg"]
        assert case.name.lower() in message.lower() and method in message, message
        assert "Traceback" not in message
    else:
        assert result["changed"] is (request_kind in WRITES), result
    # A rerun converges, and the run after it has nothing left to do.
    rerun = run_module(case.module.main, task)
    assert not rerun.get("failed"), rerun
    settled = run_module(case.module.main, task)
    assert settled["changed"] is False and not settled.get("failed"), settled

    remaining = _named(sandbox, case, name)
    if request_kind == "delete":
        assert remaining == []
        return
    assert len(remaining) == 1, "duplicate applications: %r" % [case.record_id(r) for r in remaining]
    if app_id is not None:
        assert case.record_id(remaining[0]) == app_id
    wanted = {key: value for key, value in task.items() if key in case.desired(name) and key != case.id_option}
    _assert_looks_like(case, remaining[0], wanted)


@pytest.mark.parametrize("case", LANDED, ids=provider_ids(LANDED))
@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_a_provider_that_keeps_failing_gives_a_clear_failure_and_a_rerun_converges(sandbox, run_module, case, status):
    name = "persistent-%d" % status
    task = dict(case.auth(sandbox), max_retries=1, **case.desired(name))
    fault = sandbox.fault(provider=case.name, kind="status", status=status, retry_after=0, count=None)

    result = run_module(case.module.main, task)

    assert result.get("failed") is True, result
    message = result["msg"]
    assert result["status"] == status
    assert "HTTP %d" % status in message and case.name.lower() in message.lower()
    assert "again" in message.lower(), "the failure does not say what to do: %s" % message
    assert sandbox.writes(case.name) == [] or status != 429
    sandbox.control("DELETE", "faults/%d" % fault["id"])
    assert run_module(case.module.main, task)["changed"] is True
    assert run_module(case.module.main, task)["changed"] is False
    assert len(_named(sandbox, case, name)) == 1
