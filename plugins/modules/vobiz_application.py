#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vobiz_application
short_description: Manage a Vobiz application and its callback URLs
version_added: 0.1.0
description:
  - Creates, updates or deletes one Application of the Vobiz REST API (C(/api/v1/Account/{auth_id}/Application/)).
  - Only the options you set are managed; an option left out is left as it is at Vobiz. Updates are
    partial, so only the fields that differ are sent.
  - When they are not given, Vobiz fills in V(POST) for every method, V(false) for O(default_number_app)
    and O(default_endpoint_app), V(true) for O(log_incoming_messages), and the value of O(answer_url) for
    O(hangup_url); asking for those values is never reported as a change.
  - Callback credentials may go inside the URLs (V(https://user:password@host/path)). The password part is
    masked (C(********)) in every result and diff, and is still compared.
  - The application is found by O(app_id) or, when O(app_id) is not given, by O(app_name). When several
    applications share the name, the module fails and lists their ids.
author:
  - cpaas.callbacks contributors (@cpaas-callbacks)
extends_documentation_fragment:
  - cpaas.callbacks.vobiz
  - cpaas.callbacks.common
attributes:
  check_mode:
    support: full
    description: Check mode sends no write request; it reports the change it would make.
  diff_mode:
    support: full
    description: The diff shows the application before and after, with URL passwords masked.
options:
  state:
    description:
      - V(present) creates or updates the application, V(absent) deletes it.
      - Vobiz refuses to delete an application that phone numbers still use (HTTP 409); the module then
        fails with Vobiz's reason.
    type: str
    choices: [present, absent]
    default: present
  app_id:
    description:
      - The id of an existing application (digits, for example V(12345678901234567)).
      - When given, O(app_name) is a field to set (a rename) rather than the way to find it.
    type: str
  app_name:
    description:
      - The application's name; letters, digits, C(-) and C(_) only. Used to find the application when
        O(app_id) is not given, and required to create one.
    type: str
  answer_url:
    description:
      - URL Vobiz requests when a call executes this application. Required to create an application;
        it cannot be cleared.
    type: str
  answer_method:
    description: HTTP method used to request O(answer_url). Vobiz's default is V(POST).
    type: str
    choices: [GET, POST]
  hangup_url:
    description:
      - URL Vobiz notifies when the call hangs up. Vobiz sets it to O(answer_url) when it is not given
        on create; it cannot be cleared.
    type: str
  hangup_method:
    description: HTTP method used to request O(hangup_url). Vobiz's default is V(POST).
    type: str
    choices: [GET, POST]
  fallback_answer_url:
    description:
      - URL Vobiz requests when O(answer_url) is unavailable or its XML answer is invalid.
      - Set it to an empty string V("") to clear it.
    type: str
  fallback_method:
    description: HTTP method used to request O(fallback_answer_url). Vobiz's default is V(POST).
    type: str
    choices: [GET, POST]
  message_url:
    description:
      - URL Vobiz notifies when an inbound message is received.
      - Set it to an empty string V("") to clear it.
    type: str
  message_method:
    description: HTTP method used to request O(message_url). Vobiz's default is V(POST).
    type: str
    choices: [GET, POST]
  default_number_app:
    description:
      - Whether newly created Vobiz numbers that specify no application get this one. Existing numbers
        are not re-routed. Vobiz's default is V(false).
      - Vobiz answers with this value as C(default_app); the module shows it under this option's name.
    type: bool
  default_endpoint_app:
    description:
      - Whether newly created Vobiz endpoints that specify no application get this one. Existing endpoints
        are not re-routed. Vobiz's default is V(false).
    type: bool
  log_incoming_messages:
    description:
      - Whether incoming messages to the numbers of this application are logged by Vobiz. Vobiz's default
        is V(true).
      - Sent (and answered) by Vobiz as C(log_incoming_message).
    type: bool
    aliases: [log_incoming_message]
  subaccount:
    description:
      - ID of the subaccount the application belongs to; leave it out for the main account.
      - It can only be set when the application is created. A different value for an existing
        application fails (with no change made) rather than being ignored.
    type: str
notes:
  - Vobiz answers a create or an update with an acknowledgement only, so the module reads the application
    back after writing it and returns it as Vobiz then has it. When the write succeeded but the read fails,
    the result is still C(changed), with a warning, and shows the application as planned.
seealso:
  - module: cpaas.callbacks.vobiz_application_info
  - name: Vobiz Applications API
    description: The API reference of the resource this module manages.
    link: https://docs.vobiz.ai
"""

EXAMPLES = r"""
- name: Voice and messaging callbacks of the support line
  cpaas.callbacks.vobiz_application:
    app_name: support-line
    answer_url: https://hooks.example.com/vobiz/answer
    hangup_url: https://hooks.example.com/vobiz/hangup
    message_url: https://hooks.example.com/vobiz/message
  register: support_line

- name: Make it the application of new numbers, leave everything else as it is
  cpaas.callbacks.vobiz_application:
    app_id: "{{ support_line.application.app_id }}"
    default_number_app: true

- name: Clear the fallback URL
  cpaas.callbacks.vobiz_application:
    app_name: support-line
    fallback_answer_url: ""

- name: Point the modules at the local provider sandbox for a CI run
  cpaas.callbacks.vobiz_application:
    api_url: http://127.0.0.1:8765/api/v1
    auth_id: MA_SANDBOX01
    auth_token: sandbox-vobiz-token
    app_name: ci-app
    answer_url: https://hooks.example.com/answer

- name: Delete the application
  cpaas.callbacks.vobiz_application:
    app_name: support-line
    state: absent
"""

RETURN = r"""
application:
  description:
    - The application as Vobiz now has it (in check mode, as it would be), with URL passwords masked.
    - The fields Vobiz names differently in its answers are shown under the module's option names
      (O(default_number_app) for C(default_app), O(subaccount) for C(sub_account),
      O(log_incoming_messages) for C(log_incoming_message)); the per-request C(api_id) is left out.
    - Empty after a deletion.
  returned: always
  type: dict
  sample:
    app_id: "12345678901234567"
    app_name: support-line
    answer_url: https://hooks.example.com/vobiz/answer
    answer_method: POST
    hangup_url: https://hooks.example.com/vobiz/hangup
    hangup_method: POST
    fallback_answer_url: null
    fallback_method: POST
    message_url: https://hooks.example.com/vobiz/message
    message_method: POST
    default_number_app: false
    default_endpoint_app: false
    log_incoming_messages: true
    subaccount: null
    application_type: XML
    enabled: true
    sip_uri: sip:12345678901234567@app.vobiz.ai
    resource_uri: /v1/Account/MA_XXXXXXXX/Application/12345678901234567/
    created_at: "2026-04-02 12:11:19.740666+00:00"
    updated_at: "2026-04-02 12:11:19.740666+00:00"
differences:
  description: The fields that differ between Vobiz and the task (the fields set on a create).
  returned: always
  type: list
  elements: str
  sample: [answer_url, default_number_app]
"""

from ansible_collections.cpaas.callbacks.plugins.module_utils.module import run_application_module
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.vobiz.adapter import (
    APPLICATION_ARGUMENT_SPEC,
    VobizApplicationAdapter,
)


def main():
    run_application_module(VobizApplicationAdapter, APPLICATION_ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
