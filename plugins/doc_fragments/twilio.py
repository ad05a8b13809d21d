# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Twilio credentials and API endpoint, shared by the Twilio modules.
    DOCUMENTATION = r"""
options:
  account_sid:
    description:
      - The Account SID (C(AC...)) that owns the applications.
      - If not set, the environment variable E(TWILIO_ACCOUNT_SID) is used.
    type: str
    required: true
  auth_token:
    description:
      - The account's Auth Token, used with O(account_sid) for HTTP basic authentication.
      - If not set, the environment variable E(TWILIO_AUTH_TOKEN) is used.
      - One of O(auth_token) or O(api_key) with O(api_secret) is required.
    type: str
  api_key:
    description:
      - An API Key SID (C(SK...)) to authenticate with instead of the Auth Token; requires O(api_secret).
      - If not set, the environment variable E(TWILIO_API_KEY) is used.
    type: str
  api_secret:
    description:
      - The secret of O(api_key).
      - If not set, the environment variable E(TWILIO_API_SECRET) is used.
    type: str
  api_url:
    description:
      - Base URL of the Twilio REST API. Point it at the provider sandbox (for example V(http://127.0.0.1:8765))
        to run against a local stand-in.
      - If not set, the environment variable E(TWILIO_API_URL) is used, else V(https://api.twilio.com).
    type: str
    default: https://api.twilio.com
"""
