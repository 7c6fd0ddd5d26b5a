"""The pipeline's numbers as pure functions (issue 29): plain values in, plain values out.

- `pass_rates`: the district's own pass rate of each open stage from the attempts of earlier
  years: of the attempts that reached the stage and whose outcome is known, the share recognised
  (已申报 → 认定: recognised / decided).
- `expectation`: expected recognitions = Σ stage count × that stage's rate, with its basis
  written out (“已申报2家×61%（31/51）”).
- `renewal_state`: where a certificate ending this year stands (`RENEWAL_KEYS`).
- `warning_line`: the 预警 sentence when the pipeline cannot close the year's gap.

An attempt is taken to have passed through every open stage before the furthest it reached (a
firm recognised from 已申报 was counted at 拟申报 and 培育 too), which is how its year went even
when the district started following it late.
"""

from dataclasses import dataclass
from fractions import Fraction

from .choices import FAILURE, FILED_STAGES, OPEN_STAGES, SUCCESS, Stage


@dataclass(frozen=True)
class Rate:
    """Of `decided` earlier attempts that reached a stage, `recognised` were recognised."""

    recognised: int
    decided: int

    @property
    def value(self):
        """The rate as an exact fraction; None without a decided attempt (never a silent 0)."""
        return Fraction(self.recognised, self.decided) if self.decided else None

    @property
    def percent(self):
        """ "61%": whole per cent, rounded half up; "—" when undefined."""
        if not self.decided:
            return "—"
        return f"{round_half_up(Fraction(100 * self.recognised, self.decided))}%"

    @property
    def basis(self):
        """ "61%，31/51" """
        return f"{self.percent}，{self.recognised}/{self.decided}" if self.decided else "无往年数据"


def round_half_up(value):
    """A non-negative Fraction to the nearest whole number, halves up (2.5 → 3)."""
    return int(value + Fraction(1, 2))


def furthest(programme, stage, failed_stage=""):
    """How far an ended attempt went along `programme`'s open stages, as a count of them passed
    (all of them for a success); None when the outcome is not known (filed, then not updated)."""
    stages = OPEN_STAGES[programme]
    if stage == SUCCESS[programme]:
        return len(stages)
    if stage == FAILURE[programme]:
        return stages.index(failed_stage) + 1
    if stage in FILED_STAGES[programme]:
        return None
    return stages.index(stage) + 1  # the year ended before it filed: not recognised


def pass_rates(programme, earlier):
    """{open stage: Rate} from `earlier`, the (stage, failed_stage) of every attempt of `programme`
    in years before this one. An attempt counts at each stage it reached when its outcome is known;
    one left at a filed stage (its result never recorded) counts nowhere."""
    stages = OPEN_STAGES[programme]
    recognised, decided = [0] * len(stages), [0] * len(stages)
    for stage, failed_stage in earlier:
        reached = furthest(programme, stage, failed_stage)
        if reached is None:
            continue
        success = stage == SUCCESS[programme]
        for i in range(min(reached, len(stages))):
            decided[i] += 1
            recognised[i] += success
    return {stage: Rate(recognised[i], decided[i]) for i, stage in enumerate(stages)}


@dataclass(frozen=True)
class Expectation:
    """Expected recognitions of the open attempts: Σ count × rate, with its parts."""

    parts: tuple  # ((stage label, count, Rate), ...) for the stages holding firms
    value: Fraction  # over the stages with a rate
    unrated: int  # firms at stages without a rate (no earlier decided attempt): not expected

    @property
    def firms(self):
        """The expectation in whole firms, halves up."""
        return round_half_up(self.value)

    @property
    def count(self):
        return sum(n for _label, n, _rate in self.parts)

    @property
    def value_text(self):
        """The expectation to one decimal: "3.3"."""
        return decimal_text(self.value)

    @property
    def basis(self):
        """ "已申报2家×61%（31/51）+ 评审/公示1家×80%（8/10）= 2.0家" """
        if not self.parts:
            return "无企业，0家"
        terms = []
        for label, n, rate in self.parts:
            rated = f"×{rate.percent}（{rate.recognised}/{rate.decided}）" if rate.decided else "（无往年数据，不计）"
            terms.append(f"{label}{n}家{rated}")
        return f"{' + '.join(terms)} = {decimal_text(self.value)}家，约{self.firms}家"


