"""Alarm-to-screen in service: the hub clock's offset from pongs, each alert's commit → paint, the hour's p95."""

from __future__ import annotations

import math

from console.client.alarm_latency import BACKLOG_S, PENDING_S, AlarmToScreen, HubClockOffset


def test_the_offset_comes_from_the_shortest_round_trip_and_says_its_error():
    clock = HubClockOffset()
    assert not clock.known and clock.offset == 0.0 and math.isinf(clock.error)
    # the hub runs 5 s ahead; the first pong waited 300 ms on the way back (a busy console), the second did not
    clock.pong(sent=100.0, received=100.4, hub_clock=105.1)
    assert abs(clock.offset - 4.9) < 1e-9, "a slow answer alone is off by half its round trip"
    clock.pong(sent=101.0, received=101.02, hub_clock=106.01)
    assert abs(clock.offset - 5.0) < 1e-9 and abs(clock.error - 0.01) < 1e-9
    assert abs(clock.local(1005.0) - 1000.0) < 1e-9
    clock.pong(sent=102.0, received=101.9, hub_clock=0.0)  # the local clock stepped back: no bound
    assert abs(clock.offset - 5.0) < 1e-9
    clock.forget()
    assert not clock.known


def _alarm(offset: float = 5.0) -> AlarmToScreen:
    alarm = AlarmToScreen()
    alarm.clock.pong(0.0, 0.0, offset)  # hub = local + offset, exactly
    return alarm


def test_each_alert_counts_from_the_hub_commit_to_the_first_paint_that_shows_its_row():
    alarm = _alarm()
    rows: set[str] = set()
    alarm.raised("INC-1", hub_time=1005.0, now=1000.05)  # committed at local 1000.0, applied 50 ms later
    assert alarm.painted(rows.__contains__, 1000.06) == 0, "a paint before the row exists does not count"
    rows.add("INC-1")
    assert alarm.painted(rows.__contains__, 1000.12) == 1
    assert alarm.painted(rows.__contains__, 1000.2) == 0, "counted once"
    [s] = alarm.seconds(1000.2)
    assert abs(s - 0.12) < 1e-9


def test_the_status_figure_is_the_p95_of_the_last_hour():
    alarm = _alarm(0.0)
    t = 10_000.0
    for i in range(100):  # one alert a minute for 100 min; one in twenty took 3 s
        at = t + 60.0 * i
        alarm.raised(f"I{i}", at, at)
        alarm.painted(lambda iid: True, at + (3.0 if i % 20 == 0 else 0.1))
    now = t + 60.0 * 99 + 1
    vals = alarm.seconds(now)
    assert len(vals) == 60, "only the last hour"
    assert 0.1 <= alarm.p50(now) < 0.11
    assert alarm.p95(now) > 0.1, "three slow ones in sixty move the p95"
    summary = alarm.summary(now)
    assert summary["n"] == 60 and summary["max_s"] == 3.0 and summary["clock_error_s"] == 0.0
    assert AlarmToScreen().p95(now) is None


def test_backlog_unknown_clock_scenario_speed_and_never_painted_rows_stay_out_of_the_figure():
    alarm = AlarmToScreen()
    alarm.raised("I0", 100.0, 100.0)
    assert alarm.painted(lambda iid: True, 100.1) == 0, "no pong yet: no offset, no figure"
    alarm = _alarm(0.0)
    alarm.raised("OLD", 0.0, BACKLOG_S + 1.0)  # a resume after an outage delivers an old alert
    assert alarm.backlog == 1 and alarm.painted(lambda iid: True, BACKLOG_S + 1.1) == 0
    alarm.rate = 10.0  # a drill at 10×: events carry scenario seconds
    alarm.raised("FAST", 500.0, 500.0)
    assert alarm.painted(lambda iid: True, 500.1) == 0
    alarm.rate = 1.0
    alarm.raised("HIDDEN", 600.0, 600.0)  # filtered out of the queue: its row never comes
    alarm.painted(lambda iid: False, 600.0 + PENDING_S + 1)
    assert alarm.missed == 1 and alarm.seconds(700.0) == []


def test_the_offset_survives_the_hubs_clock_ticks_and_is_forgotten_when_the_clock_is_set():
    alarm = _alarm(5.0)
    alarm.hub_clock(1005.0, 1.0, 1000.0)
    alarm.hub_clock(1005.5, 1.0, 1001.0)  # a clock message that waited 0.5 s behind a busy GUI
    assert alarm.clock.known and alarm.clock.offset == 5.0, "the once-a-second clock keeps the pong's offset"
    alarm.hub_clock(4000.0, 1.0, 1002.0)  # the drill's clock was set forward
    assert not alarm.clock.known
    alarm.clock.pong(1003.0, 1003.0, 4001.0)
    alarm.hub_clock(4002.0, 10.0, 1004.0)  # and sped up
    assert not alarm.clock.known and alarm.rate == 10.0
