# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Outcomes that used to go unreported.

- A Vobiz write is answered with an acknowledgement, and the application is read back after
  it: when that read fails, the write has still happened, so the run says ``changed`` (with a
  warning), never ``failed, changed: false`` followed by an ``ok`` rerun.
- Two runs converging one application at the same time both find nothing and both create:
  after a create the module looks again by name and fails, naming both ids.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest
from ansible_collections.cpaas.callbacks.plugins.modules import vobiz_application
from ansible_collections.cpaas.callbacks.tests.unit.plugins.reliability.providers import LANDED, provider_ids

VOBIZ = [case for case in LANDED if case.name == "vobiz"][0]
ITEM_GET = r"/Application/[0-9]+/$"


def stored_id(sandbox):
    [stored] = sandbox.applications("vobiz")
    return stored["app_id"]


def _vobiz_task(sandbox, **options):
    return dict(VOBIZ.auth(sandbox), max_retries=0, **dict(VOBIZ.desired("read-back"), **options))


def test_a_vobiz_update_whose_read_back_fails_reports_changed_with_a_warning(sandbox, run_module):
    assert run_module(vobiz_application.main, _vobiz_task(sandbox))["changed"] is True
    sandbox.fault(provider="vobiz", method="GET", path=ITEM_GET, kind="status", status=500, count=None)
    task = _vobiz_task(sandbox, message_url="https://hooks.example.com/vobiz/message-v9")

    result = run_module(vobiz_application.main, task)

    assert not result.get("failed"), result
    assert result["changed"] is True
    assert result["application"]["message_url"] == "https://hooks.example.com/vobiz/message-v9"
    warnings = json.dumps(result.get("warnings", []))
    assert "reading it back failed" in warnings and "updated application %s" % stored_id(sandbox) in warnings, result
    [stored] = sandbox.applications("vobiz")
    assert stored["message_url"] == "https://hooks.example.com/vobiz/message-v9"


def test_a_vobiz_create_whose_read_back_fails_reports_changed_with_the_new_id(sandbox, run_module):
    sandbox.fault(provider="vobiz", method="GET", path=ITEM_GET, kind="status", status=500, count=None)

    result = run_module(vobiz_application.main, _vobiz_task(sandbox))

    assert not result.get("failed"), result
    assert result["changed"] is True
    [stored] = sandbox.applications("vobiz")
    assert result["application"]["app_id"] == stored["app_id"]
    assert "created application %s, but reading it back failed" % stored["app_id"] in json.dumps(result.get("warnings", [])), result


def _run_in_process(case, args):
    """Run a module in its own Python process, as Ansible does; returns its result."""
    module = case.module.__name__
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
    completed = subprocess.run([sys.executable, "-m", module], input=json.dumps({"ANSIBLE_MODULE_ARGS": args}),
                               capture_output=True, text=True, env=env, timeout=120, check=False)
    try:
        return json.loads(completed.stdout)
    except ValueError:
        raise AssertionError("no module result: %s %s" % (completed.stdout, completed.stderr)) from None


@pytest.mark.parametrize("case", LANDED, ids=provider_ids(LANDED))
def test_two_runs_that_create_at_once_both_fail_naming_both_ids(sandbox, case):
    name = "twin-%s" % case.name
    task = dict(case.auth(sandbox), **case.desired(name))
    # A slow create: both runs list (nothing there), then both create.
    sandbox.fault(provider=case.name, method=case.create_method, path=case.collection_path, kind="delay", delay=5, count=2)
    results = [None, None]

    def converge(index):
        results[index] = _run_in_process(case, task)

    runs = [threading.Thread(target=converge, args=(index,)) for index in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()

    created = [record for record in sandbox.applications(case.name) if case.record_name(record) == name]
    assert len(created) == 2, "the two runs did not race (precondition): %r" % results
    ids = sorted(str(case.record_id(record)) for record in created)
    # Each run created one application. The run whose create finished last sees the other's and
    # fails naming both (the first may finish before the second application exists).
    assert all(result["changed"] is True for result in results), results
    failed = [result for result in results if result.get("failed")]
    assert failed, "neither run reported the twin: %r" % results
    for result in failed:
        assert ids[0] in result["msg"] and ids[1] in result["msg"], result["msg"]
        assert "at the same time" in result["msg"], result["msg"]
