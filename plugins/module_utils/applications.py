# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""The whole-account flow every ``<provider>_applications`` module runs.

Each element of ``applications`` is checked with the single module's argument spec
(ansible-core's ArgumentSpecValidator: aliases, types, choices, defaults) and with the
adapter's own input checks, all before any request. Then the account is listed once,
each element is matched by id or unique name in that listing, and the single module's
flow (``ensure_application``) runs per element with the listing standing in for its
lookups: only what differs is written. One failing element does not stop the others;
the task fails at the end naming each failure. ``purge`` deletes, inside an explicit
name prefix only, what the list does not declare.
"""

from __future__ import annotations

import copy
import traceback

from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.cpaas.callbacks.plugins.module_utils.application import (
    ChangedButFailed,
    DuplicateCreated,
    MissingLibrary,
    ModuleInputError,
    ensure_application,
)
from ansible_collections.cpaas.callbacks.plugins.module_utils.http_client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    ProviderError,
)
from ansible_collections.cpaas.callbacks.plugins.module_utils.masking import secret_values
from ansible_collections.cpaas.callbacks.plugins.module_utils.module import (
    COMMON_ARGUMENT_SPEC,
    adapter_for,
    check_bounds,
    check_credentials,
)
from ansible_collections.cpaas.callbacks.plugins.module_utils.validation import check_text, check_url

MAX_PARALLEL = 16
# The plural module's own options; every other option comes from the provider's credentials.
LIST_ARGUMENT_SPEC = {
    "applications": {"type": "list", "elements": "dict", "required": True},
    "purge": {"type": "bool", "default": False},
    "purge_scope": {"type": "str"},
    "parallel": {"type": "int", "default": 4},
}


def element_spec(application_spec, auth_spec):
    """The single module's options without the credentials (given once, for the whole list)."""
    return {option: copy.deepcopy(spec) for option, spec in application_spec.items() if option not in auth_spec}


def validate_elements(elements, spec, validator_kwargs):
    """(validated element params, no_log values, problems): every element through the single module's spec."""
    validator = ArgumentSpecValidator(spec, **validator_kwargs)
    validated, secrets, problems = [], set(), []
    for index, element in enumerate(elements):
        result = validator.validate(element)
        secrets.update(result._no_log_values)  # pylint: disable=protected-access
        secrets.update(secret_values(result.validated_parameters))
        if result.error_messages:
            problems.append("applications[%d]: %s" % (index, "; ".join(result.error_messages)))
        validated.append(result.validated_parameters)
    return validated, secrets, problems


class ApplicationsModule(AnsibleModule):
    """An AnsibleModule that learns the secrets inside ``applications`` before it logs its invocation
    (the log line would otherwise carry, say, a callback password given in an element)."""

    def __init__(self, element_spec_, validator_kwargs, **kwargs):
        self.element_spec = element_spec_
        self.validator_kwargs = validator_kwargs
        self.elements = []
        self.element_problems = []
        super().__init__(**kwargs)

    def _validate_elements(self):
        elements = self.params.get("applications") or []
        self.elements, secrets, self.element_problems = validate_elements(elements, self.element_spec, self.validator_kwargs)
        self.no_log_values.update(secrets)

    def _log_invocation(self):
        self._validate_elements()
        super()._log_invocation()


def build_applications_module(application_spec, auth_spec, auth_kwargs=None, element_kwargs=None):
    spec = dict(COMMON_ARGUMENT_SPEC)
    spec.update(auth_spec)
    spec.update(LIST_ARGUMENT_SPEC)
    module = ApplicationsModule(element_spec(application_spec, auth_spec), dict(element_kwargs or {}),
                                argument_spec=spec, supports_check_mode=True, **dict(auth_kwargs or {}))
    if not module.elements and module.params["applications"]:
        # A no_log run skips the invocation log, and with it the validation hooked there.
        module._validate_elements()  # pylint: disable=protected-access
    module.no_log_values.update(secret_values({k: v for k, v in module.params.items() if k != "applications"}))
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception="".join(traceback.format_exception_only(REQUESTS_IMPORT_ERROR)))
    problem = check_url("api_url", module.params["api_url"], allow_empty=False) if module.params.get("api_url") is not None else None
    problem = problem or check_bounds(module.params) or check_credentials(spec, module.params)
    if problem is None and not 1 <= module.params["parallel"] <= MAX_PARALLEL:
        problem = "parallel must be between 1 and %d, got %s" % (MAX_PARALLEL, module.params["parallel"])
    if problem is None and module.params["purge"]:
        problem = check_text("purge_scope", module.params.get("purge_scope"))
        if module.params.get("purge_scope") is None:
            problem = ("purge_scope is required with purge=true: give the name prefix of the applications this list owns "
                       "(only applications whose name starts with it are ever deleted)")
    if problem:
        module.fail_json(msg=problem)
    if module.element_problems:
        module.fail_json(msg="; ".join(module.element_problems))
    return module


