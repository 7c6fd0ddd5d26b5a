"""The goals and indicators moved to the plan's app (`targets`); state only, the tables went with
them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0002_reports_and_indicator_values"),
        ("targets", "0005_plan_indicators_and_month_locks"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='indicatorvalue',
                    name='indicator',
                ),
                migrations.RemoveField(
                    model_name='indicatorvalue',
                    name='recorded_by',
                ),
                migrations.DeleteModel(
                    name='HistoricalIndicatorValue',
                ),
                migrations.DeleteModel(
                    name='Indicator',
                ),
                migrations.DeleteModel(
                    name='IndicatorValue',
                ),
            ],
            database_operations=[],
        ),
    ]
