# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures that run modules for real against the provider sandbox on loopback.

Every module test goes over the wire: the sandbox records each request, so tests
assert what a user would notice (the requests sent, the state left at the
provider, ``changed``, the diff, the error message).
"""

from __future__ import annotations

import json

import pytest
import requests
from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

from cpaas_sandbox.credentials import defaults as sandbox_defaults
from cpaas_sandbox.testing import running_sandbox


class Sandbox:
    def __init__(self, url):
        self.url = url
        self.credentials = sandbox_defaults()

    def control(self, method, path, **kwargs):
        response = requests.request(method, self.url + "/_sandbox/" + path.lstrip("/"), timeout=10, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self):
        self.control("POST", "reset")

    def requests(self, provider=None):
        """The provider API requests the sandbox received, oldest first."""
        entries = self.control("GET", "requests")
        entries = entries.get("requests", entries) if isinstance(entries, dict) else entries
        return [entry for entry in entries if provider is None or entry.get("provider") == provider]

    def clear_requests(self):
        self.control("DELETE", "requests")

    def writes(self, provider=None):
        return [entry for entry in self.requests(provider) if entry["method"] not in ("GET", "HEAD")]

    def reads(self, provider=None):
        return [entry for entry in self.requests(provider) if entry["method"] in ("GET", "HEAD")]

    def applications(self, provider):
        data = self.control("GET", "%s/applications" % provider)
        return data.get("applications", data) if isinstance(data, dict) else data

    def change(self, provider, app_id, fields):
        """Change an application behind the modules' back (an out-of-band edit)."""
        return self.control("PATCH", "%s/applications/%s" % (provider, app_id), json=fields)

    def fault(self, **spec):
        return self.control("POST", "faults", json=spec)


@pytest.fixture(scope="session")
def sandbox_server():
    with running_sandbox() as url:
        yield Sandbox(url)


@pytest.fixture
def sandbox(sandbox_server):
    sandbox_server.reset()
    yield sandbox_server
    sandbox_server.reset()


@pytest.fixture
def run_module(capsys):
    """run_module(main, args, check_mode=False, diff=True) -> the module's result dict."""

    def run(main, args, check_mode=False, diff=True):
        args = dict(args)
        args["_ansible_check_mode"] = check_mode
        args["_ansible_diff"] = diff
        # Run as a real module process would: with no warnings left over from earlier runs
        # (ansible keeps them in a process-wide list) and as a module even when an earlier
        # test imported controller code (then warn() would print instead of returning).
        ansible_warnings._global_warnings.clear()
        was_controller = ansible_internal.is_controller
        ansible_internal.is_controller = False
        try:
            with patch_module_args(args):
                with pytest.raises(SystemExit):
                    main()
        finally:
            ansible_internal.is_controller = was_controller
        out = capsys.readouterr().out
        return json.loads(out)

    return run
