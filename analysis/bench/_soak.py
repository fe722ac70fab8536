"""`make soak`: does an app process's memory stay bounded over a long run of visits?

    python -m analysis.bench._soak [--minutes 60] [--db PATH] [--sessions 3] [--interval 12] [--visits 4]
                                   [--trace]

The app server runs without Streamlit's full collection after every script run (runner.postScriptGC off) and
freezes its start-up objects (pages._server): this bench watches its memory over a long, slow run. A fresh server
(pages._soak_server: pages._server with a probe) is started on a copy of the database; a browser process keeps
`--sessions` visitors, each a browser context that opens a page by its address (zh or en, a region) and then
follows the menu to `--visits` - 1 more pages, and is then closed for a new one (a new Streamlit session), as
colleagues come and go. Every page is visited in both languages for China, Gansu and its busiest county, in a
fixed order of plans (one cycle), again and again; one visit starts every `--interval` seconds in all (a slow
page delays the next). Once a minute it prints the server's resident memory (all its processes, /proc), the
sessions the server holds (active / kept), browser contexts opened, visits done, errors (failed visits, and
error ids in the server log), the server's CPU seconds and the load average. At the end: start, peak and end
memory, the slope over the last half (MB per hour), and the object types that grew between the first full cycle
and the end (gc.get_objects by type in the server; with --trace, tracemalloc's biggest live allocations since
then, which costs memory and CPU itself). Nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from analysis.bench._firstview import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGE_TIMEOUT_MS,
    address,
    app_pages,
    demo_world,
    settle,
)
from analysis.bench._load import busiest_county
from analysis.deploy import cpu_seconds, free_port, rss_mb, start_app, stop, wait_healthy

LANGS = ("zh", "en")
PROBE_WAIT = 5.0  # seconds for the server to answer a probe signal (its main thread serves between runs)


def plans(pages: list[str], regions: list[str], visits: int) -> list[tuple[str, str, list[str]]]:
    """One cycle: (language, region, pages) per browser context, every page in both languages for every region."""
    return [(lang, region, pages[i:i + visits]) for region in regions for lang in LANGS
            for i in range(0, len(pages), visits)]


# ---------------------------------------------------------------------------------------------- browser side
def client_main(url: str, sessions: int, interval: float, visits: int, regions: list[str]) -> None:
    """Visits for ever (the bench stops this process group); one JSON line per visit and per context opened."""
    from playwright.sync_api import sync_playwright

    paths = [path for _, path in app_pages()]
    cycle = plans(paths, regions, visits)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        visitors: list[dict] = [{} for _ in range(sessions)]
        turn = opened = 0
        while True:
            started = time.monotonic()
            visitor = visitors[turn % sessions]
            turn += 1
            if not visitor.get("todo"):
                if visitor.get("context"):
                    visitor["context"].close()
                lang, region, todo = cycle[opened % len(cycle)]  # plans in order, cycle after cycle
                opened += 1
                context = browser.new_context(viewport={"width": 1366, "height": 900})
                visitor.update(context=context, page=context.new_page(), lang=lang, region=region, todo=list(todo),
                               first=True)
                print(json.dumps({"context": 1}), flush=True)
            print(json.dumps(visit(url, visitor, paths)), flush=True)
            time.sleep(max(0.0, interval - (time.monotonic() - started)))


def visit(url: str, visitor: dict, paths: list[str]) -> dict:
    """The visitor's next page: by address for a new context, by the menu's link after that."""
    path, page = visitor["todo"].pop(0), visitor["page"]
    started = time.monotonic()
    try:
        if visitor.pop("first", False):
            page.goto(f"{url}/{address(path)}?lang={visitor['lang']}&region={visitor['region']}", timeout=PAGE_TIMEOUT_MS)
        else:
            page.locator('[data-testid="stSidebarNav"] a').nth(paths.index(path)).click(timeout=PAGE_TIMEOUT_MS)
            page.wait_for_url(f"**/{address(path)}?*", timeout=PAGE_TIMEOUT_MS)
        settle(page)
        error = None
    except Exception as failure:  # a failed visit is counted, not fatal: that is what we watch
        error = f"{type(failure).__name__}: {str(failure)[:160]}"
        visitor["todo"] = []  # a new context next time
    return {"path": path, "lang": visitor["lang"], "region": visitor["region"],
            "seconds": round(time.monotonic() - started, 1), "error": error}


# ---------------------------------------------------------------------------------------------- bench side
@dataclass
class Tally:
    contexts: int = 0
    visits: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def read(self, stream) -> None:
        for line in stream:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            with self.lock:
                self.contexts += event.get("context", 0)
                if "path" in event:
                    self.visits += 1
                    if event["error"]:
                        self.errors.append(f"{event['path']} {event['lang']} {event['region']}: {event['error']}")


def probe(server: subprocess.Popen, probe_file: Path, full: bool = False) -> dict:
    """Ask the server's probe for a report (SIGUSR2: with object counts) and wait for its line."""
    lines = len(probe_file.read_text().splitlines()) if probe_file.exists() else 0
    os.kill(server.pid, signal.SIGUSR2 if full else signal.SIGUSR1)
    deadline = time.monotonic() + (60 if full else PROBE_WAIT)
    while time.monotonic() < deadline:
        if probe_file.exists():
            found = probe_file.read_text().splitlines()
            if len(found) > lines:
                return json.loads(found[-1])
        time.sleep(0.2)
    return {}


