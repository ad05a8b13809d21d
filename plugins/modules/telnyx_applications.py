#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: telnyx_applications
short_description: Converge every Telnyx application of an account in one task
version_added: 0.1.0
description:
  - Converges a list of Telnyx Call Control Applications with one listing of the account, writing only what differs.
  - Each element of O(applications) takes exactly the options of M(cpaas.callbacks.telnyx_application) except the
    credentials, which are given once for the whole list. Elements are checked with that module's argument spec
    (aliases, types, choices, defaults) and its input checks before any request is sent.
  - Every rule of M(cpaas.callbacks.telnyx_application) holds for each element (only set options are managed,
    write-only secrets, refusal of impossible changes, no blind create retry, secrets masked).
  - An element is matched by its id option (C(application_id)) or, without it, by its unique name (C(application_name)) in the
    listing. A name that several applications share fails that element and lists their ids.
  - One failing element does not stop the others; every failure is reported with its application and the task
    fails at the end.
  - With O(purge=true), applications whose name starts with O(purge_scope) and that the list does not declare are
    deleted. Nothing outside the scope is ever deleted.
author:
  - cpaas.callbacks contributors (@cpaas-callbacks)
extends_documentation_fragment:
  - cpaas.callbacks.telnyx
  - cpaas.callbacks.common
  - cpaas.callbacks.applications
options:
  applications:
    description:
      - The applications to converge. Each element takes the options of M(cpaas.callbacks.telnyx_application)
        (C(application_name), C(application_id), C(state) and the webhook options), without the credentials.
    type: list
    elements: dict
    required: true
seealso:
  - module: cpaas.callbacks.telnyx_application
  - module: cpaas.callbacks.telnyx_application_info
"""

EXAMPLES = r"""
- name: Converge the team's applications, and delete the team's applications the list does not declare
  cpaas.callbacks.telnyx_applications:
    purge: true
    purge_scope: team-a-
    applications:
      - application_name: team-a-support
        webhook_event_url: https://hooks.example.com/telnyx/events
"""

RETURN = r"""
results:
  description: One entry per element, in the order of O(applications).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The element's name option.
      type: str
    id:
      description: The application's id at Telnyx (none for a create in check mode).
      type: str
    action:
      description: V(created), V(updated), V(unchanged), V(deleted) or V(failed).
      type: str
    changed:
      description: Whether the application was (in check mode, would be) changed.
      type: bool
    differences:
      description: The fields that differ between Telnyx and the element.
      type: list
      elements: str
    application:
      description: The application as Telnyx now has it, secrets masked.
      type: dict
    diff:
      description: The application before and after the change (secrets masked), for a changed application.
      type: dict
    failed:
      description: Whether this element failed.
      type: bool
    msg:
      description: Why the element failed.
      type: str
purged:
  description: The applications inside O(purge_scope) that the list does not declare, deleted (in check mode, to be deleted).
  returned: always
  type: list
  elements: dict
summary:
  description: Counts of C(created), C(updated), C(unchanged), C(deleted) and C(failed) applications, and the C(requests)
    sent (C(reads) and C(writes)).
  returned: always
  type: dict
  sample: {created: 1, updated: 2, unchanged: 997, deleted: 0, failed: 0, requests: {reads: 10, writes: 3}}
"""

from ansible_collections.cpaas.callbacks.plugins.module_utils.applications import run_applications_module
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.telnyx.adapter import (
    APPLICATION_ARGUMENT_SPEC,
    AUTH_ARGUMENT_SPEC,
    TelnyxApplicationAdapter,
)


def main():
    run_applications_module(TelnyxApplicationAdapter, APPLICATION_ARGUMENT_SPEC, AUTH_ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
