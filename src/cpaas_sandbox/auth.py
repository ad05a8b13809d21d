"""Credential checks shared by the provider APIs (HTTP basic auth and header pairs)."""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Iterable, Mapping


def basic_credentials(headers: Mapping[str, str]) -> tuple[str, str] | None:
    """The (user, password) of an ``Authorization: Basic`` header, or None."""
    value = headers.get("Authorization", "")
    scheme, _sep, token = value.strip().partition(" ")
    if scheme.lower() != "basic" or not token.strip():
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    if not sep:
        return None
    return user, password


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def credentials_match(given: tuple[str, str] | None, allowed: Iterable[tuple[str, str]]) -> bool:
    """Constant-time check of a (user, secret) pair against every allowed pair."""
    if given is None:
        return False
    ok = False
    for user, secret in allowed:
        # no short-circuit: every pair is compared
        ok = (_same(given[0], user) & _same(given[1], secret)) or ok
    return ok


def header_credentials(headers: Mapping[str, str], id_header: str, token_header: str) -> tuple[str, str] | None:
    """A credential pair carried in two headers (e.g. ``X-Auth-ID`` / ``X-Auth-Token``)."""
    user = headers.get(id_header)
    secret = headers.get(token_header)
    if user is None or secret is None:
        return None
    return user, secret


def authorization_scheme(headers: Mapping[str, str]) -> str | None:
    """Only the scheme of the Authorization header (for the request log; never the value)."""
    value = headers.get("Authorization")
    if not value:
        return None
    return value.strip().partition(" ")[0] or None
