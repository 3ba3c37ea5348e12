from django.db import migrations

from foia.dbcompression import lz4_column


class Migration(migrations.Migration):
    dependencies = [("mail_out", "0004_campaign_sending")]

    operations = [lz4_column("mail_out_outgoingmessage", "raw")]
