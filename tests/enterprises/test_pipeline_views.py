"""The pipeline pages, forms and API (issue 29): what each role sees and may do, the 预警 line,
the API's shape and scope, and queries that do not grow with the firms."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises import pipeline
from enterprises.choices import Programme, Stage
from enterprises.models import HighTechRecognition, RecognitionAttempt
from targets.choices import Metric
from tests.support import d, firm, log

pytestmark = pytest.mark.django_db

EXAMPLE = "天生街道今年尚差5家，在途申报2家，按往年通过率（60%）预计新增1家"


def _attempt(n, sub, year, stage, **fields):
    enterprise = firm(n, sub)
    if stage == Stage.RECOGNISED:
        fields["certificate"] = HighTechRecognition.objects.create(
            enterprise=enterprise, issue_date=d(f"{year}-10-25"), certificate_no=f"GR{year}500{n:05d}"
        )
    if stage in (Stage.APPLIED, Stage.REVIEW, Stage.RECOGNISED, Stage.FAILED):
        fields.setdefault("batch", 2)
    return RecognitionAttempt.objects.create(
        enterprise=enterprise, year=year, programme=Programme.HIGH_TECH, stage=stage, **fields
    )


@pytest.fixture
def world(pinned_today):
    """2025: 3 recognised, 2 failed in review (已申报 and 评审/公示 → 认定 3/5 = 60%). 2026: 天生 has one firm
    已申报 and one 评审/公示 and one in the 培优库, with 11 firms counted in October against the
    plan's 16 (a gap of 5); 水土 one 已申报 firm."""
    for n in (1, 2, 3):
        _attempt(n, "shuitu", 2025, Stage.RECOGNISED)
    for n in (4, 5):
        _attempt(n, "shuitu", 2025, Stage.FAILED, failed_stage=Stage.REVIEW, reason="知识产权不足")
    attempts = {
        "applied": _attempt(10, "tiansheng", 2026, Stage.APPLIED),
        "review": _attempt(11, "tiansheng", 2026, Stage.REVIEW),
        "pool": _attempt(12, "tiansheng", 2026, Stage.CULTIVATING),
        "shuitu": _attempt(20, "shuitu", 2026, Stage.APPLIED),
    }
    log("tiansheng", "2026-10", Metric.HIGH_TECH, 11)
    log("shuitu", "2026-10", Metric.HIGH_TECH, 40)
    log("tiansheng", "2026-10", Metric.TECH_BASED, 450)
    log("shuitu", "2026-10", Metric.TECH_BASED, 400)
    return attempts


def test_the_district_page_shows_the_warning_the_stages_and_the_basis(login, bureau, world):
    html = login(bureau).get("/pipeline/?year=2026").content.decode()
    assert EXAMPLE in html
    # 天生: gap 5; 已申报 1 × 3/5 + 评审/公示 1 × 3/5 = 1.2
    assert "天生街道：在途申报 已申报1家×60%（3/5） + 评审/公示1家×60%（3/5） = 1.2家，约1家" in html
    assert '高企新认定·已申报</td><td class="num">60%</td><td class="num">3/5</td>' in html
    # October is partial (2 of 17 reported): the district's gap is theirs, so no district 预警
    assert "2026年10月仅2/17 个街镇已填报" in html and "全区今年尚差" not in html


def test_the_official_sees_their_own_line_and_the_district_only(login, official, world):
    client = login(official)
    html = client.get("/pipeline/").content.decode()
    assert "天生街道" in html and "水土街道" not in html and "全区" in html
    assert client.get("/pipeline/shuitu/").status_code == 403
    page = client.get("/pipeline/tiansheng/").content.decode()
    assert f'href="/pipeline/attempts/{world["applied"].pk}/"' in page and "新建认定进程" in page
    assert client.get(f"/pipeline/attempts/{world['shuitu'].pk}/").status_code == 403


def test_the_official_moves_their_firm_to_a_certificate(login, official, world):
    client = login(official)
    url = f"/pipeline/attempts/{world['review'].pk}/"
    response = client.post(
        url,
        {
            "stage": "recognised",
            "certificate_no": "GR202650000999",
            "issue_date": "2026-10-28",
            "reason": "第2批备案名单",
        },
    )
    assert response.status_code == 302
    attempt = RecognitionAttempt.objects.get(pk=world["review"].pk)
    assert attempt.stage == Stage.RECOGNISED and attempt.certificate.certificate_no == "GR202650000999"
    page = client.get(url).content.decode()
    assert "第2批备案名单" in page and "tiansheng_user" in page and "该进程已结束" in page


def test_a_refused_move_shows_the_reason_and_writes_nothing(login, official, world):
    response = login(official).post(
        f"/pipeline/attempts/{world['applied'].pk}/", {"stage": "failed", "reason": "评审结果"}
    )
    assert response.status_code == 200 and "请写明未通过的原因" in response.content.decode()
    assert RecognitionAttempt.objects.get(pk=world["applied"].pk).stage == Stage.APPLIED


def test_leadership_reads_but_does_not_move(login, leader, world):
    client = login(leader)
    url = f"/pipeline/attempts/{world['applied'].pk}/"
    page = client.get(url).content.decode()
    assert "您的账号只能查看该进程" in page and 'name="stage"' not in page
    assert client.post(url, {"stage": "review", "reason": "x"}).status_code == 403
    assert client.get("/pipeline/tiansheng/new/").status_code == 403


