# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Keeping secrets out of results, diffs and error messages."""

from __future__ import annotations

import base64
import copy
import re

from urllib.parse import quote, quote_plus, unquote, urlsplit, urlunsplit

MASK = "********"
USER_KEYS = ("username", "user_id", "user")
# What the "after" side of a diff shows for a secret that the change replaces: the reader
# learns that it changes without seeing either value.
MASK_CHANGED = MASK + " (changed)"

# "scheme://user:" where a URL's user info starts, and "@host[:port]" followed by the end of
# the authority: read leniently, so that a password with an unencoded "?", "#" or "/" (which
# a URL parser takes for the start of the query, fragment or path) is still found.
_URL_USER = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^:/?#@\s]*:")
_URL_HOST = re.compile(r"@(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~-]+)(?::[0-9]*)?(?=[/?#]|$)")
# Names of keys that hold secrets, for keys that are not options (a misspelt option).
_SECRET_NAME = re.compile(r"pas|pwd|secret|token|private_?key", re.IGNORECASE)  # "pas": pasword, passwd...


def lenient_url_passwords(text):
    """Every string that may be the password of a URL with user info inside ``text``, read the
    way a person means it: between ``scheme://user:`` and an ``@`` that a host follows, even
    when the password holds characters a URL parser stops at. May find more than one."""
    found = set()
    if not isinstance(text, str) or "@" not in text:
        return found
    for user in _URL_USER.finditer(text):
        start = user.end()
        at = text.find("@", start)
        while at != -1:
            candidate = text[start:at]
            if any(char.isspace() for char in candidate):
                break
            if candidate and _URL_HOST.match(text, at):
                found.add(candidate)
            at = text.find("@", at + 1)
    return found


def mask_url_password(url):
    """``https://user:pass@host/p`` -> ``https://user:********@host/p``; other values unchanged."""
    if not isinstance(url, str) or "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        # Not a password to a URL parser; perhaps one with an unencoded "?", "#" or "/".
        for password in sorted(lenient_url_passwords(url), key=len, reverse=True):
            url = url.replace(":%s@" % password, ":%s@" % MASK)
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
            parsed, user = parts.password, parts.username
        except ValueError:
            parsed = user = None
        for password in lenient_url_passwords(value) | ({parsed} if parsed else set()):
            found |= encoded_forms(password, user)
    return found - {"", MASK}


def given_secrets(params, spec):
    """Every secret in a module's raw arguments, before they are validated, so that it stays
    masked even when its option is refused: values of no_log options (at any depth, whatever
    their type), of keys that are not options but are named like secrets (a misspelt
    ``pasword``), and passwords inside URLs (see secret_values)."""
    found = secret_values(params)
    if isinstance(params, (list, tuple)):
        for item in params:
            found |= given_secrets(item, None)
    if not isinstance(params, dict):
        return found - {"", MASK}
    options = {}
    for name, option in (spec or {}).items():
        for alias in [name] + list(option.get("aliases") or []):
            options[alias] = option
    for key, value in params.items():
        option = options.get(key)
        if str(key).startswith("_ansible_"):  # Ansible's own settings for the module run
            continue
        if option is None:
            if _SECRET_NAME.search(str(key)) and not str(key).startswith("update_"):  # update_password: a policy
                found |= _strings(value)
            else:
                found |= given_secrets(value, None)
        elif option.get("no_log"):
            found |= _strings(value)
        else:  # suboptions by their spec; a free-form dict (no suboptions) by the names of its keys
            for item in value if isinstance(value, list) else [value]:
                found |= given_secrets(item, option.get("options"))
    return found - {"", MASK}


def _strings(value):
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        found = set()
        for item in value:
            found |= _strings(item)
        return found
    return set()


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


def mark_changed_secrets(before, after, shown_before, shown_after, secret_keys=()):
    """``shown_after`` (``after`` as shown to the user, secrets masked) with every secret that
    differs from ``before`` shown as MASK_CHANGED: a diff then says that a secret (a password
    inside a URL, a value under ``secret_keys``) changes, without showing either value."""
    if isinstance(after, dict) and isinstance(before, dict) and isinstance(shown_after, dict):
        marked = dict(shown_after)
        shown_before = shown_before if isinstance(shown_before, dict) else {}
        for key, shown in shown_after.items():
            if key not in before or key not in after:
                continue
            value, old = after[key], before[key]
            if key in secret_keys and value not in (None, "") and old not in (None, "", MASK) and value != old:
                marked[key] = MASK_CHANGED
            else:
                marked[key] = mark_changed_secrets(old, value, shown_before.get(key), shown, secret_keys)
        return marked
    if isinstance(after, str) and isinstance(before, str) and after != before and shown_after == shown_before \
            and ":%s@" % MASK in shown_after:
        # Equal once masked, different in fact: only the password inside the URL changes.
        return shown_after.replace(":%s@" % MASK, ":%s@" % MASK_CHANGED, 1)
    return shown_after
