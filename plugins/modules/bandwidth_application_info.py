#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bandwidth_application_info
short_description: List or fetch Bandwidth applications
version_added: 0.1.0
description:
  - Lists every application of a Bandwidth account, the ones with a given name, or fetches one by id.
  - Applications are returned in the option names of M(cpaas.callbacks.bandwidth_application).
    Bandwidth never returns the passwords of callback credentials; only their user ids show.
author:
  - cpaas.callbacks contributors (@cpaas-callbacks)
extends_documentation_fragment:
  - cpaas.callbacks.bandwidth
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
    description: Fetch the application with this id (a UUID) only. An unknown id gives an empty list; a value that is not a UUID fails.
    type: str
  app_name:
    description: Only the applications with exactly this name.
    type: str
seealso:
  - module: cpaas.callbacks.bandwidth_application
"""

EXAMPLES = r"""
- name: Every application of the account
  cpaas.callbacks.bandwidth_application_info:
  register: bandwidth_apps

- name: The applications named sms-gateway
  cpaas.callbacks.bandwidth_application_info:
    app_name: sms-gateway
  register: sms_gateway
"""

RETURN = r"""
applications:
  description: The applications found, in the option names of M(cpaas.callbacks.bandwidth_application).
  returned: always
  type: list
  elements: dict
  sample:
    - application_id: d4d1b41d-4c05-47d0-838a-34e4f14e4e3e
      service_type: Messaging-V2
      app_name: sms-gateway
      inbound_callback_url: https://hooks.example.com/bandwidth/inbound
      inbound_callback_creds:
        user_id: bandwidth
      requested_callback_types: [message-delivered, message-failed]
"""

from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.bandwidth.adapter import (
    INFO_ARGUMENT_SPEC,
    BandwidthApplicationAdapter,
)
from ansible_collections.cpaas.callbacks.plugins.module_utils.module import run_info_module


def main():
    run_info_module(BandwidthApplicationAdapter, INFO_ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
