"""City-scale data for the benchmark: Chongqing's 38 districts, ~1,000 sub-districts with plan
figures and monthly counts from 2023-01 to last month, and 100,000 firms.

Deterministic for a seed. Beibei's 17 sub-districts of the plan are kept as they are; the
other districts get made-up sub-districts, each district's share close to its real number of
街道 and 镇. Rows go in with plain multi-row INSERTs (`enterprises.bulk`), with their history
rows (change reason "规模测试数据"), in one transaction.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from enterprises import bulk
from enterprises.choices import Industry
from enterprises.models import Enterprise, HighTechRecognition
from enterprises.validity import valid_until
from targets import freshness
from targets.choices import ALL_YEARS, Category, CountSource, Metric
from targets.models import District, MonthlyCount, PlanFigure, PlanLine, PlanVersion, SubDistrict
from targets.months import Month, month_range

from .enterprises import firms
from .services import PACE, _jitter, demo_value

REASON = "规模测试数据"

# (name, slug, number of 街道 and 镇, roughly as in 2023); Beibei's come from the plan.
DISTRICTS = [
    ("渝中区", "yuzhong", 11), ("大渡口区", "dadukou", 8), ("江北区", "jiangbei", 12), ("沙坪坝区", "shapingba", 26),
    ("九龙坡区", "jiulongpo", 19), ("南岸区", "nanan", 15), ("北碚区", "beibei", 17), ("渝北区", "yubei", 30),
    ("巴南区", "banan", 23), ("万州区", "wanzhou", 52), ("涪陵区", "fuling", 27), ("黔江区", "qianjiang", 30),
    ("长寿区", "changshou", 19), ("江津区", "jiangjin", 30), ("合川区", "hechuan", 30), ("永川区", "yongchuan", 23),
    ("南川区", "nanchuan", 34), ("綦江区", "qijiang", 30), ("大足区", "dazu", 27), ("璧山区", "bishan", 15),
    ("铜梁区", "tongliang", 28), ("潼南区", "tongnan", 22), ("荣昌区", "rongchang", 21), ("开州区", "kaizhou", 40),
    ("梁平区", "liangping", 33), ("武隆区", "wulong", 26), ("城口县", "chengkou", 25), ("丰都县", "fengdu", 30),
    ("垫江县", "dianjiang", 26), ("忠县", "zhongxian", 29), ("云阳县", "yunyang", 42), ("奉节县", "fengjie", 33),
    ("巫山县", "wushan", 26), ("巫溪县", "wuxi", 32), ("石柱土家族自治县", "shizhu", 33),
    ("秀山土家族苗族自治县", "xiushan", 27), ("酉阳土家族苗族自治县", "youyang", 39),
    ("彭水苗族土家族自治县", "pengshui", 39),
]  # fmt: skip
KEEP = "beibei"
PLACE_WORDS = list(
    "龙泉 石桥 新华 白沙 青杠 长安 太平 双河 大兴 永兴 安居 古城 清平 福禄 三合 金山 铜锣 天星 马鞍 高峰 观音 "
    "沙河 柏林 黄桷 桃花 红岩 兴隆 凤凰 南坪 东城 西城 北山 梨树 狮子 玉溪 永安 鹿角 石龙 花园 龙湾 白马 新田 "
    "回龙 仁和 丰收 河口 板桥 石门 万寿 宝山 响水 杨柳 松林 鱼泉 复兴 云台 龙凤 土桥 铁山 大观".split()
)


class AlreadyGenerated(Exception):
    """The database already holds generated data; the message is Chinese."""


@dataclass
class ScaleReport:
    districts: int
    subdistricts: int
    plan_figures: int
    counts: int
    enterprises: int
    recognitions: int


def _shares(total, weights):
    """Split `total` over `weights` in whole numbers (largest remainders), each at least 1."""
    raw = [total * w / sum(weights) for w in weights]
    shares = [max(1, int(r)) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    i = 0
    while sum(shares) < total:
        shares[order[i % len(order)]] += 1
        i += 1
    while sum(shares) > total:
        j = max(range(len(shares)), key=lambda k: shares[k])
        shares[j] -= 1
    return shares


def _names(rng, count):
    words = rng.sample(PLACE_WORDS, len(PLACE_WORDS))
    names = list(words)
    while len(names) < count:  # big districts: two-word names, still unique
        names += [a + b[0] for a in words for b in rng.sample(words, 3) if a[0] != b[0]]
    seen, out = set(), []
    for name in names:
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out[:count]


def _plan_figures(rng):
    """{metric: {year: value}}: a 2022 count and targets growing 5–20 % a year."""
    tech = rng.randint(20, 700)
    high = max(1, round(tech * rng.uniform(0.03, 0.3)))
    out = {}
    for metric, base in ((Metric.TECH_BASED, tech), (Metric.HIGH_TECH, high)):
        growth = rng.uniform(0.05, 0.2)
        values, value = {}, base
        for year in ALL_YEARS:
            values[year] = round(value)
            value = max(value * (1 + growth), value + 1)
        out[str(metric)] = values
    return out


def generate(subdistricts, enterprises, seed=2025, until=None, stdout=None):
    """Fill the database up to `subdistricts` sub-districts in all and add `enterprises` firms."""
    with transaction.atomic():
        return _generate(subdistricts, enterprises, seed, until, stdout or (lambda _: None))


def _generate(total, firm_count, seed, until, say):
    rng = random.Random(seed)
    if not District.objects.filter(slug=KEEP).exists():
        raise LookupError("尚未载入计划数据，请先运行 python manage.py load_plan")
    others = SubDistrict._base_manager.exclude(district__slug=KEEP).count()
    if others:
        raise AlreadyGenerated(
            f"数据库中已有规模测试数据（北碚区以外的街镇 {others} 个）；"
            "请在新的空数据库上运行（migrate、load_plan 之后）。"
        )
    kept = SubDistrict._base_manager.filter(district__slug=KEEP).count()
    if total < kept:
        raise ValueError(f"街镇总数不能少于北碚区已有的 {kept} 个。")
    now = timezone.now()

    new_districts = [(n, s, w) for n, s, w in DISTRICTS if s != KEEP]
    shares = _shares(total - kept, [w for _, _, w in new_districts]) if total > kept else [0] * len(new_districts)
    districts = District.objects.bulk_create(District(name=n, slug=s) for n, s, _ in new_districts)
    subs, figures_of = [], {}
    for district, share in zip(districts, shares, strict=True):
        n_a = max(1, round(share * 0.4)) if share > 1 else share
        for index, name in enumerate(_names(rng, share)):
            category = Category.A if index < n_a else Category.B
            seq = index + 1 if category == Category.A else index - n_a + 1
            suffix = "街道" if category == Category.A else "镇"
            subs.append(
                SubDistrict(
                    district=district,
                    name=name + suffix,
                    slug=f"{district.slug}-{index + 1:02d}",
                    category=category,
                    seq=seq,
                )  # fmt: skip
            )
    subs = SubDistrict._base_manager.bulk_create(subs)
    say(f"新增区县 {len(districts)} 个，街镇 {len(subs)} 个")

    # each new district's plan: one version from 2023-01, a line per sub-district
    versions = {
        district.pk: PlanVersion.objects.create(
            district=district, number=f"{district.name}实施方案（规模测试）",
            title=f"{district.name}实施方案（规模测试）", issued=dt.date(2023, 1, 1), effective=dt.date(2023, 1, 1),
            is_example=True,
        )
        for district in districts
    }  # fmt: skip
    PlanLine.objects.bulk_create(
        PlanLine(version=versions[sub.district_id], subdistrict=sub, category=sub.category, seq=sub.seq) for sub in subs
    )
    plan_rows = []
    for sub in subs:
        figures_of[sub.pk] = figures = _plan_figures(rng)
        version_id = versions[sub.district_id].pk
        for metric, years in figures.items():
            plan_rows += [
                {"version_id": version_id, "subdistrict_id": sub.pk, "metric": metric, "year": year, "value": value}
                for year, value in years.items()
            ]
    bulk.insert_rows(PlanFigure, plan_rows)
    say(f"目标任务分解 {len(plan_rows)} 条")

    until = until or Month.current().previous()
    months = [m for m in month_range(Month.first(), until) if m.year <= ALL_YEARS[-1]]
    count_rows = []
    for index, sub in enumerate(subs):
        pace = PACE[(index * 7) % len(PACE)]
        for metric, figures in figures_of[sub.pk].items():
            for m in months:
                value = demo_value(figures, m.year, m.month, pace, _jitter(sub.slug, metric, m))
                count_rows.append(
                    {
                        "subdistrict_id": sub.pk, "month": m.date, "metric": metric, "value": value, "note": "",
                        "source": CountSource.DEMO, "source_file": "", "updated_by_id": None, "updated_at": now,
                    }
                )  # fmt: skip
    bulk.insert_rows(MonthlyCount, count_rows)
    fields = ["id", *count_rows[0]] if count_rows else []
    history = (
        list(MonthlyCount._base_manager.filter(subdistrict__in=subs).order_by().values(*fields)) if count_rows else []
    )
    bulk.insert_history(MonthlyCount, history, reason=REASON)
    say(f"月度数据 {len(count_rows)} 条（{months[0]} 至 {months[-1]}），含历史记录" if months else "月度数据 0 条")

    firm_total, cert_total = _enterprises(firm_count, seed, now)
    say(f"企业 {firm_total} 家，高新技术企业证书 {cert_total} 张，含历史记录")
    freshness.bump()
    return ScaleReport(len(districts), len(subs), len(plan_rows), len(count_rows), firm_total, cert_total)


def _enterprises(count, seed, now):
    """`count` firms with valid credit codes over every sub-district, weighted by its plan's
    2022 tech-based count; certificates for the high-tech ones."""
    if not count:
        return 0, 0
    rng = random.Random(seed + 1)
    plan = dict(
        PlanFigure._base_manager.filter(metric=Metric.TECH_BASED, year=ALL_YEARS[0]).values_list(
            "subdistrict_id", "value"
        )
    )
    sub_ids = list(plan)
    weights = [plan[i] for i in sub_ids]
    industries = {choice.label: choice.value for choice in Industry}
    today = dt.date.today()
    rows, certificates = [], []
    taken = set(Enterprise._base_manager.values_list("credit_code", flat=True))  # e.g. the demo registry
    for firm in firms(count, seed, today):
        if firm["统一社会信用代码"] in taken:
            continue
        rows.append(
            {
                "name": firm["企业名称"],
                "credit_code": firm["统一社会信用代码"],
                "subdistrict_id": rng.choices(sub_ids, weights)[0],
                "industry": industries[firm["所属产业"]],
                "above_scale": firm["规上"] == "是",
                "specialized": firm["专精特新"] == "是",
                "little_giant": firm["小巨人"] == "是",
                "cultivation_pool": firm["培优库"] == "是",
                "high_value_patent": False,
                "single_champion": False,
                "ipo_reserve": False,
                "tech_registered_year": firm["科技型企业入库年份"],
                "tech_left_on": firm["科技型企业退库日期"],
                "updated_at": now,
            }
        )
        if firm["高新技术企业发证日期"]:
            certificates.append((firm["统一社会信用代码"], firm["高新技术企业证书编号"], firm["高新技术企业发证日期"]))
    bulk.insert_rows(Enterprise, rows)
    ids = dict(Enterprise._base_manager.order_by().values_list("credit_code", "pk"))
    for row in rows:
        row["id"] = ids[row["credit_code"]]
    bulk.insert_history(Enterprise, rows, reason=REASON)
    rec_rows = [
        {"enterprise_id": ids[code], "certificate_no": number, "issue_date": issued, "valid_until": valid_until(issued)}
        for code, number, issued in certificates
    ]
    bulk.insert_rows(HighTechRecognition, rec_rows)
    rec_ids = dict(HighTechRecognition._base_manager.order_by().values_list("enterprise_id", "pk"))
    for row in rec_rows:
        row["id"] = rec_ids[row["enterprise_id"]]
    bulk.insert_history(HighTechRecognition, rec_rows, reason=REASON)
    return len(rows), len(rec_rows)
