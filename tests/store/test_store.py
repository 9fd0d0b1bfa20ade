"""The store against real databases: every test taking `tmp_db_url` runs on a SQLite file and
on a PostgreSQL 15 database (tests/conftest.py starts the server)."""

import sqlite3
import threading

import pytest

from console.store import DuplicateEventError, SchemaVersionError, Store, verify_audit_url
from tests.store.dbraw import is_pg, raw_db


def _path(url: str) -> str:
    return url.removeprefix("sqlite:///")


_is_pg = is_pg
_raw = raw_db


@pytest.fixture
def store(tmp_db_url):
    s = Store(tmp_db_url)
    yield s
    s.close()


def _ev(seq: int) -> tuple[int, str, float, bytes]:
    return (seq, "alert_raised" if seq % 2 else "task_dispatched", 1000.0 + seq / 8, f'{{"seq":{seq}}}'.encode())


# ---- event log --------------------------------------------------------------


def test_empty_log(store):
    assert (store.last_seq(), store.first_seq(), store.event_count()) == (0, 0, 0)
    assert store.events_after(0) == []


def test_events_after_in_order_with_limit(store):
    # Written out of order across batches: reads must still come back by seq.
    store.commit([_ev(s) for s in (4, 5, 6)], [])
    store.commit([_ev(s) for s in (1, 2, 3)], [])
    assert store.events_after(0) == [_ev(s) for s in range(1, 7)]
    assert store.events_after(2) == [_ev(s) for s in (3, 4, 5, 6)]
    assert store.events_after(2, limit=2) == [_ev(3), _ev(4)]
    assert store.events_after(6) == []
    assert (store.first_seq(), store.last_seq(), store.event_count()) == (1, 6, 6)
    row = store.events_after(0, limit=1)[0]
    assert isinstance(row[3], bytes) and row[2] == 1000.125


def test_duplicate_seq_rejected_and_batch_atomic(store):
    store.commit([_ev(1), _ev(2)], [])
    with pytest.raises(DuplicateEventError):
        store.commit([_ev(3), _ev(2), _ev(4)], [])
    # Nothing of the failed batch was written.
    assert store.events_after(0) == [_ev(1), _ev(2)]
    with pytest.raises(ValueError):
        store.commit([_ev(7), _ev(7)], [])
    assert store.last_seq() == 2


def test_events_survive_reopen(tmp_db_url):
    s = Store(tmp_db_url)
    s.commit([_ev(s_) for s_ in range(1, 1001)], [])
    s.close()
    s2 = Store(tmp_db_url)
    assert s2.event_count() == 1000 and s2.events_after(999) == [_ev(1000)]
    s2.close()


def test_sqlite_uses_wal(sqlite_db_url):  # WAL is SQLite's: no PostgreSQL case to skip
    store = Store(sqlite_db_url)
    try:
        store.commit([_ev(1)], [])
        with sqlite3.connect(_path(sqlite_db_url)) as raw:
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        store.close()


def test_parent_dirs_created(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'a' / 'b' / 'duty.db'}")
    s.commit([_ev(1)], [])
    s.close()
    assert (tmp_path / "a" / "b" / "duty.db").exists()


def test_prune_events(store):
    store.commit([_ev(s) for s in range(1, 11)], [])
    assert store.prune_events_before(6) == 5
    assert (store.first_seq(), store.last_seq(), store.event_count()) == (6, 10, 5)


# ---- snapshots ----------------------------------------------------------------


def test_snapshot_at_or_before(store):
    assert store.latest_snapshot() is None
    store.save_snapshot(100, b"s100")
    store.save_snapshot(300, b"s300")
    store.save_snapshot(200, b"s200")
    assert store.latest_snapshot() == (300, b"s300")
    assert store.latest_snapshot(at_or_before=250) == (200, b"s200")
    assert store.latest_snapshot(at_or_before=200) == (200, b"s200")
    assert store.latest_snapshot(at_or_before=99) is None
    store.save_snapshot(200, b"s200-again")
    assert store.latest_snapshot(at_or_before=299) == (200, b"s200-again")


# ---- command results ---------------------------------------------------------


def test_command_results_idempotent_per_sender(store):
    assert store.command_result("alice", "c-1") is None
    store.commit([], [("c-1", "alice", b"first")])
    store.commit([], [("c-1", "alice", b"again")])
    assert store.command_result("alice", "c-1") == b"first"  # the first answer is kept
    # the same id from another sender is another command
    store.commit([], [("c-1", "bob", b"second")])
    assert store.command_result("bob", "c-1") == b"second"
    assert store.command_ids() == {("alice", "c-1"), ("bob", "c-1")}


