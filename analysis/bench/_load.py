"""`make load`: many real browsers at once against a freshly started server, client and server costs apart.

    python -m analysis.bench._load [--db PATH] [--processes N] [--sessions 1,10,20] [--region 620000] [--spread S]
                                   [--clients chromium|protocol]

For each number of concurrent sessions, a separate process group of headless Chromium (one browser, one
context per session: its own cookies, hence its own Streamlit session and, behind nginx, its own sticky
process) opens the risk map and waits until the map is drawn, then a county drill-down until its bars are
drawn. It prints the median and 95th-percentile times, the server's CPU seconds per page load (user +
system of the app processes and nginx, read from /proc) and the client side's (Chromium, playwright), so that
what the server costs is told apart from what the browsers sharing the machine cost. The sessions start
together, or evenly over `--spread` seconds (colleagues arriving over a minute rather than at one instant).
With `--clients protocol` no browser runs: each session speaks Streamlit's websocket protocol (the page's HTML,
then the script run a browser asks for) and is timed until the server has finished the page's script, a chart
sent — the server's side of twenty colleagues whose browsers draw on their own machines, which two shared
cores cannot show with twenty software-rendered maps beside the server.
Nothing here is asserted; it prints measurements.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from analysis.config import resolve_db_path
from analysis.deploy import cluster, cpu_seconds, rss_mb

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
WAIT_MS = 300_000
MAP_DRAWN = """() => {
    const gd = document.querySelector('.js-plotly-plot');
    return Boolean(gd && gd._fullLayout && gd._fullLayout.geo && gd.querySelector('path.choroplethlocation'));
}"""
BARS = ".js-plotly-plot .main-svg .barlayer .bars path"


async def one_session(browser, url: str, region: str, county: str, delay: float = 0.0) -> dict:
    """Seconds until the risk map is drawn, then until the county drill-down shows its bars (timed from the
    session's own start, `delay` seconds after the first)."""
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await context.new_page()
    try:
        start = time.perf_counter()
        await page.goto(f"{url}/map?lang=zh&region={region}", timeout=WAIT_MS)
        await page.wait_for_function(MAP_DRAWN, timeout=WAIT_MS)
        mapped = time.perf_counter()
        await page.goto(f"{url}/explore?lang=zh&region={county}", timeout=WAIT_MS)
        await page.wait_for_selector(BARS, timeout=WAIT_MS)
        return {"map": mapped - start, "drilldown": time.perf_counter() - mapped, "error": None}
    except Exception as error:  # a session that fails is counted, not fatal: that is what we measure
        return {"map": None, "drilldown": None, "error": f"{type(error).__name__}: {str(error)[:200]}"}
    finally:
        await context.close()


async def sessions(url: str, n: int, region: str, county: str, spread: float) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return await asyncio.gather(*(one_session(browser, url, region, county, spread * i / n)
                                          for i in range(n)))
        finally:
            await browser.close()


# Where each kind of client runs: the protocol client speaks Streamlit's protobufs, so it lives in pages/
# (analysis/ never imports streamlit) and is started by module name.
CLIENTS = {"chromium": "analysis.bench._load", "protocol": "pages._load_protocol"}


def client_main(url: str, n: int, region: str, county: str, spread: float) -> None:
    """The browsers' side, run in its own process group: prints one JSON line of session results."""
    print(json.dumps(asyncio.run(sessions(url, n, region, county, spread))))


def run_clients(url: str, n: int, region: str, county: str, spread: float,
                clients: str = "chromium") -> tuple[list[dict], float]:
    """The sessions' results and the CPU seconds of the client side (this bench's Python, playwright's driver
    and every Chromium process: all are waited for, so the kernel adds them to this process's children)."""
    before = _children_cpu()
    process = subprocess.run(
        [sys.executable, "-m", CLIENTS[clients], "--client", url, "--sessions", str(n),
         "--region", region, "--county", county, "--spread", str(spread)],
        capture_output=True, text=True, start_new_session=True, check=True)
    return json.loads(process.stdout.strip().splitlines()[-1]), _children_cpu() - before


def machine_busy() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine since boot, from /proc/stat: what the clients cost beyond the
    server, counting Chromium's renderers too (the kernel re-parents them, so `_children_cpu` misses some)."""
    fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields) - idle) / ticks, sum(fields) / ticks


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summarise(n: int, results: list[dict], server_cpu: float, client_cpu: float, wall: float,
              machine: tuple[float, float] = (0.0, 0.0)) -> str:
    errors = [r["error"] for r in results if r["error"]]
    parts = [f"{n:>3} sessions"]
    for step in ("map", "drilldown"):
        times = [r[step] for r in results if r[step] is not None]
        if times:
            parts.append(f"{step} median {statistics.median(times):6.1f} s  p95 {percentile(times, 0.95):6.1f} s")
    loads = 2 * (len(results) - len(errors))
    per_load = server_cpu / loads if loads else float("nan")
    parts.append(f"server CPU {server_cpu:6.1f} s = {per_load:.2f} s/page load  "
                 f"clients CPU {client_cpu:6.1f} s = {client_cpu / max(1, loads):.2f} s/page load  "
                 f"wall {wall:5.1f} s  errors {len(errors)}  machine busy {machine[0]:.0f} of {machine[1]:.0f} core-s")
    return " | ".join(parts) + ("".join(f"\n      {e}" for e in errors[:3]))


def busiest_county(db: Path, region: str) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT county_code FROM households WHERE starts_with(county_code, $p) "
                           "GROUP BY ALL ORDER BY count(*) DESC, county_code LIMIT 1",
                           {"p": "" if region == "000000" else region[:2]}).fetchone()[0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m analysis.bench._load", description="Income Watch load test")
    parser.add_argument("--db", default=None)
    parser.add_argument("--processes", type=int, default=1, help="app processes (more than one: nginx in front)")
    parser.add_argument("--sessions", default="1,10,20", help="concurrent sessions, comma-separated")
    parser.add_argument("--region", default="620000")
    parser.add_argument("--county", default=None)
    parser.add_argument("--spread", type=float, default=0.0,
                        help="seconds over which the sessions arrive, evenly (default 0: all at once)")
    parser.add_argument("--clients", choices=sorted(CLIENTS), default="chromium",
                        help="chromium: real browsers (default); protocol: Streamlit's websocket protocol without "
                             "rendering, the server's side alone (as colleagues' browsers on their own machines)")
    parser.add_argument("--client", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.client:
        client_main(args.client, int(args.sessions), args.region, args.county, args.spread)
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a killed run still stops its servers
    db = resolve_db_path(args.db)
    county = args.county or busiest_county(db, args.region)
    print(f"load test: {db.name}, {args.processes} app process(es), region {args.region}, county {county}, "
          f"sessions arriving over {args.spread:g} s, clients: {args.clients}", flush=True)
    with tempfile.TemporaryDirectory(prefix="incomewatch-load-") as workdir, \
            cluster(db, Path(workdir), processes=args.processes) as running:
        for n in (int(x) for x in args.sessions.split(",")):
            before, start, busy = cpu_seconds(running.server_pids), time.perf_counter(), machine_busy()
            results, client_cpu = run_clients(running.url, n, args.region, county, args.spread, args.clients)
            wall, machine = time.perf_counter() - start, tuple(b - a for a, b in zip(busy, machine_busy(), strict=True))
            print(summarise(n, results, cpu_seconds(running.server_pids) - before, client_cpu, wall, machine),
                  flush=True)
            print(f"      server memory (RSS, all app processes): {rss_mb([a.pid for a in running.apps]):.0f} MB",
                  flush=True)


if __name__ == "__main__":
    main()
