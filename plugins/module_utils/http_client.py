# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
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
import errno
import json
import threading
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

    def __init__(self, provider, method, path, status=None, code=None, provider_message=None, outcome_unknown=False, details=None,
                 temporary=None):
        self.provider = provider
        self.method = method
        self.path = path
        self.status = status
        self.code = code
        self.provider_message = provider_message
        self.outcome_unknown = outcome_unknown
        self.details = details
        # None: decided by the status (no answer, 429 and 5xx are temporary).
        self.temporary = temporary
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
        elif self.is_temporary:
            text += " [a temporary fault: the task is safe to run again once the provider answers]"
        return text

    @property
    def is_temporary(self):
        if self.temporary is not None:
            return self.temporary
        return self.status is None or self.status == 429 or self.status in RETRYABLE_STATUSES


class ForeignAnswer(ProviderError):
    """An answer that does not look like the provider's (an HTML page, a proxy, another API).

    Nothing is written after such an answer: whatever was read from that server cannot be trusted.
    """


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


def url_without_credentials(url):
    """A URL with any user:password@ taken out (for messages)."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return parts._replace(netloc=netloc).geturl()


def host_and_port(url):
    """``host:port`` of a URL, the scheme's default port filled in (for messages)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        port = 443 if parts.scheme == "https" else 80
    host = parts.hostname or "?"
    return "[%s]:%s" % (host, port) if ":" in host else "%s:%s" % (host, port)


def _causes(exc):
    """``exc`` and every exception it wraps (requests -> urllib3 -> socket/ssl)."""
    seen = []
    pending = [exc]
    while pending:
        current = pending.pop(0)
        if any(current is known for known in seen):
            continue
        seen.append(current)
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None)] + list(getattr(current, "args", ()))
        pending.extend(item for item in linked if isinstance(item, BaseException))
    return seen


def connection_failure(exc):
    """(kind of failure in words, whether it may pass by itself) for a requests exception."""
    causes = _causes(exc)
    names = " ".join(type(cause).__name__ for cause in causes)
    tls = [cause for cause in causes if "SSL" in type(cause).__name__ or "Certificate" in type(cause).__name__]
    dropped = "SSLEOFError" in names or "SSLZeroReturnError" in names  # the connection closed: not a TLS verdict
    if tls and not dropped:
        # A certificate or protocol mismatch does not go away by asking again.
        return "TLS error (certificate or protocol: %s)" % str(tls[-1])[:300], False
    for cause in causes:
        if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED:
            return "connection refused", True
    if "NameResolution" in names or "gaierror" in names:
        return "host name not resolved", True
    if requests is not None and isinstance(exc, requests.exceptions.Timeout):
        return "no answer in time (read timeout)", True
    return "no answer (%s)" % type(exc).__name__, True


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
        # A 429's Retry-After holds every request sent through this client (several threads
        # may share it): the provider asked the caller, not one request, to slow down.
        self._held_until = 0.0
        self._lock = threading.Lock()
        self._local = threading.local()

    def url(self, path):
        if path.startswith("http://") or path.startswith("https://"):
            return path
        return urljoin(self.base_url, path.lstrip("/"))

    def _wait(self, attempt, response=None):
        delay = None
        if response is not None:
            delay = parse_retry_after(response.headers.get("Retry-After"))
            if delay is not None and response.status_code == 429:
                until = time.monotonic() + min(delay, MAX_RETRY_WAIT)
                with self._lock:
                    self._held_until = max(self._held_until, until)
                self._local.waited_until = until  # this thread waits it out right here
        if delay is None:
            delay = self.backoff_base * (2 ** attempt)
        self.sleep(min(delay, MAX_RETRY_WAIT))

    def _hold(self):
        """Wait out a Retry-After another request of this client was given."""
        held_until = self._held_until
        if held_until <= getattr(self._local, "waited_until", 0.0):
            return
        self._local.waited_until = held_until
        remaining = held_until - time.monotonic()
        if remaining > 0:
            self.sleep(min(remaining, MAX_RETRY_WAIT))

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
            self._hold()
            with self._lock:
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
                raise ProviderError(self.provider, method, shown_path,
                                    provider_message="connection to %s timed out (%s)" % (host_and_port(url), type(exc).__name__)) from exc
            except requests.exceptions.RequestException as exc:
                kind, temporary = connection_failure(exc)
                message = "%s talking to %s" % (kind, host_and_port(url))
                if not temporary:
                    # Retrying cannot help, and a TLS failure happens before anything is sent.
                    raise ProviderError(self.provider, method, shown_path, provider_message=message + " (not retried)",
                                        temporary=False) from exc
                refused = kind == "connection refused"  # nothing reached the server: no create can have happened
                if (idempotent or refused) and attempt < self.max_retries:
                    self._wait(attempt)
                    attempt += 1
                    continue
                raise ProviderError(self.provider, method, shown_path, provider_message=message,
                                    outcome_unknown=not idempotent and not refused) from exc
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

    # ---- answers: one check that an answer is the provider's, for every adapter ----------
    def request_json(self, method, path, expected=(200,), absent=(), check=None, **kwargs):
        """Send a request whose answer must be a JSON object; return (status, body).

        ``absent`` lists statuses that mean "nothing there" (a 404 of a get): their body
        must still be the provider's JSON error, never a page from something else; body is
        then None. ``check(body)`` returns what is missing from a body of the right type
        (a message) or None. Any other answer raises ForeignAnswer.
        """
        response = self.request(method, path, expected=tuple(expected) + tuple(absent), **kwargs)
        status = response.status_code
        self._check_content_type(response, method, path, "json", "a JSON")
        try:
            body = json.loads(response.content.decode(response.encoding or "utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise self.foreign(response, method, path, "the body is not valid JSON (%s)" % exc) from None
        if not isinstance(body, dict):
            raise self.foreign(response, method, path, "the body is a JSON %s, not an object" % type(body).__name__)
        if status in absent:
            return status, None
        problem = check(body) if check is not None else None
        if problem:
            raise self.foreign(response, method, path, problem)
        return status, body

    def request_xml(self, method, path, parse, expected=(200,), absent=(), **kwargs):
        """Send a request whose answer must be XML; return (status, parse(body)).

        ``parse(bytes)`` raises ValueError for a body that is not the provider's document;
        a status in ``absent`` returns (status, None) once its body is XML.
        """
        response = self.request(method, path, expected=tuple(expected) + tuple(absent), **kwargs)
        status = response.status_code
        self._check_content_type(response, method, path, "xml", "an XML")
        if status in absent:
            return status, None
        try:
            return status, parse(response.content)
        except ValueError as exc:
            raise self.foreign(response, method, path, str(exc)) from None

    def _check_content_type(self, response, method, path, kind, article):
        content_type = (response.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
        if kind not in content_type:
            what = "an HTML page" if "html" in content_type else "a body of type %s" % (content_type or "unknown")
            raise self.foreign(response, method, path, "the answer is %s, not %s %s API answer" % (what, article, self.provider))

    def foreign(self, response, method, path, problem):
        """The one error for an answer that is not the provider's: provider, method, URL and api_url named."""
        return ForeignAnswer(
            self.provider, method, url_without_credentials(self.url(path)), status=response.status_code, temporary=False,
            provider_message="%s. Is api_url (%s) the %s API? Nothing was written after this answer."
            % (problem, url_without_credentials(self.base_url.rstrip("/")), self.provider))

    def _parse_error(self, response):
        try:
            return self.error_parser(response)
        except Exception:  # noqa: BLE001 - a malformed error body must still give an error
            return None, (response.text or "")[:500] or None
