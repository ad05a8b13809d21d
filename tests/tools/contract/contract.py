"""Validate recorded provider API exchanges against the providers' own specifications.

- ``load(provider)`` reads ``specs/<provider>.applications.yml`` (an extract of the provider's
  published specification, see its header) and applies ``specs/<provider>.corrections.yml``
  (each correction with its source; a correction that no longer applies is an error, so a
  fixed upstream specification is noticed). The result is an ``openapi_core.OpenAPI`` that
  forbids properties the specification does not name.
- ``Recorder`` is WSGI middleware around the sandbox: it keeps every request and answer.
- ``check(provider, exchange)`` validates one exchange (the request a module sent and the
  answer the sandbox gave) and returns the list of problems (empty when it conforms).

Bandwidth's bodies are XML: they are read into dicts for the schema (element names and
types), and the order of the elements is checked against the order of the specification's
own examples.
"""

from __future__ import annotations

import copy
import http
import io
import os
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml
from lxml import etree
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.response.exceptions import MissingData

from cpaas_sandbox.app import create_app
from cpaas_sandbox.credentials import defaults as sandbox_defaults
from cpaas_sandbox.server import SandboxServer

SPECS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "specs")
PROVIDERS = ("twilio", "vonage", "bandwidth", "vobiz", "telnyx")

# provider -> the host of the specification's server (a sandbox path is laid onto it by map_path)
SERVERS = {
    "twilio": "https://api.twilio.com",
    "vonage": "https://api.nexmo.com",
    "bandwidth": "https://dashboard.bandwidth.com",
    "vobiz": "https://api.vobiz.ai",
    "telnyx": "https://api.telnyx.com",
}
# Twilio answers every field of an application (null when unset): its response properties are all required.
RESPONSE_PROPERTIES = {"twilio": "required", "vonage": "optional", "bandwidth": "optional", "vobiz": "optional", "telnyx": "optional"}


def map_path(provider: str, path: str) -> str:
    """The sandbox path as the specification names it.

    Vonage's specification has the server ``https://api.nexmo.com/v2/applications`` and the
    paths ``/`` and ``/{id}``: the collection is ``/v2/applications/``. Bandwidth's server ends
    in ``/api/v1``; the documents (and the modules' default) use ``/api`` (the project's wire
    notes, DECISIONS)."""
    if provider == "vonage" and path == "/v2/applications":
        return "/v2/applications/"
    if provider == "bandwidth" and path.startswith("/api/accounts/"):
        return "/api/v1" + path[len("/api"):]
    return path


# ---- corrections ------------------------------------------------------------------------------------
class CorrectionError(Exception):
    pass


