"""The year-end high-tech forecast where a pipeline (认定进程) exists, as pure functions on plain
values (issue 29, item 4). `targets.forecast.forecast` calls it; the enterprises app hands in the
pipeline as `PipelineFacts` (plain numbers and the pass rates as the pipeline page writes them),
so that `targets` never imports `enterprises`.

For a sub-district with attempts of the year known at the month's end:

- **Arrivals.** The firms in review (已申报, 评审/公示, new recognitions) are expected to bring
  `expected` certificates (each stage's count × the district's own pass rate of earlier years,
  `pipeline_metrics`). They replace the rhythm's guess for those firms: the rhythm's expected
  arrivals are taken to include one certificate for each firm in review (at most all of them),
  the rest (`rhythm − in_review`, 0 at the least) are firms that have not filed yet and stay
  counted by the rhythm. So arrivals = expected + max(0, rhythm − in_review): never the rhythm
  and the pipeline added on top of each other. Firms at a stage without an earlier result
  (`unrated`) stay with the rhythm.
- **Lapses.** Certificates still counted that end before 31 December: those whose renewal is not
  filed yet (or failed) lapse at 1 − the registry's observed renewal rate (all without one: most
  firms file in the months before their certificate ends, so counting every unfiled renewal as
  lost made the pipeline's forecast worse than none from January to July on the demo's past
  years); those in review lapse at 1 − the renewal stage's pass rate (`renewals_expected` are
  expected to be renewed); those at a stage without a rate by the observed renewal rate too.
- **Range.** Low: the rhythm's slowest year for the firms not yet filed, the firms in review at
  their pass rate rounded down to whole firms (one firm at 71 % may fail), every renewal in
  review lapsing. High: the fastest year, every firm in review
  recognised, every renewal renewed (filed or not yet).
"""

from dataclasses import dataclass
from fractions import Fraction
from math import floor


@dataclass(frozen=True)
class PipelineFacts:
    """A sub-district's high-tech pipeline of the year as it stood at the month's end.

    in_review: new-recognition attempts at a filed stage; unrated: of them, at a stage with no
    earlier decided attempt; expected: their expected recognitions (Σ count × rate, exact);
    rates: the pass rates as the pipeline page writes them ("64%", "已申报61%、评审/公示80%");
    renewals_not_filed: certificates still counted ending before 31 December whose renewal is not
    filed or failed; renewals_filed: those whose renewal is in review, renewals_expected the
    expected renewals of them (renewals_unrated: in review at a stage without a rate).
    """

    in_review: int = 0
    unrated: int = 0
    expected: Fraction = Fraction(0)
    rates: str = ""
    renewals_not_filed: int = 0
    renewals_filed: int = 0
    renewals_unrated: int = 0
    renewals_expected: Fraction = Fraction(0)
    renewal_rates: str = ""

    @property
    def rated(self):
        return self.in_review - self.unrated

    @property
    def expected_firms(self):
        return round_half_up(self.expected)


def round_half_up(value):
    return floor(Fraction(value) + Fraction(1, 2))


@dataclass(frozen=True)
class PipelineEstimate:
    """The forecast's arrivals and lapses with the pipeline, and the rhythm's part it kept."""

    increase: Fraction
    low_increase: Fraction
    high_increase: Fraction
    lapses: Fraction
    low_lapses: int  # every certificate that can lapse does
    high_lapses: int  # only those whose renewal is not filed
    rest: Fraction  # the rhythm's arrivals beyond the firms in review (firms not yet filed)
    rhythm: Fraction  # the rhythm's (or the line's) whole guess, for the sentence
    not_filed_lapses: Fraction = Fraction(0)  # of the renewals not filed, by the observed renewal rate
    renewal_rate: object = None  # the registry's observed renewal rate (None: none observed)


