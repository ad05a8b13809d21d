"""What each provider expects back from a callback.

Answer URLs get a document that tells the provider to do nothing more (an empty
TwiML / BXML / Vobiz XML ``<Response/>``, a one-action NCCO for Vonage); status and
event callbacks get an empty 204 (generic endpoints an empty 200).
"""

from __future__ import annotations

from cpaas_module_utils import _registry
from flask import Response

from .verification import challenge_header

# provider -> (content type, body) for answer endpoints: each registry entry's answer document
# (an empty TwiML / BXML / Vobiz XML <Response/>, Vonage's one-action NCCO).
ANSWERS = {entry.name: entry.answer_document for entry in _registry.PROVIDERS}


def accepted(endpoint):
    if endpoint.kind == "answer" and endpoint.provider in ANSWERS:
        content_type, body = ANSWERS[endpoint.provider]
        return Response(body, status=200, content_type=content_type)
    if endpoint.provider == "generic":
        return Response("", status=200, content_type="text/plain")
    return Response(status=204)


def refused(outcome, endpoint=None):
    messages = {
        401: "Unauthorized: credentials are missing or wrong.\n",
        403: "Forbidden: the request signature is missing or does not match.\n",
        404: "Not found: no endpoint is configured at this path.\n",
        400: "Bad request: the body is incomplete.\n",
        405: "Method not allowed.\n",
        408: "Request timeout: the body did not arrive in time.\n",
        413: "Payload too large.\n",
    }
    response = Response(messages.get(outcome.status, ""), status=outcome.status, content_type="text/plain; charset=utf-8")
    if outcome.status == 401:
        response.headers["WWW-Authenticate"] = challenge_header()
    if outcome.status == 405 and endpoint is not None:
        response.headers["Allow"] = ", ".join(endpoint.methods)
    return response


def answer(outcome, endpoint):
    if outcome.verdict == "accepted":
        return accepted(endpoint)
    return refused(outcome, endpoint)
