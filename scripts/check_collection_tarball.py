"""Check the file list of a built collection tarball: nothing local, nothing missing.

    python scripts/check_collection_tarball.py cpaas-callbacks-X.Y.Z.tar.gz

The tarball must hold exactly the files git lists for the checkout (tracked files that exist, and new
files that git does not ignore), less the few that galaxy.yml's build_ignore keeps out on purpose
(DELIBERATELY_LEFT_OUT) and galaxy.yml itself (replaced by MANIFEST.json), plus MANIFEST.json and
FILES.json. A local artefact (a virtual environment, *.egg-info, a cache folder...) in the tarball is an
error, and so is a file of the collection that is missing from it. Every .gitignore pattern must also
be in build_ignore, so that what is ignored for git is ignored for the build too.
"""
import fnmatch
import os
import subprocess
import sys
import tarfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Tracked, but not part of what users get: the CI wiring of this repository.
DELIBERATELY_LEFT_OUT = (".ci",)
ADDED_BY_THE_BUILD = {"MANIFEST.json", "FILES.json"}


def git_files():
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                         check=True, stdout=subprocess.PIPE).stdout.decode("utf-8")
    return {name for name in out.split("\0") if name and os.path.isfile(os.path.join(ROOT, name))}


def left_out(name):
    return name == "galaxy.yml" or any(name == top or name.startswith(top + "/") for top in DELIBERATELY_LEFT_OUT)


def tarball_files(path):
    with tarfile.open(path) as tar:
        return {member.name for member in tar.getmembers() if not member.isdir()}


def gitignore_patterns():
    patterns = []
    with open(os.path.join(ROOT, ".gitignore")) as stream:
        for line in stream:
            line = line.strip()
            if line and not line.startswith("#"):
                patterns.append(line.strip("/"))
    return patterns


def build_ignore_errors():
    with open(os.path.join(ROOT, "galaxy.yml")) as stream:
        build_ignore = yaml.safe_load(stream).get("build_ignore") or []
    errors = []
    for pattern in gitignore_patterns():
        if pattern not in build_ignore:
            errors.append("galaxy.yml build_ignore lacks the .gitignore pattern %r" % pattern)
    for top in DELIBERATELY_LEFT_OUT:
        if top not in build_ignore:
            errors.append("galaxy.yml build_ignore lacks %r" % top)
    return errors


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: check_collection_tarball.py TARBALL")
    errors = build_ignore_errors()

    built = tarball_files(argv[1])
    expected = {name for name in git_files() if not left_out(name)} | ADDED_BY_THE_BUILD
    for name in sorted(built - expected):
        errors.append("in the tarball but not a file of the collection (local artefact?): %s" % name)
    for name in sorted(expected - built):
        errors.append("a file of the collection missing from the tarball: %s" % name)
    for name in sorted(built):
        if any(fnmatch.fnmatch(part, pattern) for part in name.split("/") for pattern in ("__pycache__", "*.pyc", "*.egg-info")):
            errors.append("a build artefact in the tarball: %s" % name)
    if errors:
        print("\n".join("error: " + error for error in errors), file=sys.stderr)
        return 1
    print("%s: %d files, exactly the collection's (git's list less %s and galaxy.yml, plus %s)" % (
        os.path.basename(argv[1]), len(built), ", ".join(DELIBERATELY_LEFT_OUT), " and ".join(sorted(ADDED_BY_THE_BUILD))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
