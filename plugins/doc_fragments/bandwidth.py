# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Bandwidth Dashboard API credentials and endpoint, shared by the Bandwidth modules.
    DOCUMENTATION = r"""
options:
  username:
    description:
      - The user name of a Bandwidth Dashboard API user, used for HTTP basic authentication.
      - If not set, the environment variable E(BW_USERNAME) is used.
    type: str
    required: true
  password:
    description:
      - The password of the Dashboard API user O(username).
      - If not set, the environment variable E(BW_PASSWORD) is used.
    type: str
    required: true
  account_id:
    description:
      - The Bandwidth account id that owns the applications.
      - If not set, the environment variable E(BW_ACCOUNT_ID) is used.
    type: str
    required: true
  api_url:
    description:
      - Base URL of the Bandwidth Dashboard API; application paths
        (C(accounts/{account_id}/applications)) are appended to it.
      - Point it at the provider sandbox (for example V(http://127.0.0.1:8765/api)) to run against a local stand-in.
      - If not set, the environment variable E(BW_API_URL) is used, else V(https://dashboard.bandwidth.com/api).
    type: str
    default: https://dashboard.bandwidth.com/api
requirements:
  - lxml
  - requests
"""
