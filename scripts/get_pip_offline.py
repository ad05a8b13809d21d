"""Offline stand-in for the get-pip.py script that ansible-test downloads.

ansible-test bootstraps pip in each of its virtual environments by running a
downloaded get-pip.py (``python get-pip.py --disable-pip-version-check pip==24.2
--no-setuptools --no-wheel``). This network does not reach that download, so
scripts/ansible-test.sh places this file in ansible-test's cache instead. It does
what get-pip.py does, from what is already here:

1. install the pip bundled with Python (``ensurepip``, no download);
2. have that pip install the requested packages (``pip==X`` and options) from the
   configured package index;
3. honour ``--no-setuptools`` / ``--no-wheel``: ensurepip of Python 3.11 also
   installs setuptools, which get-pip.py would not have installed, so it is
   removed again and the environment holds what ansible-test expects.
"""
import subprocess
import sys

SKIP_OPTIONS = {"--no-setuptools": "setuptools", "--no-wheel": "wheel"}


def pip(*args):
    subprocess.check_call([sys.executable, "-m", "pip", *args])


def main():
    args = sys.argv[1:]
    unwanted = [SKIP_OPTIONS[a] for a in args if a in SKIP_OPTIONS]
    requested = [a for a in args if a not in SKIP_OPTIONS]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
    pip("install", *requested)
    for name in unwanted:
        if name not in " ".join(requested):
            # pip only warns (exit code 0) when the package is not installed
            pip("uninstall", "--yes", "--quiet", "--disable-pip-version-check", name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
