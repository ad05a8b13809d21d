"""The providers the sandbox serves: one module per provider, each defining ``PROVIDER``.

To add a provider, write ``providers/<name>.py`` (see ``twilio.py`` and
``cpaas_sandbox.provider.Provider``: the blueprint and the firing hooks) and add its ``PROVIDER`` to
this list; tests/tools/sandbox/test_registry.py proves the list equals the provider registry
(docs/architecture.md).
"""

from __future__ import annotations

from ..provider import Provider
from . import bandwidth, telnyx, twilio, vobiz, vonage

PROVIDERS: list[Provider] = [
    bandwidth.PROVIDER,
    telnyx.PROVIDER,
    twilio.PROVIDER,
    vobiz.PROVIDER,
    vonage.PROVIDER,
]
