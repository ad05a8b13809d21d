"""Helpers for tests that need a live sandbox (the collection's unit tests use these).

    from cpaas_sandbox.testing import running_sandbox

    with running_sandbox() as url:
        ...  # point the client's api_url at url (Twilio: url itself)

The server listens on a free 127.0.0.1 port in a background thread and stops when the
block ends. So that tests do not depend on the shell they run in, credentials are the
documented defaults (``cpaas_sandbox.credentials.defaults()``) and the environment is
ignored; ``credentials`` overrides single variables, e.g. ``{"TWILIO_AUTH_TOKEN": "x"}``.
Use the control API (``/_sandbox/requests``, ``/_sandbox/faults``, ...) to inspect it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from .app import create_app
from .server import SandboxServer


@contextmanager
def sandbox_server(credentials: Mapping[str, str] | None = None) -> Iterator[SandboxServer]:
    """Like ``running_sandbox`` but yields the server object (``.url``, ``.app``, ``.state``)."""
    server = SandboxServer(create_app(credentials, environ={})).start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def running_sandbox(credentials: Mapping[str, str] | None = None) -> Iterator[str]:
    """Run a sandbox on a free loopback port; yields its base URL."""
    with sandbox_server(credentials) as server:
        yield server.url
