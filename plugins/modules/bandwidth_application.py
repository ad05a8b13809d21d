#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bandwidth_application
short_description: Manage a Bandwidth messaging or voice application and its callbacks
version_added: 0.1.0
description:
  - Creates, updates or deletes one application of the Bandwidth Dashboard (Account) API, a
    V(Messaging-V2) application (message events) or a V(Voice-V2) application (voice events).
  - Only the options you set are managed; an option left out is left as it is at Bandwidth.
    To clear an optional URL, set it to an empty string V(""); to remove callback credentials,
    set the credentials option to an empty dictionary (for example O(callback_creds={})).
  - Bandwidth's update replaces the whole application. The module therefore sends Bandwidth's
    current values for everything you did not set, so an update of one URL drops nothing else.
  - Passwords of callback credentials are write-only at Bandwidth (it never returns them), so they
    cannot be compared; see O(update_password). Because every update replaces the whole application,
    an update of an application that has credentials must carry their passwords, or Bandwidth removes
    the credentials. When an update is needed and the password of credentials the application has was
    not given, the module fails before any change and names the password to supply.
  - Bandwidth fills in V(POST) for every method it is not given; asking for V(POST) is never reported
    as a change. The deprecated elements Bandwidth echoes (C(MsgCallbackUrl), C(MsgCallbackCreds)) are
    ignored.
  - The application is found by O(application_id) or, when it is not given, by O(app_name). Names are not
    unique at Bandwidth; when several applications share the name, the module fails and lists their ids.
author:
  - cpaas.callbacks contributors (@cpaas-callbacks)
extends_documentation_fragment:
  - cpaas.callbacks.bandwidth
  - cpaas.callbacks.common
attributes:
  check_mode:
    support: full
    description: Check mode sends no write request; it reports the change it would make.
  diff_mode:
    support: full
    description: The diff shows the application before and after; passwords are masked.
options:
  state:
    description:
      - V(present) creates or updates the application, V(absent) deletes it.
      - Bandwidth refuses to delete an application that a location (SIP peer) still uses.
    type: str
    choices: [present, absent]
    default: present
  application_id:
    description:
      - The id (a UUID) of an existing application.
      - When given, O(app_name) is a field to set (a rename) rather than the way to find it.
    type: str
  app_name:
    description:
      - Plain text name of the application. Used to find the application when O(application_id) is not
        given, and required to create one.
    type: str
  service_type:
    description:
      - The type of application. Required to create one; it cannot be changed afterwards (a different
        value fails).
      - V(Messaging-V2) applications take the messaging options (O(inbound_callback_url),
        O(outbound_callback_url), O(inbound_callback_creds), O(outbound_callback_creds),
        O(requested_callback_types)) and require O(inbound_callback_url).
      - V(Voice-V2) applications take the voice options (O(call_initiated_callback_url), O(call_initiated_method),
        O(call_status_callback_url), O(call_status_method), O(callback_creds), O(call_initiated_fallback_url),
        O(call_initiated_fallback_method), O(call_initiated_fallback_creds)) and require O(call_initiated_callback_url).
      - Options of the other type fail before any request.
    type: str
    choices: [Messaging-V2, Voice-V2]
  inbound_callback_url:
    description: Messaging. URL that receives inbound message events. Required for V(Messaging-V2); cannot be cleared.
    type: str
  outbound_callback_url:
    description: Messaging. URL that receives the status callbacks of outbound messages.
    type: str
  inbound_callback_creds:
    description:
      - Messaging. Basic auth credentials Bandwidth uses for the inbound message events.
      - V({}) removes them.
    type: dict
    suboptions:
      user_id:
        description: Basic auth user id. Required with O(inbound_callback_creds.password).
        type: str
      password:
        description: Basic auth password. Write-only at Bandwidth; see O(update_password).
        type: str
  outbound_callback_creds:
    description:
      - Messaging. Basic auth credentials Bandwidth uses for the outbound message events.
      - V({}) removes them.
    type: dict
    suboptions:
      user_id:
        description: Basic auth user id. Required with O(outbound_callback_creds.password).
        type: str
      password:
        description: Basic auth password. Write-only at Bandwidth; see O(update_password).
        type: str
  requested_callback_types:
    description:
      - Messaging. The callback types to receive at O(outbound_callback_url). Compared as a set
        (order and repetitions do not matter); V([]) removes the list.
    type: list
    elements: str
    choices: [message-delivered, message-sending, message-failed]
  call_initiated_callback_url:
    description: Voice. URL that receives the call-initiated events. Required for V(Voice-V2); cannot be cleared.
    type: str
  call_initiated_method:
    description: Voice. HTTP method for the events sent to O(call_initiated_callback_url). Bandwidth's default is V(POST).
    type: str
    choices: [GET, POST]
  call_status_callback_url:
    description: Voice. URL that receives the voice events not related to initiation (such as rejected or hung up).
    type: str
  call_status_method:
    description: Voice. HTTP method for the events sent to O(call_status_callback_url). Bandwidth's default is V(POST).
    type: str
    choices: [GET, POST]
  callback_creds:
    description:
      - Voice. Basic auth credentials Bandwidth uses for the voice events.
      - V({}) removes them.
    type: dict
    suboptions:
      user_id:
        description: Basic auth user id. Required with O(callback_creds.password).
        type: str
      password:
        description: Basic auth password. Write-only at Bandwidth; see O(update_password).
        type: str
  call_initiated_fallback_url:
    description: Voice. URL used when the voice events fail to process at O(call_initiated_callback_url).
    type: str
  call_initiated_fallback_method:
    description: Voice. HTTP method for the events sent to O(call_initiated_fallback_url). Bandwidth's default is V(POST).
    type: str
    choices: [GET, POST]
  call_initiated_fallback_creds:
    description:
      - Voice. Basic auth credentials Bandwidth uses for the events sent to O(call_initiated_fallback_url).
      - V({}) removes them.
    type: dict
    suboptions:
      user_id:
        description: Basic auth user id. Required with O(call_initiated_fallback_creds.password).
        type: str
      password:
        description: Basic auth password. Write-only at Bandwidth; see O(update_password).
        type: str
  update_password:
    description:
      - Whether the passwords given in the credentials options are sent to an existing application.
      - V(on_create) sends them when the application is created, when its credentials' user id changes or
        credentials are added, and whenever the application is updated for another reason (every update
        replaces the whole application, so it must carry the passwords). A run whose other fields match
        reports no change, since a password cannot be read back to compare.
      - V(always) sends them on every run (a password rotation) and therefore always reports a change.
    type: str
    choices: [on_create, always]
    default: on_create
