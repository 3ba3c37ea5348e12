"""Raw e-mail kept in the database compressed with LZ4 on PostgreSQL.

A stored message is mostly base64 of already compressed attachments (the form's PDF, scans):
PostgreSQL's default TOAST compression, pglz, spends about 0.4 ms of the server's CPU on each
30 KB message to find little to gain, and a campaign stores thousands in a row; LZ4 takes about
0.05 ms and keeps them smaller. Older servers or builds without LZ4 keep the default (the change
is tried in a savepoint and left out when refused). Other databases have nothing to change.
"""

from __future__ import annotations

from django.db import DatabaseError, migrations, transaction


def lz4_column(table: str, column: str) -> migrations.RunPython:
    def forwards(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql" or connection.pg_version < 140000:
            return
        quote = schema_editor.quote_name
        try:
            with transaction.atomic(using=connection.alias):
                schema_editor.execute(
                    f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} SET COMPRESSION lz4"
                )
        except DatabaseError:  # a server built without LZ4: pglz stays
            pass

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)
