"""Reliability suites of the sandbox and the receiver (plain pytest)."""
