# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Options of the shared HTTP layer, common to every API-backed module.
    DOCUMENTATION = r"""
options:
  timeout:
    description:
      - Seconds to wait for the provider to connect and to answer each request. Greater than 0 and at
        most 3600.
    type: float
    default: 30
  max_retries:
    description:
      - How many times a request is retried after a rate limit (HTTP 429, waiting as long as the
        provider's C(Retry-After) header says) and, for requests that are safe to repeat, after a
        5xx answer or a connection fault (a refused connection is retried for every request, since
        nothing reached the provider). Between 0 and 10.
      - A TLS failure (certificate or protocol) is not temporary and is never retried; the error names
        the host and port and the kind of failure.
      - A create is never repeated blindly. When its outcome is unknown (a 5xx answer or a lost
        connection), the module first looks the application up by name and only creates it again
        when it is not there, so a fault never leaves two applications where one was asked for.
    type: int
    default: 3
  validate_certs:
    description:
      - Whether to verify the provider's TLS certificate.
    type: bool
    default: true
notes:
  - A credential option given as an empty string (for example a CI secret that was not set) is refused
    before any request, naming the option and its environment variable.
  - Every answer must look like the provider's (its content type and the shape of an application or a
    page of applications). Anything else, such as an HTML page from a proxy or a wrong O(api_url), fails
    the task naming the provider, the request and O(api_url), and nothing is written to that server.
  - Proxies and C(~/.netrc) credentials from the environment are not used; the module's own options are
    the only source of credentials.
"""
