"""Imported once by the fork server of the import children (analysis.store.sandbox), never by the app.

It reads and validates a tiny income CSV and workbook, so that the lazy imports and first-call caches of
pandas, pyarrow and calamine are in the fork server's memory and every forked child starts warm: without
this each child paid them again (≈0.3–0.4 s per file on this machine). Nothing here may raise: an error
would stop the fork server, and a cold child still works.
"""
from __future__ import annotations

import io
import logging
import os
from datetime import date

# Arrow's default allocator (mimalloc) reserves 1 GiB of address space at its first allocation; every child
# inherits the reservation, and under its address-space limit (RLIMIT_AS) that leaves a quarter less of the
# default 4 GB, and nothing of a 1 GB limit (allocations then fail, and Arrow aborts the child). The system
# allocator reserves nothing up front. Set before Arrow allocates: this module is the fork server's first import.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

_INCOME = [["户编号", "年度", "工资性收入", "种植业收入", "养殖业收入", "财产性收入", "转移性收入"],
           ["H0001", "2024", "12000", "3000", "-500", "200", "4100"]]


def _workbook() -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        sheet = book.add_worksheet("收入")
        for r, row in enumerate(_INCOME):
            for c, value in enumerate(row):
                sheet.write_string(r, c, value)
    return buffer.getvalue()


def warm_up() -> None:
    from analysis.store.sandbox import prepare_here

    csv = "\n".join(",".join(row) for row in _INCOME).encode()
    for name, data in (("warm.csv", csv), ("warm.xlsx", _workbook())):
        prepare_here(name, data, None, None, date(2025, 1, 1), b"\0" * 32)


try:
    warm_up()
except Exception:  # noqa: BLE001 — a cold child is slower, not wrong
    logging.getLogger(__name__).exception("warming up the import fork server failed")
