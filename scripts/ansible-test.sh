#!/usr/bin/env bash
# Run ansible-test from the project's virtual environment, offline and without
# touching the user's own ~/.ansible. Usage: scripts/ansible-test.sh ARGS...
# (the arguments of ansible-test, e.g. `sanity --python 3.11 --local`).
#
# - ansible-test wants the collection at .../ansible_collections/cpaas/callbacks:
#   the working tree (tracked files that still exist, plus new files that are not
#   ignored, exactly what git would list) is mirrored to
#   .cache/ansible-test/ansible_collections/cpaas/callbacks before every run.
# - ansible-test lists a collection's files with git when the collection sits in a
#   git work tree; the mirror lives under the ignored .cache/ of this checkout, so
#   it gets an empty git repository of its own (`git init`, no commit): git then
#   lists every file that is not ignored, as in the checkout.
# - Ignored files that ansible-test still reads (tests/integration/integration_config.yml,
#   written by scripts/write_integration_config.sh) are copied explicitly.
# - HOME points inside .cache/ so ansible-test's caches and virtual environments
#   stay in the project, and the user's ~/.ansible is left alone.
# - ansible-test bootstraps pip in its virtual environments with a downloaded
#   get-pip.py; scripts/get_pip_offline.py is put in its cache instead, under the
#   name of every pip version this ansible-test asks for.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"
work="$root/.cache/ansible-test"
dest="$work/ansible_collections/cpaas/callbacks"

if [[ ! -x $venv/bin/ansible-test ]]; then
  echo "error: $venv/bin/ansible-test is missing: run 'make venv' first" >&2
  exit 1
fi

mkdir -p "$work"
# One run at a time per checkout: a second run would rebuild the mirror under the first.
# The lock (on file descriptor 9) is inherited by ansible-test and released when it exits.
exec 9>"$work/.lock"
if ! flock --nonblock 9; then
  echo "scripts/ansible-test.sh: waiting for another ansible-test run in this checkout to finish..." >&2
  flock 9
fi

export HOME="$work/home"
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache" "$dest"

# The pip versions ansible-test bootstraps (24.2 for ansible-core 2.19), read from
# ansible-test itself so an ansible-core upgrade cannot silently bring the download back.
pip_versions=$("$venv/bin/python" - <<'PY'
import types

from ansible_test._internal.python_requirements import get_venv_packages
from ansible_test._internal.util import SUPPORTED_PYTHON_VERSIONS

versions = {get_venv_packages(types.SimpleNamespace(version=v))["pip"] for v in SUPPORTED_PYTHON_VERSIONS}
print(" ".join(sorted(versions)))
PY
)
for version in $pip_versions; do
  cp "$root/scripts/get_pip_offline.py" "$cache/get_pip_${version//./_}.py"
done

# Mirror the working tree: remove everything but the mirror's own .git, then copy
# what git lists (NUL-separated, so names with spaces or newlines are safe), minus
# tracked files deleted from the working tree.
find "$dest" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
[[ -d $dest/.git ]] || git -C "$dest" init --quiet
(
  cd "$root"
  git ls-files --cached --others --exclude-standard -z >"$work/files.all"
  git ls-files --deleted -z >"$work/files.deleted"
  # keep the files of the first list that are not in the second one
  "$venv/bin/python" -c '
import sys
all_, deleted = (open(p, "rb").read().split(b"\0") for p in sys.argv[1:3])
gone = set(deleted)
sys.stdout.buffer.write(b"".join(p + b"\0" for p in all_ if p and p not in gone))
' "$work/files.all" "$work/files.deleted" >"$work/files.copy"
  tar --create --file - --no-recursion --null --files-from "$work/files.copy"
) | tar --extract --file - --directory "$dest"
extras=(tests/integration/integration_config.yml)
for extra in "${extras[@]}"; do
  if [[ -f $root/$extra ]]; then
    mkdir -p "$(dirname "$dest/$extra")"
    cp "$root/$extra" "$dest/$extra"
  fi
done

cd "$dest"
export PATH="$venv/bin:$PATH"
exec "$venv/bin/ansible-test" "$@"