def _walk(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _pointer(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for part in pointer.lstrip("/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _at(schema: dict[str, Any], dotted: str) -> dict[str, Any]:
    """The ``properties`` of the schema at a dotted property path (``capabilities.voice``)."""
    node = schema
    for name in [part for part in dotted.split(".") if part]:
        node = node["properties"][name]
    return node.setdefault("properties", {})


def apply_corrections(document: dict[str, Any], corrections: list[dict[str, Any]]) -> None:
    for correction in corrections:
        if not correction.get("source"):
            raise CorrectionError(f"correction without a source: {correction}")
        change = correction["change"]
        if change == "rename-property":
            renamed = 0
            for node in _walk(document):
                properties = node.get("properties")
                if isinstance(properties, dict) and correction["from"] in properties:
                    properties[correction["to"]] = properties.pop(correction["from"])
                    renamed += 1
            if not renamed:
                raise CorrectionError(f"rename-property {correction['from']}: the specification no longer has it (fixed upstream?)")
        elif change == "add-properties":
            for pointer in correction["schemas"]:
                properties = _at(_pointer(document, pointer), correction.get("at", ""))
                for name, schema in correction["properties"].items():
                    if name in properties:
                        raise CorrectionError(f"add-properties {pointer} {name}: the specification has it already (fixed upstream?)")
                    properties[name] = copy.deepcopy(schema)
        elif change == "set":
            parent_pointer, _slash, key = correction["pointer"].rpartition("/")
            parent = _pointer(document, parent_pointer)
            if parent.get(key) == correction["value"]:
                raise CorrectionError(f"set {correction['pointer']}: the specification says so already (fixed upstream?)")
            parent[key] = copy.deepcopy(correction["value"])
        elif change == "remove":
            parent_pointer, _slash, key = correction["pointer"].rpartition("/")
            parent = _pointer(document, parent_pointer)
            if key not in parent:
                raise CorrectionError(f"remove {correction['pointer']}: not in the specification (fixed upstream?)")
            del parent[key]
        else:
            raise CorrectionError(f"unknown change {change!r}")


def _merge_all_of(node: Any, components: dict[str, Any]) -> Any:
    """Objects combined with allOf, merged into one schema, so that forbidding unknown
    properties applies to the whole (each branch alone would refuse the other's fields)."""
    if isinstance(node, list):
        return [_merge_all_of(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _merge_all_of(value, components) for key, value in node.items()}
    if "allOf" in node:
        merged: dict[str, Any] = {"type": "object", "properties": {}}
        for branch in node.pop("allOf"):
            if "$ref" in branch:
                branch = _merge_all_of(copy.deepcopy(_pointer({"components": components}, branch["$ref"][1:])), components)
            _deep_merge(merged, branch)
        _deep_merge(merged, node)
        return merged
    return node


def _deep_merge(base: dict[str, Any], overlay: dict[str, Any]) -> None:
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        elif isinstance(value, list) and key == "required" and isinstance(base.get(key), list):
            base[key] = sorted(set(base[key]) | set(value))
        else:
            base[key] = copy.deepcopy(value)


@cache
def document(provider: str) -> dict[str, Any]:
    """The extract with its corrections applied (allOf merged)."""
    with open(os.path.join(SPECS, f"{provider}.applications.yml"), encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    with open(os.path.join(SPECS, f"{provider}.corrections.yml"), encoding="utf-8") as handle:
        corrections = yaml.safe_load(handle) or []
    apply_corrections(spec, corrections)
    spec["paths"] = _merge_all_of(spec["paths"], spec.get("components", {}))
    spec.pop("x-source", None)
    return spec


def _xml_loads(value: bytes, **_parameters: str) -> Any:
    return xml_to_data(etree.fromstring(value)) if value.strip() else None


@cache
def load(provider: str) -> OpenAPI:
    config = Config(
        additional_properties_default_policy="forbid",
        response_properties_default_policy=RESPONSE_PROPERTIES[provider],
        extra_media_type_deserializers={"application/xml": _xml_loads},
    )
    return OpenAPI.from_dict(copy.deepcopy(document(provider)), config=config)


# ---- Bandwidth XML ----------------------------------------------------------------------------------------
def _array_elements(spec: dict[str, Any]) -> set[str]:
    """Element names whose schema is an array (their children are its items)."""
    names = set()
    for node in _walk(spec):
        for name, schema in (node.get("properties") or {}).items() if isinstance(node.get("properties"), dict) else ():
            if isinstance(schema, dict) and schema.get("type") == "array":
                names.add(name)
    return names


def xml_to_data(element: etree._Element) -> Any:
    """An XML element as the JSON the specification's schema describes: {root tag: content}."""
    arrays = _array_elements(document("bandwidth"))

    def content(node: etree._Element) -> Any:
        children = [child for child in node if isinstance(child.tag, str)]
        if node.tag in arrays:
            return [content(child) for child in children]
        if not children:
            return (node.text or "").strip()
        data: dict[str, Any] = {}
        for child in children:
            if child.tag in data:
                data.setdefault("__repeated__", []).append(child.tag)
            data[child.tag] = content(child)
        return data

    return {element.tag: content(element)}


@cache
def bandwidth_element_order() -> tuple[str, ...]:
    """The order of the ``<Application>`` elements, as every example of the specification has it."""
    orders: list[list[str]] = []
    for node in _walk(document("bandwidth")["paths"]):
        value = node.get("value")
        if isinstance(value, str) and "<Application>" in value:
            root = etree.fromstring(value.encode("utf-8"))
            for app in root.iter("Application"):
                orders.append([child.tag for child in app if isinstance(child.tag, str)])
    merged: list[str] = []
    for order in orders:  # a stable merge: every example's order is kept
        position = 0
        for tag in order:
            if tag in merged:
                position = merged.index(tag) + 1
            else:
                merged.insert(position, tag)
                position += 1
    for order in orders:
        indexes = [merged.index(tag) for tag in order]
        if indexes != sorted(indexes):
            raise AssertionError(f"the specification's examples disagree on the element order: {order}")
    return tuple(merged)


def bandwidth_xml_problems(body: bytes) -> list[str]:
    """Element order and repetition of an ``<Application>`` document (request or answer)."""
    try:
        root = etree.fromstring(body) if body.strip().startswith(b"<") else None
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    if root is None:
        return []  # not XML: the schema check says what is wrong with it
    problems = []
    order = bandwidth_element_order()
    for app in root.iter("Application"):
        tags = [child.tag for child in app if isinstance(child.tag, str)]
        known = [tag for tag in tags if tag in order]
        if [order.index(tag) for tag in known] != sorted(order.index(tag) for tag in known):
            problems.append(f"<Application> elements out of the specification's order: {tags} (order: {list(order)})")
        repeated = sorted({tag for tag in tags if tags.count(tag) > 1})
        if repeated:
            problems.append(f"<Application> repeats {repeated}")
    return problems


# ---- a recorded sandbox ---------------------------------------------------------------------------------
class RecordedSandbox:
    def __init__(self, server, recorder):
        self.server = server
        self.recorder = recorder
        self.url = server.url
        self.credentials = sandbox_defaults()

    def exchanges(self, provider):
        return [exchange for exchange in self.recorder.exchanges if provider_of(exchange.path) == provider]

    def problems(self, provider):
        """Every way the recorded exchanges of a provider differ from its specification."""
        return [problem for exchange in self.exchanges(provider) for problem in check(provider, exchange)]


def start_recorded(rewrite=None):
    app = create_app(environ={})
    recorder = Recorder(app.wsgi_app, rewrite=rewrite)
    app.wsgi_app = recorder
    return RecordedSandbox(SandboxServer(app).start(), recorder)


# ---- recording and checking -----------------------------------------------------------------------------
@dataclass
class Exchange:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    @property
    def response_content_type(self) -> str:
        return self.response_headers.get("Content-Type", "")


# Telnyx's /v2/call_control_applications before Vonage's /v2/ (both APIs live under /v2).
PROVIDER_PREFIXES = (
    ("/2010-04-01/", "twilio"),
    ("/v2/call_control_applications", "telnyx"),
    ("/v2/", "vonage"),
    ("/api/v1/Account/", "vobiz"),
    ("/api/", "bandwidth"),
)


def provider_of(path: str) -> str | None:
    for prefix, provider in PROVIDER_PREFIXES:
        if path.startswith(prefix):
            return provider
    return None


class Recorder:
    """WSGI middleware that keeps each provider API exchange (``/_sandbox/`` control calls are not kept).

    ``rewrite(exchange)`` may change an answer before the client gets it (to test that the
    validator catches a wrong answer)."""

    def __init__(self, app, rewrite=None):
        self.app = app
        self.rewrite = rewrite
        self.exchanges: list[Exchange] = []

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_sandbox/"):
            return self.app(environ, start_response)
        headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        exchange = Exchange(environ["REQUEST_METHOD"], path, environ.get("QUERY_STRING", ""), headers, body)
        captured: dict[str, Any] = {}

        def capture(status, response_headers, exc_info=None):
            captured["status"], captured["headers"] = status, response_headers
            return lambda data: None

        chunks = self.app(environ, capture)
        try:
            exchange.response_body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        exchange.status = int(captured["status"].split(" ", 1)[0])
        exchange.response_headers = dict(captured["headers"])
        if self.rewrite is not None:
            self.rewrite(exchange)
        self.exchanges.append(exchange)
        response_headers = [(key, value) for key, value in exchange.response_headers.items() if key.lower() != "content-length"]
        response_headers.append(("Content-Length", str(len(exchange.response_body))))
        start_response(f"{exchange.status} {_reason(exchange.status)}", response_headers)
        return [exchange.response_body]


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _request(provider: str, exchange: Exchange) -> MockRequest:
    from urllib.parse import parse_qs

    args = {key: values[0] for key, values in parse_qs(exchange.query, keep_blank_values=True).items()}
    content_type = exchange.content_type or "application/octet-stream"
    return MockRequest(SERVERS[provider], exchange.method.lower(), map_path(provider, exchange.path), args=args,
                       headers=exchange.headers, data=exchange.body or None, content_type=content_type)


def _response(exchange: Exchange) -> MockResponse:
    content_type = exchange.response_content_type or None
    return MockResponse(exchange.response_body, status_code=exchange.status, headers=exchange.response_headers,
                        content_type=content_type)


def _errors(exc: Exception) -> str:
    details = [str(exc)]
    for cause in (getattr(exc, "schema_errors", None) or getattr(exc.__cause__, "schema_errors", None) or []):
        details.append(f"  {list(cause.path)}: {cause.message}")
    return "\n".join(details)


def _empty_body_problems(provider: str, exchange: Exchange) -> list[str]:
    """An empty answer where the specification declares a media type but no schema (Bandwidth's
    DELETE: 200, application/xml, no body): only the media type can be checked."""
    operation = document(provider)["paths"]
    for template, item in operation.items():
        if _template_pattern(provider, template).fullmatch(map_path(provider, exchange.path)) and exchange.method.lower() in item:
            declared = item[exchange.method.lower()]["responses"].get(str(exchange.status), {}).get("content", {})
            break
    else:
        declared = {}
    media_type = exchange.response_content_type.split(";", 1)[0].strip()
    if any("schema" in content for content in declared.values()):
        return [f"answer {exchange.status} to {exchange.method} {exchange.path}: empty, the specification declares a body"]
    if media_type not in declared:
        return [f"answer {exchange.status} to {exchange.method} {exchange.path}: {media_type or 'no'} content type, "
                f"the specification declares {sorted(declared)}"]
    return []


def check(provider: str, exchange: Exchange) -> list[str]:
    """Every way the exchange differs from the specification (an empty list: it conforms)."""
    spec = load(provider)
    request = _request(provider, exchange)
    problems = []
    try:
        spec.validate_request(request)
    except Exception as exc:  # noqa: BLE001 - every validation error is a finding, reported as text
        problems.append(f"request {exchange.method} {exchange.path}: {_errors(exc)}")
    try:
        spec.validate_response(request, _response(exchange))
    except MissingData:
        problems += _empty_body_problems(provider, exchange)
    except Exception as exc:  # noqa: BLE001
        problems.append(f"answer {exchange.status} to {exchange.method} {exchange.path}: {_errors(exc)}")
    if provider == "bandwidth":
        problems += [f"request {exchange.method} {exchange.path}: {p}" for p in bandwidth_xml_problems(exchange.body)]
        problems += [f"answer to {exchange.method} {exchange.path}: {p}" for p in bandwidth_xml_problems(exchange.response_body)]
    return problems


HTTP_VERBS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def operations(provider: str) -> set[str]:
    """The operationIds of the application operations of a provider's specification."""
    return {operation["operationId"] for item in document(provider)["paths"].values()
            for verb, operation in item.items() if verb in HTTP_VERBS}


def operation_of(provider: str, exchange: Exchange) -> str:
    """The specification's operationId an exchange is an instance of."""
    path = map_path(provider, exchange.path)
    for template, item in document(provider)["paths"].items():
        pattern = _template_pattern(provider, template)
        if pattern.fullmatch(path) and exchange.method.lower() in item:
            return item[exchange.method.lower()]["operationId"]
    raise LookupError(f"{exchange.method} {exchange.path} is no operation of the {provider} specification")


def _template_pattern(provider: str, template: str):
    import re
    from urllib.parse import urlsplit

    prefix = urlsplit(document(provider).get("servers", [{"url": ""}])[0]["url"]).path.rstrip("/")
    parts = re.split(r"(\{[^}]+\})", prefix + template)
    return re.compile("".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts))


# ---- coverage ------------------------------------------------------------------------------------------
def _deref(node: Any, components: dict[str, Any], depth: int = 0) -> Any:
    if depth > 20:
        return node
    if isinstance(node, dict):
        if "$ref" in node:
            return _deref(_pointer({"components": components}, node["$ref"][1:]), components, depth + 1)
        return {key: _deref(value, components, depth + 1) for key, value in node.items()}
    if isinstance(node, list):
        return [_deref(item, components, depth + 1) for item in node]
    return node


def _field_paths(schema: Any, prefix: str = "") -> set[str]:
    """Dotted paths of every property a schema names (array items under the array's name)."""
    paths: set[str] = set()
    if not isinstance(schema, dict):
        return paths
    if schema.get("type") == "array" or "items" in schema:
        return _field_paths(schema.get("items"), prefix)
    for name, sub in (schema.get("properties") or {}).items():
        path = f"{prefix}.{name}" if prefix else name
        paths.add(path)
        paths |= _field_paths(sub, path)
    return paths


def _data_paths(data: Any, prefix: str = "") -> set[str]:
    paths: set[str] = set()
    if isinstance(data, list):
        for item in data:
            paths |= _data_paths(item, prefix)
    elif isinstance(data, dict):
        for name, value in data.items():
            path = f"{prefix}.{name}" if prefix else name
            paths.add(path)
            paths |= _data_paths(value, path)
    return paths


def _body_data(body: bytes, content_type: str) -> Any:
    import json
    from urllib.parse import parse_qsl

    if not body.strip():
        return None
    media_type = content_type.split(";", 1)[0].strip()
    if media_type == "application/json":
        return json.loads(body)
    if media_type == "application/x-www-form-urlencoded":
        return dict(parse_qsl(body.decode(), keep_blank_values=True))
    if media_type in ("application/xml", "text/xml"):
        return _xml_loads(body)
    return None


def field_coverage(provider: str, exchanges: list[Exchange]) -> dict[str, tuple[int, int]]:
    """{"requests"|"answers": (fields the exchanges carried, fields the specification names)} over the
    success answers and request bodies of the application operations (query parameters count as request fields)."""
    spec = document(provider)
    components = spec.get("components", {})
    named = {"requests": set(), "answers": set()}
    for item in spec["paths"].values():
        for verb, operation in item.items():
            if verb not in HTTP_VERBS:
                continue
            operation = _deref(operation, components)
            named["requests"] |= {f"{operation['operationId']}:{p['name']}" for p in operation.get("parameters", []) if p.get("in") == "query"}
            for content in (operation.get("requestBody") or {}).get("content", {}).values():
                named["requests"] |= {f"{operation['operationId']}:{path}" for path in _field_paths(content.get("schema"))}
            for status, response in operation["responses"].items():
                if status.startswith("2"):
                    for content in (response.get("content") or {}).values():
                        named["answers"] |= {f"{operation['operationId']}:{path}" for path in _field_paths(content.get("schema"))}
    seen = {"requests": set(), "answers": set()}
    for exchange in exchanges:
        operation_id = operation_of(provider, exchange)
        from urllib.parse import parse_qsl

        seen["requests"] |= {f"{operation_id}:{name}" for name, _value in parse_qsl(exchange.query)}
        seen["requests"] |= {f"{operation_id}:{path}" for path in _data_paths(_body_data(exchange.body, exchange.content_type))}
        if 200 <= exchange.status < 300:
            seen["answers"] |= {f"{operation_id}:{path}"
                                for path in _data_paths(_body_data(exchange.response_body, exchange.response_content_type))}
    return {kind: (len(seen[kind] & named[kind]), len(named[kind])) for kind in named}
