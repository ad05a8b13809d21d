"""Drift at scale: check-mode drift of many applications spread over the providers.

Two ways the collection offers, against the same sandbox state (N applications, a
share of them drifted):

- per application: one ``<provider>_application`` task per application in check mode
  (what ``playbooks/drift.yml`` did before it used ``<provider>_applications``); measured on a sample and extrapolated to N
  (linear: each task is independent), unless ``--full``;
- listing: one ``<provider>_application_info`` task per provider and the
  ``cpaas.callbacks.application_drift`` filter, with no task and no request per
  application; measured on all N.

Reported: wall time, requests sent (from the sandbox's request log), and whether both
ways found the same drifted applications (on the sample).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from common import RESULTS, Sandbox, markdown_table, provider_cases, run_module, run_playbook, write_results

PER_APP_PLAY = """
- name: Drift, one check-mode task per application
  hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
%s
    - name: Write the drifted names
      ansible.builtin.copy:
        content: "{{ drifted | to_json }}"
        dest: "{{ out }}"
        mode: "0644"
      check_mode: false
      vars:
        drifted: "{{ %s }}"
"""
PER_PROVIDER_TASK = """
    - name: Check %(provider)s applications
      cpaas.callbacks.%(provider)s_application: "{{ item.options }}"
      check_mode: true
      loop: "{{ cpaas_applications | selectattr('provider', 'equalto', '%(provider)s') | list }}"
      loop_control:
        label: "{{ item.name }}"
      register: result_%(provider)s
"""
LISTING_PLAY = """
- name: Drift, one listing per provider and the application_drift filter
  hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
%s
    - name: Compare every described application with the listings
      ansible.builtin.set_fact:
        drift_report: "{{ cpaas_applications | cpaas.callbacks.application_drift(listings) }}"
      vars:
        listings: %s

    - name: Write the drifted names
      ansible.builtin.copy:
        content: "{{ drift_report | selectattr('drift') | map(attribute='name') | list | to_json }}"
        dest: "{{ out }}"
        mode: "0644"
      check_mode: false
"""
INFO_TASK = """
    - name: List every %(provider)s application
      cpaas.callbacks.%(provider)s_application_info:
      register: listing_%(provider)s
"""


def per_app_play(providers):
    tasks = "".join(PER_PROVIDER_TASK % {"provider": provider} for provider in providers)
    drifted = " + ".join("(result_%s.results | selectattr('changed') | map(attribute='item.name') | list)" % provider
                         for provider in providers)
    return PER_APP_PLAY % (tasks, drifted)


def listing_play(providers):
    tasks = "".join(INFO_TASK % {"provider": provider} for provider in providers)
    listings = json.dumps({provider: "{{ listing_%s }}" % provider for provider in providers})
    return LISTING_PLAY % (tasks, listings)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=100, help="applications checked one task each (default 100)")
    parser.add_argument("--full", action="store_true", help="check every application one task each (slow)")
    parser.add_argument("--drift-every", type=int, default=20, help="every n-th application is described differently (default 20: 5%%)")
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ansible-tmp").mkdir(exist_ok=True)
    cases = provider_cases()
    providers = [case.name for case in cases]
    with Sandbox() as sandbox:
        sandbox.reset()
        described = []
        started = time.perf_counter()
        for index in range(args.applications):
            case = cases[index % len(cases)]
            name = "drift-%04d" % index
            created = run_module(case.module, dict(case.auth(sandbox), **case.desired(name)))
            assert created.get("changed") is True, created
            options = case.changed(name) if index % args.drift_every == 0 else case.desired(name)
            described.append({"name": name, "provider": case.name, "options": options})
        setup_seconds = time.perf_counter() - started
        expected = sorted(app["name"] for index, app in enumerate(described) if index % args.drift_every == 0)

        sample = described if args.full else described[: args.sample]
        figures = {}
        for label, play_text, apps in (("per application", per_app_play(providers), sample),
                                       ("listing + filter", listing_play(providers), described)):
            key = "per_application" if label == "per application" else "listing"
            (RESULTS / ("drift-%s-vars.json" % key)).write_text(json.dumps({"cpaas_applications": apps}))
            play = RESULTS / ("drift-%s.yml" % key)
            play.write_text(play_text)
            out = RESULTS / ("drift-%s-drifted.json" % key)
            sandbox.clear_requests()
            seconds, _completed = run_playbook(play, sandbox, ["-e", "@" + str(RESULTS / ("drift-%s-vars.json" % key)), "-e", "out=" + str(out)])
            reads, writes = sandbox.counts()
            drifted = sorted(json.loads(out.read_text()))
            wanted = sorted(app["name"] for app in apps if app["name"] in expected)
            scale = args.applications / len(apps)
            figures[key] = {"method": label, "applications_checked": len(apps), "seconds": seconds, "reads": reads, "writes": writes,
                            "seconds_for_all": seconds * scale, "requests_for_all": round((reads + writes) * scale),
                            "extrapolated": len(apps) != args.applications, "drift_found": len(drifted),
                            "drift_found_is_right": drifted == wanted}
    ratio = figures["per_application"]["seconds_for_all"] / figures["listing"]["seconds_for_all"]
    rows = [(row["method"], row["applications_checked"], "%.1f" % row["seconds"], "%d / %d" % (row["reads"], row["writes"]),
             ("%.0f (extrapolated)" if row["extrapolated"] else "%.0f") % row["seconds_for_all"], row["requests_for_all"],
             "yes" if row["drift_found_is_right"] else "NO") for row in figures.values()]
    write_results("drift", {"applications": args.applications, "providers": providers, "drift_every": args.drift_every,
                            "setup_seconds": setup_seconds, "methods": figures, "speedup": ratio},
                  markdown_table(["method", "applications checked", "wall time (s)", "reads / writes",
                                  "wall time for %d (s)" % args.applications, "requests for %d" % args.applications,
                                  "found exactly the drifted ones"], rows),
                  notes=["%d applications spread evenly over %s; every %dth one described differently (drift)."
                         % (args.applications, ", ".join(providers), args.drift_every),
                         "Per application: measured on %d applications and scaled linearly to %d (one independent task each)."
                         % (len(sample), args.applications) if not args.full else "Per application: every application measured.",
                         "Listing + filter is %.0f times faster for %d applications." % (ratio, args.applications)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
