"""Issue 9 item 16: tamper trials on a real hub's audit trail (short `faults/trial_audit.py`)."""

from __future__ import annotations

from faults import trial_audit


def test_every_tampering_is_detected_with_the_key():
    f = trial_audit.run(short=True)
    assert f["clean_ok"] and f["checkpoints"] >= 2, f
    for kind, k in f["kinds"].items():
        assert k["detected"] == k["total"] == 10, (kind, k)
        assert k["right_entry"] == k["total"], (kind, k)
    # The chain alone catches edits, deletions, swaps and duplicate keys; the signed checkpoints
    # are what catch a recomputed chain and a cut tail.
    assert f["kinds"]["dupkey"]["detected_without_key"] == 10
    assert f["kinds"]["rehash"]["detected_without_key"] == 0
    assert f["kinds"]["truncate"]["detected_without_key"] == 0
    assert f["passed"]
