# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Provider webhook signatures, sign and verify, standard library only: the façade.

The algorithms live with their provider (``_providers/<name>/signing.py``) and the shared
primitives in ``crypto.py``; this module keeps the names callers have always imported, and
:func:`verify_request` dispatches a received request to its provider's check.

Every ``*_validate`` / ``*_verify`` function returns a :class:`Verdict`, which is true
when the signature holds and says why when it does not.
"""

from __future__ import annotations

from .. import _registry
from .._providers.twilio.signing import (
    TWILIO_ALGORITHMS,
    TWILIO_SIGNATURE_HEADER,
    TWILIO_SIGNATURE_SETTINGS_HEADER,
    twilio_algorithm_from_settings,
    twilio_signature,
    twilio_signed_string,
    twilio_url_with_body_hash,
    twilio_validate,
)
from .._providers.vobiz.signing import (
    VOBIZ_V2_HEADER,
    VOBIZ_V2_NONCE_HEADER,
    VOBIZ_V3_HEADER,
    VOBIZ_V3_NONCE_HEADER,
    vobiz_nonce,
    vobiz_sign_headers,
    vobiz_v2_signature,
    vobiz_v3_signature,
    vobiz_v3_signed_url,
    vobiz_validate,
)
from .._providers.vonage.signing import vonage_jwt_sign, vonage_signed_claims, vonage_verify
from .crypto import (
    Verdict,
    bearer_token,
    jwt_hs256_decode,
    jwt_hs256_encode,
    jwt_unverified_claims,
    parse_authorization,
    sha256_hex,
)


def verify_request(provider, secret, request):
    """(Verdict, details) of a received request's signature, or None when ``provider`` does not sign.

    ``request`` has ``method``, ``url``, ``headers`` (case-insensitive mapping), ``body`` (bytes)
    and ``content_type``; ``details`` says what was checked (Twilio's algorithm, Vonage's claims).
    """
    entry = _registry.entry(provider)
    if entry.verify is None:
        return None
    return entry.verify(secret, request)


# What callers import from here (the functions above and the names the provider and shared modules define).
__all__ = [
    "TWILIO_ALGORITHMS",
    "TWILIO_SIGNATURE_HEADER",
    "TWILIO_SIGNATURE_SETTINGS_HEADER",
    "VOBIZ_V2_HEADER",
    "VOBIZ_V2_NONCE_HEADER",
    "VOBIZ_V3_HEADER",
    "VOBIZ_V3_NONCE_HEADER",
    "Verdict",
    "bearer_token",
    "jwt_hs256_decode",
    "jwt_hs256_encode",
    "jwt_unverified_claims",
    "parse_authorization",
    "sha256_hex",
    "twilio_algorithm_from_settings",
    "twilio_signature",
    "twilio_signed_string",
    "twilio_url_with_body_hash",
    "twilio_validate",
    "verify_request",
    "vobiz_nonce",
    "vobiz_sign_headers",
    "vobiz_v2_signature",
    "vobiz_v3_signature",
    "vobiz_v3_signed_url",
    "vobiz_validate",
    "vonage_jwt_sign",
    "vonage_signed_claims",
    "vonage_verify",
]