def test_other_officials_cannot_move_or_open(login, other_official, world):
    client = login(other_official)
    assert (
        client.post(f"/pipeline/attempts/{world['applied'].pk}/", {"stage": "review", "reason": "x"}).status_code == 403
    )
    assert client.get("/pipeline/tiansheng/new/").status_code == 403


def test_an_official_opens_an_attempt_for_their_own_firm_only(login, official, world):
    client = login(official)
    mine, theirs = firm(30, "tiansheng"), firm(31, "shuitu")
    refused = client.post(
        "/pipeline/tiansheng/new/?year=2026",
        {"enterprise": theirs.pk, "programme": "high_tech", "stage": "cultivating", "reason": "纳入培优库"},
    )
    assert refused.status_code == 200 and not RecognitionAttempt.objects.filter(enterprise=theirs).exists()
    response = client.post(
        "/pipeline/tiansheng/new/?year=2026",
        {"enterprise": mine.pk, "programme": "high_tech", "stage": "intending", "reason": "企业确认申报"},
    )
    attempt = RecognitionAttempt.objects.get(enterprise=mine)
    assert response.status_code == 302 and (attempt.year, attempt.stage) == (2026, Stage.INTENDING)
    assert attempt.history.get().history_change_reason == "企业确认申报"


def test_the_api_is_scoped_and_its_counts_sum_to_the_total(login, bureau, official, unit_user, world):
    data = login(bureau).get("/api/v1/pipeline?year=2026").json()
    lines = {line["slug"]: line for line in data["subdistricts"]}
    zero = dict.fromkeys(["cultivating", "intending", "applied", "review", "recognised", "failed"], 0)
    assert lines["tiansheng"]["high_tech"]["stages"] == zero | {"applied": 1, "review": 1, "cultivating": 1}
    assert lines["tiansheng"]["high_tech"]["gap"] == 5
    assert lines["tiansheng"]["high_tech"]["expected"] == 1.2
    assert lines["tiansheng"]["high_tech"]["expected_firms"] == 1
    assert lines["tiansheng"]["high_tech"]["warning"] == EXAMPLE + "；另有1家处于培育、拟申报阶段，尚未申报"
    assert data["pass_rates"]["new"]["applied"] == {"recognised": 3, "decided": 5, "rate": "60%"}
    for stage, n in data["total"]["high_tech"]["stages"].items():
        assert n == sum(line["high_tech"]["stages"][stage] for line in data["subdistricts"])
    assert data["total"]["high_tech"]["stages"] == zero | {"applied": 2, "review": 1, "cultivating": 1}
    official_data = login(official).get("/api/v1/pipeline?year=2026").json()
    assert [line["slug"] for line in official_data["subdistricts"]] == ["tiansheng"]
    assert official_data["total"] == data["total"]
    assert login(unit_user).get("/api/v1/pipeline").json()["subdistricts"] == []
    bad = login(bureau).get("/api/v1/pipeline?year=abc")
    assert bad.status_code == 400 and "不是年份" in bad.json()["error"]


def test_renewals_due_and_firms_to_visit(login, bureau, world):
    lapsing = firm(40, "tiansheng", [d("2023-12-20")])  # last valid day 2026-12-19: still counted
    filed = firm(41, "tiansheng", [d("2023-12-10")])
    pipeline.open_attempt(
        filed, 2026, Programme.HIGH_TECH, user=bureau, reason="重新认定", renews=filed.recognitions.get(),
        stage=Stage.APPLIED, batch=4,
    )  # fmt: skip
    firm(42, "tiansheng", [d("2023-03-01")])  # lapsed in February: already out of the count
    html = login(bureau).get("/pipeline/tiansheng/?year=2026").content.decode()
    assert "2026年到期的高新技术企业证书及重新认定（3张）" in html
    assert "未重新认定，已失效" in html and "重新认定已申报" in html
    assert f'{lapsing.name}</a></td><td>天生街道</td><td class="text-left">证书2026年12月19日到期：未启动' in html
    # the gap of 5 and one certificate that will lapse: 6 needed, 1 expected
    assert "1张证书年内到期尚未申报（或未通过）重新认定，如最终未获认定将减少1家" in html


def test_queries_do_not_grow_with_the_firms(login, bureau, world):
    client = login(bureau)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/pipeline/tiansheng/?year=2026").status_code == 200
        return len(captured)

    queries()  # the progress figures are cached under the data version after the first
    before = queries()
    for n in range(50, 60):
        _attempt(n, "tiansheng", 2026, Stage.REVIEW)
        firm(n + 100, "tiansheng", [d("2023-12-01")])
    queries()
    assert queries() == before


def test_the_subdistrict_page_links_to_its_pipeline(login, official, world):
    html = login(official).get("/subdistricts/tiansheng/?month=2026-10").content.decode()
    assert 'href="/pipeline/tiansheng/?year=2026">认定进程</a>' in html


def test_a_firms_page_shows_its_path_and_offers_a_new_attempt_to_who_may(login, official, leader, world):
    company = world["applied"].enterprise
    html = login(official).get(f"/enterprises/{company.pk}/").content.decode()
    assert "认定进程（逐年）" in html and "高新技术企业新认定" in html and "已申报" in html
    assert f'href="/pipeline/tiansheng/new/?enterprise={company.pk}"' in html
    form = login(official).get(f"/pipeline/tiansheng/new/?enterprise={company.pk}").content.decode()
    assert f'<option value="{company.pk}" selected>' in form
    assert "/pipeline/tiansheng/new/" not in login(leader).get(f"/enterprises/{company.pk}/").content.decode()
