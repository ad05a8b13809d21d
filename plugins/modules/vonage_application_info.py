#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vonage_application_info
short_description: List or fetch Vonage applications
version_added: 0.1.0
description:
  - Lists every application of a Vonage account (following all pages of 100), the ones with a given name,
    or fetches one by id.
  - URL passwords are masked (C(********)) in the result; webhook timeouts are shown as C(connect_timeout).
author:
  - cpaas.callbacks contributors (@cpaas-callbacks)
extends_documentation_fragment:
  - cpaas.callbacks.vonage
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
    description: Fetch the application with this id (a UUID) only. An unknown id gives an empty list.
    type: str
  name:
    description:
      - Only the applications with exactly this name. The API has no name filter, so every page is read
        and the module filters.
    type: str
seealso:
  - module: cpaas.callbacks.vonage_application
"""

EXAMPLES = r"""
- name: Every application of the account
  cpaas.callbacks.vonage_application_info:
  register: vonage_apps

- name: The applications named support-line
  cpaas.callbacks.vonage_application_info:
    name: support-line
  register: support_line
"""

RETURN = r"""
applications:
  description: The applications found, as Vonage returns them, with URL passwords masked.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 78d335fa-323d-0114-9c3d-d6f0d48968cf
      name: support-line
      capabilities:
        voice:
          webhooks:
            answer_url:
              address: https://hooks.example.com/vonage/answer
              http_method: GET
"""

from ansible_collections.cpaas.callbacks.plugins.module_utils.module import build_module, run
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.vonage.adapter import (
    AUTH_KWARGS,
    INFO_ARGUMENT_SPEC,
    VonageApplicationAdapter,
    describe_vonage_applications,
)


def main():
    run(build_module(INFO_ARGUMENT_SPEC, **AUTH_KWARGS), VonageApplicationAdapter, describe_vonage_applications)


if __name__ == "__main__":
    main()
