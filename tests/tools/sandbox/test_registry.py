"""The sandbox serves exactly the providers of the registry, with credentials for each."""

from __future__ import annotations

import pytest
from cpaas_module_utils import _registry

from cpaas_sandbox import credentials
from cpaas_sandbox.providers import PROVIDERS


def test_the_sandbox_serves_exactly_the_registry():
    assert sorted(provider.name for provider in PROVIDERS) == sorted(_registry.NAMES)


def test_print_env_covers_exactly_the_registry():
    assert sorted(entry.provider for entry in credentials.TABLE) == sorted(_registry.NAMES)
    exported = "\n".join(credentials.export_lines("http://127.0.0.1:1"))
    for entry in credentials.TABLE:
        assert "export %s=" % entry.api_url_var in exported


@pytest.mark.parametrize("name", _registry.NAMES)
def test_a_provider_that_signs_has_a_signing_secret_in_the_sandbox(name):
    """Events the sandbox fires for a signing provider carry a signature (its secret is known)."""
    provider = next(provider for provider in PROVIDERS if provider.name == name)
    secret = provider.signing_secret(credentials.defaults())
    assert bool(secret) == _registry.entry(name).signs
