# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""callback_check: prove that every callback of an application works.

For each callback the application has (see ``webhooks.payloads.callbacks``):

1. when the callback has credentials, send the event with none, then with a wrong
   password, and expect a refusal (401/403; for Twilio and Bandwidth a 401 with a
   ``WWW-Authenticate: Basic`` challenge, without which they never send credentials);
2. send the event as the provider would (method, credentials, signature, payload) and
   expect the answer the provider needs (TwiML, BXML, NCCO, Vobiz XML, or any 2xx);
3. with a receiver, ask it what arrived, so the verdict also comes from the
   receiving side.

Every synthetic request carries ``X-Cpaas-Callback-Check: <run id>``.
"""

from __future__ import annotations

import time
import uuid

from urllib.parse import urlsplit

from ansible_collections.cpaas.callbacks.plugins.module_utils import _registry
from ansible_collections.cpaas.callbacks.plugins.module_utils.deadline_http import Deadline, deadline_adapter
from ansible_collections.cpaas.callbacks.plugins.module_utils.http_client import HAS_REQUESTS, requests
from ansible_collections.cpaas.callbacks.plugins.module_utils.masking import MASK, encoded_forms, mask_url_password, scrub
from ansible_collections.cpaas.callbacks.plugins.module_utils.webhooks import payloads

CHECK_HEADER = "X-Cpaas-Callback-Check"
USER_AGENT_SUFFIX = " cpaas.callbacks-callback_check"
WRONG_PASSWORD = "callback-check-wrong-password"  # noqa: S105 - deliberately wrong, sent to prove refusal
WRONG_SECRET = "callback-check-wrong-signing-secret"  # noqa: S105 - signs the probe that must be refused
REFUSAL_STATUSES = (401, 403)

# Kinds of failure a check reports (result "problems" and each check's "failure").
UNREACHABLE = "unreachable"
TIMEOUT = "timeout"
STATUS = "bad_status"
WRONG_BODY = "wrong_body"
ACCEPTS_MISSING = "accepts_missing_credentials"
ACCEPTS_WRONG = "accepts_wrong_credentials"
ACCEPTS_BAD_SIGNATURE = "accepts_bad_signature"
NO_CHALLENGE = "no_challenge"
NO_PASSWORD = "no_password"  # noqa: S105 - a failure kind, not a password
NOT_RECEIVED = "not_received_by_receiver"
RECEIVER_REJECTED = "rejected_by_receiver"
RECEIVER_ERROR = "receiver_error"


PROBE_WORDS = {"no_credentials": "no credentials", "wrong_credentials": "a wrong password", "wrong_signature": "a wrong signature"}


class CheckInputError(Exception):
    """The module input cannot be checked; raised before any request."""


class MissingLibrary(Exception):
    """A Python package the input needs is not installed (its name is the message)."""


def signing_material(params):
    """(signing secret, what a receiver verifies with) from signing_secret or signing_key; raises CheckInputError.

    Providers that sign with a shared secret take O(signing_secret); providers that sign with a key
    pair (Telnyx: Ed25519) take O(signing_key), the private key, and a receiver gets its public half."""
    entry = _registry.entry(params["provider"])
    key_pair_providers = ", ".join(name for name in _registry.NAMES if _registry.entry(name).key_pair)
    secret, key = params.get("signing_secret"), params.get("signing_key")
    if not entry.key_pair:
        if key:
            raise CheckInputError("signing_key is the private key of providers that sign with a key pair (%s); %s signs with a "
                                  "shared secret: give signing_secret" % (key_pair_providers, entry.title))
        return secret, secret
    if secret:
        raise CheckInputError("%s signs webhooks with a key pair: give signing_key (the private key whose public key the "
                              "receiver holds), not signing_secret" % entry.title)
    if not key:
        return None, None
    try:
        return key, entry.verification_secret(key)
    except ImportError:
        raise MissingLibrary("cryptography") from None
    except ValueError as exc:
        raise CheckInputError("signing_key: %s" % exc) from None


def _ms(seconds):
    return round(seconds * 1000.0, 1)


class Sender(object):
    """Sends one prepared event and describes what came back (never raises on HTTP faults).

    ``timeout`` is a deadline for the whole exchange (connecting, sending, and reading the
    whole answer), not for each read: an endpoint that answers one byte a second fails."""

    def __init__(self, connect_timeout, timeout, validate_certs):
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = validate_certs
        adapter = deadline_adapter()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.timeout = timeout
        self.timeouts = (min(connect_timeout, timeout), timeout)

    def send(self, prepared, auth=None, extra_headers=None):
        headers = dict(prepared.headers)
        headers.update(extra_headers or {})
        started = time.monotonic()
        with Deadline(self.timeout) as deadline:
            try:
                response = self.session.request(prepared.method, prepared.url, data=prepared.body or None, headers=headers,
                                                auth=auth, timeout=self.timeouts, allow_redirects=False, stream=True)
                body = response.raw.read(payloads.MAX_ANSWER_BYTES + 1, decode_content=True) if response.raw else b""
                response.close()
            except requests.exceptions.Timeout as exc:
                return self._timed_out(type(exc).__name__, started)
            except requests.exceptions.RequestException as exc:
                if deadline.expired:
                    return self._timed_out(type(exc).__name__, started)
                return {"status": None, "failure": UNREACHABLE, "error": "could not connect (%s)" % type(exc).__name__,
                        "latency_ms": _ms(time.monotonic() - started)}
            except Exception as exc:  # pylint: disable=broad-exception-caught
                # a read cut short by the deadline surfaces as whatever the HTTP stack raises then
                if deadline.expired:
                    return self._timed_out(type(exc).__name__, started)
                raise
        if deadline.expired:
            return self._timed_out("the answer was cut off", started)
        return {
            "status": response.status_code,
            "content_type": response.headers.get("Content-Type"),
            "challenge": response.headers.get("WWW-Authenticate"),
            "body": body,
            "receiver_event_id": response.headers.get("X-Receiver-Event-Id"),
            "latency_ms": _ms(time.monotonic() - started),
        }

    def _timed_out(self, why, started):
        return {"status": None, "failure": TIMEOUT,
                "error": "no complete answer within the timeout of %s s for the whole request (%s)" % (self.timeout, why),
                "latency_ms": _ms(time.monotonic() - started)}


def _short(body, secrets=(), limit=200):
    """The start of an answer for a message; every form of a secret masked before it is cut,
    so a quote cut in the middle of one shows none of it."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
    text = scrub(text, secrets)
    return text if len(text) <= limit else text[:limit] + "..."


