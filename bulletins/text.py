"""Sentences of the bulletin written from its figures, shared by the page, Word and Excel.

Clauses are joined with `sentence()`, which never lets two punctuation marks meet: text that
users typed (a task's problems) often ends with its own "。" or "；".
"""

import re

from targets import metrics, rate_words
from targets.choices import Metric
from targets.months import Month
from tasks.choices import Colour

PUNCTUATION = "。；，、：！？"
_TRAILING = re.compile(f"[{PUNCTUATION}\\s]+$")
_DOUBLED = re.compile(f"[{PUNCTUATION}]{{2,}}")


def clause(text):
    """A clause without its trailing punctuation, ready to be followed by a mark of ours."""
    text = _DOUBLED.sub(lambda m: m.group(0)[0], str(text or "").strip())
    return _TRAILING.sub("", text)


def sentence(*parts, sep="，", end="。"):
    """Clauses joined by `sep` and closed by `end`, empty clauses left out."""
    kept = [clause(p) for p in parts]
    kept = [p for p in kept if p]
    return sep.join(kept) + end if kept else ""


def has_doubled_punctuation(text):
    """True where two Chinese punctuation marks meet ("。；", "。。"), which a bulletin never
    prints; a closing quotation mark or bracket before a mark is fine."""
    return bool(_DOUBLED.search(text))


def names(names, limit=None):
    names = names[:limit] if limit else names
    return "、".join(names)


def tie_note(ranks, cutoff, unit="个"):
    """ "第4位5个街镇并列" when the lines named as the first `cutoff` places are more than `cutoff`
    because several share the last place named (competition ranks: 1, 2, 3, 4, 4, 4, 4, 4); ""
    when the list holds no more than `cutoff`. `ranks`: the rank of each line named."""
    ranks = [r for r in ranks if r is not None]
    if len(ranks) <= cutoff:
        return ""
    last = max(ranks)
    return f"第{last}位{ranks.count(last)}{unit}并列"


def vs_progress(increment_pct, time_pct):
    """ "高于序时进度 5.0 个百分点" / "低于…" / "与序时进度持平"."""
    if increment_pct is None:
        return "新增完成率无法计算"
    diff = round(increment_pct - time_pct, 1)
    if diff > 0:
        return f"高于序时进度{diff:.1f}个百分点"
    if diff < 0:
        return f"低于序时进度{-diff:.1f}个百分点"
    return "与序时进度持平"


