import importlib
import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from beibei_dashboard import settings


@pytest.fixture
def env(monkeypatch):
    return monkeypatch


def test_env_bool_refuses_a_value_it_cannot_read(env):
    env.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        settings.env_bool("DEBUG", True)
    env.setenv("DEBUG", "off")
    assert settings.env_bool("DEBUG", True) is False


def test_env_int_refuses_text(env):
    env.setenv("SESSION_COOKIE_AGE", "eight hours")
    with pytest.raises(ImproperlyConfigured, match="SESSION_COOKIE_AGE"):
        settings.env_int("SESSION_COOKIE_AGE", 1)


@pytest.mark.parametrize("url", ["mysql://root@localhost/x", "nonsense", "postgres://u@h:5432/"])
def test_database_url_refuses_unsupported_or_incomplete(env, url):
    env.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        settings.env_database("DATABASE_URL", "sqlite:///x")


def test_database_url_reads_postgres(env):
    env.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/beibei")
    config = settings.env_database("DATABASE_URL", "sqlite:///x")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["HOST"], config["PORT"]) == ("beibei", "127.0.0.1", 5432)


def test_production_without_secret_key_fails_loudly(env):
    env.setenv("DEBUG", "0")
    env.delenv("SECRET_KEY", raising=False)
    try:
        with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
            importlib.reload(settings)
    finally:
        env.setenv("DEBUG", "1")
        importlib.reload(settings)


def test_chinese_and_shanghai():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert os.environ.get("DJANGO_SETTINGS_MODULE", "beibei_dashboard.settings") == "beibei_dashboard.settings"
