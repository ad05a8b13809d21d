"""Task overhead: 50 converged ``<provider>_application`` tasks against the sandbox, as a
ratio of their play's wall time to a play of 50 ``ansible.builtin.ping`` tasks (median
of several runs, alternated so that both see the same machine)."""

from __future__ import annotations

import argparse
import sys

import yaml
from common import RESULTS, Sandbox, markdown_table, median, provider_cases, run_module, run_playbook, write_results


def write_play(path, tasks):
    play = [{
        "name": path.stem,
        "hosts": "localhost",
        "gather_facts": False,
        "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
        "tasks": tasks,
    }]
    path.write_text(yaml.safe_dump(play, sort_keys=False))
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ansible-tmp").mkdir(exist_ok=True)
    ping = write_play(RESULTS / "overhead-ping.yml",
                      [{"name": "ping %d" % index, "ansible.builtin.ping": None} for index in range(args.tasks)])
    results, rows = {}, []
    with Sandbox() as sandbox:
        for case in provider_cases():
            sandbox.reset()
            name = "overhead-%s" % case.name
            options = case.desired(name)
            created = run_module(case.module, dict(case.auth(sandbox), **options))
            assert created.get("changed") is True, created
            module = "cpaas.callbacks.%s_application" % case.name
            # Credentials and the API URL come from the environment (the sandbox's --print-env).
            play = write_play(RESULTS / ("overhead-%s.yml" % case.name),
                              [{"name": "converged %d" % index, module: options} for index in range(args.tasks)])
            module_times, ping_times = [], []
            for _run in range(args.runs):
                sandbox.clear_requests()
                seconds, completed = run_playbook(play, sandbox)
                if "changed=0" not in completed.stdout:
                    raise RuntimeError("the converged play changed something:\n" + completed.stdout[-3000:])
                module_times.append(seconds)
                ping_times.append(run_playbook(ping, sandbox)[0])
            reads, writes = sandbox.counts(case.name)
            results[case.name] = {"tasks": args.tasks, "runs": args.runs, "module_seconds": module_times, "ping_seconds": ping_times,
                                  "module_median": median(module_times), "ping_median": median(ping_times),
                                  "ratio": median(module_times) / median(ping_times), "last_run_reads": reads, "last_run_writes": writes}
            row = results[case.name]
            rows.append((module, args.tasks, "%.2f" % row["module_median"], "%.2f" % row["ping_median"], "%.2f" % row["ratio"],
                         "%.1f" % (1000 * (row["module_median"] - row["ping_median"]) / args.tasks), "%d / %d" % (reads, writes)))
    write_results("overhead", {"providers": results},
                  markdown_table(["module", "tasks", "play (s, median)", "ping play (s, median)", "ratio",
                                  "extra ms per task", "reads / writes (last run)"], rows),
                  notes=["Median of %d runs each, alternated; localhost, local connection, pipelining on." % args.runs,
                         "The extra time per task is the module's own work: its request to the sandbox and its comparison."])
    return 0


if __name__ == "__main__":
    sys.exit(main())
