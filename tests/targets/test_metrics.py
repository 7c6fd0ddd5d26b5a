from targets import metrics


def test_sum_plan_figures_sums_each_column():
    a = {"high_tech": dict.fromkeys(range(2022, 2028), 1), "tech_based": dict.fromkeys(range(2022, 2028), 10)}
    b = {"high_tech": dict.fromkeys(range(2022, 2028), 2), "tech_based": dict.fromkeys(range(2022, 2028), 0)}
    totals = metrics.sum_plan_figures([a, b])
    assert totals["high_tech"] == dict.fromkeys(range(2022, 2028), 3)
    assert totals["tech_based"] == dict.fromkeys(range(2022, 2028), 10)


def test_a_missing_cell_makes_its_total_undefined_not_smaller():
    a = {"high_tech": {2022: 1}, "tech_based": {}}
    totals = metrics.sum_plan_figures([a])
    assert totals["high_tech"][2022] == 1
    assert totals["high_tech"][2023] is None
    assert totals["tech_based"][2022] is None


def test_no_rows_gives_zero_totals():
    assert metrics.sum_plan_figures([])["high_tech"][2027] == 0


def test_sum_defined_never_gives_a_silently_smaller_total():
    assert metrics.sum_defined([3, 4, 5]) == 12
    assert metrics.sum_defined([3, None, 5]) is None
    assert metrics.sum_defined([]) is None
