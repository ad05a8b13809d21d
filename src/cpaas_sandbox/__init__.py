"""Stateful local stand-ins for the providers application APIs."""