def summary_paragraphs(figures, month):
    """The written summary, in the register of a government bulletin."""
    paragraphs = []
    time_pct = figures["time_progress_pct"]
    lines = []
    for metric in Metric.values:
        section = figures["metrics"][metric]
        t = section["total"]
        name = "国家高新技术企业" if metric == Metric.HIGH_TECH else "市级科技型企业"
        if t["actual"] is None:
            lines.append(f"全区{name}本月尚无街镇填报数据。")
            continue
        caliber = figures.get("caliber")
        if caliber and t["reported"] == t["expected"]:  # a version drawn on another map
            head = (
                f"按原方案口径，延续的{t['expected']}个街镇{name}合计{t['actual']}家，"
                f"为这些街镇{month.year}年目标{t['target']}家的{t['completion_pct']:.1f}%"
            )
        elif caliber:
            head = (
                f"按原方案口径，已填报的{t['reported']}个延续街镇（共{t['expected']}个）{name}合计{t['actual']}家，"
                f"为这些街镇{month.year}年目标{t['target']}家的{t['completion_pct']:.1f}%"
            )
        elif t["reported"] == t["expected"]:
            head = f"全区{name}{t['actual']}家，为{month.year}年目标{t['target']}家的{t['completion_pct']:.1f}%"
        else:  # like for like: the reporting sub-districts against their own targets
            head = (
                f"已填报的{t['reported']}个街镇（共{t['expected']}个）{name}合计{t['actual']}家，"
                f"为这些街镇{month.year}年目标{t['target']}家的{t['completion_pct']:.1f}%"
            )
        segments = [head]
        if t["increment_completion_pct"] is not None:
            segments.append(
                f"年度新增任务完成{t['increment_completion_pct']:.1f}%，{section['vs_progress']}（序时进度{time_pct:.1f}%）"
            )
        changes = []
        if t["new_month"] is not None:
            changes.append(f"较上月{'新增' if t['new_month'] >= 0 else '减少'}{abs(t['new_month'])}家")
        if t["new_year"] is not None:
            changes.append(f"较年初{'新增' if t['new_year'] >= 0 else '减少'}{abs(t['new_year'])}家")
        if changes:
            segments.append("，".join(changes))
        if caliber:
            segments.append(territory_clause(t, section.get("pending", []), name))
        lines.append("；".join(segments) + "。")
    paragraphs.append(f"截至{month.year}年{month.month}月底，" + "".join(lines))
    goal_lines = []
    for g in figures["goals"]:
        if g["final"]:
            if g["value"] is None:
                goal_lines.append(f"{g['text']}，{g['verdict'] or '未判定'}")
            else:
                verdict = "已实现" if g["met"] else "未实现"
                goal_lines.append(f"{g['text']}，{verdict}（{g['year']}年末{g['value']}家）")
        elif g["value"] is None:
            goal_lines.append(f"{g['text']}（暂无全部街镇填报的月份，暂不判定）")
        else:
            as_of = Month.parse(g["as_of"]).label
            if g["currently_met"] or g["met"]:
                where = f"{as_of}全区{g['value']}家，目前已达到，待{g['year']}年末判定"
            else:
                where = f"{as_of}全区{g['value']}家，{g['gap_label']}尚差{g['gap']}家"
            if g["plan_total"] is not None:
                where += f"，{g['gap_plan_label']}尚差{g['gap_plan']}家"
            goal_lines.append(f"{g['text']}：{where}")
    if goal_lines:
        paragraphs.append("对照总体目标：" + "；".join(goal_lines) + "。")
    elif figures.get("goals_note"):
        paragraphs.append(sentence(f"对照总体目标：{figures['goals_note']}"))
    bits = []
    for metric in Metric.values:
        section = figures["metrics"][metric]
        label = section["label"]
        if section["total"]["actual"] is None:
            continue  # nobody reported this metric: nothing to judge
        cutoff = section["ahead_cutoff"]
        if section["ahead"]:
            ahead = section["ahead"]
            overall = {r["name"]: r.get("rank_overall") for k in section["classes"].values() for r in k["rows"]}
            rule = f"全区排名前{cutoff}位且达到序时进度"
            tie = tie_note([overall.get(name) for name in ahead], cutoff, "个街镇")
            bits.append(f"{label}进度靠前的有{len(ahead)}个（{rule}{'，' + tie if tie else ''}）：{names(ahead)}")
        if section["lagging"]:
            bits.append(f"{label}进度滞后的有{names(section['lagging'])}（{len(section['lagging'])}个）")
        else:
            bits.append(f"{label}无进度滞后的街镇")
    if bits:
        paragraphs.append("从街镇看，" + "；".join(bits) + "。")
    if figures["warning"]["lines"]:
        paragraphs.append("预警：" + "".join(figures["warning"]["lines"]))
    if figures["not_reported"]:
        paragraphs.append(
            f"本月{figures['expected']}个街镇中{figures['reported_both']}个的数据已录入，"
            f"{names(figures['not_reported'])}的数据尚未录入。"
            f"月度数据由区科技局根据企业名录录入，各街镇请在“属地核实”中核实本辖区企业的归属。"
        )
    else:
        paragraphs.append(f"本月{figures['expected']}个街镇的数据均已录入（由区科技局根据企业名录录入）。")
    return paragraphs


def territory_clause(total, pending, name):
    """现辖区 beside 原方案口径: "现辖区17个街镇高新技术企业合计120家（含目标待分解的5个镇12家，只列数据）",
    or, in a partial month, how many of the month's units it adds up."""
    expected, reported = total.get("territory_expected"), total.get("territory_reported")
    if total.get("territory_actual") is None:
        return f"现辖区{expected}个街镇{name}本月尚无填报数据"
    if reported == expected:
        head = f"现辖区{expected}个街镇{name}合计{total['territory_actual']}家"
    else:
        head = f"现辖区已填报的{reported}个街镇（共{expected}个）{name}合计{total['territory_actual']}家"
    counted = [row for row in pending if row["actual"] is not None]
    if not counted:
        return head
    kind = next((k for k in ("镇", "街道") if all(row["name"].endswith(k) for row in counted)), "街镇")
    firms = sum(row["actual"] for row in counted)
    return f"{head}（含目标待分解的{len(counted)}个{kind}{firms}家，只列数据、不与目标比较）"


