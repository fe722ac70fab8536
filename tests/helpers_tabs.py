"""AppTest helpers for lazy tabs (pages._common.lazy_tabs): a closed tab's content is not in the page until opened."""
from __future__ import annotations

from collections.abc import Iterator

from streamlit.testing.v1 import AppTest

KEY_PREFIX = "tabs-"  # lazy_tabs keys; Streamlit writes a keyed block's id as "$$ID-<hash>-<key>"


def lazy_tab_sets(at: AppTest) -> dict[str, list[str]]:
    """The page's lazy tab sets now drawn: key -> tab labels."""
    found: dict[str, list[str]] = {}

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        block_id = proto.id if proto is not None and getattr(node, "type", "") == "tab_container" else ""
        if f"-{KEY_PREFIX}" in block_id:
            found[block_id[block_id.index(f"-{KEY_PREFIX}") + 1:]] = [tab.label for tab in node.children.values()]
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def every_tab(at: AppTest) -> Iterator[AppTest]:
    """`at` as it is, then again with each other lazy tab opened in turn; a tab set that appears inside an opened
    tab is walked too (its first tab is open when it appears)."""
    yield at
    known: set[str] = set()
    pending: list[tuple[str, str]] = []

    def discover() -> None:
        for key, labels in lazy_tab_sets(at).items():
            if key not in known:
                known.add(key)
                pending.extend((key, label) for label in labels[1:])

    discover()
    while pending:
        key, label = pending.pop(0)
        at.session_state[key] = label
        at.run()
        yield at
        discover()
