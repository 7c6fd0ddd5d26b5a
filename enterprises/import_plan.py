"""Step 3 of the registry import (`enterprises.importers`): what the valid rows change, read in
a few chunked queries (`plan`), and writing it in one transaction (`write`), new rows by plain
bulk INSERTs, changes by bulk UPDATEs, each with its history row.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from targets import freshness

from . import bulk, validity
from .choices import FLAG_FIELDS
from .models import Enterprise, HighTechRecognition

CHUNK = 900  # codes per `IN (...)`: within every database's parameter limit

FLAGS = tuple(FLAG_FIELDS)
ENTERPRISE_FIELDS = ("name", "subdistrict_id", "industry", *FLAGS, "tech_registered_year", "tech_left_on")


def chunks(items, size=CHUNK):
    """`items` in lists of at most `size`: the codes of one `IN (...)`."""
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Plan:
    new: list
    changed: list
    unchanged: int
    recognitions: list  # (CleanRow, enterprise or None); None: the enterprise is new
    recognitions_changed: list


def plan(rows):
    """What writing `rows` would change, read from the database in a few chunked queries."""
    existing = {}
    for codes in chunks(row.credit_code for row in rows):
        existing.update({e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)})
    known = {}
    for ids in chunks(e.pk for e in existing.values()):
        for rec in HighTechRecognition.objects.filter(enterprise_id__in=ids):
            known[(rec.enterprise_id, rec.issue_date)] = rec
    new, changed, unchanged, recognitions, recognitions_changed = [], [], 0, [], []
    for row in rows:
        enterprise = existing.get(row.credit_code)
        if enterprise is None:
            enterprise = Enterprise(credit_code=row.credit_code)
            new.append(enterprise)
        if enterprise.pk is None or any(getattr(enterprise, f) != getattr(row, f) for f in ENTERPRISE_FIELDS):
            for name in ENTERPRISE_FIELDS:
                setattr(enterprise, name, getattr(row, name))
            if enterprise.pk is not None:
                changed.append(enterprise)
        elif enterprise.pk is not None:
            unchanged += 1
        if row.issue_date:
            rec = known.get((enterprise.pk, row.issue_date)) if enterprise.pk else None
            if rec is None:
                recognitions.append((row, enterprise))
            elif row.certificate_no and rec.certificate_no != row.certificate_no:
                rec.certificate_no = row.certificate_no
                recognitions_changed.append(rec)
    return _Plan(new, changed, unchanged, recognitions, recognitions_changed)


def _enterprise_row(enterprise, now):
    row = {name: getattr(enterprise, name) for name in ENTERPRISE_FIELDS}
    return {**row, "credit_code": enterprise.credit_code, "updated_at": now}


def _ids_by_code(codes):
    ids = {}
    for chunk in chunks(codes):
        ids.update(Enterprise.objects.filter(credit_code__in=chunk).values_list("credit_code", "pk"))
    return ids


@transaction.atomic
def write(the_plan, user=None, reason=""):
    """Write a plan: new firms and certificates by plain bulk INSERTs, changes by bulk UPDATEs,
    each with its history row, all in one transaction."""
    now = timezone.now()
    new_rows = [_enterprise_row(e, now) for e in the_plan.new]
    bulk.insert_rows(Enterprise, new_rows)
    ids = _ids_by_code(row["credit_code"] for row in new_rows)
    for enterprise, row in zip(the_plan.new, new_rows, strict=True):
        enterprise.pk = row["id"] = ids[enterprise.credit_code]
    bulk.insert_history(Enterprise, new_rows, user, reason)
    kwargs = {"default_user": user, "default_change_reason": reason, "batch_size": 500}
    if the_plan.changed:
        for enterprise in the_plan.changed:
            enterprise.updated_at = now
        fields = [*ENTERPRISE_FIELDS, "updated_at"]
        bulk_update_with_history(the_plan.changed, Enterprise, fields=fields, **kwargs)
    rec_rows = [
        {
            "enterprise_id": enterprise.pk,
            "certificate_no": row.certificate_no,
            "issue_date": row.issue_date,
            "valid_until": validity.valid_until(row.issue_date),
        }
        for row, enterprise in the_plan.recognitions
    ]
    bulk.insert_rows(HighTechRecognition, rec_rows)
    rec_ids = {}
    for chunk in chunks({row["enterprise_id"] for row in rec_rows}):
        for pk, enterprise_id, issue_date in HighTechRecognition.objects.filter(enterprise_id__in=chunk).values_list(
            "pk", "enterprise_id", "issue_date"
        ):
            rec_ids[(enterprise_id, issue_date)] = pk
    for row in rec_rows:
        row["id"] = rec_ids[(row["enterprise_id"], row["issue_date"])]
    bulk.insert_history(HighTechRecognition, rec_rows, user, reason)
    if the_plan.recognitions_changed:
        bulk_update_with_history(
            the_plan.recognitions_changed, HighTechRecognition, fields=["certificate_no"], **kwargs
        )
    freshness.bump(plan=False, rows=False, counts=False)  # plain INSERTs send no post_save; the forecast reads firms
