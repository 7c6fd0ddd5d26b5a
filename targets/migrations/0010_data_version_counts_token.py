"""The DataVersion row that every bulk write of counts changes (freshness.COUNTS), created like
the others so that no request pays for creating it. The months' rows are created by the first
save of a count in that month."""

import uuid

from django.db import migrations


def create_row(apps, schema_editor):
    apps.get_model("targets", "DataVersion").objects.get_or_create(pk=5, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    dependencies = [("targets", "0009_data_version_rows_token")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
