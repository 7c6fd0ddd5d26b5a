"""Realistic made-up firms with valid credit codes, for trying the import and for the benchmark.

Deterministic: the same count and seed give the same file. Names are composed of common
trade-name words; credit codes are 91 (enterprise) + 500109 (北碚区) + a 9-character
organisation code with its GB 11714 check character + the GB 32100 check character.
"""

import datetime as dt
import random

from openpyxl import Workbook

from enterprises import validity
from enterprises.choices import Industry
from enterprises.columns import HEADERS

# Sub-districts of the plan with a weight close to their share of its tech-based targets.
SUBDISTRICT_WEIGHTS = {
    "天生街道": 439, "朝阳街道": 276, "北温泉街道": 124, "龙凤桥街道": 210, "歇马街道": 600,
    "蔡家岗街道": 720, "水土街道": 900, "复兴街道": 160, "施家梁镇": 140, "童家溪镇": 260,
    "东阳街道": 150, "澄江镇": 90, "静观镇": 70, "天府镇": 80, "柳荫镇": 40, "三圣镇": 40, "金刀峡镇": 30,
}  # fmt: skip
PLACE = ["重庆", "北碚", "缙云", "嘉陵", "渝北", "西部", "两江", "山城", "巴渝", "蔡家", "水土", "歇马"]
WORD = list("华科创瑞博锐智恒达信联晟泰远新康源盛驰航宏嘉誉峰")
TRADE = {
    Industry.SENSORS: ["传感技术", "微电子", "感知科技", "仪表"],
    Industry.INDUSTRIAL_SOFTWARE: ["软件", "信息技术", "数字科技", "工业互联网"],
    Industry.NEW_MATERIALS: ["新材料", "复合材料", "高分子材料", "涂层科技"],
    Industry.NEXT_GEN_IT: ["电子科技", "通信技术", "光电科技", "半导体"],
    Industry.AGRI_FOOD_HEALTH: ["食品", "生物科技", "农业科技", "医疗器械"],
    Industry.OTHER: ["机械制造", "环保科技", "汽车零部件", "检测技术", "建材"],
}
FORM = ["有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司"]
INDUSTRY_WEIGHTS = [8, 10, 9, 10, 12, 51]
ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(rng, used):
    while True:
        body = "".join(rng.choice(ORG_CHARS) for _ in range(8))
        first17 = "91500109" + body + validity.org_code_check_char(body)
        code = first17 + validity.credit_code_check_char(first17)
        if code not in used:
            used.add(code)
            return code


def _yes(flag):
    return "是" if flag else "否"


def _name(rng, industry, used, index):
    for _ in range(5):
        name = rng.choice(PLACE) + "".join(rng.sample(WORD, 2)) + rng.choice(TRADE[industry]) + rng.choice(FORM)
        if name not in used:
            break
    else:
        name = f"{rng.choice(PLACE)}{''.join(rng.sample(WORD, 3))}{index}{rng.choice(TRADE[industry])}有限公司"
    used.add(name)
    return name


# a unit the weights above do not name (a town that joined later) weighs as a small town
OTHER_UNIT_WEIGHT = 40


