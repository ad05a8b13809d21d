#!/usr/bin/env bash
# The collection as users get it: built, checked, imported as Galaxy imports it, installed from the
# tarball into an empty collections path of a fresh virtual environment that holds only the README's
# requirements, and run from there (tests/installed). docs/development.md describes every part.
# Usage: scripts/installed.sh            the oldest ansible-core the collection claims, and the newest
#        scripts/installed.sh --matrix   every minor release in between too (make matrix)
#        scripts/installed.sh VERSION... these ansible-core versions
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# The newest patch release of each minor release pip offers for Python 3.11 (2.20 and later need
# Python 3.12). OLDEST must be the minor release meta/runtime.yml claims (checked below); NEWEST is
# the one the project's virtual environment pins (requirements.txt).
MATRIX=(2.16.19 2.17.14 2.18.19 2.19.14)
OLDEST=${MATRIX[0]}
NEWEST=$(sed -n 's/^ansible-core==//p' requirements.txt)
# The README's requirements, at the versions the project pins.
USER_REQUIREMENTS=("requests==$(sed -n 's/^requests==//p' requirements.txt)" "lxml==$(sed -n 's/^lxml==//p' requirements.txt)")

WORK="$ROOT/.cache/installed"
export PATH="$BIN:$PATH"
export XDG_CACHE_HOME="$ROOT/.cache/xdg"
export ANSIBLE_HOME="$WORK/ansible-home"
mkdir -p "$WORK/venvs"
PART_TIMINGS=()

part() {  # part LABEL COMMAND...: run one part and keep its time
  local label=$1 start=$SECONDS
  shift
  printf '\n--- %s ---\n' "$label"
  "$@"
  PART_TIMINGS+=("$(printf '  %-48s %5ds' "$label" $((SECONDS - start)))")
}

check_minimum() {
  local claimed
  claimed=$("$BIN/python" -c 'import yaml, sys; print(yaml.safe_load(open("meta/runtime.yml"))["requires_ansible"])')
  if [[ $claimed != ">=${OLDEST%.*}.0" ]]; then
    echo "error: meta/runtime.yml requires_ansible is '$claimed' but this test's oldest ansible-core is $OLDEST" >&2
    return 1
  fi
  # The same minimum everywhere a user reads it.
  if ! grep -q "min_ansible_version: \"${OLDEST%.*}\"" roles/callback_receiver/meta/main.yml; then
    echo "error: roles/callback_receiver/meta/main.yml min_ansible_version is not ${OLDEST%.*}" >&2
    return 1
  fi
  if ! grep -q "ansible-core ${OLDEST%.*} or later" README.md; then
    echo "error: README.md does not say \"ansible-core ${OLDEST%.*} or later\"" >&2
    return 1
  fi
  if [[ $NEWEST != "${MATRIX[-1]}" ]]; then
    echo "error: requirements.txt pins ansible-core $NEWEST, the newest of MATRIX is ${MATRIX[-1]}" >&2
    return 1
  fi
}

changelog_released() {
  # Users read CHANGELOG.md: every fragment must be in a release (make changelog adds it).
  "$BIN/python" - <<'PY'
import os, sys, yaml
released = set()
for release in (yaml.safe_load(open("changelogs/changelog.yaml")).get("releases") or {}).values():
    released.update(release.get("fragments") or [])
pending = sorted(set(name for name in os.listdir("changelogs/fragments") if name.endswith((".yml", ".yaml"))) - released)
if pending:
    sys.exit("error: changelog fragments not in any release of changelogs/changelog.yaml (run make changelog): " + ", ".join(pending))
# A fragment edited after its release would leave the old words in CHANGELOG.md: every entry must be there as written.
entries = set()
for release in (yaml.safe_load(open("changelogs/changelog.yaml")).get("releases") or {}).values():
    for section, items in (release.get("changes") or {}).items():
        for item in ([items] if isinstance(items, str) else items):
            entries.add((section, " ".join(item.split())))
stale = []
for name in sorted(os.listdir("changelogs/fragments")):
    if not name.endswith((".yml", ".yaml")):
        continue
    for section, items in (yaml.safe_load(open(os.path.join("changelogs/fragments", name))) or {}).items():
        for item in ([items] if isinstance(items, str) else items):
            if (section, " ".join(item.split())) not in entries:
                stale.append("%s (%s)" % (name, section))
if stale:
    sys.exit("error: changelog fragments changed after their release (empty changelogs/changelog.yaml's releases and run "
             "make changelog): " + ", ".join(sorted(set(stale))))
print("every changelog fragment is in a release, as written")
PY
}

