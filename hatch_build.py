"""Build hook of pyproject.toml (hatchling): editable installs of the shared module_utils package.

In a wheel, the standard-library part of plugins/module_utils (_registry.py, _providers/,
webhooks/) is the package cpaas_module_utils (force-include in pyproject.toml). An editable
install (`make venv`) would copy those files instead, so that edits there went unseen until
the next install; this hook installs a .pth line instead that makes cpaas_module_utils a
package whose modules are found in plugins/module_utils itself.
"""
import os
import tempfile

from hatchling.builders.hooks.plugin.interface import BuildHookInterface  # pylint: disable=import-error

MODULE_UTILS = os.path.join("plugins", "module_utils")
PACKAGE = "cpaas_module_utils"


class CustomBuildHook(BuildHookInterface):
    """Maps cpaas_module_utils to its sources in editable wheels; wheels are left as configured."""

    def initialize(self, version, build_data):
        if version != "editable":
            return
        source = os.path.join(self.root, MODULE_UTILS)
        # plugins/module_utils has no __init__.py (the wheel's package is a namespace package too),
        # so the package is made from a spec whose search path is that folder. A .pth line runs at start-up.
        line = ("import sys, importlib.machinery as m, importlib.util as u; s = m.ModuleSpec(%r, None, is_package=True); "
                "s.submodule_search_locations = [%r]; sys.modules.setdefault(%r, u.module_from_spec(s))\n" % (PACKAGE, source, PACKAGE))
        handle, pth_file = tempfile.mkstemp(suffix=".pth")
        with os.fdopen(handle, "w") as stream:
            stream.write(line)
        build_data["force_include_editable"] = {pth_file: "_cpaas_callbacks_tools_module_utils.pth"}
