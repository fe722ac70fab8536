"""Several app processes behind nginx with sticky sessions: how a province's staff share one server.

Streamlit keeps each visitor's session (widgets, caches of the run, uploads) in the process that served its
websocket, so every request of a browser must reach the same process. Open-source nginx has no `sticky`
directive; a cookie set on the first response carries a random key that `hash ... consistent` maps to one
process from then on. Each process opens the database read-only, so imports (copy-and-swap) reach all of them.
nginx serves Streamlit's own script bundles itself: a new browser fetches about 120 of them (9 MB), which cost
an app process 0.7 CPU-seconds per visitor, more than the page it then runs. Each process's DuckDB memory is
capped (PROCESS_MEMORY) so that several processes, imports and jobs fit on one machine.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from analysis.config import DB_ENV, PROJECT_ROOT

STICKY_COOKIE = "iw_backend"
HEALTH_TIMEOUT = 90.0  # seconds for a process to answer /_stcore/health (a failure, not a measurement)
PROCESS_MEMORY = "2GB"  # DuckDB's memory limit per app process unless INCOMEWATCH_DUCKDB_MEMORY says otherwise
YEAR_SECONDS = 365 * 24 * 3600
# The kinds of file in Streamlit's static/ folder (browsers refuse module scripts served as text/plain).
STATIC_TYPES = ("application/javascript js; text/css css; font/woff2 woff2; image/png png; image/gif gif; "
                "image/svg+xml svg; application/json json; application/wasm wasm; text/html html;")


def streamlit_static_dir() -> Path:
    """The folder whose static/ subfolder holds the bundles Streamlit serves at /static/ (found without importing
    streamlit: analysis/ never does)."""
    return Path(importlib.util.find_spec("streamlit").submodule_search_locations[0]) / "static"


def nginx_config(app_ports: list[int], listen_port: int, prefix: Path, address: str = "127.0.0.1",
                 static_dir: Path | None = None) -> str:
    """An nginx.conf that spreads new visitors over `app_ports` and keeps each on its process; with `static_dir`,
    nginx answers /static/ from it (content-hashed bundles: cached by browsers for a year, as Streamlit does)."""
    static = "" if static_dir is None else f"""
        location /static/ {{
            types {{ {STATIC_TYPES} }}
            root {static_dir};
            try_files $uri =404;
            add_header Cache-Control "public, immutable, max-age={YEAR_SECONDS}" always;
        }}"""
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=0;" for port in app_ports)
    return f"""worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    client_max_body_size 500m;
    # Workers run as an unprivileged user that cannot write the private work folder: never spool to disk.
    proxy_max_temp_file_size 0;
    proxy_request_buffering off;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    # A visitor without the cookie gets a fresh random key; with it, the same key, hence the same process.
    map $cookie_{STICKY_COOKIE} $sticky_key {{ '' $request_id; default $cookie_{STICKY_COOKIE}; }}
    upstream incomewatch {{
        hash $sticky_key consistent;
{servers}
    }}
    server {{
        listen {address}:{listen_port};{static}
        location / {{
            proxy_pass http://incomewatch;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 86400;
            add_header Set-Cookie "{STICKY_COOKIE}=$sticky_key; Path=/; HttpOnly; SameSite=Lax" always;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = HEALTH_TIMEOUT) -> None:
    """Block until `url` answers Streamlit's health check; raise if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before {url} was healthy")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not become healthy within {timeout:.0f} s")


def spawn(command: list[str], log: Path, **options) -> subprocess.Popen:
    """A server in its own process group (stopped whole by `stop`), its output in `log`."""
    with open(log, "w") as output:
        return subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
                                **options)


def app_environment(db: Path, env: dict | None = None) -> dict[str, str]:
    """An app process's environment: ours, the database, `env`; DuckDB's memory capped at PROCESS_MEMORY unless
    INCOMEWATCH_DUCKDB_MEMORY is set."""
    from analysis.store.connection import MEMORY_ENV  # here: `serve --help` loads no DuckDB

    return {MEMORY_ENV: PROCESS_MEMORY, **os.environ, DB_ENV: str(db), **(env or {})}


def start_app(db: Path, port: int, log: Path, address: str | None = "127.0.0.1", env: dict | None = None,
              args: Sequence[str] = (), entry: str = "pages._server") -> subprocess.Popen:
    """One `streamlit run app.py` on `port` (address None: the configured default), with extra env and args;
    `entry` is the module started (a bench may wrap pages._server)."""
    command = [sys.executable, "-m", entry, "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--browser.gatherUsageStats", "false",
               *(["--server.address", address] if address else []), *args]
    return spawn(command, log, cwd=PROJECT_ROOT, env=app_environment(db, env))


def start_nginx(conf: Path, prefix: Path) -> subprocess.Popen:
    return spawn([nginx_binary(), "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"], prefix / "nginx.out")


def stop(process: subprocess.Popen) -> None:
    """Stop a process group started by this module: TERM, then KILL after 20 s."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@dataclass(frozen=True)
class Cluster:
    """A running deployment: the address visitors use and the processes that serve it."""
    url: str
    apps: tuple[subprocess.Popen, ...]
    proxy: subprocess.Popen | None

    @property
    def server_pids(self) -> list[int]:
        return [p.pid for p in (*self.apps, *([self.proxy] if self.proxy else []))]


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        raise RuntimeError("nginx is missing: apt-get install nginx-light (Debian)")
    return found


@contextmanager
def cluster(db: Path, workdir: Path, processes: int = 1, port: int | None = None,
            address: str = "127.0.0.1") -> Iterator[Cluster]:
    """`processes` app processes; with more than one, nginx in front on `port` with sticky sessions."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    app_ports = [port] if processes == 1 else [free_port() for _ in range(processes)]
    app_address = address if processes == 1 else "127.0.0.1"
    apps = tuple(start_app(db, p, workdir / f"app-{p}.log", app_address) for p in app_ports)
    proxy = None
    try:
        for app, app_port in zip(apps, app_ports, strict=True):
            wait_healthy(f"http://127.0.0.1:{app_port}", app)
        if processes > 1:
            conf = workdir / "nginx.conf"
            conf.write_text(nginx_config(app_ports, port, workdir, address, streamlit_static_dir()))
            proxy = start_nginx(conf, workdir)
            wait_healthy(f"http://127.0.0.1:{port}", proxy)
        yield Cluster(url=f"http://127.0.0.1:{port}", apps=apps, proxy=proxy)
    finally:
        for process in (*([proxy] if proxy else []), *apps):
            stop(process)


def _children(pid: int) -> list[int]:
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:
        return []
    found = []
    for task in tasks:
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by these processes, their running descendants (nginx's workers) and
    their children that have ended."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, pending, seen = 0, list(pids), set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime, stime, cutime, cstime
        pending += _children(pid)
    return total / ticks


def rss_mb(pids: list[int]) -> float:
    """Resident memory (MB) of these processes and their running descendants, from /proc."""
    kib, pending, seen = 0, list(pids), set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        kib += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        pending += _children(pid)
    return kib / 1024
