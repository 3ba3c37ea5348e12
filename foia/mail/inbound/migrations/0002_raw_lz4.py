from django.db import migrations

from foia.dbcompression import lz4_column


class Migration(migrations.Migration):
    dependencies = [("mail_in", "0001_inbound_message")]

    operations = [lz4_column("mail_in_inboundmessage", "raw")]
