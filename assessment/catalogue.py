"""The items a yearly assessment scheme (考核方案) may weigh, and the rule that turns a figure into points.

Pure values, no ORM. Every item measures a rate (a fraction, 1 = 100%). The rule is the same
for every item and is printed on the page from the scheme's own parameters, so the page cannot
drift from the code:

    points = weight × clamp((rate − floor) / (full − floor), 0, 1)

a rate at or below `floor` earns nothing, a rate at or above `full` earns the whole weight, in
between in proportion; a rate that cannot be computed (no data) earns 0 and is marked so.
"""

from dataclasses import dataclass
from decimal import Decimal

SUBDISTRICT, UNIT = "subdistrict", "unit"
SUBJECT_LABELS = {SUBDISTRICT: "街镇", UNIT: "牵头单位"}


@dataclass(frozen=True)
class Item:
    code: str
    subject: str  # SUBDISTRICT or UNIT
    name: str
    figure: str  # how the rate is computed, in Chinese


ITEMS = [
    Item(
        "high_tech_increment",
        SUBDISTRICT,
        "高新技术企业年度新增完成率",
        "与月通报排名同一个新增完成率：（考核月末数 − 上年末数）÷（年度目标 − 上年末数），上年末数取上年12月填报数，"
        "未填报时取方案上年目标；今年应新增不足5家的（含目标不高于上年末数的），按5家折算："
        "达到年度目标的记100%加超出家数÷5，未达到的记序时进度加（实际新增 − 序时应新增）÷5",
    ),
    Item(
        "tech_based_increment",
        SUBDISTRICT,
        "科技型企业年度新增完成率",
        "同上，按科技型企业计算",
    ),
    Item(
        "progress_2027",
        SUBDISTRICT,
        "2027年目标进度",
        "两类企业各自（考核月末数 − 2022年基数）÷（2027年目标 − 2022年基数）的平均值",
    ),
    Item(
        "participation",
        SUBDISTRICT,
        "重点任务配合填报率",
        "“各镇街”为责任单位的任务和组织实施措施，当年1月（年内划入的街镇自划入当月）至考核月逐月应填报配合情况的次数中已填报的比例（季度填报覆盖该季度三个月）",
    ),
    Item(
        "report_coverage",
        UNIT,
        "重点任务进展报送率",
        "所牵头任务当年1月至已过截止日的最近月份，逐月有已提交或已采纳进展报告的比例（被退回的不计；“已完成”后的月份不再要求）",
    ),
    Item(
        "report_timeliness",
        UNIT,
        "按时报送率",
        "上述应报月份中，在截止日（次月{day}日）前提交的比例",
    ),
    Item(
        "contribution_rate",
        UNIT,
        "责任单位配合填报率",
        "作为责任单位的任务（组织实施措施为全部署名单位），当年1月至考核月逐月应填报配合情况的次数中已填报的比例",
    ),
]
BY_CODE = {item.code: item for item in ITEMS}

DEFAULT_WEIGHTS = {
    "high_tech_increment": 35,
    "tech_based_increment": 35,
    "progress_2027": 20,
    "participation": 10,
    "report_coverage": 50,
    "report_timeliness": 30,
    "contribution_rate": 20,
}
TOTAL_POINTS = 100


def default_items():
    """A scheme's items as stored: [{code, weight, full, floor}] (rates in percent)."""
    return [{"code": code, "weight": weight, "full": 100, "floor": 0} for code, weight in DEFAULT_WEIGHTS.items()]


def items_for(items, subject):
    return [row for row in items if BY_CODE[row["code"]].subject == subject]


def check_items(items):
    """Chinese problems with a scheme's items: [] when it is usable."""
    problems = []
    codes = [row["code"] for row in items]
    for code in codes:
        if code not in BY_CODE:
            problems.append(f"未知的考核项目“{code}”。")
    for row in items:
        if row["code"] not in BY_CODE:
            continue
        name = BY_CODE[row["code"]].name
        if Decimal(row["weight"]) < 0:
            problems.append(f"“{name}”的分值不能为负数。")
        if Decimal(row["full"]) <= Decimal(row["floor"]):
            problems.append(f"“{name}”的满分线必须高于零分线。")
    for subject, label in SUBJECT_LABELS.items():
        total = sum(
            Decimal(row["weight"])
            for row in items
            if row["code"] in BY_CODE and BY_CODE[row["code"]].subject == subject
        )
        if total != TOTAL_POINTS:
            problems.append(f"{label}考核各项分值合计应为{TOTAL_POINTS}分，现为{total:g}分。")
    return problems


def rule_text(row, day=10):
    """The documented mapping of one item, from its parameters."""
    item = BY_CODE[row["code"]]
    weight, full, floor = (Decimal(row[k]).normalize() for k in ("weight", "full", "floor"))
    return (
        f"{item.name}（{weight:f}分）：{item.figure.format(day=day)}。"
        f"达到{full:f}%得满分，不高于{floor:f}%得0分，其间按比例计分；无法计算的计0分。"
    )
