"""The audit log as an auditor checks it: tampering named, tail cut-offs and deletions noticed through the signed
head, archiving that survives a crash at every step, appends from several processes, filters that stream."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from analysis.access import audit_head
from analysis.access.audit import AuditLog, entry_hash
from analysis.access.audit_query import AuditFilter, as_entries, count, query
from analysis.config import PROJECT_ROOT
from analysis.i18n import t

START = datetime(2026, 1, 1, tzinfo=UTC)
COUNTY = "621122"


def _log(tmp_path, n: int = 6, days: int = 30) -> AuditLog:
    log = AuditLog(tmp_path / "logs" / "audit.jsonl")
    for i in range(n):
        log.append(user=f"u{i % 3}", role=("county_staff", "leader")[i % 2], scope=COUNTY, action="view_page",
                   target=f"{COUNTY}10120{i}", filters={"region": COUNTY if i % 2 else "620000", "year": 2024},
                   now=START + timedelta(days=days * i))
    return log


def _lines(log: AuditLog) -> list[str]:
    return log.path.read_text(encoding="utf-8").splitlines(keepends=True)


def _write(log: AuditLog, lines: list[str]) -> None:
    log.path.write_text("".join(lines), encoding="utf-8")


def _rehash_from(lines: list[str], start: int) -> list[str]:
    """What someone without the key can do: recompute every hash after an edit, so the chain itself verifies."""
    out = lines[:start]
    previous = json.loads(out[-1])["hash"] if out else "0" * 64
    for line in lines[start:]:
        entry = json.loads(line)
        entry["prev"] = previous
        entry["hash"] = previous = entry_hash(entry)
        out.append(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
    return out


# --- tampering, named ------------------------------------------------------------------------------

def test_an_intact_log_verifies_against_its_signed_head(tmp_path):
    log = _log(tmp_path)
    check = log.verify()
    assert (check.ok, check.entries, check.alerts, check.notes) == (True, 6, (), ())
    head = json.loads(log.head_path.read_text(encoding="utf-8"))
    assert (head["entries"], head["seq"], head["hash"]) == (6, 6, check.last_hash)


def test_cutting_entries_off_the_end_is_detected(tmp_path):
    log = _log(tmp_path)
    _write(log, _lines(log)[:4])
    check = log.verify()
    assert not check.ok and check.problem.startswith("log truncated after entry 4")
    assert "vouches for 6 entries" in check.problem


def test_an_edited_entry_and_deleted_entries_are_named(tmp_path):
    log = _log(tmp_path)
    lines = _lines(log)
    edited = json.loads(lines[2]) | {"target": "somewhere-else"}
    _write(log, [*lines[:2], json.dumps(edited) + "\n", *lines[3:]])
    assert (log.verify().line, log.verify().problem.split(" /")[0]) == (3, "entry 3 edited")
    _write(log, [lines[0], *lines[2:]])
    assert (log.verify().line, log.verify().problem.split(" /")[0]) == (2, "entry 2 deleted")
    _write(log, [lines[0], *lines[3:]])
    assert log.verify().problem.split(" /")[0] == "entry 2–3 deleted"
    _write(log, [*lines[:3], lines[1], *lines[3:]])
    assert log.verify().problem.split(" /")[0] == "entry inserted before entry 4"


def test_a_chain_rewritten_without_the_key_does_not_match_the_head(tmp_path):
    log = _log(tmp_path)
    lines = _lines(log)
    edited = json.loads(lines[1]) | {"user": "nobody"}
    _write(log, _rehash_from([lines[0], json.dumps(edited) + "\n", *lines[2:]], 1))
    check = log.verify()
    assert not check.ok and check.problem.startswith("log rewritten: entry 6")


def test_a_forged_head_and_a_missing_head_are_reported(tmp_path):
    log = _log(tmp_path)
    lines = _lines(log)
    head = json.loads(log.head_path.read_text(encoding="utf-8"))
    _write(log, lines[:4])
    last = json.loads(lines[3])
    log.head_path.write_text(json.dumps(head | {"seq": 4, "entries": 4, "hash": last["hash"]}), encoding="utf-8")
    assert log.verify().problem.startswith("checkpoint signature invalid")
    log.head_path.unlink()
    assert log.verify().problem.startswith("checkpoint missing")


def test_an_append_after_tampering_records_it_for_good(tmp_path, capsys):
    from analysis.commands import main

    log = _log(tmp_path)
    _write(log, _lines(log)[:4])
    entry = log.append(user="clerk", role="county_staff", scope=COUNTY, action="view_page", target="home")
    incident = log.entries(action="audit_checkpoint")
    assert [e["filters"]["reason"] for e in incident] == ["log_truncated"]
    assert (incident[0]["filters"]["checkpoint_seq"], incident[0]["filters"]["found_seq"]) == (6, 4)
    assert (incident[0]["seq"], entry["seq"]) == (5, 6)
    check = log.verify()
    assert check.ok and len(check.alerts) == 1 and "log_truncated" in check.alerts[0]
    db = str(tmp_path / "x.duckdb")
    assert main(["audit-log", "verify", "--db", db, "--log", str(log.path)]) == 1  # alerts fail a cron check
    assert "ALERT" in capsys.readouterr().out
    log.head_path.unlink()
    log.append(user="clerk", role="county_staff", scope=COUNTY, action="view_page", target="home")
    assert [e["filters"]["reason"] for e in log.entries(action="audit_checkpoint")] == ["log_truncated",
                                                                                      "checkpoint_missing"]


def test_deleting_the_log_with_its_head_is_noticed(tmp_path):
    log = _log(tmp_path)
    log.path.unlink()
    log.head_path.unlink()
    check = log.verify()
    assert not check.ok and check.problem.startswith("log missing: a log created 2026-01-01")
    log.append(user="clerk", role="county_staff", scope=COUNTY, action="sign_in")
    first = log.entries()[0]
    assert (first["seq"], first["action"], first["filters"]["reason"]) == (1, "audit_checkpoint", "log_missing")
    assert log.verify().ok and "log_missing" in log.verify().alerts[0]


def test_deleting_only_the_log_is_noticed_by_its_head(tmp_path):
    log = _log(tmp_path)
    log.path.unlink()
    assert log.verify().problem.startswith("log truncated after entry 0: the checkpoint of 2026-05-31")
    log.append(user="clerk", role="county_staff", scope=COUNTY, action="sign_in")
    first = log.entries()[0]["filters"]
    assert (first["reason"], first["checkpoint_seq"]) == ("log_missing", 6)


def test_a_log_from_before_checkpoints_is_adopted_in_the_open(tmp_path, monkeypatch):
    log = _log(tmp_path, n=3)
    log.head_path.unlink()
    monkeypatch.setenv("INCOMEWATCH_AUDIT_KEY_FILE", str(tmp_path / "new-server" / "audit.key"))  # no witness
    check = log.verify()
    assert check.ok and "before checkpoints" in check.notes[0]
    log.append(user="admin", role="data_admin", scope="000000", action="sign_in")
    adopted = log.entries(action="audit_checkpoint")[0]
    assert (adopted["seq"], adopted["filters"]) == (4, {"reason": "adopted", "found_seq": 3})
    check = log.verify()
    assert check.ok and check.alerts == () and "adopted" in check.notes[0] and check.entries == 5


def test_the_key_must_not_sit_in_the_logs_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("INCOMEWATCH_AUDIT_KEY_FILE", str(tmp_path / "logs" / "keys" / "audit.key"))
    with pytest.raises(audit_head.AuditKeyError, match="audit log's folder"):
        AuditLog(tmp_path / "logs" / "audit.jsonl").append(user="a", role="leader", scope=COUNTY, action="sign_in")


def test_a_torn_last_line_from_a_cut_append_is_dropped(tmp_path):
    log = _log(tmp_path, n=3)
    with open(log.path, "a", encoding="utf-8") as handle:
        handle.write('{"seq": 4, "time": "2026-')
    log.append(user="a", role="leader", scope=COUNTY, action="sign_in")
    assert log.verify().ok and [e["seq"] for e in log.entries()] == [1, 2, 3, 4]


def _same_length_edit(log: AuditLog, index: int) -> None:
    """An in-place edit that keeps every byte offset: what only a full run can find."""
    lines = _lines(log)
    lines[index] = lines[index].replace('"u0"', '"x9"').replace('"u1"', '"x9"').replace('"u2"', '"x9"')
    _write(log, lines)


def test_a_resumed_check_reads_only_what_came_after_the_last_one(tmp_path):
    log = _log(tmp_path)
    assert log.verify().ok
    for i in range(3):
        log.append(user="late", role="leader", scope=COUNTY, action="view_page", target=str(i))
    quick = log.verify(resume=True)
    assert (quick.ok, quick.entries, quick.checked_from) == (True, 9, 7)
    _same_length_edit(log, 1)  # entry 2, before the mark
    assert log.verify(resume=True).ok and log.verify(resume=True).checked_from == 10
    full = log.verify()
    assert not full.ok and full.problem.startswith("entry 2 edited") and full.checked_from == 1
    _write(log, _rehash_from(_lines(log), 1))  # the chain repaired without the key: the mark no longer matches
    resumed = log.verify(resume=True)
    assert resumed.problem.startswith("log rewritten") and resumed.checked_from == 1


def test_a_resumed_check_still_sees_a_cut_tail_and_survives_archiving(tmp_path):
    log = _log(tmp_path, n=8)
    assert log.verify().ok
    log.archive(180, now=datetime(2026, 9, 1, tzinfo=UTC))  # entries 1..3 move: the mark moves with them
    log.append(user="late", role="leader", scope=COUNTY, action="view_page")
    quick = log.verify(resume=True)
    assert (quick.ok, quick.entries, quick.checked_from) == (True, 9, 9)
    _write(log, _lines(log)[:-3])
    cut = log.verify(resume=True)
    assert not cut.ok and cut.problem.startswith("log truncated after entry 6") and cut.checked_from == 1


# --- archiving, crash-safe -------------------------------------------------------------------------

CRASHING_ARCHIVE = """
import os, signal, sys
from datetime import datetime, UTC
from pathlib import Path
from analysis.access.audit import AuditLog

