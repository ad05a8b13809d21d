"""Offline stand-in for the get-pip.py script that ansible-test downloads.

ansible-test bootstraps pip in each of its virtual environments by running a
downloaded get-pip.py. This network does not reach that download, so
scripts/ansible-test.sh places this file in ansible-test's cache instead: it
installs the bundled pip with ensurepip, then asks that pip to install the same
packages (pip==X and friends) from the configured package index.
"""
import subprocess
import sys


def main():
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
    args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)


if __name__ == "__main__":
    main()
