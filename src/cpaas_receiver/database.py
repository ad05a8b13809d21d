"""Which event store a ``database`` setting names, and how to show it without its password.

``postgresql://`` (or ``postgres://``) URLs select the PostgreSQL store; anything else
is the path of a SQLite file, as before.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DATABASE_ENV = "CPAAS_RECEIVER_DATABASE"
POSTGRES_SCHEMES = ("postgresql", "postgres")
MASK = "********"


def is_postgres_url(database):
    return isinstance(database, str) and urlsplit(database).scheme.lower() in POSTGRES_SCHEMES


def mask_database_url(database):
    """The setting as it may be shown: a password in the URL (user info or query) is masked."""
    if not is_postgres_url(database):
        return database  # a file path
    parts = urlsplit(database)
    netloc = parts.netloc
    userinfo, at, hostinfo = netloc.rpartition("@")
    if at and ":" in userinfo:
        netloc = "%s:%s@%s" % (userinfo.split(":", 1)[0], MASK, hostinfo)
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(key.lower() == "password" for key, _value in pairs):
            query = urlencode([(key, MASK if key.lower() == "password" else value) for key, value in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def choose_database(cli_value, environ, config_value, default):
    """``--db`` wins, then ``CPAAS_RECEIVER_DATABASE``, then ``database`` in the config file."""
    return cli_value or environ.get(DATABASE_ENV) or config_value or default


def open_store(database):
    """The store for a ``database`` setting: PostgreSQL for a URL, else a SQLite file."""
    if is_postgres_url(database):
        from .store_postgres import PostgresStore

        return PostgresStore(database)
    from .store import Store

    return Store(database)
