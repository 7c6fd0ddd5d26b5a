"""The monthly bulletin as rows and sentences, shared by its page, its workbook (`xlsx_export`)
and its Word file (`docx_export`): rows first, then the file."""

from decimal import Decimal

from targets import metrics, rate_words

from . import text

RANKING_COLUMNS = [
    # (group, header, key, kind)
    ("", "排名", "rank", "int"),
    ("", "街镇", "name", "text"),
    ("月末存量（家）", "本月", "actual", "int"),
    ("月末存量（家）", "本月新增", "new_month", "int"),
    ("年度目标", "目标数", "target", "int"),
    ("年度目标", "完成率", "completion_pct", "pct"),
    ("年度目标", "今年新增/应增", "firms", "text"),
    ("年度目标", "新增完成率", "increment_completion_pct", "pct"),
    ("", "序时进度", "time_progress_pct", "pct"),
    ("", "状态", "status_label", "text"),
    ("", "排名变化", "rank_change", "change"),
]


def ranking_note(figures):
    """The note under a ranking table: the rule it ranks by, in the words of its own time (a
    bulletin published before the small-increment rule keeps the note it was read with)."""
    small = figures.get("small_increment")
    if small:
        rule = f"今年新增/应增为家数；今年应新增不足{small}家的标{rate_words.SMALL_MARK}，按{small}家折算"
    else:
        rule = "目标不高于年初基数的达到目标记100%"
    return (
        f"注：排名与状态用同一个新增完成率（{rule}），并列时按年度目标完成率；未填报的街镇不排名。详见平台“口径说明”。"
    )


def _judged(row):
    """A row's firms (今年新增/应增) and whether its rate is read in firms, from stored values."""
    need = row.get("need")
    if need is None and row.get("target") is not None and row.get("base") is not None:
        need = row["target"] - row["base"]
    small = bool(row.get("small"))
    return {
        "firms": rate_words.firms_text(row.get("new_year"), need),
        "small": small,
        "rate_text": rate_words.rate_text(row.get("increment_completion_pct"), small),
    }


def rank_change_text(change):
    if change is None:
        return "—"
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "持平"


def bulletin_table_rows(figures, metric):
    """Rows of a metric's ranking table, class by class with each class's 合计, then the district."""
    section = figures["metrics"][metric]
    time_pct = figures["time_progress_pct"]
    for category, klass in section["classes"].items():
        yield {"kind": "heading", "name": f"{category}类镇街"}
        for row in klass["rows"]:
            yield {"kind": "row", **row, **_judged(row), "time_progress_pct": time_pct}
        total = klass["total"]
        yield {
            "kind": "total",
            "rank": "",
            "name": f"{category}类合计（{total['reported']}/{total['expected']}已填报）",
            **{
                k: total.get(k) for k in ("actual", "new_month", "target", "completion_pct", "increment_completion_pct")
            },
            **_judged(total),
            "time_progress_pct": time_pct,
            "status_label": "",
            "rank_change": None,
        }
    pending = section.get("pending") or []
    if pending:  # units without a line in the version in force: their counts, nothing judged
        yield {"kind": "heading", "name": figures.get("pending_title") or "目标待分解的街镇"}
        for row in pending:
            yield {
                "kind": "row",
                **row,
                "rank": None,
                "target": None,
                "completion_pct": None,
                "increment_completion_pct": None,
                "firms": "—",
                "small": False,
                "rate_text": "—",
                "rank_change": None,
                "time_progress_pct": None,  # not judged against time either
            }
    t = section["total"]
    caliber = figures.get("caliber")
    name = (
        f"全区合计（{caliber}，{t['reported']}/{t['expected']}已填报）"
        if caliber
        else (f"全区合计（{t['reported']}/{t['expected']}已填报）")
    )
    yield {
        "kind": "total",
        "rank": "",
        "name": name,
        **{k: t.get(k) for k in ("actual", "new_month", "target", "completion_pct", "increment_completion_pct")},
        **_judged(t),
        "time_progress_pct": time_pct,
        "status_label": t["status_label"],
        "rank_change": None,
    }
    if caliber:  # every unit of the month, compared with no target
        territory = figures.get("territory") or "现辖区"
        yield {
            "kind": "total",
            "rank": "",
            "name": f"{territory}合计（{t['territory_reported']}/{t['territory_expected']}已填报）",
            "actual": t.get("territory_actual"),
            "new_month": None,
            "target": None,
            "completion_pct": None,
            "increment_completion_pct": None,
            "firms": "—",
            "small": False,
            "rate_text": "—",
            "time_progress_pct": time_pct,
            "status_label": "不与目标比较",
            "rank_change": None,
        }