class CallbackChecker(object):
    """Runs the checks for one application; ``params`` are the module's parameters."""

    def __init__(self, params, check_mode=False, sender=None):
        self.params = params
        self.provider = params["provider"]
        self.check_mode = check_mode
        self.run_id = uuid.uuid4().hex
        self.sender = sender
        self.receiver = None
        self._configured = None
        # every form of every secret this run knows (an endpoint may echo what it was sent)
        self.secret_forms = set()
        for option in ("callback_password", "signing_secret", "signing_key", "receiver_token"):
            self.secret_forms |= encoded_forms(params.get(option))
        self.entry = _registry.entry(self.provider)
        self.signing_secret, self.verification_secret = signing_material(params)
        if params.get("receiver_url"):
            self.receiver = ReceiverClient(params["receiver_url"], params.get("receiver_token"),
                                           params.get("timeout") or 10, params.get("validate_certs", True))

    @property
    def wrong_secret(self):
        return self.entry.wrong_secret or WRONG_SECRET

    # ---- input ---------------------------------------------------------------
    def selected_callbacks(self):
        try:
            found = payloads.callbacks(self.provider, self.params["application"])
        except ValueError as exc:
            raise CheckInputError("application: %s" % exc) from None
        wanted = self.params.get("callbacks")
        if wanted:
            names = [cb.name for cb in found]
            unknown = [name for name in wanted if name not in names]
            if unknown:
                raise CheckInputError("callbacks: %s not configured on this application; it has: %s"
                                      % (", ".join(unknown), ", ".join(names) or "no callbacks"))
            found = [cb for cb in found if cb.name in wanted]
        overrides = self.params.get("event_overrides") or {}
        known = payloads.event_types(self.provider)
        for name, event in overrides.items():
            if event not in known:
                raise CheckInputError("events: %r for %s is not a %s event type; known: %s" % (event, name, self.provider, ", ".join(known)))
        return found

    def configured_credentials(self, callback):
        """(user, password) of the same callback in ``configured`` (the options it was set with), else None."""
        configured = self.params.get("configured")
        if not configured:
            return None
        if self._configured is None:
            try:
                self._configured = dict((cb.name, cb) for cb in payloads.callbacks(self.provider, configured))
            except ValueError:
                self._configured = {}
        if callback.credentials_key:
            creds = payloads.normalise(configured).get(callback.credentials_key)
            if isinstance(creds, dict) and creds.get("password") not in (None, "", MASK):
                return creds.get("user_id") or creds.get("username"), creds["password"]
        same = self._configured.get(callback.name)
        in_url = payloads.url_credentials(same.url) if same is not None else None
        if in_url and in_url[1] not in (None, MASK):
            return in_url
        return None

    def credentials_for(self, callback):
        """(username, password) this callback is configured with; password None when unknown; None without credentials."""
        given = self.params.get("callback_credentials") or {}
        entry = None
        for key in (callback.name, callback.credentials_key, "default"):
            if key and isinstance(given.get(key), dict):
                entry = given[key]
                break
        entry = entry or {}
        in_url = payloads.url_credentials(callback.url)
        username = entry.get("username") or entry.get("user_id") or (in_url[0] if in_url else None) or callback.username
        if not username:
            return None
        password = entry.get("password")
        if password is None and in_url and in_url[1] not in (None, MASK):
            password = in_url[1]
        if password is None:
            configured = self.configured_credentials(callback)
            if configured and configured[0] == username:
                password = configured[1]
        if password is None:
            password = self.params.get("callback_password")
        self.secret_forms |= encoded_forms(password, username)
        return username, password

    def event_for(self, callback, url, secret=None):
        context = {"application_id": payloads.application_id(self.provider, self.params["application"])}
        app = payloads.normalise(self.params["application"])
        # The account an event names (Twilio's AccountSid); builders of other providers do not read it.
        context["account_sid"] = app.get("account_sid")
        event = (self.params.get("event_overrides") or {}).get(callback.name)
        try:
            prepared = payloads.build_event(self.provider, event or callback.event, url, callback.method, context)
        except ValueError as exc:
            raise CheckInputError("events: %s (callback %s)" % (exc, callback.name)) from None
        secret = secret or self.signing_secret
        if secret and callback.signed:
            payloads.sign_event(prepared, secret, api_key=self.params.get("api_key"), application_id=context["application_id"])
        return prepared

    # ---- checks --------------------------------------------------------------
    def run(self):
        callbacks = self.selected_callbacks()
        if self.receiver and not self.check_mode:
            self.receiver.register(self, callbacks)
        results = [self.check_one(callback) for callback in callbacks]
        failed = [r for r in results if r["outcome"] == "failed"]
        return {
            "run_id": self.run_id,
            "results": results,
            # Not "failed"/"passed": Ansible reads a result's "failed" key as the task's own failure.
            "callbacks_failed": len(failed),
            "callbacks_passed": len([r for r in results if r["outcome"] == "passed"]),
            "summary": self.summary(results),
        }

    def summary(self, results):
        lines = []
        for result in results:
            if result["outcome"] == "failed":
                lines.append("%s %s: FAILED (%s)" % (result["name"], result["url"], "; ".join(result["problems"])))
            elif result["outcome"] == "would_send":
                lines.append("%s %s: would send %d request(s)" % (result["name"], result["url"], len(result["checks"])))
            else:
                refused = [PROBE_WORDS[c["check"]] for c in result["checks"] if c["check"] in PROBE_WORDS]
                receiver = [c for c in result["checks"] if c["check"] == "receiver"]
                lines.append("%s %s: ok (%s ms%s%s)" % (
                    result["name"], result["url"], result["latency_ms"],
                    "; refused " + ", ".join(refused) if refused else "",
                    "; confirmed by the receiver" if receiver else ""))
        return lines

    def check_one(self, callback):
        url = payloads.url_without_credentials(callback.url)
        creds = self.credentials_for(callback)
        if self.entry.signature_in_authorization and callback.signed and self.signing_secret:
            creds = None  # the signature takes the Authorization header (Vonage's JWT): no basic auth besides
        result = {
            "name": callback.name,
            "url": mask_url_password(callback.url),
            "method": callback.method,
            "event": callback.event,
            "expected": payloads.ANSWER_DESCRIPTIONS[callback.answer],
            "credentials": {"username": creds[0], "password": MASK if creds[1] else None} if creds else None,
            "signed": bool(callback.signed and self.signing_secret),
            "checks": [],
            "problems": [],
            "latency_ms": None,
        }
        plan = []
        if creds and self.params.get("check_refusal", True):
            plan.append(("no_credentials", None))
            plan.append(("wrong_credentials", (creds[0], WRONG_PASSWORD)))
        if result["signed"] and self.params.get("check_signature_refusal"):
            plan.append(("wrong_signature", creds))
        plan.append(("event", creds))

        if self.check_mode:
            for name, auth in plan:
                prepared = self.event_for(callback, url, self.wrong_secret if name == "wrong_signature" else None)
                entry = {"check": name, "would_send": prepared.summary()}
                entry["would_send"]["url"] = mask_url_password(prepared.url)
                entry["would_send"]["basic_auth_user"] = auth[0] if auth else None
                result["checks"].append(entry)
            result["outcome"] = "would_send"
            return result

        if creds and creds[1] is None:
            result["problems"].append("%s: user %r has no password here; give callback_credentials.%s.password (or callback_password)"
                                      % (NO_PASSWORD, creds[0], callback.credentials_key or callback.name))
            result["outcome"] = "failed"
            return result

        if self.receiver and callback.name in self.receiver.errors:
            # the receiver does not expect this callback: what it answers would only mislead (a 404)
            result["problems"].append("%s: %s" % (RECEIVER_ERROR, self.receiver.errors[callback.name]))
            result["outcome"] = "failed"
            return result

        sent = []
        for name, auth in plan:
            prepared = self.event_for(callback, url, self.wrong_secret if name == "wrong_signature" else None)
            answer = self.sender.send(prepared, auth=auth, extra_headers={CHECK_HEADER: self.run_id})
            sent.append((name, answer.get("receiver_event_id")))
            check = self.judge(callback, name, answer)
            check["detail"] = scrub(check["detail"], self.secret_forms)
            result["checks"].append(check)
            if name == "event":
                result["latency_ms"] = answer["latency_ms"]
            if not check["ok"]:
                result["problems"].append("%s: %s" % (check["failure"], check["detail"]))
                if check["failure"] in (UNREACHABLE, TIMEOUT):
                    break  # the endpoint is not there: the other checks would say the same
        if self.receiver and not result["problems"]:
            check = self.receiver.verdict(callback, url, sent)
            if check is not None:
                result["checks"].append(check)
                if not check["ok"]:
                    result["problems"].append("%s: %s" % (check["failure"], check["detail"]))
        result["outcome"] = "failed" if result["problems"] else "passed"
        return result

    def judge(self, callback, name, answer):
        check = {"check": name, "status": answer["status"], "latency_ms": answer["latency_ms"]}
        if answer["status"] is None:
            check.update(ok=False, failure=answer["failure"], detail=answer["error"])
            return check
        status = answer["status"]
        if name == "event":
            check["expected"] = payloads.ANSWER_DESCRIPTIONS[callback.answer]
            ok, reason = payloads.check_answer(callback.answer, status, answer["content_type"], answer["body"])
            if ok:
                check.update(ok=True, detail=reason)
            elif 200 <= status < 300:
                check.update(ok=False, failure=WRONG_BODY, detail="%s; the answer began: %r" % (reason, _short(answer["body"], self.secret_forms)))
            else:
                check.update(ok=False, failure=STATUS, detail=reason)
            return check
        check["expected"] = "a refusal (HTTP 401 or 403)"
        if status in REFUSAL_STATUSES:
            challenge = (answer.get("challenge") or "").strip().lower()
            # A provider that sends credentials only after a 401 challenge (Twilio, Bandwidth) needs that challenge.
            if _registry.entry(self.provider).challenge_first and name == "no_credentials" and not (status == 401 and challenge.startswith("basic")):
                check.update(ok=False, failure=NO_CHALLENGE,
                             detail="HTTP %s without a 'WWW-Authenticate: Basic' challenge: %s never sends the credentials then"
                             % (status, _registry.entry(self.provider).title))
            else:
                check.update(ok=True, detail="refused with HTTP %s" % status)
            return check
        if 200 <= status < 300:
            failure, what = {
                "no_credentials": (ACCEPTS_MISSING, "no credentials"),
                "wrong_credentials": (ACCEPTS_WRONG, "a wrong password"),
                "wrong_signature": (ACCEPTS_BAD_SIGNATURE, "a wrong signature"),
            }[name]
            check.update(ok=False, failure=failure, detail="HTTP %s: the endpoint accepted a request with %s" % (status, what))
            return check
        check.update(ok=False, failure=STATUS, detail="HTTP %s where a refusal (401 or 403) was expected" % status)
        return check


