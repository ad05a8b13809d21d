# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Module plumbing shared by every module: common options, dependency checks and
turning errors into one clear failure."""

from __future__ import annotations

import math
import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.cpaas.callbacks.plugins.module_utils.application import (
    ChangedButFailed,
    MissingLibrary,
    ModuleInputError,
    describe_applications,
    ensure_application,
)
from ansible_collections.cpaas.callbacks.plugins.module_utils.http_client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    ProviderError,
)
from ansible_collections.cpaas.callbacks.plugins.module_utils.masking import given_secrets, secret_values
from ansible_collections.cpaas.callbacks.plugins.module_utils.validation import check_url

# Options every API-backed module has; documented by the cpaas.callbacks.common doc fragment.
COMMON_ARGUMENT_SPEC = {
    "timeout": {"type": "float", "default": 30},
    "max_retries": {"type": "int", "default": 3},
    "validate_certs": {"type": "bool", "default": True},
}


MAX_TIMEOUT = 3600   # seconds; more is a typo, and float("inf") would reach urllib3
MAX_RETRIES = 10


def api_url_option(env_var, default):
    return {"type": "str", "default": default, "fallback": (env_fallback, [env_var])}


def client_options(params):
    """The HttpClient keyword arguments that come from the common options."""
    return {
        "timeout": params["timeout"],
        "max_retries": params["max_retries"],
        "validate_certs": params["validate_certs"],
    }


class SecretsFirstModule(AnsibleModule):
    """AnsibleModule that knows every secret of its arguments before it validates them.

    AnsibleModule fails on invalid arguments from inside its constructor, echoing them
    (``invocation.module_args``, the syslog entry); its no_log list then lacks passwords
    inside URLs and the secrets of options it could not read. They are collected from the
    raw arguments first (see given_secrets)."""

    def _load_params(self):
        super()._load_params()
        self.no_log_values.update(given_secrets(self.params, self.argument_spec))


def build_module(argument_spec, **kwargs):
    spec = dict(COMMON_ARGUMENT_SPEC)
    spec.update(argument_spec)
    kwargs.setdefault("supports_check_mode", True)
    module = SecretsFirstModule(argument_spec=spec, **kwargs)
    # Passwords inside callback URLs (https://user:pass@host/) are secrets too: Ansible then
    # masks them wherever they would appear, the echoed module arguments included.
    module.no_log_values.update(secret_values(module.params))
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception="".join(traceback.format_exception_only(REQUESTS_IMPORT_ERROR)))
    if module.params.get("api_url") is not None:
        problem = check_url("api_url", module.params["api_url"], allow_empty=False)
        if problem:
            module.fail_json(msg=problem)
    problem = check_bounds(module.params)
    if problem:
        module.fail_json(msg=problem)
    return module


def check_bounds(params):
    """timeout and max_retries within what a request can use (nan, inf and 1e10 never reach urllib3)."""
    timeout = params["timeout"]
    if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
        return "timeout must be a number of seconds greater than 0 and at most %d, got %s" % (MAX_TIMEOUT, timeout)
    if not 0 <= params["max_retries"] <= MAX_RETRIES:
        return "max_retries must be between 0 and %d, got %s" % (MAX_RETRIES, params["max_retries"])
    return None


def check_credentials(spec, params, unused=()):
    """A credential given as "" (the usual shape of a CI secret that was not set) is refused before any
    request, naming the option and the environment variable it may come from. Credentials this run does
    not use (``unused``: Twilio's auth token when an API key signs in) may stay empty."""
    for option, option_spec in sorted(spec.items()):
        fallback = option_spec.get("fallback")
        if option == "api_url" or option in unused or not fallback or fallback[0] is not env_fallback:
            continue
        value = params.get(option)
        if isinstance(value, str) and not value.strip():
            return ("%s must not be empty: set the option or the environment variable %s (an empty value is usually a "
                    "secret that was not set)" % (option, " or ".join(fallback[1])))
    return None


def adapter_for(module, adapter_class, client=None, warn=None):
    """An adapter over the module's options: warnings go to the module, and secrets learnt at run time
    (Vonage's private key) join the values Ansible never shows."""
    return adapter_class(module.params, warn=warn or module.warn, client=client, secret=module.no_log_values.add)


def run(module, adapter_class, flow):
    """Run ``flow`` (ensure_application or describe_applications) and exit the module."""
    problem = check_credentials(module.argument_spec, module.params, adapter_class.unused_credentials(module.params))
    if problem:
        module.fail_json(msg=problem)
    try:
        adapter = adapter_for(module, adapter_class)
        result = flow(adapter, module.check_mode)
    except MissingLibrary as error:
        module.fail_json(msg=str(error), exception=error.exception)
    except ModuleInputError as error:
        module.fail_json(msg=str(error))
    except ChangedButFailed as error:
        module.fail_json(msg=str(error), changed=True, application=adapter.public(error.application), **error.extra)
    except ProviderError as error:
        module.fail_json(msg=str(error), status=error.status, error_code=error.code, details=error.details)
    module.exit_json(**result)


def run_application_module(adapter_class, argument_spec, **kwargs):
    run(build_module(argument_spec, **kwargs), adapter_class, ensure_application)


def run_info_module(adapter_class, argument_spec, **kwargs):
    run(build_module(argument_spec, **kwargs), adapter_class, describe_applications)
