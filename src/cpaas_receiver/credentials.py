"""Credentials in requests: read them, and keep them out of what is stored, printed or logged.

``Authorization`` values are split as RFC 7235 does (a scheme token, any whitespace,
the credentials; the scheme case-insensitive). What is kept of one is the name of a
registered scheme and, for Basic, the user name; a value whose scheme is not known
is kept as ``[redacted]`` whole, since it may be nothing but a credential.
"""

from __future__ import annotations

import base64
import binascii

from cpaas_module_utils.webhooks.signatures import parse_authorization

MASK = "***"
# Authentication schemes of the IANA registry (and common unregistered ones), spelled
# as registered: only these names are ever stored from an Authorization header.
KNOWN_SCHEMES = {
    name.lower(): name
    for name in (
        "Basic", "Bearer", "Concealed", "Digest", "DPoP", "GNAP", "HOBA", "Mutual", "Negotiate", "NTLM", "OAuth",
        "PrivateToken", "SCRAM-SHA-1", "SCRAM-SHA-256", "vapid", "AWS4-HMAC-SHA256", "Token",
    )
}


def parse_basic_auth(value):
    """What an ``Authorization`` value says as Basic auth.

    ``None`` when it is not Basic; ``("", None)`` when the credentials are not
    base64 of ``user:password`` (no user name is taken from them: without the ``:``
    they may be a password or a key); else ``(username, password)``.
    """
    scheme, encoded = parse_authorization(value)
    if scheme is None or scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return ("", None)
    username, sep, password = decoded.partition(":")
    if not sep:
        return ("", None)
    return (username, password)


def redacted_authorization(value, auth_user):
    """An ``Authorization`` value as it may be stored: the scheme, never the credentials."""
    scheme, _credentials = parse_authorization(value)
    name = KNOWN_SCHEMES.get((scheme or "").lower())
    if name is None:
        return "[redacted]"
    if name == "Basic":
        return "Basic [redacted; user name: %s]" % (auth_user if auth_user else "?")
    return "%s [redacted]" % name


def mask_query(target):
    """A request target or URL with every query value replaced by ``***`` (names kept)."""
    base, sep, query = target.partition("?")
    if not sep:
        return target
    masked = []
    for part in query.split("&"):
        name, eq, value = part.partition("=")
        if eq:
            masked.append(name + "=" + (MASK if value else ""))
        else:
            masked.append(MASK if part else "")
    return base + "?" + "&".join(masked)


def mask_url(url):
    """A URL as it may be printed: no password in its user info, no query values."""
    if not isinstance(url, str):
        return url
    scheme, sep, rest = url.partition("://")
    if sep:
        end = len(rest)
        for stop in "/?#":
            found = rest.find(stop)
            if found != -1:
                end = min(end, found)
        authority, path = rest[:end], rest[end:]
        userinfo, at, host = authority.rpartition("@")
        if at:  # a user info without ':' may itself be a token
            user, colon, _password = userinfo.partition(":")
            authority = "%s@%s" % (user + ":" + MASK if colon else MASK, host)
        url = scheme + sep + authority + path
    url, hash_sign, _fragment = url.partition("#")
    return mask_query(url) + (hash_sign + MASK if hash_sign else "")