log_path, target, when = sys.argv[1], sys.argv[2], sys.argv[3]
real_replace = os.replace

def replace(source, destination):
    hit = Path(destination).name == target
    if hit and when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(source, destination)
    if hit and when == "after":
        os.kill(os.getpid(), signal.SIGKILL)

os.replace = replace
AuditLog(log_path).archive(180, now=datetime(2026, 9, 1, tzinfo=UTC))
"""


@pytest.mark.parametrize(("target", "when"), [("audit.jsonl.archive.jsonl", "before"),
                                              ("audit.jsonl.archive.jsonl", "after"),
                                              ("audit.jsonl", "before"), ("audit.jsonl", "after")])
def test_archiving_killed_at_any_step_loses_and_duplicates_nothing(tmp_path, target, when):
    log = _log(tmp_path, n=8)  # entries 1..3 are older than 180 days on 1 Sep 2026
    log.archive(180, now=datetime(2026, 8, 1, tzinfo=UTC))  # an archive already exists: entries 1..2
    assert log.archived_through() == 2
    process = subprocess.run([sys.executable, "-c", CRASHING_ARCHIVE, str(log.path), target, when],
                             cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert process.returncode == -signal.SIGKILL, process.stderr
    check = log.verify()
    assert check.ok and check.entries == 8, check
    assert [e["seq"] for e in log.entries(include_archive=True)] == list(range(1, 9))
    assert count(log, AuditFilter(include_archive=True)) == 8
    log.append(user="after", role="leader", scope=COUNTY, action="sign_in", now=datetime(2026, 9, 1, tzinfo=UTC))
    log.archive(180, now=datetime(2026, 9, 1, tzinfo=UTC))
    archived = [json.loads(line)["seq"] for line in log.archive_path.read_text(encoding="utf-8").splitlines()]
    live = [e["seq"] for e in log.entries()]
    assert (archived, live) == ([1, 2, 3], [4, 5, 6, 7, 8, 9])
    assert log.verify().ok and log.verify().entries == 9 and log.verify().notes == ()


def test_archiving_waits_for_a_days_batch(tmp_path):
    log = _log(tmp_path, n=3)  # 1 Jan, 31 Jan, 2 Mar
    retention_end = START + timedelta(days=180)
    assert log.archive(180, now=retention_end + timedelta(hours=23)) == 0  # entry 1 is not yet a day past
    assert log.archive(180, now=retention_end + timedelta(days=1, seconds=1)) == 1
    assert [e["seq"] for e in log.entries()] == [2, 3] and log.verify().ok


def test_an_interrupted_archive_run_is_finished_by_the_next_append(tmp_path):
    log = _log(tmp_path, n=5)
    old = _lines(log)[:2]
    log.copy_to_archive(old)  # step 1 only, as if the process died before step 2
    check = log.verify()
    assert check.ok and check.entries == 5 and check.notes[0].startswith("2 entries left in the live log")
    log.append(user="a", role="leader", scope=COUNTY, action="sign_in")
    assert [e["seq"] for e in log.entries()] == [3, 4, 5, 6] and log.verify().notes == ()


def test_an_entry_in_both_files_with_different_contents_is_not_taken_for_a_leftover(tmp_path):
    log = _log(tmp_path, n=4)
    lines = _lines(log)
    log.copy_to_archive([lines[0], lines[1].replace('"u1"', '"u9"')])
    check = log.verify()
    assert not check.ok and "entry 2 edited" in check.problem


# --- several processes ---------------------------------------------------------------------------

WRITER = """
import sys
from analysis.access.audit import AuditLog
log = AuditLog(sys.argv[1])
for j in range(int(sys.argv[3])):
    log.append(user=sys.argv[2], role="leader", scope="620000", action="view_page", target=str(j))
