"""Several app processes behind a real nginx: a visitor stays on one process, new visitors spread out.

Two small HTTP servers that answer with their own port stand in for app processes (the config under test is
nginx's, not Streamlit's); nginx is Debian's, installed by `make test`. Skipped outside CI when it is missing.
"""
from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from analysis.deploy import (
    PROCESS_MEMORY,
    STICKY_COOKIE,
    app_environment,
    cpu_seconds,
    free_port,
    nginx_config,
    rss_mb,
    start_nginx,
    stop,
)
from analysis.store.connection import MEMORY_ENV


class _PortEcho(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = str(self.server.server_address[1]).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def proxy(tmp_path):
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        if os.environ.get("CI"):
            pytest.fail("nginx is missing (apt-get install nginx-light)")
        pytest.skip("nginx is missing")
    backends = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PortEcho) for _ in range(2)]
    for backend in backends:
        threading.Thread(target=backend.serve_forever, daemon=True).start()
    ports = [b.server_address[1] for b in backends]
    port = free_port()
    conf = tmp_path / "nginx.conf"
    # nginx's workers run as an unprivileged user: the bundles' folder is readable by all, as the venv's is
    static = Path(tempfile.mkdtemp(prefix="incomewatch-static-"))
    static.chmod(0o755)
    bundle = static / "static" / "js" / "main.1234.js"
    bundle.parent.mkdir(parents=True)
    bundle.write_text("console.log('bundle')")
    bundle.chmod(0o644)
    conf.write_text(nginx_config(ports, port, tmp_path, static_dir=static))
    process = start_nginx(conf, tmp_path)
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1).read()
                break
            except OSError:
                process.poll()
                assert process.returncode is None, "nginx exited"
                threading.Event().wait(0.1)
        yield url, ports, process
    finally:
        stop(process)
        for backend in backends:
            backend.shutdown()
        shutil.rmtree(static)


def _get(url: str, cookie: str | None = None) -> tuple[int, str | None]:
    request = urllib.request.Request(url, headers={"Cookie": f"{STICKY_COOKIE}={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=5) as response:
        set_cookie = response.headers.get("Set-Cookie") or ""
        key = set_cookie.split(f"{STICKY_COOKIE}=", 1)[1].split(";", 1)[0] if STICKY_COOKIE in set_cookie else None
        return int(response.read()), key


def test_a_visitor_stays_on_the_process_that_first_served_it(proxy):
    url, ports, _ = proxy
    first, key = _get(url)
    assert first in ports and key
    assert {_get(url, key)[0] for _ in range(20)} == {first}


def test_new_visitors_are_spread_over_every_process(proxy):
    url, ports, _ = proxy
    served = Counter(_get(url)[0] for _ in range(60))
    assert set(served) == set(ports)
    assert min(served.values()) >= 10  # consistent hashing of random keys: far from all on one process


def test_server_cpu_is_read_for_running_processes(proxy):
    _, _, process = proxy
    assert cpu_seconds([process.pid]) >= 0
    assert cpu_seconds([2**22 + 12345]) == 0  # a process that does not exist counts nothing


def test_streamlit_bundles_come_from_nginx_not_from_a_process(proxy):
    """A new browser fetches ≈120 bundles: nginx answers them from the folder, cached for a year."""
    url, _, _ = proxy
    with urllib.request.urlopen(f"{url}static/js/main.1234.js", timeout=5) as response:
        assert response.read() == b"console.log('bundle')"
        assert "immutable" in response.headers["Cache-Control"]
        assert response.headers["Content-Type"] == "application/javascript"  # else browsers refuse the module
    with pytest.raises(urllib.error.HTTPError) as missing:  # not passed on to an app process
        urllib.request.urlopen(f"{url}static/js/other.js", timeout=5)
    assert missing.value.code == 404


def test_app_processes_cap_duckdb_memory_unless_told(monkeypatch, tmp_path):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    assert app_environment(tmp_path / "x.duckdb")[MEMORY_ENV] == PROCESS_MEMORY
    monkeypatch.setenv(MEMORY_ENV, "6GB")
    assert app_environment(tmp_path / "x.duckdb")[MEMORY_ENV] == "6GB"


def test_server_memory_counts_the_processes_started_by_the_server():
    """A process whose child holds 150 MB: the child's memory is counted with its parent's."""
    child = "b = bytearray(150 * 2**20); print('ready', flush=True); input()"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    process = subprocess.Popen([sys.executable, "-c", parent], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout.readline().strip() == "ready"
        assert rss_mb([process.pid]) >= 150
    finally:
        process.communicate("\n", timeout=20)
    assert rss_mb([2**22 + 12345]) == 0  # a process that does not exist counts nothing
