"""The request log: one entry per provider API request the sandbox answered (or dropped).

Entries hold what tests and people need to see what a client sent: method, path, query
string, provider, the status the client got (``None`` when the connection was dropped),
a few headers (never ``Authorization``'s value: only its scheme and basic-auth user
name are kept), the body as text (and parsed when form-encoded), and which injected
faults struck.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl

from flask import Request, Response

from .auth import authorization_scheme, basic_credentials

LOGGED_HEADERS = ("Accept", "Accept-Charset", "Content-Type", "User-Agent")
BODY_LIMIT = 65536
FORM_TYPE = "application/x-www-form-urlencoded"


def utc_timestamp() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def log_entry(
    request: Request,
    provider: str,
    body: bytes,
    response: Response | None,
    faults: list[dict[str, Any]],
    received: str,
) -> dict[str, Any]:
    text = body[:BODY_LIMIT].decode("utf-8", errors="replace")
    credentials = basic_credentials(request.headers)
    entry: dict[str, Any] = {
        "time": received,
        "provider": provider,
        "method": request.method,
        "path": request.path,
        "query": request.query_string.decode("utf-8", errors="replace"),
        "status": response.status_code if response is not None else None,
        "content_type": request.mimetype or None,
        "headers": {name: request.headers[name] for name in LOGGED_HEADERS if name in request.headers},
        "authorization": authorization_scheme(request.headers),
        "auth_user": credentials[0] if credentials else None,
        "body": text,
        "form": None,
        "response_content_type": response.mimetype if response is not None else None,
        "faults": faults,
    }
    if request.mimetype == FORM_TYPE:
        form: dict[str, str] = {}
        for key, value in parse_qsl(text, keep_blank_values=True):
            form.setdefault(key, value)  # the first value, as request.form.get() reads it
        entry["form"] = form
    return entry
