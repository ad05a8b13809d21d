"""Fixtures of the contract suite: a sandbox whose every exchange is recorded, and the modules run in-process.

The modules are the collection's own (``ansible_collections.cpaas.callbacks``, which ``make venv``
links into the virtual environment); they talk to the sandbox over real HTTP on loopback.
"""

from __future__ import annotations

import json

import pytest
from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

from . import contract


@pytest.fixture
def recorded():
    sandbox = contract.start_recorded()
    try:
        yield sandbox
    finally:
        sandbox.server.stop()


@pytest.fixture
def run_module(capsys):
    """run_module(main, args, check_mode=False) -> the module's result dict (as a module process would give it)."""

    def run(main, args, check_mode=False):
        args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=True)
        ansible_warnings._global_warnings.clear()
        was_controller = ansible_internal.is_controller
        ansible_internal.is_controller = False
        try:
            with patch_module_args(args):
                with pytest.raises(SystemExit):
                    main()
        finally:
            ansible_internal.is_controller = was_controller
        return json.loads(capsys.readouterr().out)

    return run
