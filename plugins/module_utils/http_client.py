# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP layer shared by every provider client.

One place decides timeouts, retries and how a provider's refusal becomes an error:
- 429 is retried for every verb (the provider refused the request, nothing was
  applied), honouring ``Retry-After``;
- 5xx answers and connection faults are retried only for idempotent requests;
- a non-idempotent request (a create) that fails that way raises a
  ``ProviderError`` with ``outcome_unknown=True``: the caller must look before it
  tries again, or it could create a duplicate.
"""

from __future__ import annotations

import email.utils
import time

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # reported by the module with missing_required_lib
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

from urllib.parse import urljoin, urlsplit

IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "PUT", "DELETE", "OPTIONS"))
RETRYABLE_STATUSES = frozenset((500, 502, 503, 504))
MAX_RETRY_WAIT = 60.0
USER_AGENT = "cpaas.callbacks-ansible"


class ProviderError(Exception):
    """A request the provider refused or that could not complete.

    ``status`` is the HTTP status (None when no answer arrived), ``code`` and
    ``provider_message`` are the provider's own error code and words.
    ``outcome_unknown`` is true when the request may have been applied although
    no success answer arrived (5xx or connection fault on a non-idempotent call).
    """

    def __init__(self, provider, method, path, status=None, code=None, provider_message=None, outcome_unknown=False, details=None):
        self.provider = provider
        self.method = method
        self.path = path
        self.status = status
        self.code = code
        self.provider_message = provider_message
        self.outcome_unknown = outcome_unknown
        self.details = details
        super().__init__(self.describe())

    def describe(self):
        if self.status is None:
            what = "failed without an answer"
        else:
            what = "answered HTTP %s" % self.status
        text = "%s API: %s %s %s" % (self.provider, self.method, self.path, what)
        if self.code not in (None, ""):
            text += " (error code %s)" % self.code
        if self.provider_message:
            text += ": %s" % self.provider_message
        if self.outcome_unknown:
            text += (" [the request may have been applied; not retried blindly: run the task again,"
                     " it looks for the application before it writes]")
        elif self.status is None or self.status == 429 or self.status in RETRYABLE_STATUSES:
            text += " [a temporary fault: the task is safe to run again once the provider answers]"
        return text


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def path_of(url):
    """The path and query of a URL, never its user info or host credentials."""
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


class HttpClient:
    """A small requests wrapper bound to one provider's base URL and credentials.

    ``error_parser(response) -> (code, message)`` extracts the provider's error
    code and message from a failed answer; it must not raise.
    """

    def __init__(self, provider, base_url, auth=None, headers=None, timeout=30, max_retries=3,
                 validate_certs=True, error_parser=None, sleep=time.sleep, backoff_base=0.5):
        self.provider = provider
        self.base_url = base_url.rstrip("/") + "/"
        self.timeout = timeout
        self.max_retries = max_retries
        self.error_parser = error_parser or (lambda response: (None, response.text[:500] if response.text else None))
        self.sleep = sleep
        self.backoff_base = backoff_base
        self.session = requests.Session()
        self.session.auth = auth
        self.session.verify = validate_certs
        self.session.headers["User-Agent"] = USER_AGENT
        if headers:
            self.session.headers.update(headers)
        # requests would otherwise pick up credentials from ~/.netrc and proxies from the
        # environment; the module's own options must be the only source of credentials.
        self.session.trust_env = False
        self.reads = 0
        self.writes = 0

    def url(self, path):
        if path.startswith("http://") or path.startswith("https://"):
            return path
        return urljoin(self.base_url, path.lstrip("/"))

    def _wait(self, attempt, response=None):
        delay = None
        if response is not None:
            delay = parse_retry_after(response.headers.get("Retry-After"))
        if delay is None:
            delay = self.backoff_base * (2 ** attempt)
        self.sleep(min(delay, MAX_RETRY_WAIT))

    def request(self, method, path, expected=(200,), idempotent=None, **kwargs):
        """Send one logical request, retrying where that is safe; return the response.

        ``idempotent`` defaults to the HTTP verb's nature; pass True for a POST that
        sets fields (Twilio and Vobiz updates) and False for a create.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        url = self.url(path)
        shown_path = path_of(url)
        kwargs.setdefault("timeout", self.timeout)
        attempt = 0
        while True:
            if method in ("GET", "HEAD"):
                self.reads += 1
            else:
                self.writes += 1
            try:
                response = self.session.request(method, url, **kwargs)
            except requests.exceptions.ConnectTimeout as exc:
                # Nothing reached the provider: safe to retry for every verb.
                if attempt < self.max_retries:
                    self._wait(attempt)
                    attempt += 1
                    continue
                raise ProviderError(self.provider, method, shown_path, provider_message="connection timed out (%s)" % type(exc).__name__) from exc
            except requests.exceptions.RequestException as exc:
                if idempotent and attempt < self.max_retries:
                    self._wait(attempt)
                    attempt += 1
                    continue
                raise ProviderError(self.provider, method, shown_path,
                                    provider_message="no answer (%s)" % type(exc).__name__,
                                    outcome_unknown=not idempotent) from exc
            status = response.status_code
            if status in expected:
                return response
            retry = status == 429 or (status in RETRYABLE_STATUSES and idempotent)
            if retry and attempt < self.max_retries:
                self._wait(attempt, response)
                attempt += 1
                continue
            code, message = self._parse_error(response)
            raise ProviderError(self.provider, method, shown_path, status=status, code=code, provider_message=message,
                                outcome_unknown=(status in RETRYABLE_STATUSES and not idempotent))

    def _parse_error(self, response):
        try:
            return self.error_parser(response)
        except Exception:  # noqa: BLE001 - a malformed error body must still give an error
            return None, (response.text or "")[:500] or None
