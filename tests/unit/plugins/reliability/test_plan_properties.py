# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based tests of the compare-and-plan logic of every provider adapter.

For any application a provider may hold and any task: planning the task against the
application, taking the planned application as the provider's new state, and planning
the same task again must leave nothing to do (idempotence). And a task that reports
no difference must plan an application the flow would leave as it is.

Tasks are drawn from each module's own argument spec (every option, with its choices
and suboptions), so a new option or provider is covered without a new strategy.
"""

from __future__ import annotations

import copy

import pytest
from ansible_collections.cpaas.callbacks.plugins.module_utils import _registry
from ansible_collections.cpaas.callbacks.plugins.module_utils.application import merge
from ansible_collections.cpaas.callbacks.tests.unit.plugins.reliability.providers import LANDED, provider_ids
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = 100  # per provider and property: enough to find a broken plan, bounded for CI
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Options that do not describe the application (how to reach it, what to do, where to find it).
NOT_FIELDS = {"state", "api_url", "timeout", "max_retries", "validate_certs", "update_password", "private_key_path",
              "account_sid", "auth_token", "api_key", "api_secret", "account_id", "username", "password",
              "auth_id", "remove_capabilities"}
URLS = ["", "https://hooks.example.com/a", "https://hooks.example.com/b?x=1", "https://u:pw@hooks.example.com/c",
        "http://127.0.0.1:8080/d"]
TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=12)


def _adapter_class(case):
    utils = _registry.entry(case.name).adapter_module()
    return utils.ADAPTER, utils.APPLICATION_ARGUMENT_SPEC


def _value(option, spec):
    kind = spec.get("type", "str")
    if spec.get("choices"):
        if kind == "list":
            return st.lists(st.sampled_from(spec["choices"]), unique=True, max_size=3)
        return st.sampled_from(spec["choices"])
    if kind == "bool":
        return st.booleans()
    if kind == "int":
        return st.integers(min_value=1, max_value=10000)
    if kind == "dict":
        if not spec.get("options"):
            return st.just({})
        return _params(spec["options"])
    if kind == "list":
        return st.lists(TEXT, max_size=3)
    if option.endswith(("url", "callback", "address")):
        return st.sampled_from(URLS)
    if option in ("user_id",):
        return TEXT
    if "password" in option:
        return st.sampled_from(["pw-one", "pw-two"])
    return TEXT


def _params(spec):
    """Every option of ``spec``: None (not set) or a value of its type."""
    return st.fixed_dictionaries({
        option: st.one_of(st.none(), _value(option, sub)) for option, sub in spec.items() if option not in NOT_FIELDS
    })


def _adapter(case, params):
    adapter_class, spec = _adapter_class(case)
    full = {option: None for option in spec}
    full.update(params)
    full["update_password"] = "on_create"  # "always" sends write-only secrets on every run, by design
    # An adapter from options alone (no client, no requests): what it needs to compare and plan.
    return adapter_class(full, client=object())


def _strategies(case):
    _adapter_class_, spec = _adapter_class(case)
    return _params(spec)


@pytest.mark.parametrize("case", LANDED, ids=provider_ids(LANDED))
def test_applying_a_plan_then_planning_again_leaves_nothing_to_do(case):
    @SETTINGS
    @given(have=_strategies(case), task=_strategies(case))
    def check(have, task):
        current_adapter = _adapter(case, have)
        current = current_adapter.planned(None, current_adapter.desired_state())
        current[current_adapter.id_key] = "existing-id"
        adapter = _adapter(case, task)
        desired = adapter.desired_state()

        after = adapter.planned(copy.deepcopy(current), desired)
        again = adapter.differences(after, desired)

        assert again == {}, "planned %r from %r for %r, still differs: %r" % (after, current, desired, again)

    check()


@pytest.mark.parametrize("case", LANDED, ids=provider_ids(LANDED))
def test_no_difference_means_the_plan_changes_nothing_managed(case):
    @SETTINGS
    @given(task=_strategies(case))
    def check(task):
        adapter = _adapter(case, task)
        desired = adapter.desired_state()
        current = adapter.planned(None, desired)

        assert adapter.differences(current, desired) == {}, "a fresh application differs from the task that made it: %r" % current

    check()


@settings(max_examples=300, deadline=None, derandomize=True)
@given(base=st.recursive(st.dictionaries(TEXT, st.none() | st.booleans() | TEXT, max_size=4),
                         lambda children: st.dictionaries(TEXT, children, max_size=3), max_leaves=12),
       overlay=st.recursive(st.dictionaries(TEXT, st.none() | st.booleans() | TEXT, max_size=4),
                            lambda children: st.dictionaries(TEXT, children, max_size=3), max_leaves=12))
def test_merge_is_idempotent_and_leaves_its_inputs_alone(base, overlay):
    base_before, overlay_before = copy.deepcopy(base), copy.deepcopy(overlay)

    once = merge(base, overlay)

    assert merge(once, overlay) == once
    assert base == base_before and overlay == overlay_before
