"""First paint of every chart page in a cold browser, against `kam serve` on 127.0.0.1.

Loads the demo company, starts the real server (gunicorn + whitenoise with hashed, compressed
static files, as in production) on a free loopback port and opens each chart page as the
director in a fresh browser context (Playwright with Debian's Chromium: empty HTTP cache, so
the charting bundle is fetched, parsed and run as on a first visit). Prints per page

    BENCH chart_first_paint page=… seconds=… warm_seconds=…

where seconds is the median, over a few cold runs, of the time from navigation start until
every chart on the page has drawn its SVG; html_seconds when the page's HTML had arrived (the
server's share); warm_seconds the same page again in the same context (bundle from the
browser cache); full_seconds a cold visit with the full 4.8 MB plotly bundle of the plotly
package put in place of the partial one (the state before), measured in the same run so the
machine's load is the same for both; cpu_seconds and full_cpu_seconds the CPU time of the
page's main thread on a cold visit (parsing, compiling and running the bundle, drawing), which
the machine's load does not inflate; load the 1-minute load average (the machine is shared:
compare numbers of one run). Also prints the bundle the pages load:

    BENCH chart_bundle file=… bytes=… gzip_bytes=…

Goal: every page under 1.5 s cold. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import gzip
import os
import re
import statistics
import urllib.request
from pathlib import Path
from typing import Any

from bench import workspace
from bench.server import served

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
RUNS = int(os.environ.get("KAM_BENCH_CHART_RUNS", "3"))
# Resolves once every chart container on the page holds a drawn plotly SVG.
ALL_DRAWN = """() => {
  const plots = Array.from(document.querySelectorAll('div.plot[id^="chart-"]'));
  return plots.length > 0 && plots.every((p) => p.querySelector('svg.main-svg'));
}"""


def _pages() -> dict[str, str]:
    from kam.accounts.models import User
    from kam.calls.models import Call
    from kam.clients.models import Client
    from kam.relations.models import BankEntry

    caller = Call.objects.values_list("manager_id", flat=True).order_by("manager_id").first()
    manager = User.objects.get(pk=caller) if caller else User.objects.get(username="manager1")
    banked = BankEntry.objects.values_list("client_id", flat=True).first()
    pages = {
        "portfolio": "/portfolio/",
        "relations": "/relationships/",
        "nps": "/surveys/results/",
        "calls": f"/calls/managers/{manager.pk}/",
        "seller_time": "/icp/time/",
    }
    if banked is not None and Client.objects.filter(pk=banked).exists():
        pages["bank"] = f"/relationships/{banked}/bank/"
    return pages


def run() -> None:
    from django.core.management import call_command
    from django.db import connection

    from kam.demo import load_demo

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    load_demo(clients=300, seed=2026)
    pages = _pages()
    connection.close()
    with workspace() as folder:
        try:
            with served(folder, manifest=True, up_timeout=600) as base:
                _measure(base, pages)
        except Exception:
            print("--- serve.log (last lines)")
            print("\n".join((folder / "serve.log").read_text().splitlines()[-30:]))
            raise


def _login(browser: Any, base: str) -> Any:
    context = browser.new_context(locale="ru-RU", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "director")
    page.fill("input[name=password]", "kam-demo")
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    state = context.storage_state()
    context.close()
    return state


def _thread_time(cdp: Any) -> float:
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return float(next(m["value"] for m in metrics if m["name"] == "ThreadTime"))


def _first_paint(page: Any, url: str) -> tuple[float, float, float] | None:
    """Seconds from navigation start until every chart has drawn, until the HTML had
    arrived, and the CPU time the page's main thread spent meanwhile (parse, compile, run,
    lay out: what does not grow with the machine's load); None on a page without charts."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    start = _thread_time(cdp)
    page.goto(url, wait_until="domcontentloaded")
    if page.locator('div.plot[id^="chart-"]').count() == 0:
        return None
    page.wait_for_function(ALL_DRAWN, timeout=60_000, polling="raf")
    cpu = _thread_time(cdp) - start
    drawn = float(page.evaluate("() => performance.now()")) / 1000
    html = page.evaluate("() => performance.getEntriesByType('navigation')[0].responseEnd")
    cdp.detach()
    return drawn, float(html) / 1000, cpu


def _with_full_bundle(context: Any) -> None:
    """Answer the partial bundle's URL with the plotly package's full bundle (the before)."""
    from kam.core.staticfinders import FULL, full_root

    body = (full_root() / FULL).read_bytes()
    context.route(
        re.compile(r".*/vendor/plotly/plotly-basic\.min\.[0-9a-f]+\.js$"),
        lambda route: route.fulfill(
            status=200, body=body, headers={"Content-Type": "text/javascript"}
        ),
    )


def _measure(base: str, pages: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        state = _login(browser, base)
        bundle = ""
        for name, path in pages.items():
            cold: list[float] = []
            html: list[float] = []
            warm: list[float] = []
            full: list[float] = []
            cpu: list[float] = []
            full_cpu: list[float] = []
            for _ in range(RUNS):
                context = browser.new_context(
                    locale="ru-RU", viewport={"width": 1440, "height": 900}, storage_state=state
                )
                page = context.new_page()
                first = _first_paint(page, base + path)
                bundle = bundle or _bundle_src(page.content())
                second = _first_paint(page, base + path)
                context.close()
                if first is None or second is None:
                    break
                cold.append(first[0])
                html.append(first[1])
                cpu.append(first[2])
                warm.append(second[0])
                context = browser.new_context(
                    locale="ru-RU", viewport={"width": 1440, "height": 900}, storage_state=state
                )
                _with_full_bundle(context)
                before = _first_paint(context.new_page(), base + path)
                context.close()
                full.append(before[0] if before else 0.0)
                full_cpu.append(before[2] if before else 0.0)
            if not cold:
                print(f"BENCH chart_first_paint page={name} charts=0", flush=True)
                continue
            print(
                f"BENCH chart_first_paint page={name} seconds={statistics.median(cold):.3f} "
                f"html_seconds={statistics.median(html):.3f} "
                f"warm_seconds={statistics.median(warm):.3f} "
                f"full_seconds={statistics.median(full):.3f} "
                f"cpu_seconds={statistics.median(cpu):.3f} "
                f"full_cpu_seconds={statistics.median(full_cpu):.3f} runs={RUNS} "
                f"load={os.getloadavg()[0]:.1f}",
                flush=True,
            )
        browser.close()
    if bundle:
        with urllib.request.urlopen(base + bundle, timeout=30) as response:  # noqa: S310
            body = response.read()
            cache = response.headers.get("Cache-Control", "")
        print(
            f"BENCH chart_bundle file={Path(bundle).name} bytes={len(body)} "
            f"gzip_bytes={len(gzip.compress(body, 9))} cache_control={cache.replace(' ', '')}"
        )


def _bundle_src(html: str) -> str:
    found = re.search(r'src="([^"]*/vendor/plotly/[^"]+\.js)"', html)
    return found.group(1) if found else ""
