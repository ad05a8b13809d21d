#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vonage_application
short_description: Manage a Vonage application, its capabilities and webhooks
version_added: 0.1.0
description:
  - Creates, updates or deletes one application of the Vonage Application API v2 (C(/v2/applications)).
  - O(capabilities) has the same nesting as the API's JSON, so a capability block can be pasted from
    Vonage's documentation.
  - Only the options you set are managed; a capability, webhook or setting left out is left as it is at Vonage.
  - Vonage replaces the whole application on an update (C(PUT)). The module therefore sends the application
    as Vonage has it, with the task's values laid over it, so capabilities and webhooks the task does not
    mention are kept. A capability is removed only when O(remove_capabilities) names it, and a single webhook
    only when its C(address) is set to V("").
  - The application is found by O(application_id) or, when that is not given, by O(name). Names are not unique
    at Vonage; when several applications share the name, the module fails and lists their ids.
  - Vonage returns an application's private key only once, in the answer to its create. The module writes it
    to O(private_key_path) when asked and never shows it in any result, diff or message.
author:
  - cpaas.callbacks contributors (@cpaas-callbacks)
extends_documentation_fragment:
  - cpaas.callbacks.vonage
  - cpaas.callbacks.common
attributes:
  check_mode:
    support: full
    description: Check mode sends no write request and writes no file; it reports the change it would make.
  diff_mode:
    support: full
    description: The diff shows the application before and after, with URL passwords masked.
