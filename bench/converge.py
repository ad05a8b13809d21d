"""Whole-account converge: one ``<provider>_applications`` task per provider.

Against the sandbox, N applications spread evenly over the providers, three plays of
the same four tasks (credentials from the environment, as users run them):

- a create of all N (an empty account);
- a converged run (nothing differs): the target is the listing pages and nothing else;
- a run where D applications are described differently: exactly D writes.

Reported: wall time and the requests the sandbox received (reads / writes), and the
summary counts the modules returned. Nothing is asserted about time.
"""

from __future__ import annotations

import argparse
import json
import sys

from common import RESULTS, Sandbox, markdown_table, provider_cases, run_playbook, write_results

PLAY = """
- name: Converge every application, one task per provider
  hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
%s
    - name: Write the summaries
      ansible.builtin.copy:
        content: "{{ summaries | to_json }}"
        dest: "{{ out }}"
        mode: "0644"
      vars:
        summaries: %s
"""
TASK = """
    - name: Converge the %(provider)s applications
      cpaas.callbacks.%(provider)s_applications:
        applications: "{{ cpaas_applications | selectattr('provider', 'equalto', '%(provider)s') | map(attribute='options') | list }}"
        parallel: %(parallel)d
      register: result_%(provider)s
"""


def play_text(providers, parallel):
    tasks = "".join(TASK % {"provider": provider, "parallel": parallel} for provider in providers)
    summaries = json.dumps({provider: "{{ result_%s.summary }}" % provider for provider in providers})
    return PLAY % (tasks, summaries)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--drifted", type=int, default=50, help="applications described differently in the third run")
    parser.add_argument("--parallel", type=int, default=4)
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ansible-tmp").mkdir(exist_ok=True)
    cases = provider_cases()
    providers = [case.name for case in cases]
    step = max(1, args.applications // max(1, args.drifted))
    # Spread the drifted ones over every provider: the i-th drifted application is i*step + i%providers.
    drift_at = {i * step + i % len(cases) for i in range(args.drifted)} if args.drifted else set()
    described, drifted = [], []
    for index in range(args.applications):
        case = cases[index % len(cases)]
        name = "converge-%04d" % index
        described.append({"name": name, "provider": case.name, "options": case.desired(name)})
        if index in drift_at:
            drifted.append({"name": name, "provider": case.name, "options": case.changed(name)})
    changed_names = {app["name"]: app for app in drifted}
    drifted_description = [changed_names.get(app["name"], app) for app in described]

    play = RESULTS / "converge.yml"
    play.write_text(play_text(providers, args.parallel))
    rows, figures = [], {}
    with Sandbox() as sandbox:
        sandbox.reset()
        for key, label, apps in (("create", "create of all", described), ("converged", "converged", described),
                                 ("drifted", "%d drifted" % len(drifted), drifted_description)):
            variables = RESULTS / ("converge-%s-vars.json" % key)
            variables.write_text(json.dumps({"cpaas_applications": apps}))
            out = RESULTS / ("converge-%s-summary.json" % key)
            sandbox.clear_requests()
            seconds, _completed = run_playbook(play, sandbox, ["-e", "@" + str(variables), "-e", "out=" + str(out)])
            reads, writes = sandbox.counts()
            summaries = json.loads(out.read_text())
            totals = {field: sum(summary[field] for summary in summaries.values())
                      for field in ("created", "updated", "unchanged", "deleted", "failed")}
            figures[key] = {"run": label, "applications": len(apps), "seconds": seconds, "reads": reads, "writes": writes,
                            "summary": totals, "per_provider": summaries}
            rows.append((label, len(apps), "%.1f" % seconds, reads, writes,
                         "%(created)d / %(updated)d / %(unchanged)d / %(failed)d" % totals))
    write_results("converge", {"applications": args.applications, "providers": providers, "parallel": args.parallel,
                               "runs": figures},
                  markdown_table(["run", "applications", "wall time (s)", "reads", "writes",
                                  "created / updated / unchanged / failed"], rows),
                  notes=["%d applications spread evenly over %s; one `<provider>_applications` task each, parallel=%d."
                         % (args.applications, ", ".join(providers), args.parallel),
                         "Requests counted from the sandbox's request log. Vobiz answers a write without the application, "
                         "so each Vobiz create or update is followed by one read-back."])
    return 0


if __name__ == "__main__":
    sys.exit(main())
