"""The console process is killed with SIGKILL at random points while it acknowledges and
dispatches, and started again on its local file; the hub runs on.

Checks: no command took effect on the hub that the console's own file does not hold
(write first, then send); every command the file holds ends answered; none applied twice;
the console's saved state equal to a fault-free fold of the hub's log; both SQLite files sound.
"""

from __future__ import annotations

import asyncio
import random
import signal
import sqlite3
import sys
import tempfile
from collections import Counter
from pathlib import Path

from faults.common import ROOT, HubProcess, child_env, fold_log, free_port, integrity, same_state, seed_hub_log


def run(short: bool) -> dict:
    """The trial: figures and `passed`."""
    return asyncio.run(_run(short))


async def _console(url: str, local_db: str, tag: str, count: int) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "faults.console_proc", url, local_db, tag, str(count),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL, env=child_env(), cwd=ROOT)


async def _run(short: bool) -> dict:
    from console.client.session import REPLICA_KEY
    from console.domain.state import decode_state
    from console.store import Store

    kills = 4 if short else 40
    rng = random.Random(29)
    tmp = Path(tempfile.mkdtemp(prefix="faults-consolekill-"))
    hub_url, console_url = f"sqlite:///{tmp / 'hub.db'}", f"sqlite:///{tmp / 'console.db'}"
    await seed_hub_log(hub_url, incidents=max(60, kills * 3))
    hub = HubProcess(hub_url, free_port(), tmp / "hub.log")
    await hub.start()
    killed = 0
    try:
        for run_no in range(kills):
            proc = await _console(hub.url, console_url, f"ck{run_no}", 400)
            # A console takes about a second to import and go live; it is killed somewhere in its work.
            await asyncio.sleep(rng.uniform(0.8, 3.0))
            if proc.returncode is None:
                proc.send_signal(signal.SIGKILL)
                killed += 1
            await proc.wait()
        last = await _console(hub.url, console_url, "final", 20)
        final_code = await asyncio.wait_for(last.wait(), 90)
    finally:
        await hub.stop()

    with sqlite3.connect(tmp / "console.db") as db:
        rows = db.execute("SELECT command_id, confirmed IS NOT NULL FROM outbox").fetchall()
    with sqlite3.connect(tmp / "hub.db") as db:
        applied = {r[0] for r in db.execute("SELECT command_id FROM command_results")}
    in_file = {cid for cid, _ in rows}
    fold = fold_log(hub_url)
    texts = Counter(a.text for a in fold.alerts.values() if a.text.startswith("ck") or a.text.startswith("final"))
    store = Store(console_url)
    saved = store.get_setting(REPLICA_KEY)
    store.close()
    figures = {
        "kills": killed, "commands_in_file": len(in_file), "answered": sum(done for _, done in rows),
        "outbox_pending": sum(not done for _, done in rows),
        "applied_unknown_to_console": len(applied - in_file),
        "reports": len(texts), "doubled": sum(n - 1 for n in texts.values() if n > 1),
        "events": fold.seq, "final_exit": final_code,
        "same_state": saved is not None and same_state(decode_state(saved), fold),
        "integrity": "ok" if integrity(hub_url) == integrity(console_url) == "ok" else "BROKEN",
    }
    figures["passed"] = (final_code == 0 and figures["outbox_pending"] == 0 and figures["doubled"] == 0
                         and figures["applied_unknown_to_console"] == 0 and figures["same_state"]
                         and figures["integrity"] == "ok" and killed > 0)
    return figures
