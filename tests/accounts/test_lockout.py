"""Login protection that cannot lock the bureau out (accounts/lockout.py, django-axes)."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts import lockout
from accounts.choices import Role
from tests.support import make_user

pytestmark = pytest.mark.django_db

GOOD = "a-long-test-password"
ATTACKER, OFFICE = "10.9.9.9", "10.1.1.1"


def attempt(username, password, address):
    """One login attempt from `address`; the status the visitor gets (302: logged in)."""
    return Client(REMOTE_ADDR=address).post("/accounts/login/", {"username": username, "password": password})


def wrong(username, address, times):
    for _ in range(times):
        assert attempt(username, "not-the-password", address).status_code in (200, 429)


@pytest.fixture
def staff(db):
    return make_user("kjj01", Role.BUREAU)


def test_ten_wrong_passwords_lock_the_name_at_that_address_only(staff, settings):
    wrong("kjj01", ATTACKER, settings.AXES_FAILURE_LIMIT)
    locked = attempt("kjj01", GOOD, ATTACKER)
    assert locked.status_code == 429 and "暂时锁定" in locked.content.decode()
    assert attempt("kjj01", GOOD, OFFICE).status_code == 302  # the bureau still logs in at its desk


def test_nine_wrong_passwords_lock_nothing(staff, settings):
    wrong("kjj01", ATTACKER, settings.AXES_FAILURE_LIMIT - 1)
    assert attempt("kjj01", GOOD, ATTACKER).status_code == 302


def test_many_names_from_one_address_lock_the_address(staff, settings):
    """An address guessing through many accounts is stopped at the (higher) address limit."""
    per_name = settings.AXES_FAILURE_LIMIT - 1  # never enough to lock a single name
    names = -(-settings.AXES_ADDRESS_FAILURE_LIMIT // per_name)
    for i in range(names):
        wrong(f"guess{i}", ATTACKER, per_name)
    assert attempt("kjj01", GOOD, ATTACKER).status_code == 429  # a name never tried there
    assert attempt("kjj01", GOOD, OFFICE).status_code == 302


def test_the_bureau_lists_and_unlocks(staff, login, bureau, settings):
    wrong("kjj01", ATTACKER, settings.AXES_FAILURE_LIMIT)
    c = login(bureau)
    page = c.get("/accounts/locked/").content.decode()
    assert "kjj01" in page and ATTACKER in page and "解除锁定" in page
    response = c.post("/accounts/locked/unlock/", {"username": "kjj01", "ip_address": ATTACKER}, follow=True)
    assert "已解除账号“kjj01”" in response.content.decode()
    assert lockout.lockouts() == []
    assert attempt("kjj01", GOOD, ATTACKER).status_code == 302


def test_only_the_bureau_unlocks(staff, login, leader, official, settings):
    wrong("kjj01", ATTACKER, settings.AXES_FAILURE_LIMIT)
    for user in (leader, official):
        assert login(user).post("/accounts/locked/unlock/", {"username": "kjj01"}).status_code == 403
    assert len(lockout.lockouts()) == 1


def test_unlock_command(staff, settings, capsys):
    wrong("kjj01", ATTACKER, settings.AXES_FAILURE_LIMIT)
    call_command("unlock_account", "--list")
    assert "kjj01" in capsys.readouterr().out
    call_command("unlock_account", "kjj01")
    assert "已解除锁定" in capsys.readouterr().out
    assert attempt("kjj01", GOOD, ATTACKER).status_code == 302
    with pytest.raises(CommandError, match="请指定账号"):
        call_command("unlock_account")


PROXY = "127.0.0.1"  # nginx on the same host: every request reaches gunicorn from here


def through_proxy(username, password, forwarded):
    """One login attempt through a reverse proxy that appended the visitor's address to
    X-Forwarded-For (`forwarded` is the header as the application receives it)."""
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    return client.post("/accounts/login/", {"username": username, "password": password}).status_code


def test_behind_a_proxy_the_lock_is_the_visitors_address_not_the_proxys(staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        through_proxy("kjj01", "not-the-password", ATTACKER)
    assert through_proxy("kjj01", GOOD, ATTACKER) == 429
    assert through_proxy("kjj01", GOOD, OFFICE) == 302  # every desk comes through the same proxy
    assert [(lock.username, lock.ip_address) for lock in lockout.lockouts()] == [("kjj01", ATTACKER)]


def test_behind_a_proxy_a_forged_header_cannot_pose_as_another_desk(staff, settings):
    """The attacker writes the office's address into X-Forwarded-For; the proxy appends the
    attacker's real one, and that is the one counted."""
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        through_proxy("kjj01", "not-the-password", f"{OFFICE}, {ATTACKER}")
    assert through_proxy("kjj01", GOOD, OFFICE) == 302
    assert through_proxy("kjj01", GOOD, f"{OFFICE}, {ATTACKER}") == 429


def test_without_a_trusted_proxy_the_header_is_ignored(staff, settings):
    """With TRUSTED_PROXY_COUNT=0 (the default) a visitor cannot choose their address: ten
    attempts under ten invented addresses all count against the one that connected."""
    assert settings.TRUSTED_PROXY_COUNT == 0
    for i in range(settings.AXES_FAILURE_LIMIT):
        assert Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"10.7.7.{i}").post(
            "/accounts/login/", {"username": "kjj01", "password": "not-the-password"}
        ).status_code in (200, 429)
    assert attempt("kjj01", GOOD, ATTACKER).status_code == 429


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "10.7.7.7", "10.0.0.9"),
        (1, "10.7.7.7", "10.7.7.7"),
        (1, "10.1.1.1, 10.7.7.7", "10.7.7.7"),
        (2, "10.1.1.1, 10.7.7.7, 10.2.2.2", "10.7.7.7"),
        (2, "10.7.7.7", "10.0.0.9"),  # fewer entries than proxies: not through every proxy
        (1, "", "10.0.0.9"),
        (1, "not-an-address", "10.0.0.9"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address(rf, settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert lockout.client_address(request) == expected
