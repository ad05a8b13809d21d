# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keeping secrets out of results, diffs and error messages."""

from __future__ import annotations

import base64
import copy
import re

from urllib.parse import quote, quote_plus, unquote, urlsplit, urlunsplit

MASK = "********"
USER_KEYS = ("username", "user_id", "user")


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


def _lower_escapes(text):
    return re.sub(r"%[0-9A-F]{2}", lambda match: match.group(0).lower(), text)


def encoded_forms(secret, user=None):
    """Every form in which ``secret`` can show up in text: as it is, percent-decoded,
    URL-encoded (either case of escapes, ``+`` for spaces), and, with the user name it
    goes with, the base64 of ``user:secret`` of a basic-auth header (with and without
    padding, standard and URL-safe alphabets)."""
    if not isinstance(secret, str) or secret in ("", MASK):
        return set()
    plain = {secret, unquote(secret)}
    forms = set(plain)
    for text in plain:
        for encoded in (quote(text, safe=""), quote(text), quote_plus(text, safe="")):
            forms.update((encoded, _lower_escapes(encoded)))
        if user:
            for name in (user, unquote(user)):
                pair = ("%s:%s" % (name, text)).encode("utf-8")
                for encoded in (base64.b64encode(pair), base64.urlsafe_b64encode(pair)):
                    forms.update((encoded.decode("ascii"), encoded.decode("ascii").rstrip("=")))
    return forms - {"", MASK}


def scrub(text, secrets):
    """``text`` with every one of ``secrets`` replaced by the mask, longest first (so a
    secret inside another is not half masked)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret and secret in text:
            text = text.replace(secret, MASK)
    return text


def secret_values(value, secret_keys=()):
    """Every secret anywhere inside ``value``, in every encoded form (``encoded_forms``):
    passwords in URLs with user info, and values under keys named in ``secret_keys``
    (compared in lower case; with the user name of a sibling key such as ``username``,
    for the basic-auth form). Empty and already masked values are left out."""
    found = set()
    if isinstance(value, dict):
        user = next((value[key] for key in value if str(key).lower() in USER_KEYS and isinstance(value[key], str)), None)
        for key, item in value.items():
            if str(key).lower() in secret_keys and isinstance(item, str):
                found |= encoded_forms(item, user)
            else:
                found |= secret_values(item, secret_keys)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found |= secret_values(item, secret_keys)
    elif isinstance(value, str) and "@" in value:
        try:
            parts = urlsplit(value)
            password, user = parts.password, parts.username
        except ValueError:
            password = user = None
        if password:
            found |= encoded_forms(password, user)
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
