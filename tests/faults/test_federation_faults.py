"""Federation under every fault, short version (faults/trial_federation.py): a district console
answers escalations across hubs while a town hub is killed -9 right after accepts, nats-server is
killed -9 with the district killed on its outbox, the district is killed again and its console's
declines go the moment its port opens, a town is partitioned and black-holed, and nats-server
comes back with an empty data directory; every hub restarted at the end.

Real PostgreSQL and nats-server; must pass with every escalation in the district's log once,
every decision applied at its town once (none decided by the district itself), the outbox empty,
the district's picture of every town (folded from its own log) equal to the fold of that town's
log, and the district seeing every town again within 30 s of the wipe, with an alarm meanwhile.
The long run is `make faults`. Its faults include every fault of the city trial
(faults/trial_city.py: a town killed mid-hand-off, nats-server killed, a black-holed link, every
hub restarted), whose own runs are in `make faults` only.
"""

from __future__ import annotations

import pytest

from console.hub import nats_server
from console.store import pg_cluster
from faults.__main__ import figure_line, run_child

pytestmark = [pytest.mark.slow, pytest.mark.integration, pytest.mark.timeout(200),
              pytest.mark.skipif(not pg_cluster.available() or nats_server.binary() is None,
                                 reason="needs postgresql-15 and nats-server")]


def test_the_federation_trial_passes_its_short_run():
    figures = run_child("federation", short=True)
    print(figure_line("federation", figures))
    assert figures.get("passed"), figure_line("federation", figures)
    assert figures["lost"] == 0 and figures["applied_twice"] == 0 and figures["outbox_left"] == 0
    assert figures["escalations_not_once"] == 0 and figures["declines_taken_as_accepts"] == 0
    assert figures["outbox_while_nats_down"] > 0  # the hand-offs made while NATS was down were kept
    assert figures["district_picture_equal"] == f"{figures['towns']}/{figures['towns']}"
    assert figures["wipe_seen_again_s"] <= 30 and figures["district_alarms"] > 0 and figures["alarms_closed"]
