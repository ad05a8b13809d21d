"""The callback_receiver role's templates, rendered by Ansible, as the receiver reads them.

Molecule runs the role without systemd; this checks what systemd would get (the unit's
command line is one the receiver's CLI accepts, with the server and threads the role's
variables choose) and that the configuration the role writes is one the receiver loads,
secrets included, for both service managers. Also: the role's defaults are the ones its
argument_specs document, and an unknown server fails the role before any task runs.
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

from cpaas_receiver.cli import DEFAULT_THREADS, build_parser
from cpaas_receiver.config import load_config

from .conftest import ROOT

PLAYBOOK_BIN = Path(sys.executable).with_name("ansible-playbook")
TEMPLATES = ROOT / "roles" / "callback_receiver" / "templates"
DEFAULTS = ROOT / "roles" / "callback_receiver" / "defaults" / "main.yml"
ARGUMENT_SPECS = ROOT / "roles" / "callback_receiver" / "meta" / "argument_specs.yml"

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


def run_playbook(out, playbook):
    return subprocess.run([str(PLAYBOOK_BIN), "-i", "localhost,", str(playbook)], capture_output=True, text=True, check=False,
                          env={"PATH": str(PLAYBOOK_BIN.parent) + ":/usr/bin:/bin", "ANSIBLE_LOCALHOST_WARNING": "false",
                               "ANSIBLE_HOME": str(out / ".ansible"), "HOME": str(out),
                               "ANSIBLE_ROLES_PATH": str(ROOT / "roles")})


def render(out, variables):
    """The role's templates rendered by ansible-playbook with its defaults plus ``variables``, into ``out``."""
    extra = out / "extra.yml"
    extra.write_text(yaml.safe_dump(dict(variables, role_path=str(ROOT / "roles" / "callback_receiver"))))
    playbook = out / "render.yml"
    playbook.write_text(PLAY.format(defaults=json.dumps(str(DEFAULTS)), extra=json.dumps(str(extra)),
                                    templates=TEMPLATES, out=out))
    result = run_playbook(out, playbook)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def unit_command(out):
    """The receiver's arguments in the unit's ExecStart, as its CLI parses them."""
    unit = (out / "unit.service").read_text()
    exec_start = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    argv = shlex.split(exec_start[len("ExecStart="):])
    assert argv[0] == "/opt/cpaas-receiver/venv/bin/cpaas-receiver"
    return build_parser().parse_args(argv[1:])


def control_script_command(out):
    """The receiver's arguments in the control script's start command, as its CLI parses them."""
    script = (out / "ctl.sh").read_text()
    command = script[script.index("bin/cpaas-receiver"):script.index(">>")].replace("\\\n", " ")
    return build_parser().parse_args(shlex.split(command)[1:])


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


def test_the_systemd_unit_runs_granian_with_the_role_settings(rendered):
    args = unit_command(rendered)
    assert (args.server, args.port, args.workers, args.threads, args.body_timeout, args.dev_server) == (
        "granian", 9123, 3, 48, 7.5, False)
    assert args.config == "/etc/cpaas-receiver/receiver.yml"
    assert args.db is None  # the database comes from the configuration file (it may hold a password)
    unit = (rendered / "unit.service").read_text()
    assert "User=cpaas-receiver" in unit and 'ReadWritePaths="/srv/receiver data"' in unit
    assert "Description=cpaas.callbacks callback receiver (granian)" in unit.splitlines()


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


def test_the_control_script_starts_granian_with_the_role_settings(rendered):
    args = control_script_command(rendered)
    assert (args.server, args.port, args.workers, args.threads, args.body_timeout) == ("granian", 9123, 3, 48, 7.5)
    assert args.db is None


@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_without_threads_the_receiver_picks_the_servers_default(tmp_path, server):
    """Unset threads are left out of both command lines, so cpaas-receiver's default for the server applies."""
    variables = {"callback_receiver_admin_token": "role-admin-token"}
    if server != "granian":
        variables["callback_receiver_server"] = server  # granian: the role's default
    out = render(tmp_path, variables)
    for args in (unit_command(out), control_script_command(out)):
        assert (args.server, args.threads, args.workers, args.body_timeout) == (server, None, 2, 10.0)
    assert "Description=cpaas.callbacks callback receiver (%s)" % server in (out / "unit.service").read_text()
    # what cpaas-receiver then runs with (its documented defaults, which the role's docs repeat)
    assert DEFAULT_THREADS == {"granian": 16, "gunicorn": 64}


