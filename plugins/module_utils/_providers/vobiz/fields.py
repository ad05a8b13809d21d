# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Vobiz's option <-> wire field tables, standard library only.

The adapter (requests and answers) and ``events.py`` (which callbacks an application has) both
read :data:`CALLBACKS`, so each callback is written once.
"""

from __future__ import annotations

from ...webhooks.answers import ANSWER_ANY, ANSWER_VOBIZ_XML

# Every callback, in the order of the API reference's options:
# (URL option, its method option, the event it receives, the answer it needs, its fallback URL option or None).
CALLBACKS = (
    ("answer_url", "answer_method", "StartApp", ANSWER_VOBIZ_XML, "fallback_answer_url"),
    ("hangup_url", "hangup_method", "Hangup", ANSWER_ANY, None),
    ("fallback_answer_url", "fallback_method", "StartApp", ANSWER_VOBIZ_XML, None),
    ("message_url", "message_method", "message", ANSWER_ANY, None),
)

# URL options; the ones in CLEARABLE_URLS may be set to "" to clear them.
URL_FIELDS = tuple(url for url, _method, _event, _answer, _fallback in CALLBACKS)
CLEARABLE_URLS = ("fallback_answer_url", "message_url")
METHOD_FIELDS = tuple(method for _url, method, _event, _answer, _fallback in CALLBACKS)
BOOL_FIELDS = ("default_number_app", "default_endpoint_app", "log_incoming_messages")
MANAGED = ("app_name",) + URL_FIELDS + METHOD_FIELDS + BOOL_FIELDS + ("subaccount",)

# option -> name in a request body (every option is sent under its own name)
REQUEST_NAMES = dict((option, option) for option in MANAGED)
# name in an answer -> option (canonical key)
ANSWER_NAMES = {
    "default_app": "default_number_app",
    "sub_account": "subaccount",
    "log_incoming_message": "log_incoming_messages",
}
