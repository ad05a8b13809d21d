#!/usr/bin/env bash
# Run ansible-test from the project's virtual environment, offline and without
# touching the user's own ~/.ansible:
# - ansible-test wants the collection at .../ansible_collections/cpaas/callbacks,
#   so the tracked and new (not ignored) files are copied there under .cache/;
# - HOME points inside .cache/ so ansible-test's caches and venvs stay in the project;
# - its pip bootstrap download is replaced by scripts/get_pip_offline.py.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"
work="$root/.cache/ansible-test"
dest="$work/ansible_collections/cpaas/callbacks"
export HOME="$work/home"
mkdir -p "$HOME/.ansible/test/cache" "$dest"
for version in 24_2 25_0 25_1 25_2 25_3; do
  cp "$root/scripts/get_pip_offline.py" "$HOME/.ansible/test/cache/get_pip_${version}.py"
done
# Mirror the working tree (tracked and untracked-but-not-ignored files).
find "$dest" -mindepth 1 -maxdepth 1 ! -name tests -exec rm -rf {} +
rm -rf "$dest/tests"
(cd "$root" && git ls-files -co --exclude-standard -z | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$dest"
cd "$dest"
export PATH="$venv/bin:$PATH"
exec "$venv/bin/ansible-test" "$@"
