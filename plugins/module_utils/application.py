# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""The one idempotent flow every ``<provider>_application`` module runs.

A provider plugs in through an ``ApplicationAdapter``: its client calls and the
translation between module options and its wire format. The flow is always:
check the input (before any request), find the application (by id, else by a
unique name), compare only what the user set, plan, apply unless in check mode,
and report ``changed``, a ``diff`` with secrets masked, the changed fields and the
application as the provider now has it.
"""

from __future__ import annotations

import copy

from ansible_collections.cpaas.callbacks.plugins.module_utils.http_client import ProviderError
from ansible_collections.cpaas.callbacks.plugins.module_utils.masking import mark_changed_secrets, mask_secrets


class ModuleInputError(Exception):
    """The module's input cannot be applied; raised before any write request."""


class ChangedButFailed(Exception):
    """This run changed the application at the provider, then failed: the module fails with ``changed=True``,
    the application, and ``extra`` result keys."""

    def __init__(self, message, application, **extra):
        super().__init__(message)
        self.application = application
        self.extra = extra


class DuplicateCreated(ChangedButFailed):
    """This run created an application, and another of the same name exists (another run created it meanwhile)."""


class MissingLibrary(Exception):
    """A Python library the provider needs is missing; ``exception`` is the import error's text."""

    def __init__(self, message, exception):
        super().__init__(message)
        self.exception = exception


def _ignore(_value):
    """The default of the warn and secret callbacks: drop it."""