build() {
  rm -rf "$WORK/dist"
  "$BIN/ansible-galaxy" collection build --output-path "$WORK/dist" .
  TARBALL=$(ls "$WORK"/dist/cpaas-callbacks-*.tar.gz)
  "$BIN/python" scripts/check_collection_tarball.py "$TARBALL"
}

galaxy_importer() {
  # Galaxy's own import checks. Its ansible-test run needs a container engine, so it is off;
  # ansible-test sanity is a step of its own (make sanity).
  local dir="$WORK/galaxy-importer"
  rm -rf "$dir"
  mkdir -p "$dir"
  printf '[galaxy-importer]\nRUN_ANSIBLE_TEST = False\nRUN_ANSIBLE_LINT = True\nCHECK_REQUIRED_TAGS = False\n' >"$dir/galaxy-importer.cfg"
  (cd "$dir" && GALAXY_IMPORTER_CONFIG="$dir/galaxy-importer.cfg" "$BIN/python" -m galaxy_importer.main "$TARBALL") | tee "$dir/import.log"
  # It exits 0 on some refusals it only reports; its log says so.
  if grep -E '^(ERROR|WARNING)' "$dir/import.log"; then
    echo "error: galaxy-importer reported the lines above" >&2
    return 1
  fi
  grep -q 'Importer processing completed successfully' "$dir/import.log"
}

core_venv() {  # core_venv VERSION: a virtual environment with ansible-core VERSION and the README's requirements
  local venv="$WORK/venvs/ansible-core-$1" wanted
  wanted="ansible-core==$1 ${USER_REQUIREMENTS[*]}"
  if [[ ! -f $venv/.installed ]] || [[ $(cat "$venv/.installed") != "$wanted" ]]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    # shellcheck disable=SC2086 # one word per requirement
    "$venv/bin/python" -m pip install --quiet $wanted
    echo "$wanted" >"$venv/.installed"
  fi
  CORE_VENV=$venv
}

install_collection() {  # install_collection VERSION: the tarball into an empty collections path
  COLLECTIONS="$WORK/collections-$1"
  rm -rf "$COLLECTIONS"
  "$CORE_VENV/bin/ansible-galaxy" collection install --collections-path "$COLLECTIONS" "$TARBALL"
}

sandbox_venv() {
  # As docs/sandbox.md tells a tarball-only user: pip install the installed collection's folder.
  SANDBOX_VENV="$WORK/sandbox-venv"
  rm -rf "$SANDBOX_VENV"
  python3 -m venv "$SANDBOX_VENV"
  "$SANDBOX_VENV/bin/python" -m pip install --quiet --upgrade pip
  "$SANDBOX_VENV/bin/python" -m pip install --quiet --constraint requirements.txt "$COLLECTIONS/ansible_collections/cpaas/callbacks"
}

run_suite() {  # run_suite VERSION TEST_FILES...
  local version=$1
  shift
  CPAAS_INSTALLED_BIN="$CORE_VENV/bin" CPAAS_INSTALLED_COLLECTIONS="$COLLECTIONS" CPAAS_INSTALLED_CORE_VERSION="$version" \
    CPAAS_INSTALLED_SANDBOX_BIN="$SANDBOX_VENV/bin" CPAAS_INSTALLED_TARBALL="$TARBALL" \
    run_pytest "installed ($version)" "$@" -q -p no:cacheprovider --rootdir tests/installed --basetemp "$WORK/pytest-$version"
}

versions=("$@")
if ((${#versions[@]} == 0)); then
  versions=("$OLDEST" "$NEWEST")
elif [[ ${versions[0]} == --matrix ]]; then
  versions=("${MATRIX[@]}")
fi

part "ansible-core range" check_minimum
part "changelog released" changelog_released
part "build and check the file list" build
part "galaxy-importer" galaxy_importer
first=1
for version in "${versions[@]}"; do
  part "ansible-core $version: virtual environment" core_venv "$version"
  part "ansible-core $version: install the tarball" install_collection "$version"
  if ((first)); then
    part "sandbox: pip install from the installed copy" sandbox_venv
    part "packaging and execution environment" run_suite "$version" tests/installed/test_packaging.py
    first=0
  fi
  part "ansible-core $version: the installed collection" run_suite "$version" tests/installed/test_installed.py
done
printf '\n=== installed: time per part ===\n'
printf '%s\n' "${PART_TIMINGS[@]}"
printf 'ansible-core versions tested: %s\n' "${versions[*]}"
