"""Build and run a whole hub (store, core, server, world) from one config."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from console.hub.auth import TokenRegistry
from console.hub.core import Clock, HubCore
from console.hub.server import HubServer
from console.hub.world import World
from console.store import Store

log = logging.getLogger(__name__)


@dataclass(slots=True)
class HubConfig:
    """Everything `duty-console hub` takes on its command line."""

    host: str = "127.0.0.1"
    port: int = 8765
    scenario: str | None = "marathon"
    speed: float = 1.0
    seed: int = 7
    start: str | None = None
    db: str = "sqlite:///hub.db"
    tokens: str | None = None
    fps: float = 5.0
    simulate_field: bool = True
    mode: str = "live"
    queue_limit: int = 20_000


class RunningHub:
    """A started hub; `stop()` takes it down in order and is safe to call twice."""

    def __init__(self, store: Store, core: HubCore, server: HubServer, world: World | None):
        self.store, self.core, self.server, self.world = store, core, server, world
        self._stopped = False

    @property
    def url(self) -> str:
        return self.server.url

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self.world is not None:
            await self.world.stop()
        await self.server.stop()
        await self.core.close()
        self.store.close()


async def start_hub(cfg: HubConfig) -> RunningHub:
    """Open the store, recover, start serving and (with a scenario) start the world."""
    tokens = TokenRegistry.from_file(cfg.tokens) if cfg.tokens else TokenRegistry.demo()
    store = await asyncio.get_running_loop().run_in_executor(None, Store, cfg.db)
    scenario = simulator = renderer = None
    clock = Clock(rate=cfg.speed)
    if cfg.scenario:
        from console.drill import make_scenario
        from console.drill.frames import FrameRenderer
        from console.drill.simulator import FieldSimulator

        scenario = make_scenario(cfg.scenario, cfg.seed, cfg.start)
        clock = Clock(start=scenario.start_time, rate=cfg.speed)
        simulator = FieldSimulator(cfg.seed) if cfg.simulate_field else None
        renderer = FrameRenderer()
    core = HubCore(store, clock=clock, mode=cfg.mode)
    await core.start()
    if scenario is not None and core.state.seq:
        # A restarted hub goes on from where its log ends, not from the scenario start.
        clock.start = max(core.state.now, scenario.start_time)
        scenario.due(clock.start)
    server = HubServer(core, tokens, host=cfg.host, port=cfg.port, queue_limit=cfg.queue_limit)
    await server.start()
    world = None
    if scenario is not None:
        world = World(core, server, scenario, simulator, fps=cfg.fps, renderer=renderer)
        await world.start()
    log.info("hub serving %s (scenario %s, speed %.1f×)", server.url, cfg.scenario, cfg.speed)
    return RunningHub(store, core, server, world)
