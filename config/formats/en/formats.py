# English pages use the same day-first numeric date as the Serbian ones, the documents, the e-mails
# and the authorities' own decisions (05.11.2026): one format everywhere, never 11/05/2026.
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
