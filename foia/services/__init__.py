"""Writes: every state change goes through a service here (HackSoft style, keyword-only)."""
