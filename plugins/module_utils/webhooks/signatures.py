# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Provider webhook signatures: sign and verify, standard library only.

One implementation shared by the callback receiver (which verifies), the provider
sandbox (which signs the events it fires) and the ``callback_check`` module.

Twilio (``X-Twilio-Signature``)
    ``twilio_signature(auth_token, url, params)`` signs; ``twilio_validate(auth_token,
    url, params_or_body, signature)`` verifies the way the Twilio SDK's
    ``RequestValidator.validate`` does: form parameters are sorted and appended to
    the URL; a JSON body is covered by ``bodySHA256`` in the URL's query; the URL is
    tried without its port and with the scheme's default port added.
    ``algorithm="HMAC_SHA256"`` (any case, as the SDK) selects the HMAC-SHA256 variant that
    Twilio announces with ``X-Twilio-Webhooks-Signature-Settings: ...,algorithm=HMAC_SHA256``;
    that header is read as twilio 9.x reads it, and an algorithm it does not know
    makes the signature invalid.

Vonage (signed webhooks)
    A JWT (HS256) in ``Authorization: Bearer``, with a ``payload_hash`` claim holding
    the hex SHA-256 of the raw body. ``vonage_jwt_sign(secret, claims)`` and
    ``vonage_verify(secret, authorization, body)``. As PyJWT (under Vonage's SDK) does,
    ``exp``, ``nbf`` and ``iat`` must be numbers, and a token issued in the future is
    refused, with ``leeway`` seconds (60) of clock skew allowed.

Vobiz (``X-Vobiz-Signature-V2`` / ``-V3``)
    As Vobiz's own SDK (``vobiz-python``, like Plivo's) computes them:
    V2 = base64(HMAC-SHA256(token, baseURL + nonce)) where baseURL is the callback URL
    without its query; V3 = base64(HMAC-SHA256(token, signedURL + "." + nonce)) where
    signedURL keeps the query (its parameters sorted) and, for POST, appends the sorted
    form parameters. ``vobiz_v2_signature``, ``vobiz_v3_signature``, ``vobiz_validate``
    (valid when any signature version the request carries is valid).

HTTP ``Authorization`` values
    ``parse_authorization(value)`` splits a value into its scheme and credentials as
    RFC 7235 defines them (any whitespace after the scheme, scheme case-insensitive).

Every ``*_validate`` / ``*_verify`` function returns a :class:`Verdict`, which is true
when the signature holds and says why when it does not.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import secrets
import time

from urllib.parse import parse_qs, parse_qsl, urlparse, urlsplit, urlunparse, urlunsplit

TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature"
TWILIO_SIGNATURE_SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"
VOBIZ_V2_HEADER = "X-Vobiz-Signature-V2"
VOBIZ_V2_NONCE_HEADER = "X-Vobiz-Signature-V2-Nonce"
VOBIZ_V3_HEADER = "X-Vobiz-Signature-V3"
VOBIZ_V3_NONCE_HEADER = "X-Vobiz-Signature-V3-Nonce"
TWILIO_ALGORITHMS = {"HMAC_SHA1": hashlib.sha1, "HMAC_SHA256": hashlib.sha256}
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


def _to_bytes(value):
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def _compare(a, b):
    """Constant-time comparison of two strings or byte strings."""
    if a is None or b is None:
        return False
    return hmac.compare_digest(_to_bytes(a), _to_bytes(b))


def sha256_hex(body):
    """Hex SHA-256 of a body (bytes, or text encoded as UTF-8)."""
    return hashlib.sha256(_to_bytes(body if body is not None else b"")).hexdigest()


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


# ---------------------------------------------------------------- Twilio


def _param_items(params):
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


def twilio_signed_string(url, params=None):
    """The string Twilio signs: the URL, then ``name + value`` of every parameter.

    Names are sorted; the values of a repeated name are de-duplicated and sorted, as
    the Twilio SDK does.
    """
    s = url
    grouped = _param_items(params)
    for name in sorted(set(grouped)):
        for value in sorted(set(grouped[name])):
            s += "%s%s" % (name, value)
    return s


