# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Used by the drift and verify playbooks only: end the run as "could not check".

ansible-playbook has one exit code for every failed task (2), so a report could not tell
"something differs" from "something could not be looked at". This module ends the host as
unreachable instead, which makes ansible-playbook exit 4: the playbooks use exit code 2
for drift (or failed callbacks) and 4 for an application that could not be checked.
"""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: cpaas_could_not_check
short_description: End the play with the exit code of "could not check"
description:
  - Reports O(msg) as the host being unreachable, so ansible-playbook exits with code 4.
options:
  msg:
    description: What could not be checked, and why.
    type: str
    required: true
author:
  - cpaas.callbacks contributors (@cpaas-callbacks)
"""


def main():
    module = AnsibleModule(argument_spec={"msg": {"type": "str", "required": True}}, supports_check_mode=True)
    module.exit_json(changed=False, unreachable=True, msg=module.params["msg"])


if __name__ == "__main__":
    main()
