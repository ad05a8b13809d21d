"""The one table of the providers' API URLs and credentials.

The sandbox authenticates every provider against these values, the modules read the
same environment variables, and ``cpaas-sandbox --print-env`` prints them as shell
``export`` lines, so a value is defined in exactly one place. A variable that is set
(and not empty) in the environment wins over the documented default.
"""

from __future__ import annotations

import base64
import os
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    # Optional variables are accepted by the sandbox but only printed by --print-env
    # when the environment sets them (exporting a Twilio API key by default would
    # change which credentials the modules choose).
    optional: bool = False


@dataclass(frozen=True)
class ProviderEnv:
    provider: str
    api_url_var: str
    api_url_path: str  # appended to the sandbox base URL
    variables: tuple[Variable, ...]
    # Values --print-env derives from the variables (name, function of all values).
    derived: tuple[tuple[str, Callable[[Mapping[str, str]], str]], ...] = ()


def ed25519_public_key(private_key: str) -> str:
    """The base64 Ed25519 public key of a base64 32-byte seed (Telnyx's signing key pair)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    seed = base64.b64decode(private_key, validate=True)[:32]
    public = ed25519.Ed25519PrivateKey.from_private_bytes(seed).public_key()
    return base64.b64encode(public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode("ascii")


TABLE: tuple[ProviderEnv, ...] = (
    ProviderEnv(
        "twilio",
        "TWILIO_API_URL",
        "",
        (
            Variable("TWILIO_ACCOUNT_SID", "AC" + "a" * 32),
            Variable("TWILIO_AUTH_TOKEN", "sandbox-twilio-token"),
            Variable("TWILIO_API_KEY", "SK" + "a" * 32, optional=True),
            Variable("TWILIO_API_SECRET", "sandbox-twilio-api-secret", optional=True),
        ),
    ),
    ProviderEnv(
        "bandwidth",
        "BW_API_URL",
        "/api",
        (
            Variable("BW_ACCOUNT_ID", "9900000"),
            Variable("BW_USERNAME", "sandbox-bw-user"),
            Variable("BW_PASSWORD", "sandbox-bw-password"),
        ),
    ),
    ProviderEnv(
        "vonage",
        "VONAGE_API_URL",
        "",
        (
            Variable("VONAGE_API_KEY", "sandboxkey"),
            Variable("VONAGE_API_SECRET", "sandbox-vonage-secret"),
        ),
    ),
    ProviderEnv(
        "vobiz",
        "VOBIZ_API_URL",
        "/api/v1",
        (
            Variable("VOBIZ_AUTH_ID", "MA_SANDBOX01"),
            Variable("VOBIZ_AUTH_TOKEN", "sandbox-vobiz-token"),
        ),
    ),
    ProviderEnv(
        "telnyx",
        "TELNYX_API_URL",
        "/v2",
        (
            Variable("TELNYX_API_KEY", "KEYSANDBOX_telnyx-api-key"),
            # The sandbox signs the events it fires with this Ed25519 key (base64 of a 32-byte
            # seed; a documented test key, like every default here); receivers get its public key.
            Variable("TELNYX_SIGNING_KEY", "57J7hj9egDSWvFi+mnCqyog9N1prSW4SL6J4KVffnZo="),
        ),
        derived=(("TELNYX_PUBLIC_KEY", lambda values: ed25519_public_key(values["TELNYX_SIGNING_KEY"])),),
    ),
)

DEFAULTS: dict[str, str] = {var.name: var.default for entry in TABLE for var in entry.variables}


def defaults() -> dict[str, str]:
    """The documented default of every credential variable (what ``running_sandbox`` uses)."""
    return dict(DEFAULTS)


def load_credentials(environ: Mapping[str, str] | None = None, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every credential variable with its value: override, else environment, else default."""
    environ = os.environ if environ is None else environ
    values = {name: environ.get(name) or default for name, default in DEFAULTS.items()}
    for name, value in (overrides or {}).items():
        if name not in DEFAULTS:
            raise KeyError(f"unknown credential variable {name!r}; known: {', '.join(sorted(DEFAULTS))}")
        values[name] = value
    return values


def export_lines(base_url: str, environ: Mapping[str, str] | None = None) -> list[str]:
    """Shell ``export`` lines for every provider's API URL and credentials."""
    environ = os.environ if environ is None else environ
    base_url = base_url.rstrip("/")
    values = load_credentials(environ)
    lines = []
    for entry in TABLE:
        lines.append(f"export {entry.api_url_var}={shlex.quote(base_url + entry.api_url_path)}")
        for var in entry.variables:
            if var.optional and not environ.get(var.name):
                continue
            lines.append(f"export {var.name}={shlex.quote(values[var.name])}")
        for name, derive in entry.derived:
            lines.append(f"export {name}={shlex.quote(derive(values))}")
    return lines
