# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Vonage Application API v2 (``/v2/applications[/{id}]``): client and translation.

Wire format: JSON both ways, HTTP basic auth with the API key and secret,
``Accept: application/json`` on every request (``Content-Type: application/json``
on bodies, set by requests). The module's options mirror the API's JSON, so the
canonical form of an application is the provider's answer with two adjustments:

- the webhook timeout is called ``connect_timeout``, the only name the live API
  takes (it answers 400 "connection_timeout is not a known json property" to the
  name of the 2021 API reference); answers that say ``connection_timeout`` are read
  as ``connect_timeout``, and writes always send ``connect_timeout``;
- ``keys.private_key``, which only a create answer carries, is taken out at once:
  it is written to ``private_key_path`` when asked, and never returned.

Updates are a PUT of the whole application: the module sends the application as it
is at Vonage with the task's values laid over it, so capabilities and webhooks the
task does not mention are kept. A capability goes away only when
``remove_capabilities`` names it; a webhook only when its ``address`` is ``""``.
"""

from __future__ import annotations

import copy
import os
import re

from urllib.parse import quote

from ansible.module_utils.basic import env_fallback

from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.vonage.fields import (
    CAPABILITY_NAMES,
    READ_ONLY_CAPABILITY_FIELDS,
    REGIONS,
    TIMEOUT,
    TIMEOUT_ALIASES,
    VOICE_RANGES,
    WEBHOOKS,
    WEBHOOK_RANGES,
)
from ansible_collections.cpaas.callbacks.plugins.module_utils.application import (
    ApplicationAdapter,
    ChangedButFailed,
    ModuleInputError,
    describe_applications,
    prune_unset,
)
from ansible_collections.cpaas.callbacks.plugins.module_utils.http_client import HttpClient
from ansible_collections.cpaas.callbacks.plugins.module_utils.masking import mask_secrets
from ansible_collections.cpaas.callbacks.plugins.module_utils.module import api_url_option, client_options
from ansible_collections.cpaas.callbacks.plugins.module_utils.validation import check_range, check_text, check_url

API_URL = "https://api.nexmo.com"
COLLECTION_PATH = "v2/applications"
PAGE_SIZE = 100  # the largest page the API accepts
NAME_MAX = 255  # the longest name the API takes
MAX_PAGES = 10000  # a safety stop against an answer that always says "there is more"
ID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _webhook_spec(methods, timeouts):
    options = {
        "address": {"type": "str"},
        "http_method": {"type": "str", "choices": list(methods)},
    }
    if timeouts:
        options[TIMEOUT] = {"type": "int", "aliases": list(TIMEOUT_ALIASES)}
        options["socket_timeout"] = {"type": "int"}
    return {"type": "dict", "options": options}


def _webhooks_spec(capability):
    names, methods, timeouts = WEBHOOKS[capability]
    return {"type": "dict", "options": {name: _webhook_spec(methods, timeouts) for name in names}}


CAPABILITIES_SPEC = {
    "type": "dict",
    "options": {
        "voice": {"type": "dict", "options": {
            "webhooks": _webhooks_spec("voice"),
            "signed_callbacks": {"type": "bool"},
            "conversations_ttl": {"type": "int"},
            "leg_persistence_time": {"type": "int"},
            "region": {"type": "str", "choices": list(REGIONS)},
        }},
        "messages": {"type": "dict", "options": {
            "webhooks": _webhooks_spec("messages"),
            "version": {"type": "str"},
            "authenticate_inbound_media": {"type": "bool"},
        }},
        "rtc": {"type": "dict", "options": {
            "webhooks": _webhooks_spec("rtc"),
            "signed_callbacks": {"type": "bool"},
        }},
        "verify": {"type": "dict", "options": {
            "webhooks": _webhooks_spec("verify"),
        }},
        "vbc": {"type": "dict"},
    },
}

AUTH_ARGUMENT_SPEC = {
    "api_key": {"type": "str", "required": True, "no_log": False, "fallback": (env_fallback, ["VONAGE_API_KEY"])},
    "api_secret": {"type": "str", "required": True, "no_log": True, "fallback": (env_fallback, ["VONAGE_API_SECRET"])},
    "api_url": api_url_option("VONAGE_API_URL", API_URL),
}
AUTH_KWARGS = {}

APPLICATION_ARGUMENT_SPEC = dict(AUTH_ARGUMENT_SPEC)
APPLICATION_ARGUMENT_SPEC.update({
    "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
    "application_id": {"type": "str"},
    "name": {"type": "str"},
    "public_key": {"type": "str", "no_log": False},
    "private_key_path": {"type": "path", "no_log": False},
    "capabilities": CAPABILITIES_SPEC,
    "remove_capabilities": {"type": "list", "elements": "str", "choices": list(CAPABILITY_NAMES)},
    "privacy": {"type": "dict", "options": {"improve_ai": {"type": "bool"}}},
})
ELEMENT_KWARGS = {"mutually_exclusive": [("public_key", "private_key_path")]}
APPLICATION_KWARGS = dict(AUTH_KWARGS, **ELEMENT_KWARGS)

INFO_ARGUMENT_SPEC = dict(AUTH_ARGUMENT_SPEC)
INFO_ARGUMENT_SPEC.update({"application_id": {"type": "str"}, "name": {"type": "str"}})


class PrivateKeyLost(ChangedButFailed):
    """The application exists at Vonage but the private key of its create answer was never seen or saved."""

    def __init__(self, message, application):
        super().__init__(message, application, private_key_written=False)


def parse_error(response):
    """Vonage's RFC 7807 problem JSON as (code, one message).

    ``{"type": ".../api-errors/application#payload-validation", "title": "Bad Request",
    "detail": "The request failed due to validation errors", "instance": "797a...",
    "invalid_parameters": [{"name": "capabilities.voice...http_method", "reason": "must be one of: GET, POST"}]}``
    becomes code ``payload-validation`` and ``Bad Request: The request failed due to validation
    errors; capabilities.voice...http_method: must be one of: GET, POST (instance 797a...)``.
    """
    body = response.json()
    if not isinstance(body, dict):
        return None, None
    problem_type = body.get("type") or ""
    code = problem_type.rsplit("#", 1)[-1] if "#" in problem_type else (problem_type.rstrip("/").rsplit("/", 1)[-1] or None)
    parts = []
    for key in ("title", "detail"):
        text = body.get(key)
        if text and str(text) not in parts:
            parts.append(str(text))
    message = ": ".join(parts)
    invalid = body.get("invalid_parameters")
    if isinstance(invalid, list) and invalid:
        reasons = []
        for item in invalid:
            if isinstance(item, dict):
                reasons.append("%s: %s" % (item.get("name", "?"), item.get("reason", "invalid")))
            else:
                reasons.append(str(item))
        message = "; ".join(([message] if message else []) + reasons)
    if body.get("instance"):
        message = "%s (instance %s)" % (message, body["instance"]) if message else "instance %s" % body["instance"]
    return code, message or None


def check_application(body):
    """What a Vonage application answer lacks, or None."""
    if not isinstance(body.get("id"), str) or not ID_PATTERN.match(body["id"]) or "name" not in body:
        return "the answer is not a Vonage application (no id and name)"
    return None


def check_page(body):
    if "page" not in body and "total_items" not in body and "_embedded" not in body:
        return "the answer is not a page of Vonage applications (no page, total_items or _embedded)"
    found = (body.get("_embedded") or {}).get("applications") if isinstance(body.get("_embedded"), dict) else None
    if body.get("_embedded") is not None and not isinstance(found, list):
        return "the answer is not a page of Vonage applications (_embedded has no applications list)"
    if not all(isinstance(app, dict) and check_application(app) is None for app in found or []):
        return "the page lists something that is not a Vonage application"
    return None


def _webhooks_of(application):
    """(capability, name, webhook dict) for every webhook in an application."""
    capabilities = application.get("capabilities") or {}
    for capability in WEBHOOKS:
        webhooks = (capabilities.get(capability) or {}).get("webhooks") or {}
        if not isinstance(webhooks, dict):
            continue
        for name, webhook in webhooks.items():
            if isinstance(webhook, dict):
                yield capability, name, webhook


def canonical(answer):
    """An application as the API answers it, in the module's vocabulary (see the module docstring).

    Returns (application, private_key); the private key is None except in a create answer."""
    application = copy.deepcopy(answer) if isinstance(answer, dict) else {}
    private_key = None
    keys = application.get("keys")
    if isinstance(keys, dict):
        private_key = keys.pop("private_key", None)
    for _capability, _name, webhook in _webhooks_of(application):
        for alias in TIMEOUT_ALIASES:
            if alias in webhook:
                value = webhook.pop(alias)
                webhook.setdefault(TIMEOUT, value)
    return application, private_key


def to_wire(application):
    """The body of a create or a PUT: only what the API takes, timeouts as ``connect_timeout``."""
    body = {}
    for key in ("name", "keys", "capabilities", "privacy"):
        if application.get(key) is not None:
            body[key] = copy.deepcopy(application[key])
    keys = body.get("keys")
    if isinstance(keys, dict):
        keys.pop("private_key", None)
        if not keys:
            del body["keys"]
    capabilities = body.get("capabilities")
    if isinstance(capabilities, dict):
        for capability, fields in READ_ONLY_CAPABILITY_FIELDS.items():
            if isinstance(capabilities.get(capability), dict):
                for field in fields:
                    capabilities[capability].pop(field, None)
    return body


def normalize_pem(value):
    if not isinstance(value, str):
        return value
    return "\n".join(line.strip() for line in value.strip().splitlines() if line.strip())


class VonageApplicationAdapter(ApplicationAdapter):
    provider = "Vonage"
    id_option = "application_id"
    name_option = "name"
    id_key = "id"
    name_key = "name"
    secret_keys = ("private_key",)

    def __init__(self, params, warn=None, client=None, secret=None):
        super().__init__(params, warn=warn, client=client, secret=secret)
        self.created = False            # whether this run saw a create answer
        self.private_key_written = False

    def make_client(self):
        params = self.params
        return HttpClient(
            "Vonage", params["api_url"], auth=(params["api_key"], params["api_secret"]),
            headers={"Accept": "application/json"},
            error_parser=parse_error, **client_options(params))

    @staticmethod
    def item_path(app_id):
        return "%s/%s" % (COLLECTION_PATH, quote(str(app_id), safe=""))

    # ---- client ------------------------------------------------------------------
    def get(self, app_id):
        _status, answer = self.client.request_json("GET", self.item_path(app_id), absent=(404,), check=check_application)
        return canonical(answer)[0] if answer is not None else None

    def list(self, name=None):
        # The API has no name filter: the caller filters (find_by_name).
        applications = []
        page = 1
        while True:
            _status, body = self.client.request_json("GET", COLLECTION_PATH, params={"page_size": PAGE_SIZE, "page": page},
                                                     check=check_page)
            found = ((body.get("_embedded") or {}).get("applications")) or []
            applications.extend(canonical(app)[0] for app in found)
            links = body.get("_links") or {}
            try:
                total_pages = int(body.get("total_pages") or 0)
            except (TypeError, ValueError):
                total_pages = 0
            more = bool(links.get("next")) or page < total_pages
            if not more or not found or page >= MAX_PAGES:
                return applications
            page += 1

    def create(self, desired):
        body = to_wire(self.planned(None, desired))
        answer = self.client.request_json("POST", COLLECTION_PATH, json=body, expected=(200, 201), idempotent=False,
                                          check=check_application)[1]
        application, private_key = canonical(answer)
        if private_key:
            # Whatever happens next, the key must never show in output.
            self.secret(private_key)
        self.created = True
        path = self.params.get("private_key_path")
        if path:
            self.save_private_key(path, private_key, application)
        return application

    def create_recovering(self, desired):
        application = super().create_recovering(desired)
        if not self.created and not self.params.get("public_key"):
            # The create was applied but its answer, the only place the private key ever is, was lost.
            text = ("Vonage created application %s, but its answer was lost, and with it the private key that only "
                    "that answer carries." % application.get("id"))
            if self.params.get("private_key_path"):
                raise PrivateKeyLost(
                    text + " Nothing was written to private_key_path. The application exists: give it a key pair you own "
                    "with public_key (application_id %s), or regenerate its key at Vonage." % application.get("id"),
                    application)
            self.warn(text + " Give it a key pair you own with public_key if it needs one.")
        return application

    def after_apply(self, result, check_mode):
        """Every result says whether the private key was written; a key file asked for an application that
        already existed cannot be written (Vonage hands the key out only on create), which is a warning."""
        result["private_key_written"] = self.private_key_written
        path = self.params.get("private_key_path")
        if path and self.params.get("state") == "present" and not self.created and not check_mode and not os.path.exists(path):
            self.warn("private_key_path %s was not written: Vonage hands out an application's private key only in the "
                      "answer to its create, and application %s already existed."
                      % (path, (result.get("application") or {}).get("id")))
        return result

    def save_private_key(self, path, private_key, application):
        """Write the create answer's private key to a new file with mode 0600 (never replacing a file)."""
        app_id = application.get("id")
        if not private_key:
            raise PrivateKeyLost(
                "Vonage created application %s but its answer carries no private key, so nothing was written to %s. "
                "Give the application a key pair you own with public_key." % (app_id, path), application)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            raise PrivateKeyLost(
                "Vonage created application %s, but its private key could not be written to %s (%s), so the key is lost. "
                "Give the application a key pair you own with public_key (application_id %s), or regenerate its key at Vonage."
                % (app_id, path, error.strerror or error, app_id), application) from error
        try:
            try:
                os.fchmod(descriptor, 0o600)
                data = private_key.encode("utf-8")
                while data:
                    data = data[os.write(descriptor, data):]
            finally:
                os.close(descriptor)
        except OSError as error:
            try:
                os.unlink(path)  # never leave half a key behind
            except OSError:
                pass
            raise PrivateKeyLost(
                "Vonage created application %s, but writing its private key to %s failed (%s), so the key is lost. "
                "Give the application a key pair you own with public_key (application_id %s), or regenerate its key at Vonage."
                % (app_id, path, error.strerror or error, app_id), application) from error
        self.private_key_written = True

    def update(self, current, desired, changes):
        body = to_wire(self.planned(current, desired))
        answer = self.client.request_json("PUT", self.item_path(current["id"]), json=body, check=check_application)[1]
        return canonical(answer)[0]

    def delete(self, current):
        # A 404 means someone else deleted it meanwhile: the goal is reached.
        self.client.request("DELETE", self.item_path(current["id"]), expected=(204, 404))

    # ---- translation and rules ---------------------------------------------------
    def desired_state(self):
        params = self.params
        desired = {}
        if params.get("name") is not None:
            desired["name"] = params["name"]
        if params.get("public_key") is not None:
            desired["keys"] = {"public_key": params["public_key"]}
        capabilities = prune_unset(params.get("capabilities") or {})
        for _capability, _name, webhook in _webhooks_of({"capabilities": capabilities}):
            for alias in TIMEOUT_ALIASES:  # Ansible keeps an alias next to the option's own name
                webhook.pop(alias, None)
            if webhook.get("address") == "":
                # An empty address removes the webhook: nothing else about it is compared.
                for key in list(webhook):
                    if key != "address":
                        del webhook[key]
        if capabilities:
            desired["capabilities"] = capabilities
        privacy = prune_unset(params.get("privacy") or {})
        if privacy:
            desired["privacy"] = privacy
        return desired

    @property
    def removed_capabilities(self):
        return list(self.params.get("remove_capabilities") or [])

    def differences(self, current, desired, prefix=""):
        changes = super().differences(current, desired, prefix)
        if not prefix and current:
            have = current.get("capabilities") or {}
            for capability in self.removed_capabilities:
                if have.get(capability) is not None:
                    changes["capabilities." + capability] = (have[capability], None)
        return changes

    def planned(self, current, desired):
        planned = super().planned(current, desired)
        capabilities = planned.get("capabilities")
        if isinstance(capabilities, dict):
            for capability in self.removed_capabilities:
                capabilities.pop(capability, None)
            for capability in WEBHOOKS:
                webhooks = (capabilities.get(capability) or {}).get("webhooks")
                if isinstance(webhooks, dict):
                    for name in [name for name, hook in webhooks.items() if isinstance(hook, dict) and hook.get("address") == ""]:
                        del webhooks[name]
        return planned

    def equivalent(self, path, current_value, desired_value):
        if path == "keys.public_key":
            return normalize_pem(current_value) == normalize_pem(desired_value)
        return super().equivalent(path, current_value, desired_value)

    def public(self, application):
        shown = copy.deepcopy(application or {})
        keys = shown.get("keys")
        if isinstance(keys, dict):
            keys.pop("private_key", None)
        return mask_secrets(shown, self.secret_keys)

    def check_input(self):
        params = self.params
        problems = [check_text("name", params.get("name"), NAME_MAX)]
        app_id = params.get("application_id")
        if app_id is not None and not ID_PATTERN.match(app_id):
            problems.append("application_id must be a Vonage application id (a UUID such as "
                            "78d335fa-323d-0114-9c3d-d6f0d48968cf), got %r" % app_id)
        public_key = params.get("public_key")
        if public_key is not None and "BEGIN PUBLIC KEY" not in public_key:
            problems.append("public_key must be a PEM public key (-----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----)")
        path = params.get("private_key_path")
        if path is not None:
            if os.path.isdir(path):
                problems.append("private_key_path must be a file path, %s is a directory" % path)
            elif not os.path.isdir(os.path.dirname(path) or "."):
                problems.append("private_key_path %s: the directory %s does not exist" % (path, os.path.dirname(path)))
        capabilities = params.get("capabilities") or {}
        problems.extend(self._capability_problems(capabilities))
        clash = [name for name in self.removed_capabilities if capabilities.get(name) is not None]
        if clash:
            problems.append("remove_capabilities names %s, which capabilities also sets; a capability is either set or removed"
                            % ", ".join(clash))
        return [problem for problem in problems if problem]

    @staticmethod
    def _capability_problems(capabilities):
        problems = []
        prefix = "capabilities."
        for capability, name, webhook in _webhooks_of({"capabilities": capabilities}):
            option = "%s%s.webhooks.%s" % (prefix, capability, name)
            address = webhook.get("address")
            problems.append(check_url(option + ".address", address))
            for field, (low, high, unit) in WEBHOOK_RANGES.items():
                problems.append(check_range("%s.%s" % (option, field), webhook.get(field), low, high, unit))
            if address == "" and any(value is not None for key, value in webhook.items() if key != "address"):
                problems.append('%s.address "" removes the webhook; set nothing else on it' % option)
        voice = capabilities.get("voice") or {}
        for field, (low, high, unit) in VOICE_RANGES.items():
            problems.append(check_range("%svoice.%s" % (prefix, field), voice.get(field), low, high, unit))
        messages = capabilities.get("messages") or {}
        if messages.get("version") is not None and not messages["version"].strip():
            problems.append("%smessages.version must not be empty (for example v1 or v0.1)" % prefix)
        vbc = capabilities.get("vbc")
        if vbc is not None and vbc != {}:
            problems.append("%svbc must be an empty dict ({}): the vbc capability has no settings" % prefix)
        return problems

    def _new_webhook_problems(self, current, desired):
        """A webhook that Vonage does not have yet needs an address."""
        problems = []
        have = {(capability, name): hook for capability, name, hook in _webhooks_of(current or {})}
        for capability, name, webhook in _webhooks_of(desired):
            existing = have.get((capability, name)) or {}
            if not webhook.get("address") and webhook.get("address") != "" and not existing.get("address"):
                problems.append("capabilities.%s.webhooks.%s.address is required: the application has no %s webhook yet"
                                % (capability, name, name))
        return problems

    def check_create(self, desired):
        problems = self._new_webhook_problems(None, desired)
        path = self.params.get("private_key_path")
        if path and os.path.lexists(path):
            problems.append(
                "private_key_path %s already exists: the new application's private key would replace it. "
                "Move the file away or choose another path (it is never overwritten)" % path)
        if problems:
            raise ModuleInputError("; ".join(problems))

    def check_change(self, current, desired, changes):
        problems = self._new_webhook_problems(current, desired)
        if problems:
            raise ModuleInputError("; ".join(problems))


def describe_vonage_applications(adapter, check_mode=False):
    app_id = adapter.params.get("application_id")
    if app_id is not None and not ID_PATTERN.match(app_id):
        raise ModuleInputError("application_id must be a Vonage application id (a UUID such as "
                               "78d335fa-323d-0114-9c3d-d6f0d48968cf), got %r" % app_id)
    return describe_applications(adapter, check_mode)


# What the registry entry hands to Ansible code that asks for this provider's adapter.
ADAPTER = VonageApplicationAdapter
