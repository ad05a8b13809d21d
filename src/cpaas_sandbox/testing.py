"""Helpers for tests that need a live sandbox (the collection's unit tests use these).

    from cpaas_sandbox.testing import running_sandbox

    with running_sandbox() as url:
        ...  # point the client's api_url at url (Twilio: url itself)

The server listens on a free 127.0.0.1 port in a background thread and stops when the
block ends. Credentials are the documented defaults (or the environment's values);
``credentials`` overrides single variables, e.g. ``{"TWILIO_AUTH_TOKEN": "x"}``.
Use ``cpaas_sandbox.credentials.load_credentials()`` to read what the sandbox accepts,
and the control API (``/_sandbox/requests``, ``/_sandbox/faults``, ...) to inspect it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from .app import create_app
from .server import SandboxServer


@contextmanager
def sandbox_server(credentials: Mapping[str, str] | None = None) -> Iterator[SandboxServer]:
    """Like ``running_sandbox`` but yields the server object (``.url``, ``.app``, ``.state``)."""
    server = SandboxServer(create_app(credentials)).start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def running_sandbox(credentials: Mapping[str, str] | None = None) -> Iterator[str]:
    """Run a sandbox on a free loopback port; yields its base URL."""
    with sandbox_server(credentials) as server:
        yield server.url
