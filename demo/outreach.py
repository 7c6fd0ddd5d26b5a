"""Demo visits and problems (走访与诉求) for a newcomer's first look: a few dozen visits over
2026 by the bureau and the demo officials, problems of every category and state, answered by
departments (区经济信息委 and 区科技局 among them, the demo's unit accounts) and by sub-districts,
and a few past their due date. Deterministic: the same firms, dates and texts for the same day."""

import datetime as dt
import hashlib

from django.utils import timezone

from beibei_dashboard.history import with_history
from enterprises.models import Enterprise
from outreach.choices import ProblemCategory, ProblemState
from outreach.models import Problem, Visit
from outreach.services import subdistrict_on
from targets import territory
from targets.months import Month
from tasks.models import Unit

YEAR = 2026
VISITS = 36
VISITORS = ["张明、李华", "王芳、陈刚", "刘洋", "赵敏、孙伟", "周婷、吴磊", "郑涛"]
FINDINGS = [
    "企业研发投入稳步增长，拟于今年申报高新技术企业，知识产权数量尚差2项。",
    "企业新产品已进入试产，研发人员不足，希望对接高校人才。",
    "企业扩产需新增厂房用地，现有用地指标不足。",
    "企业已入库科技型企业，研发费用加计扣除政策尚未兑现。",
    "企业经营平稳，计划明年申报高新技术企业，需要辅导申报材料。",
    "企业流动资金紧张，希望了解科技金融产品。",
]
# (category, what the firm asks, the answering department (None: the firm's sub-district), the answer)
PROBLEMS = [
    (ProblemCategory.FUNDING, "希望对接“科技贷”等科技金融产品，解决流动资金缺口约300万元。", "区金融发展中心",
     "已对接两家银行，企业获“科技贷”授信300万元。"),
    (ProblemCategory.TALENT, "急需引进嵌入式软件研发人员5名，希望纳入区人才引进计划。", "区委人才办",
     "已将企业岗位纳入年度人才引进目录，并推荐至高校招聘会。"),
    (ProblemCategory.LAND, "扩产需新增工业用地约20亩，请协调用地指标。", "区规划自然资源局",
     "已纳入下年度用地计划，近期先协调租用标准厂房过渡。"),
    (ProblemCategory.IP, "两项发明专利申请久未授权，希望指导优先审查。", "区市场监管局",
     "已指导企业提交优先审查请求，一项已授权。"),
    (ProblemCategory.POLICY, "2025年研发投入奖补资金尚未拨付，请协调兑现。", "区科技局",
     "奖补资金已于本月拨付到企业账户。"),
    (ProblemCategory.POLICY, "技改项目补助申报后未收到结果，请答复办理进度。", "区经济信息委",
     "项目已通过评审，补助资金按程序拨付。"),
    (ProblemCategory.OTHER, "园区道路夜间照明不足，影响企业员工通勤。", None, "已增设路灯12盏，照明问题已解决。"),
    (ProblemCategory.TALENT, "希望协调员工子女入学。", "区教委", "已协调就近学校安排入学。"),
    (ProblemCategory.OTHER, "希望参加高新技术企业申报辅导培训。", "区科技局", "已邀请企业参加本月申报辅导培训会。"),
    (ProblemCategory.FUNDING, "智能化改造项目资金缺口较大，希望申请技改专项资金。", "区经济信息委",
     "已指导企业申报市级技改专项，项目已入库。"),
    (ProblemCategory.IP, "希望协助开展高价值发明专利培育。", "区科技局",
     "已将企业纳入高价值专利培育名单，安排服务机构对接。"),
    (ProblemCategory.TALENT, "希望对接高校共建研发中心。", "区经济信息委", "已协调西南大学相关学院与企业对接。"),
]  # fmt: skip
# the recent visits' first problems go to the units with a demo account (jingxinwei, kejiju)
RECENT, DEMO_UNITS = 8, ("区科技局", "区经济信息委")


def _number(*parts):
    return int.from_bytes(hashlib.sha256("/".join(map(str, parts)).encode()).digest()[:4], "big")


