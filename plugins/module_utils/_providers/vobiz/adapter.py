# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Vobiz Applications (``/api/v1/Account/{auth_id}/Application/``): client and translation.

Wire format: JSON both ways, authenticated by the ``X-Auth-ID`` and ``X-Auth-Token``
headers; every path ends with a slash, as the API reference writes it. Updates are
partial (a POST of only the changed fields). Create and update answer with a short
acknowledgement, not the application, so the application is fetched after each.

The canonical form is the provider's answer with three fields under the module's
option names, where the API names them differently in requests and answers:

- ``default_number_app`` (request) is ``default_app`` in answers;
- ``subaccount`` (request) is ``sub_account`` in answers (``null`` for the main account);
- ``log_incoming_messages`` (request, create and update: the create reference, the
  update reference and the Plivo-style API Vobiz follows) is ``log_incoming_message``
  (singular) in answers; the plural is sent, either is read.
"""

from __future__ import annotations

import re

from urllib.parse import parse_qs, quote, urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.vobiz.fields import (
    ANSWER_NAMES,
    BOOL_FIELDS,
    CLEARABLE_URLS,
    MANAGED,
    METHOD_FIELDS,
    REQUEST_NAMES,
    URL_FIELDS,
)
from ansible_collections.cpaas.callbacks.plugins.module_utils.application import ApplicationAdapter, ModuleInputError
from ansible_collections.cpaas.callbacks.plugins.module_utils.http_client import HttpClient, ProviderError
from ansible_collections.cpaas.callbacks.plugins.module_utils.module import api_url_option, client_options
from ansible_collections.cpaas.callbacks.plugins.module_utils.validation import check_url

API_URL = "https://api.vobiz.ai/api/v1"
METHODS = ("GET", "POST")
PAGE_LIMIT = 100  # the largest page the list accepts
APP_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")
APP_ID_PATTERN = re.compile(r"^[0-9]+$")

AUTH_ARGUMENT_SPEC = {
    "auth_id": {"type": "str", "required": True, "fallback": (env_fallback, ["VOBIZ_AUTH_ID"])},
    "auth_token": {"type": "str", "required": True, "no_log": True, "fallback": (env_fallback, ["VOBIZ_AUTH_TOKEN"])},
    "api_url": api_url_option("VOBIZ_API_URL", API_URL),
}

APPLICATION_ARGUMENT_SPEC = dict(AUTH_ARGUMENT_SPEC)
APPLICATION_ARGUMENT_SPEC.update({
    "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
    "app_id": {"type": "str"},
    "app_name": {"type": "str"},
    "subaccount": {"type": "str"},
})
APPLICATION_ARGUMENT_SPEC.update({option: {"type": "str"} for option in URL_FIELDS})
APPLICATION_ARGUMENT_SPEC.update({option: {"type": "str", "choices": list(METHODS)} for option in METHOD_FIELDS})
APPLICATION_ARGUMENT_SPEC.update({option: {"type": "bool"} for option in BOOL_FIELDS})
APPLICATION_ARGUMENT_SPEC["log_incoming_messages"]["aliases"] = ["log_incoming_message"]

INFO_ARGUMENT_SPEC = dict(AUTH_ARGUMENT_SPEC)
INFO_ARGUMENT_SPEC.update({"app_id": {"type": "str"}, "app_name": {"type": "str"}})


def parse_error(response):
    """Vobiz's error bodies, as one message:

    - 400 ``{"error": "invalid request parameters", "details": {"answer_url": "Enter a valid URL"}}``
    - 404 ``{"error": "Application not found", "app_id": "99999999"}``
    - 409 ``{"error": "Cannot delete application", "message": "Application is currently in use by 5 phone numbers"}``
    """
    body = response.json()
    if not isinstance(body, dict):
        return None, None
    parts = [str(body[key]) for key in ("error", "message", "detail") if body.get(key)]
    message = ": ".join(parts) if parts else None
    details = body.get("details")
    if isinstance(details, dict) and details:
        text = "; ".join("%s: %s" % (field, _reason(reason)) for field, reason in sorted(details.items()))
        message = "%s (%s)" % (message, text) if message else text
    elif details:
        message = "%s (%s)" % (message, details) if message else str(details)
    if body.get("app_id") and message and str(body["app_id"]) not in message:
        message += " (app_id %s)" % body["app_id"]
    return None, message


def _reason(reason):
    if isinstance(reason, list):
        return ", ".join(str(item) for item in reason)
    return str(reason)


def to_canonical(answer):
    """A provider answer in the module's vocabulary; the request's ``api_id`` is dropped."""
    application = {}
    for key, value in answer.items():
        if key == "api_id":
            continue
        application[ANSWER_NAMES.get(key, key)] = value
    return application


def check_application(body):
    """What a Vobiz application answer lacks, or None."""
    if body.get("app_id") in (None, "") or "app_name" not in body:
        return "the answer is not a Vobiz application (no app_id and app_name)"
    return None


def check_page(body):
    objects = body.get("objects")
    if not isinstance(objects, list) or not isinstance(body.get("meta"), dict):
        return "the answer is not a page of Vobiz applications (no objects list and meta)"
    if not all(isinstance(app, dict) and check_application(app) is None for app in objects):
        return "the page lists something that is not a Vobiz application"
    return None


def check_acknowledgement(body):
    if body.get("app_id") in (None, ""):
        return "the create was answered without the new application's app_id"
    return None


def to_request(fields):
    return {REQUEST_NAMES[option]: value for option, value in fields.items()}


def subaccount_id(value):
    """A subaccount as its id, also when the provider answers with its resource URI."""
    if isinstance(value, str) and "/" in value:
        return [part for part in value.split("/") if part][-1]
    return value


class VobizApplicationAdapter(ApplicationAdapter):
    provider = "Vobiz"
    id_option = "app_id"
    name_option = "app_name"
    id_key = "app_id"
    name_key = "app_name"
    # Vobiz fills these in when they are not given: not drift when the user asks for them.
    defaults = dict([(option, "POST") for option in METHOD_FIELDS]
                    + [("default_number_app", False), ("default_endpoint_app", False), ("log_incoming_messages", True)])

    def make_client(self):
        params = self.params
        return HttpClient(
            "Vobiz", params["api_url"],
            headers={"Accept": "application/json", "X-Auth-ID": params["auth_id"], "X-Auth-Token": params["auth_token"]},
            error_parser=parse_error, **client_options(params))

    @property
    def collection_path(self):
        return "Account/%s/Application/" % quote(self.params["auth_id"], safe="")

    def item_path(self, app_id):
        return "%s%s/" % (self.collection_path, quote(str(app_id), safe=""))

    # ---- client ------------------------------------------------------------------
    def get(self, app_id):
        _status, answer = self.client.request_json("GET", self.item_path(app_id), absent=(404,), check=check_application)
        return to_canonical(answer) if answer is not None else None

    def list(self, name=None):
        # The API has no name filter: the caller filters (find_by_name).
        applications = []
        offset = 0
        while True:
            _status, page = self.client.request_json("GET", self.collection_path, params={"limit": PAGE_LIMIT, "offset": offset},
                                                     check=check_page)
            objects = page["objects"]
            applications.extend(to_canonical(app) for app in objects)
            meta = page.get("meta") or {}
            if not meta.get("next") or not objects:
                return applications
            offset = next_offset(meta, offset, len(objects))

    def create(self, desired):
        body = to_request(desired)
        # The generated SDK and the newest documents require answer_method on create: send the
        # provider's own default when the task leaves it out (nothing changes for the user).
        body.setdefault("answer_method", self.defaults["answer_method"])
        _status, answer = self.client.request_json("POST", self.collection_path, json=body, expected=(200, 201, 202),
                                                   idempotent=False, check=check_acknowledgement)
        app_id = str(answer["app_id"])
        return self.read_back(app_id, "created", dict(self.planned(None, desired), app_id=app_id))

    def update(self, current, desired, changes):
        fields = {path: desired[path] for path in changes}
        # Setting fields to given values is safe to repeat, so the update may be retried.
        self.client.request_json("POST", self.item_path(current["app_id"]), json=to_request(fields), expected=(200, 202), idempotent=True)
        return self.read_back(current["app_id"], "updated", self.planned(current, desired))

    def delete(self, current):
        # A 404 means someone else deleted it meanwhile: the goal is reached.
        self.client.request("DELETE", self.item_path(current["app_id"]), expected=(200, 204, 404))

    def read_back(self, app_id, done, planned):
        """Create and update answer {api_id, app_id, message}: fetch the application as it now is.

        The write has been applied by then: a read-back that fails must not hide that (the run
        reports changed, with a warning, and shows the application as planned).
        """
        try:
            application = self.get(app_id)
        except ProviderError as error:
            application, reason = None, str(error)
        else:
            reason = "it was not found"
        if application is None:
            self.warn("Vobiz %s application %s, but reading it back failed (%s). The application shown is the one the "
                      "task asked for, not read from Vobiz; run the task again to compare with what Vobiz has."
                      % (done, app_id, reason))
            return planned
        return application

    # ---- translation and rules ---------------------------------------------------
    def desired_state(self):
        return {option: self.params[option] for option in MANAGED if self.params.get(option) is not None}

    def check_input(self):
        params = self.params
        problems = []
        name = params.get("app_name")
        if name is not None and not APP_NAME_PATTERN.match(name):
            problems.append("app_name must contain only letters, digits, '-' and '_' (no spaces), got %r" % name)
        app_id = params.get("app_id")
        if app_id is not None and not APP_ID_PATTERN.match(app_id):
            problems.append("app_id must be a Vobiz application id (digits only, e.g. 12345678901234567), got %r" % app_id)
        for option in URL_FIELDS:
            problems.append(check_url(option, params.get(option), allow_empty=option in CLEARABLE_URLS))
        return [problem for problem in problems if problem]

    def check_create(self, desired):
        if not desired.get("answer_url"):
            raise ModuleInputError(
                "answer_url is required to create a Vobiz application (no application is named %r yet)" % desired.get("app_name"))

    def check_change(self, current, desired, changes):
        if "subaccount" in changes:
            have = subaccount_id(current.get("subaccount"))
            raise ModuleInputError(
                "subaccount cannot change after a Vobiz application is created: application %s belongs to %s, the task asks for %s. "
                "Leave subaccount out, or delete the application and create it again under the other subaccount."
                % (current.get("app_id"), "subaccount %r" % have if have else "the main account",
                   "subaccount %r" % desired["subaccount"] if desired["subaccount"] else "the main account"))

    def equivalent(self, path, current_value, desired_value):
        if path == "subaccount":
            current_value = subaccount_id(current_value)
        return super().equivalent(path, current_value, desired_value)

    def planned(self, current, desired):
        if current is not None:
            return super().planned(current, desired)
        # A new application: what Vobiz fills in by itself, then what the task sets.
        planned = dict(self.defaults)
        if desired.get("answer_url"):
            planned["hangup_url"] = desired["answer_url"]
        planned.update(desired)
        return planned


def next_offset(meta, offset, count):
    """The offset of the next page: from ``meta.next`` (a relative URL) when it says, else counted."""
    try:
        given = int(parse_qs(urlsplit(meta["next"]).query)["offset"][0])
    except (KeyError, IndexError, TypeError, ValueError):
        given = None
    # Never go backwards or stand still, whatever the answer says.
    return given if given is not None and given > offset else offset + count


# What the registry entry hands to Ansible code that asks for this provider's adapter.
ADAPTER = VobizApplicationAdapter
