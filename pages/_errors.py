"""Unexpected errors: a visitor sees a bilingual message with an error id; the server log has the traceback.

Streamlit's own control flow (st.stop, st.rerun, st.switch_page) raises BaseExceptions that are not
Exceptions, so it passes through untouched. Developers see the traceback on the page as well when
they turn `client.showErrorDetails` to "full" (e.g. `make run DEBUG=1`); deployments keep it "none".
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import streamlit as st

from analysis.i18n import LANGS, t

LOG = logging.getLogger("incomewatch")
_DEVELOPER_DETAILS = {"full", "stacktrace", "true", "True", True}


def _log() -> logging.Logger:
    """The app's logger, writing to the server's stderr beside Streamlit's own log."""
    if not LOG.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
    return LOG


def developer_details() -> bool:
    """Whether this server shows error details on the page (a developer setting, off by default)."""
    return st.get_option("client.showErrorDetails") in _DEVELOPER_DETAILS


def report_unexpected(error: Exception) -> str:
    """Log `error` with its traceback under a new error id and show the visitor that id; returns the id."""
    error_id = uuid.uuid4().hex[:12]
    _log().error("error id %s at %s: %s", error_id, st.context.url, type(error).__name__, exc_info=error)
    st.error("\n\n".join(t("error_unexpected", lang, id=error_id) for lang in LANGS), icon=":material/error:")
    return error_id


@contextmanager
def guarded() -> Iterator[None]:
    """Run a page: an unexpected exception becomes a message with an error id (re-raised for developers)."""
    try:
        yield
    except duckdb.OutOfMemoryException as error:  # a limit of this server, not a fault: say what to do
        _log().warning("out of memory at %s: %s", st.context.url, error)
        st.warning("\n\n".join(t("error_out_of_memory", lang) for lang in LANGS), icon=":material/memory:")
        if developer_details():
            raise
    except Exception as error:
        report_unexpected(error)
        if developer_details():
            raise
