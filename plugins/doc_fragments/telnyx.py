# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Telnyx credentials and API endpoint, shared by the Telnyx modules.
    DOCUMENTATION = r"""
options:
  api_key:
    description:
      - A Telnyx API v2 key, sent as the bearer token of the C(Authorization) header. It never appears in any output.
      - If not set, the environment variable E(TELNYX_API_KEY) is used.
    type: str
    required: true
  api_url:
    description:
      - Base URL of the Telnyx API, up to and including the version (C(/v2)). Point it at the provider
        sandbox (for example V(http://127.0.0.1:8765/v2)) to run against a local stand-in.
      - If not set, the environment variable E(TELNYX_API_URL) is used, else V(https://api.telnyx.com/v2).
    type: str
    default: https://api.telnyx.com/v2
"""