def firms(count, seed=2025, today=None, units=None):
    """Yield `count` rows of the import format (dicts keyed by the Chinese headers), in the
    sub-districts `units` (names; default: the plan's 17 of `SUBDISTRICT_WEIGHTS`)."""
    today = today or dt.date.today()
    rng = random.Random(seed)
    used_codes, used_names = set(), set()
    subs = list(units or SUBDISTRICT_WEIGHTS)
    weights = [SUBDISTRICT_WEIGHTS.get(name, OTHER_UNIT_WEIGHT) for name in subs]
    industries = list(Industry)
    for index in range(count):
        industry = rng.choices(industries, INDUSTRY_WEIGHTS)[0]
        name = _name(rng, industry, used_names, index)
        tech_year = rng.choice(range(2018, today.year + 1)) if rng.random() < 0.72 else None
        left_on = None
        if tech_year and rng.random() < 0.06:
            start = dt.date(tech_year, 6, 30)
            if start < today:
                left_on = start + dt.timedelta(days=rng.randrange((today - start).days + 1))
        high_tech = rng.random() < 0.3
        issue_date = None
        if high_tech:
            first = dt.date(2019, 10, 1)
            issue_date = first + dt.timedelta(days=rng.randrange((today - first).days + 1))
        above_scale = rng.random() < (0.45 if high_tech else 0.15)
        specialized = rng.random() < (0.25 if high_tech else 0.04)
        yield {
            "企业名称": name,
            "统一社会信用代码": credit_code(rng, used_codes),
            "所属街镇": rng.choices(subs, weights)[0],
            "高新技术企业发证日期": issue_date,
            "科技型企业入库年份": tech_year,
            "高新技术企业证书编号": f"GR{issue_date.year}5{rng.randrange(10**7):07d}" if issue_date else None,
            "所属产业": industry.label,
            "规上": _yes(above_scale),
            "专精特新": _yes(specialized),
            "小巨人": _yes(specialized and rng.random() < 0.15),
            "培优库": _yes(not high_tech and bool(tech_year) and rng.random() < 0.12),
            "科技型企业退库日期": left_on,
        }


def firms_with_certificates(wanted, year, seed=2027):
    """Import rounds for firms with several certificates: [[row]], the first round every firm with
    its first certificate, each later round the firms renewed once more with the new issue date.

    `wanted`: {sub-district name: ([[issue date, …] per high-tech firm], tech-based count)}; the
    first `tech-based count` firms of a sub-district are registered (in a year up to `year`).
    """
    rng = random.Random(seed)
    extra = random.Random(seed + 1)  # the later flags draw apart, so the earlier columns stay as they were
    used_codes, used_names = set(), set()
    industries = list(Industry)
    rounds, index = [[]], 0
    for sub_name, (certified, tech_based) in wanted.items():
        for i in range(max(len(certified), tech_based)):
            index += 1
            industry = rng.choices(industries, INDUSTRY_WEIGHTS)[0]
            dates = certified[i] if i < len(certified) else []
            registered = i < tech_based
            row = {
                "企业名称": _name(rng, industry, used_names, index),
                "统一社会信用代码": credit_code(rng, used_codes),
                "所属街镇": sub_name,
                "科技型企业入库年份": rng.choice(range(2018, year + 1)) if registered else None,
                "所属产业": industry.label,
                "规上": _yes(rng.random() < (0.45 if dates else 0.15)),
                "专精特新": _yes(bool(dates) and rng.random() < 0.2),
                "小巨人": _yes(bool(dates) and rng.random() < 0.03),
                "培优库": _yes(registered and not dates and rng.random() < 0.12),
                "高价值发明专利": _yes(bool(dates) and extra.random() < 0.4),
                "单项冠军": _yes(bool(dates) and extra.random() < 0.01),
                "拟上市储备库": _yes(bool(dates) and extra.random() < 0.02),
                "科技型企业退库日期": None,
            }
            for number in range(max(1, len(dates))):
                issued = dates[number] if dates else None
                while len(rounds) <= number:
                    rounds.append([])
                rounds[number].append(
                    row
                    | {
                        "高新技术企业发证日期": issued,
                        "高新技术企业证书编号": f"GR{issued.year}5{rng.randrange(10**7):07d}" if issued else None,
                    }
                )
    return [r for r in rounds if r]


def write_rows(path, rows):
    """Write import-format rows to an .xlsx at `path`.

    Not openpyxl's write-only mode: that writes every text as an inline string, whereas Excel
    (and WPS) keep a shared-string table; the file should read like one a user saved.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业名录"
    headers = list(HEADERS)
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])  # optional columns a generator leaves out stay empty
    workbook.save(path)


def write_xlsx(path, count, seed=2025, today=None, units=None):
    """Write `count` random firms to an .xlsx at `path` (in the sub-districts `units`)."""
    write_rows(path, firms(count, seed, today, units))
