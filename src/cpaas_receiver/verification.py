"""Verdicts on one request: method, basic auth, signature.

Every check is computed and recorded, even after an earlier one failed, so an event
says everything that was wrong with it. The answer follows the first failure in the
order a provider meets them: size (413), method (405), credentials (401 with a
``WWW-Authenticate: Basic`` challenge), signature (403).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from cpaas_module_utils.webhooks import signatures

from .credentials import parse_basic_auth

REALM = "cpaas-receiver"

# Passwords of endpoints added through the API (stored as PBKDF2 hashes by either store,
# see store.hash_password) that were verified once are remembered by a keyed hash of
# (stored hash, password) under a key that lives in this process's memory only: an
# endpoint added through the API costs one PBKDF2 per password and process, not one per
# request, and neither the password nor an unkeyed hash of it is kept anywhere.
_VERIFIED_KEY = secrets.token_bytes(32)
_VERIFIED = set()
_VERIFIED_MAX = 4096


def _verified_token(password, stored):
    return hmac.new(_VERIFIED_KEY, stored.encode("utf-8") + b"\0" + password.encode("utf-8"), hashlib.sha256).digest()


def check_password(password, stored):
    try:
        token = _verified_token(password, stored)
    except (AttributeError, UnicodeEncodeError):
        return False
    if token in _VERIFIED:
        return True
    try:
        _algo, iterations, salt, digest = stored.split("$")
        candidate = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), base64.b64decode(salt), int(iterations))
    except (ValueError, AttributeError):
        return False
    if not hmac.compare_digest(candidate, base64.b64decode(digest)):
        return False  # wrong passwords are not remembered: they cannot fill the set
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()
    _VERIFIED.add(token)
    return True


@dataclass
class IncomingRequest:
    """What verification needs to know of a request, independent of Flask."""

    method: str
    url: str  # the URL as the provider called it (public_base_url + path + query)
    headers: object  # a case-insensitive mapping (werkzeug Headers)
    body: bytes
    content_type: str = ""


@dataclass
class Outcome:
    verdict: str
    status: int
    checks: dict
    auth_user: str | None = None


def check_method(endpoint, request):
    ok = request.method.upper() in endpoint.methods
    return {
        "ok": ok,
        "result": "ok" if ok else "not_allowed",
        "received": request.method.upper(),
        "allowed": list(endpoint.methods),
    }


def check_basic_auth(endpoint, request):
    if not endpoint.basic_auth:
        return {"ok": True, "result": "not_required"}, None
    header = request.headers.get("Authorization")
    creds = parse_basic_auth(header)
    if header is None:
        return {"ok": False, "result": "missing", "detail": "no Authorization header"}, None
    if creds is None:
        return {"ok": False, "result": "missing", "detail": "the Authorization header is not Basic"}, None
    username, password = creds
    if password is None:
        return {"ok": False, "result": "malformed", "detail": "the Basic credentials are not base64 of user:password"}, None
    user_ok = hmac.compare_digest(username.encode("utf-8"), endpoint.username.encode("utf-8"))
    if endpoint.password_hash is not None:
        pass_ok = check_password(password, endpoint.password_hash)
    else:
        pass_ok = hmac.compare_digest(password.encode("utf-8"), (endpoint.password or "").encode("utf-8"))
    if user_ok and pass_ok:
        return {"ok": True, "result": "ok", "username": username}, username
    detail = "unknown user name" if not user_ok else "wrong password"
    return {"ok": False, "result": "wrong", "username": username, "detail": detail}, username


def check_signature(endpoint, request):
    if not endpoint.signing_secret:
        return {"ok": True, "result": "not_configured"}
    provider = endpoint.provider
    result = {"scheme": provider, "url": request.url}
    # The provider's own check (its registry entry); config validation keeps secrets off unsigned providers.
    checked = signatures.verify_request(provider, endpoint.signing_secret, request) if provider != "generic" else None
    if checked is None:
        return {"ok": True, "result": "not_configured"}
    verdict, details = checked
    result.update(details)
    result.update({"ok": verdict.ok, "result": verdict.reason, "detail": verdict.detail})
    return result


def _checked_signature(endpoint, request):
    """check_signature, where a request the checks cannot handle is a recorded refusal, never a crash."""
    try:
        return check_signature(endpoint, request)
    except Exception as exc:  # noqa: BLE001 - hostile input must end as a recorded 403, not an unrecorded 500
        return {"ok": False, "result": "malformed", "detail": "the signature could not be checked (%s)" % type(exc).__name__}


def evaluate(endpoint, request, too_large=False, limit=None, incomplete=None, timed_out=False):
    """All checks for a request to a known endpoint, and the answer they lead to.

    ``incomplete`` says why the body did not arrive whole (the client went away or was
    too slow): such a request is refused (400, or 408 when it was too slow), never
    judged on half a body."""
    checks = {}
    checks["size"] = {"ok": not too_large, "limit": limit}
    if incomplete:
        checks["size"] = {"ok": False, "result": "incomplete", "detail": incomplete, "limit": limit}
    checks["method"] = check_method(endpoint, request)
    checks["auth"], auth_user = check_basic_auth(endpoint, request)
    if too_large or incomplete:
        checks["signature"] = {"ok": False, "result": "not_checked",
                               "detail": "the body was over the size limit" if too_large else "the body is incomplete"}
    else:
        checks["signature"] = _checked_signature(endpoint, request)
    if too_large:
        return Outcome("too_large", 413, checks, auth_user)
    if incomplete:
        return Outcome("incomplete", 408 if timed_out else 400, checks, auth_user)
    if not checks["method"]["ok"]:
        return Outcome("method_not_allowed", 405, checks, auth_user)
    if not checks["auth"]["ok"]:
        return Outcome("unauthorized", 401, checks, auth_user)
    if not checks["signature"]["ok"]:
        return Outcome("bad_signature", 403, checks, auth_user)
    return Outcome("accepted", 200, checks, auth_user)


def challenge_header():
    return 'Basic realm="%s", charset="UTF-8"' % REALM
