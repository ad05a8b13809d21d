# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Vonage's capability and webhook tables, standard library only (the adapter's specs and codec read them)."""

from __future__ import annotations

TIMEOUT = "connect_timeout"              # the name modules use and send (the only one the API takes)
TIMEOUT_ALIASES = ("connection_timeout",)  # the 2021 reference's name: an option alias, read from answers
REGIONS = ("na-east", "na-west", "eu-east", "eu-west", "apac-sng", "apac-australia")
CAPABILITY_NAMES = ("voice", "messages", "rtc", "verify", "vbc")

# capability -> (its webhooks, the methods they accept, whether they take timeouts)
WEBHOOKS = {
    "voice": (("answer_url", "fallback_answer_url", "event_url"), ("GET", "POST"), True),
    "messages": (("inbound_url", "status_url"), ("POST",), False),
    "rtc": (("event_url",), ("GET", "POST"), False),
    "verify": (("status_url",), ("POST",), False),
}
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