def prune_unset(value):
    """Drop options the user did not set (None), recursively; keep "" and {} (they mean something)."""
    if isinstance(value, dict):
        return {key: prune_unset(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [prune_unset(item) for item in value]
    return value


class ApplicationAdapter:
    """What a provider must supply to the flow; subclasses override the marked methods.

    Applications are handled as plain dicts in the module's own vocabulary (the
    "canonical" form): the adapter translates to and from the provider's wire format.
    """

    provider = "Provider"            # the provider's name in messages
    id_option = "id"                 # module option that identifies an application
    name_option = "name"             # module option with the application's name
    id_key = "id"                    # key of the id in a canonical application
    name_key = "name"                # key of the name in a canonical application
    secret_keys = ()                 # keys whose values never appear in output
    defaults = {}                    # key -> value the provider fills in when it is not set

    @staticmethod
    def unused_credentials(params):
        """Credential options this run does not sign in with (they may be left empty)."""
        return ()

    def __init__(self, params, warn=None, client=None, secret=None):
        """``params``: the validated options; ``warn(text)``: where warnings go; ``secret(value)``: where
        values learnt at run time that must never be shown go (a module adds them to its no_log values);
        ``client``: an HTTP client to share (else one is made from ``params``)."""
        self.params = params
        self.warn = warn or _ignore
        self.secret = secret or _ignore
        self.client = client if client is not None else self.make_client()

    # ---- to override: client -------------------------------------------------
    def make_client(self):
        raise NotImplementedError

    def get(self, app_id):
        """The application with this id, or None when the provider does not know it."""
        raise NotImplementedError

    def list(self, name=None):
        """Every application (following all pages); ``name`` may narrow it at the provider."""
        raise NotImplementedError

    def create(self, desired):
        raise NotImplementedError

    def update(self, current, desired, changes):
        """Apply ``changes`` (a dict of changed paths) and return the application as it now is."""
        raise NotImplementedError

    def delete(self, current):
        raise NotImplementedError

    # ---- to override: translation and rules ---------------------------------
    def desired_state(self):
        """The managed fields: options the user set, in canonical form."""
        raise NotImplementedError

    def check_input(self):
        """Messages about input that can never be applied (checked before any request)."""
        return []

    def check_change(self, current, desired, changes):
        """Raise ModuleInputError for a change the provider cannot make (e.g. an immutable field)."""

    def check_create(self, desired):
        """Raise ModuleInputError when ``desired`` is not enough to create an application."""

    def equivalent(self, path, current_value, desired_value):
        """Whether a provider value and the user's value mean the same thing."""
        if current_value is None and path in self.defaults:
            current_value = self.defaults[path]
        if current_value in (None, "") and desired_value in (None, ""):
            return True
        return current_value == desired_value

    def planned(self, current, desired):
        """The application as it will be once ``desired`` is applied to ``current``."""
        return merge(current or {}, desired)

    def public(self, application):
        """The application as shown to the user: secrets masked."""
        return mask_secrets(application, self.secret_keys)

    def after_apply(self, result, check_mode):
        """A hook the flow calls with every result of ensure_application: add to it, or act once the
        outcome is known (Vonage reports whether it wrote the private key). Returns the result."""
        return result

    def public_diff(self, before, after):
        """Both sides of an update's diff as public() shows them; a secret that the update
        replaces shows as changed in ``after`` (both sides would otherwise look the same)."""
        shown_before, shown_after = self.public(before), self.public(after)
        return {"before": shown_before, "after": mark_changed_secrets(before, after, shown_before, shown_after, self.secret_keys)}

    # ---- shared ----------------------------------------------------------------
    @property
    def app_id(self):
        return self.params.get(self.id_option)

    @property
    def app_name(self):
        return self.params.get(self.name_option)

    def find_by_name(self, name):
        return [app for app in self.list(name) if app.get(self.name_key) == name]

    def find(self):
        if self.app_id:
            return self.get(self.app_id)
        if not self.app_name:
            return None
        matches = self.find_by_name(self.app_name)
        if len(matches) > 1:
            raise ModuleInputError(
                "%d %s applications are named %r: %s. Give %s to choose one."
                % (len(matches), self.provider, self.app_name, ", ".join(str(app.get(self.id_key)) for app in matches), self.id_option))
        return matches[0] if matches else None

    def differences(self, current, desired, prefix=""):
        """{path: (provider value, desired value)} for every managed field that differs."""
        changes = {}
        current = current or {}
        for key, wanted in desired.items():
            path = prefix + key
            have = current.get(key)
            if isinstance(wanted, dict) and wanted and (have is None or isinstance(have, dict)):
                changes.update(self.differences(have or {}, wanted, path + "."))
            elif isinstance(wanted, dict) and not wanted:
                if have is None:  # an empty object ({}) still means "present"
                    changes[path] = (None, {})
            elif not self.equivalent(path, have, wanted):
                changes[path] = (have, wanted)
        return changes

    def create_recovering(self, desired):
        """Create, and when the outcome is unknown look by name before trying again,
        so a fault never leaves two applications where one was asked for."""
        attempts = 0
        while True:
            try:
                return self.create(desired)
            except ProviderError as error:
                if not error.outcome_unknown:
                    raise
                found = self.find_by_name(self.app_name)
                if len(found) == 1:
                    app = found[0]
                    changes = self.differences(app, desired)
                    return self.update(app, desired, changes) if changes else app
                if found or attempts >= self.client.max_retries:
                    raise
                if error.status is None:
                    # No answer at all (timeout, dropped connection): the create may still be
                    # under way at the provider, and a second create would make a duplicate.
                    # Stop; the message tells the user that a rerun looks again first.
                    raise
                attempts += 1


def check_twins(adapter, created):
    """After a create, look again by name: two runs that converge one application at the same time
    both find nothing and both create. Raise DuplicateCreated naming both ids when that happened."""
    created_id = created.get(adapter.id_key)
    try:
        found = adapter.find_by_name(adapter.app_name)
    except ProviderError as error:
        # The create is done: a failed look must not turn it into a failure that says nothing changed.
        adapter.warn("%s application %s was created, but looking for another application of the same name failed: %s"
                     % (adapter.provider, created_id, error))
        return
    twins = [app for app in found if str(app.get(adapter.id_key)) != str(created_id)]
    if twins:
        others = ", ".join(str(app.get(adapter.id_key)) for app in twins)
        raise DuplicateCreated(
            "%s application %s was created, but %s %s named %r too: another run probably created it at the same time. "
            "Delete the one you do not want (give %s to manage the other), and converge one application per account "
            "from one run at a time." % (adapter.provider, created_id, others, "is" if len(twins) == 1 else "are",
                                         adapter.app_name, adapter.id_option),
            created)


def merge(base, overlay):
    """A deep copy of ``base`` with ``overlay`` laid over it, dict by dict."""
    result = copy.deepcopy(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and value and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def ensure_application(adapter, check_mode=False, twin_check=True):
    """Run the idempotent flow; return the module result (raises ModuleInputError/ProviderError).

    ``check_mode`` plans without any write request. ``twin_check=False`` leaves the look for a
    same-named twin after a create to the caller (the whole-account flow does it once for all its
    creates). Every result goes through ``adapter.after_apply``."""
    return adapter.after_apply(_ensure(adapter, check_mode, twin_check), check_mode)


def _ensure(adapter, check_mode, twin_check):
    problems = adapter.check_input()
    if problems:
        raise ModuleInputError("; ".join(problems))
    state = adapter.params.get("state", "present")
    current = adapter.find()

    if state == "absent":
        if current is None:
            return {"changed": False, "application": {}, "differences": []}
        if not check_mode:
            adapter.delete(current)
        return {
            "changed": True,
            "application": {},
            "differences": [],
            "diff": {"before": adapter.public(current), "after": {}},
        }

    desired = adapter.desired_state()
    if current is None:
        if adapter.app_id:
            raise ModuleInputError(
                "No %s application has %s %r. To create one, leave out %s and give %s."
                % (adapter.provider, adapter.id_option, adapter.app_id, adapter.id_option, adapter.name_option))
        if not adapter.app_name:
            raise ModuleInputError("Give %s (to find or create an application) or %s (to manage an existing one)." % (adapter.name_option, adapter.id_option))
        adapter.check_create(desired)
        after = adapter.planned(None, desired)
        application = after if check_mode else adapter.create_recovering(desired)
        if twin_check and not check_mode:
            check_twins(adapter, application)
        return {
            "changed": True,
            "application": adapter.public(application),
            "differences": sorted(desired),
            "diff": {"before": {}, "after": adapter.public(after)},
        }

    changes = adapter.differences(current, desired)
    adapter.check_change(current, desired, changes)
    if not changes:
        return {"changed": False, "application": adapter.public(current), "differences": []}
    after = adapter.planned(current, desired)
    application = after if check_mode else adapter.update(current, desired, changes)
    return {
        "changed": True,
        "application": adapter.public(application),
        "differences": sorted(changes),
        "diff": adapter.public_diff(current, after),
    }


def describe_applications(adapter, check_mode=False):
    """The ``_info`` flow: one application by id, those with a name, or all of them (only reads, so check
    mode changes nothing)."""
    if adapter.app_id:
        found = adapter.get(adapter.app_id)
        applications = [found] if found is not None else []
    elif adapter.app_name:
        applications = adapter.find_by_name(adapter.app_name)
    else:
        applications = adapter.list()
    return {"changed": False, "applications": [adapter.public(app) for app in applications]}
