# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Checks of module input that must fail before any request leaves the machine.

Each check returns an error message naming the option and what is allowed, or None.
"""

from __future__ import annotations

import re

from urllib.parse import urlsplit

from ansible_collections.cpaas.callbacks.plugins.module_utils.masking import mask_url_password

_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
# Everything outside XML 1.0's Char production (noncharacters U+FFFE/U+FFFF and lone surrogates too).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def check_url(option, value, allow_empty=True):
    """A callback URL must be an absolute http(s) URL with a host; "" clears when allowed."""
    if value is None:
        return None
    if value == "":
        return None if allow_empty else "%s must not be empty" % option
    allowed = "an absolute http:// or https:// URL" + (', or "" to clear it' if allow_empty else "")
    if _CONTROL_CHARS.search(value) or " " in value:
        return "%s must be %s without spaces or control characters" % (option, allowed)
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError on a bad port
    except ValueError:
        return "%s is not a valid URL: must be %s" % (option, allowed)
    del port
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "%s must be %s, got %r" % (option, allowed, mask_url_password(value))
    return None


def check_length(option, value, maximum):
    if value is not None and len(value) > maximum:
        return "%s must be at most %d characters long (got %d)" % (option, maximum, len(value))
    return None


def check_padding(option, value):
    """Leading or trailing whitespace is refused: a provider that stores the value trimmed (Bandwidth
    does) would never give it back as written, so every run would see a difference."""
    if value is not None and value != value.strip():
        return ("%s must not begin or end with whitespace (the provider may store it trimmed, and it would then never "
                "match the task), got %r" % (option, value))
    return None


def check_text(option, value, maximum=None):
    """A name: no control characters, not blank, not padded, and within the provider's length limit."""
    if value is None:
        return None
    if not value.strip():
        return "%s must not be empty or blank" % option
    if _CONTROL_CHARS.search(value):
        return "%s must not contain control characters" % option
    if _NOT_XML.search(value):
        return "%s must not contain noncharacters or unpaired surrogates (such as U+FFFE)" % option
    problem = check_padding(option, value)
    if problem is None and maximum is not None:
        problem = check_length(option, value, maximum)
    return problem


def check_xml_text(option, value):
    """Text that goes into an XML document: only characters XML 1.0 can carry."""
    if value is not None and _NOT_XML.search(value):
        return ("%s contains a character XML cannot carry (control characters other than tab and newline, "
                "U+FFFE, U+FFFF or an unpaired surrogate)" % option)
    return None


def check_range(option, value, minimum, maximum, unit=""):
    if value is None:
        return None
    if not minimum <= value <= maximum:
        return "%s must be between %s and %s%s (got %s)" % (option, minimum, maximum, unit, value)
    return None