def twilio_signature(auth_token, url, params=None, algorithm="HMAC_SHA1"):
    """The ``X-Twilio-Signature`` value for a request to ``url`` with form ``params``.

    For a JSON body, sign the URL that carries ``bodySHA256`` (see
    :func:`twilio_url_with_body_hash`) with ``params=None``. ``algorithm`` is
    ``sha1`` (the default, keyed with the Auth Token) or ``sha256``.
    """
    digest = _twilio_digest(algorithm)
    if digest is None:
        raise ValueError("unsupported Twilio signature algorithm %r; supported: %s" % (algorithm, ", ".join(sorted(TWILIO_ALGORITHMS))))
    mac = hmac.new(_to_bytes(auth_token), twilio_signed_string(url, params).encode("utf-8"), digest)
    return base64.b64encode(mac.digest()).decode("ascii")


def twilio_url_with_body_hash(url, body):
    """``url`` with ``bodySHA256=<hex sha256 of body>`` added to its query."""
    parts = urlsplit(url)
    query = parts.query + ("&" if parts.query else "") + "bodySHA256=" + sha256_hex(body)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _twilio_url_without_port(url):
    parts = urlsplit(url)
    if not parts.port:
        return url
    netloc = parts.netloc.rsplit(":", 1)[0]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _twilio_url_with_port(url):
    parts = urlsplit(url)
    if parts.port:
        return url
    port = 443 if parts.scheme == "https" else 80
    netloc = "%s:%d" % (parts.netloc, port)
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _twilio_digest(algorithm):
    """The hash of a Twilio algorithm name (``HMAC_SHA1``/``HMAC_SHA256``, any case), else ``None``."""
    return TWILIO_ALGORITHMS.get(str(algorithm or "HMAC_SHA1").upper())


def twilio_algorithm_from_settings(header_value):
    """The algorithm an ``X-Twilio-Webhooks-Signature-Settings`` value names.

    Read as twilio 9.x reads it: the first ``algorithm=<value>`` part (the name
    ``algorithm`` in lower case, as Twilio writes it; the value as given, compared
    case-insensitively later), else ``HMAC_SHA1``. The value may be one this module
    does not support: :func:`twilio_validate` then refuses the signature.
    """
    for part in (header_value or "").split(","):
        name, sep, value = part.partition("=")
        if sep and name.strip() == "algorithm" and value.strip():
            return value.strip()
    return "HMAC_SHA1"


def twilio_validate(auth_token, url, params_or_body, signature, algorithm="HMAC_SHA1"):
    """Check an ``X-Twilio-Signature`` the way the Twilio SDK's validator does.

    ``params_or_body`` is the form parameters (dict, MultiDict or list of pairs) of a
    form-encoded request, or the raw body (bytes or text) of a JSON request, whose
    URL then carries ``bodySHA256``. The URL is accepted as signed without its port
    or with the scheme's default port added.
    """
    if not signature:
        return Verdict(False, "missing", "no %s header" % TWILIO_SIGNATURE_HEADER)
    if _twilio_digest(algorithm) is None:
        return Verdict(False, "unsupported_algorithm", "the signature algorithm %r is not one of %s" % (algorithm, ", ".join(sorted(TWILIO_ALGORITHMS))))
    params = params_or_body
    if isinstance(params_or_body, (bytes, str)):
        query = parse_qs(urlsplit(url).query)
        if "bodySHA256" not in query:
            return Verdict(False, "invalid", "a raw body was given but the URL has no bodySHA256 parameter")
        if not _compare(sha256_hex(params_or_body), query["bodySHA256"][0]):
            return Verdict(False, "body_mismatch", "bodySHA256 in the URL does not match the body")
        params = None
    for candidate in (_twilio_url_without_port(url), _twilio_url_with_port(url)):
        if _compare(twilio_signature(auth_token, candidate, params, algorithm), signature):
            return Verdict(True, "valid", "%s signature over %s" % (_twilio_algorithm_name(algorithm), candidate))
    return Verdict(False, "invalid", "signature does not match the URL %s and the parameters" % url)


def _twilio_algorithm_name(algorithm):
    return str(algorithm or "HMAC_SHA1").upper()


# ---------------------------------------------------------------- JWT HS256 and Vonage


