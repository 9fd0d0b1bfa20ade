"""The gateway's Prometheus metrics, served at GET /metrics (no token, like /health).

One registry per gateway (not the library's global one), so several gateways in
one process (the tests) do not share counters. Names start `duty_gateway_`.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

#: seconds: from a request's head to its answer / a command's round trip to the hub
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class GatewayMetrics:
    """Counters the gateway updates and gauges read when scraped."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self, link, http):
        self.registry = r = CollectorRegistry(auto_describe=True)
        self.items = Counter("duty_gateway_items", "Items taken or refused, by input and outcome "
                             "(accepted, or the refusal code)", ["input", "outcome"], registry=r)
        self.item_seconds = Histogram("duty_gateway_item_seconds", "From a request's head to its answer, by input",
                                      ["input"], buckets=_BUCKETS, registry=r)
        self.hub_seconds = Histogram("duty_gateway_hub_command_seconds", "A command's round trip to the hub",
                                     buckets=_BUCKETS, registry=r)
        self.photos = Counter("duty_gateway_photos_stored", "Images checked, stripped and stored", registry=r)
        Gauge("duty_gateway_hub_live", "1 while the session with the hub is live", registry=r).set_function(
            lambda: 1.0 if link.live.is_set() else 0.0)
        Gauge("duty_gateway_hub_seq", "The last hub event the gateway applied", registry=r).set_function(
            lambda: float(link.state.seq))
        Gauge("duty_gateway_body_bytes_in_memory", "Request bodies held in memory now (all requests)",
              registry=r).set_function(lambda: float(http.budget.held))
        Gauge("duty_gateway_hub_commands_unanswered", "Commands sent to the hub and not yet answered",
              registry=r).set_function(lambda: float(link.session.outbox_depth))

    def render(self) -> bytes:
        """The text exposition format of every metric."""
        return generate_latest(self.registry)
