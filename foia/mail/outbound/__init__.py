"""Sending e-mail from the tracker: requests, appeals, repeats and free messages (issue 11)."""
