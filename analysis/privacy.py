"""Personal data: ID numbers are stored only as a keyed hash and a mask, names only masked, phones never.

The hash is HMAC-SHA256 under a secret key that is never stored with the database or beside it, so the
database and its backups alone give no ID number back (the space of ID numbers is small enough to search
once the key is known: keep the key secret and apart). The key comes from, in this order:
$INCOMEWATCH_ID_KEY (hex or text), the file named by $INCOMEWATCH_ID_KEY_FILE, or a per-user file
~/.config/incomewatch/id.key ($XDG_CONFIG_HOME respected) created on first use with mode 0600. A key file
inside the database's folder is refused.

Databases written before version 2 hashed with a salt kept beside them (<db>.salt): `refresh` re-keys
those hashes (HMAC of the old hash, see `rekey_legacy_hash`) and removes the salt file.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.keyfile import config_dir, read_key

KEY_ENV = "INCOMEWATCH_ID_KEY"
KEY_FILE_ENV = "INCOMEWATCH_ID_KEY_FILE"
LEGACY_SALT_ENV = "INCOMEWATCH_ID_SALT"
HASH_SCHEME = "hmac-sha256-v2"
ID_MASK = "***********"  # 11 stars: 3 + 11 + 4 = the 18 characters of an ID number
PHONE_MASK = "****"
# GB 11643-1999: the 18th character of an ID number checks the first 17 digits.
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_CHECK = "10X98765432"  # check character, indexed by (weighted digit sum mod 11)
# Runs of digits (and a trailing X) bounded by non-digits: one linear pass over any text.
_DIGIT_RUN = re.compile(r"(?<![0-9])[0-9]{11,18}[Xx]?(?![0-9Xx])")
_PHONE = re.compile(r"1[3-9][0-9]{9}")


class IdKeyError(ValueError):
    """The ID key is missing, unreadable or stored where it must not be."""


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


def _is_id(run: str) -> bool:
    if len(run) == 15:
        return run.isdigit()  # first-generation ID numbers: 15 digits, no check character
    return len(run) == 18 and run[:17].isdigit() and bool(id_check_matches(pd.Series([run.upper()]))[0])


def personal_kind(text: str) -> str:
    """'id' or 'phone' when the text holds an ID number (18 characters that check, or 15 digits) or a
    mainland mobile number; '' otherwise."""
    for match in _DIGIT_RUN.finditer(text):
        run = match.group()
        if _is_id(run):
            return "id"
        if len(run) == 11 and _PHONE.fullmatch(run):
            return "phone"
    return ""


def mask_personal_text(text: str) -> str:
    """Any ID number or phone number inside the text masked as stored (first 3 and last 4 characters)."""
    def hide(match: re.Match) -> str:
        run = match.group()
        if _is_id(run):
            return mask_id_number(run)
        if len(run) == 11 and _PHONE.fullmatch(run):
            return run[:3] + PHONE_MASK + run[-4:]
        return run
    return _DIGIT_RUN.sub(hide, text)


# A run of exactly 11, 15 or 18 characters: the only shapes personal_kind can accept (no lookarounds, so
# pandas can hand it to a linear-time engine).
_CANDIDATE = r"(?:^|[^0-9])(?:[0-9]{11}|[0-9]{15}|[0-9]{17}[0-9Xx])(?:$|[^0-9Xx])"


def personal_kinds(values: pd.Series, unless: str | None = None) -> np.ndarray:
    """personal_kind of each value; only values holding a run of the right length are looked at one by one.
    Values matching the regular expression `unless` count as "" (searched among those candidates only: a file's
    column is searched once, not twice)."""
    text = values.astype("str").fillna("")
    out = np.full(len(text), "", dtype=object)
    candidates = np.flatnonzero(text.str.contains(_CANDIDATE, regex=True).to_numpy(dtype=bool))
    if unless is not None and len(candidates):
        candidates = candidates[~text.iloc[candidates].str.contains(unless, regex=True).to_numpy(dtype=bool)]
    for i in candidates:
        out[i] = personal_kind(text.iloc[i])
    return out


# --- the key -----------------------------------------------------------------------------------------

def default_key_path() -> Path:
    return config_dir() / "id.key"


def key_path() -> Path:
    return Path(os.environ.get(KEY_FILE_ENV) or default_key_path())


def id_key(db_path: str | os.PathLike | None = None) -> bytes:
    """The HMAC key for ID numbers: from the environment, else the key file (created once, mode 0600).

    With `db_path`, a key file in the database's folder is refused: a backup of that folder would carry
    the key with the hashes.
    """
    from_env = os.environ.get(KEY_ENV, "")
    path = key_path()
    if not from_env and db_path is not None and path.resolve().parent == Path(db_path).resolve().parent:
        raise IdKeyError(f"ID 密钥文件不能与数据库放在同一目录：{path} / the ID key file must not sit beside the database")
    return read_key(from_env, path, IdKeyError, ("ID 密钥文件", "ID key file"))


def hash_id_number(id_number: str, key: bytes) -> str:
    """HMAC-SHA256 (hex) of an ID number under the key; a trailing x counts as X."""
    return hmac.new(key, id_number.strip().upper().encode("utf-8"), hashlib.sha256).hexdigest()


def hash_id_numbers(ids: pd.Series, key: bytes) -> pd.Series:
    """hash_id_number for each non-empty value; missing stays missing."""
    present = (ids.notna() & (ids.astype("str").str.strip() != "")).to_numpy(dtype=bool)
    keyed = hmac.new(key, digestmod=hashlib.sha256)
    hashes = []
    for value in ids[present].tolist():
        digest = keyed.copy()
        digest.update(value.strip().upper().encode("utf-8"))
        hashes.append(digest.hexdigest())
    out = pd.Series(None, index=ids.index, dtype="str")
    out[present] = hashes
    return out


# --- databases of version 1: salted SHA-256 with the salt beside the database --------------------------

def legacy_salt_path(db_path: str | os.PathLike) -> Path:
    db = Path(db_path)
    return db.with_name(db.name + ".salt")


def has_legacy_salt(db_path: str | os.PathLike) -> bool:
    return legacy_salt_path(db_path).exists() or bool(os.environ.get(LEGACY_SALT_ENV))


def rekey_legacy_hash(old_hash: str, key: bytes) -> str:
    """A version-1 hash re-keyed: HMAC of the old hash, so the salt can go. Households of the old data that
    shared an ID still share a hash; a new import of the household with its ID gives it a version-2 hash."""
    return hmac.new(key, b"legacy-v1:" + old_hash.encode("ascii"), hashlib.sha256).hexdigest()


# --- masks --------------------------------------------------------------------------------------------

def mask_id_number(id_number: str) -> str:
    """62012119900101123X -> 620***********123X: the first 3 and last 4 characters (none if shorter than 10)."""
    text = id_number.strip().upper()
    return text[:3] + ID_MASK + text[-4:] if len(text) >= 10 else ID_MASK


def mask_id_numbers(ids: pd.Series) -> pd.Series:
    text = ids.astype("str").str.strip().str.upper()
    masked = text.str[:3] + ID_MASK + text.str[-4:]
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
