import pytest

from accounts.choices import Role
from tests.support import make_user


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Evidence is written to a temporary MEDIA_ROOT, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.TASK_REPORT_DEADLINE_DAY = 10
    return settings.MEDIA_ROOT


@pytest.fixture
def kejiju_user(db):
    """A user of 区科技局 as a unit (leads tasks 1, 6, 12, ...)."""
    return make_user("kjj_unit", Role.UNIT, unit="区科技局")
