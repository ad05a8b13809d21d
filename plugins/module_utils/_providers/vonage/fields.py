# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Vonage's capability and webhook tables, standard library only.

The adapter (argument spec and codec) and ``events.py`` (which callbacks an application has) both
read :data:`CALLBACKS`, so each webhook is written once.
"""

from __future__ import annotations

from collections import namedtuple

from ...webhooks.answers import ANSWER_ANY, ANSWER_NCCO

TIMEOUT = "connect_timeout"              # the name modules use and send (the only one the API takes)
TIMEOUT_ALIASES = ("connection_timeout",)  # the 2021 reference's name: an option alias, read from answers
REGIONS = ("na-east", "na-west", "eu-east", "eu-west", "apac-sng", "apac-australia")
CAPABILITY_NAMES = ("voice", "messages", "rtc", "verify", "vbc")

# One webhook of an application:
# capability, methods, timeouts   the capability it belongs to, the http_method values the API accepts
#                                  for its webhooks, whether they take connect/socket timeouts;
# webhook                          its name under the capability's webhooks;
# event, answer                    the event Vonage sends to it, what its endpoint must answer;
# default_method                   the method Vonage uses when the webhook names none;
# follows_http_method              whether the webhook's http_method decides the method (the Messages API always POSTs);
# always_signed                    True: always signed (the Messages API); else as the capability's signed_callbacks says;
# primary                          for a fallback: the webhook of the same capability it backs up, else None.
CallbackSpec = namedtuple("CallbackSpec", "capability methods timeouts webhook event answer default_method follows_http_method "
                                          "always_signed primary")

_VOICE = ("voice", ("GET", "POST"), True)
_MESSAGES = ("messages", ("POST",), False)
_RTC = ("rtc", ("GET", "POST"), False)
_VERIFY = ("verify", ("POST",), False)

# Every webhook, by capability, in the API reference's order.
CALLBACKS = (
    CallbackSpec(*_VOICE, "answer_url", "answer", ANSWER_NCCO, "GET", follows_http_method=True, always_signed=False, primary=None),
    CallbackSpec(*_VOICE, "fallback_answer_url", "answer", ANSWER_NCCO, "GET", follows_http_method=True, always_signed=False, primary="answer_url"),
    CallbackSpec(*_VOICE, "event_url", "call-event", ANSWER_ANY, "POST", follows_http_method=True, always_signed=False, primary=None),
    CallbackSpec(*_MESSAGES, "inbound_url", "message-inbound", ANSWER_ANY, "POST", follows_http_method=False, always_signed=True, primary=None),
    CallbackSpec(*_MESSAGES, "status_url", "message-status", ANSWER_ANY, "POST", follows_http_method=False, always_signed=True, primary=None),
    CallbackSpec(*_RTC, "event_url", "rtc-event", ANSWER_ANY, "POST", follows_http_method=True, always_signed=False, primary=None),
    CallbackSpec(*_VERIFY, "status_url", "verify-status", ANSWER_ANY, "POST", follows_http_method=True, always_signed=False, primary=None),
)


def _webhooks_by_capability():
    table = {}
    for callback in CALLBACKS:
        names = table[callback.capability][0] if callback.capability in table else ()
        table[callback.capability] = (names + (callback.webhook,), callback.methods, callback.timeouts)
    return table


# capability -> (its webhooks, the methods they accept, whether they take timeouts)
WEBHOOKS = _webhooks_by_capability()
# (capability, primary webhook) -> its fallback webhook
FALLBACK_OF = {(callback.capability, callback.primary): callback.webhook for callback in CALLBACKS if callback.primary}
# webhook field -> (minimum, maximum, unit)
WEBHOOK_RANGES = {
    TIMEOUT: (300, 1000, " milliseconds"),
    "socket_timeout": (1000, 10000, " milliseconds"),
}
# voice setting -> (minimum, maximum, unit)
VOICE_RANGES = {
    "conversations_ttl": (1, 9000, " hours"),
    "leg_persistence_time": (1, 31, " days"),
}
# Read-only fields the API answers with but never takes (dropped from writes).
READ_ONLY_CAPABILITY_FIELDS = {"verify": ("version",)}
