# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""Bandwidth does not sign its callbacks: it sends basic-auth credentials (the application's
callback credentials), which the receiver checks as it checks any password."""

from __future__ import annotations

SIGNATURE_DESCRIPTION = None
