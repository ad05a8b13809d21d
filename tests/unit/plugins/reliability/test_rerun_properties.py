# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property over the real modules and the sandbox: for any text the module accepts, create then
rerun gives ``changed: false`` and no write.

A provider that stores a value differently from how it was sent (Bandwidth trims the text of its
XML elements) makes a module that compares the raw value create or update on every run. The
module must either compare the stored form or refuse the input before any request; this test
draws names (and Bandwidth's callback user ids) from all of Unicode, whitespace and padding
included, and holds every provider to one of the two outcomes.
"""

from __future__ import annotations

import pytest
from ansible_collections.cpaas.callbacks.tests.unit.plugins.reliability.providers import LANDED, provider_ids
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Any character a task can carry (YAML and JSON give no lone surrogates), biased towards the ones
# providers are known to treat specially.
AWKWARD = st.sampled_from([" ", "\t", "\n", "\u00a0", "\u3000", "\ufffe", "&", "<", "é", "\U0001f600", "-", "_"])
TEXT = st.lists(st.one_of(st.characters(blacklist_categories=("Cs",)), AWKWARD, st.sampled_from("abcXYZ019")), min_size=0, max_size=70).map("".join)


def _rerun_is_quiet(sandbox, run_module, case, task):
    sandbox.reset()
    first = run_module(case.module.main, task)
    if first.get("failed"):
        assert sandbox.requests() == [], "refused, but only after requests: %s" % first["msg"]
        return
    assert first["changed"] is True, first
    sandbox.clear_requests()

    second = run_module(case.module.main, task)

    assert not second.get("failed"), second
    assert second["changed"] is False, "the rerun of %r changed %s" % (task, second.get("differences"))
    assert sandbox.writes(case.name) == [], "the rerun wrote: %r" % sandbox.writes(case.name)


@pytest.mark.parametrize("case", LANDED, ids=provider_ids(LANDED))
@SETTINGS
@given(name=TEXT)
@example(name="  padded bw  ")
@example(name="plain-name")
def test_for_any_accepted_name_a_rerun_changes_nothing(sandbox_server, run_module, case, name):
    task = dict(case.auth(sandbox_server), **case.desired(name))
    _rerun_is_quiet(sandbox_server, run_module, case, task)


BANDWIDTH = [case for case in LANDED if case.name == "bandwidth"]


@pytest.mark.parametrize("case", BANDWIDTH, ids=provider_ids(BANDWIDTH))
@SETTINGS
@given(user_id=TEXT)
@example(user_id=" hook user ")
@example(user_id="hook-user")
def test_for_any_accepted_callback_user_a_rerun_changes_nothing(sandbox_server, run_module, case, user_id):
    task = dict(case.auth(sandbox_server), **case.desired("bw-user-property"))
    task["inbound_callback_creds"] = dict(task["inbound_callback_creds"], user_id=user_id)
    _rerun_is_quiet(sandbox_server, run_module, case, task)
