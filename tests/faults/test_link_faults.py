"""The link's fault trials, short version: cuts and black holes, hub kill -9, console kill -9, slow consumers.

Each trial runs as `python -m faults` runs it (a fresh process, bounded in time) and must
pass: nothing lost, nothing applied twice, the console equal to a fault-free fold of the
hub's log, the SQLite files sound. The long run is `make faults`.
"""

from __future__ import annotations

import pytest

from faults.__main__ import figure_line, run_child

pytestmark = [pytest.mark.slow, pytest.mark.integration, pytest.mark.timeout(200)]


@pytest.mark.parametrize("trial", ["link_relay", "hub_kill", "console_kill", "slow_consumer"])
def test_the_link_trial_passes_its_short_run(trial):
    figures = run_child(trial, short=True)
    print(figure_line(trial, figures))
    assert figures.get("passed"), figure_line(trial, figures)
    if "lost" in figures:
        assert figures["lost"] == 0 and figures["doubled"] == 0
