import pytest

from targets import metrics
from targets.months import Month, month_range


@pytest.mark.parametrize(
    ("previous", "new", "flag"),
    [
        (10, 9, "drop"),
        (10, 10, None),
        (10, 12, None),  # +20% exactly is not "above 20%"
        (10, 13, "rise"),
        (100, 120, None),
        (100, 121, "rise"),
        (0, 0, None),
        (0, 1, "rise"),
        (None, 5, None),
        (5, None, None),
    ],
)
def test_change_flag(previous, new, flag):
    assert metrics.change_flag(previous, new) == flag


def test_change_is_undefined_without_a_previous_value():
    assert metrics.change(None, 3) is None
    assert metrics.change(5, 3) == -2


def test_month_parse_and_neighbours():
    assert Month.parse("2025-03") == Month(2025, 3)
    assert Month(2025, 1).previous() == Month(2024, 12)
    assert Month(2024, 12).next() == Month(2025, 1)
    assert Month(2025, 3).label == "2025年3月"
    assert str(Month(2025, 3)) == "2025-03"
    for bad in ["2025-3", "2025-13", "abcd-ef", "", None]:
        with pytest.raises(ValueError, match="月"):
            Month.parse(bad)


def test_month_range_crosses_the_year():
    assert month_range(Month(2024, 11), Month(2025, 2)) == [
        Month(2024, 11),
        Month(2024, 12),
        Month(2025, 1),
        Month(2025, 2),
    ]