def test_command_results_are_pruned_by_count_and_age(store):
    from console.store.engine import write_tx
    from console.store.schema import command_results

    now = 1_000_000.0
    with write_tx(store.engine) as conn:
        conn.execute(command_results.insert(), [
            {"actor": "a", "command_id": f"c{i}", "created": now - 100 + i, "result": b"r"} for i in range(100)])
        conn.execute(command_results.insert(), [{"actor": "a", "command_id": "old", "created": now - 9e6, "result": b"r"}])
    gone = store._commands.prune(max_rows=60, max_age=7 * 86400, now=now)
    assert ("a", "old") in gone and ("a", "c39") in gone and ("a", "c40") not in gone
    assert store.command_result_count() == 60
    assert store.command_ids() == {("a", f"c{i}") for i in range(40, 100)}


def test_a_file_with_unscoped_command_ids_is_migrated(tmp_path):
    import sqlite3

    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE command_results (command_id VARCHAR(128) PRIMARY KEY, actor VARCHAR(128) NOT NULL,"
                " created FLOAT NOT NULL, result BLOB NOT NULL)")
    con.execute("INSERT INTO command_results VALUES ('c-1', 'alice', 1.0, x'6f6b')")
    con.commit()
    con.close()
    with Store(f"sqlite:///{path}") as s:
        assert s.command_result("alice", "c-1") == b"ok"
        s.commit([], [("c-1", "bob", b"x")])
        assert s.command_result("bob", "c-1") == b"x"


def test_log_epoch_is_made_once_and_kept_in_the_file(tmp_db_url, tmp_path):
    s = Store(tmp_db_url)
    epoch = s.log_epoch()
    assert len(epoch) >= 16 and s.log_epoch() == epoch
    s.close()
    again = Store(tmp_db_url)
    assert again.log_epoch() == epoch  # a restarted hub is the same log
    again.close()
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    assert other.log_epoch() != epoch  # a fresh --db is another log, whatever its seqs
    other.close()


# ---- outbox ------------------------------------------------------------------


def test_outbox_survives_reopen(tmp_db_url):
    s = Store(tmp_db_url)
    for cid in ("c-3", "c-1", "c-2"):
        s.outbox_add(cid, cid.encode())
    s.outbox_add("c-1", b"dup")  # re-adding keeps the first
    assert s.outbox_depth() == 3
    s.outbox_confirm("c-1", b"ok")
    s.outbox_confirm("unknown", b"ok")  # ignored
    s.close()

    s = Store(tmp_db_url)
    assert s.outbox_pending() == [("c-3", b"c-3"), ("c-2", b"c-2")]
    assert s.outbox_depth() == 2
    s.outbox_confirm("c-3", b"ok")
    s.outbox_confirm("c-2", b"ok")
    assert s.outbox_pending() == [] and s.outbox_depth() == 0
    s.close()


# ---- settings ----------------------------------------------------------------


def test_settings_roundtrip(tmp_db_url):
    s = Store(tmp_db_url)
    assert s.get_setting("last_seq") is None
    s.put_setting("last_seq", b"41")
    s.put_setting("last_seq", b"42")
    s.close()
    s = Store(tmp_db_url)
    assert s.get_setting("last_seq") == b"42"
    s.close()


def test_close_twice(tmp_db_url):
    s = Store(tmp_db_url)
    s.close()
    s.close()


# ---- audit chain ---------------------------------------------------------------


def _chain(store, n=5):
    ids = [
        store.audit(f"user{i}", "commander", "dispatch", "ok", {"incident": f"i-{i}", "units": [i, i + 1]})
        for i in range(1, n + 1)
    ]
    assert ids == list(range(1, n + 1))
    return ids


def test_audit_clean_chain(store, tmp_db_url):
    assert store.verify_audit().ok  # empty
    _chain(store)
    v = store.verify_audit()
    assert v.ok and v.checked == 5 and v.first_broken is None
    assert verify_audit_url(tmp_db_url) == v


def test_audit_detects_edited_entry(store, tmp_db_url):
    _chain(store)
    with _raw(tmp_db_url) as raw:
        raw.execute("""UPDATE audit_log SET detail='{"incident":"i-3","units":[9]}' WHERE id=3""")
    v = store.verify_audit()
    assert not v.ok and v.first_broken == 3 and v.checked == 2, v


