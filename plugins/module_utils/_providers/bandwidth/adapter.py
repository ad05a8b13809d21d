# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Bandwidth Dashboard (Account API) applications: client and XML translation.

Wire format: XML in both directions, built and parsed with lxml. Requests carry an
``<Application>`` root with the elements in the order of Bandwidth's documents;
answers are ``<ApplicationProvisioningResponse>`` with an ``<Application>`` or an
``<ApplicationList>``. Parsing never resolves entities, loads a DTD or touches the
network, and a document with a document type declaration is refused outright.

The canonical form (what the flow compares and what the modules return) uses the
module's snake_case option names; credentials are ``{"user_id": ..., "password": ...}``
where the password is only ever known from the user's input: Bandwidth never returns it.

The update is a PUT that replaces the whole application, so every update sends the
provider's current values for everything the user did not set, and refuses to run
when it would silently drop credentials whose password the user did not supply.
"""

from __future__ import annotations

import copy
import traceback
import uuid

from urllib.parse import quote

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.bandwidth.fields import (
    CALLBACK_TYPES,
    CREDS_FIELDS,
    ELEMENT,
    FIELDS,
    KEY_OF,
    KIND,
    MESSAGING,
    METHODS,
    METHOD_FIELDS,
    OPTION_FIELDS,
    REQUIRED_URL,
    SERVICE_FIELDS,
    SERVICE_OF,
    SERVICE_TYPES,
    UPDATE_PASSWORD,
    URL_FIELDS,
    VOICE,
    XML_CONTENT_TYPE,
    XML_DECLARATION,
)
from ansible_collections.cpaas.callbacks.plugins.module_utils.application import ApplicationAdapter, MissingLibrary, ModuleInputError
from ansible_collections.cpaas.callbacks.plugins.module_utils.http_client import HttpClient
from ansible_collections.cpaas.callbacks.plugins.module_utils.masking import MASK
from ansible_collections.cpaas.callbacks.plugins.module_utils.module import api_url_option, client_options
from ansible_collections.cpaas.callbacks.plugins.module_utils.validation import check_padding, check_text, check_url, check_xml_text

try:
    from lxml import etree
    HAS_LXML = True
    LXML_IMPORT_ERROR = None
except ImportError as exc:  # reported by the module with missing_required_lib
    etree = None
    HAS_LXML = False
    LXML_IMPORT_ERROR = exc

API_URL = "https://dashboard.bandwidth.com/api"
CREDS_OPTIONS = {
    "user_id": {"type": "str"},
    "password": {"type": "str", "no_log": True},
}

AUTH_ARGUMENT_SPEC = {
    "username": {"type": "str", "required": True, "fallback": (env_fallback, ["BW_USERNAME"])},
    "password": {"type": "str", "required": True, "no_log": True, "fallback": (env_fallback, ["BW_PASSWORD"])},
    "account_id": {"type": "str", "required": True, "fallback": (env_fallback, ["BW_ACCOUNT_ID"])},
    "api_url": api_url_option("BW_API_URL", API_URL),
}

APPLICATION_ARGUMENT_SPEC = dict(AUTH_ARGUMENT_SPEC)
APPLICATION_ARGUMENT_SPEC.update({
    "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
    "application_id": {"type": "str"},
    "app_name": {"type": "str"},
    "service_type": {"type": "str", "choices": list(SERVICE_TYPES)},
    "requested_callback_types": {"type": "list", "elements": "str", "choices": list(CALLBACK_TYPES)},
    "update_password": {"type": "str", "default": "on_create", "choices": list(UPDATE_PASSWORD), "no_log": False},
})
APPLICATION_ARGUMENT_SPEC.update({key: {"type": "str"} for key in URL_FIELDS})
APPLICATION_ARGUMENT_SPEC.update({key: {"type": "str", "choices": list(METHODS)} for key in METHOD_FIELDS})
APPLICATION_ARGUMENT_SPEC.update({key: {"type": "dict", "options": copy.deepcopy(CREDS_OPTIONS)} for key in CREDS_FIELDS})

INFO_ARGUMENT_SPEC = dict(AUTH_ARGUMENT_SPEC)
INFO_ARGUMENT_SPEC.update({"application_id": {"type": "str"}, "app_name": {"type": "str"}})


# ---- XML ------------------------------------------------------------------------
class XmlError(ValueError):
    """A body that is not a Bandwidth XML document this module accepts."""


def xml_parser():
    """A parser that never resolves entities, loads a DTD or fetches anything."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=True, remove_pis=True)