"""


def test_appends_from_several_processes_keep_one_chain(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(log.path), f"p{i}", "25"], cwd=PROJECT_ROOT,
                                stderr=subprocess.PIPE, text=True) for i in range(4)]
    for writer in writers:
        assert writer.wait(timeout=120) == 0, writer.stderr.read()
    check = log.verify()
    assert check.ok and check.entries == 100 and check.alerts == ()
    entries = log.entries()
    assert [e["seq"] for e in entries] == list(range(1, 101))
    assert {u: sum(e["user"] == u for e in entries) for u in ("p0", "p1", "p2", "p3")} == dict.fromkeys(
        ("p0", "p1", "p2", "p3"), 25)
    head = json.loads(log.head_path.read_text(encoding="utf-8"))
    assert (head["seq"], head["hash"]) == (100, check.last_hash)


# --- filtering and paging without reading it all -------------------------------------------------

def test_filters_and_pages_stream_from_the_files(tmp_path):
    log = _log(tmp_path, n=12)
    assert count(log, AuditFilter()) == 12
    first = query(log, AuditFilter(), limit=5)
    second = query(log, AuditFilter(), limit=5, offset=5)
    assert first["seq"].tolist() == [12, 11, 10, 9, 8] and second["seq"].tolist() == [7, 6, 5, 4, 3]
    assert query(log, AuditFilter(user="u1"))["seq"].tolist() == [11, 8, 5, 2]
    assert query(log, AuditFilter(role="leader"))["seq"].tolist() == [12, 10, 8, 6, 4, 2]
    assert query(log, AuditFilter(since=START + timedelta(days=300)))["seq"].tolist() == [12, 11]
    assert query(log, AuditFilter(until=START + timedelta(days=31)))["seq"].tolist() == [2, 1]
    assert count(log, AuditFilter(region=COUNTY)) == 12  # every target lies in the county
    assert count(log, AuditFilter(region="640000")) == 0
    assert query(log, AuditFilter(target="101205"))["seq"].tolist() == [6]
    assert count(log, AuditFilter(action="export")) == 0
    log.archive(180, now=START + timedelta(days=400))
    assert count(log, AuditFilter()) == 4 and count(log, AuditFilter(include_archive=True)) == 12
    entry = as_entries(query(log, AuditFilter(user="u2"), limit=1))[0]
    assert entry["filters"] == {"region": COUNTY, "year": 2024} and entry["rows"] is None
    with pytest.raises(ValueError, match="not a region code"):
        count(log, AuditFilter(region="62"))


def test_the_command_filters_pages_and_records_the_listing(tmp_path, capsys):
    from analysis.commands import main

    log = _log(tmp_path, n=8)
    common = ["--db", str(tmp_path / "x.duckdb"), "--log", str(log.path), "--json"]
    assert main(["audit-log", "--since", "2026-03-01", "--role", "leader", "--limit", "2", *common]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert (listed["total"], [e["seq"] for e in listed["entries"]]) == (3, [8, 6])
    assert main(["audit-log", "--region", COUNTY, "--user", "u0", "--target", "1012", *common]) == 0
    assert [e["seq"] for e in json.loads(capsys.readouterr().out)["entries"]] == [7, 4, 1]
    exports = log.entries(action="export")
    assert [e["rows"] for e in exports] == [2, 3] and exports[0]["target"] == "audit-log"
    assert exports[0]["filters"] == {"since": "2026-03-01T00:00:00+00:00", "role": "leader"}
    assert exports[0]["user"].startswith("cli:") and log.verify().ok


def test_the_auditor_page_filters_pages_and_audits_its_export(demo_db, tmp_path, monkeypatch):
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.testing.v1 import AppTest

    from analysis.config import DB_ENV

    log = AuditLog(tmp_path / "audit.jsonl")
    now = datetime.now(UTC)
    for i in range(130):
        log.append(user=f"u{i % 2}", role="leader", scope=COUNTY, action="view_page", target=str(i),
                   now=now - timedelta(minutes=200 - i))
    monkeypatch.setenv(DB_ENV, str(demo_db))
    monkeypatch.setenv("INCOMEWATCH_AUDIT_LOG", str(log.path))
    downloads = []  # (file name, data callable): Streamlit runs the callable only when the file is fetched
    register = MediaFileManager.add_deferred

    def remember(manager, data, mimetype, coordinates, file_name=None, **kwargs):
        downloads.append((file_name, data))
        return register(manager, data, mimetype, coordinates, file_name=file_name, **kwargs)
    monkeypatch.setattr(MediaFileManager, "add_deferred", remember)
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.user = {"is_logged_in": True, "preferred_username": "auditor-1", "iat": int(time.time()),
               "role": "auditor", "region_code": "00"}
    at.run()
    assert [e.value for e in at.exception] == []
    assert any("校验通过" in s.value or "Verified" in s.value for s in at.success)
    assert len(at.dataframe[0].value) == 100
    at.text_input(key="audit_user").input("u1").run()
    shown = at.dataframe[0].value
    assert len(shown) == 65 and set(shown[t("auditlog_col_user", "zh")]) == {"u1"}  # headers in the UI's language
    csv = downloads[-1][1]().decode("utf-8-sig").splitlines()  # what the browser gets on click
    assert downloads[-1][0].startswith("incomewatch-audit-log") and len(csv) == 66 and "u0" not in "".join(csv)
    export = log.entries(action="export")[-1]
    assert (export["user"], export["rows"], export["filters"]["user"]) == ("auditor-1", 65, "u1")
    at.number_input(key="audit_page_number").set_value(1).run()
    at.text_input(key="audit_user").input("").run()
    at.number_input(key="audit_page_number").set_value(2).run()
    assert len(at.dataframe[0].value) == count(log, AuditFilter(since=now - timedelta(days=31))) - 100
    at.text_input(key="audit_region").input("62").run()
    assert at.error and at.dataframe.len == 0
    assert [e.value for e in at.exception] == []

