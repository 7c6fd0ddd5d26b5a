"""The bulletin's 预警 section: who is expected to miss this year's and 2027's targets, from a
`targets.forecast.DistrictForecast`, as plain JSON-able figures and sentences (frozen with the rest
of the figures on publication)."""

from targets.forecast import LAST_YEAR, net_change


def _risk_item(row, result, until_2027):
    return {
        "name": row.subdistrict.name,
        "slug": row.subdistrict.slug,
        "projected": result.projected_2027 if until_2027 else result.projected,
        "low": result.low_2027 if until_2027 else result.low,
        "high": result.high_2027 if until_2027 else result.high,
        "target": result.target_2027 if until_2027 else result.target,
        "gap": result.gap_2027 if until_2027 else result.gap,
        "basis": result.basis_text,
    }


def bulletin_section(district, labels):
    """The bulletin's 预警 figures and sentences from a DistrictForecast, as plain JSON-able data
    (frozen with the rest of the figures on publication). `labels`: {metric: label}."""
    year = district.month.year
    section = {"year": year, "as_of": str(district.month), "metrics": {}, "lines": []}
    for metric, label in labels.items():
        result = district.total[metric]
        at_risk = [_risk_item(r, r.metrics[metric], False) for r in district.at_risk(metric)]
        later = []
        if year < LAST_YEAR:
            later = [_risk_item(r, r.metrics[metric], True) for r in district.at_risk(metric, True)]
        section["metrics"][metric] = {
            "label": label,
            "projected": result.projected,
            "low": result.low,
            "high": result.high,
            "target": result.target,
            "gap": result.gap,
            "projected_2027": result.projected_2027,
            "target_2027": result.target_2027,
            "expiring": result.expiring,
            "low_2027": result.low_2027,
            "high_2027": result.high_2027,
            "step": result.step,
            "at_risk": at_risk,
            "at_risk_2027": later,
        }
        names = "、".join(f"{item['name']}（预计差{item['gap']}家）" for item in at_risk)
        line = (
            f"按当前进度，预计{year}年底{len(at_risk)}个街镇未完成{label}年度目标：{names}"
            if at_risk
            else f"按当前进度，预计{year}年底没有街镇未完成{label}年度目标"
        )
        if result.projected is None:
            line += "；部分街镇本月未填报，全区暂不预计"
        else:
            verdict = f"可完成年度目标{result.target}家"
            if result.at_risk:
                verdict = f"较年度目标{result.target}家差{result.gap}家"
            line += f"；全区预计{year}年底{result.projected}家（{result.low}–{result.high}家），{verdict}"
        if result.expiring:
            line += f"；年内到期未重新认定{result.expiring}家，请相关街镇在到期前走访企业、协助重新认定"
        later_names = "、".join(item["name"] for item in later)
        if year < LAST_YEAR and result.projected_2027 is not None:
            line += (
                f"；按此趋势（此后全区每年{net_change(result.step).replace(' ', '')}，为各街镇年净增之和），"
                f"全区预计2027年底{result.projected_2027}家（{result.low_2027}–{result.high_2027}家）"
            )
            line += f"，预计2027年底{len(later)}个街镇未完成目标：{later_names}" if later else ""
        elif later:
            line += f"；按此趋势，预计2027年底{len(later)}个街镇未完成目标：{later_names}"
        section["lines"].append(line + "。")
    return section


# --- the provider hook -----------------------------------------------------------------------
# `targets` pages need the registry's facts but may not import `enterprises`; the enterprises
# app registers the function that assembles forecasts (AppConfig.ready), and pages call it here.

_provider = None
