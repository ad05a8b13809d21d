# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""<provider>_applications (whole-account converge) against the sandbox, for every provider.

A few hundred applications per provider (Vonage and Vobiz list them in pages of 100),
asserted on the wire: one listing, writes only for what differs, per-element failures,
purge inside and never outside its scope, faults during writes, a duplicate name."""

from __future__ import annotations

import importlib

import pytest
from ansible_collections.cpaas.callbacks.tests.unit.plugins.reliability.providers import PROVIDERS, provider_ids

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
    import re
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
