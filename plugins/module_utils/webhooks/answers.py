# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""What a callback endpoint must answer, and whether an answer is that: standard library only."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # noqa: S405 - parses bounded answers of endpoints under test, no entities resolved

# What an endpoint must answer.
ANSWER_TWIML = "twiml"                  # voice: TwiML <Response>
ANSWER_TWIML_OR_EMPTY = "twiml_or_empty"  # messaging: TwiML or an empty 2xx
ANSWER_BXML = "bxml"                    # Bandwidth voice: BXML <Response> (or <Bxml>)
ANSWER_NCCO = "ncco"                    # Vonage voice: a JSON array of actions
ANSWER_VOBIZ_XML = "vobiz_xml"          # Vobiz: XML <Response>
ANSWER_ANY = "any_2xx"                  # status events: any 2xx
ANSWERS = (ANSWER_TWIML, ANSWER_TWIML_OR_EMPTY, ANSWER_BXML, ANSWER_NCCO, ANSWER_VOBIZ_XML, ANSWER_ANY)

ANSWER_DESCRIPTIONS = {
    ANSWER_TWIML: "2xx with a TwiML <Response> document",
    ANSWER_TWIML_OR_EMPTY: "2xx with an empty body or a TwiML <Response> document",
    ANSWER_BXML: "2xx with a BXML <Response> document",
    ANSWER_NCCO: "2xx with an NCCO (a JSON array of actions)",
    ANSWER_VOBIZ_XML: "2xx with a Vobiz XML <Response> document",
    ANSWER_ANY: "any 2xx",
}
MAX_ANSWER_BYTES = 256 * 1024


def _xml_root(body):
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        return None, "the answer declares a DOCTYPE or entities, which providers refuse"
    try:
        root = ET.fromstring(text.strip())  # noqa: S314 - DOCTYPE and entities refused above
    except ET.ParseError as exc:
        return None, "the answer is not well-formed XML (%s)" % exc
    return root, None


def check_answer(answer, status, content_type, body):
    """(ok, reason) for an endpoint's answer to an event that needs ``answer``."""
    if status is None or not 200 <= status < 300:
        return False, "HTTP %s, expected %s" % (status, ANSWER_DESCRIPTIONS.get(answer, "a 2xx"))
    if answer == ANSWER_ANY:
        return True, "HTTP %s" % status
    body = body or b""
    if len(body) > MAX_ANSWER_BYTES:
        return False, "the answer is larger than %d bytes" % MAX_ANSWER_BYTES
    text = body.decode("utf-8", "replace").strip() if isinstance(body, bytes) else body.strip()
    if answer == ANSWER_TWIML_OR_EMPTY and not text:
        return True, "HTTP %s with an empty body" % status
    if answer == ANSWER_NCCO:
        try:
            ncco = json.loads(text)
        except ValueError:
            return False, "the answer is not JSON, expected an NCCO (a JSON array of actions)"
        if not isinstance(ncco, list) or not ncco or not all(isinstance(item, dict) and item.get("action") for item in ncco):
            return False, "the answer is JSON but not an NCCO (a non-empty array of objects with an action)"
        return True, "HTTP %s with an NCCO of %d action(s)" % (status, len(ncco))
    if not text:
        return False, "the answer is empty, expected %s" % ANSWER_DESCRIPTIONS[answer]
    root, problem = _xml_root(text)
    if root is None:
        return False, problem
    roots = ("Response", "Bxml") if answer == ANSWER_BXML else ("Response",)
    if root.tag not in roots:
        return False, "the XML root is <%s>, expected <%s>" % (root.tag, "> or <".join(roots))
    del content_type  # providers read the body whatever the declared type
    return True, "HTTP %s with an XML <%s> document" % (status, root.tag)


# What the callback receiver answers an answer callback with: a document that tells the
# provider to do nothing more.
EMPTY_XML_RESPONSE = '<?xml version="1.0" encoding="UTF-8"?>\n<Response/>\n'