notes:
  - Passwords never appear in the module's results, diffs or error messages; they show as C(********)
    where they are being set.
seealso:
  - module: cpaas.callbacks.bandwidth_application_info
  - name: Bandwidth Account API applications
    description: The API reference of the resource this module manages.
    link: https://dev.bandwidth.com/docs/account/applications
"""

EXAMPLES = r"""
- name: A messaging application with credentials on its callbacks
  cpaas.callbacks.bandwidth_application:
    app_name: sms-gateway
    service_type: Messaging-V2
    inbound_callback_url: https://hooks.example.com/bandwidth/inbound
    outbound_callback_url: https://hooks.example.com/bandwidth/status
    inbound_callback_creds:
      user_id: bandwidth
      password: "{{ callback_password }}"
    outbound_callback_creds:
      user_id: bandwidth
      password: "{{ callback_password }}"
    requested_callback_types: [message-delivered, message-failed]
  register: sms_gateway

- name: A voice application
  cpaas.callbacks.bandwidth_application:
    app_name: ivr
    service_type: Voice-V2
    call_initiated_callback_url: https://hooks.example.com/bandwidth/voice
    call_status_callback_url: https://hooks.example.com/bandwidth/voice-status
    callback_creds:
      user_id: bandwidth
      password: "{{ callback_password }}"

- name: Rotate the callback password (always reports a change)
  cpaas.callbacks.bandwidth_application:
    app_name: ivr
    callback_creds:
      user_id: bandwidth
      password: "{{ new_callback_password }}"
    update_password: always

- name: Remove the outbound credentials; the inbound ones stay, so their password must be given (an update replaces everything)
  cpaas.callbacks.bandwidth_application:
    application_id: "{{ sms_gateway.application.application_id }}"
    outbound_callback_creds: {}
    inbound_callback_creds:
      user_id: bandwidth
      password: "{{ callback_password }}"

- name: Point the modules at the local provider sandbox for a CI run
  cpaas.callbacks.bandwidth_application:
    api_url: http://127.0.0.1:8765/api
    account_id: "9900000"
    username: sandbox-bw-user
    password: sandbox-bw-password
    app_name: ci-app
    service_type: Voice-V2
    call_initiated_callback_url: https://hooks.example.com/voice

- name: Delete the application
  cpaas.callbacks.bandwidth_application:
    app_name: ivr
    state: absent
"""

RETURN = r"""
application:
  description:
    - The application as Bandwidth now has it (in check mode, as it would be), in the module's option names.
    - Bandwidth never returns passwords; a password being set shows as C(********) in check mode.
    - C(callback_timeout) appears when Bandwidth has one; it is kept unchanged on updates.
    - Empty after a deletion.
  returned: always
  type: dict
  sample:
    application_id: d775585a-ed5b-4a49-8b96-f68c0a993ebe
    service_type: Voice-V2
    app_name: ivr
    call_initiated_callback_url: https://hooks.example.com/bandwidth/voice
    call_initiated_method: POST
    callback_creds:
      user_id: bandwidth
differences:
  description:
    - The fields that differ between Bandwidth and the task (the fields set on a create). A credentials
      field is named with its part, for example C(callback_creds.user_id), or C(callback_creds.password)
      with O(update_password=always); removed credentials are named by their option, for example C(callback_creds).
  returned: always
  type: list
  elements: str
  sample: [call_status_callback_url, callback_creds.user_id]
"""

from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.bandwidth.adapter import (
    APPLICATION_ARGUMENT_SPEC,
    BandwidthApplicationAdapter,
)
from ansible_collections.cpaas.callbacks.plugins.module_utils.module import run_application_module


def main():
    run_application_module(BandwidthApplicationAdapter, APPLICATION_ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