def _at(day, hour):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def seed_demo_outreach(users, today=None):
    """Visits from January 2026 to `today` (none before 2026), once: nothing when demo visits exist."""
    today = today or timezone.localdate()
    if today.year < YEAR or Visit.objects.filter(recorded_by__is_demo=True).exists():
        return 0
    bureau = next(user for user in users if user.role == "bureau")
    officials = {user.subdistrict_id: user for user in users if user.role == "subdistrict"}
    unit_users = {user.unit_id: user for user in users if user.role == "unit"}
    members = territory.map_of(Month.of(today)).members
    firms = list(Enterprise.objects.filter(subdistrict__in=members).order_by("credit_code"))
    if not firms:
        return 0
    units = {unit.name: unit for unit in Unit.objects.all()}
    # visit the demo officials' firms more often (each in turn): their pages and 待办 show them
    preferred = [[f for f in firms if f.subdistrict_id == sub] for sub in sorted(officials)]
    preferred = [pool for pool in preferred if pool]
    start, days = dt.date(YEAR, 1, 5), (min(today, dt.date(YEAR, 12, 31)) - dt.date(YEAR, 1, 5)).days
    created = 0
    for n in range(VISITS):
        pool = preferred[n // 2 % len(preferred)] if preferred and n % 2 == 0 else firms
        firm = pool[_number("firm", n) % len(pool)]
        date = start + dt.timedelta(days=days * n // VISITS)
        who = officials.get(firm.subdistrict_id) if n % 3 else None
        who = who or bureau
        visit = Visit(
            enterprise=firm,
            subdistrict=subdistrict_on(firm, date),
            date=date,
            visitors=VISITORS[n % len(VISITORS)] + ("（区科技局）" if who is bureau else f"（{firm.subdistrict}）"),
            findings=FINDINGS[_number("find", n) % len(FINDINGS)],
            recorded_by=who,
            recorded_at=_at(date, 17),
        )
        visit.full_clean()
        with_history(visit, who, "登记走访（演示）").save()
        _dated(visit, [_at(date, 17)])
        # 0, 1 or 2 problems; at least one at the recent visits, so that the demo units have some open
        recent = n >= VISITS - RECENT
        for k in range(max(_number("count", n) % 3, 1 if recent else 0)):
            problem = _problem(visit, who, n, k, units, for_demo_unit=recent and k == 0)
            answerer = unit_users.get(problem.answer_unit_id) or officials.get(problem.answer_subdistrict_id) or bureau
            _handle(problem, answerer, n, k, today)
        created += 1
    return created


def _problem(visit, who, n, k, units, for_demo_unit=False):
    problems = [row for row in PROBLEMS if row[2] in DEMO_UNITS] if for_demo_unit else PROBLEMS
    category, text, unit_name, _answer = problems[(n * 5 + k) % len(problems)]
    due = visit.date + dt.timedelta(days=15 + 15 * (_number("due", n, k) % 3))
    problem = Problem(
        enterprise=visit.enterprise,
        subdistrict=visit.subdistrict,
        visit=visit,
        category=category,
        description=text,
        answer_unit=units.get(unit_name) if unit_name else None,
        answer_subdistrict=None if unit_name else visit.subdistrict,
        due_date=due,
        raised_on=visit.date,
        raised_by=who,
    )
    problem.full_clean()
    with_history(problem, who, "走访中登记诉求（演示）").save()
    return problem


def _handle(problem, who, n, k, today):
    """Started and answered by the answering unit's demo account (the bureau's without one)."""
    visit = problem.visit
    answer = next(row[3] for row in PROBLEMS if row[1] == problem.description)
    times = [_at(visit.date, 17)]
    age = (today - visit.date).days
    roll = _number("state", n, k) % 10
    # problems of the last three months are partly open, a few past their due date (逾期); older ones answered
    if age > 20 and (roll >= 2 or age > 90):
        problem.state = ProblemState.IN_PROGRESS
        with_history(problem, who, "开始办理（演示）").save()
        times.append(_at(visit.date + dt.timedelta(days=3), 10))
        if roll >= 5 or age > 90:
            answered = min(visit.date + dt.timedelta(days=10 + roll * 3), today)
            problem.state, problem.answer = ProblemState.CLOSED, answer
            problem.answered_by, problem.answered_at = who, _at(answered, 15)
            with_history(problem, who, "答复办结（演示）").save()
            times.append(_at(answered, 15))
    _dated(problem, times)


def _dated(obj, times):
    """Date the history records of `obj` (oldest first) at `times`, as if entered then."""
    records = list(obj.history.order_by("history_id"))
    for record, when in zip(records, times, strict=True):
        type(record).objects.filter(history_id=record.history_id).update(history_date=when)
