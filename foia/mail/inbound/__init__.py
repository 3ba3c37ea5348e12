"""Receiving e-mail: store every message first, decode it, match it to a request or hold it for review."""
