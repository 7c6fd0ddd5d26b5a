"""Reads the counts in a generated sentence (issue 28): every "N项" or "N个…" either names its N
items, or is a count whose rule the sentence states (延续的N个街镇, 现辖区N个街镇, 共N个, the N
key tasks of the plan…), and a "前N位" naming more than N says which place is tied.
`unexplained(sentence, names)` returns what is none of these.

Firms ("N家") are sums, never lists, and are not read here; nor are a target's value ("9/18个")
and percentage points ("3.0个百分点").
"""

import re

# Counts that state their own rule: the set is defined by the words around it.
RULES = [
    re.compile(r"第\d+位(\d+)个(?:街镇)?并列"),  # the tie named with its list
    re.compile(r"[\d.]+个百分点"),
    re.compile(r"[\d.]+/[\d.]+(?:个|项|家)"),  # a target's value
    re.compile(r"延续的(\d+)个街镇"),
    re.compile(r"现辖区(?:已填报的)?(\d+)个街镇"),
    re.compile(r"已填报的(\d+)个"),
    re.compile(r"（共(\d+)个）"),
    re.compile(r"目标待分解的(\d+)个"),
    re.compile(r"新划入的(\d+)个镇"),
    re.compile(r"中(\d+)个的数据已录入"),
]
WHOLE = {  # counts of a whole set: checked against its size
    "month": re.compile(r"本月(\d+)个街镇"),
    "tasks": re.compile(r"(\d+)项重点任务"),
}
# Counts that name their items: the items are counted.
TASK_LIST = re.compile(r"(\d+)项（((?:任务\d+、?)+)）")
LIST_AFTER = re.compile(r"(\d+)个[^：；。，\d（]*(?:（[^）]*）)?(?:：|，依次为|，为)([^；。]*)")
LIST_BEFORE = re.compile(r"([^；。：，（]*)（(\d+)个(?:并列)?）")
ANY_COUNT = re.compile(r"\d+(?:个|项)")
FIRST_PLACES = re.compile(r"前(\d+)位")
TIE = re.compile(r"第\d+位\d+个(?:街镇)?并列")
GONE = "§"


def count_names(text, names):
    """How many of `names` `text` names (each name once; no name is part of another)."""
    return sum(text.count(name) for name in names)


def unexplained(sentence, names, sizes=None):
    """The counts of `sentence` that neither name exactly their items nor state their rule, as
    [(count text, why)]; `names` every unit's name, `sizes` {"month": units of the month,
    "tasks": key tasks} to check counts of a whole set."""
    sizes = sizes or {}
    wrong = []
    for clause in re.split("[；。]", sentence):  # "前5位" naming more than five states its tie
        for m in FIRST_PLACES.finditer(clause):
            if count_names(clause, names) > int(m.group(1)) and not TIE.search(clause):
                wrong.append((m.group(0), f"列出{count_names(clause, names)}个而未说明并列"))
    text = sentence
    for rule in RULES:
        text = rule.sub(GONE, text)
    for key, rule in WHOLE.items():
        for m in rule.finditer(text):
            if key in sizes and int(m.group(1)) != sizes[key]:
                wrong.append((m.group(0), f"应为全部{sizes[key]}个"))
        text = rule.sub(GONE, text)
    for m in TASK_LIST.finditer(text):
        if int(m.group(1)) != m.group(2).count("任务"):
            wrong.append((m.group(0), "所列任务数不符"))
    text = TASK_LIST.sub(GONE, text)
    for m in LIST_AFTER.finditer(text):
        if int(m.group(1)) != count_names(m.group(2), names):
            wrong.append((m.group(0), f"列出{count_names(m.group(2), names)}个"))
    text = LIST_AFTER.sub(GONE, text)
    for m in LIST_BEFORE.finditer(text):
        if int(m.group(2)) != count_names(m.group(1), names):
            wrong.append((m.group(0), f"列出{count_names(m.group(1), names)}个"))
    text = LIST_BEFORE.sub(GONE, text)
    wrong += [(m.group(0), "既未列出也未说明口径") for m in ANY_COUNT.finditer(text)]
    return wrong