def test_gunicorn_with_threads_set(tmp_path):
    out = render(tmp_path, {"callback_receiver_admin_token": "role-admin-token", "callback_receiver_server": "gunicorn",
                            "callback_receiver_threads": 128})
    for args in (unit_command(out), control_script_command(out)):
        assert (args.server, args.threads) == ("gunicorn", 128)


def test_the_defaults_are_the_documented_ones():
    """defaults/main.yml and meta/argument_specs.yml (what ansible-doc shows) name the same variables and defaults."""
    defaults = yaml.safe_load(DEFAULTS.read_text())
    options = yaml.safe_load(ARGUMENT_SPECS.read_text())["argument_specs"]["main"]["options"]
    assert set(defaults) == set(options)
    optional = [name for name in defaults if not options[name].get("required")]
    assert {name: options[name].get("default") for name in optional} == {name: defaults[name] for name in optional}
    assert "granian==2.8.9" in defaults["callback_receiver_packages"]
    assert options["callback_receiver_server"]["choices"] == ["granian", "gunicorn"]


def test_the_pinned_servers_are_the_projects():
    """The role installs the granian and gunicorn that the project's requirements.txt pins (and tests with)."""
    pinned = set((ROOT / "requirements.txt").read_text().split())
    packages = yaml.safe_load(DEFAULTS.read_text())["callback_receiver_packages"]
    for server in ("granian", "gunicorn"):
        role_pins = [package for package in packages if package.startswith(server + "==")]
        assert len(role_pins) == 1 and role_pins[0] in pinned, (server, role_pins)


# The token is too short as well: should argument validation ever let the role start, its first
# task (the token check) stops it before it touches this machine.
VALIDATION_PLAY = """
- hosts: localhost
  gather_facts: false
  connection: local
  tasks:
    - ansible.builtin.include_role:
        name: callback_receiver
      vars:
        callback_receiver_admin_token: short
        {variable}: {value}
        callback_receiver_create_user: false
        callback_receiver_install_os_packages: false
        callback_receiver_service_manager: none
        callback_receiver_install_dir: {base}/opt
        callback_receiver_config_dir: {base}/etc
        callback_receiver_data_dir: {base}/data
        callback_receiver_log_dir: {base}/log
"""


def test_an_unknown_server_fails_before_any_task_naming_the_variable_and_choices(tmp_path):
    install_dir = tmp_path / "opt"
    playbook = tmp_path / "bad.yml"
    playbook.write_text(VALIDATION_PLAY.format(base=tmp_path, variable="callback_receiver_server", value="uwsgi"))
    result = run_playbook(tmp_path, playbook)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "callback_receiver_server" in output and "granian, gunicorn" in output and "uwsgi" in output, output
    assert "Validating arguments against arg spec" in output
    # the first of the role's own tasks never ran, nor anything after it
    assert "Check the variables that argument_specs cannot" not in output and not install_dir.exists()


@pytest.mark.parametrize(("variable", "value"), [("callback_receiver_threads", 0), ("callback_receiver_workers", 0),
                                                 ("callback_receiver_body_timeout", 0)])
def test_worker_settings_the_receiver_would_refuse_fail_before_anything_is_installed(tmp_path, variable, value):
    playbook = tmp_path / "bad.yml"
    playbook.write_text(VALIDATION_PLAY.format(base=tmp_path, variable=variable, value=value))
    result = run_playbook(tmp_path, playbook)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Check the worker settings" in output and variable in output, output
    assert "Check the variables that argument_specs cannot" not in output and not (tmp_path / "opt").exists()


@pytest.mark.parametrize("threads", [None, 8])
def test_unset_or_positive_threads_pass_the_worker_check(tmp_path, threads):
    # a wrong database URL stops the role at its next check, before anything is installed
    playbook = tmp_path / "ok.yml"
    playbook.write_text(VALIDATION_PLAY.format(base=tmp_path, variable="callback_receiver_threads", value=json.dumps(threads))
                        .replace("admin_token: short", "admin_token: role-admin-token\n        callback_receiver_database_url: mysql://x"))
    result = run_playbook(tmp_path, playbook)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "callback_receiver_database_url must be empty" in output, output
    assert not (tmp_path / "opt").exists()
