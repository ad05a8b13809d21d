# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Vobiz credentials and API endpoint, shared by the Vobiz modules.
    DOCUMENTATION = r"""
options:
  auth_id:
    description:
      - The account's Auth ID (for example C(MA_XXXXXXXX)), sent in the C(X-Auth-ID) header and part
        of every API path.
      - If not set, the environment variable E(VOBIZ_AUTH_ID) is used.
    type: str
    required: true
  auth_token:
    description:
      - The account's Auth Token, sent in the C(X-Auth-Token) header. It never appears in any output.
      - If not set, the environment variable E(VOBIZ_AUTH_TOKEN) is used.
    type: str
    required: true
  api_url:
    description:
      - Base URL of the Vobiz REST API, up to and including the version (C(/api/v1)). Point it at the
        provider sandbox (for example V(http://127.0.0.1:8765/api/v1)) to run against a local stand-in.
      - If not set, the environment variable E(VOBIZ_API_URL) is used, else V(https://api.vobiz.ai/api/v1).
    type: str
    default: https://api.vobiz.ai/api/v1
"""
