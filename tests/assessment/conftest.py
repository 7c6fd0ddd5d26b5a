import pytest
import time_machine

from accounts.choices import Role
from tasks.models import KeyTask
from tasks.services import return_report, save_contribution
from tests.support import NOW, at, file_report, log, make_user


@pytest.fixture(autouse=True)
def pinned(settings, tmp_path):
    """Today is 2026-11-15: counts assessed on October, reports on January–October (10 months)."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.TASK_REPORT_DEADLINE_DAY = 10
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def zhaoshang(db):
    return make_user("zsj_unit", Role.UNIT, unit="区招商投资促进局")


@pytest.fixture
def uneven(db, official, unit_user, zhaoshang, bureau):
    """Uneven 2026 data, every score of which is computed by hand in test_results.py."""
    log("tiansheng", "2025-12", "high_tech", 14)
    log("tiansheng", "2025-12", "tech_based", 440)
    log("tiansheng", "2026-10", "high_tech", 15)
    log("tiansheng", "2026-10", "tech_based", 470)
    log("chaoyang", "2026-10", "high_tech", 3)  # no December: base is the plan's 2025 figure
    log("chaoyang", "2026-10", "tech_based", 200)
    sub = ("subdistrict", official.subdistrict_id)
    task = {n: KeyTask.objects.get(kind="task", number=n) for n in (2, 3, 4)}
    with time_machine.travel(at(2026, 10, 5), tick=False):
        save_contribution(task=task[4], key=sub, user=official, period="2026-Q3", done="走访")
    with time_machine.travel(at(2026, 11, 3), tick=False):
        save_contribution(task=task[2], key=sub, user=official, period="2026-10", done="配合")
        save_contribution(task=task[3], key=("unit", unit_user.unit_id), user=unit_user, period="2026-10", done="配合")
    file_report(3, "2026-Q1", zhaoshang, when=at(2026, 4, 8))
    file_report(3, "2026-05", zhaoshang, when=at(2026, 6, 20))
    sent_back = file_report(3, "2026-09", zhaoshang, when=at(2026, 10, 9))
    with time_machine.travel(at(2026, 10, 12), tick=False):
        return_report(sent_back, bureau, "请补充数据")
