# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The provider-independent compare-and-plan rules of the idempotent flow."""

from __future__ import annotations

import pytest
from ansible_collections.cpaas.callbacks.plugins.module_utils.application import (
    ApplicationAdapter,
    ModuleInputError,
    ensure_application,
    merge,
    prune_unset,
)
from ansible_collections.cpaas.callbacks.plugins.module_utils.http_client import ProviderError


class Adapter(ApplicationAdapter):
    defaults = {"voice.method": "POST"}

    def make_client(self):
        return None


def adapter():
    return Adapter({})


def test_only_set_fields_are_compared_and_nested_paths_are_named():
    current = {"name": "a", "voice": {"url": "https://x.example.com", "method": "GET"}, "other": 1}
    desired = {"voice": {"url": "https://y.example.com"}}
    assert adapter().differences(current, desired) == {"voice.url": ("https://x.example.com", "https://y.example.com")}


def test_provider_default_and_empty_values_are_not_drift():
    current = {"voice": {"method": None, "fallback": None}}
    desired = {"voice": {"method": "POST", "fallback": ""}}
    assert adapter().differences(current, desired) == {}


def test_empty_object_means_present():
    assert adapter().differences({"vbc": None}, {"vbc": {}}) == {"vbc": (None, {})}
    assert adapter().differences({"vbc": {}}, {"vbc": {}}) == {}


def test_merge_lays_desired_over_current_without_touching_either():
    current = {"a": {"b": 1, "c": 2}, "d": 3}
    merged = merge(current, {"a": {"b": 9}})
    assert merged == {"a": {"b": 9, "c": 2}, "d": 3}
    assert current == {"a": {"b": 1, "c": 2}, "d": 3}


def test_prune_unset_keeps_meaningful_empties():
    assert prune_unset({"a": None, "b": "", "c": {}, "d": {"e": None, "f": 1}}) == {"b": "", "c": {}, "d": {"f": 1}}


# ---- the flow itself, with a fake provider built from a dict of options ---------------------


class FakeClient:
    max_retries = 2


class MemoryAdapter(ApplicationAdapter):
    """A provider that keeps its applications in memory and records every call."""

    provider = "Memory"
    secret_keys = ("token",)

    def __init__(self, params, apps=None, failures=(), **kwargs):
        super().__init__(params, client=FakeClient(), **kwargs)
        self.apps = {} if apps is None else apps
        self.calls = []
        self.failures = list(failures)  # (call, ProviderError, applied): raised once, in order

    def _fail(self, call, desired=None):
        if self.failures and self.failures[0][0] == call:
            _call, error, applied = self.failures.pop(0)
            if applied:
                self._store(desired)
            raise error

    def _store(self, desired):
        app = dict(desired, id="app-%d" % (len(self.apps) + 1))
        self.apps[app["id"]] = app
        return app

    def get(self, app_id):
        self.calls.append("get")
        return self.apps.get(app_id)

    def list(self, name=None):
        self.calls.append("list")
        return list(self.apps.values())

    def create(self, desired):
        self.calls.append("create")
        self._fail("create", desired)
        return self._store(desired)

    def update(self, current, desired, changes):
        self.calls.append("update")
        current.update(desired)
        return current

    def delete(self, current):
        self.calls.append("delete")
        del self.apps[current["id"]]

    def desired_state(self):
        return {key: value for key, value in self.params.items() if key in ("name", "url", "token") and value is not None}

    def after_apply(self, result, check_mode):
        result["hook"] = "check" if check_mode else "applied"
        return result


def memory(apps=None, **params):
    return MemoryAdapter(dict({"state": "present", "id": None, "name": "app"}, **params), apps=apps)


def writes(adapter):
    return [call for call in adapter.calls if call in ("create", "update", "delete")]


def test_check_mode_create_plans_without_writing_and_the_hook_sees_check_mode():
    adapter = memory(url="https://a.example.com", token="s3cret")
    result = ensure_application(adapter, check_mode=True)
    assert result["changed"] is True and writes(adapter) == [] and adapter.apps == {}
    assert result["diff"] == {"before": {}, "after": {"name": "app", "url": "https://a.example.com", "token": "********"}}
    assert result["hook"] == "check"


