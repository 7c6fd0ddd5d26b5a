"""Every list says what it counts (issue 28), on hand-made cases: a tie at the cut-off, and the
reader of counts that the demo scan (tests/demo/test_demo_lists.py) relies on."""

from bulletins.text import race_sections, summary_paragraphs, tie_note
from targets.months import Month
from tests.counted_lists import unexplained

NAMES = ["甲街道", "乙街道", "丙街道", "丁街道", "戊街道", "己街道", "庚镇", "辛镇", "壬镇", "癸镇"]


def test_a_tie_is_stated_only_when_the_list_holds_more_than_its_places():
    assert tie_note([1, 2, 3, 4, 4, 4, 4, 4, 4, 4], 5, "个街镇") == "第4位7个街镇并列"  # ten for 前5位
    assert tie_note([1, 1, 1, 1, 1, 1], 5) == "第1位6个并列"
    assert tie_note([1, 2, 3, 3, 3], 5) == ""  # five: a tie inside the list changes nothing
    assert tie_note([1, 2, 2], 3) == "" and tie_note([], 5) == ""
    assert tie_note([1, 2, 3, 3], 3) == "第3位2个并列"


def _row(name, category, rank, overall, pct, status):
    return {
        "name": name,
        "category": category,
        "rank": rank,
        "rank_overall": overall,
        "actual": 10,
        "increment_completion_pct": pct,
        "status": status,
    }


def _figures():
    """One metric, ten lines: 甲 1st, 乙 2nd, 丙 3rd, then seven tied 4th at 100% (the issue's
    November: 前5位 names ten); nobody 滞后."""
    a = [_row("甲街道", "A", 1, 1, 150.0, "done"), _row("乙街道", "A", 2, 2, 120.0, "done")]
    a += [_row(n, "A", 3, 4, 100.0, "done") for n in ("丁街道", "戊街道", "己街道")]
    b = [_row("丙街道", "B", 1, 3, 110.0, "done")]
    b += [_row(n, "B", 2, 4, 100.0, "done") for n in ("庚镇", "辛镇", "壬镇", "癸镇")]
    ahead = [r["name"] for r in sorted(a + b, key=lambda r: r["rank_overall"])]
    total = {"actual": 100, "target": 120, "completion_pct": 83.3, "reported": 10, "expected": 10}
    total.update(increment_completion_pct=90.0, new_month=None, new_year=None)
    section = {
        "label": "高新技术企业",
        "classes": {"A": {"rows": a}, "B": {"rows": b}},
        "total": total,
        "vs_progress": "高于序时进度1.0个百分点",
        "ahead": ahead,
        "ahead_cutoff": 5,
        "lagging": [],
        "missing": [],
    }
    nobody = {"actual": None, "increment_completion_pct": None}
    empty = {**section, "label": "科技型企业", "classes": {}, "total": nobody, "ahead": []}
    return {
        "metrics": {"high_tech": section, "tech_based": empty},
        "time_progress_pct": 83.3,
        "goals": [],
        "warning": {"lines": []},
        "not_reported": [],
        "expected": 10,
    }


def test_the_first_five_places_state_a_seven_way_tie_at_the_fourth():
    figures = _figures()
    paragraphs = summary_paragraphs(figures, Month(2026, 10))
    (by_place,) = [p for p in paragraphs if p.startswith("从街镇看")]
    assert (
        by_place
        == (
            "从街镇看，高新技术企业进度靠前的有10个（全区排名前5位且达到序时进度，第4位7个街镇并列）："
            "甲街道、乙街道、丙街道、丁街道、戊街道、己街道、庚镇、辛镇、壬镇、癸镇；高新技术企业无进度滞后的街镇。"  # nobody reported 科技型企业
        )
    )
    assert unexplained(by_place, NAMES) == []
    race = race_sections(figures)[0]
    assert race["text"] == (
        "A类镇街新增完成率居前3位且达到序时进度的有5个（第3位3个并列），"
        "依次为甲街道（150.0%）、乙街道（120.0%）、丁街道（100.0%）、戊街道（100.0%）、己街道（100.0%）；"
        "B类镇街新增完成率居前3位且达到序时进度的有5个（第2位4个并列），"
        "依次为丙街道（110.0%）、庚镇（100.0%）、辛镇（100.0%）、壬镇（100.0%）、癸镇（100.0%）；"
        "全区新增完成率90.0%，高于序时进度1.0个百分点。"
    )
    assert unexplained(race["text"], NAMES) == []


