# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # What every <provider>_applications module (a whole account in one task) shares.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    support: full
    description: Check mode sends no write request; it reports every change, and every application a purge would delete.
  diff_mode:
    support: full
    description: One diff per changed (or purged) application, with secrets masked.
options:
  purge:
    description:
      - Delete the applications whose name starts with O(purge_scope) and that O(applications) does not declare.
    type: bool
    default: false
  purge_scope:
    description:
      - The name prefix of the applications this list owns. Required with O(purge=true); applications whose name
        does not start with it are never deleted.
    type: str
  parallel:
    description:
      - How many write requests run at a time (1 to 16). A C(429) answer's C(Retry-After) holds all of them.
    type: int
    default: 4
"""
