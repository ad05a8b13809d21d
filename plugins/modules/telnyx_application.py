#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: telnyx_application
short_description: Manage a Telnyx Call Control Application and its webhook URLs
version_added: 0.1.0
description:
  - Creates, updates or deletes one Call Control Application of the Telnyx API v2 (C(/v2/call_control_applications)).
  - Only the options you set are managed; an option left out is left as it is at Telnyx. Updates are
    partial (C(PATCH)); the fields that differ are sent, with O(application_name) and O(webhook_event_url),
    which Telnyx requires in every update (their current values when the task does not set them).
    O(inbound) and O(outbound) are sent whole when one of their fields changes, Telnyx's current values
    with the task's over them.
  - When they are not given, Telnyx fills in V(true) for O(active), V(Latency) for O(anchorsite_override),
    V(RFC 2833) for O(dtmf_type), V(false) and V(30) for O(first_command_timeout) and
    O(first_command_timeout_secs), V(1) for O(webhook_api_version), an empty O(webhook_event_failover_url),
    and V(false) and V(from_anyone) for O(inbound.shaken_stir_enabled) and O(inbound.sip_subdomain_receive_settings);
    asking for those values is never reported as a change.
  - Webhook credentials may go inside the URLs (V(https://user:password@host/path)). The password part is
    masked (C(********)) in every result and diff, and is still compared.
  - The application is found by O(application_id) or, when O(application_id) is not given, by
    O(application_name) (exact match). When several applications share the name, the module fails and
    lists their ids.
author:
  - cpaas.callbacks contributors (@cpaas-callbacks)
extends_documentation_fragment:
  - cpaas.callbacks.telnyx
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
    description: V(present) creates or updates the application, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  application_id:
    description:
      - The id of an existing application (digits, for example V(1293384261075731499)).
      - When given, O(application_name) is a field to set (a rename) rather than the way to find it.
    type: str
  application_name:
    description:
      - The application's name. Used to find the application when O(application_id) is not given, and
        required to create one.
    type: str
  webhook_event_url:
    description:
      - The URL Telnyx sends every call event of this application to. Required to create an application;
        it cannot be cleared.
    type: str
  webhook_event_failover_url:
    description:
      - The URL Telnyx tries when O(webhook_event_url) does not answer with a 2xx.
      - Set it to an empty string V("") to clear it.
    type: str
  webhook_api_version:
    description:
      - The webhook format, Telnyx API V(1) or V(2). Telnyx's default is V(1); the sandbox and
        M(cpaas.callbacks.callback_check) send events in the V(2) format.
    type: str
    choices: ["1", "2"]
  webhook_timeout_secs:
    description: Seconds Telnyx waits for an answer to a webhook, from 0 to 30. Telnyx's default is none (null).
    type: int
  active:
    description: Whether the application can be used. Telnyx's default is V(true).
    type: bool
  anchorsite_override:
    description:
      - The site Telnyx routes media through; V(Latency) picks the one with the lowest round-trip time.
        Telnyx's default is V(Latency).
    type: str
    choices:
      - Latency
      - Chicago, IL
      - Ashburn, VA
      - San Jose, CA
      - London, UK
      - Chennai, IN
      - Amsterdam, Netherlands
      - Toronto, Canada
      - Sydney, Australia
  dtmf_type:
    description: How Telnyx sends DTMF digits to this application. Telnyx's default is V(RFC 2833).
    type: str
    choices: [RFC 2833, Inband, SIP INFO]
  first_command_timeout:
    description: Whether calls hang up when no command arrives in time. Telnyx's default is V(false).
    type: bool
  first_command_timeout_secs:
    description: Seconds to wait for the first command. Telnyx's default is V(30).
    type: int
  call_cost_in_webhooks:
    description: Whether Telnyx sends call cost webhooks for this application.
    type: bool
  redact_dtmf_debug_logging:
    description: Whether DTMF digits are redacted in Telnyx's debug logs.
    type: bool
  inbound:
    description: Inbound call settings; only the suboptions you set are managed.
    type: dict
    suboptions:
      channel_limit:
        description: The most inbound calls at once to the numbers of this application.
        type: int
      shaken_stir_enabled:
        description: Whether Telnyx includes SHAKEN/STIR data in the webhook of a new inbound call. Telnyx's default is V(false).
        type: bool
      sip_subdomain:
        description: A subdomain of C(sip.telnyx.com) that SIP endpoints can call this application at.
        type: str
      sip_subdomain_receive_settings:
        description: Who may call O(inbound.sip_subdomain). Telnyx's default is V(from_anyone).
        type: str
        choices: [only_my_connections, from_anyone]
  outbound:
    description: Outbound call settings; only the suboptions you set are managed.
    type: dict
    suboptions:
      channel_limit:
        description: The most outbound calls at once.
        type: int
      outbound_voice_profile_id:
        description: The id of the outbound voice profile the application uses.
        type: str
notes:
  - Telnyx's C(tags) are not managed (the create request of the API reference has no C(tags)); they are
    shown as Telnyx has them.
seealso:
  - module: cpaas.callbacks.telnyx_application_info
  - module: cpaas.callbacks.telnyx_applications
  - name: Telnyx Call Control Applications API
    description: The API reference of the resource this module manages.
    link: https://developers.telnyx.com/api/call-control/create-call-control-application
"""

EXAMPLES = r"""
- name: Webhooks of the support line, in the API v2 format
  cpaas.callbacks.telnyx_application:
    application_name: support-line
    webhook_event_url: https://hooks.example.com/telnyx/events
    webhook_event_failover_url: https://backup.example.com/telnyx/events
    webhook_api_version: "2"
    webhook_timeout_secs: 10
  register: support_line

- name: Limit inbound calls, leave everything else as it is
  cpaas.callbacks.telnyx_application:
    application_id: "{{ support_line.application.id }}"
    inbound:
      channel_limit: 10

- name: Clear the failover URL
  cpaas.callbacks.telnyx_application:
    application_name: support-line
    webhook_event_failover_url: ""

- name: Point the modules at the local provider sandbox for a CI run
  cpaas.callbacks.telnyx_application:
    api_url: http://127.0.0.1:8765/v2
    api_key: KEYSANDBOX_telnyx-api-key
    application_name: ci-app
    webhook_event_url: https://hooks.example.com/telnyx

- name: Delete the application
  cpaas.callbacks.telnyx_application:
    application_name: support-line
    state: absent
"""

RETURN = r"""
application:
  description:
    - The application as Telnyx now has it (in check mode, as it would be), with URL passwords masked;
      the object inside Telnyx's C(data) envelope. Empty after a deletion.
  returned: always
  type: dict
  sample:
    id: "1293384261075731499"
    record_type: call_control_application
    application_name: support-line
    active: true
    anchorsite_override: Latency
    dtmf_type: RFC 2833
    first_command_timeout: false
    first_command_timeout_secs: 30
    inbound:
      channel_limit: null
      shaken_stir_enabled: false
      sip_subdomain: null
      sip_subdomain_receive_settings: from_anyone
    outbound:
      channel_limit: null
      outbound_voice_profile_id: null
    webhook_api_version: "2"
    webhook_event_url: https://hooks.example.com/telnyx/events
    webhook_event_failover_url: ""
    webhook_timeout_secs: 10
    created_at: "2026-04-02T12:11:19.740Z"
    updated_at: "2026-04-02T12:11:19.740Z"
differences:
  description: The fields that differ between Telnyx and the task (the fields set on a create).
  returned: always
  type: list
  elements: str
  sample: [inbound.channel_limit, webhook_event_url]
"""

from ansible_collections.cpaas.callbacks.plugins.module_utils.module import run_application_module
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.telnyx.adapter import (
    APPLICATION_ARGUMENT_SPEC,
    TelnyxApplicationAdapter,
)


def main():
    run_application_module(TelnyxApplicationAdapter, APPLICATION_ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
