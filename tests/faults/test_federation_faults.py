"""The district picture and hand-offs under faults, short version (faults/trial_fed_district.py):
a district console accepts escalations across hubs while a town hub, nats-server and the district
hub are killed -9 and a town's link is black-holed; every hub restarted.

Real PostgreSQL and nats-server; must pass with 0 hand-offs lost, 0 applied twice, the outbox
empty, and the district's picture of every town (folded from the district's own log) equal to
the fold of that town's log. The long run is `make faults`.
"""

from __future__ import annotations

import pytest

from console.hub import nats_server
from console.store import pg_cluster
from faults.__main__ import figure_line, run_child

pytestmark = [pytest.mark.slow, pytest.mark.integration, pytest.mark.timeout(200),
              pytest.mark.skipif(not pg_cluster.available() or nats_server.binary() is None,
                                 reason="needs postgresql-15 and nats-server")]


def test_the_federated_district_trial_passes_its_short_run():
    figures = run_child("fed_district", short=True)
    print(figure_line("fed_district", figures))
    assert figures.get("passed"), figure_line("fed_district", figures)
    assert figures["lost"] == 0 and figures["applied_twice"] == 0 and figures["outbox_left"] == 0
    assert figures["outbox_while_nats_down"] > 0  # the hand-offs made while NATS was down were kept
    assert figures["district_picture_equal"] == f"{figures['towns']}/{figures['towns']}"