class ReceiverClient(object):
    """The callback receiver's JSON API: register the endpoints a check expects, then read its verdicts."""

    def __init__(self, base_url, token, timeout, validate_certs):
        self.base = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = validate_certs
        if token:
            self.session.headers["Authorization"] = "Bearer " + token
        self.timeout = timeout
        self.registered = []
        self.errors = {}

    def path_of(self, url):
        """The receiver path of a callback URL, or None when the URL is not at this receiver."""
        base = urlsplit(self.base)
        target = urlsplit(url)
        if (target.scheme, target.hostname, target.port) != (base.scheme, base.hostname, base.port):
            return None
        prefix = base.path.rstrip("/")
        if prefix and not target.path.startswith(prefix + "/"):
            return None
        return target.path[len(prefix):] or "/"

    def register(self, checker, callbacks):
        for callback in callbacks:
            path = self.path_of(payloads.url_without_credentials(callback.url))
            if path is None:
                continue
            creds = checker.credentials_for(callback)
            body = {"path": path, "provider": checker.provider, "methods": [callback.method],
                    "kind": "answer" if callback.answer != payloads.ANSWER_ANY else "status"}
            if creds and creds[1]:
                body["basic_auth"] = {"username": creds[0], "password": creds[1]}
            if callback.signed and checker.verification_secret and checker.entry.signs:
                body["signing_secret"] = checker.verification_secret  # a key pair's public half, else the shared secret
            try:
                response = self.session.post(self.base + "/api/endpoints", json=body, timeout=self.timeout)
            except requests.exceptions.RequestException as exc:
                self.errors[callback.name] = "the receiver could not be reached (%s)" % type(exc).__name__
                continue
            if response.status_code == 401:
                self.errors[callback.name] = ("registration of %s at the receiver was refused with HTTP 401: receiver_token is %s"
                                              % (path, "wrong" if self.session.headers.get("Authorization") else "missing"))
                continue
            if response.status_code not in (200, 201, 204, 409):
                self.errors[callback.name] = "registration of %s at the receiver was refused with HTTP %s: %s" % (
                    path, response.status_code, _short(response.content, checker.secret_forms))
                continue
            self.registered.append(path)

    def event(self, event_id):
        response = self.session.get(self.base + "/api/events/%s" % event_id, timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def verdict(self, callback, url, sent):
        """The receiver's verdict on the requests ``sent`` [(check name, receiver event id)] to ``url``.

        The receiver names the event it recorded in ``X-Receiver-Event-Id``; each one is read
        back. The real event must be ``accepted`` and every probe refused.
        """
        if callback.name in self.errors:
            return {"check": "receiver", "ok": False, "failure": RECEIVER_ERROR, "detail": self.errors[callback.name]}
        path = self.path_of(url)
        if path is None:
            return None
        verdicts = []
        try:
            for name, event_id in sent:
                if event_id is None:
                    return {"check": "receiver", "ok": False, "failure": NOT_RECEIVED,
                            "detail": "the answer to the %s request did not come from the receiver (no X-Receiver-Event-Id)" % name}
                event = self.event(event_id)
                if event.get("path") != path:
                    return {"check": "receiver", "ok": False, "failure": NOT_RECEIVED,
                            "detail": "the receiver recorded the %s request at %s, not %s" % (name, event.get("path"), path)}
                verdicts.append((name, _event_verdict(event)))
        except (requests.exceptions.RequestException, ValueError) as exc:
            return {"check": "receiver", "ok": False, "failure": RECEIVER_ERROR, "detail": "asking the receiver failed (%s)" % type(exc).__name__}
        wrong = [(name, verdict) for name, verdict in verdicts if (verdict == "accepted") != (name == "event")]
        listing = ", ".join("%s: %s" % pair for pair in verdicts)
        if wrong:
            return {"check": "receiver", "ok": False, "failure": RECEIVER_REJECTED, "verdicts": dict(verdicts),
                    "detail": "the receiver's verdicts at %s were not 'accepted' for the event and a refusal for each probe (%s)" % (path, listing)}
        return {"check": "receiver", "ok": True, "verdicts": dict(verdicts), "detail": "the receiver recorded %s" % listing}


def _event_verdict(event):
    verdict = event.get("verdict")
    if isinstance(verdict, dict):
        verdict = verdict.get("result") or verdict.get("outcome")
    return str(verdict)


def run_checks(params, check_mode=False):
    """The module's result (without ``changed``/``failed``); raises CheckInputError."""
    if not HAS_REQUESTS:
        raise CheckInputError("requests is required")
    sender = Sender(params.get("connect_timeout") or params["timeout"], params["timeout"], params.get("validate_certs", True))
    return CallbackChecker(params, check_mode=check_mode, sender=sender).run()
