# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keeping secrets out of results, diffs and error messages."""

from __future__ import annotations

import copy

from urllib.parse import unquote, urlsplit, urlunsplit

MASK = "********"


def mask_url_password(url):
    """``https://user:pass@host/p`` -> ``https://user:********@host/p``; other values unchanged."""
    if not isinstance(url, str) or "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    userinfo, _sep, hostport = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return urlunsplit((parts.scheme, "%s:%s@%s" % (user, MASK, hostport), parts.path, parts.query, parts.fragment))


def secret_values(value, secret_keys=()):
    """Every secret anywhere inside ``value``: passwords in URLs with user info (raw and
    decoded), and values under keys named in ``secret_keys`` (compared in lower case).
    Empty and already masked values are left out."""
    found = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if str(key).lower() in secret_keys and isinstance(item, str):
                found.add(item)
            else:
                found |= secret_values(item, secret_keys)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found |= secret_values(item, secret_keys)
    elif isinstance(value, str) and "@" in value:
        try:
            password = urlsplit(value).password
        except ValueError:
            password = None
        if password:
            found.add(password)
            found.add(unquote(password))
    return found - {"", MASK}


def mask_secrets(value, secret_keys=(), mask_urls=True):
    """A deep copy of ``value`` with every key in ``secret_keys`` masked (when it holds a
    value) and the password of every URL with user info masked."""
    if isinstance(value, dict):
        masked = {}
        for key, item in value.items():
            if key in secret_keys and item not in (None, ""):
                masked[key] = MASK
            else:
                masked[key] = mask_secrets(item, secret_keys, mask_urls)
        return masked
    if isinstance(value, list):
        return [mask_secrets(item, secret_keys, mask_urls) for item in value]
    if mask_urls and isinstance(value, str):
        return mask_url_password(value)
    return copy.deepcopy(value)
