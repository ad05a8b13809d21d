#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: telnyx_application_info
short_description: List or fetch Telnyx Call Control Applications
version_added: 0.1.0
description:
  - Lists every Call Control Application of a Telnyx account (following all pages of 250), the ones with
    a given name, or fetches one by id.
  - URL passwords are masked (C(********)) in the result.
author:
  - cpaas.callbacks contributors (@cpaas-callbacks)
extends_documentation_fragment:
  - cpaas.callbacks.telnyx
  - cpaas.callbacks.common
attributes:
  check_mode:
    support: full
    description: The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
    description: The module changes nothing, so it has no diff.
options:
  application_id:
    description: Fetch the application with this id only. An unknown id gives an empty list.
    type: str
  application_name:
    description:
      - Only the applications with exactly this name. Telnyx's name filter matches any part of the name,
        ignoring case, and needs three characters; it narrows the listing, and the exact name is compared
        by the module.
    type: str
seealso:
  - module: cpaas.callbacks.telnyx_application
"""

EXAMPLES = r"""
- name: Every call control application of the account
  cpaas.callbacks.telnyx_application_info:
  register: telnyx_apps

- name: The application named support-line
  cpaas.callbacks.telnyx_application_info:
    application_name: support-line
  register: support_line
"""

RETURN = r"""
applications:
  description: The applications found, as Telnyx returns them (inside its C(data) envelope), with URL passwords masked.
  returned: always
  type: list
  elements: dict
  sample:
    - id: "1293384261075731499"
      application_name: support-line
      webhook_event_url: https://hooks.example.com/telnyx/events
      webhook_api_version: "2"
      active: true
"""

from ansible_collections.cpaas.callbacks.plugins.module_utils.module import run_info_module
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.telnyx.adapter import (
    INFO_ARGUMENT_SPEC,
    TelnyxApplicationAdapter,
)


def main():
    run_info_module(TelnyxApplicationAdapter, INFO_ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
