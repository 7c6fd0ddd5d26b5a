"""Run by tests/test_migrations_move.py in a subprocess with its own database."""

import datetime as dt

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("targets", "0004_data_version"), ("tasks", "0002_reports_and_indicator_values")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def main():
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate(BEFORE)
    indicator = old.get_model("tasks", "Indicator").objects.create(
        code="test-rd",
        kind="capability",
        position=99,
        name="研发投入强度",
        year=2027,
        comparator="gt",
        source="二（三）",
        text="超过4%",
    )
    value = old.get_model("tasks", "IndicatorValue").objects.create(
        indicator_id=indicator.pk, month=dt.date(2026, 9, 1), value=4, note="统计局"
    )
    old.get_model("tasks", "HistoricalIndicatorValue").objects.create(
        id=value.pk,
        indicator_id=indicator.pk,
        month=value.month,
        value=4,
        note="统计局",
        recorded_at=timezone.now(),
        history_date=timezone.now(),
        history_type="+",
        history_change_reason="录入",
    )
    bulletin = old.get_model("targets", "Bulletin").objects.create(month=dt.date(2026, 9, 1))
    old.get_model("targets", "BulletinVersion").objects.create(
        bulletin=bulletin, number=1, published_at=timezone.now(), figures={"month": "2026-09"}
    )
    old.get_model("targets", "DemoDataset").objects.create()

    new = _migrate(leaf)
    moved = new.get_model("targets", "IndicatorValue").objects.get(pk=value.pk)
    assert (moved.indicator.code, moved.value, moved.note) == ("test-rd", 4, "统计局")
    history = new.get_model("targets", "HistoricalIndicatorValue").objects.get(id=value.pk)
    assert history.history_change_reason == "录入"
    version = new.get_model("bulletins", "BulletinVersion").objects.get()
    assert version.bulletin.month == dt.date(2026, 9, 1) and version.figures == {"month": "2026-09"}
    assert list(new.get_model("targets", "MonthLock").objects.values_list("month", flat=True)) == [dt.date(2026, 9, 1)]
    assert new.get_model("demo", "DemoDataset").objects.count() == 1


main()
print("MOVE-OK")
