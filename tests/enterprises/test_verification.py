"""属地核实 (issue 18): officials flag firms, the bureau accepts (the firm moves, with history) or rejects."""

import pytest
import time_machine

from accounts.choices import Role
from enterprises import verification
from enterprises.choices import FlagKind, FlagState
from enterprises.models import AttributionFlag, Enterprise
from enterprises.reports import attribution_history, reconciliation
from targets.models import SubDistrict
from targets.months import Month
from tests.support import NOW, code, d, firm, leaked, make_other_districts, make_user, pdf_upload, readable_text


@pytest.fixture(autouse=True)
def pinned(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    with time_machine.travel(NOW, tick=False):
        yield


def sub(slug):
    return SubDistrict.objects.get(slug=slug)


def registry_high_tech(user, slug):
    rows, _ = reconciliation(user, Month(2026, 11))
    return next(r for r in rows if r.subdistrict.slug == slug).registry["high_tech"]


def test_moved_firm_accepted_moves_the_counts_by_one(login, official, bureau, other_official):
    # the move is to 朝阳街道: 水土街道 left Beibei in November 2025, it is no destination in 2026
    chaoyang_official = make_user("chaoyang_user", Role.SUBDISTRICT, subdistrict="chaoyang")
    moving = firm(1, sub="tiansheng", issue_dates=[d("2025-03-01")], tech_year=2024)
    firm(2, sub="tiansheng", issue_dates=[d("2025-03-01")])
    firm(3, sub="chaoyang", issue_dates=[d("2025-03-01")])
    assert (registry_high_tech(bureau, "tiansheng"), registry_high_tech(bureau, "chaoyang")) == (2, 1)
    # the official sees the firm with its certificate dates and flags it as moved to 朝阳
    page = login(official).get("/enterprises/check/").content.decode()
    assert "测试企业1有限公司" in page and "2025年3月1日—2028年2月29日" in page
    response = login(official).post(
        f"/enterprises/{moving.pk}/flag/",
        {"kind": "moved", "destination": sub("chaoyang").pk, "note": "已搬至朝阳", "attachment": pdf_upload()},
    )
    assert response.status_code == 302
    flag = AttributionFlag.objects.get()
    assert flag.state == FlagState.OPEN and flag.attachment_name == "佐证.pdf"
    assert "测试企业1有限公司" in login(bureau).get("/enterprises/check/").content.decode()
    # only the bureau resolves
    assert login(official).post(f"/enterprises/flags/{flag.pk}/", {"action": "accept"}).status_code == 403
    login(bureau).post(f"/enterprises/flags/{flag.pk}/", {"action": "accept", "destination": sub("chaoyang").pk})
    flag.refresh_from_db()
    moving.refresh_from_db()
    assert flag.state == FlagState.ACCEPTED and moving.subdistrict.slug == "chaoyang"
    assert (registry_high_tech(bureau, "tiansheng"), registry_high_tech(bureau, "chaoyang")) == (1, 2)
    # both officials see the move in the month's reconciliation
    for user in (official, chaoyang_official):
        assert "属地调整（2026年10月以来）" in (
            page := login(user).get("/enterprises/reconcile/?month=2026-10").content.decode()
        )
        assert "测试企业1有限公司" in page
    history = attribution_history(moving)
    assert [(h.before, h.after) for h in history] == [(None, "天生街道"), ("天生街道", "朝阳街道")]
    assert "属地核实" in history[-1].reason and "bureau_user采纳" in history[-1].reason
    assert "归属街镇" in login(bureau).get(f"/enterprises/{moving.pk}/").content.decode()


def test_reject_needs_a_reason_and_changes_nothing(login, official, bureau):
    here = firm(1, sub="tiansheng", tech_year=2024)
    flag = verification.raise_flag(user=official, subdistrict=sub("tiansheng"), kind=FlagKind.NOT_HERE,
                                   note="查无此企业", enterprise=here)  # fmt: skip
    client = login(bureau)
    client.post(f"/enterprises/flags/{flag.pk}/", {"action": "reject", "note": ""})
    flag.refresh_from_db()
    assert flag.state == FlagState.OPEN
    client.post(f"/enterprises/flags/{flag.pk}/", {"action": "reject", "note": "经核实仍在天生"})
    flag.refresh_from_db()
    here.refresh_from_db()
    assert flag.state == FlagState.REJECTED and flag.resolution_note == "经核实仍在天生"
    assert here.subdistrict.slug == "tiansheng" and here.history.count() == 1


def test_not_here_without_destination_needs_the_bureau_to_choose(official, bureau):
    here = firm(1, sub="tiansheng", tech_year=2024)
    flag = verification.raise_flag(user=official, subdistrict=sub("tiansheng"), kind=FlagKind.NOT_HERE,
                                   note="不在本辖区", enterprise=here)  # fmt: skip
    with pytest.raises(verification.FlagRefused, match="请选择"):
        verification.accept_flag(flag, bureau)
    verification.accept_flag(flag, bureau, destination=sub("chaoyang"))
    here.refresh_from_db()
    assert here.subdistrict.slug == "chaoyang"


def test_missing_firm_is_added_or_moved(login, official, bureau):
    elsewhere = firm(5, sub="shuitu", tech_year=2025)
    client = login(official)
    client.post(
        "/enterprises/check/missing/", {"credit_code": code(5), "firm_name": "某企业", "note": "实际在天生经营"}
    )
    client.post(
        "/enterprises/check/missing/", {"credit_code": code(6), "firm_name": "新发现科技有限公司", "note": "漏统"}
    )
    again = client.post("/enterprises/check/missing/", {"credit_code": code(6), "firm_name": "新发现", "note": "再报"})
    assert "已有待处理的属地核实" in again.content.decode()
    response = client.post("/enterprises/check/missing/", {"credit_code": "123", "note": "x"})
    assert "统一社会信用代码" in response.content.decode()
    response = client.post("/enterprises/check/missing/", {"credit_code": code(7), "note": "x"})
    assert "请填写企业名称" in response.content.decode()
    assert AttributionFlag.objects.count() == 2
    for flag in AttributionFlag.objects.all():
        verification.accept_flag(flag, bureau)
    elsewhere.refresh_from_db()
    assert elsewhere.subdistrict.slug == "tiansheng"
    added = Enterprise.objects.get(credit_code=code(6))
    assert added.subdistrict.slug == "tiansheng" and added.history.get().history_change_reason.startswith("属地核实")


def test_an_official_flags_only_own_firms_and_reads_only_own_flags(login, official, other_official, unit_user):
    theirs = firm(1, sub="shuitu", tech_year=2024)
    assert login(official).get(f"/enterprises/{theirs.pk}/flag/").status_code == 403
    flag = verification.raise_flag(user=other_official, subdistrict=sub("shuitu"), kind=FlagKind.MOVED,
                                   note="迁出", enterprise=theirs, destination_note="迁往渝北区")  # fmt: skip
    assert login(official).get(f"/enterprises/flags/{flag.pk}/").status_code == 403
    assert login(other_official).get(f"/enterprises/flags/{flag.pk}/").status_code == 200
    assert login(unit_user).get("/enterprises/check/").status_code == 403
    with pytest.raises(verification.FlagRefused, match="已有待处理"):
        verification.raise_flag(user=other_official, subdistrict=sub("shuitu"), kind=FlagKind.NOT_HERE,
                                note="again", enterprise=theirs)  # fmt: skip


def test_check_page_queries_do_not_grow(login, official, django_assert_max_num_queries):
    client = login(official)
    firm(1, sub="tiansheng", issue_dates=[d("2025-03-01")])
    with django_assert_max_num_queries(20) as before:
        client.get("/enterprises/check/")
    baseline = len(before)
    for n in range(2, 12):
        flagged = firm(n, sub="tiansheng", issue_dates=[d("2025-03-01")], tech_year=2024)
        verification.raise_flag(user=official, subdistrict=flagged.subdistrict, kind=FlagKind.NOT_HERE, note="不在",
                                enterprise=flagged)  # fmt: skip
    with django_assert_max_num_queries(baseline):
        client.get("/enterprises/check/")


def test_clearing_the_demo_removes_what_its_accounts_flagged_and_contributed(db):
    from django.core.management import call_command

    from accounts.models import User
    from tasks.models import KeyTask, TaskContribution
    from tasks.services import save_contribution

    call_command("seed_demo")
    tiansheng, jxw = User.objects.get(username="tiansheng"), User.objects.get(username="jingxinwei")
    kept = firm(1, sub="tiansheng", tech_year=2024)
    verification.raise_flag(user=tiansheng, subdistrict=sub("tiansheng"), kind=FlagKind.NOT_HERE, note="试用",
                            enterprise=kept)  # fmt: skip
    save_contribution(task=KeyTask.objects.get(kind="task", number=3), key=("unit", jxw.unit_id), user=jxw,
                      period="2026-10", done="试用")  # fmt: skip
    call_command("seed_demo", "--clear")
    assert not AttributionFlag.objects.exists() and not TaskContribution.objects.exists()
    assert Enterprise.objects.filter(pk=kept.pk).exists()  # entered by a user, not by the demo


# Side doors (issue 25): whatever an official asks about a firm outside their sub-district, the
# answer says only that it is not theirs: never its name, its sub-district or its certificates.

OFFICIAL_ASKS = [
    "/enterprises/check/",
    "/enterprises/flags/{flag}/",
    "/enterprises/flags/{flag}/attachment/",
    "/enterprises/reconcile/?month=2026-10",
    "/enterprises/changes/tiansheng/2026-10/",
    "/enterprises/?q={code}",
    "/enterprises/?q={code}&export=xlsx",
    "/enterprises/{firm}/",
    "/enterprises/{firm}/flag/",
    "/enterprises/profile/",
    "/api/v1/enterprises/summary",
    "/warnings/",
    "/warnings/?export=xlsx",
    "/api/v1/forecast",
    "/todo/",
]


def _official_asks_about(client, credit_code, firm_pk):
    """Every answer the official gets: the 漏统 refused without a name, then sent (following the
    redirect), then every page that might tell of the firm. Returns (answers, the flag)."""
    answers = [client.post("/enterprises/check/missing/", {"credit_code": credit_code, "note": "在天生经营"})]
    sent = client.post(
        "/enterprises/check/missing/",
        {"credit_code": credit_code, "firm_name": "天生漏统科技有限公司", "note": "在天生经营"},
        follow=True,
    )
    assert sent.redirect_chain and "已提交漏统企业" in sent.content.decode()
    flag = AttributionFlag.objects.get(credit_code=credit_code)
    answers.append(sent)
    for path in OFFICIAL_ASKS:
        answers.append(client.get(path.format(flag=flag.pk, code=credit_code, firm=firm_pk)))
    return answers, flag


def _told(answers, secrets):
    return {secret for answer in answers for secret in secrets if secret in readable_text(answer)}


def test_missing_firm_of_another_subdistrict_is_only_not_ours(login, official, bureau):
    theirs = firm(5, sub="shuitu", issue_dates=[d("2025-03-01")], tech_year=2024)
    answers, flag = _official_asks_about(login(official), code(5), theirs.pk)
    assert "请填写企业名称" in answers[0].content.decode()
    assert _told(answers, {"测试企业5有限公司", "水土街道", "GR52025"}) == set()
    page = login(official).get(f"/enterprises/flags/{flag.pk}/").content.decode()
    assert f"天生漏统科技有限公司（{code(5)}，不在本街镇名录中）" in page
    # recorded for the bureau, who sees whose it is and moves it
    assert (flag.subdistrict.slug, flag.enterprise, flag.state) == ("tiansheng", theirs, FlagState.OPEN)
    page = login(bureau).get(f"/enterprises/flags/{flag.pk}/").content.decode()
    assert f"测试企业5有限公司</a>（{code(5)}，现归属水土街道）" in page
    login(bureau).post(f"/enterprises/flags/{flag.pk}/", {"action": "accept"})
    theirs.refresh_from_db()
    assert theirs.subdistrict.slug == "tiansheng"  # now theirs: now they read it
    assert "测试企业5有限公司" in login(official).get(f"/enterprises/flags/{flag.pk}/").content.decode()


def test_missing_firm_of_another_district_is_only_not_ours(login, official, bureau):
    markers = make_other_districts()
    other = Enterprise._base_manager.get(name="乙泄漏区泄漏测试企业3有限公司")
    answers, flag = _official_asks_about(login(official), other.credit_code, other.pk)
    assert "请填写企业名称" in answers[0].content.decode()
    codes = {m for m in markers if m.startswith("915001")}  # the official typed the code themselves
    assert [m for answer in answers for m in leaked(markers - codes, readable_text(answer))] == []
    assert (flag.subdistrict.slug, flag.enterprise, flag.firm_name) == ("tiansheng", None, "天生漏统科技有限公司")
    page = login(bureau).get(f"/enterprises/flags/{flag.pk}/").content.decode()
    assert f"天生漏统科技有限公司（{other.credit_code}，名录中没有）" in page
    # the bureau cannot list it in Beibei (the credit code is unique across districts): told why
    answer = login(bureau).post(f"/enterprises/flags/{flag.pk}/", {"action": "accept"}, follow=True)
    assert "已登记在其他区县的企业名录中" in answer.content.decode()
    flag.refresh_from_db()
    assert flag.state == FlagState.OPEN and not Enterprise.objects.filter(credit_code=other.credit_code).exists()


def test_a_flag_naming_an_official_as_destination_shows_once_the_firm_is_theirs(
    login, official, other_official, bureau
):
    theirs = firm(1, sub="shuitu", issue_dates=[d("2025-03-01")])
    flag = verification.raise_flag(user=other_official, subdistrict=sub("shuitu"), kind=FlagKind.MOVED,
                                   note="已迁往天生", enterprise=theirs, destination=sub("tiansheng"))  # fmt: skip
    client = login(official)
    assert client.get(f"/enterprises/flags/{flag.pk}/").status_code == 403
    assert "测试企业1有限公司" not in client.get("/enterprises/check/").content.decode()
    verification.accept_flag(flag, bureau)
    assert "测试企业1有限公司" in client.get("/enterprises/check/").content.decode()
    assert client.get(f"/enterprises/flags/{flag.pk}/").status_code == 200


def test_an_official_is_not_told_where_their_flagged_firm_went(login, official, bureau):
    leaving = firm(1, sub="tiansheng", tech_year=2024)
    flag = verification.raise_flag(user=official, subdistrict=sub("tiansheng"), kind=FlagKind.NOT_HERE,
                                   note="不在本辖区", enterprise=leaving)  # fmt: skip
    verification.accept_flag(flag, bureau, destination=sub("chaoyang"))
    page = login(official).get(f"/enterprises/flags/{flag.pk}/").content.decode()
    assert "测试企业1有限公司" in page and "朝阳街道" not in page and "<dd>其他街镇</dd>" in page
    assert f'href="/enterprises/{leaving.pk}/"' not in page
    assert "<dd>朝阳街道</dd>" in login(bureau).get(f"/enterprises/flags/{flag.pk}/").content.decode()
