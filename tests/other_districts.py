"""Other districts' data in the same database, as in Chongqing's city-scale mode: three
districts, each with sub-districts, plan figures, counts (with history) and firms whose names,
slugs, codes and figures are recognisable, so a test can assert none of them reaches a page.

Rows go in through `_base_manager`: the default managers only see the deployment's district.
"""

import datetime as dt
import functools
import re

from enterprises.models import Enterprise, HighTechRecognition
from targets.choices import ALL_YEARS, Metric
from targets.models import District, MonthlyCount, PlanFigure, SubDistrict
from targets.months import Month, month_range
from tests.enterprises.helpers import code

OTHER_DISTRICTS = [("甲泄漏区", "leak-jia"), ("乙泄漏区", "leak-yi"), ("丙泄漏县", "leak-bing")]
# Values no Beibei page can show: above every Beibei figure, and not a sum of Beibei's.
PLAN_BASE = 970_317
COUNT_BASE = 860_529


def make_other_districts(until=None):
    """Build the other districts; returns the strings that must never appear in Beibei's pages."""
    markers = set()
    n = 0
    for d_index, (name, slug) in enumerate(OTHER_DISTRICTS):
        district = District.objects.create(name=name, slug=slug)
        markers |= {name, slug}
        for s_index, (category, suffix) in enumerate((("A", "街道"), ("B", "镇"))):
            # 天生街道 exists in Beibei: the same name elsewhere must not be mixed up with it.
            sub_name = "天生街道" if (d_index, s_index) == (0, 0) else f"{name[0]}泄漏{s_index + 1}{suffix}"
            sub_slug = f"{slug}-{s_index + 1:02d}"
            sub = SubDistrict._base_manager.create(
                district=district, name=sub_name, slug=sub_slug, category=category, seq=1
            )
            markers |= {sub_slug} | ({sub_name} if sub_name != "天生街道" else set())
            for m_index, metric in enumerate(Metric.values):
                for year in ALL_YEARS:
                    value = PLAN_BASE + 100 * d_index + 10 * s_index + m_index + (year - ALL_YEARS[0]) * 7_000
                    PlanFigure._base_manager.create(subdistrict=sub, metric=metric, year=year, value=value)
                    markers.add(str(value))
                for month in month_range(Month(2026, 1), until or Month(2026, 10)):
                    value = COUNT_BASE + 100 * d_index + 10 * s_index + m_index + month.month * 7_000
                    MonthlyCount._base_manager.create(
                        subdistrict=sub, month=month.date, metric=metric, value=value, note=f"{name}备注"
                    )
                    markers.add(str(value))
            n += 1
            firm = Enterprise._base_manager.create(
                name=f"{name}泄漏测试企业{n}有限公司",
                credit_code=code(9_000_000 + n),
                subdistrict=sub,
                tech_registered_year=2024,
            )
            HighTechRecognition._base_manager.create(
                enterprise=firm, issue_date=dt.date(2025, 3, 1), certificate_no=f"GRLEAK{n}"
            )
            markers |= {firm.name, firm.credit_code, f"GRLEAK{n}"}
    markers.add(f"{OTHER_DISTRICTS[0][0]}备注")
    # Numbers as pages print them (123,456) as well as bare.
    return markers | {f"{int(m):,}" for m in markers if m.isdigit()}


def leaked(markers, text):
    """The markers found in `text`; a number only as a whole number (not inside a longer one)."""
    numbers, words = _numbers_pattern(frozenset(markers))
    found = {m for m in words if m in text}
    if numbers is not None:
        found.update(numbers.findall(text))
    return sorted(found)


@functools.cache
def _numbers_pattern(markers):
    """One regex for every number marker (a number is matched whole: at a given place at most
    one marker fits between the boundaries, so no match hides another), and the other markers."""
    numbers = sorted((m for m in markers if m.replace(",", "").isdigit()), key=len, reverse=True)
    words = [m for m in markers if not m.replace(",", "").isdigit()]
    if not numbers:
        return None, words
    return re.compile(rf"(?<![\d,.])(?:{'|'.join(map(re.escape, numbers))})(?![\d,]|\.\d)"), words
