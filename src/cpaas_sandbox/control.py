"""The control API under ``/_sandbox/``: health, reset, request log, raw state, faults.

These requests are not provider API requests: they are never logged and never faulted.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from .context import current_sandbox
from .faults import FaultSpecError, parse_fault

blueprint = Blueprint("sandbox_control", __name__, url_prefix="/_sandbox")


def error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message, "status": status}), status


def _json_body() -> Any:
    data = request.get_json(silent=True)
    if data is None:
        raise FaultSpecError("the body must be JSON (Content-Type: application/json)")
    return data


@blueprint.get("/health")
def health():
    sandbox = current_sandbox()
    return jsonify({"status": "ok", "providers": sorted(sandbox.providers)})


@blueprint.post("/reset")
def reset():
    current_sandbox().state.reset()
    return jsonify({"reset": True})


# -- request log ---------------------------------------------------------------
@blueprint.get("/requests")
def list_requests():
    entries = current_sandbox().state.requests(provider=request.args.get("provider"), method=request.args.get("method"))
    return jsonify({"requests": entries, "count": len(entries)})


@blueprint.delete("/requests")
def clear_requests():
    current_sandbox().state.clear_requests()
    return "", 204


# -- raw application state -----------------------------------------------------
def _provider_or_404(name: str):
    provider = current_sandbox().providers.get(name)
    if provider is None:
        return None, error(404, f"unknown provider {name!r}; known: {sorted(current_sandbox().providers)}")
    return provider, None


@blueprint.get("/<provider_name>/applications")
def raw_applications(provider_name: str):
    provider, failed = _provider_or_404(provider_name)
    if failed:
        return failed
    apps = current_sandbox().state.list_applications(provider.name)
    return jsonify({"applications": apps, "count": len(apps)})


@blueprint.get("/<provider_name>/applications/<app_id>")
def raw_application(provider_name: str, app_id: str):
    provider, failed = _provider_or_404(provider_name)
    if failed:
        return failed
    record = current_sandbox().state.get_application(provider.name, app_id)
    if record is None:
        return error(404, f"no {provider.name} application {app_id}")
    return jsonify(record)


@blueprint.patch("/<provider_name>/applications/<app_id>")
def patch_application(provider_name: str, app_id: str):
    """Change an application behind the clients' back (drift demos and tests)."""
    provider, failed = _provider_or_404(provider_name)
    if failed:
        return failed
    changes = request.get_json(silent=True)
    if not isinstance(changes, dict):
        return error(400, "the body must be a JSON object of fields to change")
    state = current_sandbox().state
    with state.lock:
        record = state.get_application(provider.name, app_id)
        if record is None:
            return error(404, f"no {provider.name} application {app_id}")
        try:
            record = provider.patch_application(record, changes)
        except ValueError as exc:
            return error(400, str(exc))
        state.replace_application(provider.name, app_id, record)
    return jsonify(record)


@blueprint.delete("/<provider_name>/applications/<app_id>")
def delete_application(provider_name: str, app_id: str):
    provider, failed = _provider_or_404(provider_name)
    if failed:
        return failed
    if not current_sandbox().state.delete_application(provider.name, app_id):
        return error(404, f"no {provider.name} application {app_id}")
    return "", 204


# -- faults --------------------------------------------------------------------
@blueprint.post("/faults")
def add_fault():
    sandbox = current_sandbox()
    try:
        fault = parse_fault(_json_body(), sorted(sandbox.providers))
    except FaultSpecError as exc:
        return error(400, str(exc))
    return jsonify(sandbox.state.add_fault(fault).to_dict()), 201


@blueprint.get("/faults")
def list_faults():
    faults = [f.to_dict() for f in current_sandbox().state.faults()]
    return jsonify({"faults": faults, "count": len(faults)})


@blueprint.delete("/faults")
def clear_faults():
    current_sandbox().state.clear_faults()
    return "", 204


@blueprint.delete("/faults/<int:fault_id>")
def delete_fault(fault_id: int):
    if not current_sandbox().state.delete_fault(fault_id):
        return error(404, f"no fault {fault_id}")
    return "", 204
