#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vobiz_application_info
short_description: List or fetch Vobiz applications
version_added: 0.1.0
description:
  - Lists every Application of a Vobiz account (following all pages of 100), the ones with a given
    name, or fetches one by id.
  - URL passwords are masked (C(********)) in the result.
author:
  - cpaas.callbacks contributors (@cpaas-callbacks)
extends_documentation_fragment:
  - cpaas.callbacks.vobiz
  - cpaas.callbacks.common
attributes:
  check_mode:
    support: full
    description: The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
    description: The module changes nothing, so it has no diff.
options:
  app_id:
    description: Fetch the application with this id only. An unknown id gives an empty list.
    type: str
  app_name:
    description: Only the applications with exactly this name (Vobiz's list has no name filter, so every
      page is read and filtered).
    type: str
seealso:
  - module: cpaas.callbacks.vobiz_application
"""

EXAMPLES = r"""
- name: Every application of the account
  cpaas.callbacks.vobiz_application_info:
  register: vobiz_apps

- name: The application named support-line
  cpaas.callbacks.vobiz_application_info:
    app_name: support-line
  register: support_line
"""

RETURN = r"""
applications:
  description:
    - The applications found, as Vobiz returns them, with URL passwords masked.
    - The fields Vobiz names differently in its answers are shown under the option names of
      M(cpaas.callbacks.vobiz_application) (C(default_number_app), C(subaccount), C(log_incoming_messages)).
  returned: always
  type: list
  elements: dict
  sample:
    - app_id: "12345678901234567"
      app_name: support-line
      answer_url: https://hooks.example.com/vobiz/answer
      answer_method: POST
      default_number_app: false
      log_incoming_messages: true
      subaccount: null
"""

from ansible_collections.cpaas.callbacks.plugins.module_utils.module import run_info_module
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.vobiz.adapter import (
    INFO_ARGUMENT_SPEC,
    VobizApplicationAdapter,
)


def main():
    run_info_module(VobizApplicationAdapter, INFO_ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