def test_create_then_rerun_changes_nothing():
    apps = {}
    created = ensure_application(memory(apps, url="https://a.example.com"))
    assert created["changed"] is True and created["application"]["id"] == "app-1" and created["hook"] == "applied"
    rerun = memory(apps, url="https://a.example.com")
    result = ensure_application(rerun)
    assert result == {"changed": False, "application": apps["app-1"], "differences": [], "hook": "applied"}
    assert writes(rerun) == []


def test_update_in_check_mode_reports_the_difference_and_writes_nothing():
    apps = {"app-1": {"id": "app-1", "name": "app", "url": "https://old.example.com"}}
    adapter = memory(apps, url="https://new.example.com")
    result = ensure_application(adapter, check_mode=True)
    assert result["differences"] == ["url"] and result["changed"] is True
    assert result["diff"]["before"]["url"] == "https://old.example.com" and result["diff"]["after"]["url"] == "https://new.example.com"
    assert writes(adapter) == [] and apps["app-1"]["url"] == "https://old.example.com"


def test_absent_in_check_mode_deletes_nothing_and_absent_deletes():
    apps = {"app-1": {"id": "app-1", "name": "app"}}
    planned = ensure_application(memory(apps, state="absent"), check_mode=True)
    assert planned["changed"] is True and apps
    done = ensure_application(memory(apps, state="absent"))
    assert done["changed"] is True and apps == {}
    assert ensure_application(memory(apps, state="absent"))["changed"] is False


def test_bad_input_fails_before_any_call():
    adapter = memory()
    adapter.check_input = lambda: ["url must be a URL"]
    with pytest.raises(ModuleInputError, match="url must be a URL"):
        ensure_application(adapter)
    assert adapter.calls == []


def test_a_failed_look_for_twins_after_a_create_is_a_warning_not_a_failure():
    warnings = []
    adapter = MemoryAdapter({"state": "present", "id": None, "name": "app"}, warn=warnings.append)
    looks = []

    def find_by_name(name):
        looks.append(name)
        if len(looks) > 1:  # the look after the create
            raise ProviderError("Memory", "GET", "/apps", status=503)
        return []

    adapter.find_by_name = find_by_name
    result = ensure_application(adapter)
    assert result["changed"] is True and writes(adapter) == ["create"]
    assert len(warnings) == 1 and "was created, but looking for another application of the same name failed" in warnings[0]


def test_create_recovering_finds_a_create_that_was_applied_and_never_creates_twice():
    adapter = memory(url="https://a.example.com")
    adapter.failures = [("create", ProviderError("Memory", "POST", "/apps", status=500, outcome_unknown=True), True)]
    application = adapter.create_recovering({"name": "app", "url": "https://a.example.com"})
    assert application["id"] == "app-1" and len(adapter.apps) == 1
    assert writes(adapter) == ["create"]


def test_create_recovering_tries_again_when_the_create_was_not_applied():
    adapter = memory(url="https://a.example.com")
    adapter.failures = [("create", ProviderError("Memory", "POST", "/apps", status=500, outcome_unknown=True), False)]
    application = adapter.create_recovering({"name": "app", "url": "https://a.example.com"})
    assert application["id"] == "app-1" and writes(adapter) == ["create", "create"] and len(adapter.apps) == 1


def test_create_recovering_stops_when_no_answer_came():
    adapter = memory(url="https://a.example.com")
    adapter.failures = [("create", ProviderError("Memory", "POST", "/apps", status=None, outcome_unknown=True), False)]
    with pytest.raises(ProviderError):
        adapter.create_recovering({"name": "app", "url": "https://a.example.com"})
    assert writes(adapter) == ["create"]


def test_a_clear_refusal_is_never_retried():
    adapter = memory(url="https://a.example.com")
    adapter.failures = [("create", ProviderError("Memory", "POST", "/apps", status=400), False)]
    with pytest.raises(ProviderError):
        adapter.create_recovering({"name": "app", "url": "https://a.example.com"})
    assert writes(adapter) == ["create"] and "list" not in adapter.calls
