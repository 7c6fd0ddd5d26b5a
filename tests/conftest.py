import pytest
from django.core.cache import cache

from accounts.choices import Role
from tasks.plan import load_plan
from tests.support import make_user, pinned


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the plan loaded, on the map of the plan's attachment (the
    17 units of 46号): the tests written before the change of 2025-11 judge that map, as the
    application still does for every month before it. The tests of the change apply it with the
    `map_2025_11` fixture (what `load_plan`, and so `make run`, does by default)."""
    with django_db_blocker.unblock():
        load_plan(boundaries=False)
    yield
    # /healthz keeps a connection in its own thread (targets.views): close it, or the test
    # database cannot be dropped.
    from django.db import connections

    from targets.views import _health_checker

    with django_db_blocker.unblock():
        _health_checker.submit(connections.close_all).result(timeout=10)


@pytest.fixture
def map_2025_11(db):
    """The shipped change of the map of 6 November 2025 applied, as `load_plan` applies it."""
    from targets.plan import load_boundary_changes

    load_boundary_changes()


@pytest.fixture(autouse=True)
def _no_chart_pictures(settings):
    """Drawing the Word file's pictures starts a browser (seconds); the tests that look at the
    pictures turn it back on."""
    settings.BULLETIN_CHART_IMAGES = False


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Every test's database rolls back to the same data version (targets.freshness), so pages
    cached by one test must not be served to the next."""
    cache.clear()


@pytest.fixture
def bureau(db):
    return make_user("bureau_user", Role.BUREAU)


@pytest.fixture
def leader(db):
    return make_user("leader_user", Role.LEADER)


@pytest.fixture
def official(db):
    """An official of 天生街道."""
    return make_user("tiansheng_user", Role.SUBDISTRICT, subdistrict="tiansheng")


@pytest.fixture
def other_official(db):
    """An official of 水土街道, who must never see 天生街道's data."""
    return make_user("shuitu_user", Role.SUBDISTRICT, subdistrict="shuitu")


@pytest.fixture
def unit_user(db):
    return make_user("jxw_user", Role.UNIT, unit="区经济信息委")


def _client_for(client_factory, user):
    c = client_factory()
    c.force_login(user)
    return c


@pytest.fixture
def login(db):
    """login(user) -> a Django test client logged in as that user."""
    from django.test import Client

    return lambda user: _client_for(Client, user)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many accounts; a slow hash proves nothing here and costs minutes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def pinned_today():
    """ "Today" is 2026-11-15: November is the current month, October the last complete one."""
    with pinned():
        yield
