"""Install this checkout as the collection cpaas.callbacks inside .venv.

Ansible looks for collections in an ``ansible_collections`` folder on its Python
path, so a link from the virtual environment's site-packages to the checkout makes
``.venv/bin/ansible-doc cpaas.callbacks.twilio_application`` and playbooks use the
working tree as it is, with no rebuild after an edit.
"""
import os
import sys
import sysconfig

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    site_packages = sysconfig.get_paths()["purelib"]
    namespace_dir = os.path.join(site_packages, "ansible_collections", "cpaas")
    os.makedirs(namespace_dir, exist_ok=True)
    link = os.path.join(namespace_dir, "callbacks")
    if os.path.islink(link) or os.path.exists(link):
        if os.path.realpath(link) == ROOT:
            return 0
        os.remove(link)
    os.symlink(ROOT, link)
    print("linked %s -> %s" % (link, ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
