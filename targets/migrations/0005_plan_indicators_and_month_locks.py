"""The goals and indicators join the plan (from `tasks`, rows and history kept: the tables are
renamed, not copied), and months are locked by a row of their own (`MonthLock`) instead of by
the bulletin's versions, so that the plan no longer depends on the bulletin."""

import django.db.models.deletion
import simple_history.models
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


def lock_published_months(apps, schema_editor):
    version = apps.get_model("targets", "BulletinVersion")
    lock = apps.get_model("targets", "MonthLock")
    for month in version.objects.values_list("bulletin__month", flat=True).distinct():
        lock.objects.get_or_create(month=month)


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0004_data_version"),
        ("tasks", "0002_reports_and_indicator_values"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalIndicatorValue',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('month', models.DateField(verbose_name='数据月份')),
                        ('value', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='数值')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='备注（数据来源）')),
                        ('recorded_at', models.DateTimeField(blank=True, editable=False, verbose_name='录入时间')),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='录入人')),
                    ],
                    options={
                        'db_table': 'tasks_historicalindicatorvalue',
                        'verbose_name': 'historical 指标数值',
                        'verbose_name_plural': 'historical 指标数值',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Indicator',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=48, unique=True, verbose_name='标识')),
                        ('kind', models.CharField(choices=[('headline', '数量实现倍增'), ('structure', '结构实现优化'), ('capability', '能力实现提升')], max_length=16, verbose_name='类别')),
                        ('position', models.PositiveSmallIntegerField(verbose_name='顺序')),
                        ('name', models.CharField(max_length=64, verbose_name='指标')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='目标年份')),
                        ('comparator', models.CharField(choices=[('gt', '超过'), ('gte', '达到'), ('lead', '保持全市领先')], max_length=8, verbose_name='比较')),
                        ('value', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='目标值')),
                        ('unit', models.CharField(blank=True, max_length=16, verbose_name='单位')),
                        ('metric', models.CharField(blank=True, max_length=16, verbose_name='对应月度指标')),
                        ('source', models.CharField(max_length=64, verbose_name='出处')),
                        ('text', models.CharField(max_length=200, verbose_name='原文')),
                    ],
                    options={
                        'db_table': 'tasks_indicator',
                        'verbose_name': '目标指标',
                        'verbose_name_plural': '目标指标',
                        'ordering': ['position'],
                    },
                ),
                migrations.CreateModel(
                    name='IndicatorValue',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(verbose_name='数据月份')),
                        ('value', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='数值')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='备注（数据来源）')),
                        ('recorded_at', models.DateTimeField(auto_now=True, verbose_name='录入时间')),
                        ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='values', to='targets.indicator', verbose_name='指标')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='录入人')),
                    ],
                    options={
                        'db_table': 'tasks_indicatorvalue',
                        'verbose_name': '指标数值',
                        'verbose_name_plural': '指标数值',
                        'ordering': ['indicator__position', 'month'],
                    },
                ),
                migrations.AddField(
                    model_name='historicalindicatorvalue',
                    name='indicator',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='targets.indicator', verbose_name='指标'),
                ),
                migrations.AddConstraint(
                    model_name='indicatorvalue',
                    constraint=models.UniqueConstraint(fields=('indicator', 'month'), name='indicatorvalue_unique_month', violation_error_message='该指标该月已有数值，请修改原记录。'),
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="indicator", table=None),
        migrations.AlterModelTable(name="indicatorvalue", table=None),
        migrations.AlterModelTable(name="historicalindicatorvalue", table=None),
        move_content_types("tasks", "targets", ["indicator", "indicatorvalue", "historicalindicatorvalue"]),
        migrations.CreateModel(
            name='MonthLock',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(unique=True, verbose_name='月份')),
                ('locked_at', models.DateTimeField(auto_now_add=True, verbose_name='锁定时间')),
                ('reason', models.CharField(default='月通报已发布', max_length=64, verbose_name='锁定原因')),
            ],
            options={
                'verbose_name': '已锁定月份',
                'verbose_name_plural': '已锁定月份',
                'ordering': ['-month'],
            },
        ),
        migrations.RunPython(lock_published_months, migrations.RunPython.noop),
    ]