def _label(adapter, index):
    name = adapter.app_name
    ident = adapter.app_id
    return "applications[%d] (%s)" % (index, name if name is not None else ident)


class AccountListing:
    """The one listing of the account, standing in for each element's lookups."""

    def __init__(self, account, applications):
        self.account = account
        self.applications = applications
        self.by_id = {str(app.get(account.id_key)): app for app in applications}
        self.by_name = {}
        for app in applications:
            self.by_name.setdefault(app.get(account.name_key), []).append(app)

    def find(self, adapter):
        if adapter.app_id:
            return self.by_id.get(str(adapter.app_id))
        if not adapter.app_name:
            return None
        matches = self.by_name.get(adapter.app_name, [])
        if len(matches) > 1:
            raise ModuleInputError(
                "%d %s applications are named %r: %s. Give %s to choose one."
                % (len(matches), adapter.provider, adapter.app_name, ", ".join(str(app.get(adapter.id_key)) for app in matches),
                   adapter.id_option))
        return matches[0] if matches else None


def _check_list(adapters):
    """Problems of the list as a whole: an element without id or name, an application declared twice."""
    problems = []
    seen = {}
    for index, adapter in enumerate(adapters):
        key = ("id", str(adapter.app_id)) if adapter.app_id else ("name", adapter.app_name)
        if key[1] in (None, "None"):
            problems.append("applications[%d]: give %s or %s" % (index, adapter.name_option, adapter.id_option))
            continue
        if key in seen:
            problems.append("applications[%d] and applications[%d] both declare the application with %s %r"
                            % (seen[key], index, adapter.id_option if key[0] == "id" else adapter.name_option, key[1]))
        seen.setdefault(key, index)
        problem = adapter.check_input()
        if problem:
            problems.append("%s: %s" % (_label(adapter, index), "; ".join(problem)))
    return problems


def _action(result, state):
    if not result.get("changed"):
        return "unchanged"
    if state == "absent":
        return "deleted"
    return "created" if (result.get("diff") or {}).get("before") == {} else "updated"


def _run_element(adapter, listing, flow, index, check_mode):
    label = _label(adapter, index)
    state = adapter.params.get("state", "present")
    entry = {"index": index, "name": adapter.app_name, "id": adapter.app_id}
    try:
        # The listing answers the lookup: no read per element.
        adapter.find = lambda: listing.find(adapter)
        result = flow(adapter, check_mode, twin_check=False)
    except (ModuleInputError, ProviderError) as error:
        entry.update(failed=True, changed=False, action="failed", msg="%s: %s" % (label, error), differences=[])
        return entry, None
    except ChangedButFailed as error:
        # As the single module fails: changed, with the application and the provider's extra keys.
        entry.update(changed=True, application=adapter.public(error.application), **error.extra)
        entry.update(failed=True, action="failed", msg="%s: %s" % (label, error))
        entry.setdefault("differences", [])
        return entry, None
    application = result.get("application") or {}
    entry.update(changed=result["changed"], differences=result.get("differences", []), application=application,
                 action=_action(result, state), failed=False)
    if application.get(adapter.id_key) is not None:
        entry["id"] = application.get(adapter.id_key)
    if result.get("private_key_written") is not None:
        entry["private_key_written"] = result["private_key_written"]
    diff = result.get("diff")
    if diff is not None and result["changed"]:
        # Reports (playbooks/drift.yml) need the values of the differing fields, with or without --diff.
        entry["diff"] = diff
        diff = dict(diff, before_header="%s %s (before)" % (adapter.provider, label), after_header="%s %s (after)" % (adapter.provider, label))
    return entry, diff


def _check_twins(account, entries):
    """One more listing after the creates: a create that has a same-named twin (another run created it
    meanwhile) is reported as failed, naming both ids, as the single module does."""
    created = [entry for entry in entries if entry.get("action") == "created"]
    if not created:
        return
    try:
        listing = AccountListing(account, account.list())
    except ProviderError as error:
        account.warn("%d applications were created, but listing the account again to look for same-named twins "
                     "failed: %s" % (len(created), error))
        return
    for entry in created:
        twins = [app for app in listing.by_name.get(entry["name"], []) if str(app.get(account.id_key)) != str(entry["id"])]
        if twins:
            error = DuplicateCreated(
                "%s application %s was created, but %s named %r too: another run probably created it at the same time. "
                "Delete the one you do not want and converge an account from one run at a time."
                % (account.provider, entry["id"], ", ".join(str(app.get(account.id_key)) for app in twins), entry["name"]),
                entry.get("application"))
            entry.update(failed=True, msg="applications[%d] (%s): %s" % (entry["index"], entry["name"], error))


