"""The federated city's fault trial, short version (faults/trial_city.py): a town hub killed -9
mid-hand-off, nats-server killed -9, a town's NATS link black-holed, every hub restarted.

Real PostgreSQL and nats-server; must pass with 0 hand-offs lost and 0 applied twice, and the
district's picture of every town equal to the fold of that town's log. The long run is `make faults`.
"""

from __future__ import annotations

import pytest

from console.hub import nats_server
from console.store import pg_cluster
from faults.__main__ import figure_line, run_child

pytestmark = [pytest.mark.slow, pytest.mark.integration, pytest.mark.timeout(200),
              pytest.mark.skipif(not pg_cluster.available() or nats_server.binary() is None,
                                 reason="needs postgresql-15 and nats-server")]


def test_the_city_trial_passes_its_short_run():
    figures = run_child("city", short=True)
    print(figure_line("city", figures))
    assert figures.get("passed"), figure_line("city", figures)
    assert figures["lost"] == 0 and figures["applied_twice"] == 0
    assert figures["district_picture_equal"] == f"{figures['towns']}/{figures['towns']}"