def log_errors(log: Path) -> int:
    return log.read_text(errors="replace").count("error id ") if log.exists() else 0


def slope_mb_per_hour(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) samples, in MB per hour."""
    n = len(samples)
    if n < 2:
        return float("nan")
    mean_t = sum(t for t, _ in samples) / n
    mean_m = sum(m for _, m in samples) / n
    spread = sum((t - mean_t) ** 2 for t, _ in samples)
    return 3600 * sum((t - mean_t) * (m - mean_m) for t, m in samples) / spread if spread else float("nan")


def grown_types(before: dict, after: dict, top: int = 15) -> list[tuple[str, int, int]]:
    """(type, count before, count after) of the object types that grew most between two full probes."""
    old, new = before.get("types", {}), after.get("types", {})
    growth = sorted(((name, old.get(name, 0), count) for name, count in new.items()),
                    key=lambda row: row[1] - row[2])
    return [row for row in growth[:top] if row[2] > row[1]]


def minute_line(elapsed: float, mb: float, report: dict, tally: Tally, server_errors: int, cpu: float) -> str:
    sessions = report.get("sessions", {})
    with tally.lock:
        contexts, visits, failed = tally.contexts, tally.visits, len(tally.errors)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{elapsed / 60:5.1f} min  RSS {mb:7.1f} MB  sessions {sessions.get('active', '?')}/"
            f"{sessions.get('kept', '?')} (active/kept)  contexts {contexts:4d}  visits {visits:5d}  "
            f"errors {failed}+{server_errors}  server CPU {cpu:7.1f} s  gc2 {report.get('gc_collections', ['?'] * 3)[2]}"
            f"  load {load}")


def soak(db: Path, minutes: float, sessions: int, interval: float, visits: int, trace: bool) -> None:
    regions = ["000000", "620000", busiest_county(db, "620000")]
    cycle_visits = len(app_pages()) * len(LANGS) * len(regions)
    with tempfile.TemporaryDirectory(prefix="incomewatch-soak-") as work:
        workdir = Path(work)
        copy = workdir / db.name  # the app process holds its file: never the caller's
        shutil.copyfile(db, copy)
        probe_file, log, port = workdir / "probe.jsonl", workdir / "app.log", free_port()
        env = {"INCOMEWATCH_PRECOMPUTE": "off", "INCOMEWATCH_SOAK_PROBE": str(probe_file),
               **({"INCOMEWATCH_SOAK_TRACEMALLOC": "1"} if trace else {})}
        server = start_app(copy, port, log, env=env, args=("--server.runOnSave", "false"),
                           entry="pages._soak_server")
        url, client = f"http://127.0.0.1:{port}", None
        try:
            wait_healthy(url, server)
            print(f"soak: {db.name}, {minutes:g} min, {sessions} sessions, a visit every {interval:g} s, "
                  f"{visits} visits per context, regions {','.join(regions)}; one cycle = {cycle_visits} visits "
                  f"(≈{cycle_visits * interval / 60:.0f} min)", flush=True)
            client = subprocess.Popen(
                [sys.executable, "-m", "analysis.bench._soak", "--client", url, "--sessions", str(sessions),
                 "--interval", str(interval), "--visits", str(visits), "--regions", ",".join(regions)],
                stdout=subprocess.PIPE, text=True, start_new_session=True)
            tally = Tally()
            threading.Thread(target=tally.read, args=(client.stdout,), daemon=True).start()
            watch(server, client, probe_file, log, tally, minutes, cycle_visits)
        finally:
            if client is not None:
                stop(client)
            stop(server)


def watch(server, client, probe_file: Path, log: Path, tally: Tally, minutes: float, cycle_visits: int) -> None:
    started, cpu0 = time.monotonic(), cpu_seconds([server.pid])
    samples: list[tuple[float, float]] = []
    first_full = None
    while (elapsed := time.monotonic() - started) < minutes * 60:
        if server.poll() is not None or client.poll() is not None:
            print(f"stopped early: server {server.poll()}, browsers {client.poll()}", flush=True)
            break
        mb = rss_mb([server.pid])
        samples.append((elapsed, mb))
        report = probe(server, probe_file)
        print(minute_line(elapsed, mb, report, tally, log_errors(log), cpu_seconds([server.pid]) - cpu0),
              flush=True)
        if first_full is None and tally.visits >= cycle_visits:  # caches hold one of everything by now
            first_full = probe(server, probe_file, full=True)
            first_full["rss_mb"] = rss_mb([server.pid])
            print(f"      after the first cycle: RSS {first_full['rss_mb']:.1f} MB, "
                  f"{first_full.get('objects')} objects outside the "
                  f"frozen start-up ({first_full.get('probe_cpu_s', 0):.2f} CPU-s)", flush=True)
        time.sleep(max(0.0, 60 - (time.monotonic() - started - elapsed)))
    if server.poll() is None:
        samples.append((time.monotonic() - started, rss_mb([server.pid])))
    last = probe(server, probe_file, full=True) if server.poll() is None else {}
    summary(samples, tally, log, first_full, last, cpu_seconds([server.pid]) - cpu0)


def summary(samples, tally: Tally, log: Path, first_full: dict | None, last: dict, cpu: float) -> None:
    if not samples:
        return
    peak = max(samples, key=lambda s: s[1])
    half = [s for s in samples if s[0] >= samples[-1][0] / 2]
    cycled = f", after the first cycle {first_full['rss_mb']:.1f} MB" if first_full else ""
    print(f"\nRSS start {samples[0][1]:.1f} MB, peak {peak[1]:.1f} MB (at {peak[0] / 60:.0f} min), end "
          f"{samples[-1][1]:.1f} MB{cycled}; slope over the last half {slope_mb_per_hour(half):+.1f} MB/h "
          f"({len(half)} samples); visits {tally.visits}, contexts {tally.contexts}, server CPU {cpu:.1f} s "
          f"({cpu / max(tally.visits, 1):.2f} s/visit), load {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"errors: {len(tally.errors)} failed visits, {log_errors(log)} error ids in the server log")
    for error in tally.errors[:5]:
        print(f"      {error}")
    if first_full and last:
        print(f"objects outside the frozen start-up: {first_full.get('objects')} after the first cycle, "
              f"{last.get('objects')} at the end; types that grew most:")
        for name, before, after in grown_types(first_full, last):
            print(f"      {name:<32} {before:>8} -> {after:>8}")
    for row in (last.get("tracemalloc") or [])[:10] if isinstance(last.get("tracemalloc"), list) else []:
        print(f"      {row['mb']:7.2f} MB {row['blocks']:>7} blocks  " + " <- ".join(row["where"][-3:]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m analysis.bench._soak", description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--db", type=Path, default=None, help="database (default: the bench demo)")
    parser.add_argument("--sessions", type=int, default=3, help="browser sessions open at once")
    parser.add_argument("--interval", type=float, default=12, help="seconds between visits, all sessions together")
    parser.add_argument("--visits", type=int, default=4, help="visits per browser context before a new one")
    parser.add_argument("--trace", action="store_true", help="tracemalloc in the server from the first cycle on")
    parser.add_argument("--client", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--regions", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.client:
        client_main(args.client, args.sessions, args.interval, args.visits, args.regions.split(","))
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a killed run still stops its server and browsers
    soak(args.db or demo_world(), args.minutes, args.sessions, args.interval, args.visits, args.trace)


if __name__ == "__main__":
    main()
