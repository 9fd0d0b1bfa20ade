"""The gateway's hub link resumes with the log epoch: a hub restarted on a new log is not spliced onto the old."""

from console.app.config import HubConfig
from console.app.hub import start_hub
from console.gateway.run import GatewayConfig, start_gateway

from tests.gateway.harness import cap_xml, post, until
from tests.site.sitefolder import write_site

XML = "application/xml"


async def test_a_hub_restarted_on_a_new_log_replaces_the_gateways_state(tmp_path):
    site = write_site(tmp_path / "site")

    def hub_config(db: str, port: int = 0) -> HubConfig:
        return HubConfig(port=port, scenario=None, db=f"sqlite:///{tmp_path / db}", site=str(site), site_poll_s=0)

    old = await start_hub(hub_config("old.db"))
    port = int(old.url.rsplit(":", 1)[1])
    gw = await start_gateway(GatewayConfig(site=str(site), hub=old.url, port=0, photos=str(tmp_path / "photos"),
                                           db=None), wait_live=10)
    new = None
    try:
        for i in range(3):
            status, _, body = await post(f"{gw.url}/cap", cap_xml(f"OLD_{i}"), "demo-cap", XML)
            assert status == 201, body
        last = body["alert"]
        await until(lambda: gw.link.state.seq >= old.core.state.seq)
        old_epoch, old_seq = gw.link.epoch, gw.link.state.seq
        assert old_epoch and len(gw.link.state.alerts) == 3
        await old.stop()
        await until(lambda: not gw.link.live.is_set())

        # the same address, a new database: a new log whose seqs start again
        new = await start_hub(hub_config("new.db", port))
        assert new.core.state.seq < old_seq
        await until(lambda: gw.link.live.is_set() and gw.link.epoch != old_epoch, timeout=20)
        assert gw.link.state.seq == new.core.state.seq
        assert gw.link.state.alerts.keys() == new.core.state.alerts.keys() == set(), "nothing of the old log kept"
        assert not gw.link.incident_of
        # what the old log took is news to the new one: raised, not answered "duplicate"
        status, _, body = await post(f"{gw.url}/cap", cap_xml("OLD_2"), "demo-cap", XML)
        assert status == 201 and body["alert"] == last, body
        status, _, body = await post(f"{gw.url}/cap", cap_xml("NEW_1"), "demo-cap", XML)
        assert status == 201, body
        await until(lambda: gw.link.state.seq >= new.core.state.seq)
        assert gw.link.state.alerts.keys() == new.core.state.alerts.keys() and len(new.core.state.alerts) == 2
    finally:
        await gw.stop()
        if new is not None:
            await new.stop()
        await old.stop()
