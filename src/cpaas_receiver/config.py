"""The receiver's configuration: a YAML file, plus endpoints added at run time.

```yaml
admin_token: "..."            # or the environment variable CPAAS_RECEIVER_ADMIN_TOKEN
public_base_url: "https://hooks.example.com"
max_body_bytes: 1048576        # optional, default 1 MiB
database: /var/lib/cpaas-receiver/events.db   # optional; or postgresql://user:password@host:5432/dbname;
                                               # CPAAS_RECEIVER_DATABASE and --db override it
endpoints:
  - path: /twilio/voice
    provider: twilio          # a provider of the registry (plugins/module_utils/_registry.py) or generic
    kind: answer              # answer (voice/answer URL) | status (events); default answer
    methods: [POST]
    basic_auth: {username: "u", password: "p"}
    signing_secret: "..."
```
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import yaml
from cpaas_module_utils import _registry

from .credentials import mask_url

# Every provider of the registry, and "generic" (any sender: basic auth only, an empty 200).
PROVIDERS = _registry.NAMES + ("generic",)
KINDS = ("answer", "status")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
ADMIN_TOKEN_ENV = "CPAAS_RECEIVER_ADMIN_TOKEN"  # noqa: S105 - the name of a variable, not a secret
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
# Paths the receiver itself serves; an endpoint cannot live under them.
RESERVED_PREFIXES = ("/api", "/ui", "/healthz", "/static", "/openapi.yaml")
_PATH_RE = re.compile(r"^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$")


class ConfigError(ValueError):
    """The configuration (file or API input) is not valid; the message says why."""


@dataclass(frozen=True)
class Endpoint:
    """One path the receiver expects callbacks on."""

    path: str
    provider: str = "generic"
    kind: str = "answer"
    methods: tuple = ("POST",)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    password_hash: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    source: str = "config"

    @property
    def basic_auth(self):
        return self.username is not None

    def public(self):
        """What the API and the UI show: never a password or a secret."""
        return {
            "path": self.path,
            "provider": self.provider,
            "kind": self.kind,
            "methods": list(self.methods),
            "basic_auth": {"username": self.username} if self.basic_auth else None,
            "signing_secret_set": bool(self.signing_secret),
            "source": self.source,
        }


def validate_path(path):
    if not isinstance(path, str) or not path.startswith("/"):
        raise ConfigError("endpoint path must be a string starting with '/', got %r" % (path,))
    if len(path) > 512 or not _PATH_RE.match(path) or "//" in path:
        raise ConfigError("endpoint path %r has characters that are not allowed in a URL path" % path)
    for prefix in RESERVED_PREFIXES:
        if path == prefix or path.startswith(prefix + "/"):
            raise ConfigError("endpoint path %r is under %s, which the receiver serves itself" % (path, prefix))
    return path


def endpoint_from_dict(data, source="config"):
    """Build an :class:`Endpoint` from a config entry or an API request body."""
    if not isinstance(data, dict):
        raise ConfigError("an endpoint must be a mapping, got %r" % (type(data).__name__,))
    allowed = {"path", "provider", "kind", "methods", "basic_auth", "signing_secret"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError("unknown endpoint option(s) %s; allowed: %s" % (", ".join(unknown), ", ".join(sorted(allowed))))
    path = validate_path(data.get("path"))
    provider = data.get("provider", "generic")
    if provider not in PROVIDERS:
        raise ConfigError("endpoint %s: provider must be one of %s, got %r" % (path, ", ".join(PROVIDERS), provider))
    kind = data.get("kind", "answer")
    if kind not in KINDS:
        raise ConfigError("endpoint %s: kind must be one of %s, got %r" % (path, ", ".join(KINDS), kind))
    methods = data.get("methods", ["POST"])
    if isinstance(methods, str):
        methods = [methods]
    if not isinstance(methods, list) or not methods:
        raise ConfigError("endpoint %s: methods must be a non-empty list" % path)
    methods = tuple(sorted({str(m).upper() for m in methods}))
    bad = [m for m in methods if m not in HTTP_METHODS]
    if bad:
        raise ConfigError("endpoint %s: unsupported method(s) %s; allowed: %s" % (path, ", ".join(bad), ", ".join(HTTP_METHODS)))
    username = password = None
    basic = data.get("basic_auth")
    if basic is not None:
        if not isinstance(basic, dict) or not basic.get("username") or basic.get("password") in (None, ""):
            raise ConfigError("endpoint %s: basic_auth needs a username and a password" % path)
        username, password = str(basic["username"]), str(basic["password"])
        if ":" in username:
            raise ConfigError("endpoint %s: a basic_auth username cannot contain ':'" % path)
    secret = data.get("signing_secret")
    if secret is not None:
        if not isinstance(secret, str) or not secret:
            raise ConfigError("endpoint %s: signing_secret must be a non-empty string" % path)
        if provider == "generic" or not _registry.entry(provider).signs:
            raise ConfigError("endpoint %s: provider %s has no webhook signatures; remove signing_secret" % (path, provider))
        check_secret = _registry.entry(provider).check_secret
        problem = check_secret(secret) if check_secret is not None else None
        if problem:
            raise ConfigError("endpoint %s: signing_secret of a %s endpoint: %s" % (path, provider, problem))
    return Endpoint(
        path=path,
        provider=provider,
        kind=kind,
        methods=methods,
        username=username,
        password=password,
        signing_secret=secret,
        source=source,
    )


@dataclass
class Config:
    admin_token: str
    public_base_url: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    database: str | None = field(default=None, repr=False)  # a URL may hold a password
    endpoints: list = field(default_factory=list)

    def endpoint_map(self):
        return {e.path: e for e in self.endpoints}


def config_from_dict(data, environ=None):
    environ = os.environ if environ is None else environ
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("the configuration must be a YAML mapping")
    allowed = {"admin_token", "public_base_url", "max_body_bytes", "database", "endpoints"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError("unknown configuration key(s) %s; allowed: %s" % (", ".join(unknown), ", ".join(sorted(allowed))))
    token = environ.get(ADMIN_TOKEN_ENV) or data.get("admin_token")
    if not token or not isinstance(token, str):
        raise ConfigError("admin_token is required (in the config or in %s)" % ADMIN_TOKEN_ENV)
    if len(token) < 8:
        raise ConfigError("admin_token must be at least 8 characters long")
    base = data.get("public_base_url")
    if base is not None:
        if not isinstance(base, str) or not re.match(r"^https?://[^/?#@]+(/[^?#]*)?$", base):
            raise ConfigError("public_base_url must be an http(s) URL without credentials, query or fragment, got %r" % (mask_url(base),))
        base = base.rstrip("/")
    limit = data.get("max_body_bytes", DEFAULT_MAX_BODY_BYTES)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise ConfigError("max_body_bytes must be a positive integer")
    database = data.get("database")
    if database is not None and (not isinstance(database, str) or not database.strip()):
        raise ConfigError("database must be a SQLite file path or a postgresql:// URL")
    endpoints = data.get("endpoints") or []
    if not isinstance(endpoints, list):
        raise ConfigError("endpoints must be a list")
    parsed = [endpoint_from_dict(e) for e in endpoints]
    seen = set()
    for e in parsed:
        if e.path in seen:
            raise ConfigError("endpoint path %s is configured twice" % e.path)
        seen.add(e.path)
    return Config(admin_token=token, public_base_url=base, max_body_bytes=limit, database=database, endpoints=parsed)


def load_config(path, environ=None):
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as exc:
        raise ConfigError("cannot read the configuration %s: %s" % (path, exc)) from exc
    except yaml.YAMLError as exc:
        raise ConfigError("the configuration %s is not valid YAML: %s" % (path, exc)) from exc
    return config_from_dict(data, environ=environ)
