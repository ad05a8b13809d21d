"""Callback receiver: records, checks and shows every event."""
