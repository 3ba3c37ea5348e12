"""Signal receivers of the reminders app (filled in with the reminder planner)."""
