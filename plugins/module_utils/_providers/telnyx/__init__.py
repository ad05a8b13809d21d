# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Telnyx: the registry entry, built from this package's files (standard library only)."""

from __future__ import annotations

from ...webhooks.registry_entry import ProviderEntry
from . import events, signing


def _adapter_module():
    # The Ansible side, imported only when Ansible code asks for it (never by the sandbox or the receiver).
    from . import adapter
    return adapter


ENTRY = ProviderEntry(
    name="telnyx",
    title="Telnyx",
    callbacks=events.callbacks,
    id_keys=events.ID_KEYS,
    events=events.EVENTS,
    user_agent=events.USER_AGENT,
    adapter_module=_adapter_module,
    # Telnyx only needs a 2xx; commands go through the REST API, not the webhook's answer.
    answer_document=("application/json", "{}"),
    json_content_type="application/json",
    sign=signing.sign,
    verify=signing.verify,
    signature_description=signing.SIGNATURE_DESCRIPTION,
    challenge_first=False,
    firing_timeout=10.0,
    check_secret=signing.check_public_key,
    verification_secret=signing.public_key_of,
    wrong_secret=signing.WRONG_PRIVATE_KEY,
)
