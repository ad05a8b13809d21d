# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Vonage: the registry entry, built from this package's files (standard library only)."""

from __future__ import annotations

import json

from ...webhooks.registry_entry import ProviderEntry
from . import events, signing


def _adapter_module():
    # The Ansible side, imported only when Ansible code asks for it (never by the sandbox or the receiver).
    from . import adapter
    return adapter


ENTRY = ProviderEntry(
    name="vonage",
    title="Vonage",
    callbacks=events.callbacks,
    id_keys=events.ID_KEYS,
    events=events.EVENTS,
    user_agent=events.USER_AGENT,
    adapter_module=_adapter_module,
    answer_document=("application/json", json.dumps(events.NCCO_ANSWER)),
    json_content_type="application/json",
    sign=signing.sign,
    verify=signing.verify,
    signature_description=signing.SIGNATURE_DESCRIPTION,
    signature_in_authorization=True,
    challenge_first=False,
    firing_timeout=5.0,
)