# The order the bulletin names the colours in: what needs attention first.
TASK_COLOUR_ORDER = (Colour.RED, Colour.YELLOW, Colour.GREEN, Colour.BLUE, Colour.GREY)


def task_numbers(numbers):
    """ "任务2、任务3、任务9": each number with its word, so that a line can break between them
    (LibreOffice keeps a run like "6、7、8、9、10" on one line and stretches the line before it)."""
    return "、".join(f"任务{n}" for n in numbers)


def task_reasons(task, checked_label, lagging):
    """Why a task is coloured 滞后 (`lagging`) or 预警, by /tasks/'s rules (tasks.supervision):
    its quantitative targets on their path, a report overdue, its lead unit's own 滞后."""
    reasons = []
    if task.get("data"):
        below = "低于" if lagging else "略低于"
        reasons.append(f"量化目标{below}序时进度：{'、'.join(task['data'])}")
    if task.get("overdue"):
        reasons.append(f"逾期未报送{checked_label}进展报告")
    if task.get("declared"):  # last: the unit's own words end the item
        problems = clause(task.get("problems"))
        reasons.append("牵头单位报告滞后" + (f"：{problems}" if problems else ""))
    return reasons


def _task_line(label, task, checked_label, lagging):
    """One task and why, a paragraph of its own: "滞后任务9“…”（区经济信息委），量化目标低于序时进度：
    …；牵头单位报告滞后：…。"; an overdue one asks its lead unit to report."""
    reasons = [clause(r) for r in task_reasons(task, checked_label, lagging)]
    please = "请牵头单位尽快报送" if task.get("overdue") else ""
    head = f"{label}任务{task['number']}“{clause(task['title'])}”（{'、'.join(task['lead_units'])}）"
    return sentence(head + "，" + "；".join(reasons), please, sep="，")


def task_lines(summary, as_of):
    """The key tasks' lines from their supervision summary (tasks.services.bulletin_task_summary):
    how many tasks each colour of /tasks/ holds, each naming its tasks, then every task coloured
    滞后 and 预警 with why."""
    counts, numbers = summary["counts"], summary["numbers"]
    parts = [
        f"{Colour(c).label}{counts[c]}项（{task_numbers(numbers[c])}）" for c in TASK_COLOUR_ORDER if counts.get(c)
    ]
    head = f"截至{as_of.year}年{as_of.month}月{as_of.day}日，按{summary['checked_period_label']}进展报告督办，"
    if summary["total"]:
        head += f"{summary['total']}项重点任务中" + "，".join(parts)
    else:
        head += "暂无重点任务"
    lines = [sentence(head)]
    label = summary["checked_period_label"]
    lines += [_task_line(Colour.RED.label, t, label, True) for t in summary["lagging"]]
    lines += [_task_line(Colour.YELLOW.label, t, label, False) for t in summary["warned"]]
    return lines


def overall_paragraphs(figures, word=True):
    """一、总体进展: the summary less its "预警：" paragraph, which 四、预警 says in full, and in the
    Word file (where every page counts) less its "从街镇看" one, which sections 二 and 三 say."""
    left_out = ("从街镇看", "预警：") if word else ("预警：",)
    note = [f"口径说明：{figures['caliber_note']}"] if figures.get("caliber_note") else []
    return note + [p for p in figures["summary"] if not p.startswith(left_out)]


def _labels():
    return metrics.STATUS_LABELS


def ranking_rule(figures):
    """The ranking and status rule in one sentence, in the platform's words (targets.metrics)."""
    yellow = figures["yellow_pp"]
    labels = _labels()
    return sentence(
        "排名与状态用同一个新增完成率，在同类镇街中由高到低排名，并列时按年度目标完成率",
        f"新增完成率达到100%的为“{labels[metrics.STATUS_DONE]}”",
        f"不低于序时进度的为“{labels[metrics.STATUS_GREEN]}”",
        f"低于序时进度{yellow}个百分点以内的为“{labels[metrics.STATUS_YELLOW]}”",
        f"其余为“{labels[metrics.STATUS_RED]}”",
        "未填报的街镇不排名，排名详见附件",
        *([rate_words.small_increment_note(figures["small_increment"])] if figures.get("small_increment") else []),
        sep="；",
    )


