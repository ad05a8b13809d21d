#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: twilio_application
short_description: Manage a Twilio application (TwiML App) and its callback URLs
version_added: 0.1.0
description:
  - Creates, updates or deletes one Application resource of the Twilio REST API 2010-04-01.
  - Only the options you set are managed; an option left out is left as it is at Twilio.
    To clear a URL, set it to an empty string V("").
  - Twilio fills in V(POST) for every method and V(false) for the booleans when they are not given;
    asking for those values is never reported as a change.
  - Callback credentials go inside the URL (V(https://user:password@host/path)), as Twilio expects.
    The password part is masked (C(********)) in every result and diff, and is still compared.
  - The application is found by O(sid) or, when O(sid) is not given, by O(friendly_name). Friendly
    names are not unique at Twilio; when several applications share the name, the module fails and
    lists their SIDs.
author:
  - cpaas.callbacks contributors (@cpaas-callbacks)
extends_documentation_fragment:
  - cpaas.callbacks.twilio
  - cpaas.callbacks.common
attributes:
  check_mode:
    support: full
    description: Check mode sends no write request; it reports the change it would make.
  diff_mode:
    support: full
    description: The diff shows the application before and after, with secrets masked.
options:
  state:
    description:
      - V(present) creates or updates the application, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  sid:
    description:
      - The Application SID (C(AP) followed by 32 hexadecimal characters) of an existing application.
      - When given, O(friendly_name) is a field to set (a rename) rather than the way to find it.
    type: str
  friendly_name:
    description:
      - The application's name, at most 64 characters. Used to find the application when O(sid) is
        not given, and required to create one.
    type: str
  api_version:
    description:
      - API version used to start a new TwiML session. Twilio defaults it to the account's default.
    type: str
    choices: ['2010-04-01', '2008-08-01']
  voice_url:
    description: URL Twilio requests when a phone number using this application receives a call.
    type: str
  voice_method:
    description: HTTP method used to request O(voice_url). Twilio's default is V(POST).
    type: str
    choices: [GET, POST]
  voice_fallback_url:
    description: URL Twilio requests when fetching or executing the TwiML from O(voice_url) fails.
    type: str
  voice_fallback_method:
    description: HTTP method used to request O(voice_fallback_url). Twilio's default is V(POST).
    type: str
    choices: [GET, POST]
  status_callback:
    description: URL Twilio sends call status information to.
    type: str
  status_callback_method:
    description: HTTP method used to request O(status_callback). Twilio's default is V(POST).
    type: str
    choices: [GET, POST]
  voice_caller_id_lookup:
    description: Whether to look up the caller's name in the CNAM database (charged by Twilio).
    type: bool
  sms_url:
    description: URL Twilio requests when a phone number using this application receives a message.
    type: str
  sms_method:
    description: HTTP method used to request O(sms_url). Twilio's default is V(POST).
    type: str
    choices: [GET, POST]
  sms_fallback_url:
    description: URL Twilio requests when fetching or executing the TwiML from O(sms_url) fails.
    type: str
  sms_fallback_method:
    description: HTTP method used to request O(sms_fallback_url). Twilio's default is V(POST).
    type: str
    choices: [GET, POST]
  sms_status_callback:
    description: URL for status information about SMS messages (deprecated by Twilio in favour of O(message_status_callback)).
    type: str
  message_status_callback:
    description: URL Twilio sends message status information to, with a POST request.
    type: str
  public_application_connect_enabled:
    description: Whether other Twilio accounts may dial this application using Twilio Connect.
    type: bool
seealso:
  - module: cpaas.callbacks.twilio_application_info
  - name: Twilio Application resource
    description: The API reference of the resource this module manages.
    link: https://www.twilio.com/docs/usage/api/applications
"""

EXAMPLES = r"""
- name: Voice and messaging callbacks of the support line
  cpaas.callbacks.twilio_application:
    friendly_name: support-line
    voice_url: https://hooks.example.com/twilio/voice
    voice_method: POST
    status_callback: https://hooks.example.com/twilio/status
    sms_url: https://hooks.example.com/twilio/sms
    message_status_callback: https://hooks.example.com/twilio/message-status
  register: support_line

- name: Callbacks with basic-auth credentials inside the URL (the password never shows in output)
  cpaas.callbacks.twilio_application:
    friendly_name: support-line
    voice_url: "https://twilio:{{ callback_password }}@hooks.example.com/twilio/voice"

- name: Clear the fallback URL, leave everything else as it is
  cpaas.callbacks.twilio_application:
    sid: "{{ support_line.application.sid }}"
    voice_fallback_url: ""

- name: Point the modules at the local provider sandbox for a CI run
  cpaas.callbacks.twilio_application:
    api_url: http://127.0.0.1:8765
    account_sid: ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    auth_token: sandbox-twilio-token
    friendly_name: ci-app
    voice_url: https://hooks.example.com/voice

- name: Delete the application
  cpaas.callbacks.twilio_application:
    friendly_name: support-line
    state: absent
"""

RETURN = r"""
application:
  description:
    - The application as Twilio now has it (in check mode, as it would be), with URL passwords masked.
    - Empty after a deletion.
  returned: always
  type: dict
  sample:
    sid: AP0123456789abcdef0123456789abcdef
    account_sid: AC0123456789abcdef0123456789abcdef
    friendly_name: support-line
    voice_url: https://twilio:********@hooks.example.com/twilio/voice
    voice_method: POST
    status_callback: null
    date_created: Mon, 22 Aug 2011 20:59:45 +0000
    uri: /2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Applications/AP0123456789abcdef0123456789abcdef.json
differences:
  description: The fields that differ between Twilio and the task (the fields set on a create).
  returned: always
  type: list
  elements: str
  sample: [voice_url, sms_method]
"""

from ansible_collections.cpaas.callbacks.plugins.module_utils.module import run_application_module
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.twilio.adapter import (
    APPLICATION_ARGUMENT_SPEC,
    AUTH_KWARGS,
    TwilioApplicationAdapter,
)


def main():
    run_application_module(TwilioApplicationAdapter, APPLICATION_ARGUMENT_SPEC, **AUTH_KWARGS)


if __name__ == "__main__":
    main()
