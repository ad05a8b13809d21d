# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets appear nowhere: a representative life of an application per provider.

Create (with a password inside a callback URL, callback credentials, a private key
written to a file), rerun, drift found in check mode with a diff, update, list,
refused credentials, a provider that keeps failing, delete. Every result and every
module log line of it is searched for every secret by the ``run_module`` of this
folder's conftest (as for the fault and hostile-input suites).
"""

from __future__ import annotations

import pytest
from ansible_collections.cpaas.callbacks.tests.unit.plugins.reliability.providers import LANDED, URL_PASSWORD, provider_ids

WRONG_SECRET = "wrong-secret-Pq93za"
SECRET_OPTION = {"twilio": "auth_token", "bandwidth": "password", "vonage": "api_secret", "vobiz": "auth_token", "telnyx": "api_key"}


def _named(sandbox, case, name):
    return [record for record in sandbox.applications(case.name) if case.record_name(record) == name]


@pytest.mark.parametrize("case", LANDED, ids=provider_ids(LANDED))
def test_no_secret_in_any_result_diff_error_or_log(sandbox, run_module, secret_watch, case, tmp_path):
    secret_watch.add(WRONG_SECRET)
    name = "secret-life"
    base = dict(case.auth(sandbox), max_retries=0)
    task = dict(base, **case.desired(name))
    if case.name == "vonage":
        task["private_key_path"] = str(tmp_path / "private.pem")

    created = run_module(case.module.main, task)
    assert created["changed"] is True, created
    if case.name == "vonage":
        private_key = (tmp_path / "private.pem").read_text()
        assert "PRIVATE KEY" in private_key
        secret_watch.add(private_key.strip().splitlines()[1])  # a line of the key body is enough to find a leak
    app_id = case.record_id(_named(sandbox, case, name)[0])
    assert run_module(case.module.main, task)["changed"] is False

    changed = case.changed(name)
    drift = run_module(case.module.main, dict(base, **changed), check_mode=True)
    assert drift["changed"] is True and drift["diff"]["before"] and drift["diff"]["after"]
    updated = run_module(case.module.main, dict(base, **changed))
    assert updated["changed"] is True
    listed = run_module(case.info.main, base)
    assert len(listed["applications"]) == 1
    one = run_module(case.info.main, dict(base, **{case.id_option: app_id}))
    assert len(one["applications"]) == 1

    refused = run_module(case.module.main, dict(task, **{SECRET_OPTION[case.name]: WRONG_SECRET}))
    assert refused.get("failed") is True and refused["status"] in (401, 403)
    sandbox.fault(provider=case.name, kind="status", status=503, count=None)
    failing = run_module(case.module.main, dict(base, **changed))
    assert failing.get("failed") is True
    sandbox.control("DELETE", "faults")

    gone = run_module(case.module.main, dict(base, state="absent", **{case.id_option: app_id}))
    assert gone["changed"] is True and _named(sandbox, case, name) == []
    # The watch saw every run, and what the modules logged.
    assert secret_watch.checked == 2 * 9 and secret_watch.log_lines > 0


def test_the_watch_finds_a_planted_secret(secret_watch):
    leaky = {"changed": True, "diff": {"after": {"voice_url": "https://u:%s@h.example.com/" % URL_PASSWORD}}}

    with pytest.raises(AssertionError, match="secret"):
        secret_watch.check("a planted result", leaky)
    secret_watch.check("a clean result", {"voice_url": "https://u:********@h.example.com/"})
