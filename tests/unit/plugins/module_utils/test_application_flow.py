# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The provider-independent compare-and-plan rules of the idempotent flow."""

from __future__ import annotations

from ansible_collections.cpaas.callbacks.plugins.module_utils.application import ApplicationAdapter, merge, prune_unset


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
