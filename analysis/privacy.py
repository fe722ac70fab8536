"""Personal data: ID numbers are stored only as a salted hash and a mask, names only masked.

The salt comes from $INCOMEWATCH_ID_SALT, else from a file next to the database (<db>.salt),
created once with random bytes and readable by its owner only. Keep the salt with the
database: hashes made with another salt no longer match. The salt must stay secret, since the
space of ID numbers is small enough to search once the salt is known.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pandas as pd

SALT_ENV = "INCOMEWATCH_ID_SALT"
ID_MASK = "********"
# GB 11643-1999: the 18th character of an ID number checks the first 17 digits.
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_CHECK = "10X98765432"  # check character, indexed by (weighted digit sum mod 11)


def id_check_index(digits: np.ndarray) -> np.ndarray:
    """Index into ID_CHECK for each row of 17 digits."""
    return (digits @ ID_WEIGHTS) % 11


def id_check_matches(ids: pd.Series) -> np.ndarray:
    """For ID numbers already shaped as 17 digits then a digit or X: does the 18th character check out?"""
    if ids.empty:
        return np.ones(0, dtype=bool)
    codes = np.frombuffer("".join(ids.str.upper()).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    expected = np.frombuffer(ID_CHECK.encode("ascii"), dtype=np.uint8)[id_check_index(codes[:, :17] - ord("0"))]
    return codes[:, 17] == expected


def salt_path(db_path: str | os.PathLike) -> Path:
    db = Path(db_path)
    return db.with_name(db.name + ".salt")


def id_salt(db_path: str | os.PathLike) -> bytes:
    """The salt for hashing ID numbers of this database (created on first use)."""
    salt, unsaved = pending_salt(db_path)
    if unsaved:
        save_salt(db_path, salt)
    return salt


def pending_salt(db_path: str | os.PathLike) -> tuple[bytes, bool]:
    """The database's salt, and whether it is new and still to be saved with `save_salt`.

    An import asks for it before validating but saves it only once it writes, so a refused file leaves
    nothing behind, not even a salt file.
    """
    from_env = os.environ.get(SALT_ENV, "")
    if from_env:
        return from_env.encode("utf-8"), False
    path = salt_path(db_path)
    if not path.exists():
        return os.urandom(32), True
    text = path.read_text(encoding="ascii").strip()
    if not text:
        raise ValueError(f"salt file is empty: {path}")
    return bytes.fromhex(text), False


def save_salt(db_path: str | os.PathLike, salt: bytes) -> None:
    """Save a new salt, readable by its owner only; if another process saved one first, that one must match."""
    path = salt_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.read_text(encoding="ascii").strip() != salt.hex():
            raise ValueError(f"another import created {path} meanwhile: import the files again") from None
        return
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(salt.hex())


def hash_id_number(id_number: str, salt: bytes) -> str:
    """Salted SHA-256 (hex) of an ID number; a trailing x counts as X."""
    return hashlib.sha256(salt + id_number.strip().upper().encode("utf-8")).hexdigest()


def hash_id_numbers(ids: pd.Series, salt: bytes) -> pd.Series:
    """hash_id_number for each non-empty value; missing stays missing."""
    present = (ids.notna() & (ids.astype("str").str.strip() != "")).to_numpy(dtype=bool)
    salted = hashlib.sha256(salt)
    hashes = []
    for value in ids[present].tolist():
        digest = salted.copy()
        digest.update(value.strip().upper().encode("utf-8"))
        hashes.append(digest.hexdigest())
    out = pd.Series(None, index=ids.index, dtype="str")
    out[present] = hashes
    return out


def mask_id_number(id_number: str) -> str:
    """620121199001011234 -> 620121********1234 (anything shorter than 10 characters is fully hidden)."""
    text = id_number.strip().upper()
    return text[:6] + ID_MASK + text[-4:] if len(text) >= 10 else ID_MASK


def mask_id_numbers(ids: pd.Series) -> pd.Series:
    text = ids.astype("str").str.strip().str.upper()
    masked = text.str[:6] + ID_MASK + text.str[-4:]
    masked = masked.where(text.str.len() >= 10, ID_MASK)
    return masked.where(ids.notna() & (text != ""))


def mask_name(name: str) -> str:
    """张三明 -> 张*明, 张三 -> 张*, 欧阳小明 -> 欧*明: first and last character kept, length hidden."""
    text = name.strip()
    if len(text) <= 2:
        return text[:1] + "*"
    return text[0] + "*" + text[-1]


def mask_names(names: pd.Series) -> pd.Series:
    text = names.astype("str").str.strip()
    lengths = text.str.len().fillna(0).to_numpy()
    first = text.str[:1] + "*"
    masked = np.where(lengths <= 2, first, first + text.str[-1:])
    return pd.Series(masked, index=names.index, dtype="str").where(names.notna() & (text != ""))