def exact(value, kind):
    """A number as displayed, with no float noise: a percentage of 96.7 is stored as 0.967."""
    if value is None:
        return None
    if kind == "pct":
        return Decimal(str(value)).quantize(Decimal("0.1")) / 100
    return value


def subtitle(figures, draft):
    """ "北碚区…专班办公室（区科技局）　2026年11月25日　第3期"."""
    return "　".join([figures["issuer"], chinese_date(figures["date"]), issue_label(figures, draft)])


TASK_COLUMNS = [("类别", 16, "text"), ("任务", 60, "text"), ("牵头单位", 30, "text"), ("说明", 50, "text")]


def task_rows(figures):
    """The key-task section as rows: the state line, then each task coloured 滞后 and 预警 with why
    (the same tasks and reasons as the text, `text.task_reasons`)."""
    tasks = figures["tasks"]
    rows = []
    if tasks["lines"]:
        rows.append(["总体情况", tasks["lines"][0], "", ""])
    checked = tasks.get("checked_period_label", "")
    for kind, items, lagging in (("滞后", tasks["lagging"], True), ("预警", tasks["warned"], False)):
        for t in items:
            reasons = "；".join(text.clause(r) for r in text.task_reasons(t, checked, lagging))
            rows.append([kind, f"任务{t['number']}　{t['title']}", "、".join(t["lead_units"]), reasons])
    return rows or [["", "重点任务督办数据尚未纳入本通报", "", ""]]


WARNING_COLUMNS = [
    ("指标", 16, "text"),
    ("街镇", 16, "text"),
    ("状态", 14, "text"),
    ("月末存量（家）", 12, "int"),
    ("年度目标（家）", 12, "int"),
    ("年度目标完成率", 14, "pct"),
    ("新增完成率", 12, "pct"),
    ("序时进度", 10, "pct"),
    ("距年度目标（家）", 14, "int"),
]
WARNED = (metrics.STATUS_YELLOW, metrics.STATUS_RED)


def warning_rows(figures):
    """Sub-districts in 预警 or 滞后 for each metric, worst first; then the forecast's lines."""
    rows = []
    for section in figures["metrics"].values():
        listed = [r for klass in section["classes"].values() for r in klass["rows"] if r["status"] in WARNED]
        listed.sort(key=lambda r: (WARNED.index(r["status"]) * -1, r["increment_completion_pct"] or 0))
        for r in listed:
            rows.append(
                [
                    section["label"],
                    r["name"],
                    r["status_label"],
                    r["actual"],
                    r["target"],
                    exact(r["completion_pct"], "pct"),
                    exact(r["increment_completion_pct"], "pct"),
                    exact(figures["time_progress_pct"], "pct"),
                    r["gap_year"],
                ]
            )
    rows += [["预测", line, "", None, None, None, None, None, None] for line in warning_lines(figures)]
    return rows or [["", "本月无进度预警或滞后的街镇", "", None, None, None, None, None, None]]


def chinese_date(iso):
    """ "2026-11-25" → "2026年11月25日"."""
    year, month, day = (int(x) for x in iso.split("-"))
    return f"{year}年{month}月{day}日"


NUMERALS = "一二三四五六七八九十"


def section_numbers(figures):
    """The first-level headings' numerals: 四、预警 only when there is a forecast, and the
    sections after it numbered on without a gap."""
    present = ["overall", "race", "lagging"]
    if warning_lines(figures):
        present.append("warning")
    present.append("tasks")
    return {key: NUMERALS[i] for i, key in enumerate(present)}


def warning_lines(figures):
    """四、预警: the forecast's sentences, once a forecast is stored with the figures (issue 17
    stores them as `figures["warning"]["lines"]`); none before, and the section is left out."""
    return list(figures["warning"]["lines"])


def issue_label(figures, draft):
    issue = figures.get("issue")
    if draft or not issue:
        return "（草稿，期数发布时确定）"
    return f"第{issue['number']}期"
