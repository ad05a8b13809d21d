"""Value checks the providers' APIs share."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit


def is_http_url(value: Any, max_length: int) -> bool:
    """An absolute http(s) URL with a host, a valid port, no whitespace, within ``max_length``."""
    if not isinstance(value, str) or not value or len(value) > max_length or any(ch.isspace() for ch in value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)
