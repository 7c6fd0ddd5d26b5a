"""A small HTTP client for the benchmark, standard library only: log in once, then load pages
from a few threads against 127.0.0.1 and count what comes back."""

import http.client
import re
import statistics
import threading
import time
import urllib.parse

USER_AGENT = "beibei-bench/1"


def _request(host, port, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def _cookies(headers):
    out = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            out[key] = rest.split(";", 1)[0]
    return out


def login(host, port, username, password):
    """Log in through the login form (with its CSRF token); returns the Cookie header value."""
    status, headers, body = _request(host, port, "GET", "/accounts/login/")
    assert status == 200, f"login page answered {status}"
    cookies = _cookies(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    status, headers, _ = _request(
        host, port, "POST", "/accounts/login/", body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        },
    )  # fmt: skip
    cookies.update(_cookies(headers))
    assert status == 302 and "sessionid" in cookies, f"login failed ({status})"
    return cookies


def cookie_header(cookies):
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def get(host, port, path, cookies):
    """One GET; returns (status, seconds, bytes)."""
    started = time.perf_counter()
    status, _, body = _request(host, port, "GET", path, headers={"Cookie": cookie_header(cookies)})
    return status, time.perf_counter() - started, len(body)


def throughput(host, port, path, cookies, threads=4, seconds=6.0, warmup=3):
    """Requests per second of `path` from `threads` threads for `seconds`; every answer must be 200."""
    for _ in range(warmup):
        status, _, _ = get(host, port, path, cookies)
        assert status == 200, f"{path} answered {status}"
    deadline = time.perf_counter() + seconds
    done, errors, latencies, lock = [0], [], [], threading.Lock()

    def worker():
        while time.perf_counter() < deadline:
            status, elapsed, _ = get(host, port, path, cookies)
            with lock:
                if status == 200:
                    done[0] += 1
                    latencies.append(elapsed)
                else:
                    errors.append(status)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    assert not errors, f"{path}: {len(errors)} answers other than 200 ({sorted(set(errors))})"
    return {
        "path": path,
        "requests": done[0],
        "seconds": round(elapsed, 2),
        "rps": round(done[0] / elapsed, 1),
        "median_ms": round(statistics.median(latencies) * 1000, 1),
    }


def latency(host, port, path, cookies, count=25):
    """Median and worst latency of `count` sequential GETs, and the first one's on its own."""
    times = []
    for _ in range(count + 1):
        status, elapsed, size = get(host, port, path, cookies)
        assert status == 200, f"{path} answered {status}"
        times.append(elapsed)
    first, rest = times[0], times[1:]
    return {
        "path": path,
        "first_ms": round(first * 1000, 1),
        "median_ms": round(statistics.median(rest) * 1000, 1),
        "max_ms": round(max(rest) * 1000, 1),
        "bytes": size,
    }


def after_change(host, port, path, cookies, count=15, change="/bench/changed"):
    """Median and worst latency of `path` when each request is the first after a count's
    correction (`change` corrects a count first)."""
    times = []
    for _ in range(count):
        status, _, _ = get(host, port, change, cookies)
        assert status == 200, f"{change} answered {status}"
        status, elapsed, _ = get(host, port, path, cookies)
        assert status == 200, f"{path} answered {status}"
        times.append(elapsed)
    return {
        "path": path,
        "median_ms": round(statistics.median(times) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
    }
