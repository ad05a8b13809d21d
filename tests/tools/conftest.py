"""Fixtures shared by the receiver's suites: a throwaway PostgreSQL server.

One server per test session (started on first use, stopped at the end, also when tests
fail); each test gets a database of its own. Without PostgreSQL installed the tests
that need it are skipped, unless CPAAS_REQUIRE_POSTGRESQL=1 (set by scripts/test.sh once
it installed Debian's postgresql), where that is a failure.
"""

from __future__ import annotations

import os

import pytest
from postgres_server import REQUIRE_ENV, start_server


@pytest.fixture(scope="session")
def postgres_server():
    server = start_server()
    if server is None:
        message = "PostgreSQL is not installed (Debian's postgresql package)"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(message + ", and %s=1 requires it" % REQUIRE_ENV)
        pytest.skip(message)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """The event store of one test: a SQLite file, or a fresh PostgreSQL database (URL)."""
    if request.param == "sqlite":
        return str(tmp_path / "data" / "events.db")
    return request.getfixturevalue("postgres_server").new_database()
