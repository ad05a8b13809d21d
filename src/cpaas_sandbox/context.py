"""Access to the sandbox's state, credentials and providers from inside a request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app

from .state import SandboxState

if TYPE_CHECKING:
    from .provider import Provider

EXTENSION = "cpaas_sandbox"


@dataclass
class Sandbox:
    credentials: dict[str, str]
    state: SandboxState = field(default_factory=SandboxState)
    providers: dict[str, Provider] = field(default_factory=dict)

    def provider_for_blueprint(self, blueprint: str | None) -> Provider | None:
        if blueprint is None:
            return None
        root = blueprint.split(".", 1)[0]
        return next((p for p in self.providers.values() if p.blueprint.name == root), None)


def current_sandbox() -> Sandbox:
    return current_app.extensions[EXTENSION]