def _b64url_encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text):
    text = _to_bytes(text)
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
    mac = hmac.new(_to_bytes(secret), signing_input.encode("ascii"), hashlib.sha256)
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
    expected = hmac.new(_to_bytes(secret), ("%s.%s" % (parts[0], parts[1])).encode("ascii"), hashlib.sha256).digest()
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


def vonage_jwt_sign(secret, claims):
    """An HS256 JWT as Vonage sends in ``Authorization: Bearer`` on a signed webhook."""
    return jwt_hs256_encode(secret, claims)


def vonage_signed_claims(body, api_key="", application_id=None, now=None, ttl=None):
    """Claims shaped like Vonage's: ``iat``, ``jti``, ``iss``, ``api_key``, ``payload_hash``."""
    now = int(time.time() if now is None else now)
    claims = {
        "iat": now,
        "jti": secrets.token_hex(16),
        "iss": "Vonage",
        "api_key": api_key,
        "payload_hash": sha256_hex(body),
    }
    if application_id:
        claims["application_id"] = application_id
    if ttl:
        claims["exp"] = now + int(ttl)
    return claims


def bearer_token(authorization):
    """The token of an ``Authorization: Bearer <token>`` value, else ``None``."""
    scheme, token = parse_authorization(authorization)
    if scheme is None or scheme.lower() != "bearer" or not token:
        return None
    return token


def vonage_verify(secret, authorization, body, now=None, leeway=60, require_payload_hash=True):
    """Verify a Vonage signed webhook.

    ``authorization`` is the ``Authorization`` header value (``Bearer <jwt>``) or the
    bare token; ``body`` the raw body. The JWT must be HS256 with ``secret``, and its
    ``payload_hash`` must equal the hex SHA-256 of the body. Vonage's own SDK checks
    only the signature; here a request with a body whose token has no ``payload_hash``
    is refused (a changed body could not be detected) unless ``require_payload_hash``
    is false. A bodiless request (a GET answer URL) needs no ``payload_hash``.
    """
    if not authorization:
        return Verdict(False, "missing", "no Authorization: Bearer header")
    scheme, credentials = parse_authorization(authorization)
    token = bearer_token(authorization) if credentials else authorization.strip()
    if scheme is not None and not credentials and scheme.lower() == "bearer":
        token = None
    if not token:
        return Verdict(False, "missing", "the Authorization header is not a Bearer token")
    verdict = jwt_hs256_decode(secret, token, now=now, leeway=leeway)
    if not verdict.ok:
        return verdict
    claims = verdict.claims
    if "payload_hash" in claims:
        if not isinstance(claims["payload_hash"], str):
            return Verdict(False, "malformed", "the payload_hash claim is not a string", claims)
        if not _compare(claims["payload_hash"].lower(), sha256_hex(body)):
            return Verdict(False, "body_mismatch", "payload_hash does not match the SHA-256 of the body", claims)
    elif require_payload_hash and body:
        return Verdict(False, "invalid", "the JWT has no payload_hash claim, so the body cannot be checked", claims)
    if "payload_hash" in claims:
        return Verdict(True, "valid", "HS256 JWT verified, payload_hash matches the body", claims)
    return Verdict(True, "valid", "HS256 JWT verified (no payload_hash claim)", claims)


# ---------------------------------------------------------------- Vobiz


def _vobiz_base_url(url):
    """scheme://netloc/path: the URL without query, fragment or ``;params`` (urlparse's view)."""
    parts = urlparse(url)
    return urlunparse((parts.scheme, parts.netloc, parts.path, "", "", ""))


def _vobiz_grouped(pairs):
    grouped = {}
    for name, value in pairs:
        grouped.setdefault(str(name), []).append(str(value))
    return grouped


def vobiz_v3_signed_url(url, method="POST", params=None):
    """The string Vobiz's SDK signs for V3 (before ``"." + nonce``).

    The URL without its query, then ``?`` and the query's parameters sorted by name
    (the values of a name sorted too) as ``name=value`` joined by ``&``, percent-decoded
    (UTF-8; the SDK itself fails on a non-ASCII query). For a method other than GET with form
    parameters: ``?``, the sorted query (and a ``.`` when there is one), then the
    parameters sorted as ``namevalue``. ``params`` is a mapping or a list of pairs.
    """
    query = _vobiz_grouped(parse_qsl(urlparse(url).query, keep_blank_values=True))
    sorted_query = "&".join("%s=%s" % (name, value) for name in sorted(query) for value in sorted(query[name]))
    signed = _vobiz_base_url(url)
    if str(method).upper() == "GET" or not params:
        return signed + ("?" + sorted_query if sorted_query else "")
    form = _vobiz_grouped(_param_pairs(params))
    signed += "?" + sorted_query + ("." if sorted_query else "")
    return signed + "".join("%s%s" % (name, value) for name in sorted(form) for value in sorted(form[name]))


