"""The bulletin's tables, taken over from `targets` (renamed, every row kept)."""

import django.db.models.deletion
from django.conf import settings
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
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Bulletin',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(unique=True, verbose_name='月份')),
                    ],
                    options={
                        'db_table': 'targets_bulletin',
                        'verbose_name': '月通报',
                        'verbose_name_plural': '月通报',
                        'ordering': ['-month'],
                    },
                ),
                migrations.CreateModel(
                    name='BulletinVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField(verbose_name='版本')),
                        ('published_at', models.DateTimeField(verbose_name='发布时间')),
                        ('reason', models.TextField(blank=True, verbose_name='修订原因')),
                        ('figures', models.JSONField(verbose_name='发布时的数据')),
                        ('bulletin', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='versions', to='bulletins.bulletin', verbose_name='月通报')),
                        ('published_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发布人')),
                    ],
                    options={
                        'db_table': 'targets_bulletinversion',
                        'verbose_name': '月通报版本',
                        'verbose_name_plural': '月通报版本',
                        'ordering': ['bulletin', 'number'],
                        'constraints': [models.UniqueConstraint(fields=('bulletin', 'number'), name='bulletinversion_unique', violation_error_message='版本号不能重复。')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="bulletin", table=None),
        migrations.AlterModelTable(name="bulletinversion", table=None),
        move_content_types("targets", "bulletins", ["bulletin", "bulletinversion"]),
    ]
