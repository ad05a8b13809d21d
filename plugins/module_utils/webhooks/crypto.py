# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Signature primitives every provider's signing shares, standard library only.

``Verdict`` (the outcome of a check), constant-time comparison, SHA-256, HMAC-SHA256
in base64, HS256 JWTs (encode, decode and verify as PyJWT does), and HTTP
``Authorization`` parsing (RFC 7235). Each provider's ``_providers/<name>/signing.py``
builds its scheme from these.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import time

# Whitespace allowed between an auth-scheme and its credentials (RFC 7235 asks for SP;
# HTAB and other ASCII whitespace are taken too, so that no spelling hides a credential).
_AUTH_RE = re.compile(r"[ \t\r\n\f\v]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:[ \t\r\n\f\v]+(.*?))?[ \t\r\n\f\v]*", re.S)
_B64URL_RE = re.compile(r"[A-Za-z0-9_-]*")


class Verdict(object):
    """The outcome of a signature check.

    ``ok`` is true when the signature holds; ``reason`` is a short machine-friendly
    word (``valid``, ``missing``, ``invalid``, ``body_mismatch``, ``expired``,
    ``malformed``...); ``detail`` a sentence for people; ``claims`` the verified
    (or, when invalid, the unverified) JWT claims for Vonage.
    """

    __slots__ = ("ok", "reason", "detail", "claims")

    def __init__(self, ok, reason, detail="", claims=None):
        self.ok = bool(ok)
        self.reason = reason
        self.detail = detail
        self.claims = claims

    def __bool__(self):
        return self.ok

    __nonzero__ = __bool__

    def as_dict(self):
        result = {"ok": self.ok, "reason": self.reason, "detail": self.detail}
        if self.claims is not None:
            result["claims"] = self.claims
        return result

    def __repr__(self):
        return "Verdict(ok=%r, reason=%r, detail=%r)" % (self.ok, self.reason, self.detail)


def to_bytes(value):
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def compare(a, b):
    """Constant-time comparison of two strings or byte strings."""
    if a is None or b is None:
        return False
    return hmac.compare_digest(to_bytes(a), to_bytes(b))


def sha256_hex(body):
    """Hex SHA-256 of a body (bytes, or text encoded as UTF-8)."""
    return hashlib.sha256(to_bytes(body if body is not None else b"")).hexdigest()


def parse_authorization(value):
    """``(scheme, credentials)`` of an ``Authorization`` value, RFC 7235 style.

    The scheme is a token, compared case-insensitively by callers; any whitespace
    separates it from the credentials (``""`` when there are none). A value that
    does not have this shape gives ``(None, None)``.
    """
    if not value or not isinstance(value, str):
        return None, None
    match = _AUTH_RE.fullmatch(value)
    if not match:
        return None, None
    return match.group(1), match.group(2) or ""


def param_items(params):
    """(name, [values]) for dicts, MultiDicts (``getlist``/``getall``) and lists of pairs."""
    if not params:
        return {}
    grouped = {}
    if isinstance(params, (list, tuple)):
        for name, value in params:
            grouped.setdefault(name, []).append(value)
        return grouped
    for name in params:
        if hasattr(params, "getlist"):
            values = params.getlist(name)
        elif hasattr(params, "getall"):
            values = params.getall(name)
        else:
            values = params[name]
            if not isinstance(values, (list, tuple)):
                values = [values]
        grouped[name] = list(values)
    return grouped


def param_pairs(params):
    """(name, value) pairs of a mapping, MultiDict or list of pairs (repeated names kept)."""
    if not params:
        return []
    if isinstance(params, (list, tuple)):
        return list(params)
    return [(name, value) for name, values in param_items(params).items() for value in values]


def b64_hmac_sha256(key, message):
    """base64(HMAC-SHA256(key, message)) as text."""
    return base64.b64encode(hmac.new(to_bytes(key), message.encode("utf-8"), hashlib.sha256).digest()).decode("ascii")


def header_value(headers, name):
    """A header of any mapping with ``get``, looked up case-insensitively when the mapping is not."""
    if hasattr(headers, "get"):
        value = headers.get(name)
        if value is not None:
            return value
        lowered = name.lower()
        items = headers.items() if hasattr(headers, "items") else headers
        for key, item in items:
            if key.lower() == lowered:
                return item
    return None


