"""Login protection that cannot lock the bureau out (accounts/lockout.py, django-axes)."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts import lockout
from accounts.choices import Role
from tests.conftest import make_user

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
