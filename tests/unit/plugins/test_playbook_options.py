# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The description-driven playbooks pass every module option by name (a templated argument
dict makes Ansible warn), so their option lists must follow the modules' argument specs."""

from __future__ import annotations

import os

import pytest
import yaml
from ansible_collections.cpaas.callbacks.plugins.module_utils import _registry
from ansible_collections.cpaas.callbacks.plugins.module_utils.module import COMMON_ARGUMENT_SPEC

PLAYBOOKS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "playbooks")
TASKS = os.path.join(PLAYBOOKS, "tasks")
# Every provider of the registry, with its adapter module (argument specs).
PROVIDERS = {entry.name: entry.adapter_module() for entry in _registry.PROVIDERS}


def module_options(provider):
    return set(PROVIDERS[provider].APPLICATION_ARGUMENT_SPEC) | set(COMMON_ARGUMENT_SPEC)


def load(name, folder=TASKS):
    with open(os.path.join(folder, name)) as handle:
        return yaml.safe_load(handle)


OPTION_LISTS = load("module_options.yml", os.path.join(PLAYBOOKS, "vars"))


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_the_guard_knows_exactly_the_modules_options(provider):
    assert set(OPTION_LISTS["cpaas_module_options"][provider]) == module_options(provider)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_the_account_options_are_the_credentials_and_connection_options(provider):
    """What account.yml takes once per provider, and passes by name to <provider>_applications."""
    account = set(OPTION_LISTS["cpaas_account_options"][provider])
    assert account == set(PROVIDERS[provider].AUTH_ARGUMENT_SPEC) | set(COMMON_ARGUMENT_SPEC)
    task = next(task for task in load("account.yml") if "cpaas.callbacks.%s_applications" % provider in task)
    arguments = task["cpaas.callbacks.%s_applications" % provider]
    assert set(arguments) == account | {"applications"}


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_the_provider_tasks_pass_every_option_by_name(provider):
    task = next(task for task in load("%s.yml" % provider) if "cpaas.callbacks.%s_application" % provider in task)
    arguments = task["cpaas.callbacks.%s_application" % provider]
    assert isinstance(arguments, dict)
    assert set(arguments) == module_options(provider)
    for option, value in arguments.items():
        assert value == "{{ cpaas_app.options.%s | default(omit) }}" % option
