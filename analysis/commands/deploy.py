"""`serve`: several app processes behind nginx with sticky sessions (see analysis.deploy)."""
from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from pathlib import Path


def register(sub, common) -> None:
    parser = sub.add_parser("serve", parents=[common],
                            help="serve the dashboard from several processes behind nginx (sticky sessions)")
    parser.add_argument("--processes", type=int, default=2, help="app processes (default 2; 1 = no nginx)")
    parser.add_argument("--port", type=int, default=8501, help="the port visitors use (default 8501)")
    parser.add_argument("--address", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; 0.0.0.0 to serve the network)")
    parser.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from analysis.deploy import cluster  # lazy: urllib and subprocess plumbing only `serve` needs

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopping the command stops its servers
    with tempfile.TemporaryDirectory(prefix="incomewatch-serve-") as workdir, \
            cluster(Path(args.db), Path(workdir), args.processes, args.port, args.address) as running:
        print(f"serving {args.db} at {running.url} from {args.processes} process(es); Ctrl-C stops", flush=True)
        try:
            while all(app.poll() is None for app in running.apps):
                time.sleep(2)
        except KeyboardInterrupt:
            return 0
    print("an app process exited; stopped", flush=True)
    return 1
