"""Build hook of pyproject.toml (hatchling): editable installs of the shared webhooks package.

In a wheel, plugins/module_utils/webhooks is the package cpaas_webhooks (force-include in
pyproject.toml). An editable install (`make venv`) would copy those files instead, so that
edits there went unseen until the next install; this hook installs a path mapping instead,
the way hatchling maps cpaas_sandbox and cpaas_receiver in its exact editable mode.
"""
import os
import tempfile

from hatchling.builders.hooks.plugin.interface import BuildHookInterface  # pylint: disable=import-error

WEBHOOKS = os.path.join("plugins", "module_utils", "webhooks")


class CustomBuildHook(BuildHookInterface):
    """Maps cpaas_webhooks to its sources in editable wheels; wheels are left as configured."""

    def initialize(self, version, build_data):
        if version != "editable":
            return
        init_file = os.path.join(self.root, WEBHOOKS, "__init__.py")
        # A .pth line runs at start-up; map_module only records the mapping, which the finder
        # that hatchling's own .pth installs then serves.
        line = "import editables.redirector as r; r.RedirectingFinder.map_module(%r, %r)\n" % ("cpaas_webhooks", init_file)
        handle, pth_file = tempfile.mkstemp(suffix=".pth")
        with os.fdopen(handle, "w") as stream:
            stream.write(line)
        build_data["force_include_editable"] = {pth_file: "_cpaas_callbacks_tools_webhooks.pth"}