def _purge(module, account, listing, matched_ids, parallel):
    scope = module.params["purge_scope"]
    doomed = [app for app in listing.applications
              if isinstance(app.get(account.name_key), str) and app[account.name_key].startswith(scope)
              and str(app.get(account.id_key)) not in matched_ids]
    entries, diffs = [], []

    def delete(app):
        entry = {"name": app.get(account.name_key), "id": app.get(account.id_key), "purged": True, "differences": []}
        try:
            if not module.check_mode:
                account.delete(app)
        except ProviderError as error:
            entry.update(failed=True, changed=False, action="failed",
                         msg="purge of %s application %s (%s): %s" % (account.provider, entry["id"], entry["name"], error))
            return entry, None
        entry.update(failed=False, changed=True, action="deleted", application={})
        return entry, {"before": account.public(app), "after": {},
                       "before_header": "%s %s %s (purged)" % (account.provider, entry["id"], entry["name"]), "after_header": "(deleted)"}

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        for entry, diff in pool.map(delete, doomed):
            entries.append(entry)
            if diff is not None:
                diffs.append(diff)
    return entries, diffs


def converge_applications(module, adapter_class, flow=ensure_application):
    """Run the whole-account flow and exit the module."""
    params = module.params
    shared = {option: value for option, value in params.items() if option not in LIST_ARGUMENT_SPEC}
    try:
        account = adapter_for(module, adapter_class)
    except MissingLibrary as error:
        module.fail_json(msg=str(error), exception=error.exception)
    labels = {}

    def element_warn(index):
        # Each element's warnings name its application.
        return lambda warning: module.warn("%s: %s" % (labels[index], warning))

    adapters = []
    for index, element in enumerate(module.elements):
        params_ = dict(shared)
        params_.update(element)
        adapter = adapter_class(params_, warn=element_warn(index), client=account.client, secret=module.no_log_values.add)
        labels[index] = _label(adapter, index)
        adapters.append(adapter)
    problems = _check_list(adapters)
    if problems:
        module.fail_json(msg="; ".join(problems))

    try:
        listing = AccountListing(account, account.list())
    except ProviderError as error:
        module.fail_json(msg="listing the %s account failed: %s" % (account.provider, error), status=error.status,
                         error_code=error.code, details=error.details)
    parallel = params["parallel"]
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        outcomes = list(pool.map(lambda pair: _run_element(pair[1], listing, flow, pair[0], module.check_mode), enumerate(adapters)))
    entries = [entry for entry, _diff in outcomes]
    diffs = [diff for _entry, diff in outcomes if diff is not None]
    if not module.check_mode:
        _check_twins(account, entries)

    purged = []
    if params["purge"]:
        matched_ids = set()
        for adapter in adapters:
            found = None
            try:
                found = listing.find(adapter)
            except ModuleInputError:
                # An ambiguous name: none of its applications is purged (the element already failed).
                matched_ids.update(str(app.get(account.id_key)) for app in listing.by_name.get(adapter.app_name, []))
            if found is not None:
                matched_ids.add(str(found.get(account.id_key)))
        matched_ids.update(str(entry["id"]) for entry in entries if entry.get("id") is not None)
        purged, purge_diffs = _purge(module, account, listing, matched_ids, parallel)
        diffs.extend(purge_diffs)

    everything = entries + purged
    summary = {action: sum(1 for entry in everything if entry.get("action") == action)
               for action in ("created", "updated", "unchanged", "deleted")}
    summary["failed"] = sum(1 for entry in everything if entry.get("failed"))
    summary["requests"] = {"reads": account.client.reads, "writes": account.client.writes}
    result = {
        "changed": any(entry.get("changed") for entry in everything),
        "results": entries,
        "purged": purged,
        "summary": summary,
    }
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = diffs
    failures = [entry["msg"] for entry in everything if entry.get("failed")]
    if failures:
        module.fail_json(msg="%d of %d applications failed: %s" % (len(failures), len(everything), " | ".join(failures)), **result)
    module.exit_json(**result)


def run_applications_module(adapter_class, application_spec, auth_spec, auth_kwargs=None, element_kwargs=None, flow=ensure_application):
    module = build_applications_module(application_spec, auth_spec, auth_kwargs, element_kwargs)
    converge_applications(module, adapter_class, flow)
