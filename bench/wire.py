"""Requests on the wire per provider module.

For each provider: N applications created by the module; then, read from the sandbox's
request log, the requests of a converged run addressed by name, one addressed by id, a
check-mode run that finds drift on every application, and a check-mode run of a new
application. Reported per application: reads and writes (the target when converged:
one read and no write; in check mode: no write ever).
"""

from __future__ import annotations

import argparse
import sys

from common import Sandbox, markdown_table, provider_cases, run_module, write_results


def measure(sandbox, case, count):
    base = dict(case.auth(sandbox), max_retries=0)
    names = ["wire-%03d" % index for index in range(count)]
    for name in names:
        result = run_module(case.module, dict(base, **case.desired(name)))
        assert result.get("changed") is True, result
    ids = {case.record_name(record): case.record_id(record) for record in sandbox.applications(case.name)}
    # The name option stays in the by-id task where it is part of the description (a rename would be a change).
    runs = {
        "converged by name": [(dict(base, **case.desired(name)), False) for name in names],
        "converged by id": [(dict(base, **dict(case.desired(name), **{case.id_option: ids[name]})), False) for name in names],
        "check mode, drifted": [(dict(base, **case.changed(name)), True) for name in names],
        "check mode, new": [(dict(base, **case.desired("absent-%03d" % index)), True) for index in range(count)],
    }
    rows = {}
    for label, tasks in runs.items():
        sandbox.clear_requests()
        changed = 0
        for args, check in tasks:
            result = run_module(case.module, args, check_mode=check)
            if result.get("failed"):
                raise RuntimeError("%s %s failed: %s" % (case.name, label, result.get("msg")))
            changed += bool(result.get("changed"))
        reads, writes = sandbox.counts(case.name)
        rows[label] = {"applications": count, "reads": reads, "writes": writes, "changed": changed,
                       "reads_per_app": reads / count, "writes_per_app": writes / count}
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20, help="applications per provider (default 20)")
    args = parser.parse_args(argv)
    results, table = {}, []
    with Sandbox() as sandbox:
        for case in provider_cases():
            sandbox.reset()
            results[case.name] = measure(sandbox, case, args.count)
            for label, row in results[case.name].items():
                table.append((case.name + "_application", label, row["applications"], "%.2f" % row["reads_per_app"],
                              "%.2f" % row["writes_per_app"], row["changed"]))
    write_results("wire", {"count": args.count, "providers": results},
                  markdown_table(["module", "run", "applications", "reads/app", "writes/app", "changed"], table),
                  notes=["Counted from the sandbox's request log (every provider API request it received).",
                         "By name: Twilio filters the listing at the provider (FriendlyName) and Bandwidth answers the whole "
                         "list at once; Vonage and Vobiz have no name filter and answer 100 applications per page, so a module "
                         "addressed by name reads every page (ceil(N/100) reads). Addressed by id, every module reads once."])
    return 0


if __name__ == "__main__":
    sys.exit(main())
