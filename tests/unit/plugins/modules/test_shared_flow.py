# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared idempotent flow, run through every provider's module against the sandbox.

Driven by the registry: a provider in the registry without a case in the reliability table
(tests/unit/plugins/reliability/providers.py) fails here. What only one provider does stays in
its own test_<provider>_application.py."""

from __future__ import annotations

import pytest
from ansible_collections.cpaas.callbacks.plugins.module_utils import _registry
from ansible_collections.cpaas.callbacks.tests.unit.plugins.reliability.providers import PROVIDERS as CASES

CASE_OF = {case.name: case for case in CASES}


@pytest.fixture(params=_registry.NAMES)
def case(request):
    assert request.param in CASE_OF, "provider %s has no case in reliability/providers.py" % request.param
    found = CASE_OF[request.param]
    assert found.module is not None and found.info is not None, "provider %s has no modules" % request.param
    return found


def options(case, sandbox, name, **extra):
    return dict(case.auth(sandbox), **dict(case.desired(name), **extra))


def test_second_run_is_one_read_and_no_write(sandbox, run_module, case):
    task = options(case, sandbox, "shared-rerun")
    assert run_module(case.module.main, task)["changed"] is True
    sandbox.clear_requests()

    result = run_module(case.module.main, task)

    assert result["changed"] is False, result
    assert result["differences"] == []
    assert len(sandbox.reads(case.name)) == 1
    assert sandbox.writes(case.name) == []


def test_check_mode_create_writes_nothing(sandbox, run_module, case):
    result = run_module(case.module.main, options(case, sandbox, "shared-dry"), check_mode=True)

    assert result["changed"] is True, result
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"][case.name_option] == "shared-dry"
    assert sandbox.writes(case.name) == []
    assert sandbox.applications(case.name) == []


def test_check_mode_reports_out_of_band_drift_without_writing(sandbox, run_module, case):
    desired = options(case, sandbox, "shared-drift")
    run_module(case.module.main, desired)
    # Someone else changes the application (the same change the module would make, made by another run).
    changed = dict(case.auth(sandbox), **case.changed("shared-drift"))
    assert run_module(case.module.main, changed)["changed"] is True
    at_provider = sandbox.applications(case.name)
    sandbox.clear_requests()

    result = run_module(case.module.main, desired, check_mode=True)

    assert result["changed"] is True, result
    assert result["differences"], result
    assert result["diff"]["before"] != result["diff"]["after"]
    assert sandbox.writes(case.name) == []
    assert sandbox.applications(case.name) == at_provider


def test_absent_deletes_then_reports_no_change(sandbox, run_module, case):
    run_module(case.module.main, options(case, sandbox, "shared-gone"))
    absent = dict(case.auth(sandbox), state="absent", **{case.name_option: "shared-gone"})

    deleted = run_module(case.module.main, absent)
    again = run_module(case.module.main, absent)

    assert deleted["changed"] is True and deleted["diff"]["after"] == {}
    assert deleted["diff"]["before"][case.name_option] == "shared-gone"
    assert again["changed"] is False
    assert sandbox.applications(case.name) == []
    assert [entry["method"] for entry in sandbox.writes(case.name)][-2:] == [case.create_method, case.delete_method]


def test_absent_in_check_mode_deletes_nothing(sandbox, run_module, case):
    run_module(case.module.main, options(case, sandbox, "shared-keep"))
    sandbox.clear_requests()

    result = run_module(case.module.main, dict(case.auth(sandbox), state="absent", **{case.name_option: "shared-keep"}), check_mode=True)

    assert result["changed"] is True
    assert result["diff"]["after"] == {}
    assert sandbox.writes(case.name) == []
    assert len(sandbox.applications(case.name)) == 1
