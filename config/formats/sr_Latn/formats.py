# Dates as Serbian writes them on forms and in decisions: 05.11.2026 (day and month with two digits,
# no trailing dot), so lists line up and the public, workspace, e-mail and PDF dates agree.
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
