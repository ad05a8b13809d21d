"""Per-request hooks around every provider blueprint: faults first, then the log.

Registered once on the app by ``create_app``. A request belongs to a provider when the
blueprint that serves it is a provider's (every provider blueprint ends with a
catch-all route so unknown paths under its prefix are still its requests).
"""

from __future__ import annotations

from flask import Flask, Response, g, request

from .context import current_sandbox
from .faults import Fault, drop_connection, sleep_for
from .provider import Provider
from .requestlog import log_entry, utc_timestamp


def _fault_record(fault: Fault) -> dict[str, object]:
    return {"id": fault.id, "kind": fault.kind, "after": fault.after, "status": fault.status}


def fault_response(provider: Provider, fault: Fault) -> Response:
    response = provider.error_response(fault.status)
    if fault.retry_after is not None:
        response.headers["Retry-After"] = fault.retry_after
    return response


def before_provider_request() -> Response | None:
    sandbox = current_sandbox()
    provider = sandbox.provider_for_blueprint(request.blueprint)
    if provider is None:
        return None
    g.cpaas_provider = provider
    g.cpaas_received = utc_timestamp()
    g.cpaas_body = b""
    g.cpaas_faults = []
    g.cpaas_answered = False
    g.cpaas_drop = False
    g.cpaas_body = request.get_data(cache=True)  # may raise 413 (too large): still logged
    fault = sandbox.state.take_fault(provider.name, request.method, request.path, after=False)
    if fault is None:
        return None
    g.cpaas_faults.append(_fault_record(fault))
    sleep_for(fault)
    if fault.kind == "status":
        g.cpaas_answered = True
        return fault_response(provider, fault)
    if fault.kind == "drop":
        g.cpaas_answered = True
        g.cpaas_drop = True
        return Response(status=204)  # never sent
    return None  # a delay: carry on


def after_provider_request(response: Response) -> Response:
    provider: Provider | None = g.get("cpaas_provider")
    if provider is None or g.get("cpaas_logged"):
        return response
    g.cpaas_logged = True
    sandbox = current_sandbox()
    if not g.cpaas_answered:
        fault = sandbox.state.take_fault(provider.name, request.method, request.path, after=True)
        if fault is not None:
            g.cpaas_faults.append(_fault_record(fault))
            sleep_for(fault)
            if fault.kind == "status":
                response = fault_response(provider, fault)
            elif fault.kind == "drop":
                g.cpaas_drop = True
    entry = log_entry(request, provider.name, g.cpaas_body, None if g.cpaas_drop else response, g.cpaas_faults, g.cpaas_received)
    sandbox.state.log_request(entry)
    if g.cpaas_drop:
        drop_connection(request.environ)
    return response


def install(app: Flask) -> None:
    app.before_request(before_provider_request)
    app.after_request(after_provider_request)
