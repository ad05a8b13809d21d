"""What a provider module hands to the framework.

A provider module (``cpaas_sandbox/providers/<name>.py``) defines ``PROVIDER =
Provider(...)``: a Flask blueprint with the provider's API at its real paths, and a
function that renders an error in the provider's own shape. The framework registers
the blueprint and, for every request the blueprint serves, applies injected faults and
writes the request log, so a provider module only implements its API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response

# error_response(status, message=None) -> Response in the provider's error shape.
ErrorResponse = Callable[..., Response]
# patch_application(record, changes) -> new record; raises ValueError for a bad change.
PatchApplication = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]
# Firing events (firing.py): what differs between providers beyond the registry entry.
# signing_secret(credentials) -> the secret the provider signs callbacks with, or None.
SigningSecret = Callable[[dict[str, str]], "str | None"]
# event_context(record, credentials) -> extra context for the event builders (account ids, api key).
EventContext = Callable[[dict[str, Any], dict[str, str]], dict[str, Any]]
# stored_credentials(record, callback) -> (user, password) the provider keeps for a callback, or None.
StoredCredentials = Callable[[dict[str, Any], Any], "tuple[str, str] | None"]
# callback_timeouts(record, callback, default, maximum) -> (connect, read) seconds, or None for the default.
CallbackTimeouts = Callable[[dict[str, Any], Any, float, float], "tuple[float, float] | None"]


def _none(*_args: Any) -> None:
    return None


def _no_context(_record: dict[str, Any], _credentials: dict[str, str]) -> dict[str, Any]:
    return {}


def merge_known_fields(record: dict[str, Any], changes: dict[str, Any], read_only: tuple[str, ...] = ()) -> dict[str, Any]:
    """Default out-of-band change: overwrite fields the record already has."""
    unknown = sorted(k for k in changes if k not in record)
    if unknown:
        raise ValueError(f"unknown fields {unknown}; the application has {sorted(record)}")
    frozen = sorted(k for k in changes if k in read_only)
    if frozen:
        raise ValueError(f"fields {frozen} cannot be changed")
    return {**record, **changes}


@dataclass(frozen=True)
class Provider:
    name: str
    blueprint: Blueprint
    error_response: ErrorResponse
    # Used by PATCH /_sandbox/<provider>/applications/<id> (out-of-band changes).
    patch_application: PatchApplication = merge_known_fields
    # Used by POST /_sandbox/<provider>/applications/<id>/events (firing.py); the payloads, signatures,
    # default timeout and challenge come from the provider's registry entry.
    signing_secret: SigningSecret = _none
    event_context: EventContext = _no_context
    stored_credentials: StoredCredentials = _none
    callback_timeouts: CallbackTimeouts = _none
