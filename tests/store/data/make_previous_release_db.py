"""Write hub-schema-v1.db with the PREVIOUS release's code (schema version 1, before the hand-off outbox).

How the committed file was made (its bytes are the fixture; this script is the record):

    git archive a8ae2d0^ console | tar -x -C /tmp/prev
    PYTHONPATH=/tmp/prev python tests/store/data/make_previous_release_db.py tests/store/data/hub-schema-v1.db

a8ae2d0 added schema version 2; its parent is the last release that wrote version 1. The
hub below is that release's HubCore on that release's Store: the marathon baseline, three
camera alerts, a commander's acknowledge and dispatch (command results and audit entries
written in the same transactions as their events), one refused command, and a snapshot.
"""

import asyncio
import sys

from console.domain.model import Alert
from console.hub.auth import TokenRegistry
from console.hub.core import Clock, HubCore
from console.protocol import messages as m
from console.scenarios import build_marathon_baseline
from console.store import Store
from console.store.migrations import CURRENT


async def main(path: str) -> None:
    assert CURRENT == 1, f"run this with the previous release's code (it writes version {CURRENT})"
    store = Store(f"sqlite:///{path}")
    core = HubCore(store, clock=Clock(start=1_764_462_660.0))
    await core.start()
    tokens = TokenRegistry.demo()
    ingest, commander = tokens.lookup("Bearer demo-ingest"), tokens.lookup("Bearer demo-commander")
    seqs = core.emit([("baseline_loaded", m.BaselineLoaded(baseline=build_marathon_baseline()))])
    await core.wait_committed(seqs[-1])
    for n in range(1, 4):
        alert = Alert(id=f"X{n:04d}", source="camera", kind="cordon_intrusion", severity="critical",
                      title=f"alert {n}", at=0.0, x=100.0, y=50.0, grid="T1-C01-G1", town="T1", camera="CAM01")
        assert (await core.command(ingest, f"a{n}", "ingest.alert", m.IngestAlert(alert=alert))).ok
    assert (await core.command(commander, "c1", "cmd.acknowledge", m.CmdIncident(incident="I-X0001"))).ok
    assert (await core.command(commander, "c2", "cmd.dispatch", m.CmdDispatch(incident="I-X0001", resource="R0001"))).ok
    assert not (await core.command(commander, "c3", "cmd.dispatch",
                                   m.CmdDispatch(incident="I-X9999", resource="R0002"))).ok
    store.save_snapshot(*_snapshot(core))
    await core.close()
    store.close()


def _snapshot(core):
    from console.domain.state import encode_state

    return core.state.seq, encode_state(core.state)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
