# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The provider registry is the one list of providers: every list that cannot be computed from it
(YAML, module documentation, the test tables) must equal it, and each provider's parts must be where
docs/architecture.md says they are."""

from __future__ import annotations

import os

import pytest
import yaml
from ansible_collections.cpaas.callbacks.plugins.module_utils import _registry
from ansible_collections.cpaas.callbacks.plugins.module_utils.webhooks import payloads, signatures
from ansible_collections.cpaas.callbacks.plugins.modules import callback_check
from ansible_collections.cpaas.callbacks.tests.unit.plugins.reliability.providers import PROVIDERS as RELIABILITY_CASES

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
NAMES = set(_registry.NAMES)


def load(*path):
    with open(os.path.join(ROOT, *path), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def test_names_are_unique_and_in_their_fixed_order():
    assert len(_registry.NAMES) == len(NAMES) >= 4
    assert list(_registry.NAMES) == sorted(_registry.NAMES)
    assert {"bandwidth", "twilio", "vobiz", "vonage"} <= NAMES


def test_entry_of_an_unknown_provider_names_the_known_ones():
    with pytest.raises(ValueError) as caught:
        _registry.entry("acme")
    assert str(caught.value) == "unknown provider 'acme'; known: %s" % ", ".join(_registry.NAMES)
    with pytest.raises(ValueError):
        _registry.entry(None)


@pytest.mark.parametrize("name", _registry.NAMES)
def test_each_entry_is_complete_and_its_adapter_is_the_modules(name):
    entry = _registry.entry(name)
    assert entry.name == name and entry.title
    assert entry.events and all(kind in ("form", "json") for kind, _factory in entry.events.values())
    assert entry.id_keys and entry.user_agent and entry.answer_document[0]
    assert entry.firing_timeout > 0
    assert (entry.sign is None) == (entry.verify is None) == (entry.signature_description is None)
    adapter = entry.adapter_module()
    assert adapter.ADAPTER.__name__.lower() == name + "applicationadapter"
    for spec in ("AUTH_ARGUMENT_SPEC", "APPLICATION_ARGUMENT_SPEC", "INFO_ARGUMENT_SPEC"):
        assert isinstance(getattr(adapter, spec), dict), spec
    for module in ("%s_application", "%s_application_info", "%s_applications"):
        assert os.path.isfile(os.path.join(ROOT, "plugins", "modules", module % name + ".py")), module % name
    assert os.path.isfile(os.path.join(ROOT, "docs", name + ".md"))


def test_the_facades_know_every_provider():
    assert set(payloads.PROVIDERS) == NAMES
    for name in _registry.NAMES:
        assert payloads.event_types(name) == tuple(sorted(_registry.entry(name).events))
    with pytest.raises(ValueError, match="unknown provider 'acme'"):
        payloads.callbacks("acme", {})
    assert signatures.verify_request("bandwidth", "secret", object()) is None


def test_callback_check_documents_and_accepts_exactly_the_registry():
    documented = yaml.safe_load(callback_check.DOCUMENTATION)["options"]["provider"]["choices"]
    assert documented == list(_registry.NAMES)
    assert callback_check.ARGUMENT_SPEC["provider"]["choices"] == list(_registry.NAMES)


def test_runtime_action_groups_are_the_registry():
    groups = load("meta", "runtime.yml")["action_groups"]
    assert set(groups) - {"all"} == NAMES
    for name in NAMES:
        assert groups[name] == ["%s_application" % name, "%s_application_info" % name, "%s_applications" % name]
    extended = groups["all"][0]["metadata"]["extend_group"]
    assert sorted(extended) == sorted(NAMES)


def test_playbook_option_lists_are_the_registry():
    options = load("playbooks", "vars", "module_options.yml")
    for table in options.values():
        assert set(table) == NAMES


def test_role_endpoint_provider_choices_are_the_registry_and_generic():
    spec = load("roles", "callback_receiver", "meta", "argument_specs.yml")
    endpoint = spec["argument_specs"]["main"]["options"]["callback_receiver_endpoints"]["options"]["provider"]
    assert set(endpoint["choices"]) == NAMES | {"generic"}


def test_receiver_openapi_provider_enum_is_the_registry_and_generic():
    document = load("src", "cpaas_receiver", "openapi.yaml")
    assert set(document["components"]["schemas"]["Provider"]["enum"]) == NAMES | {"generic"}


def test_reliability_suites_cover_every_provider():
    assert {case.name for case in RELIABILITY_CASES} == NAMES


def test_playbooks_have_every_providers_tasks_and_signing_secret():
    """Ansible cannot template a module name: each provider has its task file and its account task."""
    account = load("playbooks", "tasks", "account.yml")
    plural = {key.split(".")[-1] for task in account for key in task if key.startswith("cpaas.callbacks.")}
    assert {name + "_applications" for name in NAMES} <= plural
    for name in NAMES:
        assert os.path.isfile(os.path.join(ROOT, "playbooks", "tasks", name + ".yml")), name
    [play] = load("playbooks", "verify_callbacks.yml")
    assert set(play["vars"]["cpaas_signing_secrets"]) == NAMES


def test_the_role_copies_every_providers_shared_files():
    """The role deploys the receiver from the files its globs name; fileglob reads one folder per pattern."""
    globs = load("roles", "callback_receiver", "vars", "main.yml")["callback_receiver_source_globs"]
    assert all("*" not in pattern.rsplit("/", 1)[0] for pattern in globs), globs
    for name in NAMES:
        assert "plugins/module_utils/_providers/%s/*.py" % name in globs, name
