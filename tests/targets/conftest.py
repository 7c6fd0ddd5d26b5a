import datetime as dt

import pytest
import time_machine


@pytest.fixture
def pinned_today():
    """ "Today" is 2026-11-15: November is the current month, October the last complete one."""
    with time_machine.travel(dt.datetime(2026, 11, 15, 10, 0), tick=False):
        yield
