"""Reading bulletins: what a page or an export of a month shows (a published version's stored
figures, or a draft computed now) and the list of months with their versions."""

from dataclasses import dataclass, field

from targets.metrics import is_complete
from targets.months import Month
from targets.progress import district_size, reporting_by_month, reporting_label

from .figures import build_figures
from .models import BulletinVersion
from .services import changes_between, pending_revisions


@dataclass
class BulletinView:
    """What a bulletin page or export shows: stored figures for a published version, or a
    draft computed now."""

    month: Month
    figures: dict
    version: BulletinVersion | None
    versions: list
    changes: list

    @property
    def draft(self):
        return self.version is None

    @property
    def latest(self):
        return self.version is None or self.version.number == self.versions[-1].number


def bulletin_view(month, number=None):
    """The latest published version of `month` (or version `number`), else the draft."""
    versions = list(
        BulletinVersion.objects.filter(bulletin__month=month.date)
        .select_related("published_by", "bulletin")
        .order_by("number")
    )
    if number is not None:
        version = next((v for v in versions if v.number == number), None)
        if version is None:
            raise LookupError(f"{month.label}通报没有第{number}版")
    else:
        version = versions[-1] if versions else None
    if version is None:
        return BulletinView(month, build_figures(month), None, versions, [])
    previous = next((v for v in versions if v.number == version.number - 1), None)
    changes = changes_between(previous.figures, version.figures) if previous else []
    figures = version.figures
    if "issue" not in figures and version.bulletin.issue_number:
        # published before 期数 were stored with the figures: the number the migration gave it
        figures = {**figures, "issue": {"year": version.bulletin.issue_year, "number": version.bulletin.issue_number}}
    return BulletinView(month, figures, version, versions, changes)


@dataclass
class BulletinMonth:
    month: Month
    versions: list = field(default_factory=list)
    partial_label: str = ""  # "3/17 个街镇已填报" for a month not every sub-district reported
    pending: int = 0

    @property
    def issue(self):
        """ "第3期" from the bulletin's stored 期数."""
        bulletin = self.versions[0].bulletin if self.versions else None
        return f"第{bulletin.issue_number}期" if bulletin and bulletin.issue_number else ""

    @property
    def published(self):
        return bool(self.versions)

    @property
    def first(self):
        return self.versions[0] if self.versions else None

    @property
    def last(self):
        return self.versions[-1] if self.versions else None


def bulletin_months(months, published_only=False):
    """Each month with its published versions and whether every sub-district reported (a
    partial month is labelled "n/17 个街镇已填报"), newest month first. Three queries."""
    by_month = {}
    for version in BulletinVersion.objects.select_related("bulletin", "published_by").order_by("number"):
        by_month.setdefault(Month.of(version.bulletin.month), []).append(version)
    reporting = reporting_by_month()
    pending = pending_revisions()
    out = []
    for m in sorted(months, reverse=True):
        n = reporting.get(m, 0)
        expected = district_size(m)  # the units of that month's map
        partial = "" if is_complete(n, expected) else reporting_label(n, expected)
        out.append(BulletinMonth(m, by_month.get(m, []), partial, pending.get(m, 0)))
    return [b for b in out if b.published] if published_only else out
