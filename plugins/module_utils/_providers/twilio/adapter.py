# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Twilio Applications (API 2010-04-01): client and translation.

Wire format: form-encoded writes with PascalCase keys and booleans as
``true``/``false``; JSON answers with snake_case keys, which are also the module's
option names, so the canonical form is the answer itself. Updates are partial
(only changed fields are sent).
"""

from __future__ import annotations

from urllib.parse import quote

from ansible.module_utils.basic import env_fallback

from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.twilio.fields import BOOL_FIELDS, FORM_KEYS, METHOD_FIELDS, URL_FIELDS, to_form
from ansible_collections.cpaas.callbacks.plugins.module_utils.application import ApplicationAdapter
from ansible_collections.cpaas.callbacks.plugins.module_utils.http_client import HttpClient
from ansible_collections.cpaas.callbacks.plugins.module_utils.module import api_url_option, client_options
from ansible_collections.cpaas.callbacks.plugins.module_utils.validation import check_text, check_url

API_URL = "https://api.twilio.com"
API_VERSIONS = ("2010-04-01", "2008-08-01")
# Twilio accepts HEAD, PATCH, PUT and DELETE in its schema, but calls webhooks with GET or POST only.
METHODS = ("GET", "POST")
FRIENDLY_NAME_MAX = 64
PAGE_SIZE = 1000

AUTH_ARGUMENT_SPEC = {
    "account_sid": {"type": "str", "required": True, "fallback": (env_fallback, ["TWILIO_ACCOUNT_SID"])},
    "auth_token": {"type": "str", "no_log": True, "fallback": (env_fallback, ["TWILIO_AUTH_TOKEN"])},
    "api_key": {"type": "str", "no_log": False, "fallback": (env_fallback, ["TWILIO_API_KEY"])},
    "api_secret": {"type": "str", "no_log": True, "fallback": (env_fallback, ["TWILIO_API_SECRET"])},
    "api_url": api_url_option("TWILIO_API_URL", API_URL),
}
AUTH_KWARGS = {
    "required_one_of": [("auth_token", "api_secret")],
    "required_together": [("api_key", "api_secret")],
}

APPLICATION_ARGUMENT_SPEC = dict(AUTH_ARGUMENT_SPEC)
APPLICATION_ARGUMENT_SPEC.update({
    "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
    "sid": {"type": "str"},
    "friendly_name": {"type": "str"},
    "api_version": {"type": "str", "choices": list(API_VERSIONS)},
})
APPLICATION_ARGUMENT_SPEC.update({option: {"type": "str"} for option in URL_FIELDS})
APPLICATION_ARGUMENT_SPEC.update({option: {"type": "str", "choices": list(METHODS)} for option in METHOD_FIELDS})
APPLICATION_ARGUMENT_SPEC.update({option: {"type": "bool"} for option in BOOL_FIELDS})

INFO_ARGUMENT_SPEC = dict(AUTH_ARGUMENT_SPEC)
INFO_ARGUMENT_SPEC.update({"sid": {"type": "str"}, "friendly_name": {"type": "str"}})


def parse_error(response):
    """Twilio's error body: {"code": 20404, "message": "...", "more_info": "...", "status": 404}."""
    body = response.json()
    if isinstance(body, dict):
        return body.get("code"), body.get("message") or body.get("detail") or body.get("title")
    return None, None


def check_application(body):
    """What a Twilio application answer lacks, or None."""
    if not isinstance(body.get("sid"), str) or not body["sid"].startswith("AP"):
        return "the answer is not a Twilio application (no sid starting with AP)"
    return None


def check_page(body):
    if not isinstance(body.get("applications"), list):
        return "the answer is not a page of Twilio applications (no applications list)"
    if not all(isinstance(app, dict) and check_application(app) is None for app in body["applications"]):
        return "the page lists something that is not a Twilio application"
    return None


class TwilioApplicationAdapter(ApplicationAdapter):
    provider = "Twilio"
    id_option = "sid"
    name_option = "friendly_name"
    id_key = "sid"
    name_key = "friendly_name"
    # Twilio fills these in when they are not given: not drift when the user asks for them.
    defaults = dict([(option, "POST") for option in METHOD_FIELDS]
                    + [(option, False) for option in BOOL_FIELDS])

    @staticmethod
    def unused_credentials(params):
        # An API key signs in with its secret, else the account SID with the auth token; an
        # empty variable of the way not taken (TWILIO_AUTH_TOKEN="" in CI) is no error.
        def given(option):
            return bool((params.get(option) or "").strip())
        if given("api_key"):
            return ("auth_token",)
        return ("api_key", "api_secret") if not given("api_secret") else ()

    def make_client(self):
        params = self.params
        user = params.get("api_key") or params["account_sid"]
        password = params.get("api_secret") if params.get("api_key") else params.get("auth_token")
        return HttpClient(
            "Twilio", params["api_url"], auth=(user, password),
            headers={"Accept": "application/json", "Accept-Charset": "utf-8"},
            error_parser=parse_error, **client_options(params))

    @property
    def collection_path(self):
        return "2010-04-01/Accounts/%s/Applications.json" % quote(self.params["account_sid"], safe="")

    def item_path(self, sid):
        return "2010-04-01/Accounts/%s/Applications/%s.json" % (quote(self.params["account_sid"], safe=""), quote(sid, safe=""))

    def get(self, app_id):
        _status, application = self.client.request_json("GET", self.item_path(app_id), absent=(404,), check=check_application)
        return application

    def list(self, name=None):
        query = {"PageSize": PAGE_SIZE}
        if name:
            query["FriendlyName"] = name
        _status, page = self.client.request_json("GET", self.collection_path, params=query, check=check_page)
        applications = []
        while True:
            applications.extend(page["applications"])
            next_page = page.get("next_page_uri")
            if not next_page:
                return applications
            _status, page = self.client.request_json("GET", next_page, check=check_page)

    def create(self, desired):
        return self.client.request_json("POST", self.collection_path, data=to_form(desired), expected=(200, 201), idempotent=False,
                                        check=check_application)[1]

    def update(self, current, desired, changes):
        fields = {path: desired[path] for path in changes}
        # Setting fields to given values is safe to repeat, so the update may be retried.
        return self.client.request_json("POST", self.item_path(current["sid"]), data=to_form(fields), idempotent=True,
                                        check=check_application)[1]

    def delete(self, current):
        # A 404 means someone else deleted it meanwhile: the goal is reached. DELETE drops Accept as the SDK does.
        self.client.request("DELETE", self.item_path(current["sid"]), expected=(204, 404), headers={"Accept": "*/*"})

    def desired_state(self):
        return {option: self.params[option] for option in FORM_KEYS if self.params.get(option) is not None}

    def check_input(self):
        problems = [check_text("friendly_name", self.params.get("friendly_name"), FRIENDLY_NAME_MAX)]
        problems += [check_url(option, self.params.get(option)) for option in URL_FIELDS]
        sid = self.params.get("sid")
        if sid is not None and not (len(sid) == 34 and sid.startswith("AP")):
            problems.append("sid must be an Application SID: AP followed by 32 hexadecimal characters, got %r" % sid)
        return [problem for problem in problems if problem]


# What the registry entry hands to Ansible code that asks for this provider's adapter.
ADAPTER = TwilioApplicationAdapter
