"""Page figures cached under the data's version, so that no page shows a number that has since
changed.

A progress page spends most of its time building Plotly figures and ranking sub-districts from
data that changes a few times a month. The figures are cached (in each application process's
own memory) under a key that holds the token of `DataVersion`; every save or delete of a model
of a watched app (`targets`, `tasks`, `bulletins`: each connects itself in its `ready`) writes a
new random token in the same transaction, so the first request
after the change reads the new token and computes afresh. Bulk writes that send no signals
(`bulk_create`, raw inserts) call `bump()` themselves. Several application servers on one
database stay correct: each reads the token from the database on every request.
"""

import contextvars
import datetime as dt
import hashlib
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import InvalidCacheBackendError, cache, caches
from django.core.cache.utils import make_template_fragment_key
from django.core.signals import request_finished, request_started
from django.db import IntegrityError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone


def _version_model():
    return apps.get_model("targets", "DataVersion")


# DataVersion rows: every watched change writes ALL; a change to the enterprise registry (or a
# bulk write, which does not say what it wrote) also writes REGISTRY, under which the registry's
# own aggregates are cached across count changes (the forecast's facts, enterprises.forecast);
# a change to the plan (its figures, sub-districts, districts, goals and indicators) also writes
# PLAN, under which the plan itself is cached (targets.progress.plan_figures, the sub-districts,
# the headline goals); a count created or deleted (or moved to another cell), and any change of
# the plan, also writes ROWS, under which what depends only on which counts exist is cached
# (which months are complete, the latest logged month): a count's corrected value leaves it as
# it was.
ALL, REGISTRY, PLAN, ROWS, COUNTS = 1, 2, 3, 4, 5
TOKENS = (ALL, REGISTRY, PLAN, ROWS, COUNTS)
# One row more per month whose counts were saved one by one (MONTH_ROWS + year * 100 + month),
# written with the count: what depends on one month's counts alone is cached under its row and
# COUNTS (which every bulk write of counts changes), so a correction recomputes only its month.
MONTH_ROWS = 1_000_000
REGISTRY_APP = "enterprises"
PLAN_MODELS = {
    "targets.PlanFigure", "targets.SubDistrict", "targets.District", "targets.Indicator", "targets.PlanVersion",
    "targets.PlanLine", "targets.BoundaryChange",
}  # fmt: skip
COUNT_MODEL = "targets.MonthlyCount"


# Within one request the tokens are read once (a request sees one version of the data, and its
# own writes replace them); outside a request every call reads the database.
_request_tokens = contextvars.ContextVar("freshness_tokens", default=None)


def _request_began(**kwargs):
    _request_tokens.set({})


def _request_ended(**kwargs):
    _request_tokens.set(None)


request_started.connect(_request_began, dispatch_uid="freshness-request-started")
request_finished.connect(_request_ended, dispatch_uid="freshness-request-finished")


def _tokens():
    """{pk: token} of every version row, read once a request (one query)."""
    seen = _request_tokens.get()
    if seen:
        return seen
    tokens = _read_tokens()
    if seen is not None:
        seen.update(tokens)
    return tokens


def _token(pk):
    return _tokens()[pk]


def _read_tokens():
    """{pk: token} of every version row, one query (a page asks for several of them, and one
    query reads them all, the months' included); a missing row of TOKENS is created."""
    model = _version_model()
    tokens = dict(model.objects.values_list("pk", "token"))
    for pk in TOKENS:
        if pk not in tokens:
            token = uuid.uuid4().hex
            try:
                with transaction.atomic():
                    model.objects.create(pk=pk, token=token)
            except IntegrityError:  # another process created it first
                token = model.objects.values_list("token", flat=True).get(pk=pk)
            tokens[pk] = token
    return tokens


def ensure_tokens():
    """Create the version rows that do not exist yet (load_plan calls it), so that no writer's
    transaction creates one while another writer waits on the same row."""
    _read_tokens()


def _month_pk(date):
    """The DataVersion row of a month's counts: 1,202,610 for October 2026."""
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    return MONTH_ROWS + date.year * 100 + date.month


def current_version():
    """The data's version token, one query (created on first use)."""
    return _token(ALL)


def registry_version():
    """The enterprise registry's version token, one query: unchanged by a count's correction."""
    return _token(REGISTRY)


def plan_version():
    """The plan's version token, one query: unchanged by a count's correction."""
    return _token(PLAN)


def rows_version():
    """The version of which counts exist, one query: unchanged by a count's corrected value."""
    return _token(ROWS)


def month_versions(months):
    """{month: version} of each month's counts (`targets.months.Month`s): a version changes when
    a count of that month is saved or deleted, or by a bulk write of counts (any month), and not
    when another month's count is corrected. It names its month, so no two months share one.
    Read with the other tokens: no query of its own in a request, one outside."""
    tokens = _tokens()
    counts = tokens[COUNTS]
    return {month: f"{month}:{counts}.{tokens.get(_month_pk(month.date), '')}" for month in months}


