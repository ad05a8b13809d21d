# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Vonage credentials and API endpoint, shared by the Vonage modules.
    DOCUMENTATION = r"""
options:
  api_key:
    description:
      - The Vonage account's API key, used with O(api_secret) for HTTP basic authentication.
      - If not set, the environment variable E(VONAGE_API_KEY) is used.
    type: str
    required: true
  api_secret:
    description:
      - The account's API secret. It never appears in results or logs.
      - If not set, the environment variable E(VONAGE_API_SECRET) is used.
    type: str
    required: true
  api_url:
    description:
      - Base URL of the Vonage API; the module adds C(/v2/applications). Point it at the provider sandbox
        (for example V(http://127.0.0.1:8765)) to run against a local stand-in.
      - If not set, the environment variable E(VONAGE_API_URL) is used, else V(https://api.nexmo.com).
    type: str
    default: https://api.nexmo.com
"""
