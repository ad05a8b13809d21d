"""The built collection as a package (scripts/installed.sh runs this once per run).

Its Python distribution (pyproject.toml) builds from the installed copy with every subpackage and
package data, writes nothing into the installed collection, and holds the files the role copies;
an execution environment that includes the tarball gets exactly the modules' requirements.
"""

from __future__ import annotations

import fnmatch
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml
from conftest import output

# The modules' requirements on an execution host (meta/ee-requirements.txt), and nothing else:
# not the development requirements.txt (ruff, pytest, flask...).
EE_PYTHON = ["requests>=2.31", "lxml>=5"]


def build_wheel(installed, tmp_path):
    pip = installed.sandbox_bin / "pip"
    result = subprocess.run([str(pip), "wheel", "--no-deps", "--wheel-dir", str(tmp_path), str(installed.collection_dir)],
                            check=False, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, output(result)
    wheels = list(tmp_path.glob("cpaas_callbacks_tools-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_the_distribution_builds_complete_and_leaves_the_collection_unmodified(installed, tmp_path):
    wheel = build_wheel(installed, tmp_path)

    names = set(zipfile.ZipFile(wheel).namelist())
    source = installed.collection_dir
    expected = {"cpaas_sandbox/" + str(path.relative_to(source / "src" / "cpaas_sandbox"))
                for path in (source / "src" / "cpaas_sandbox").rglob("*.py")}
    expected |= {"cpaas_receiver/" + str(path.relative_to(source / "src" / "cpaas_receiver"))
                 for path in (source / "src" / "cpaas_receiver").rglob("*") if path.is_file()}
    module_utils = source / "plugins" / "module_utils"
    shared = [module_utils / "_registry.py"] + list((module_utils / "_providers").rglob("*.py")) + list((module_utils / "webhooks").glob("*.py"))
    expected |= {"cpaas_module_utils/" + str(path.relative_to(module_utils)) for path in shared}
    assert "cpaas_module_utils/_providers/twilio/signing.py" in expected
    assert "cpaas_sandbox/providers/twilio.py" in expected and "cpaas_receiver/openapi.yaml" in expected
    assert expected <= names, sorted(expected - names)
    assert not [name for name in names if name.endswith(".pyc") or "__pycache__" in name]
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert "cpaas-sandbox = cpaas_sandbox.cli:main" in entry_points and "cpaas-receiver = cpaas_receiver.cli:main" in entry_points

    # The installed collection is what the tarball holds, byte for byte, after pip built from it.
    verify = installed.run(["ansible-galaxy", "collection", "verify", "--offline", "cpaas.callbacks"])
    assert verify.returncode == 0, output(verify)
    assert "modified content" not in verify.stdout + verify.stderr, output(verify)


def test_the_distribution_has_the_collection_version(installed, tmp_path):
    wheel = build_wheel(installed, tmp_path)
    manifest = json.loads((installed.collection_dir / "MANIFEST.json").read_text())
    assert wheel.name.startswith("cpaas_callbacks_tools-%s-" % manifest["collection_info"]["version"])


def test_the_role_copies_every_file_of_the_distribution(installed, tmp_path):
    """The role builds the distribution on the target from the files its globs name: none may be missing."""
    wheel = build_wheel(installed, tmp_path)
    role_vars = yaml.safe_load((installed.collection_dir / "roles" / "callback_receiver" / "vars" / "main.yml").read_text())
    globs = role_vars["callback_receiver_source_globs"]
    sources = {"cpaas_sandbox": "src/cpaas_sandbox", "cpaas_receiver": "src/cpaas_receiver",
               "cpaas_module_utils": "plugins/module_utils"}
    for name in zipfile.ZipFile(wheel).namelist():
        package, _sep, rest = name.partition("/")
        if package in sources:
            path = sources[package] + "/" + rest
            # As the role's fileglob matches: files of one folder, named without wildcards.
            assert any(fnmatch.fnmatch(path, pattern) and path.rsplit("/", 1)[0] == pattern.rsplit("/", 1)[0]
                       for pattern in globs), "the role does not copy %s" % path


def test_an_execution_environment_gets_exactly_the_modules_requirements(installed, tmp_path):
    """ansible-builder create on a definition with the tarball, then the introspection its build runs."""
    builder = Path(sys.executable).with_name("ansible-builder")
    definition = tmp_path / "execution-environment.yml"
    definition.write_text(yaml.safe_dump({
        "version": 3,
        # create never pulls it; building the image needs a container engine
        "images": {"base_image": {"name": "localhost/ee-base:latest"}},
        "additional_build_files": [{"src": str(installed.tarball), "dest": "collections"}],
        "dependencies": {"galaxy": {"collections": [
            {"name": "collections/" + installed.tarball.name, "type": "file"}]}},
    }))
    context = tmp_path / "context"
    created = subprocess.run([str(builder), "create", "--file", str(definition), "--context", str(context)],
                             check=False, capture_output=True, text=True, timeout=300)
    assert created.returncode == 0, output(created)
    build = context / "_build"
    assert (build / "collections" / installed.tarball.name).is_file()
    assert yaml.safe_load((build / "requirements.yml").read_text())["collections"][0]["name"].endswith(installed.tarball.name)
    containerfile = next(path for path in (context / "Containerfile", context / "Dockerfile") if path.exists()).read_text()
    assert "introspect.py introspect" in containerfile

    # What the image build's galaxy stage and introspection would do, here: install the tarball
    # from the context, then run the context's own introspect script over it.
    collections = tmp_path / "collections"
    # (collections is the only configured path, as on the image: ansible-galaxy would otherwise find
    # the copy installed for the other tests and install nothing)
    install = installed.run(["ansible-galaxy", "collection", "install", "-p", str(collections),
                             str(build / "collections" / installed.tarball.name)],
                            extra_env={"ANSIBLE_COLLECTIONS_PATH": str(collections)})
    assert install.returncode == 0, output(install)
    assert (collections / "ansible_collections" / "cpaas" / "callbacks" / "meta" / "execution-environment.yml").is_file()
    pip_file, bindep_file = tmp_path / "requirements.txt", tmp_path / "bindep.txt"
    introspected = subprocess.run([sys.executable, str(build / "scripts" / "introspect.py"), "introspect", str(collections),
                                   "--write-pip", str(pip_file), "--write-bindep", str(bindep_file)],
                                  check=False, capture_output=True, text=True, timeout=300)
    assert introspected.returncode == 0, output(introspected)
    python = [line.split("#")[0].strip() for line in pip_file.read_text().splitlines() if line.split("#")[0].strip()]
    assert python == EE_PYTHON
    system = [line.split("#")[0].strip() for line in bindep_file.read_text().splitlines() if line.split("#")[0].strip()]
    assert system and all("compile" in line for line in system), system
