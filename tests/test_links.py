"""No link a role cannot open (issue 28): every demo account follows the links of its menu and of
the pages they lead to (same site, GET only) and none answers 403 or 404 (or fails).

The demo is seeded as `make run` seeds it (the map of 2025-11 applied, "today" 2026-11-15), so
every kind of page shows its links: published bulletins, reports, firms, flags. Addresses that
differ only by a number or a sub-district are opened once (the first met), so the crawl stays
a few hundred requests whatever the data.
"""

import html
import re
from urllib.parse import urlsplit

import pytest

from accounts.models import User
from demo.services import DEMO_ACCOUNTS, seed_demo
from tests.support import pinned

HREF = re.compile(r'href="([^"]*)"')
# leaving the application, or what a link does rather than shows (logout is a POST form's button)
NOT_FOLLOWED = re.compile(r"^(#|mailto:|javascript:|https?://|//)|^/static/|^/media/|^/accounts/logout/")
# pages only read for their status, not for more links: files and the admin's own pages
LEAVES = re.compile(r"(\.xlsx|\.docx|\.csv|\.pdf|export=|/download|/evidence|/admin/.)")


def _pattern(path):
    """One address per kind of page: numbers, months and sub-district slugs folded."""
    path = re.sub(r"/(subdistricts|changes)/[a-z]+/", r"/\1/S/", path)
    return re.sub(r"\d+", "N", path)


def _links(page):
    for raw in HREF.findall(page):
        href = html.unescape(raw)
        if not href or NOT_FOLLOWED.search(href):
            continue
        yield href if href.startswith("/") else None


def crawl(client, limit=160):
    """{path: status} of the pages reachable from the menu, breadth first."""
    start = client.get("/", follow=True)
    queue = [link for link in _links(start.content.decode()) if link]
    seen, answers = set(), {}
    while queue and len(answers) < limit:
        path = queue.pop(0)
        if _pattern(path) in seen:
            continue
        seen.add(_pattern(path))
        try:
            response = client.get(path)
        except Exception as error:  # a page that fails is as dead as one that refuses  # noqa: BLE001
            answers[path] = f"{type(error).__name__}: {error}"
            continue
        answers[path] = response.status_code
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/html") and not LEAVES.search(path):
            queue += [link for link in _links(response.content.decode()) if link and urlsplit(link).path]
    return answers


@pytest.fixture
def demo(map_2025_11):
    with pinned():
        seed_demo()
        yield


def test_no_role_is_offered_a_link_it_cannot_open(demo, client):
    dead, opened = {}, {}
    for username, *_ in DEMO_ACCOUNTS:
        client.force_login(User.objects.get(username=username))
        with pinned():
            answers = crawl(client)
        opened[username] = len(answers)
        dead.update(
            {
                (username, path): status
                for path, status in answers.items()
                if status in (403, 404) or isinstance(status, str)
            }
        )
    assert dead == {}, f"links a role is offered and cannot open: {dead}"
    assert min(opened.values()) >= 10, opened  # the menu and what it leads to were really followed
