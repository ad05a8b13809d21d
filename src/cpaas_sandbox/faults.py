"""Fault injection: what a fault is, how one is parsed, and how it is carried out.

A fault makes the next ``count`` matching provider API requests misbehave:

- ``status``: answer with an HTTP error status (429 with ``Retry-After``, 5xx, ...) in
  the provider's own error shape;
- ``delay``: answer late (sleep ``delay`` seconds, then answer normally);
- ``drop``: close the connection without any answer.

With ``after: false`` (the default) the fault strikes before the request is applied,
so nothing changes. With ``after: true`` the request is applied first and the client
then gets the fault instead of the real answer: that is how "the create happened but
the client saw a 500 (or a timeout, or a dropped connection)" is simulated.
Every fault may also carry ``delay`` to sleep before it strikes.
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("status", "delay", "drop")
MAX_DELAY = 600.0


class FaultSpecError(ValueError):
    """A fault specification that cannot be used; the message says why."""


class ConnectionDropped(Exception):  # noqa: N818 - it names what happened
    """Raised where there is no socket to close (Flask's test client)."""


@dataclass
class Fault:
    kind: str
    provider: str = "*"
    method: str = "*"
    path: str | None = None
    status: int | None = None
    retry_after: str | None = None
    delay: float = 0.0
    count: int | None = 1  # None: until cleared
    after: bool = False
    id: int = 0
    hits: int = 0
    _regex: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    def matches(self, provider: str, method: str, path: str) -> bool:
        if self.provider not in ("*", provider):
            return False
        if self.method not in ("*", method.upper()):
            return False
        if self._regex is not None and not self._regex.search(path):
            return False
        return True

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_regex")
        return data


def parse_fault(spec: Any, providers: list[str]) -> Fault:
    """Validate a fault specification (the JSON body of ``POST /_sandbox/faults``)."""
    if not isinstance(spec, dict):
        raise FaultSpecError("the body must be a JSON object")
    known = {"kind", "provider", "method", "path", "status", "retry_after", "delay", "count", "after"}
    unknown = sorted(set(spec) - known)
    if unknown:
        raise FaultSpecError(f"unknown keys {unknown}; allowed: {sorted(known)}")

    kind = spec.get("kind")
    if kind not in KINDS:
        raise FaultSpecError(f"kind must be one of {list(KINDS)}, got {kind!r}")

    provider = spec.get("provider", "*")
    if provider != "*" and provider not in providers:
        raise FaultSpecError(f"provider must be '*' or one of {providers}, got {provider!r}")

    method = spec.get("method", "*")
    if not isinstance(method, str) or not (method == "*" or method.isalpha()):
        raise FaultSpecError(f"method must be '*' or an HTTP method, got {method!r}")
    method = method.upper()

    path = spec.get("path")
    regex = None
    if path is not None:
        if not isinstance(path, str):
            raise FaultSpecError("path must be a regular expression (string)")
        try:
            regex = re.compile(path)
        except re.error as exc:
            raise FaultSpecError(f"path is not a valid regular expression: {exc}") from exc

    status = spec.get("status")
    if kind == "status":
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise FaultSpecError(f"status must be an HTTP error status (400-599) for kind 'status', got {status!r}")
    elif status is not None:
        raise FaultSpecError(f"status is only used with kind 'status', not {kind!r}")

    retry_after: str | None = None
    if "retry_after" in spec:
        value = spec["retry_after"]
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int | float | str) or str(value).strip() == "":
                raise FaultSpecError(f"retry_after must be seconds (a number) or an HTTP date, got {value!r}")
            retry_after = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    elif kind == "status" and status == 429:
        retry_after = "1"

    delay = spec.get("delay", 0)
    if isinstance(delay, bool) or not isinstance(delay, int | float) or not 0 <= delay <= MAX_DELAY:
        raise FaultSpecError(f"delay must be a number of seconds between 0 and {MAX_DELAY:g}, got {delay!r}")
    if kind == "delay" and not delay:
        raise FaultSpecError("kind 'delay' needs delay (seconds) greater than 0")

    count = spec.get("count", 1)
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise FaultSpecError(f"count must be a positive integer, or null for 'until cleared', got {count!r}")

    after = spec.get("after", False)
    if not isinstance(after, bool):
        raise FaultSpecError(f"after must be true or false, got {after!r}")

    return Fault(
        kind=kind,
        provider=provider,
        method=method,
        path=path,
        status=status,
        retry_after=retry_after,
        delay=float(delay),
        count=count,
        after=after,
        _regex=regex,
    )


def sleep_for(fault: Fault) -> None:
    if fault.delay:
        time.sleep(fault.delay)


def drop_connection(environ: dict[str, Any]) -> None:
    """Close the client's connection so it sees no answer at all.

    The development server (werkzeug) and gunicorn put the socket into the WSGI
    environ. After the shutdown, the server's attempt to write the response fails
    with a broken pipe, which both servers treat as a dropped connection.
    """
    sock = environ.get("werkzeug.socket") or environ.get("gunicorn.socket")
    if sock is None:
        raise ConnectionDropped("fault injection dropped the connection")
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
