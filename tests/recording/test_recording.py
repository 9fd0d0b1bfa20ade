"""Drill files: what a recording holds, rebuilding state at any moment, and clear errors for bad files."""

import shutil
import sqlite3

import pytest

from console.domain.state import state_hash
from console.scenarios.marathon import DOG_TITLE
from console.recording.drill_file import FORMAT_VERSION, DrillFileError, DrillReader


def test_a_recording_holds_events_snapshots_frames_and_meta(recorded):
    path, live = recorded
    with DrillReader(path) as r:
        meta = r.meta
        assert (meta.scenario, meta.seed, meta.mode, meta.recorded_by) == ("marathon", 7, "exercise", "pytest")
        assert meta.first_seq == 1 and meta.last_seq == live.seq == meta.events
        assert meta.end - meta.start == pytest.approx(1200.0)
        assert meta.snapshots >= 10 and meta.frames >= 30 and meta.cameras == ["CAM01", "CAM02"]
        # the events are the wire envelopes, and a plain sqlite3 reader sees them
    db = sqlite3.connect(path)
    types = dict(db.execute("SELECT type, count(*) FROM events GROUP BY type").fetchall())
    assert types["baseline_loaded"] == 1 and types["task_dispatched"] > 0
    first = db.execute("SELECT data FROM events WHERE seq = 1").fetchone()[0]
    assert first.startswith(b'{"v":2,"type":"baseline_loaded","seq":1,')
    db.close()


def test_replaying_the_file_gives_the_state_of_the_recorded_run(recorded):
    path, live = recorded
    with DrillReader(path) as r:
        assert state_hash(r.final_state()) == state_hash(live)
        dog = [a for a in r.alert_markers() if a[1] == "critical"]
        assert dog and any(live.alerts[aid].title == DOG_TITLE for _, _, aid in dog)


def test_state_at_any_moment_equals_folding_every_event_up_to_it(recorded):
    from console.domain.apply import apply
    from console.domain.state import State

    path, _ = recorded
    with DrillReader(path) as r:
        for offset in (0.0, 95.5, 480.0, 611.0, 1199.0):
            ts = r.meta.start + offset
            folded = State()
            for seq, _t, t, data in r.iter_events():
                if t > ts:
                    break
                apply(folded, r.decode(data))
            assert state_hash(r.state_at(ts)) == state_hash(folded), offset


def test_frames_are_found_by_camera_and_time(recorded):
    path, _ = recorded
    with DrillReader(path) as r:
        f = r.frame_at("CAM02", r.meta.start + 600)
        assert f is not None and f[0] <= r.meta.start + 600 and f[4][:2] == b"\xff\xd8"
        assert r.frame_at("CAM02", r.meta.start - 10) is None
        assert r.frame_at("CAM40", r.meta.end) is None


# ------------------------------------------------------------------ broken files

def _copy(recorded, tmp_path):
    dst = tmp_path / "copy.drill"
    shutil.copy(recorded[0], dst)
    return dst


def _problem(path) -> str:
    with pytest.raises(DrillFileError) as info:
        DrillReader(path)
    assert str(path) in str(info.value)
    return info.value.problem


def test_missing_empty_and_foreign_files_are_named(tmp_path):
    assert "no such drill file" in _problem(tmp_path / "nope.drill")
    (tmp_path / "empty.drill").write_bytes(b"")
    assert "empty" in _problem(tmp_path / "empty.drill")
    (tmp_path / "text.drill").write_text("hello, not a database\n" * 20)
    assert "not a drill file (not an SQLite database)" in _problem(tmp_path / "text.drill")
    other = tmp_path / "other.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    assert "not a drill file (no table meta, events, snapshots, frames)" in _problem(other)


def test_a_truncated_file_is_named_damaged(recorded, tmp_path):
    dst = _copy(recorded, tmp_path)
    data = dst.read_bytes()
    dst.write_bytes(data[: len(data) // 2])
    assert "damaged drill file" in _problem(dst)
    dst.write_bytes(data[:60])
    assert "truncated" in _problem(dst)


def test_a_corrupted_page_is_named_damaged(recorded, tmp_path):
    dst = _copy(recorded, tmp_path)
    data = bytearray(dst.read_bytes())
    for i in range(4096 * 3, 4096 * 3 + 2000):  # garbage over a b-tree page
        data[i] = 0xA5
    dst.write_bytes(bytes(data))
    assert "damaged drill file" in _problem(dst)


def test_wrong_version_and_gaps_are_named(recorded, tmp_path):
    dst = _copy(recorded, tmp_path)
    db = sqlite3.connect(dst)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'version'")
    db.commit()
    assert _problem(dst) == "drill format version 99; this console reads versions 1, 2"
    db.execute("UPDATE meta SET value = ? WHERE key = 'version'", (str(FORMAT_VERSION),))
    db.execute("DELETE FROM events WHERE seq = 5")
    db.commit()
    db.close()
    assert "events missing" in _problem(dst)


def test_a_bad_event_is_named_when_it_is_read(recorded, tmp_path):
    dst = _copy(recorded, tmp_path)
    db = sqlite3.connect(dst)
    db.execute("UPDATE events SET data = ? WHERE seq = 3", (b'{"v":2,"type":"nonsense"}',))
    db.commit()
    db.close()
    with DrillReader(dst) as r, pytest.raises(DrillFileError, match="an event is not a valid message"):
        ts = r.events(2, 1)[0][2]
        r.state_at(ts)


def test_the_cli_reports_a_bad_drill_file_without_a_traceback(tmp_path, capsys):
    from console.cli import main

    bad = tmp_path / "bad.drill"
    bad.write_text("garbage")
    assert main(["report", str(bad), "--quiet"]) == 2
    assert main(["hub", "--drill", str(bad), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("not a drill file (not an SQLite database)") == 2
    assert "Traceback" not in err