options:
  state:
    description:
      - V(present) creates or updates the application, V(absent) deletes it (which cannot be undone at Vonage).
    type: str
    choices: [present, absent]
    default: present
  application_id:
    description:
      - The id (a UUID) of an existing application.
      - When given, O(name) is a field to set (a rename) rather than the way to find the application.
    type: str
  name:
    description:
      - The application's name. Used to find the application when O(application_id) is not given, and
        required to create one. Not unique at Vonage.
    type: str
  public_key:
    description:
      - A PEM public key (C(-----BEGIN PUBLIC KEY-----)) of a key pair you own, used to verify the JWTs the
        application signs with its private key.
      - When not given on a create, Vonage generates a key pair and returns the private key once; see
        O(private_key_path). When given for an existing application, the key is replaced (key rotation).
    type: str
  private_key_path:
    description:
      - File to write the private key to when Vonage generates it, that is when the application is created
        without O(public_key). The file is created with mode C(0600) and is never overwritten; if it already
        exists, a create fails before any request.
      - Nothing is written for an application that already exists (Vonage never returns its private key again)
        nor in check mode.
      - If the answer to a create is lost (an HTTP 5xx after Vonage applied it) and the module finds the new
        application by name, its private key is lost with that answer. The module then fails, says which
        application exists, and writes nothing; give that application a key pair you own with O(public_key).
    type: path
  capabilities:
    description:
      - The capabilities to set, nested as in the API's JSON. Only what is set here is managed.
      - Webhooks take C(address) and C(http_method); voice webhooks also take C(connect_timeout)
        (alias C(connection_timeout), the name of the 2021 API reference, which the API now refuses; always sent
        as C(connect_timeout)) and C(socket_timeout).
      - A webhook that the application does not have yet needs an C(address).
      - Set a webhook's C(address) to V("") to remove that webhook (and set nothing else on it).
    type: dict
    suboptions:
      voice:
        description: Voice API settings.
        type: dict
        suboptions:
          webhooks:
            description: The voice webhooks.
            type: dict
            suboptions:
              answer_url:
                description: Requested when a call is placed or received; must return an NCCO.
                type: dict
                suboptions:
                  address:
                    description: An absolute C(http://) or C(https://) URL, or V("") to remove the webhook.
                    type: str
                  http_method:
                    description: The HTTP method Vonage uses.
                    type: str
                    choices: [GET, POST]
                  connect_timeout:
                    description: Milliseconds Vonage waits to connect before one more attempt; 300 to 1000.
                    type: int
                    aliases: [connection_timeout]
                  socket_timeout:
                    description: Milliseconds Vonage waits for the answer before one more attempt; 1000 to 10000.
                    type: int
              fallback_answer_url:
                description: Requested when O(capabilities.voice.webhooks.answer_url) is offline or fails; must return an NCCO.
                type: dict
                suboptions:
                  address:
                    description: An absolute C(http://) or C(https://) URL, or V("") to remove the webhook.
                    type: str
                  http_method:
                    description: The HTTP method Vonage uses.
                    type: str
                    choices: [GET, POST]
                  connect_timeout:
                    description: Milliseconds Vonage waits to connect before one more attempt; 300 to 1000.
                    type: int
                    aliases: [connection_timeout]
                  socket_timeout:
                    description: Milliseconds Vonage waits for the answer before one more attempt; 1000 to 10000.
                    type: int
              event_url:
                description: Receives call events (for example C(ringing), C(answered)).
                type: dict
                suboptions:
                  address:
                    description: An absolute C(http://) or C(https://) URL, or V("") to remove the webhook.
                    type: str
                  http_method:
                    description: The HTTP method Vonage uses.
                    type: str
                    choices: [GET, POST]
                  connect_timeout:
                    description: Milliseconds Vonage waits to connect before one more attempt; 300 to 1000.
                    type: int
                    aliases: [connection_timeout]
                  socket_timeout:
                    description: Milliseconds Vonage waits for the answer before one more attempt; 1000 to 10000.
                    type: int
          signed_callbacks:
            description: Whether Vonage signs the voice webhooks (a JWT signed with the account's signature secret).
            type: bool
          conversations_ttl:
            description: Hours a named conversation stays active after it is created; 1 to 9000.
            type: int
          leg_persistence_time:
            description: Days the call legs are kept; 1 to 31.
            type: int
          region:
            description: The region inbound and SIP calls of this application are handled in.
            type: str
            choices: [na-east, na-west, eu-east, eu-west, apac-sng, apac-australia]
      messages:
        description: Messages API settings.
        type: dict
        suboptions:
          webhooks:
            description: The messages webhooks. Vonage calls them with C(POST) only.
            type: dict
            suboptions:
              inbound_url:
                description: Receives inbound messages.
                type: dict
                suboptions:
                  address:
                    description: An absolute C(http://) or C(https://) URL, or V("") to remove the webhook.
                    type: str
                  http_method:
                    description: The HTTP method Vonage uses; always V(POST).
                    type: str
                    choices: [POST]
              status_url:
                description: Receives message status updates (for example C(delivered)).
                type: dict
                suboptions:
                  address:
                    description: An absolute C(http://) or C(https://) URL, or V("") to remove the webhook.
                    type: str
                  http_method:
                    description: The HTTP method Vonage uses; always V(POST).
                    type: str
                    choices: [POST]
          version:
            description: The webhook format version, for example V(v1) or V(v0.1).
            type: str
          authenticate_inbound_media:
            description: Whether inbound media URLs require authentication.
            type: bool
      rtc:
        description: RTC (Conversation API, Client SDK) settings.
        type: dict
        suboptions:
          webhooks:
            description: The RTC webhooks.
            type: dict
            suboptions:
              event_url:
                description: Receives RTC events.
                type: dict
                suboptions:
                  address:
                    description: An absolute C(http://) or C(https://) URL, or V("") to remove the webhook.
                    type: str
                  http_method:
                    description: The HTTP method Vonage uses.
                    type: str
                    choices: [GET, POST]
          signed_callbacks:
            description: Whether Vonage signs the RTC webhooks.
            type: bool
      verify:
        description: Verify API settings. The read-only C(version) Vonage answers with is never sent back.
        type: dict
        suboptions:
          webhooks:
            description: The verify webhooks.
            type: dict
            suboptions:
              status_url:
                description: Receives verification status updates.
                type: dict
                suboptions:
                  address:
                    description: An absolute C(http://) or C(https://) URL, or V("") to remove the webhook.
                    type: str
                  http_method:
                    description: The HTTP method Vonage uses; always V(POST).
                    type: str
                    choices: [POST]
      vbc:
        description:
          - The VBC capability (zero-rated calls for VBC number programmability). It has no settings; the only
            allowed value is the empty dict V({}), which enables it.
        type: dict
  remove_capabilities:
    description:
      - Capabilities to remove from the application, for example V([rtc, vbc]). Removing is never implied by
        leaving a capability out of O(capabilities).
      - A capability cannot be both set in O(capabilities) and removed.
    type: list
    elements: str
    choices: [voice, messages, rtc, verify, vbc]
  privacy:
    description: Privacy settings.
    type: dict
    suboptions:
      improve_ai:
        description: Whether Vonage may use the application's data to improve its AI models (Vonage's default is V(true)).
        type: bool
notes:
  - Vonage validates timeouts, methods and URLs; the module checks the same rules before any request and names
    the option that is wrong.
seealso:
  - module: cpaas.callbacks.vonage_application_info
  - name: Vonage Application API
    description: The API reference of the resource this module manages.
    link: https://developer.vonage.com/en/api/application.v2
"""

EXAMPLES = r"""
- name: Voice and messages webhooks of the support line, private key saved once
  cpaas.callbacks.vonage_application:
    name: support-line
    private_key_path: /etc/cpaas/support-line.key
    capabilities:
      voice:
        webhooks:
          answer_url:
            address: https://hooks.example.com/vonage/answer
            http_method: GET
          event_url:
            address: https://hooks.example.com/vonage/event
            http_method: POST
            connect_timeout: 500
            socket_timeout: 3000
        signed_callbacks: true
      messages:
        webhooks:
          inbound_url:
            address: https://hooks.example.com/vonage/inbound
            http_method: POST
          status_url:
            address: https://hooks.example.com/vonage/status
            http_method: POST
        version: v1
  register: support_line

- name: Change one webhook; the other capabilities and webhooks stay as they are
  cpaas.callbacks.vonage_application:
    application_id: "{{ support_line.application.id }}"
    capabilities:
      voice:
        webhooks:
          event_url:
            address: https://hooks.example.com/vonage/event-v2

- name: Remove the fallback webhook and the RTC capability
  cpaas.callbacks.vonage_application:
    name: support-line
    capabilities:
      voice:
        webhooks:
          fallback_answer_url:
            address: ""
    remove_capabilities: [rtc]

- name: Rotate to a key pair you own
  cpaas.callbacks.vonage_application:
    name: support-line
    public_key: "{{ lookup('ansible.builtin.file', 'support-line.pub') }}"

- name: Point the modules at the local provider sandbox for a CI run
  cpaas.callbacks.vonage_application:
    api_url: http://127.0.0.1:8765
    api_key: sandboxkey
    api_secret: sandbox-vonage-secret
    name: ci-app
    capabilities:
      vbc: {}

- name: Delete the application
  cpaas.callbacks.vonage_application:
    name: support-line
    state: absent
"""

RETURN = r"""
application:
  description:
    - The application as Vonage now has it (in check mode, as it would be), with URL passwords masked.
      Webhook timeouts are shown as C(connect_timeout). The private key is never included.
    - Empty after a deletion.
  returned: always
  type: dict
  sample:
    id: 78d335fa-323d-0114-9c3d-d6f0d48968cf
    name: support-line
    keys:
      public_key: "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCA...\n-----END PUBLIC KEY-----\n"
    capabilities:
      voice:
        webhooks:
          answer_url:
            address: https://hooks.example.com/vonage/answer
            http_method: GET
          event_url:
            address: https://hooks.example.com/vonage/event
            http_method: POST
            connect_timeout: 500
            socket_timeout: 3000
        signed_callbacks: true
      vbc: {}
    _links:
      self:
        href: /v2/applications/78d335fa-323d-0114-9c3d-d6f0d48968cf
differences:
  description:
    - The fields that differ between Vonage and the task, as dotted paths (the top-level fields set on a create).
  returned: always
  type: list
  elements: str
  sample: [capabilities.voice.webhooks.event_url.address, capabilities.rtc]
private_key_written:
  description: Whether the private key of a newly created application was written to O(private_key_path).
  returned: always
  type: bool
  sample: true
"""

from ansible_collections.cpaas.callbacks.plugins.module_utils.module import run_application_module
from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.vonage.adapter import (
    APPLICATION_ARGUMENT_SPEC,
    APPLICATION_KWARGS,
    VonageApplicationAdapter,
)


def main():
    run_application_module(VonageApplicationAdapter, APPLICATION_ARGUMENT_SPEC, **APPLICATION_KWARGS)


if __name__ == "__main__":
    main()
