# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Vonage's signed webhooks: sign and verify, standard library only.

A JWT (HS256) in ``Authorization: Bearer``, with a ``payload_hash`` claim holding the hex
SHA-256 of the raw body. ``vonage_jwt_sign(secret, claims)`` and ``vonage_verify(secret,
authorization, body)``. As PyJWT (under Vonage's SDK) does, ``exp``, ``nbf`` and ``iat``
must be numbers, and a token issued in the future is refused, with ``leeway`` seconds (60)
of clock skew allowed.
"""

from __future__ import annotations

import secrets
import time

from ...webhooks.crypto import Verdict, bearer_token, compare, jwt_hs256_decode, jwt_hs256_encode, parse_authorization, sha256_hex

SIGNATURE_DESCRIPTION = "Authorization: Bearer (signed JWT)"


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
        if not compare(claims["payload_hash"].lower(), sha256_hex(body)):
            return Verdict(False, "body_mismatch", "payload_hash does not match the SHA-256 of the body", claims)
    elif require_payload_hash and body:
        return Verdict(False, "invalid", "the JWT has no payload_hash claim, so the body cannot be checked", claims)
    if "payload_hash" in claims:
        return Verdict(True, "valid", "HS256 JWT verified, payload_hash matches the body", claims)
    return Verdict(True, "valid", "HS256 JWT verified (no payload_hash claim)", claims)


def sign(prepared, secret, api_key=None, application_id=None, now=None):
    """``Authorization: Bearer <JWT>`` with ``payload_hash`` of the body."""
    claims = vonage_signed_claims(prepared.body, api_key=api_key or "", application_id=application_id, now=now)
    prepared.headers["Authorization"] = "Bearer " + vonage_jwt_sign(secret, claims)
    return prepared


def verify(secret, request):
    """(Verdict, details) for a received request; details carry the JWT's simple claims."""
    verdict = vonage_verify(secret, request.headers.get("Authorization"), request.body)
    details = {}
    if verdict.claims is not None:
        details["claims"] = {k: v for k, v in verdict.claims.items() if isinstance(v, (str, int, float, bool)) or v is None}
    return verdict, details
