# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""ProviderEntry: what the rest of the project needs to know of one provider, standard library only.

Each provider's package (``_providers/<name>/__init__.py``) builds one ``ENTRY`` from its own
files; ``_registry.py`` lists them. Consumers (``callback_check``, the ``application_drift``
filter, the sandbox, the receiver) ask an entry instead of keeping their own if/elif or dicts.
"""

from __future__ import annotations


class ProviderEntry(object):
    """One provider.

    ``name``: the word in module names, playbooks and configs (``twilio``).
    ``title``: the provider's name in messages (``Twilio``).
    ``callbacks(application)``: the :class:`~.common.Callback` list of a normalised application.
    ``id_keys``: keys that may hold an application's id, in order of preference.
    ``events``: event type -> (kind, document factory); kind "form" or "json".
    ``user_agent``: what the provider's requests say they are.
    ``json_content_type``: the Content-Type of its JSON events.
    ``sign(prepared, secret, api_key=None, application_id=None, now=None)``: adds the
    signature headers to a :class:`~.common.PreparedEvent`; None when the provider does not sign.
    ``verify(secret, request)``: (Verdict, details) for a received request (attributes method,
    url, headers, body, content_type); None when the provider does not sign.
    ``signature_description``: how its signature travels, for people (None: it does not sign).
    ``answer_document``: (content type, body) a receiver answers an answer callback with.
    ``signature_in_authorization``: whether the signature travels in the ``Authorization`` header
    (Vonage's JWT), so that no basic-auth credentials can be sent with it.
    ``challenge_first``: whether it sends basic-auth credentials only after a 401 challenge.
    ``firing_timeout``: seconds it waits for an answer to a callback by default.
    ``check_secret(secret)``: None when ``secret`` can be an endpoint's verification secret, else what is
    wrong with it (Telnyx: a base64 Ed25519 public key); None when any non-empty string will do.
    ``verification_secret(signing_secret)``: for providers that sign with a key pair (Telnyx), the
    public half a receiver verifies with, from the private key a signer holds (ValueError for a key
    that is not one); None for providers whose signer and verifier share one secret.
    ``wrong_secret``: a secret of the right form that is not the real one (signs the probe that must
    be refused); None: any wrong string will do.
    ``adapter_module()``: imports and returns the provider's ``adapter`` module (the Ansible
    side: ``ADAPTER``, ``APPLICATION_ARGUMENT_SPEC``, ``AUTH_ARGUMENT_SPEC``...); called only by
    Ansible code, never by the sandbox or the receiver.
    """

    __slots__ = ("name", "title", "callbacks", "id_keys", "events", "user_agent", "json_content_type", "sign", "verify",
                 "signature_description", "signature_in_authorization", "answer_document", "challenge_first", "firing_timeout",
                 "adapter_module", "check_secret", "verification_secret", "wrong_secret")

    def __init__(self, name, title, callbacks, id_keys, events, user_agent, adapter_module, answer_document,
                 json_content_type="application/json", sign=None, verify=None, signature_description=None,
                 signature_in_authorization=False, challenge_first=False, firing_timeout=10.0, check_secret=None,
                 verification_secret=None, wrong_secret=None):
        self.name = name
        self.title = title
        self.callbacks = callbacks
        self.id_keys = tuple(id_keys)
        self.events = dict(events)
        self.user_agent = user_agent
        self.json_content_type = json_content_type
        self.sign = sign
        self.verify = verify
        self.signature_description = signature_description
        self.signature_in_authorization = signature_in_authorization
        self.answer_document = answer_document
        self.challenge_first = challenge_first
        self.firing_timeout = float(firing_timeout)
        self.adapter_module = adapter_module
        self.check_secret = check_secret
        self.verification_secret = verification_secret
        self.wrong_secret = wrong_secret

    @property
    def key_pair(self):
        """Whether it signs with a private key whose public half verifies (else a shared secret)."""
        return self.verification_secret is not None

    @property
    def signs(self):
        """Whether the provider signs its callbacks (else it relies on basic auth)."""
        return self.sign is not None

    def __repr__(self):
        return "ProviderEntry(%r)" % self.name