def decimal_text(value):
    """A Fraction to one decimal, halves up: "1.2"."""
    tenths = round_half_up(value * 10)
    return f"{tenths // 10}.{tenths % 10}"


def expectation(counts, rates, labels):
    """Expected recognitions of the firms at each open stage (`counts` {stage: n}), each stage at
    its own rate (`rates` from `pass_rates`); `labels` {stage: label}."""
    parts, value, unrated = [], Fraction(0), 0
    for stage, rate in rates.items():
        n = counts.get(stage, 0)
        if not n:
            continue
        parts.append((labels[stage], n, rate))
        if rate.value is None:
            unrated += n
        else:
            value += n * rate.value
    return Expectation(tuple(parts), value, unrated)


# --- renewals --------------------------------------------------------------------------------

RENEWAL_FILED_STAGES = (Stage.APPLIED, Stage.REVIEW)
# Where a certificate ending this year stands; "not_filed" and "failed" are still counted and
# will lapse (the firms the 预警 counts), "lapsed" has already left the count.
RENEWAL_KEYS = ("renewed", "filed", "not_filed", "failed", "lapsed")
RENEWAL_LABELS = {
    "renewed": "已重新认定",
    "filed": "已申报在审",
    "not_filed": "尚未申报",
    "failed": "未通过（将失效）",
    "lapsed": "已失效",
}
AT_RISK = ("not_filed", "failed")


def renewal_state(stage, renewed=False, lapsed=False):
    """(key, label) of a certificate ending this year: `stage` its renewal attempt's stage (None
    without one), `renewed` whether the firm has a newer certificate, `lapsed` whether its last
    valid day is past (at the day the counts are read). Keys in `RENEWAL_KEYS`."""
    if renewed or stage == Stage.RECOGNISED:
        return "renewed", "已重新认定"
    if stage in RENEWAL_FILED_STAGES:
        return "filed", f"重新认定{Stage(stage).label}"
    if lapsed:
        return "lapsed", "重新认定未通过，已失效" if stage == Stage.FAILED else "未重新认定，已失效"
    if stage == Stage.FAILED:
        return "failed", "重新认定未通过，到期将失效"
    return "not_filed", "未启动" if stage is None else f"{Stage(stage).label}，尚未提交"


# --- 预警 -------------------------------------------------------------------------------------


def filed_rates_text(parts):
    """ "61%" when the filed firms are at stages sharing one rate; else "已申报61%、评审/公示80%"."""
    rated = [(label, rate) for label, _n, rate in parts if rate.decided]
    percents = {rate.percent for _label, rate in rated}
    if len(percents) == 1:
        return percents.pop()
    return "、".join(f"{label}{rate.percent}" for label, rate in rated) or "无往年数据"


def warning_line(name, gap, filed, early=None, at_risk=0, since=0, month=None):
    """The 预警 sentence, or "" when the applications in review can close the gap.

    `gap`: firms still needed this year (target − actual, 0 when reached, None without a
    target); `filed`: the Expectation of the firms that have filed (已申报, 评审/公示); `early`:
    the Expectation of those not yet filed (培育, 拟申报), told but not counted, since their
    recognition this year depends on an application not yet made; `at_risk`: certificates still
    counted that end this year with no renewal filed (or a renewal that failed), each a firm the
    count loses unless it is renewed; `since`: new certificates issued after the day the counts
    (of `month`) stand for, which the gap does not hold yet. Warns when the expected recognitions,
    in whole firms, fall short of the gap less those new certificates plus the ones at risk."""
    need = (gap or 0) - since + at_risk
    if gap is None or need <= 0 or filed.firms >= need:
        return ""
    head = f"{name}今年尚差{gap}家" if gap > 0 else f"{name}已达今年目标"
    if since:
        head += f"（{month.label}末），此后已新认定{since}家"
    text = f"{head}，在途申报{filed.count}家"
    if filed.count and filed.unrated == filed.count:
        text += "，往年无已有结果的申报，无法按通过率预计"
    elif filed.count:
        text += f"，按往年通过率（{filed_rates_text(filed.parts)}）预计新增{filed.firms}家"
        if filed.unrated:
            text += f"（另{filed.unrated}家所处环节往年无数据，未计入）"
    if at_risk:
        text += f"；{at_risk}张证书年内到期尚未申报（或未通过）重新认定，如最终未获认定将减少{at_risk}家"
    if early is not None and early.count:
        text += f"；另有{early.count}家处于培育、拟申报阶段，尚未申报"
    return text
