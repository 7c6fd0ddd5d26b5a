"""Sentences of the bulletin written from its figures, shared by the page, Word and Excel.

Clauses are joined with `sentence()`, which never lets two punctuation marks meet: text that
users typed (a task's problems) often ends with its own "。" or "；".
"""

import re

from django.conf import settings

from targets import metrics

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


def overall_paragraphs(figures, word=True):
    """一、总体进展: the summary less its "预警：" paragraph, which 四、预警 says in full, and in the
    Word file (where every page counts) less its "从街镇看" one, which sections 二 and 三 say."""
    left_out = ("从街镇看", "预警：") if word else ("预警：",)
    return [p for p in figures["summary"] if not p.startswith(left_out)]


def _labels():
    return metrics.STATUS_LABELS


def ranking_rule(figures):
    """The ranking and status rule in one sentence, in the platform's words (targets.metrics)."""
    yellow = figures.get("yellow_pp", settings.STATUS_YELLOW_THRESHOLD_PP)
    labels = _labels()
    return sentence(
        "排名与状态用同一个新增完成率，在同类镇街中由高到低排名，并列时按年度目标完成率",
        f"新增完成率达到100%的为“{labels[metrics.STATUS_DONE]}”",
        f"不低于序时进度的为“{labels[metrics.STATUS_GREEN]}”",
        f"低于序时进度{yellow}个百分点以内的为“{labels[metrics.STATUS_YELLOW]}”",
        f"其余为“{labels[metrics.STATUS_RED]}”",
        "未填报的街镇不排名，排名详见附表",
        sep="；",
    )


def rules_lines(figures):
    """注: the 口径 the bulletin is judged by, in short, and where the full 口径说明 is."""
    return [
        sentence(
            "注：年度目标完成率＝月末存量÷年度目标",
            "新增完成率＝（月末存量－年初基数）÷（年度目标－年初基数），年初基数为上年12月填报数"
            "（未填报时用实施方案附件上年目标数），年度目标不高于年初基数的保持年达到目标记100%",
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
    pct = row.get("increment_completion_pct")
    if pct is None:
        return ""
    return f"（{pct:.1f}%{'，保持年' if row.get('hold_year') else ''}）"


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
            if ahead:
                top = "、".join(f"{r['name']}{_rate(r)}" for r in ahead)
                parts.append(f"{_class_name(category)}新增完成率居前的依次为{top}")
            else:
                first = "、".join(f"{r['name']}{_rate(r)}" for r in ranked if r["rank"] == ranked[0]["rank"])
                parts.append(f"{_class_name(category)}均未达到序时进度，新增完成率最高的为{first}")
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
    yellow = figures.get("yellow_pp", settings.STATUS_YELLOW_THRESHOLD_PP)
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
    out.append(ranking_rule(figures))
    out += [s["text"] for s in race_sections(figures)]
    out += lagging_lines(figures)
    out += list((figures.get("tasks") or {}).get("lines") or [])
    out += rules_lines(figures)
    out += list((figures.get("warning") or figures.get("forecast") or {}).get("lines") or [])
    return out
