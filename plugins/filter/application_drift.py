# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""application_drift: compare described applications with provider listings, on the controller.

The fast way to check drift for large accounts: one ``<provider>_application_info``
task per provider lists every application (a few requests per provider, whatever
the number of applications), and this filter compares each described application
with that listing using the modules' own comparison (the provider's defaults are not
drift, only the options a description sets are compared), with no task and no
request per application.
"""

from __future__ import annotations

import importlib

from ansible.errors import AnsibleFilterError

from ansible_collections.cpaas.callbacks.plugins.module_utils.masking import mask_secrets

PROVIDERS = ("bandwidth", "twilio", "vonage", "vobiz")


class _Options:
    """The little of AnsibleModule that an adapter's comparison reads."""

    check_mode = True

    def __init__(self, params):
        self.params = params
        self.no_log_values = set()

    def warn(self, message):
        pass

    def fail_json(self, **kwargs):
        raise AnsibleFilterError(kwargs.get("msg", "invalid options"))


def _provider_parts(provider):
    if provider not in PROVIDERS:
        raise AnsibleFilterError("application_drift: provider must be one of %s, got %r" % (", ".join(PROVIDERS), provider))
    utils = importlib.import_module("ansible_collections.cpaas.callbacks.plugins.module_utils." + provider)
    adapters = [value for name, value in vars(utils).items()
                if name.endswith("ApplicationAdapter") and name != "ApplicationAdapter" and isinstance(value, type)]
    return adapters[0], utils.APPLICATION_ARGUMENT_SPEC


def _params(spec, options):
    params = {}
    for name, option in spec.items():
        params[name] = option.get("default")
    unknown = sorted(set(options) - set(spec))
    if unknown:
        raise AnsibleFilterError("application_drift: unknown option(s) %s" % ", ".join(unknown))
    params.update(options)
    return params


def _listing(listings, provider):
    listing = listings.get(provider) if isinstance(listings, dict) else None
    if isinstance(listing, dict):  # a registered _info result
        listing = listing.get("applications")
    if listing is None:
        raise AnsibleFilterError("application_drift: no listing for provider %s (give its %s_application_info result)" % (provider, provider))
    return listing


def application_drift(applications, listings):
    """[{name, provider, options}] + {provider: listing} -> one result per application."""
    if not isinstance(applications, list):
        raise AnsibleFilterError("application_drift: the input must be a list of {name, provider, options}")
    results = []
    for application in applications:
        provider = application.get("provider")
        adapter_class, spec = _provider_parts(provider)
        options = dict(application.get("options") or {})
        adapter = adapter_class(_Options(_params(spec, options)), client=object())
        listing = _listing(listings, provider)
        app_id, name = adapter.app_id, adapter.app_name
        if app_id:
            found = [app for app in listing if str(app.get(adapter.id_key)) == str(app_id)]
        else:
            found = [app for app in listing if app.get(adapter.name_key) == name]
        result = {"name": application.get("name", name), "provider": provider, "id": None, "differences": []}
        if len(found) > 1:
            result.update(status="ambiguous", ids=[app.get(adapter.id_key) for app in found])
        elif not found:
            result["status"] = "missing"
        else:
            current = found[0]
            # Listings show secrets masked, so the description is masked the same way before
            # the comparison: a password changed inside a URL is not seen here (the modules see it).
            desired = mask_secrets(adapter.desired_state(), adapter.secret_keys)
            changes = adapter.differences(current, desired)
            result.update(id=current.get(adapter.id_key), differences=sorted(changes),
                          status="drift" if changes else "in_sync")
        result["drift"] = result["status"] != "in_sync"
        results.append(result)
    return results


class FilterModule:
    def filters(self):
        return {"application_drift": application_drift}
