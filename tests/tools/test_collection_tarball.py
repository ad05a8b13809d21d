"""scripts/check_collection_tarball.py: the file-list check of the built collection fails on a local
artefact, on a missing file, and on a .gitignore pattern that galaxy.yml's build_ignore lacks."""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "scripts" / "check_collection_tarball.py"
sys.path.insert(0, str(CHECK.parent))
import check_collection_tarball  # noqa: E402


def tarball(path, names):
    with tarfile.open(path, "w:gz") as tar:
        for name in sorted(names):
            info = tarfile.TarInfo(name)
            info.size = 0
            tar.addfile(info, io.BytesIO(b""))
    return path


def collection_files():
    return {name for name in check_collection_tarball.git_files() if not check_collection_tarball.left_out(name)} | {
        "MANIFEST.json", "FILES.json"}


def run(path):
    return subprocess.run([sys.executable, str(CHECK), str(path)], cwd=ROOT, capture_output=True, text=True, check=False)


def test_exactly_the_collection_passes(tmp_path):
    result = run(tarball(tmp_path / "ok.tar.gz", collection_files()))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("artefact", ["src/cpaas_callbacks_tools.egg-info/PKG-INFO", ".venv/bin/python",
                                      "plugins/module_utils/__pycache__/masking.cpython-311.pyc", ".ruff_cache/x"])
def test_a_local_artefact_fails(tmp_path, artefact):
    result = run(tarball(tmp_path / "local.tar.gz", collection_files() | {artefact}))
    assert result.returncode == 1
    assert "not a file of the collection (local artefact?): " + artefact in result.stderr


def test_a_missing_file_fails(tmp_path):
    result = run(tarball(tmp_path / "missing.tar.gz", collection_files() - {"roles/callback_receiver/README.md"}))
    assert result.returncode == 1
    assert "missing from the tarball: roles/callback_receiver/README.md" in result.stderr


def test_every_gitignore_pattern_is_in_build_ignore(monkeypatch):
    monkeypatch.setattr(check_collection_tarball, "gitignore_patterns", lambda: ["*.egg-info", "some-new-cache"])
    errors = check_collection_tarball.build_ignore_errors()
    assert errors == ["galaxy.yml build_ignore lacks the .gitignore pattern 'some-new-cache'"]
