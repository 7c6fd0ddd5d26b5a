"""The DataVersion row of which counts exist (freshness.ROWS), created like the others so that no
request pays for creating it."""

import uuid

from django.db import migrations


def create_row(apps, schema_editor):
    apps.get_model("targets", "DataVersion").objects.get_or_create(pk=4, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    dependencies = [("targets", "0008_data_version_rows")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
