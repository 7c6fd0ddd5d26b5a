"""The bulletin and the demo data marker leave the plan's app (state only: `bulletins` and `demo`
took over their tables)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0005_plan_indicators_and_month_locks"),
        ("bulletins", "0001_initial"),
        ("demo", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="bulletinversion", name="bulletin"),
                migrations.RemoveField(model_name="bulletinversion", name="published_by"),
                migrations.DeleteModel(name="DemoDataset"),
                migrations.DeleteModel(name="Bulletin"),
                migrations.DeleteModel(name="BulletinVersion"),
            ],
            database_operations=[],
        ),
    ]
