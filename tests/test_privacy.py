"""Personal data helpers: masks, salted hashes and where the salt comes from."""
import stat

import numpy as np
import pandas as pd
import pytest

from analysis.privacy import (
    ID_CHECK,
    SALT_ENV,
    hash_id_number,
    hash_id_numbers,
    id_check_matches,
    id_salt,
    mask_id_number,
    mask_id_numbers,
    mask_name,
    mask_names,
    pending_salt,
    salt_path,
    save_salt,
)


@pytest.mark.parametrize(("name", "masked"), [
    ("张三明", "张*明"), ("李四", "李*"), ("欧阳小明", "欧*明"), ("王", "王*"), (" 赵 钱孙 ", "赵*孙"),
])
def test_mask_name_keeps_first_and_last_character_only(name, masked):
    assert mask_name(name) == masked


def test_mask_names_matches_mask_name_and_keeps_missing():
    names = pd.Series(["张三明", "李四", "欧阳小明", "王", None, ""])
    expected = [mask_name(n) for n in names[:4]] + [None, None]
    assert [None if pd.isna(v) else v for v in mask_names(names)] == expected


def test_mask_id_number_shows_first_six_and_last_four():
    assert mask_id_number("62012119900101123x") == "620121********123X"
    assert mask_id_number("12345") == "********"
    masked = mask_id_numbers(pd.Series(["620121199001011234", None, "123"]))
    assert [None if pd.isna(v) else v for v in masked] == ["620121********1234", None, "********"]


def test_hash_is_salted_deterministic_and_ignores_case_of_x():
    raw = "62012119900101123X"
    assert hash_id_number(raw, b"a") == hash_id_number(raw.lower(), b"a")
    assert hash_id_number(raw, b"a") != hash_id_number(raw, b"b")
    assert len(hash_id_number(raw, b"a")) == 64 and raw not in hash_id_number(raw, b"a")
    hashed = hash_id_numbers(pd.Series([raw, None, ""]), b"a")
    assert hashed[0] == hash_id_number(raw, b"a") and hashed[1:].isna().all()


def test_salt_file_is_created_once_private_and_stable(tmp_path, monkeypatch):
    monkeypatch.delenv(SALT_ENV, raising=False)
    db = tmp_path / "x.duckdb"
    first = id_salt(db)
    path = salt_path(db)
    assert path.name == "x.duckdb.salt" and len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert id_salt(db) == first
    assert id_salt(tmp_path / "other.duckdb") != first


def test_salt_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(SALT_ENV, "county-secret")
    assert id_salt(tmp_path / "x.duckdb") == b"county-secret"
    assert not salt_path(tmp_path / "x.duckdb").exists()


def test_empty_salt_file_is_an_error_not_a_new_salt(tmp_path, monkeypatch):
    monkeypatch.delenv(SALT_ENV, raising=False)
    db = tmp_path / "x.duckdb"
    salt_path(db).write_text("")
    with pytest.raises(ValueError, match="empty"):
        id_salt(db)


def test_id_check_character_follows_gb_11643():
    # 11010519491231002X is the standard's own worked example; the others are checked by hand.
    ids = pd.Series(["11010519491231002X", "11010519491231002x", "110105194912310021", "62012119800101018X",
                     "620121198001010181"])
    assert id_check_matches(ids).tolist() == [True, True, False, True, False]
    assert id_check_matches(pd.Series([], dtype="str")).tolist() == []


def test_demo_ids_pass_the_check_that_imports_apply():
    from analysis.demo.households import _fake_ids
    from analysis.demo.params import load_params

    body, check = _fake_ids(np.array([620121, 640104, 110105] * 100), load_params(), np.random.default_rng(1))
    assert id_check_matches(pd.Series([f"{b}{ID_CHECK[c]}" for b, c in zip(body, check, strict=True)])).all()


def test_a_new_salt_is_saved_once_and_a_different_one_later_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(SALT_ENV, raising=False)
    db = tmp_path / "x.duckdb"
    salt, unsaved = pending_salt(db)
    assert unsaved and not salt_path(db).exists()  # asking writes nothing
    save_salt(db, salt)
    save_salt(db, salt)  # the same salt again is fine (another writer saved it first)
    assert pending_salt(db) == (salt, False) and id_salt(db) == salt
    with pytest.raises(ValueError, match="meanwhile"):
        save_salt(db, b"\x00" * 32)
