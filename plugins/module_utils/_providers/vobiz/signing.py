# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Vobiz's webhook signatures (``X-Vobiz-Signature-V2`` / ``-V3``): sign and verify, standard library only.

As Vobiz's own SDK (``vobiz-python``, like Plivo's) computes them: V2 =
base64(HMAC-SHA256(token, baseURL + nonce)) where baseURL is the callback URL without its
query; V3 = base64(HMAC-SHA256(token, signedURL + "." + nonce)) where signedURL keeps the
query (its parameters sorted) and, for POST, appends the sorted form parameters.
``vobiz_v2_signature``, ``vobiz_v3_signature``, ``vobiz_validate`` (valid when any
signature version the request carries is valid).
"""

from __future__ import annotations

import secrets

from urllib.parse import parse_qsl, urlparse, urlunparse

from ...webhooks.crypto import Verdict, b64_hmac_sha256, compare, header_value, param_pairs

VOBIZ_V2_HEADER = "X-Vobiz-Signature-V2"
VOBIZ_V2_NONCE_HEADER = "X-Vobiz-Signature-V2-Nonce"
VOBIZ_V3_HEADER = "X-Vobiz-Signature-V3"
VOBIZ_V3_NONCE_HEADER = "X-Vobiz-Signature-V3-Nonce"
SIGNATURE_DESCRIPTION = "%s or %s" % (VOBIZ_V3_HEADER, VOBIZ_V2_HEADER)


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
    form = _vobiz_grouped(param_pairs(params))
    signed += "?" + sorted_query + ("." if sorted_query else "")
    return signed + "".join("%s%s" % (name, value) for name in sorted(form) for value in sorted(form[name]))


def vobiz_nonce():
    """A 20-digit nonce like the ones Vobiz sends."""
    return "".join(secrets.choice("0123456789") for _digit in range(20))


def vobiz_v2_signature(auth_token, url, nonce):
    """``X-Vobiz-Signature-V2``: base64(HMAC-SHA256(token, baseURL + nonce))."""
    return b64_hmac_sha256(auth_token, _vobiz_base_url(url) + nonce)


def vobiz_v3_signature(auth_token, url, nonce, method="POST", params=None):
    """``X-Vobiz-Signature-V3``: base64(HMAC-SHA256(token, signed URL + "." + nonce)).

    The signed URL is :func:`vobiz_v3_signed_url` of the request's method, URL and
    form parameters.
    """
    return b64_hmac_sha256(auth_token, vobiz_v3_signed_url(url, method, params) + "." + nonce)


def vobiz_sign_headers(auth_token, url, nonce=None, method="POST", params=None):
    """The V2 and V3 headers (with their nonces) Vobiz would send for a request."""
    nonce = nonce or vobiz_nonce()
    return {
        VOBIZ_V2_HEADER: vobiz_v2_signature(auth_token, url, nonce),
        VOBIZ_V2_NONCE_HEADER: nonce,
        VOBIZ_V3_HEADER: vobiz_v3_signature(auth_token, url, nonce, method, params),
        VOBIZ_V3_NONCE_HEADER: nonce,
    }


def vobiz_validate(auth_token, url, headers, method="POST", params=None):
    """Verify Vobiz's signatures: valid when any version the request carries is valid.

    V3 is checked as Vobiz's SDK computes it (the URL with its query and, except for
    GET, the form ``params``); V2 over the URL without its query. ``headers`` is any
    mapping with ``get`` (case-insensitive lookups are done by hand for plain dicts).
    A header may carry several comma-separated signatures; one match is enough.
    """
    failures = []
    for version, sig_header, nonce_header in (("V3", VOBIZ_V3_HEADER, VOBIZ_V3_NONCE_HEADER), ("V2", VOBIZ_V2_HEADER, VOBIZ_V2_NONCE_HEADER)):
        received = header_value(headers, sig_header)
        if received is None:
            continue
        nonce = header_value(headers, nonce_header)
        if not nonce:
            failures.append(("missing", "%s without %s" % (sig_header, nonce_header)))
            continue
        if version == "V3":
            signed = vobiz_v3_signed_url(url, method, params)
            expected = vobiz_v3_signature(auth_token, url, nonce, method, params)
        else:
            signed = _vobiz_base_url(url)
            expected = vobiz_v2_signature(auth_token, url, nonce)
        if any(compare(candidate.strip(), expected) for candidate in received.split(",")):
            return Verdict(True, "valid", "%s signature over %s" % (version, signed))
        failures.append(("invalid", "%s does not match %s" % (sig_header, signed)))
    if not failures:
        return Verdict(False, "missing", "no %s or %s header" % (VOBIZ_V3_HEADER, VOBIZ_V2_HEADER))
    reason = "invalid" if any(result == "invalid" for result, _detail in failures) else "missing"
    return Verdict(False, reason, "; ".join(detail for _result, detail in failures))


def sign(prepared, secret, api_key=None, application_id=None, now=None):
    """V2 and V3 headers with a nonce (V3 over the URL with its query and, for POST, the form parameters)."""
    params = prepared.params if prepared.method != "GET" and prepared.body else None
    prepared.headers.update(vobiz_sign_headers(secret, prepared.url, method=prepared.method, params=params))
    return prepared


def _form_params(request):
    if (request.content_type or "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        return []
    return parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)


def verify(secret, request):
    """(Verdict, details) for a received request."""
    return vobiz_validate(secret, request.url, request.headers, request.method, _form_params(request)), {}
