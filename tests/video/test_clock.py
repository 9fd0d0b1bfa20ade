"""StreamClock: a frame FFmpeg held back is as old as its stream time says, not as new as its release."""

from __future__ import annotations

from console.video.clock import LATE_S, RESYNC_S, StreamClock


def test_frames_on_time_are_stamped_when_they_came_and_a_held_frame_when_the_stream_says():
    clock = StreamClock()
    assert clock.stamp(10.0, 1000.0) == 1000.0
    assert clock.stamp(10.1, 1000.1) == 1000.1
    assert clock.stamp(10.2, 1000.3) == 1000.3, "jitter under LATE_S is on time"
    # the next frame (pts 10.3) comes out 2 s late, when FFmpeg's read gave up on a stalled server
    assert clock.stamp(10.3, 1002.4) == 1000.3 + 0.1


def test_a_stream_late_for_longer_than_resync_is_a_shifted_timeline_and_counts_as_on_time_again():
    clock = StreamClock()
    clock.stamp(0.0, 500.0)
    # a server that kept its pts across a 5 s pause: every frame after it is 5 s "late"
    late = [clock.stamp(0.1 + i * 0.1, 505.1 + i * 0.1) for i in range(int(RESYNC_S / 0.1) + 3)]
    assert late[0] == 500.1
    assert late[-1] == 505.1 + (len(late) - 1) * 0.1, "after RESYNC_S the frames are live again"
    assert clock.stamp(0.1 + len(late) * 0.1, 505.1 + len(late) * 0.1 + LATE_S / 2) > 505.0


def test_no_pts_or_a_jump_back_is_stamped_now():
    clock = StreamClock()
    assert clock.stamp(None, 7.0) == 7.0
    clock.stamp(100.0, 10.0)
    assert clock.stamp(2.0, 14.0) == 14.0, "a restarted timeline is a new anchor"
    assert clock.stamp(2.1, 14.1) == 14.1
