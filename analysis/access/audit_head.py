"""The audit log's signed head: what the log held at its last append, so that a cut-off tail is noticed.

The hash chain alone shows an edited, inserted or deleted entry, but not entries cut off the end. After
every append the head checkpoint `<log>.head.json` records the entry count, the last `seq`, `hash` and
`time`, signed with HMAC-SHA256 under a key kept outside the log's folder ($INCOMEWATCH_AUDIT_KEY, the file
named by $INCOMEWATCH_AUDIT_KEY_FILE, or ~/.config/incomewatch/audit.key created on first use, mode 0600).
Whoever can write the log folder but not read the key cannot forge a head for a shortened log.

A witness file beside the key (`audit-witness/<hash of the log path>.json`, written once when a log is
created) remembers that a log existed, so deleting the log together with its head is noticed too.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

from analysis.keyfile import config_dir, read_key

KEY_ENV = "INCOMEWATCH_AUDIT_KEY"
KEY_FILE_ENV = "INCOMEWATCH_AUDIT_KEY_FILE"
HEAD_VERSION = 1


class AuditKeyError(ValueError):
    """The checkpoint key is missing, unreadable or kept inside the log's folder."""


def key_path() -> Path:
    return Path(os.environ.get(KEY_FILE_ENV) or config_dir() / "audit.key")


def checkpoint_key(log_path: Path) -> bytes:
    """The HMAC key of the head checkpoint: from the environment, else the key file (created once)."""
    from_env = os.environ.get(KEY_ENV, "")
    path = key_path()
    if not from_env and path.resolve().is_relative_to(log_path.resolve().parent):
        raise AuditKeyError(f"审计日志密钥不能放在日志所在目录：{path} / the audit key file must not sit in the "
                            f"audit log's folder ({log_path.parent})")
    return read_key(from_env, path, AuditKeyError, ("审计日志密钥", "audit key file"))


def head_path(log_path: Path) -> Path:
    return Path(f"{log_path}.head.json")


def _signature(body: dict, key: bytes) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def write_head(log_path: Path, last: dict, entries: int) -> None:
    """Sign and atomically replace the head: the last entry's seq, hash and time, and the entry count."""
    write_signed(head_path(log_path), log_path, {"version": HEAD_VERSION, "entries": entries, "seq": last["seq"],
                                                 "hash": last["hash"], "time": last["time"]})


def read_head(log_path: Path) -> tuple[dict | None, bool]:
    """(head, signature valid); (None, False) when there is no head file."""
    return read_signed(head_path(log_path), log_path)


def write_signed(path: Path, log_path: Path, body: dict) -> None:
    """A small JSON file about the log, signed with the audit key and replaced atomically."""
    body = {**body, "log": log_path.name}
    write_atomically(path, json.dumps({**body, "mac": _signature(body, checkpoint_key(log_path))}, sort_keys=True))


def read_signed(path: Path, log_path: Path) -> tuple[dict | None, bool]:
    """(content, signature valid and about this log); (None, False) when the file is missing."""
    if not path.exists():
        return None, False
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        body = {key: value for key, value in content.items() if key != "mac"}
        valid = hmac.compare_digest(str(content.get("mac", "")), _signature(body, checkpoint_key(log_path)))
    except (json.JSONDecodeError, AttributeError, UnicodeDecodeError):
        return {}, False
    return content, valid and body.get("log") == log_path.name


def witness_path(log_path: Path) -> Path:
    name = hashlib.sha256(str(log_path.resolve()).encode("utf-8")).hexdigest()[:24]
    return key_path().parent / "audit-witness" / f"{name}.json"


def read_witness(log_path: Path) -> dict | None:
    path = witness_path(log_path)
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {"created": "unknown (witness unreadable)"}


def write_witness(log_path: Path, created: str) -> None:
    """Remember, outside the log's folder, that this log exists (kept when the log is later found missing)."""
    path = witness_path(log_path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomically(path, json.dumps({"log": str(log_path.resolve()), "created": created}))


def write_atomically(path: Path, text: str) -> None:
    """Whole or not at all: a synced temporary file renamed over `path`, then the folder synced."""
    write_lines_atomically(path, [text])


def write_lines_atomically(path: Path, lines) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.writelines(lines)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """A rename is durable only once its folder is synced."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
