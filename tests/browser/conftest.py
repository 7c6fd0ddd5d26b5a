"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright.

The tests skip, saying why, where Chromium or the playwright package is missing (`.ci/run`
installs `chromium` and `fonts-noto-cjk` with apt-get). Every page a test opens is watched:
each request must go to the live server, and no script error, console error or
Content-Security-Policy violation may occur.
"""

import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support import SCREENSHOTS

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium fonts-noto-cjk")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed: pip install -r requirements.txt")
    # Playwright's sync API runs an event loop in this thread; the tests' own database calls
    # (fixtures, checks) are plain synchronous code, which Django would otherwise refuse.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Watched:
    """A page with every request and every error it meets recorded."""

    def __init__(self, page, base_url):
        self.page, self.base_url = page, base_url
        self.requests, self.errors = [], []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("console", lambda message: message.type == "error" and self.errors.append(f"console: {message.text}"))
        page.on("response", lambda r: r.status >= 400 and self.errors.append(f"HTTP {r.status}: {r.url}"))

    def goto(self, path):
        response = self.page.goto(self.base_url + path)
        assert response.status == 200, (path, response.status)
        return response

    def screenshot(self, name, **kwargs):
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True, **kwargs)
        return path

    def assert_clean(self):
        """Nothing left the machine and nothing went wrong."""
        server = urlsplit(self.base_url).netloc
        outside = [url for url in self.requests if urlsplit(url).scheme in ("http", "https", "ws", "wss")]
        outside = [url for url in outside if urlsplit(url).netloc != server]
        assert outside == [], f"requests that left the machine: {outside}"
        assert self.errors == [], "\n".join(self.errors)


class OneRequestAtATime:
    """Static files, then Django, for one request at a time.

    On SQLite the live server's threads share the test database's one in-memory connection;
    two requests on it at once (a download still being answered and the next one) can deadlock inside SQLite
    and hang the run. The response is read to the end inside the lock.
    """

    lock = threading.Lock()

    def __init__(self, application):
        from django.contrib.staticfiles.handlers import StaticFilesHandler

        self.handler = StaticFilesHandler(application)

    def __call__(self, environ, start_response):
        with self.lock:
            response = self.handler(environ, start_response)
            try:
                return list(response)
            finally:
                if hasattr(response, "close"):
                    response.close()


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, answering one request at a time (see OneRequestAtATime)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"), start=False)
    server.thread.static_handler = OneRequestAtATime
    server.start()
    yield server
    server.stop()


@pytest.fixture
def watched(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield Watched(page, live_server.url)
    context.close()
