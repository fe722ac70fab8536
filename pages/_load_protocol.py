"""`make load`'s protocol clients: sessions that speak Streamlit's websocket protocol without a browser.

    python -m pages._load_protocol --client URL --sessions N --region CODE --county CODE --spread S

Started by analysis/bench/_load.py (`--clients protocol`) in its own process group; prints one JSON line of
session results in the same shape as the browsers' side. It lives in pages/ because it imports Streamlit's
protobufs, which analysis/ never does.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import time
import urllib.request

WAIT_MS = 300_000


def _cookies(url: str) -> str:
    """The page's HTML, as a browser fetches it first; behind nginx its answer carries the sticky cookie."""
    with urllib.request.urlopen(url, timeout=WAIT_MS / 1000) as answer:
        answer.read()
        return "; ".join(value.split(";", 1)[0] for value in answer.headers.get_all("Set-Cookie") or [])


async def protocol_view(url: str, page: str, query: str, cookie: str) -> None:
    """One page view over Streamlit's own websocket protocol, as the browser's script asks for it: returns when
    the server has finished the page's script (after any rerun it starts itself). Raises when the page shows
    an exception or draws no plotly chart. Nothing is rendered: the server's side of a page view alone."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    ask = BackMsg()
    ask.rerun_script.query_string, ask.rerun_script.page_name = query, page
    charts = 0
    async with connect(url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                       additional_headers={"Cookie": cookie} if cookie else None, max_size=None,
                       open_timeout=WAIT_MS / 1000) as socket:
        await socket.send(ask.SerializeToString())
        async for raw in socket:
            message = ForwardMsg.FromString(raw)
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element.WhichOneof("type")
                if element == "exception":
                    raise RuntimeError(f"{page}: {message.delta.new_element.exception.message[:200]}")
                charts += element == "plotly_chart"
            elif kind == "page_not_found":
                raise RuntimeError(f"{page}: page not found")
            elif kind == "script_finished" and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                break
    if not charts:
        raise RuntimeError(f"{page}: no chart sent")


async def protocol_session(url: str, region: str, county: str, delay: float = 0.0) -> dict:
    """`one_session` without a browser: the map, then the drill-down, each as a fresh page load."""
    await asyncio.sleep(delay)
    try:
        times = {}
        for step, page, code in (("map", "map", region), ("drilldown", "explore", county)):
            start = time.perf_counter()
            query = f"lang=zh&region={code}"
            cookie = await asyncio.to_thread(_cookies, f"{url}/{page}?{query}")
            await protocol_view(url, page, query, cookie)
            times[step] = time.perf_counter() - start
        return {**times, "error": None}
    except Exception as error:  # counted, not fatal
        return {"map": None, "drilldown": None, "error": f"{type(error).__name__}: {str(error)[:200]}"}


async def protocol_sessions(url: str, n: int, region: str, county: str, spread: float) -> list[dict]:
    return await asyncio.gather(*(protocol_session(url, region, county, spread * i / n) for i in range(n)))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m pages._load_protocol")
    parser.add_argument("--client", required=True, help="the server's address")
    parser.add_argument("--sessions", type=int, required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--county", required=True)
    parser.add_argument("--spread", type=float, default=0.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(protocol_sessions(args.client, args.sessions, args.region, args.county,
                                                   args.spread))))


if __name__ == "__main__":
    main()