def estimate(pipe, increase, low_inc, high_inc, renewal_rate):
    """`PipelineEstimate` from the rhythm's expected arrivals (`increase`, `low_inc`,
    `high_inc`, Fractions) and the registry's observed renewal rate (None when none observed)."""
    n = pipe.rated
    rest = max(Fraction(0), Fraction(increase) - n)
    rest_low = max(Fraction(0), Fraction(low_inc) - n)
    rest_high = max(Fraction(0), Fraction(high_inc) - n)
    lapse_share = 1 - Fraction(renewal_rate) if renewal_rate is not None else Fraction(1)
    unrated_lapse = pipe.renewals_unrated * lapse_share
    not_filed = pipe.renewals_not_filed * lapse_share
    lapses = not_filed + (pipe.renewals_filed - pipe.renewals_unrated) - pipe.renewals_expected
    return PipelineEstimate(
        increase=pipe.expected + rest,
        low_increase=floor(pipe.expected) + rest_low,
        high_increase=n + rest_high,
        lapses=lapses + unrated_lapse,
        low_lapses=pipe.renewals_not_filed + pipe.renewals_filed,
        high_lapses=0,
        rest=rest,
        rhythm=Fraction(increase),
        not_filed_lapses=not_filed,
        renewal_rate=renewal_rate,
    )


def parts(pipe, est, rhythm_words):
    """The sentences of the pipeline's part: “在途申报3家，按往年通过率64%预计认定2家；…”.

    `rhythm_words`: how the rhythm's guess is named ("按往年节奏（…）" or "按本年月均变化线性外推")."""
    out = []
    if pipe.rated:
        out.append(f"在途申报{pipe.rated}家，按往年通过率{pipe.rates}预计认定{pipe.expected_firms}家")
    else:
        out.append("今年无在途申报（已申报、评审/公示）的企业")
    if pipe.unrated:
        out.append(f"另{pipe.unrated}家在途申报所处环节往年无结果，仍按节奏计")
    rhythm = round_half_up(est.rhythm) if est.rhythm >= 0 else -round_half_up(-est.rhythm)
    rest = round_half_up(est.rest)
    if not pipe.rated:
        out.append(f"{rhythm_words}预计新增 {rest} 家")
    elif rest:
        out.append(
            f"{rhythm_words}预计新增 {rhythm} 家，其中在途申报{pipe.rated}家已按通过率计，"
            f"另计尚未申报的企业新增 {rest} 家"
        )
    else:
        out.append(f"{rhythm_words}预计新增 {rhythm} 家，不超过在途申报数，以在途申报为准，不另计")
    renewals = pipe.renewals_not_filed + pipe.renewals_filed
    if not renewals:
        out.append("年内无到期未重新认定的证书")
        return out
    if pipe.renewals_not_filed:
        out.append(f"到期尚未申请重新认定{pipe.renewals_not_filed}家，{not_filed_words(est)}")
    if pipe.renewals_filed:
        filed_lapse = est.lapses - est.not_filed_lapses
        rate = f"按往年通过率{pipe.renewal_rates}" if pipe.renewals_filed > pipe.renewals_unrated else "往年无结果"
        out.append(f"重新认定在审{pipe.renewals_filed}家，{rate}预计失效{round_half_up(filed_lapse)}家")
    return out


def not_filed_words(est):
    """ "按往年重新认定率50%预计失效1家" (or, with none observed, "往年无重新认定记录，预计全部失效")."""
    if est.renewal_rate is None:
        return f"往年无重新认定记录，预计失效{round_half_up(est.not_filed_lapses)}家"
    pct = round_half_up(Fraction(est.renewal_rate) * 100)
    return f"按往年重新认定率{pct}%预计失效{round_half_up(est.not_filed_lapses)}家"


def district_words(pipelines):
    """ "（其中5个街镇按认定进程：在途申报30家，按往年通过率预计认定19家）" or "" (the district line)."""
    piped = [p for p in pipelines if p is not None]
    if not piped:
        return ""
    n, expected = sum(p.rated for p in piped), sum(p.expected for p in piped)
    return f"（其中{len(piped)}个街镇按认定进程：在途申报{n}家，按往年通过率预计认定{round_half_up(expected)}家）"
