# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Telnyx Call Control Applications (``/v2/call_control_applications``): client and rules.

Internal use only: not a public API of this collection; may change without notice.

JSON both ways with ``Authorization: Bearer <API key>``; answers in ``{"data": ...}``.
Quirks the flow must respect (docs/telnyx.md names the sources):

- a PATCH must carry ``application_name`` and ``webhook_event_url`` (the API reference
  marks them required for updates): an update sends them with the application's
  current values when the task does not manage them;
- ``inbound``/``outbound`` are objects: an update sends the whole object, the
  provider's current values with the task's over them, so a server that replaces
  nested objects drops nothing;
- the name filter (``filter[application_name][contains]``) is a case-insensitive
  substring match of at least three characters: it only narrows the listing, the exact
  name is compared here, and shorter names list every application.
"""

from __future__ import annotations

import re

from urllib.parse import quote

from ansible.module_utils.basic import env_fallback

from ansible_collections.cpaas.callbacks.plugins.module_utils.application import ApplicationAdapter, ModuleInputError, merge
from ansible_collections.cpaas.callbacks.plugins.module_utils.http_client import HttpClient
from ansible_collections.cpaas.callbacks.plugins.module_utils.module import api_url_option, client_options
from ansible_collections.cpaas.callbacks.plugins.module_utils.validation import check_range, check_text, check_url
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.telnyx import fields

ID_PATTERN = re.compile(r"^[0-9]+$")
MAX_PAGES = 1000  # a listing that never ends is an answer to refuse, not to follow

AUTH_ARGUMENT_SPEC = {
    "api_key": {"type": "str", "required": True, "no_log": True, "fallback": (env_fallback, ["TELNYX_API_KEY"])},
    "api_url": api_url_option("TELNYX_API_URL", fields.API_URL),
}


def _option_spec(kind):
    if isinstance(kind, tuple):
        return {"type": "str", "choices": list(kind)}
    return {"type": {"url": "str"}.get(kind, kind)}


APPLICATION_ARGUMENT_SPEC = dict(AUTH_ARGUMENT_SPEC)
APPLICATION_ARGUMENT_SPEC.update({
    "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
    "application_id": {"type": "str"},
})
APPLICATION_ARGUMENT_SPEC.update((name, _option_spec(kind)) for name, kind in fields.TOP_LEVEL)
APPLICATION_ARGUMENT_SPEC.update(
    (nested, {"type": "dict", "options": dict((name, _option_spec(kind)) for name, kind in table)})
    for nested, table in fields.NESTED.items())

INFO_ARGUMENT_SPEC = dict(AUTH_ARGUMENT_SPEC)
INFO_ARGUMENT_SPEC.update({"application_id": {"type": "str"}, "application_name": {"type": "str"}})


def parse_error(response):
    return fields.error_message(response.json())


def check_application(body):
    """What a Telnyx application answer lacks, or None."""
    app = fields.unwrap(body)
    if app is None or app.get("id") in (None, "") or "application_name" not in app:
        return "the answer is not a Telnyx call control application (no data with id and application_name)"
    return None


def check_page(body):
    items = body.get("data")
    if not isinstance(items, list) or not isinstance(body.get("meta"), dict):
        return "the answer is not a page of Telnyx call control applications (no data list and meta)"
    if not all(isinstance(app, dict) and app.get("id") not in (None, "") for app in items):
        return "the page lists something that is not a Telnyx call control application"
    return None


def expand_defaults():
    """fields.DEFAULTS as a nested application (``inbound.x`` under ``inbound``)."""
    planned = {}
    for path, value in fields.DEFAULTS.items():
        head, _sep, tail = path.partition(".")
        if tail:
            planned.setdefault(head, {})[tail] = value
        else:
            planned[head] = value
    return planned


class TelnyxApplicationAdapter(ApplicationAdapter):
    provider = "Telnyx"
    id_option = "application_id"
    name_option = "application_name"
    id_key = "id"
    name_key = "application_name"
    defaults = fields.DEFAULTS

    def make_client(self):
        params = self.params
        return HttpClient(
            "Telnyx", params["api_url"],
            headers={"Accept": "application/json", "Authorization": "Bearer %s" % params["api_key"]},
            error_parser=parse_error, **client_options(params))

    @staticmethod
    def item_path(app_id):
        return "%s/%s" % (fields.COLLECTION_PATH, quote(str(app_id), safe=""))

    # ---- client ------------------------------------------------------------------
    def get(self, app_id):
        _status, body = self.client.request_json("GET", self.item_path(app_id), absent=(404,), check=check_application)
        return fields.unwrap(body) if body is not None else None

    def list(self, name=None):
        query = {"page[size]": fields.PAGE_SIZE}
        if name and len(name) >= fields.NAME_FILTER_MIN:
            query["filter[application_name][contains]"] = name
        applications = []
        for number in range(1, MAX_PAGES + 1):
            query["page[number]"] = number
            _status, page = self.client.request_json("GET", fields.COLLECTION_PATH, params=dict(query), check=check_page)
            applications.extend(page["data"])
            total_pages = page["meta"].get("total_pages")
            if not page["data"] or not isinstance(total_pages, int) or number >= total_pages:
                return applications
        return applications

    def create(self, desired):
        _status, body = self.client.request_json("POST", fields.COLLECTION_PATH, json=fields.to_request(desired), expected=(200, 201),
                                                 idempotent=False, check=check_application)
        return fields.unwrap(body)

    def update(self, current, desired, changes):
        request = {}
        for path in changes:
            head = path.split(".", 1)[0]
            if head in fields.NESTED:
                # the whole object: the provider's values with the task's over them
                request[head] = merge(current.get(head) or {}, desired[head])
            else:
                request[head] = desired[head]
        for key in fields.UPDATE_REQUIRED:
            request.setdefault(key, desired.get(key, current.get(key)))
        # Setting fields to given values is safe to repeat, so the update may be retried.
        _status, body = self.client.request_json("PATCH", self.item_path(current["id"]), json=fields.to_request(request),
                                                 check=check_application)
        return fields.unwrap(body)

    def delete(self, current):
        # A 404 means someone else deleted it meanwhile: the goal is reached.
        self.client.request("DELETE", self.item_path(current["id"]), expected=(200, 204, 404))

    # ---- translation and rules ---------------------------------------------------
    def desired_state(self):
        desired = {}
        for name in fields.MANAGED:
            value = self.params.get(name)
            if isinstance(value, dict):
                value = dict((key, item) for key, item in value.items() if item is not None)
                if not value:
                    continue
            if value is not None:
                desired[name] = value
        return desired

    def check_input(self):
        params = self.params
        problems = []
        app_id = params.get("application_id")
        if app_id is not None and not ID_PATTERN.match(app_id):
            problems.append("application_id must be a Telnyx application id (digits only, e.g. 1293384261075731499), got %r" % app_id)
        problems.append(check_text("application_name", params.get("application_name")))
        for option in fields.URL_FIELDS:
            problems.append(check_url(option, params.get(option), allow_empty=option in fields.CLEARABLE_URLS))
        low, high = fields.WEBHOOK_TIMEOUT_RANGE
        problems.append(check_range("webhook_timeout_secs", params.get("webhook_timeout_secs"), low, high, " seconds"))
        if params.get("first_command_timeout_secs") is not None and params["first_command_timeout_secs"] < 0:
            problems.append("first_command_timeout_secs must not be negative, got %d" % params["first_command_timeout_secs"])
        for nested in fields.NESTED:
            limit = (params.get(nested) or {}).get("channel_limit")
            if limit is not None and limit < 0:
                problems.append("%s.channel_limit must not be negative, got %d" % (nested, limit))
        return [problem for problem in problems if problem]

    def check_create(self, desired):
        if not desired.get("webhook_event_url"):
            raise ModuleInputError(
                "webhook_event_url is required to create a Telnyx call control application (no application is named %r yet)"
                % desired.get("application_name"))

    def planned(self, current, desired):
        if current is not None:
            return super().planned(current, desired)
        # A new application: what Telnyx fills in by itself, then what the task sets.
        return merge(expand_defaults(), desired)


ADAPTER = TelnyxApplicationAdapter
