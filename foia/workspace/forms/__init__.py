"""Forms of the NGO workspace, by area."""
