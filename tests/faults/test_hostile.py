"""The short hostile-frames trial: a real hub process, hostile connections and a watcher (issue 9)."""

from __future__ import annotations

import pytest

from faults import trial_hostile


@pytest.mark.timeout(110)
def test_hostile_frames_leave_the_hub_up_bounded_and_the_watcher_unaffected():
    figures = trial_hostile.run(short=True)
    print(figures["summary"])
    assert figures["passed"], figures["problems"]
    # every kind of hostile frame was sent and refused with a code, and nothing died with 1011
    assert {"deep_known", "deep_unknown", "deep_20000", "huge_field", "huge_id", "flood"} <= set(figures["sent"])
    assert figures["errors"].get("malformed", 0) > 0 and figures["errors"].get("rate_limited", 0) > 0
    assert "1011" not in figures["closes"]
