"""The district indicators with their values and their one judgement (targets.goals).

The headline goals (高新技术企业, 科技型企业) are measured by the monthly counts (months in
which every sub-district reported); indicators the enterprise registry holds come from the
registry as of each month's end; the rest are recorded by the bureau. Nothing is typed twice.
"""

from .goals import judge_goals
from .progress import default_month


def indicator_rows(indicators=None, month=None):
    """Every indicator (GoalRow) judged as of `month`, by default the latest complete month."""
    return judge_goals(month or default_month(), indicators)
