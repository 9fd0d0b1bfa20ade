"""Start and stop a whole gateway: the hub link, the photo folder, the audit trail, the HTTP server."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from console.gateway.app import Gateway
from console.gateway.link import HubLink
from console.gateway.photos import PhotoStore
from console.gateway.sources import Sources


@dataclass(slots=True)
class GatewayConfig:
    """Everything `duty-console gateway` takes on its command line."""

    site: str
    hub: str = "ws://127.0.0.1:8765"
    hub_token: str = "demo-ingest"
    host: str = "127.0.0.1"
    port: int = 8780
    tokens: str | None = None
    photos: str = "gateway-photos"
    #: the URL consoles fetch photos from (default: http://host:port)
    public_url: str | None = None
    #: SQLAlchemy URL of the gateway's audit trail (None: no audit)
    db: str | None = "sqlite:///gateway.db"
    hub_timeout: float = 5.0
    #: the hub's tokens file: its field tokens may post photo reports (console/gateway/field.py)
    field_tokens: str | None = None
    #: how often the gateway tells the hub it is alive (silent for three of these: `source_silent`)
    heartbeat_s: float = 10.0


class RunningGateway:
    """A started gateway; `stop()` is safe to call twice."""

    def __init__(self, gateway: Gateway, link: HubLink, store):
        self.gateway, self.link, self.store = gateway, link, store
        self._stopped = False

    @property
    def url(self) -> str:
        return self.gateway.url

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        await self.gateway.stop()
        await self.link.stop()
        if self.store is not None:
            self.store.close()


async def start_gateway(cfg: GatewayConfig, *, wait_live: float | None = None) -> RunningGateway:
    """Read the site's plane, connect to the hub, serve HTTP. SiteInvalid / SourceError on bad files.

    `wait_live`: wait up to this many seconds for the hub session to be live.
    """
    from console.site.loader import read_plane

    loop = asyncio.get_running_loop()
    plane = await loop.run_in_executor(None, read_plane, cfg.site)
    sources = Sources.from_file(cfg.tokens) if cfg.tokens else Sources.demo()
    store = None
    if cfg.db:
        from console.store import Store

        store = await loop.run_in_executor(None, Store, cfg.db)
    link = HubLink(cfg.hub, cfg.hub_token)
    if cfg.heartbeat_s > 0:
        link.session.beats[""] = cfg.heartbeat_s  # "": the hub names it by the gateway's token
    await link.start()
    photos = PhotoStore(cfg.photos, cfg.public_url or "")
    field = None
    if cfg.field_tokens:
        from console.gateway.field import FieldSources

        field = FieldSources.from_file(cfg.field_tokens)
    gw = Gateway(link, plane, photos, sources, audit=store, host=cfg.host, port=cfg.port, hub_timeout=cfg.hub_timeout,
                 field=field)
    await gw.start()
    if not cfg.public_url:
        photos.public_url = gw.url
    if wait_live:
        await asyncio.wait_for(link.live.wait(), wait_live)
    return RunningGateway(gw, link, store)
