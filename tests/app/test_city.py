"""`duty-console city`: every town's hub starts just before its own first alert, and the first line
says what to watch for and how to open a district console."""

from console.app.city import DISTRICT, LEAD_S, TOWNS, first_line, hub_command, hub_starts, _town_of
from console.scenarios import make_scenario, parse_start


def test_every_town_starts_shortly_before_its_first_alert_and_the_district_after_every_town():
    starts = hub_starts()
    scenario = make_scenario("marathon", 7, None)
    first: dict[str, float] = {}
    for t, _type, body in scenario.scheduled():
        first.setdefault(_town_of(body), t)
    for town in TOWNS:
        begins = parse_start(scenario.day_start, starts[town])
        assert 0 < first[town] - begins <= LEAD_S + 1, (town, starts[town])
    assert starts[DISTRICT] == max(starts[t] for t in TOWNS)
    # the hub command carries it
    cmd = hub_command("T1", 8800, "postgresql://x", "nats://127.0.0.1:4222", start=starts["T1"])
    assert cmd[cmd.index("--start") + 1] == starts["T1"]


def test_the_first_line_says_what_to_watch_and_how_to_open_a_district_console():
    line = first_line("ws://127.0.0.1:8807")
    assert "district sees" in line and "--url ws://127.0.0.1:8807 --token demo-commander" in line
