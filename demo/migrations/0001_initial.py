"""The demo data marker, taken over from `targets` (renamed, its row kept)."""

from django.db import migrations, models


def move_content_types(old_app, new_app, models):
    """Admin log entries and permissions follow the moved models."""

    def forwards(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if not content_type.objects.filter(app_label=new_app, model=model).exists():
                content_type.objects.filter(app_label=old_app, model=model).update(app_label=new_app)

    def backwards(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if not content_type.objects.filter(app_label=old_app, model=model).exists():
                content_type.objects.filter(app_label=new_app, model=model).update(app_label=old_app)

    return migrations.RunPython(forwards, backwards)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("targets", "0005_plan_indicators_and_month_locks"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DemoDataset',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('loaded_at', models.DateTimeField(auto_now_add=True, verbose_name='载入时间')),
                    ],
                    options={
                        'db_table': 'targets_demodataset',
                        'verbose_name': '演示数据',
                        'verbose_name_plural': '演示数据',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="demodataset", table=None),
        move_content_types("targets", "demo", ["demodataset"]),
    ]
