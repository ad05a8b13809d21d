"""The callback_receiver role's templates, rendered by Ansible, as the receiver reads them.

Molecule runs the role without systemd; this checks what systemd would get (the unit's
command line is one the receiver's CLI accepts) and that the configuration the role
writes is one the receiver loads, secrets included, for both service managers.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import yaml

from cpaas_receiver.cli import build_parser
from cpaas_receiver.config import load_config

from .conftest import ROOT

PLAYBOOK_BIN = Path(sys.executable).with_name("ansible-playbook")
TEMPLATES = ROOT / "roles" / "callback_receiver" / "templates"
DEFAULTS = ROOT / "roles" / "callback_receiver" / "defaults" / "main.yml"

PLAY = """
- hosts: localhost
  gather_facts: false
  connection: local
  vars_files: [{defaults}, {extra}]
  tasks:
    - ansible.builtin.template: {{src: "{templates}/receiver.yml.j2", dest: "{out}/receiver.yml", mode: "0600"}}
    - ansible.builtin.template: {{src: "{templates}/cpaas-receiver.service.j2", dest: "{out}/unit.service", mode: "0600"}}
    - ansible.builtin.template: {{src: "{templates}/receiverctl.sh.j2", dest: "{out}/ctl.sh", mode: "0700"}}
"""


def render(out, variables):
    """The role's templates rendered by ansible-playbook with its defaults plus ``variables``, into ``out``."""
    extra = out / "extra.yml"
    extra.write_text(yaml.safe_dump(dict(variables, role_path=str(ROOT / "roles" / "callback_receiver"))))
    playbook = out / "render.yml"
    playbook.write_text(PLAY.format(defaults=json.dumps(str(DEFAULTS)), extra=json.dumps(str(extra)),
                                    templates=TEMPLATES, out=out))
    result = subprocess.run([str(PLAYBOOK_BIN), "-i", "localhost,", str(playbook)], capture_output=True, text=True, check=False,
                            env={"PATH": str(PLAYBOOK_BIN.parent) + ":/usr/bin:/bin", "ANSIBLE_LOCALHOST_WARNING": "false",
                                 "ANSIBLE_HOME": str(out / ".ansible"), "HOME": str(out)})
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    return render(tmp_path_factory.mktemp("role"), {
        "callback_receiver_admin_token": "role-admin-token",
        "callback_receiver_public_base_url": "https://hooks.example.com",
        "callback_receiver_port": 9123,
        "callback_receiver_workers": 3,
        "callback_receiver_threads": 48,
        "callback_receiver_body_timeout": 7.5,
        "callback_receiver_data_dir": "/srv/receiver data",
        "callback_receiver_endpoints": [
            {"path": "/twilio/voice", "provider": "twilio", "methods": ["POST"],
             "basic_auth": {"username": "tw", "password": "p@ss: 'quoted' \"and\" #hash"}, "signing_secret": "tw-token"},
            {"path": "/bw/status", "provider": "bandwidth", "kind": "status"},
        ],
    })


def test_the_written_configuration_loads_with_its_secrets(rendered):
    config = load_config(str(rendered / "receiver.yml"), environ={})
    assert config.admin_token == "role-admin-token"
    assert config.public_base_url == "https://hooks.example.com"
    assert config.database == "/srv/receiver data/events.db"
    endpoints = config.endpoint_map()
    assert endpoints["/twilio/voice"].password == "p@ss: 'quoted' \"and\" #hash"
    assert endpoints["/twilio/voice"].signing_secret == "tw-token"
    assert endpoints["/bw/status"].kind == "status"


def test_the_systemd_unit_runs_gunicorn_with_the_role_settings(rendered):
    unit = (rendered / "unit.service").read_text()
    exec_start = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    argv = shlex.split(exec_start[len("ExecStart="):])
    assert argv[0] == "/opt/cpaas-receiver/venv/bin/cpaas-receiver"
    args = build_parser().parse_args(argv[1:])
    assert (args.port, args.workers, args.threads, args.body_timeout, args.dev_server) == (9123, 3, 48, 7.5, False)
    assert args.config == "/etc/cpaas-receiver/receiver.yml"
    assert args.db is None  # the database comes from the configuration file (it may hold a password)
    assert "User=cpaas-receiver" in unit and 'ReadWritePaths="/srv/receiver data"' in unit


def test_the_control_script_is_valid_shell(rendered):
    assert subprocess.run(["sh", "-n", str(rendered / "ctl.sh")], check=False).returncode == 0
    usage = subprocess.run(["sh", str(rendered / "ctl.sh")], capture_output=True, text=True, check=False)
    assert usage.returncode == 2 and "usage:" in usage.stderr


HOSTILE_PASSWORD = "p@ss/w:rd%2F #?&'x"


def test_a_postgresql_url_and_its_password_reach_the_server(tmp_path, postgres_server):
    """The rendered configuration logs in to a real PostgreSQL with a password full of URL syntax."""
    postgres_server.admin("CREATE ROLE hostile LOGIN PASSWORD '%s'" % HOSTILE_PASSWORD.replace("'", "''"))
    url = "postgresql://hostile@127.0.0.1:%d/postgres" % postgres_server.port
    out = render(tmp_path, {"callback_receiver_admin_token": "role-admin-token", "callback_receiver_database_url": url,
                            "callback_receiver_database_password": HOSTILE_PASSWORD})
    config = load_config(str(out / "receiver.yml"), environ={})
    with psycopg.connect(config.database, connect_timeout=10) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("hostile",)
    assert HOSTILE_PASSWORD not in (out / "unit.service").read_text() + (out / "ctl.sh").read_text()


def test_without_a_database_url_the_store_is_sqlite_in_the_data_dir(rendered):
    assert load_config(str(rendered / "receiver.yml"), environ={}).database == "/srv/receiver data/events.db"


def test_the_control_script_starts_threaded_workers_with_the_body_timeout(rendered):
    script = (rendered / "ctl.sh").read_text()
    command = script[script.index("bin/cpaas-receiver"):script.index(">>")].replace("\\\n", " ")
    args = build_parser().parse_args(shlex.split(command)[1:])
    assert (args.workers, args.threads, args.body_timeout) == (3, 48, 7.5)
    assert args.db is None
