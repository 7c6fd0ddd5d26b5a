import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from demo.models import DemoDataset

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_and_public(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-CN"' in html and "用户名" in html and 'name="username"' in html and 'name="password"' in html


def test_login_with_username_and_password(client, leader):
    response = client.post("/accounts/login/", {"username": "leader_user", "password": "a-long-test-password"})
    assert response.status_code == 302
    assert client.get("/plan/").status_code == 200


def test_wrong_password_shows_a_chinese_error(client, leader):
    response = client.post("/accounts/login/", {"username": "leader_user", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_ten_wrong_passwords_lock_the_account(client, leader):
    for _ in range(10):
        client.post("/accounts/login/", {"username": "leader_user", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "leader_user", "password": "a-long-test-password"})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()


def test_every_page_but_login_and_healthz_requires_login(client):
    for url in ["/", "/plan/", "/plan/?export=xlsx", "/api/v1/targets", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"], url


def test_create_account_creates_and_updates(capsys):
    call_command(
        "create_account", "ts01", "--role", "subdistrict", "--subdistrict", "tiansheng", "--password", "x-long-enough-1"
    )
    user = User.objects.get(username="ts01")
    assert (user.role, user.subdistrict.slug) == ("subdistrict", "tiansheng")
    assert user.check_password("x-long-enough-1")
    call_command("create_account", "ts01", "--role", "unit", "--unit", "区科技局")
    user.refresh_from_db()
    assert (user.role, user.subdistrict, user.unit.name) == ("unit", None, "区科技局")
    assert user.check_password("x-long-enough-1")  # kept: no new password given
    assert "已更新" in capsys.readouterr().out


def test_create_account_generates_a_password_for_a_new_account(capsys):
    call_command("create_account", "boss", "--role", "leader")
    out = capsys.readouterr().out
    password = out.split("初始密码：")[1].strip()
    assert User.objects.get(username="boss").check_password(password)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "subdistrict"], "必须指定所属街镇"),
        (["--role", "subdistrict", "--subdistrict", "nowhere"], "未找到街镇"),
        (["--role", "unit", "--unit", "不存在的局"], "未找到单位"),
        (["--role", "leader", "--subdistrict", "tiansheng"], "只有街镇账号"),
        (["--role", "leader", "--password", "123"], "密码"),
    ],
)
def test_create_account_refuses_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_account", "someone", *args)
    assert not User.objects.filter(username="someone").exists()


def test_seed_demo_creates_every_role_and_the_banner(client, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    roles = set(User.objects.filter(is_demo=True).values_list("role", flat=True))
    assert roles == {"bureau", "leader", "subdistrict", "unit"}
    assert "beibei-demo-2027" in out and "tiansheng" in out
    client.post("/accounts/login/", {"username": "leader", "password": "beibei-demo-2027"})
    assert "演示数据" in client.get("/plan/").content.decode()
    call_command("seed_demo")  # again: nothing duplicated
    assert DemoDataset.objects.count() == 1
    call_command("seed_demo", "--clear")
    assert not User.objects.filter(is_demo=True).exists()
    assert not DemoDataset.objects.exists()


def test_bureau_staff_can_open_the_admin_in_chinese(login, bureau):
    c = login(bureau)
    response = c.get("/admin/")
    assert response.status_code == 200
    assert "北碚区" in response.content.decode()
    for url in [
        "/admin/targets/subdistrict/",
        "/admin/targets/planfigure/",
        "/admin/tasks/keytask/",
        "/admin/targets/indicator/",
    ]:
        assert c.get(url).status_code == 200, url


def test_other_roles_cannot_use_the_admin(login, leader, official):
    for user in (leader, official):
        assert login(user).get("/admin/").status_code == 302


def test_every_model_is_in_the_chinese_admin(login, bureau):
    from django.apps import apps
    from django.contrib import admin

    c = login(bureau)
    for app in ("targets", "tasks", "enterprises"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            assert admin.site.is_registered(model), model
            url = f"/admin/{app}/{model._meta.model_name}/"
            assert c.get(url).status_code == 200, url


def _menu(client):
    """The menu's links as (label, href), from the page's wide menu."""
    import re

    html = client.get("/rules/").content.decode()
    wide = html.split('<nav class="nav-wide">', 1)[1].split("</nav>", 1)[0]
    return [
        (label.split("<")[0].strip(), href) for href, label in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', wide)
    ]


def test_each_role_sees_its_own_menu_and_both_menus_agree(login, bureau, leader, official, unit_user):
    bureau.is_staff = True
    bureau.save()
    menus = {user.username: _menu(login(user)) for user in (bureau, leader, official, unit_user)}
    labels = {name: [label for label, _ in links] for name, links in menus.items()}
    assert labels["bureau_user"][:4] == ["全区进度", "月通报", "月度数据", "重点任务"]
    assert {"企业名录", "预警", "登录锁定", "管理后台"} <= set(labels["bureau_user"])
    assert "登录锁定" not in labels["leader_user"] and "企业名录" in labels["leader_user"]
    assert ("本街镇进度", "/subdistricts/tiansheng/") in menus["tiansheng_user"]
    assert "全区进度" not in labels["tiansheng_user"] and "月度数据" not in labels["tiansheng_user"]
    assert "企业名录" not in labels["jxw_user"] and "全区进度" not in labels["jxw_user"]
    for links in menus.values():
        assert ("待办", "/todo/") in links
    html = login(official).get("/rules/").content.decode()
    narrow = html.split('<details class="nav-narrow">', 1)[1].split("</details>", 1)[0]
    assert all(f'href="{href}"' in narrow for _, href in menus["tiansheng_user"])
    assert 'data-todo-count-url="/todo/count"' in html
