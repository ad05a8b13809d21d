# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""The provider registry: the one table that names every provider. Standard library only.

Everything that lists providers (the ``application_drift`` filter, ``callback_check``, the
sandbox, the receiver, and through tests the role, the playbooks and ``meta/runtime.yml``)
derives its list from :data:`PROVIDERS`. Adding a provider: write its package under
``_providers/<name>/`` and add its ``ENTRY`` here (see docs/architecture.md).
"""

from __future__ import annotations

from ._providers import bandwidth, telnyx, twilio, vobiz, vonage

# In the order users see them listed (alphabetical).
PROVIDERS = (
    bandwidth.ENTRY,
    telnyx.ENTRY,
    twilio.ENTRY,
    vobiz.ENTRY,
    vonage.ENTRY,
)
NAMES = tuple(provider.name for provider in PROVIDERS)
_BY_NAME = {provider.name: provider for provider in PROVIDERS}


def entry(name):
    """The ProviderEntry of ``name``; ValueError naming the known providers otherwise."""
    try:
        return _BY_NAME[name]
    except (KeyError, TypeError):
        raise ValueError("unknown provider %r; known: %s" % (name, ", ".join(NAMES))) from None
