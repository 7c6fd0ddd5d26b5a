"""The shape of a bulletin's stored figures, and the upgrade of figures stored in an older shape.

A published version keeps the figures it was published with (`BulletinVersion.figures`).
When their shape changes, `SCHEMA` goes up by one and `upgrade` learns to bring the older
shape to the current one; a stored version is upgraded once, as it is read from the database
(`BulletinVersion.from_db`), so every reader uses the current keys only.

Schema 1 (and figures stored before `schema` was written, which count as 1) may lack what
later publications added: `warning` (stored as `forecast` before issue 17), `tasks`, `curves`,
`yellow_pp`, each section's `ahead_cutoff`, each goal's `verdict`, `currently_met`,
`gap_label` and `plan_total`. Schema 2 has them all: an absent 预警 or task section as one
without lines, absent curves as none.

Schema 3 (issue 27, the map changes) adds the month's 口径: `caliber` ("原方案口径：延续的12个街镇",
"" when the plan version covers the month's units), `territory` ("现辖区17个街镇"), `caliber_note`
(the changes and how the totals are compared, "" when none), `goals_note` (why no headline goal is
judged), `pending_title` and each section's `pending` rows (units 目标待分解), and each section
total's `territory_actual` / `territory_reported` / `territory_expected`. Older figures were all
published on a whole map: no note, no pending unit, and the territory total is the total.

Schema 4 (issue 28) adds:
- small increments: `small_increment` (the firms under which a year's increment is read in firms,
  `metrics.SMALL_INCREMENT`), each row's and class total's `need` (今年应新增) and `small`, and each
  curve's `base` (the year's path starts there). Older figures were judged by the plain 新增完成率:
  `small_increment` None, no row small, no base (the curve as stored).
- every list says what it counts: the tasks of each colour (`tasks.numbers`) and every task
  coloured 滞后 (`tasks.lagging`, each with `declared`, `data`, `overdue`) and 预警
  (`tasks.warned`) by /tasks/'s judgement. Older figures listed as lagging only the tasks their
  units declared 滞后, and the overdue ones apart: they become the declared ones and, as 预警, the
  overdue ones, with no quantitative reason; their stored lines are what was published and stay
  as they are.
"""

from django.conf import settings

from targets import metrics

SCHEMA = 4


def upgrade(figures):
    """`figures` of any stored schema, in the current one (a new dict; the old one is untouched)."""
    figures = dict(figures)
    if figures.get("schema", 1) < 2:
        figures = _from_1(figures)
    if figures.get("schema") < 3:
        figures = _from_2(figures)
    if figures.get("schema") < 4:
        figures = _from_3(figures)
    return figures


def _from_1(figures):
    """1 → 2: the forecast renamed 预警, and the values readers used to assume when absent
    (every dict is copied, and keys already there keep their place)."""
    forecast = figures.pop("forecast", None)
    figures["warning"] = _with(figures.get("warning") or forecast, lines=[])
    figures["tasks"] = _with(figures.get("tasks"), lines=[], overdue=[], lagging=[])
    figures.setdefault("curves", {})
    figures.setdefault("yellow_pp", settings.STATUS_YELLOW_THRESHOLD_PP)
    if "metrics" in figures:
        figures["metrics"] = {
            metric: _with(section, ahead_cutoff=metrics.LEADING_CUTOFF)
            for metric, section in figures["metrics"].items()
        }
    if "goals" in figures:
        figures["goals"] = [
            _with(goal, verdict=None, currently_met=False, gap_label="距总体目标", plan_total=None)
            for goal in figures["goals"]
        ]
    figures["schema"] = 2
    return figures


def _from_2(figures):
    """2 → 3: a whole map (no 口径 note, no unit 目标待分解; the territory's total is the total)."""
    for key, value in (("caliber", ""), ("territory", ""), ("caliber_note", ""), ("goals_note", "")):
        figures.setdefault(key, value)
    figures.setdefault("pending_title", "目标待分解的街镇")
    if "metrics" in figures:
        figures["metrics"] = {metric: _section_2(section) for metric, section in figures["metrics"].items()}
    figures["schema"] = 3
    return figures


def _section_2(section):
    section = _with(section, pending=[])
    if "total" in section:
        total = section["total"]
        section["total"] = _with(
            total,
            territory_actual=total.get("actual"),
            territory_reported=total.get("reported"),
            territory_expected=total.get("expected"),
        )
    return section


def _from_3(figures):
    """3 → 4: judged by the plain 新增完成率 (no small increment, no firms asked stored); the task
    section's lists by /tasks/'s colours, as far as the stored lists tell."""
    tasks = _with(figures.get("tasks"), numbers={}, overdue=[], lagging=[])
    tasks["lagging"] = [_with(t, declared=True, data=[], overdue=False) for t in tasks["lagging"]]
    tasks.setdefault("warned", [_with(t, data=[], overdue=True) for t in tasks["overdue"]])
    figures["tasks"] = tasks
    figures.setdefault("small_increment", None)
    if "metrics" in figures:
        figures["metrics"] = {metric: _section_3(section) for metric, section in figures["metrics"].items()}
    figures["curves"] = {metric: _with(curve, base=None) for metric, curve in (figures.get("curves") or {}).items()}
    figures["schema"] = 4
    return figures


def _section_3(section):
    section = dict(section)
    if "classes" in section:
        section["classes"] = {
            category: {
                **klass,
                "rows": [_with(row, need=None, small=False) for row in klass.get("rows", [])],
                "total": _with(klass.get("total"), need=None, small=False, new_year=None),
            }
            for category, klass in section["classes"].items()
        }
    section["total"] = _with(section.get("total"), need=None, small=False)
    section["pending"] = [_with(row, need=None, small=False) for row in section.get("pending", [])]
    return section


def _with(values, **defaults):
    """A copy of `values` (None for none) with each default set where its key is absent."""
    out = dict(values or {})
    for key, value in defaults.items():
        out.setdefault(key, value)
    return out
