#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: twilio_application_info
short_description: List or fetch Twilio applications
version_added: 0.1.0
description:
  - Lists every Application of a Twilio account (following all pages), the ones with a given
    friendly name, or fetches one by SID.
  - URL passwords are masked (C(********)) in the result.
author:
  - cpaas.callbacks contributors (@cpaas-callbacks)
extends_documentation_fragment:
  - cpaas.callbacks.twilio
  - cpaas.callbacks.common
attributes:
  check_mode:
    support: full
    description: The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
    description: The module changes nothing, so it has no diff.
options:
  sid:
    description: Fetch the application with this SID only. An unknown SID gives an empty list.
    type: str
  friendly_name:
    description: Only the applications with exactly this friendly name.
    type: str
seealso:
  - module: cpaas.callbacks.twilio_application
"""

EXAMPLES = r"""
- name: Every application of the account
  cpaas.callbacks.twilio_application_info:
  register: twilio_apps

- name: The applications named support-line
  cpaas.callbacks.twilio_application_info:
    friendly_name: support-line
  register: support_line
"""

RETURN = r"""
applications:
  description: The applications found, as Twilio returns them, with URL passwords masked.
  returned: always
  type: list
  elements: dict
  sample:
    - sid: AP0123456789abcdef0123456789abcdef
      friendly_name: support-line
      voice_url: https://hooks.example.com/twilio/voice
      voice_method: POST
"""

from ansible_collections.cpaas.callbacks.plugins.module_utils.module import run_info_module
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.twilio.adapter import (
    AUTH_KWARGS,
    INFO_ARGUMENT_SPEC,
    TwilioApplicationAdapter,
)


def main():
    run_info_module(TwilioApplicationAdapter, INFO_ARGUMENT_SPEC, **AUTH_KWARGS)


if __name__ == "__main__":
    main()
