"""Secret keys kept in files outside the data folders (the ID-number key, the audit checkpoint key).

No pandas here: the audit log reads its key on every append.
"""
from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path


def config_dir() -> Path:
    """~/.config/incomewatch (or under $XDG_CONFIG_HOME), where keys live by default."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "incomewatch"


def create_key_file(path: Path) -> None:
    """A new random key, written whole then linked into place: concurrent first uses agree on one key."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(os.urandom(32).hex())
        os.chmod(temporary, 0o600)
        with contextlib.suppress(FileExistsError):  # another process created it first: use theirs
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def read_key(from_env: str, path: Path, error: type[ValueError], name: tuple[str, str]) -> bytes:
    """The key given in the environment, else the one in `path` (created once, mode 0600).

    `name` is the key file's name in Chinese and English for the error of an empty or short file.
    """
    if from_env:
        return from_env.encode("utf-8")
    if not path.exists():
        create_key_file(path)
    text = path.read_text(encoding="ascii").strip()
    if len(text) < 32:
        raise error(f"{name[0]}为空或过短：{path} / the {name[1]} is empty or too short: {path}")
    return bytes.fromhex(text) if re.fullmatch(r"[0-9a-fA-F]+", text) and len(text) % 2 == 0 else text.encode()