def parse_xml(data):
    """The root element of ``data`` (bytes or str); raises XmlError for anything unsafe or malformed."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data or not data.strip():
        raise XmlError("the body is empty")
    try:
        root = etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        raise XmlError("the body is not well-formed XML (%s)" % exc) from None
    if root.getroottree().docinfo.doctype:
        # Bandwidth's documents never carry one; a DTD is only good for entity tricks.
        raise XmlError("the body has a document type declaration, which is not accepted")
    return root


def _text(element):
    return (element.text or "").strip()


def application_from_element(element):
    """An ``<Application>`` element in canonical form (deprecated echoes left out)."""
    app = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "ApplicationId":
            app["application_id"] = _text(child)
            continue
        key = KEY_OF.get(child.tag)
        if key is None:
            continue  # deprecated echoes (MsgCallbackUrl, MsgCallbackCreds) and unknown elements
        kind = KIND[key]
        if kind == "creds":
            # Bandwidth does not return passwords; one that shows up anyway is not kept.
            user = child.find("UserId")
            app[key] = {"user_id": _text(user) if user is not None else None}
        elif kind == "types":
            app[key] = [_text(item) for item in child if isinstance(item.tag, str) and item.tag == "CallbackType"]
        else:
            app[key] = _text(child)
    return app


RESPONSE_ROOTS = ("ApplicationProvisioningResponse", "ApplicationList", "Application")


def _response_root(data):
    """The root of a Bandwidth applications answer; anything else (an HTML page that happens to be
    well-formed, another API's document) is refused rather than read as an empty account."""
    root = parse_xml(data)
    if root.tag not in RESPONSE_ROOTS:
        raise XmlError("the answer is not a Bandwidth applications document (root <%s>, expected <%s>)"
                       % (root.tag, RESPONSE_ROOTS[0]))
    return root


def parse_application(data):
    """The application of an ``ApplicationProvisioningResponse`` (or a bare ``Application``)."""
    root = _response_root(data)
    element = root if root.tag == "Application" else root.find("Application")
    if element is None:
        raise XmlError("the answer has no <Application> element (root <%s>)" % root.tag)
    return application_from_element(element)


def parse_application_list(data):
    """Every application of an ``ApplicationProvisioningResponse/ApplicationList``."""
    root = _response_root(data)
    listing = root if root.tag == "ApplicationList" else root.find("ApplicationList")
    if listing is None:
        if root.find("Application") is not None:  # a list of one, answered like a single application
            return [application_from_element(root.find("Application"))]
        return []
    return [application_from_element(item) for item in listing if isinstance(item.tag, str) and item.tag == "Application"]


def application_to_xml(app, service_type=True):
    """``<Application>`` request body (bytes) in the documents' element order.

    Every key of ``app`` that is a field is written, including credentials with their
    password (when present); ``service_type=False`` leaves ``ServiceType`` out (the
    documented PUT has none, the type cannot change). Empty values are left out: a
    full-replace update removes what it does not carry.
    """
    root = etree.Element("Application")
    for key, element, kind, _service in FIELDS:
        value = app.get(key)
        if value in (None, "", [], {}):
            continue
        if key == "service_type" and not service_type:
            continue
        node = etree.SubElement(root, element)
        if kind == "creds":
            if value.get("user_id"):
                etree.SubElement(node, "UserId").text = value["user_id"]
            if value.get("password"):
                etree.SubElement(node, "Password").text = value["password"]
        elif kind == "types":
            for callback_type in value:
                etree.SubElement(node, "CallbackType").text = callback_type
        else:
            node.text = value
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8")


def parse_error(response):
    """Bandwidth's error body -> (code, message).

    ``<...Response><ResponseStatus><ErrorCode>n</ErrorCode><Description>..</Description>`` (the
    first pair anywhere in the body), else ``<Error><Code>/<Description>``, else an
    ``<Errors>``/``<ErrorList>`` list of those.
    """
    root = parse_xml(response.content)
    code = root.find(".//ErrorCode")
    if root.tag == "ErrorCode":
        code = root
    if code is not None:
        parent = code.getparent()
        description = parent.find("Description") if parent is not None else None
        if description is None:
            description = root.find(".//Description")
        return _text(code) or None, (_text(description) if description is not None else None) or None
    errors = [root] if root.tag == "Error" else list(root.iter("Error"))
    if errors:
        codes = [_text(error.find("Code")) for error in errors if error.find("Code") is not None]
        messages = [_text(error.find("Description")) for error in errors if error.find("Description") is not None]
        return (", ".join(code for code in codes if code) or None), ("; ".join(message for message in messages if message) or None)
    description = root.find(".//Description")
    if description is not None:
        return None, _text(description) or None
    return None, None


# ---- the adapter ------------------------------------------------------------------
def check_application_id(value):
    """Bandwidth application ids are UUIDs; anything else never reaches a request path."""
    if value is None:
        return None
    try:
        uuid.UUID(value)
    except ValueError:
        return ("application_id must be a Bandwidth application id (a UUID such as "
                "d775585a-ed5b-4a49-8b96-f68c0a993ebe), got %r" % value)
    return None


def _creds_path(key):
    return key + ".password"


class BandwidthApplicationAdapter(ApplicationAdapter):
    provider = "Bandwidth"
    id_option = "application_id"
    name_option = "app_name"
    id_key = "application_id"
    name_key = "app_name"
    secret_keys = ("password",)
    # Bandwidth fills in POST for every method it is not given: not drift when the user asks for it.
    defaults = dict((key, "POST") for key in METHOD_FIELDS)

    def make_client(self):
        if not HAS_LXML:
            raise MissingLibrary(missing_required_lib("lxml"),
                                 "".join(traceback.format_exception_only(type(LXML_IMPORT_ERROR), LXML_IMPORT_ERROR)))
        params = self.params
        return HttpClient(
            "Bandwidth", params["api_url"], auth=(params["username"], params["password"]),
            headers={"Accept": "application/xml"},
            error_parser=parse_error, **client_options(params))

    # ---- paths and client calls -------------------------------------------------
    @property
    def collection_path(self):
        return "accounts/%s/applications" % quote(self.params["account_id"], safe="")

    def item_path(self, app_id):
        return "%s/%s" % (self.collection_path, quote(app_id, safe=""))

    def get(self, app_id):
        problem = check_application_id(app_id)
        if problem:
            raise ModuleInputError(problem)
        return self.client.request_xml("GET", self.item_path(app_id), parse_application, absent=(404,))[1]

    def list(self, name=None):
        # Bandwidth lists every active application at once; there is no filter and no paging.
        return self.client.request_xml("GET", self.collection_path, parse_application_list)[1]

    def _send(self, method, path, document, **kwargs):
        return self.client.request_xml(method, path, parse_application, data=document, headers={"Content-Type": XML_CONTENT_TYPE},
                                       **kwargs)[1]

    def create(self, desired):
        document = {key: value for key, value in desired.items() if key in ELEMENT}
        return self._send("POST", self.collection_path, application_to_xml(document), expected=(200, 201), idempotent=False)

    def update(self, current, desired, changes):
        document = self.put_document(current, desired)
        # The PUT replaces the application with the same document each time: safe to repeat.
        return self._send("PUT", self.item_path(current["application_id"]), application_to_xml(document, service_type=False))

    def delete(self, current):
        # A 404 means someone else deleted it meanwhile: the goal is reached.
        self.client.request("DELETE", self.item_path(current["application_id"]), expected=(200, 204, 404))

    # ---- translation ---------------------------------------------------------------
    @property
    def always_update_password(self):
        return self.params.get("update_password") == "always"

    def desired_state(self):
        desired = {}
        for key in OPTION_FIELDS:
            value = self.params.get(key)
            if value is None:
                continue
            if KIND[key] == "creds":
                user_id, password = value.get("user_id"), value.get("password")
                if user_id is None and password is None:
                    desired[key] = {}  # {} removes the credentials
                else:
                    desired[key] = dict((name, item) for name, item in (("user_id", user_id), ("password", password)) if item is not None)
            elif KIND[key] == "types":
                desired[key] = list(dict.fromkeys(value))
            else:
                desired[key] = value
        return desired

    def _given_options(self):
        return [key for key in OPTION_FIELDS if self.params.get(key) is not None]

    def _foreign_options(self, service_type):
        """The options set by the user that belong to the other application type."""
        return [key for key in self._given_options() if SERVICE_OF[key] not in (None, service_type)]

    def check_input(self):
        params = self.params
        problems = [check_text("app_name", params.get("app_name"))]
        problems += [check_url(key, params.get(key)) for key in URL_FIELDS]
        problems.append(check_application_id(params.get("application_id")))
        for service_type, key in REQUIRED_URL.items():
            if params.get(key) == "":
                problems.append("%s cannot be cleared: %s applications require it" % (key, service_type))
        for key in CREDS_FIELDS:
            value = params.get(key)
            if value is None:
                continue
            if value.get("user_id") == "":
                problems.append("%s.user_id must not be empty; to remove the credentials set %s: {}" % (key, key))
            elif value.get("password") is not None and value.get("user_id") is None:
                problems.append("%s.user_id is required with %s.password" % (key, key))
            if value.get("password") == "":
                problems.append("%s.password must not be empty" % key)
            for field in ("user_id", "password"):
                # XML cannot carry every character, and Bandwidth trims what it stores.
                text = value.get(field)
                problems.append(check_xml_text("%s.%s" % (key, field), text) or check_padding("%s.%s" % (key, field), text))
        for key in ("app_name",) + URL_FIELDS:
            problems.append(check_xml_text(key, params.get(key)))
        problems.append(self._service_problem(params.get("service_type")))
        return [problem for problem in problems if problem]

    def _service_problem(self, service_type, application=None):
        if service_type:
            foreign = self._foreign_options(service_type)
            if foreign:
                where = "application %s is %s" % (application, service_type) if application else "service_type is %s" % service_type
                other = VOICE if service_type == MESSAGING else MESSAGING
                return ("%s %s %s option%s and cannot be set: %s, whose options are %s"
                        % (", ".join(foreign), "are" if len(foreign) > 1 else "is a", other, "s" if len(foreign) > 1 else "",
                           where, ", ".join(SERVICE_FIELDS[service_type])))
            return None
        messaging = [key for key in self._given_options() if SERVICE_OF[key] == MESSAGING]
        voice = [key for key in self._given_options() if SERVICE_OF[key] == VOICE]
        if messaging and voice:
            return ("%s (%s options) and %s (%s options) cannot be set together: an application is either "
                    "%s or %s" % (", ".join(messaging), MESSAGING, ", ".join(voice), VOICE, MESSAGING, VOICE))
        return None

    def check_create(self, desired):
        service_type = desired.get("service_type")
        if not service_type:
            raise ModuleInputError("service_type is required to create an application: one of %s" % ", ".join(SERVICE_TYPES))
        required = REQUIRED_URL[service_type]
        if not desired.get(required):
            raise ModuleInputError("%s is required to create a %s application" % (required, service_type))
        missing = [_creds_path(key) for key in CREDS_FIELDS
                   if desired.get(key) and desired[key].get("user_id") and not desired[key].get("password")]
        if missing:
            raise ModuleInputError("%s required to create the credentials (Bandwidth never returns a password, so it "
                                   "cannot be read back from anywhere)" % _are(missing))

    def check_change(self, current, desired, changes):
        have_type = current.get("service_type")
        wanted_type = desired.get("service_type")
        app_id = current.get("application_id")
        if wanted_type and have_type and wanted_type != have_type:
            raise ModuleInputError("service_type cannot be changed: application %s is %s, the task asks for %s. "
                                   "Delete it and create a new application instead." % (app_id, have_type, wanted_type))
        if have_type not in SERVICE_TYPES:
            if changes:
                raise ModuleInputError("application %s has service type %r, which this module cannot update (it manages %s "
                                       "applications)" % (app_id, have_type, " and ".join(SERVICE_TYPES)))
            return
        problem = self._service_problem(have_type, app_id)
        if problem:
            raise ModuleInputError(problem)
        if changes:
            self.put_document(current, desired)  # fails before any write when credentials would be lost

    # ---- comparison -----------------------------------------------------------------
    def equivalent(self, path, current_value, desired_value):
        if path == "requested_callback_types":
            return set(current_value or []) == set(desired_value or [])
        return super().equivalent(path, current_value, desired_value)

    def differences(self, current, desired, prefix=""):
        changes = {}
        current = current or {}
        for key, wanted in desired.items():
            have = current.get(key)
            if KIND.get(key) == "creds":
                if not wanted:  # {}: remove
                    if have:
                        changes[key] = (have, None)
                    continue
                have = have or {}
                if "user_id" in wanted and have.get("user_id") != wanted["user_id"]:
                    changes[key + ".user_id"] = (have.get("user_id"), wanted["user_id"])
                # Passwords are write-only: never compared. Sent on request (update_password: always).
                if wanted.get("password") and (self.always_update_password or key + ".user_id" in changes):
                    changes[_creds_path(key)] = (None, MASK)
            elif not self.equivalent(key, have, wanted):
                changes[key] = (have, wanted)
        if changes:
            # Any change is a PUT of the whole application, which carries every password the task
            # gives (update_password: on_create too): the write sets them, so say so.
            for key in CREDS_FIELDS:
                if (desired.get(key) or {}).get("password") and _creds_path(key) not in changes:
                    changes[_creds_path(key)] = (None, MASK)
        return changes

    def planned(self, current, desired):
        """The application once ``desired`` is applied; a password shows (masked) only where it is set."""
        after = copy.deepcopy(current or {})
        changes = self.differences(current, desired) if current else None
        for key, value in desired.items():
            kind = KIND.get(key)
            if kind == "creds":
                if not value:
                    after.pop(key, None)
                    continue
                creds = dict(after.get(key) or {})
                if value.get("user_id") is not None:
                    creds["user_id"] = value["user_id"]
                if value.get("password") and (changes is None or _creds_path(key) in changes):
                    creds["password"] = value["password"]
                after[key] = creds
            elif value in ("", []):
                after.pop(key, None)
            else:
                after[key] = copy.deepcopy(value)
        return after

    def put_document(self, current, desired):
        """The whole application for a PUT: current values, the user's values over them, passwords.

        Raises ModuleInputError when credentials the application has would be dropped because
        their password was not supplied (Bandwidth never returns one).
        """
        document = {}
        for key in ELEMENT:
            if key == "service_type":
                continue
            if key in desired:
                value = desired[key]
                if KIND[key] == "creds":
                    if not value:
                        continue  # removal asked for
                    value = dict(current.get(key) or {}, **value)
                document[key] = copy.deepcopy(value)
            elif current.get(key) not in (None, "", [], {}):
                document[key] = copy.deepcopy(current[key])
        missing = []
        for key in CREDS_FIELDS:
            creds = document.get(key)
            if not creds:
                continue
            if not creds.get("user_id"):
                document.pop(key)
                continue
            if not creds.get("password"):
                missing.append(key)
        if missing:
            app_id = current.get("application_id")
            raise ModuleInputError(
                "Bandwidth application %s has %s. The change needs a PUT, which replaces the whole application, "
                "and Bandwidth never returns passwords, so the PUT would drop these credentials. Supply %s, or give "
                "%s to remove the credentials. Nothing was changed."
                % (app_id, ", ".join("%s (user_id %r)" % (key, document[key]["user_id"]) for key in missing),
                   " and ".join(_creds_path(key) for key in missing),
                   " and ".join("%s: {}" % key for key in missing)))
        return document


def _are(paths):
    return "%s %s" % (" and ".join(paths), "are" if len(paths) > 1 else "is")


# What the registry entry hands to Ansible code that asks for this provider's adapter.
ADAPTER = BandwidthApplicationAdapter
