"""Assembles the sandbox: state, credentials, control API and one blueprint per provider."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import Flask, jsonify, request

from . import middleware
from .context import EXTENSION, Sandbox
from .control import blueprint as control_blueprint
from .credentials import load_credentials
from .firing import blueprint as firing_blueprint
from .provider import Provider
from .providers import PROVIDERS

MAX_BODY = 1024 * 1024


def create_app(
    credentials: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
    providers: Iterable[Provider] | None = None,
) -> Flask:
    """A new sandbox with empty state.

    ``credentials`` overrides single variables of the credentials table (tests);
    everything else comes from ``environ`` (default ``os.environ``) or the documented
    defaults, read once here. ``providers`` defaults to ``providers.PROVIDERS``.
    """
    app = Flask("cpaas_sandbox", static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.json.sort_keys = True
    sandbox = Sandbox(credentials=load_credentials(environ, credentials))
    app.extensions[EXTENSION] = sandbox

    middleware.install(app)
    app.register_blueprint(control_blueprint)
    app.register_blueprint(firing_blueprint)  # POST /_sandbox/<provider>/applications/<id>/events
    for provider in PROVIDERS if providers is None else providers:
        if provider.name in sandbox.providers:
            raise ValueError(f"provider {provider.name!r} is listed twice")
        sandbox.providers[provider.name] = provider
        app.register_blueprint(provider.blueprint)

    @app.errorhandler(404)
    def not_found(_exc):
        return jsonify({"error": f"nothing is served at {request.path}", "status": 404}), 404

    @app.errorhandler(405)
    def not_allowed(_exc):
        return jsonify({"error": f"{request.method} is not allowed on {request.path}", "status": 405}), 405

    return app
