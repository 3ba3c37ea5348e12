"""Views of the NGO workspace: thin — parse input, check access, call a service, render."""