# ---------------------------------------------------------------- JWT HS256


def _b64url_encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text):
    text = to_bytes(text)
    return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))


def jwt_hs256_encode(secret, claims, headers=None):
    """A compact JWS (HS256) of ``claims`` signed with ``secret``."""
    header = {"alg": "HS256", "typ": "JWT"}
    if headers:
        header.update(headers)
    signing_input = "%s.%s" % (
        _b64url_encode(json.dumps(header, separators=(",", ":"), sort_keys=True).encode("utf-8")),
        _b64url_encode(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode("utf-8")),
    )
    mac = hmac.new(to_bytes(secret), signing_input.encode("ascii"), hashlib.sha256)
    return signing_input + "." + _b64url_encode(mac.digest())


def _jwt_json_part(part):
    """A JWT header or payload part decoded to a JSON object; ValueError when it is not one.

    Every malformed part (characters outside base64url, bytes that are not UTF-8,
    JSON too deep for the parser) ends as ValueError, so a hostile token is a
    refusal and never a crash.
    """
    if not _B64URL_RE.fullmatch(part):
        raise ValueError("not base64url")
    try:
        value = json.loads(_b64url_decode(part).decode("utf-8"))
    except RecursionError:
        raise ValueError("nested too deep") from None
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def jwt_unverified_claims(token):
    """The claims of a JWT without checking anything, or ``None`` when unreadable."""
    try:
        return _jwt_json_part(token.split(".")[1])
    except (ValueError, IndexError, AttributeError):
        return None


def _numeric_date(value):
    """True for a JSON number usable as a NumericDate (not a bool, a string, NaN or infinity)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return isinstance(value, int) or math.isfinite(value)


def jwt_hs256_decode(secret, token, now=None, leeway=60):
    """Verify an HS256 JWT; return a :class:`Verdict` whose ``claims`` are the payload.

    Only ``alg: HS256`` is accepted (never ``none``). ``exp``, ``nbf`` and ``iat``
    must be numbers when present; ``exp`` in the past, ``nbf`` or ``iat`` in the future
    are refused, each with ``leeway`` seconds of clock skew. Any malformed token gives
    a ``malformed`` verdict.
    """
    if not token:
        return Verdict(False, "missing", "no token")
    if not isinstance(token, str):
        return Verdict(False, "malformed", "the JWT is not text")
    parts = token.split(".")
    if len(parts) != 3:
        return Verdict(False, "malformed", "a JWT has three dot-separated parts")
    try:
        header = _jwt_json_part(parts[0])
        claims = _jwt_json_part(parts[1])
        if not _B64URL_RE.fullmatch(parts[2]):
            raise ValueError("not base64url")
        signature = _b64url_decode(parts[2])
    except ValueError:
        return Verdict(False, "malformed", "the JWT header and payload must be base64url-encoded JSON objects")
    if header.get("alg") != "HS256":
        return Verdict(False, "invalid", "unsupported JWT algorithm %r (HS256 expected)" % (header.get("alg"),), claims)
    expected = hmac.new(to_bytes(secret), ("%s.%s" % (parts[0], parts[1])).encode("ascii"), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, signature):
        return Verdict(False, "invalid", "the JWT signature does not match the signature secret", claims)
    now = time.time() if now is None else now
    for name in ("exp", "nbf", "iat"):
        if name in claims and not _numeric_date(claims[name]):
            return Verdict(False, "malformed", "the %s claim is not a number" % name, claims)
    if "exp" in claims and now > claims["exp"] + leeway:
        return Verdict(False, "expired", "the JWT expired", claims)
    if "nbf" in claims and now + leeway < claims["nbf"]:
        return Verdict(False, "not_yet_valid", "the JWT is not valid yet (nbf)", claims)
    if "iat" in claims and now + leeway < claims["iat"]:
        return Verdict(False, "not_yet_valid", "the JWT was issued in the future (iat), more than %d s ahead of this clock" % leeway, claims)
    return Verdict(True, "valid", "HS256 signature verified", claims)


def bearer_token(authorization):
    """The token of an ``Authorization: Bearer <token>`` value, else ``None``."""
    scheme, token = parse_authorization(authorization)
    if scheme is None or scheme.lower() != "bearer" or not token:
        return None
    return token