def test_audit_detects_edited_entry_with_rehash(store, tmp_db_url):
    """A forger who recomputes the edited entry's own hash still breaks the next link."""
    from console.store.audit import entry_hash

    _chain(store)
    with _raw(tmp_db_url) as raw:
        id_, ts, actor, role, action, prev = raw.execute(
            "SELECT id, ts, actor, role, action, prev_hash FROM audit_log WHERE id=2"
        ).fetchone()
        h = entry_hash(prev, id_, ts, actor, role, action, "denied", '{"incident":"i-2","units":[2,3]}')
        raw.execute("UPDATE audit_log SET outcome='denied', hash=? WHERE id=2", (h,))
    v = store.verify_audit()
    assert not v.ok and v.first_broken == 3, v


def test_audit_detects_deleted_entry(store, tmp_db_url):
    _chain(store)
    with _raw(tmp_db_url) as raw:
        raw.execute("DELETE FROM audit_log WHERE id=3")
    v = store.verify_audit()
    assert not v.ok and v.first_broken == 4 and "missing" in v.reason, v


def test_audit_detects_deleted_first_entry(store, tmp_db_url):
    _chain(store)
    with _raw(tmp_db_url) as raw:
        raw.execute("DELETE FROM audit_log WHERE id=1")
    v = store.verify_audit()
    assert not v.ok and v.first_broken == 2, v


def test_audit_detects_truncated_tail(store, tmp_db_url):
    _chain(store)
    with _raw(tmp_db_url) as raw:
        raw.execute("DELETE FROM audit_log WHERE id=5")
    v = store.verify_audit()
    assert not v.ok and v.first_broken == 5 and v.checked == 4, v


def test_audit_detects_swapped_entries(store, tmp_db_url):
    _chain(store)
    with _raw(tmp_db_url) as raw:
        # Swap the ids of entries 2 and 4: rows now read 1, 4', 3, 2', 5.
        raw.execute("UPDATE audit_log SET id=-1 WHERE id=2")
        raw.execute("UPDATE audit_log SET id=2 WHERE id=4")
        raw.execute("UPDATE audit_log SET id=4 WHERE id=-1")
    v = store.verify_audit()
    assert not v.ok and v.first_broken == 2 and v.checked == 1, v


def test_audit_continues_after_reopen(tmp_db_url):
    s = Store(tmp_db_url)
    _chain(s, 3)
    s.close()
    s = Store(tmp_db_url)
    assert s.audit("x", "operator", "ack", "ok", {"alert": "a-1"}) == 4
    assert s.verify_audit().ok and s.verify_audit().checked == 4
    s.close()


def test_verify_audit_url_missing_file(tmp_path):
    v = verify_audit_url(f"sqlite:///{tmp_path / 'nope.db'}")
    assert not v.ok and not (tmp_path / "nope.db").exists()


def test_audit_detects_duplicate_key_forgery(store, tmp_db_url):
    """A detail rewritten with a duplicate key: Python reads the last value, SQLite's json_extract the first.

    The old verifier hashed the parsed detail, so a forged first key verified while SQL
    queries over the trail read the forged value.
    """
    _chain(store)
    with _raw(tmp_db_url) as raw:
        (detail,) = raw.execute("SELECT detail FROM audit_log WHERE id=3").fetchone()
        forged = '{"incident":"i-999",' + detail[1:]
        raw.execute("UPDATE audit_log SET detail=? WHERE id=3", (forged,))
        if not _is_pg(tmp_db_url):  # PostgreSQL's json reads the last key, as Python does
            assert raw.execute("SELECT json_extract(detail, '$.incident') FROM audit_log WHERE id=3"
                               ).fetchone() == ("i-999",)
    v = store.verify_audit()
    assert not v.ok and v.first_broken == 3, v


def test_audit_detail_must_be_canonical():
    from console.store.audit import parse_detail

    assert parse_detail('{"a":1,"b":[2]}') == {"a": 1, "b": [2]}
    for bad in ('{"a":1,"a":2}', '{"b":1,"a":2}', '{"a": 1}', '[1]'):
        with pytest.raises(ValueError):
            parse_detail(bad)


# ---- one transaction: events, results, audit, snapshot ---------------------------


def test_commit_writes_audit_with_its_events_and_skips_a_retried_id(store):
    row = ("alice", "commander", "cmd.dispatch", "ok", {"command": "c1", "seqs": [1]})
    head = store.commit([(1, "task_dispatched", 1.0, b"{}")], [("c1", "alice", b"ok")], [("c1", row)])
    assert head is not None and head[0] == 1
    # The same command id committed again (a retry racing a restart): no second entry.
    assert store.commit([(2, "x", 2.0, b"{}")], [("c1", "alice", b"ok")], [("c1", row)]) is None
    v = store.verify_audit()
    assert v.ok and v.checked == 1, v
    # the same id from another sender is another command, audited on its own
    bob = ("bob", "commander", "cmd.dispatch", "ok", {"command": "c1", "seqs": [3]})
    assert store.commit([(3, "x", 3.0, b"{}")], [("c1", "bob", b"ok")], [("c1", bob)]) is not None
    assert store.verify_audit().checked == 2