def _param_pairs(params):
    if not params:
        return []
    if isinstance(params, (list, tuple)):
        return list(params)
    return [(name, value) for name, values in _param_items(params).items() for value in values]


def vobiz_nonce():
    """A 20-digit nonce like the ones Vobiz sends."""
    return "".join(secrets.choice("0123456789") for _digit in range(20))


def _b64_hmac_sha256(auth_token, message):
    return base64.b64encode(hmac.new(_to_bytes(auth_token), message.encode("utf-8"), hashlib.sha256).digest()).decode("ascii")


def vobiz_v2_signature(auth_token, url, nonce):
    """``X-Vobiz-Signature-V2``: base64(HMAC-SHA256(token, baseURL + nonce))."""
    return _b64_hmac_sha256(auth_token, _vobiz_base_url(url) + nonce)


def vobiz_v3_signature(auth_token, url, nonce, method="POST", params=None):
    """``X-Vobiz-Signature-V3``: base64(HMAC-SHA256(token, signed URL + "." + nonce)).

    The signed URL is :func:`vobiz_v3_signed_url` of the request's method, URL and
    form parameters.
    """
    return _b64_hmac_sha256(auth_token, vobiz_v3_signed_url(url, method, params) + "." + nonce)


def vobiz_sign_headers(auth_token, url, nonce=None, method="POST", params=None):
    """The V2 and V3 headers (with their nonces) Vobiz would send for a request."""
    nonce = nonce or vobiz_nonce()
    return {
        VOBIZ_V2_HEADER: vobiz_v2_signature(auth_token, url, nonce),
        VOBIZ_V2_NONCE_HEADER: nonce,
        VOBIZ_V3_HEADER: vobiz_v3_signature(auth_token, url, nonce, method, params),
        VOBIZ_V3_NONCE_HEADER: nonce,
    }


def _header(headers, name):
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


def vobiz_validate(auth_token, url, headers, method="POST", params=None):
    """Verify Vobiz's signatures: valid when any version the request carries is valid.

    V3 is checked as Vobiz's SDK computes it (the URL with its query and, except for
    GET, the form ``params``); V2 over the URL without its query. ``headers`` is any
    mapping with ``get`` (case-insensitive lookups are done by hand for plain dicts).
    A header may carry several comma-separated signatures; one match is enough.
    """
    failures = []
    for version, sig_header, nonce_header in (("V3", VOBIZ_V3_HEADER, VOBIZ_V3_NONCE_HEADER), ("V2", VOBIZ_V2_HEADER, VOBIZ_V2_NONCE_HEADER)):
        received = _header(headers, sig_header)
        if received is None:
            continue
        nonce = _header(headers, nonce_header)
        if not nonce:
            failures.append(("missing", "%s without %s" % (sig_header, nonce_header)))
            continue
        if version == "V3":
            signed = vobiz_v3_signed_url(url, method, params)
            expected = vobiz_v3_signature(auth_token, url, nonce, method, params)
        else:
            signed = _vobiz_base_url(url)
            expected = vobiz_v2_signature(auth_token, url, nonce)
        if any(_compare(candidate.strip(), expected) for candidate in received.split(",")):
            return Verdict(True, "valid", "%s signature over %s" % (version, signed))
        failures.append(("invalid", "%s does not match %s" % (sig_header, signed)))
    if not failures:
        return Verdict(False, "missing", "no %s or %s header" % (VOBIZ_V3_HEADER, VOBIZ_V2_HEADER))
    reason = "invalid" if any(result == "invalid" for result, _detail in failures) else "missing"
    return Verdict(False, reason, "; ".join(detail for _result, detail in failures))