def rules_lines(figures):
    """注: the 口径 the bulletin is judged by, in short, and where the full 口径说明 is."""
    return [
        sentence(
            "注：年度目标完成率＝月末存量÷年度目标",
            "新增完成率＝（月末存量－年初基数）÷（年度目标－年初基数），年初基数为上年12月填报数"
            "（未填报时用实施方案附件上年目标数）"
            + (
                f"，今年应新增不足{figures['small_increment']}家的按{figures['small_increment']}家折算"
                if figures.get("small_increment")
                else "，年度目标不高于年初基数的，达到目标记100%"
            ),
            "序时进度＝月份÷12",
            "数据未齐的月份，合计只计已填报街镇并以其自身目标计算",
            "总体目标只用该年12月全部街镇填报后的全区合计判定",
            "完整口径见平台“口径说明”页面",
            sep="；",
        )
    ]


def _class_name(category):
    return f"{category}类镇街"


def _rate(row):
    """ "（120.0%※，今年新增2家、应增1家）": the rate with the firms it is made of."""
    pct = row.get("increment_completion_pct")
    if pct is None:
        return ""
    firms = ""
    if row.get("new_year") is not None and row.get("need") is not None:
        firms = f"，今年新增{row['new_year']}家、应增{max(row['need'], 0)}家"
    return f"（{rate_words.rate_text(pct, row.get('small'))}{firms}）"


def race_sections(figures):
    """二、赛马比拼: for each metric a second-level heading and who leads each class, by the
    ranking measure (新增完成率)."""
    out = []
    numerals = "一二三四"
    for i, section in enumerate(figures["metrics"].values()):
        parts = []
        for category, klass in section["classes"].items():
            ranked = [r for r in klass["rows"] if r.get("rank") is not None and r["actual"] is not None]
            if not ranked:
                parts.append(f"{_class_name(category)}本月无可排名的街镇")
                continue
            # "居前": lines at or above 序时进度 within the first places, ties included (metrics.leading);
            # a first place at 0% is not "ahead", so a class with none names its first, ties included
            names = set(
                metrics.leading(((r["name"], r["rank"], r["status"]) for r in ranked), metrics.CLASS_LEADING_CUTOFF)
            )
            ahead = [r for r in ranked if r["name"] in names]
            cutoff = metrics.CLASS_LEADING_CUTOFF
            if ahead:
                top = "、".join(f"{r['name']}{_rate(r)}" for r in ahead)
                tie = tie_note([r["rank"] for r in ahead], cutoff)
                parts.append(
                    f"{_class_name(category)}新增完成率居前{cutoff}位且达到序时进度的有{len(ahead)}个"
                    f"{f'（{tie}）' if tie else ''}，{'依次为' if len(ahead) > 1 else '为'}{top}"
                )
            else:
                first = [r for r in ranked if r["rank"] == ranked[0]["rank"]]
                top = "、".join(f"{r['name']}{_rate(r)}" for r in first)
                best = f"并列最高的有{len(first)}个：" if len(first) > 1 else "最高的为"
                parts.append(f"{_class_name(category)}均未达到序时进度，新增完成率{best}{top}")
        total = section["total"]
        if total.get("increment_completion_pct") is not None:
            parts.append(f"全区新增完成率{total['increment_completion_pct']:.1f}%，{section['vs_progress']}")
        out.append(
            {
                "heading": f"（{numerals[i]}）{section['label']}",
                "text": sentence(*parts, sep="；"),
            }
        )
    return out


def lagging_lines(figures):
    """三、进度滞后的街镇, one sentence a metric."""
    yellow = figures["yellow_pp"]
    out = []
    for section in figures["metrics"].values():
        lagging = section["lagging"]
        if lagging:
            head = (
                f"{section['label']}“{_labels()[metrics.STATUS_RED]}”的街镇{len(lagging)}个：{'、'.join(lagging)}"
                f"，新增完成率低于序时进度{yellow}个百分点以上"
            )
        else:
            head = f"{section['label']}无进度滞后的街镇"
        missing = f"本月未填报的有{'、'.join(section['missing'])}" if section["missing"] else ""
        out.append(sentence(head, missing, sep="；"))
    return out


def all_sentences(figures):
    """Every generated sentence of a bulletin, for the tests that read them all."""
    out = list(figures["summary"])
    if figures.get("caliber_note"):
        out.append(figures["caliber_note"])
    out.append(ranking_rule(figures))
    out += [s["text"] for s in race_sections(figures)]
    out += lagging_lines(figures)
    out += figures["tasks"]["lines"]
    out += rules_lines(figures)
    out += figures["warning"]["lines"]
    return out