def bump(registry=True, plan=True, rows=True, counts=True, months=()):
    """Give the data a new version; call inside the transaction that changed it. A bulk write
    bumps the registry's, the plan's, the count rows' and every month's counts' versions too
    unless `registry=False` / `plan=False` / `rows=False` / `counts=False` say it wrote no firm /
    no plan figure / created or deleted no count / wrote no count. `months` (dates): the months
    whose counts a single save or delete changed."""
    model = _version_model()
    seen = _request_tokens.get()
    narrower = {REGISTRY: registry, PLAN: plan, ROWS: rows or plan, COUNTS: counts}
    pks = [ALL, *(pk for pk, wrote in narrower.items() if wrote), *sorted({_month_pk(m) for m in months})]
    for pk in pks:
        token = uuid.uuid4().hex
        if not model.objects.filter(pk=pk).update(token=token):
            model.objects.get_or_create(pk=pk, defaults={"token": token})
    if seen is not None:
        seen.clear()  # read again: the write may yet be rolled back


class PageCache:
    """One request's view of the cache for one page: its figures (`get`) and, for the
    template's `{% cache page_cache.seconds name page_cache.html_key %}`, its rendered HTML.

    Keyed on the data's version (one query, read once per request) and today's date, since
    a draft bulletin and the key tasks' state depend on the day. `parts` name what else the
    page depends on (month, sub-district); the HTML key adds the full path (sorting, version
    parameters) and `vary`, for what differs between users (the bulletin's publish button).
    """

    def __init__(self, request, name, *parts, vary=()):
        self.seconds = settings.PAGE_CACHE_SECONDS
        version = current_version() if self.seconds else "off"
        self.key = ":".join(["page", name, version, timezone.localdate().isoformat(), *map(str, parts)])
        self.html_key = ":".join([self.key, request.get_full_path(), *map(str, vary)])

    def html(self, fragment):
        """The page's HTML already rendered by `{% cache … fragment page_cache.html_key %}` at
        the data's current version, or None (then the view loads the figures and the tag renders
        and keeps it). A view that gets the HTML skips loading the figures: unpickling them was
        most of a cached page's time (bench/profile_cached_page.py)."""
        if not self.seconds:
            return None
        return _fragment_cache().get(make_template_fragment_key(fragment, [self.html_key]))

    def get(self, compute):
        """`compute()`'s value at the data's current version."""
        return _kept(self.key, compute, self.seconds)


def cached(name, compute, *parts, version=current_version):
    """`compute()` kept in the cache under the data's current version (one query to read it,
    once per request): for a small aggregate that several parts of a request ask for (which
    months are complete), or under a narrower `version` (`plan_version`)."""
    seconds = settings.PAGE_CACHE_SECONDS
    if not seconds:
        return compute()
    return _kept(":".join(["data", name, version(), *map(str, parts)]), compute, seconds)


def cached_each(name, inputs, compute_missing):
    """{id: value} for `inputs` ({id: what decides its value}), each value kept in the cache under
    a hash of exactly what decides it (and `name`, which carries the rule's version): the values
    that did not change since they were computed are read, `compute_missing([id, ...])` gives the
    rest ({id: value}, at once, so it can read what they need in one query); one read and one
    write of the cache. What decides a value must have a deterministic `repr` (no sets, dicts in
    a fixed order)."""
    seconds = settings.PAGE_CACHE_SECONDS
    if not seconds:
        return compute_missing(list(inputs))
    keys = {ident: f"each:{name}:{content_key(decided_by)}" for ident, decided_by in inputs.items()}
    known = cache.get_many(list(keys.values()))
    out = {ident: known[key] for ident, key in keys.items() if key in known}
    fresh = compute_missing([ident for ident in inputs if ident not in out])
    if fresh:
        cache.set_many({keys[ident]: value for ident, value in fresh.items()}, seconds)
    return out | fresh


def _kept(key, compute, seconds):
    """The cached value under `key`, else `compute()`'s, kept for `seconds` (0: not cached)."""
    if not seconds:
        return compute()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def content_key(*parts):
    """A cache key made of what a fragment shows (its rows, the path with its sorting), for
    HTML that stays right whatever else changes."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _fragment_cache():
    """The cache the `{% cache %}` tag uses: "template_fragments" if configured, else the default."""
    try:
        return caches["template_fragments"]
    except InvalidCacheBackendError:
        return cache


def _changed(sender, instance, **kwargs):
    if kwargs.get("raw"):  # loaddata: the data was not yet visible to anyone
        return
    label = sender._meta.label
    count = label == COUNT_MODEL
    loaded = getattr(instance, "loaded_cell", None)
    rows = count and (
        kwargs.get("created") or kwargs["signal"] is post_delete or loaded != instance.cell  # moved to another cell
    )
    months = {instance.month} | ({loaded[1]} if loaded else set()) if count else ()
    bump(
        registry=sender._meta.app_label == REGISTRY_APP, plan=label in PLAN_MODELS, rows=rows, counts=False,
        months=months,
    )  # fmt: skip


WATCHED_APPS = set()


def connect(app_label):
    """Bump on every save and delete of the app's models (called from its `AppConfig.ready`)."""
    WATCHED_APPS.add(app_label)
    for model in apps.get_app_config(app_label).get_models():
        # History rows are written with the change they record, which already bumps.
        if model is _version_model() or model.__name__.startswith("Historical"):
            continue
        post_save.connect(_changed, sender=model, dispatch_uid=f"freshness-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"freshness-delete-{model._meta.label}")
    m2m_changed.connect(_m2m_changed, dispatch_uid="freshness-m2m")


def _m2m_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and instance._meta.app_label in WATCHED_APPS:
        bump(
            registry=instance._meta.app_label == REGISTRY_APP,
            plan=instance._meta.label in PLAN_MODELS,
            rows=instance._meta.label == COUNT_MODEL,
            counts=instance._meta.label == COUNT_MODEL,
        )
