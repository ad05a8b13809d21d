# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""application_drift: compare described applications with provider listings, on the controller.

The fast way to check drift for large accounts: one ``<provider>_application_info``
task per provider lists every application (a few requests per provider, whatever
the number of applications), and this filter compares each described application
with that listing as the module would in check mode: the options go through the
module's own argument spec (aliases, types, choices, defaults), the module's input
checks, and the adapter's comparison. A description the module would refuse is
reported with status ``error``, never as in sync.
"""

from __future__ import annotations

import copy

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.cpaas.callbacks.plugins.module_utils import _registry
from ansible_collections.cpaas.callbacks.plugins.module_utils.application import ModuleInputError
from ansible_collections.cpaas.callbacks.plugins.module_utils.masking import mask_secrets, secret_values
from ansible_collections.cpaas.callbacks.plugins.module_utils.module import COMMON_ARGUMENT_SPEC

PROVIDERS = _registry.NAMES


class DescriptionError(Exception):
    """A described application that cannot be compared; the message says why."""


class _Provider:
    """A provider's adapter class and the argument spec of its ``_application`` module,
    as the filter needs it: credentials are neither required nor read from the environment
    (the listing was already read with them), everything else is the module's own."""

    def __init__(self, name):
        utils = _registry.entry(name).adapter_module()
        self.adapter_class = utils.ADAPTER
        credentials = set(utils.AUTH_ARGUMENT_SPEC)
        spec = copy.deepcopy(COMMON_ARGUMENT_SPEC)
        spec.update(copy.deepcopy(utils.APPLICATION_ARGUMENT_SPEC))
        for option in credentials:
            spec[option].pop("required", None)
            spec[option].pop("fallback", None)
        # The rules the module is built with (each module passes its provider's *_KWARGS), minus
        # those about credentials.
        kwargs = getattr(utils, "APPLICATION_KWARGS", None) or getattr(utils, "AUTH_KWARGS", None) or {}
        rules = {}
        for rule, groups in kwargs.items():
            kept = [group for group in groups if not credentials.intersection(group)]
            if kept:
                rules[rule] = kept
        self.validator = ArgumentSpecValidator(spec, **rules)

    def adapter(self, options):
        """An adapter over the validated options; raises DescriptionError as the module would fail."""
        if not isinstance(options, dict):
            raise DescriptionError("options must be a dict of the module's options, got %s" % type(options).__name__)
        result = self.validator.validate(copy.deepcopy(options))
        no_log_values = set(result._no_log_values) | secret_values(options)
        if result.error_messages:
            raise DescriptionError(mask_text("; ".join(result.error_messages), no_log_values))
        # Built from the options alone: no client (the listing is the provider's state), warnings dropped.
        adapter = self.adapter_class(result.validated_parameters, client=object())
        problems = adapter.check_input()
        if problems:
            raise DescriptionError(mask_text("; ".join(problems), no_log_values))
        return adapter


def mask_text(text, secrets):
    """``text`` with every secret replaced, longest first (as Ansible masks no_log values)."""
    for secret in sorted((s for s in secrets if isinstance(s, str) and s), key=len, reverse=True):
        text = text.replace(secret, "********")
    return text


_PROVIDERS = {}


def _provider(name):
    if name not in PROVIDERS:
        raise DescriptionError("provider must be one of %s, got %r" % (", ".join(PROVIDERS), name))
    if name not in _PROVIDERS:
        _PROVIDERS[name] = _Provider(name)
    return _PROVIDERS[name]


def _listing(listings, provider):
    listing = listings.get(provider) if isinstance(listings, dict) else None
    if isinstance(listing, dict):  # a registered _info result
        if listing.get("failed"):
            raise DescriptionError("the %s listing failed: %s" % (provider, listing.get("msg") or "no message"))
        listing = listing.get("applications")
    if listing is None:
        raise AnsibleFilterError("application_drift: no listing for provider %s (give its %s_application_info result)" % (provider, provider))
    return listing


def _compare(adapter, listing):
    """What the module would report in check mode, with ``listing`` as the provider's state."""
    if adapter.app_id:
        found = [app for app in listing if str(app.get(adapter.id_key)) == str(adapter.app_id)]
    elif adapter.app_name:
        found = [app for app in listing if app.get(adapter.name_key) == adapter.app_name]
    else:
        raise DescriptionError("Give %s (to find or create an application) or %s (to manage an existing one)."
                               % (adapter.name_option, adapter.id_option))
    if len(found) > 1:
        return {"status": "ambiguous", "ids": [app.get(adapter.id_key) for app in found]}
    absent = adapter.params.get("state") == "absent"
    if not found:
        if absent:
            return {"status": "in_sync"}
        if adapter.app_id:
            raise DescriptionError("No %s application has %s %r. To create one, leave out %s and give %s."
                                   % (adapter.provider, adapter.id_option, adapter.app_id, adapter.id_option, adapter.name_option))
        adapter.check_create(adapter.desired_state())
        return {"status": "missing"}
    current = found[0]
    if absent:  # the module would delete it
        return {"status": "drift", "id": current.get(adapter.id_key)}
    # Listings show secrets masked, so the description is masked the same way before the
    # comparison: a password changed inside a URL is not seen here (the modules see it).
    desired = mask_secrets(adapter.desired_state(), adapter.secret_keys)
    changes = adapter.differences(current, desired)
    adapter.check_change(current, desired, changes)
    return {"status": "drift" if changes else "in_sync", "id": current.get(adapter.id_key), "differences": sorted(changes)}


def application_drift(applications, listings):
    """[{name, provider, options}] + {provider: listing} -> one result per application."""
    if not isinstance(applications, list):
        raise AnsibleFilterError("application_drift: the input must be a list of {name, provider, options}")
    results = []
    for application in applications:
        application = application if isinstance(application, dict) else {}
        provider = application.get("provider")
        options = application.get("options") or {}
        name = application.get("name") or (options.get("name") or options.get("app_name") or options.get("friendly_name")
                                           if isinstance(options, dict) else None)
        result = {"name": name, "provider": provider, "id": None, "differences": [], "error": None}
        try:
            adapter = _provider(provider).adapter(options)
            result.update(_compare(adapter, _listing(listings, provider)))
        except (DescriptionError, ModuleInputError) as error:
            result.update(status="error", error="%s application %s could not be checked: %s" % (provider, name, error))
        result["drift"] = result["status"] != "in_sync"
        results.append(result)
    return results


class FilterModule:
    def filters(self):
        return {"application_drift": application_drift}
