"""The error a reader raises when a file cannot be read as a table."""
from __future__ import annotations


class ReadError(Exception):
    """The file cannot be read as a table; carries the reason in both languages."""

    def __init__(self, reason_zh: str, reason_en: str, row: int | None = None, column: str | None = None):
        super().__init__(reason_en)
        self.reason_zh, self.reason_en, self.row, self.column = reason_zh, reason_en, row, column
