# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Telnyx webhook signatures: Ed25519 over ``<timestamp>|<body>``.

Internal use only: not a public API of this collection; may change without notice.

Telnyx signs each webhook with the account's Ed25519 key and sends two headers:
``telnyx-signature-ed25519`` (base64 of the 64-byte signature) and ``telnyx-timestamp``
(Unix seconds). The signed message is the timestamp, a ``|`` and the raw body. The
official SDK (``telnyx.lib.webhook_verification``) refuses a timestamp more than 300
seconds away from its clock, in either direction; so does :func:`verify`.

Standard library, plus ``cryptography`` for Ed25519, imported only when a key is used
(modules run without it until a Telnyx key is given; the sandbox and receiver have it).
"""

from __future__ import annotations

import base64
import binascii
import time

from ...webhooks.crypto import Verdict, header_value

SIGNATURE_HEADER = "telnyx-signature-ed25519"
TIMESTAMP_HEADER = "telnyx-timestamp"
TOLERANCE_SECONDS = 300  # the SDK's TIMESTAMP_TOLERANCE_SECONDS
# A valid private key that is nobody's: signs callback_check's probe that must be refused.
WRONG_PRIVATE_KEY = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="  # noqa: S105 - 32 bytes of 0x01, deliberately wrong
SIGNATURE_DESCRIPTION = "Ed25519 over '<telnyx-timestamp>|<body>' in telnyx-signature-ed25519 (base64), checked with the account's public key"


class MissingCryptography(ImportError):
    """Ed25519 needs the ``cryptography`` package, which is not installed."""


def _ed25519():
    try:
        from cryptography.hazmat.primitives.asymmetric import ed25519  # pylint: disable=import-outside-toplevel
    except ImportError as exc:
        raise MissingCryptography("Telnyx signatures (Ed25519) need the Python package cryptography") from exc
    return ed25519


def _b64decode(text, what):
    try:
        return base64.b64decode(text.strip() if isinstance(text, str) else text, validate=True)
    except (binascii.Error, ValueError, TypeError, AttributeError):
        raise ValueError("the %s is not base64" % what) from None


def private_key_bytes(private_key):
    """The 32-byte seed of a base64 private key: the seed itself, or PyNaCl's 64-byte seed+public form."""
    raw = _b64decode(private_key, "Telnyx private key")
    if len(raw) not in (32, 64):
        raise ValueError("a Telnyx private key is base64 of 32 bytes (an Ed25519 seed) or 64 bytes (seed and public key); "
                         "this one has %d bytes" % len(raw))
    return raw[:32]


def public_key_of(private_key):
    """The base64 public key (what the receiver is given) of a base64 private key."""
    ed25519 = _ed25519()
    from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel
    key = ed25519.Ed25519PrivateKey.from_private_bytes(private_key_bytes(private_key))
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def generate_key_pair():
    """A new (private, public) pair, both base64 (the private key as its 32-byte seed)."""
    ed25519 = _ed25519()
    from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel
    key = ed25519.Ed25519PrivateKey.generate()
    seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(seed).decode("ascii"), base64.b64encode(public).decode("ascii")


def signed_message(timestamp, body):
    """What Telnyx signs: ``<timestamp>|<raw body>`` as bytes (the timestamp as the header carries it)."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    return str(timestamp).encode("utf-8") + b"|" + (body or b"")


def sign_headers(private_key, body, timestamp=None):
    """The two headers Telnyx sends with ``body``, signed with ``private_key`` (base64)."""
    ed25519 = _ed25519()
    timestamp = str(int(time.time() if timestamp is None else timestamp))
    key = ed25519.Ed25519PrivateKey.from_private_bytes(private_key_bytes(private_key))
    signature = key.sign(signed_message(timestamp, body))
    return {SIGNATURE_HEADER: base64.b64encode(signature).decode("ascii"), TIMESTAMP_HEADER: timestamp}


def verify_headers(public_key, headers, body, now=None, tolerance=TOLERANCE_SECONDS):
    """A Verdict on a request's Telnyx signature, checked as the official SDK checks it."""
    signature = header_value(headers, SIGNATURE_HEADER)
    timestamp = header_value(headers, TIMESTAMP_HEADER)
    if not signature:
        return Verdict(False, "missing", "no %s header" % SIGNATURE_HEADER)
    if not timestamp:
        return Verdict(False, "missing", "no %s header" % TIMESTAMP_HEADER)
    try:
        moment = int(timestamp)
    except ValueError:
        return Verdict(False, "malformed", "%s is not a number of seconds: %r" % (TIMESTAMP_HEADER, timestamp[:40]))
    now = int(time.time() if now is None else now)
    if abs(now - moment) > tolerance:
        return Verdict(False, "expired", "%s is %d s away from the receiver's clock (tolerance %d s)"
                       % (TIMESTAMP_HEADER, abs(now - moment), tolerance))
    problem = check_public_key(public_key)
    if problem:
        return Verdict(False, "misconfigured", problem)
    key_bytes = _b64decode(public_key, "Telnyx public key")
    try:
        signature_bytes = _b64decode(signature, "signature")
    except ValueError as exc:
        return Verdict(False, "malformed", str(exc))
    if len(signature_bytes) != 64:
        return Verdict(False, "malformed", "%s has %d bytes, an Ed25519 signature has 64" % (SIGNATURE_HEADER, len(signature_bytes)))
    ed25519 = _ed25519()
    from cryptography.exceptions import InvalidSignature  # pylint: disable=import-outside-toplevel
    try:
        ed25519.Ed25519PublicKey.from_public_bytes(key_bytes).verify(signature_bytes, signed_message(timestamp, body))
    except InvalidSignature:
        return Verdict(False, "invalid", "the Ed25519 signature does not match %s|<body> under the endpoint's public key" % TIMESTAMP_HEADER)
    return Verdict(True, "valid", "Ed25519 signature over %s|<body>, %d s from the receiver's clock" % (TIMESTAMP_HEADER, abs(now - moment)))


def check_public_key(public_key):
    """None when ``public_key`` is a base64 Ed25519 public key, else what is wrong with it."""
    try:
        raw = _b64decode(public_key, "Telnyx public key")
    except ValueError as exc:
        return "%s (base64 of the account's 32-byte Ed25519 public key)" % exc
    if len(raw) != 32:
        return "a Telnyx public key is base64 of a 32-byte Ed25519 public key; this one has %d bytes" % len(raw)
    return None


def sign(prepared, secret, api_key=None, application_id=None, now=None):
    """The registry's signer: ``secret`` is the base64 Ed25519 private key (the sandbox's, or a test key pair's)."""
    prepared.headers.update(sign_headers(secret, prepared.body, timestamp=now))
    return prepared


def verify(secret, request):
    """The registry's verifier: ``secret`` is the endpoint's base64 Ed25519 public key; (Verdict, details)."""
    verdict = verify_headers(secret, request.headers, request.body)
    return verdict, {"timestamp": header_value(request.headers, TIMESTAMP_HEADER), "tolerance": TOLERANCE_SECONDS}
