"""Every list of every demo bulletin says what it counts (issue 28): seeded as `make run` seeds it
on 8 December 2026 (the map of 2025-11 applied), every month from 2023-01 to 2026-11 is published,
and every "N项/N个" of its generated sentences names its N items or states its rule."""

import datetime as dt
import re

import pytest
import time_machine

from bulletins import text
from bulletins.models import BulletinVersion
from demo.services import seed_demo
from targets.models import SubDistrict
from targets.months import Month, month_range
from tasks.choices import Colour
from tasks.models import KeyTask
from tasks.status import task_status_rows
from tests.counted_lists import unexplained

pytestmark = pytest.mark.django_db


@pytest.fixture
def december_2026(map_2025_11):
    with time_machine.travel(dt.datetime(2026, 12, 8, 1, 0, tzinfo=dt.UTC), tick=False):
        seed_demo()
        yield


def test_every_count_of_every_demo_bulletin_names_its_items(december_2026):
    """One test, one seeding (about a minute): the months' stored figures are read, never rendered."""
    names = list(SubDistrict.objects.values_list("name", flat=True))
    versions = list(BulletinVersion.objects.order_by("bulletin__month"))
    assert [v.figures["month"] for v in versions] == [str(m) for m in month_range(Month(2023, 1), Month(2026, 11))]
    for version in versions:
        figures = version.figures
        sizes = {"month": figures["expected"], "tasks": figures["tasks"]["total"]}
        for sentence in text.all_sentences(figures):
            assert unexplained(sentence, names, sizes) == [], (figures["month"], sentence)
        # `前5位` holds five or names the place tied and how many; the tasks named 滞后 are those
        # /tasks/ colours red on the bulletin's date, whether declared or judged from their data
        said = "".join(figures["summary"])
        for section in figures["metrics"].values():
            ranks = {r["name"]: r["rank_overall"] for k in section["classes"].values() for r in k["rows"]}
            ahead = [ranks[name] for name in section["ahead"]]
            if len(ahead) > section["ahead_cutoff"]:
                tie = f"{len(ahead)}个（全区排名前5位且达到序时进度，第{max(ahead)}位{ahead.count(max(ahead))}个街镇并列）"
                assert f"{section['label']}进度靠前的有{tie}" in said, figures["month"]
        day = dt.date.fromisoformat(figures["date"])
        with time_machine.travel(dt.datetime(day.year, day.month, day.day, 4, 0, tzinfo=dt.UTC), tick=False):
            late = [row.task.number for row in task_status_rows(KeyTask.objects.all(), day) if row.colour == Colour.RED]
        line = figures["tasks"]["lines"][0]
        if late:
            named = re.search(r"滞后(\d+)项（((?:任务\d+、?)+)）", line)
            assert [int(n) for n in re.findall(r"任务(\d+)", named.group(2))] == late, figures["month"]
            assert [t["number"] for t in figures["tasks"]["lagging"]] == late
        else:
            assert "滞后" not in line
    # the demo's November 2026: two tasks declared late, the others late by their data
    lagging = figures["tasks"]["lagging"]
    assert {t["number"] for t in lagging if t["declared"]} == {9, 13}
    assert any(t["data"] and not t["declared"] for t in lagging)
