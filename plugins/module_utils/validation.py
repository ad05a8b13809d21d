# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of module input that must fail before any request leaves the machine.

Each check returns an error message naming the option and what is allowed, or None.
"""

from __future__ import annotations

import re

from urllib.parse import urlsplit

from ansible_collections.cpaas.callbacks.plugins.module_utils.masking import mask_url_password

_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


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


def check_text(option, value, maximum=None):
    """A name: no control characters, not blank, and within the provider's length limit."""
    if value is None:
        return None
    if not value.strip():
        return "%s must not be empty or blank" % option
    if _CONTROL_CHARS.search(value):
        return "%s must not contain control characters" % option
    if maximum is not None:
        return check_length(option, value, maximum)
    return None


def check_range(option, value, minimum, maximum, unit=""):
    if value is None:
        return None
    if not minimum <= value <= maximum:
        return "%s must be between %s and %s%s (got %s)" % (option, minimum, maximum, unit, value)
    return None
