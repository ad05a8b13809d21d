# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One package per provider: its wire codec, callbacks, events, signing and adapter.

Internal use only: not a public API of this collection; may change without notice.
"""