def test_commit_is_all_or_nothing_with_audit_and_snapshot(store):
    store.commit([(1, "x", 1.0, b"{}")], [], [])
    row = ("alice", "commander", "cmd.report", "ok", {"command": "c2", "seqs": [1]})
    with pytest.raises(DuplicateEventError):
        store.commit([(1, "x", 1.0, b"{}")], [("c2", "alice", b"ok")], [("c2", row)], snapshot=(1, b"state"))
    assert store.command_result("alice", "c2") is None
    assert store.latest_snapshot() is None
    assert store.verify_audit().checked == 0


# ---- signed checkpoints ------------------------------------------------------------


def _key(tmp_path):
    from console.store.audit import make_key_file, read_key

    make_key_file(tmp_path / "audit.key")
    return read_key(tmp_path / "audit.key")


def _checkpoint(store, tmp_path, key):
    from console.store.audit import AuditCheckpoints

    with _raw(store.url) as raw:
        entry, h = raw.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    AuditCheckpoints(tmp_path / "audit.cp", key).write(entry, h)


def test_checkpoints_detect_a_rehashed_chain(store, tmp_db_url, tmp_path):
    """Edit entry 2 and recompute every hash after it: the chain verifies, the signed checkpoint does not."""
    from console.store.audit import GENESIS, entry_hash

    key = _key(tmp_path)
    _chain(store)
    _checkpoint(store, tmp_path, key)
    with _raw(tmp_db_url) as raw:
        raw.execute("UPDATE audit_log SET outcome='denied' WHERE id=2")
        prev = GENESIS
        for id_, ts, actor, role, action, outcome, detail in raw.execute(
                "SELECT id, ts, actor, role, action, outcome, detail FROM audit_log ORDER BY id").fetchall():
            h = entry_hash(prev, id_, ts, actor, role, action, outcome, detail)
            raw.execute("UPDATE audit_log SET prev_hash=?, hash=? WHERE id=?", (prev, h, id_))
            prev = h
        raw.execute("UPDATE settings SET value=? WHERE key='audit.head'", (f"5:{prev}".encode(),))
    assert verify_audit_url(tmp_db_url).ok  # without the key the forgery passes
    v = verify_audit_url(tmp_db_url, key=key, checkpoints=tmp_path / "audit.cp")
    assert not v.ok and "rehashed" in v.reason and v.first_broken == 1, v


def test_checkpoints_detect_a_truncated_tail(store, tmp_db_url, tmp_path):
    key = _key(tmp_path)
    _chain(store)
    _checkpoint(store, tmp_path, key)
    with _raw(tmp_db_url) as raw:
        (h4,) = raw.execute("SELECT hash FROM audit_log WHERE id=4").fetchone()
        raw.execute("DELETE FROM audit_log WHERE id=5")
        raw.execute("UPDATE settings SET value=? WHERE key='audit.head'", (f"4:{h4}".encode(),))
    assert verify_audit_url(tmp_db_url).ok
    v = verify_audit_url(tmp_db_url, key=key, checkpoints=tmp_path / "audit.cp")
    assert not v.ok and v.first_broken == 5 and "missing from the end" in v.reason, v


def test_checkpoint_file_is_authenticated(store, tmp_db_url, tmp_path):
    from console.store.audit import AuditCheckpoints, CheckpointError

    key = _key(tmp_path)
    _chain(store, 2)
    _checkpoint(store, tmp_path, key)
    store.audit("bob", "operator", "cmd.report", "ok", {"n": 3})
    _checkpoint(store, tmp_path, key)
    v = verify_audit_url(tmp_db_url, key=key, checkpoints=tmp_path / "audit.cp")
    assert v.ok and v.checkpoints == 2, v
    # Another key: nothing authenticates.
    assert not verify_audit_url(tmp_db_url, key=b"x" * 32, checkpoints=tmp_path / "audit.cp").ok
    # A checkpoint line removed: the next one no longer follows.
    lines = (tmp_path / "audit.cp").read_text().splitlines()
    (tmp_path / "cut.cp").write_text(lines[1] + "\n")
    with pytest.raises(CheckpointError):
        AuditCheckpoints(tmp_path / "cut.cp", key).read()
    # A line torn by a crash is skipped, and the next write goes on from the last good one.
    with open(tmp_path / "audit.cp", "a") as f:
        f.write('{"n":3,"ent')
    cps = AuditCheckpoints(tmp_path / "audit.cp", key)
    store.audit("bob", "operator", "cmd.report", "ok", {"n": 4})
    _checkpoint(store, tmp_path, key)
    good, warnings = cps.read()
    assert [c.n for c in good] == [1, 2, 3] and len(warnings) == 1