def test_the_reader_finds_what_the_bulletin_used_to_say():
    """The sentences of the issue: a 前5位 naming ten, task counts naming no task, a 2027 count
    naming no sub-district; and lists that do not hold their count."""
    old_ahead = "高新技术企业进度靠前的有" + "、".join(NAMES) + "（全区排名前5位且达到序时进度，并列者均列出）。"
    assert unexplained(old_ahead, NAMES) == [("前5位", "列出10个而未说明并列")]
    old_tasks = "截至2026年12月8日，19项重点任务中正常推进10项，滞后9项（按2026年10月进展报告督办）。"
    assert unexplained(old_tasks, NAMES, {"tasks": 19}) == [
        ("10项", "既未列出也未说明口径"),
        ("9项", "既未列出也未说明口径"),
    ]
    assert unexplained("按此趋势，11个街镇预计2027年底未完成目标。", NAMES) == [("11个", "既未列出也未说明口径")]
    assert unexplained("19项重点任务中滞后2项（任务6、任务9、任务13）。", NAMES, {"tasks": 19}) == [
        ("2项（任务6、任务9、任务13）", "所列任务数不符")
    ]
    assert unexplained("18项重点任务中滞后1项（任务6）。", NAMES, {"tasks": 19}) == [("18项重点任务", "应为全部19个")]
    assert unexplained("预计年底3个街镇未完成目标：甲街道（预计差1家）、乙街道（预计差2家）。", NAMES) == [
        ("3个街镇未完成目标：甲街道（预计差1家）、乙街道（预计差2家）", "列出2个")
    ]
    assert unexplained("进度滞后的有甲街道、庚镇（3个）。", NAMES) == [("进度滞后的有甲街道、庚镇（3个）", "列出2个")]
    fine = (
        "按原方案口径，已填报的11个街镇（共12个）合计188家，较上月新增14家，高于序时进度3.0个百分点；孵化平台9/18个。"
    )
    assert unexplained(fine, NAMES) == []


class _District:
    """A DistrictForecast as `bulletins.warning.bulletin_section` reads it: 甲 and 乙 miss 2027, nobody 2026."""

    def __init__(self):
        from types import SimpleNamespace as NS

        self.month = Month(2026, 10)
        result = NS(projected=15, projected_2027=16, target=15, target_2027=20, gap=0, gap_2027=4, basis_text="")
        result.low, result.high, result.low_2027, result.high_2027 = 14, 16, 15, 17
        self.rows = [NS(subdistrict=NS(name=n, slug=n), metrics={"high_tech": result}) for n in ("甲街道", "乙街道")]
        total = NS(projected=30, low=28, high=31, target=30, gap=0, at_risk=False, expiring=0)
        total.projected_2027, total.target_2027 = 33, 40
        total.low_2027, total.high_2027, total.step = 30, 35, 3
        self.total = {"high_tech": total}

    def at_risk(self, metric, until_2027=False):
        return self.rows if until_2027 else []


def test_the_warning_names_who_misses_2027_and_says_when_nobody_misses_this_year():
    from bulletins.warning import bulletin_section

    (line,) = bulletin_section(_District(), {"high_tech": "高新技术企业"})["lines"]
    assert line == (
        "按当前进度，预计2026年底没有街镇未完成高新技术企业年度目标；全区预计2026年底30家（28–31家），可完成年度目标30家；"
        "按此趋势（此后全区每年净增3家，为各街镇年净增之和），全区预计2027年底33家（30–35家），"
        "预计2027年底2个街镇未完成目标：甲街道、乙街道。"
    )
    assert unexplained(line, NAMES) == []
