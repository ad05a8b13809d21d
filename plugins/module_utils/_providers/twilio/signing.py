# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Twilio's webhook signature (``X-Twilio-Signature``): sign and verify, standard library only.

``twilio_signature(auth_token, url, params)`` signs; ``twilio_validate(auth_token, url,
params_or_body, signature)`` verifies the way the Twilio SDK's ``RequestValidator.validate``
does: form parameters are sorted and appended to the URL; a JSON body is covered by
``bodySHA256`` in the URL's query; the URL is tried without its port and with the scheme's
default port added. ``algorithm="HMAC_SHA256"`` (any case, as the SDK) selects the
HMAC-SHA256 variant that Twilio announces with
``X-Twilio-Webhooks-Signature-Settings: ...,algorithm=HMAC_SHA256``; that header is read as
twilio 9.x reads it, and an algorithm it does not know makes the signature invalid.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from urllib.parse import parse_qs, parse_qsl, urlsplit, urlunsplit

from ...webhooks.crypto import Verdict, compare, param_items, sha256_hex, to_bytes

TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature"
TWILIO_SIGNATURE_SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"
TWILIO_ALGORITHMS = {"HMAC_SHA1": hashlib.sha1, "HMAC_SHA256": hashlib.sha256}
# What the receiver's explanations name as this provider's signature.
SIGNATURE_DESCRIPTION = TWILIO_SIGNATURE_HEADER


def twilio_signed_string(url, params=None):
    """The string Twilio signs: the URL, then ``name + value`` of every parameter.

    Names are sorted; the values of a repeated name are de-duplicated and sorted, as
    the Twilio SDK does.
    """
    s = url
    grouped = param_items(params)
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
    mac = hmac.new(to_bytes(auth_token), twilio_signed_string(url, params).encode("utf-8"), digest)
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
        if not compare(sha256_hex(params_or_body), query["bodySHA256"][0]):
            return Verdict(False, "body_mismatch", "bodySHA256 in the URL does not match the body")
        params = None
    for candidate in (_twilio_url_without_port(url), _twilio_url_with_port(url)):
        if compare(twilio_signature(auth_token, candidate, params, algorithm), signature):
            return Verdict(True, "valid", "%s signature over %s" % (_twilio_algorithm_name(algorithm), candidate))
    return Verdict(False, "invalid", "signature does not match the URL %s and the parameters" % url)


def _twilio_algorithm_name(algorithm):
    return str(algorithm or "HMAC_SHA1").upper()


def sign(prepared, secret, api_key=None, application_id=None, now=None):
    """``X-Twilio-Signature`` over the URL and the POST parameters (GET: the URL with its query)."""
    params = prepared.params if prepared.method == "POST" else None
    prepared.headers[TWILIO_SIGNATURE_HEADER] = twilio_signature(secret, prepared.url, params)
    return prepared


def _form_params(request):
    if (request.content_type or "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        return []
    return parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)


def verify(secret, request):
    """(Verdict, details) for a received request (method, url, headers, body, content_type)."""
    signature = request.headers.get(TWILIO_SIGNATURE_HEADER)
    algorithm = twilio_algorithm_from_settings(request.headers.get(TWILIO_SIGNATURE_SETTINGS_HEADER))
    details = {"algorithm": algorithm}
    if "bodySHA256" in parse_qs(urlsplit(request.url).query):
        details["form"] = "bodySHA256"
        return twilio_validate(secret, request.url, request.body, signature, algorithm), details
    details["form"] = "parameters"
    return twilio_validate(secret, request.url, _form_params(request), signature, algorithm), details