# ---- schema versions and concurrent writers ---------------------------------------


def test_a_new_database_is_stamped_with_the_current_schema_version(tmp_db_url):
    from console.store.migrations import CURRENT, read_version

    with Store(tmp_db_url) as s:
        assert s.schema_version == CURRENT and read_version(s.engine) == CURRENT
    with Store(tmp_db_url) as s:  # reopening changes nothing
        assert read_version(s.engine) == CURRENT


def test_a_schema_version_from_a_newer_release_is_refused_with_one_clear_message(tmp_db_url):
    from console.store.migrations import CURRENT

    with Store(tmp_db_url) as s:
        s.commit([_ev(1)], [])
    with _raw(tmp_db_url) as raw:
        raw.execute("UPDATE schema_version SET version=? WHERE id=1", (CURRENT + 1,))
    with pytest.raises(SchemaVersionError) as err:
        Store(tmp_db_url)
    msg = str(err.value)
    assert f"schema version {CURRENT + 1}" in msg and f"up to {CURRENT}" in msg and "newer release" in msg
    with _raw(tmp_db_url) as raw:  # refused before touching anything
        assert raw.execute("SELECT count(*) FROM events").fetchone()[0] == 1
        assert raw.execute("SELECT version FROM schema_version").fetchone()[0] == CURRENT + 1


def test_a_pre_version_file_is_stamped_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.db"
    with Store(f"sqlite:///{path}") as s:
        s.commit([_ev(1)], [("c1", "alice", b"ok")])
    con = sqlite3.connect(path)
    con.execute("DROP TABLE schema_version")
    con.commit()
    con.close()
    with Store(f"sqlite:///{path}") as s:
        assert s.event_count() == 1 and s.command_result("alice", "c1") == b"ok"
        from console.store.migrations import CURRENT, read_version

        assert read_version(s.engine) == CURRENT


def test_two_stores_on_one_database_keep_one_audit_chain_and_one_epoch(tmp_db_url):
    """Two writers (a hub and a tool, or two racing starts) never fork the chain: writes are serialised."""
    a, b = Store(tmp_db_url), Store(tmp_db_url)
    epochs: list[str] = []

    def write(store, who):
        epochs.append(store.log_epoch())
        for i in range(40):
            store.audit(who, "operator", "ack", "ok", {"n": i})

    threads = [threading.Thread(target=write, args=(st, w)) for st, w in ((a, "a"), (b, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    v = a.verify_audit()
    assert v.ok and v.checked == 80, v
    assert len(set(epochs)) == 1
    a.close()
    b.close()


# ---- the federated hub's hand-off outbox (schema version 2) ------------------------------


def test_the_handoff_outbox_keeps_each_msg_id_once_in_order_until_sent_across_a_reopen(tmp_db_url):
    with Store(tmp_db_url) as s:
        assert s.handoff_add("D:a:1", "T3", {"Nats-Msg-Id": "D:a:1"}, b"one")
        assert s.handoff_add("D:a:2", "T1", {"Nats-Msg-Id": "D:a:2"}, b"two")
        assert not s.handoff_add("D:a:1", "T3", {}, b"again")  # the first one is kept
        s.handoff_sent("D:a:2")
    with Store(tmp_db_url) as s:
        assert s.handoff_pending() == [("D:a:1", "T3", {"Nats-Msg-Id": "D:a:1"}, b"one")]
        assert s.handoff_depth() == 1
        s.handoff_sent("D:a:1")
        assert s.handoff_pending() == [] and s.handoff_depth() == 0


def test_a_version_1_database_is_brought_to_version_2_with_its_rows(tmp_db_url):
    from console.store.migrations import CURRENT

    with Store(tmp_db_url) as s:
        s.commit([_ev(1)], [])
    with _raw(tmp_db_url) as raw:  # as a version-1 release left it
        raw.execute("DROP TABLE handoff_outbox")
        raw.execute("UPDATE schema_version SET version=? WHERE id=1", (1,))
    with Store(tmp_db_url) as s:
        assert s.schema_version == CURRENT == 3  # and on to 3: the incident archive
        assert s.last_seq() == 1 and s.handoff_add("D:x:1", "T1", {}, b"x")
