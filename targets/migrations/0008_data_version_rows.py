"""The DataVersion rows (all data; the enterprise registry; the plan) exist from the start, so that no
request pays for creating them (targets.freshness creates them on first use otherwise)."""

import uuid

from django.db import migrations


def create_rows(apps, schema_editor):
    DataVersion = apps.get_model("targets", "DataVersion")
    for pk in (1, 2, 3):  # freshness.ALL, freshness.REGISTRY, freshness.PLAN
        DataVersion.objects.get_or_create(pk=pk, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    dependencies = [("targets", "0007_plan_history")]

    operations = [migrations.RunPython(create_rows, migrations.RunPython.noop)]
