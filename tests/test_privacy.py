"""Personal data helpers: masks, keyed hashes, where the key comes from, what counts as personal."""
import stat

import numpy as np
import pandas as pd
import pytest

from analysis.privacy import (
    ID_CHECK,
    KEY_ENV,
    KEY_FILE_ENV,
    IdKeyError,
    hash_id_number,
    hash_id_numbers,
    id_check_matches,
    id_key,
    mask_id_number,
    mask_id_numbers,
    mask_name,
    mask_names,
    mask_personal_text,
    personal_kind,
    personal_kinds,
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


def test_mask_id_number_shows_first_three_and_last_four():
    assert mask_id_number("62012119900101123x") == "620***********123X"
    assert mask_id_number("12345") == "***********"
    masked = mask_id_numbers(pd.Series(["620121199001011234", None, "123"]))
    assert [None if pd.isna(v) else v for v in masked] == ["620***********1234", None, "***********"]
    assert sum(c != "*" for c in masked[0]) == 7 and len(masked[0]) == 18


def test_hash_is_keyed_deterministic_and_ignores_case_of_x():
    raw = "62012119900101123X"
    assert hash_id_number(raw, b"a") == hash_id_number(raw.lower(), b"a")
    assert hash_id_number(raw, b"a") != hash_id_number(raw, b"b")
    assert len(hash_id_number(raw, b"a")) == 64 and raw not in hash_id_number(raw, b"a")
    hashed = hash_id_numbers(pd.Series([raw, None, ""]), b"a")
    assert hashed[0] == hash_id_number(raw, b"a") and hashed[1:].isna().all()


def test_key_file_is_created_once_private_and_stable(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "keys" / "id.key"))
    first = id_key(tmp_path / "db" / "x.duckdb")
    path = tmp_path / "keys" / "id.key"
    assert len(first) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert id_key(tmp_path / "db" / "x.duckdb") == first
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_default_key_is_per_user_not_beside_the_database(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    id_key(tmp_path / "data" / "x.duckdb")
    assert (tmp_path / "config" / "incomewatch" / "id.key").exists()


def test_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "county-secret")
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "id.key"))
    assert id_key(tmp_path / "x.duckdb") == b"county-secret"
    assert not (tmp_path / "id.key").exists()


def test_a_key_file_beside_the_database_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "id.key"))
    with pytest.raises(IdKeyError, match="beside the database"):
        id_key(tmp_path / "x.duckdb")


def test_an_empty_key_file_is_an_error_not_a_new_key(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "id.key").write_text("")
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "keys" / "id.key"))
    with pytest.raises(IdKeyError, match="empty"):
        id_key(tmp_path / "x.duckdb")


@pytest.mark.parametrize(("text", "kind"), [
    ("62012119800101018X", "id"), ("62012119800101018x", "id"), ("620121800101018", "id"),
    ("户主13912345678", "phone"), ("13912345678", "phone"), ("H-620121198001010181", ""),  # check fails
    ("6405222022060036", ""), ("12345678901", ""), ("0003", ""), ("139123456789", ""),
])
def test_personal_numbers_are_recognised_in_free_text(text, kind):
    assert personal_kind(text) == kind
    assert personal_kinds(pd.Series([text, "H1"])).tolist() == [kind, ""]


def test_personal_numbers_are_masked_inside_text():
    assert mask_personal_text("户13912345678的62012119800101018X") == "户139****5678的620***********018X"
    assert mask_personal_text("H0003 / 2023") == "H0003 / 2023"


def test_masking_is_linear_on_long_digit_runs():
    """Bounded quantifiers and a single pass: a 100,000-digit cell is scanned once (no backtracking blow-up)."""
    assert mask_personal_text("1" * 100_000) == "1" * 100_000


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
