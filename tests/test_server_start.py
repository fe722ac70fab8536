"""The app server's start-up (pages._server): what it sets up so that page loads cost the server little CPU."""
from __future__ import annotations

import json
import subprocess
import sys

from analysis.deploy import PROJECT_ROOT

# Runs in a fresh interpreter in the project directory, as `make run` does: the project's .streamlit/config.toml
# and the warm-up as the server does them before it listens.
PROBE = """
import gc, json
from streamlit import config
from pages._server import _warm_up
_warm_up()
print(json.dumps({"post_script_gc": config.get_option("runner.postScriptGC"), "frozen": gc.get_freeze_count()}))
"""


def test_server_skips_full_collection_after_each_run_and_freezes_start_up_objects() -> None:
    # Streamlit's default gc.collect(2) after every script run was 18% of a warm server's CPU (py-spy, issue 17).
    probe = subprocess.run([sys.executable, "-c", PROBE], cwd=PROJECT_ROOT, capture_output=True, text=True,
                           check=True, timeout=300)
    found = json.loads(probe.stdout.strip().splitlines()[-1])
    assert found["post_script_gc"] is False
    assert found["frozen"] > 100_000  # imports, outlines: everything start-up built
