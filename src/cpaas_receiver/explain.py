"""Recorded checks and endpoint histories in words, for the page people read.

An event's ``checks`` (see verification.py) become one row per check: passed or not,
what was expected, what arrived. Never a secret: the checks hold none, and the words
here name headers, user names and URLs only.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

from cpaas_module_utils import _registry

# provider -> how its signature travels, for every provider that signs (its registry entry).
SIGNATURE_HEADERS = {entry.name: entry.signature_description for entry in _registry.PROVIDERS if entry.signature_description}
REFUSALS_LOOKED_AT = 500  # the latest refusals counted for the most common reason


def _size_row(check):
    limit = check.get("limit")
    expected = "a whole body of at most %s bytes" % limit if limit else "a whole body"
    if check.get("result") == "incomplete":
        return {"ok": False, "name": "Body", "expected": expected, "arrived": "an incomplete body (%s)" % check.get("detail", "")}
    return {"ok": bool(check.get("ok")), "name": "Body size", "expected": expected,
            "arrived": "a body within the limit" if check.get("ok") else "a body over the limit"}


def _method_row(check):
    return {"ok": bool(check.get("ok")), "name": "Method", "expected": " or ".join(check.get("allowed") or []) or "-",
            "arrived": check.get("received", "-")}


def _auth_row(check, endpoint):
    expected_user = (endpoint or {}).get("basic_auth") or {}
    if check.get("result") == "not_required":
        return {"ok": True, "name": "Basic auth", "expected": "none (not required)", "arrived": "not checked"}
    expected = "user %s with its password" % expected_user["username"] if expected_user.get("username") else "Basic credentials"
    result = check.get("result")
    if result == "ok":
        arrived = "user %s, password right" % check.get("username", "")
    elif result == "wrong":
        arrived = "user %s: %s" % (check.get("username", ""), check.get("detail", "wrong credentials"))
    else:
        arrived = check.get("detail") or "no credentials"
    return {"ok": bool(check.get("ok")), "name": "Basic auth", "expected": expected, "arrived": arrived}


def _signature_row(check, provider):
    result = check.get("result")
    if result == "not_configured":
        return {"ok": True, "name": "Signature", "expected": "none (no signing secret configured)", "arrived": "not checked"}
    header = SIGNATURE_HEADERS.get(check.get("scheme") or provider, "a signature")
    expected = "a valid %s" % header
    if check.get("url"):
        expected += ", computed over %s" % check["url"]
    if result == "not_checked":
        arrived = "not checked: %s" % check.get("detail", "")
    elif check.get("ok"):
        arrived = "valid: %s" % check.get("detail", "")
    elif result == "missing":
        arrived = "no signature: %s" % check.get("detail", "")
    else:
        arrived = "does not match: %s" % check.get("detail", "")
    return {"ok": bool(check.get("ok")), "name": "Signature", "expected": expected, "arrived": arrived}


def check_rows(event, endpoint=None):
    """One row per recorded check: ``{ok, name, expected, arrived}``."""
    checks = event.get("checks") or {}
    rows = []
    if "endpoint" in checks:
        rows.append({"ok": False, "name": "Endpoint", "expected": "a configured endpoint path",
                     "arrived": "%s, which no endpoint is configured for" % event.get("path", "")})
    if "size" in checks:
        rows.append(_size_row(checks["size"]))
    if "method" in checks:
        rows.append(_method_row(checks["method"]))
    if "auth" in checks:
        rows.append(_auth_row(checks["auth"], endpoint))
    if "signature" in checks:
        rows.append(_signature_row(checks["signature"], event.get("provider")))
    return rows


def refusal_reason(event):
    """Why an event was refused, in a few words a person acts on."""
    checks = event.get("checks") or {}
    verdict = event.get("verdict")
    if verdict == "too_large":
        return "body over the size limit"
    if verdict == "incomplete":
        return "the body did not arrive whole"
    if verdict == "method_not_allowed":
        method = checks.get("method", {})
        return "method %s not allowed (allowed: %s)" % (method.get("received", "?"), ", ".join(method.get("allowed") or []))
    if verdict == "unauthorized":
        auth = checks.get("auth", {})
        if auth.get("result") == "wrong":
            return auth.get("detail") or "wrong credentials"
        return "no Basic credentials sent"
    if verdict == "bad_signature":
        signature = checks.get("signature", {})
        if signature.get("result") == "missing":
            return "no signature header: is the signing secret set at the provider?"
        if signature.get("result") == "invalid":
            return "signature does not match: is public_base_url right, and the signing secret?"
        return "signature could not be checked (%s)" % signature.get("result", "?")
    return verdict or "?"


def ago(received_at, now=None):
    """'5 minutes ago' for a stored UTC time."""
    try:
        moment = datetime.fromisoformat(received_at.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return received_at
    seconds = int(((now or datetime.now(timezone.utc)) - moment).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return "%d %s%s ago" % (count, unit, "" if count == 1 else "s")
    return "just now" if seconds < 5 else "%d seconds ago" % seconds


def endpoint_health(store, path):
    """``{state, words, ...}``: working (last event accepted), refusing, or silent."""
    latest = store.list_events(endpoint=path, limit=1)
    if not latest:
        return {"state": "silent", "words": "no event yet"}
    accepted = store.list_events(endpoint=path, verdict="accepted", limit=1)
    last_accepted = accepted[0] if accepted else None
    if latest[0]["verdict"] == "accepted":
        return {"state": "working", "words": "last event accepted %s" % ago(latest[0]["received_at"]),
                "event_id": latest[0]["id"]}
    refusals = store.list_events(endpoint=path, after_id=last_accepted["id"] if last_accepted else 0, limit=REFUSALS_LOOKED_AT)
    reasons = Counter(refusal_reason(e) for e in refusals if e["verdict"] != "accepted")
    reason, count = reasons.most_common(1)[0]
    since = ("since the last accepted one %s" % ago(last_accepted["received_at"])) if last_accepted else "and none was ever accepted"
    refused = "%d%s refused" % (len(refusals), "+" if len(refusals) >= REFUSALS_LOOKED_AT else "")
    return {"state": "refusing", "words": "%s %s" % (refused, since),
            "reason": reason, "reason_count": count, "event_id": latest[0]["id"]}
