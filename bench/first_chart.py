"""Time from navigation start to the first chart drawn (`data-drawn="1"`) in headless Chromium."""

import statistics

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]  # fmt: skip

# Records performance.now() (milliseconds since navigation start) when the first chart is drawn.
WATCH = """
new MutationObserver(function (changes, observer) {
  for (const change of changes) {
    if (change.target.getAttribute && change.target.getAttribute("data-drawn") === "1") {
      window.__firstChartMs = performance.now();
      observer.disconnect();
      return;
    }
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-drawn"]});
"""


def first_chart(base_url, paths, cookies, runs=5):
    """For each path: the first visit (empty browser cache) and the median of the next visits."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for path in paths:
                context = browser.new_context()
                context.add_cookies([{"name": k, "value": v, "url": base_url} for k, v in cookies.items()])
                context.add_init_script(WATCH)
                page = context.new_page()
                times = []
                for _ in range(runs):
                    page.goto(base_url + path)
                    page.wait_for_function("window.__firstChartMs !== undefined", timeout=15000)
                    times.append(page.evaluate("window.__firstChartMs"))
                context.close()
                out.append(
                    {
                        "path": path,
                        "first_visit_ms": round(times[0]),
                        "median_ms": round(statistics.median(times[1:])),
                        "max_ms": round(max(times)),
                    }
                )
        finally:
            browser.close()
    return out
