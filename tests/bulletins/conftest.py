import pytest

from tests.support import log


@pytest.fixture
def uneven():
    """High-tech for 2026-10: five sub-districts, a tie, a lagging one; September for changes."""
    for slug, sep, oct_ in [("beiwenquan", 66, 67), ("longfengqiao", 12, 12), ("xiema", 57, 58), ("fuxing", 21, 21)]:
        log(slug, "2026-09", "high_tech", sep)
        log(slug, "2026-10", "high_tech", oct_)
    log("shuitu", "2025-12", "high_tech", 160)
    log("shuitu", "2026-09", "high_tech", 171)
    log("shuitu", "2026-10", "high_tech", 170)
    log("chengjiang", "2026-10", "high_tech", 9)  # class B: 9/10
