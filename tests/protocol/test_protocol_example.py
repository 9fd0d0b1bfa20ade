"""PROTOCOL.md §15's example client, run exactly as the document prints it, against a real hub."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import console.protocol
from console.domain.model import Alert
from console.protocol import messages as m
from tests.hub.harness import Client, running_hub

DOC = Path(console.protocol.__file__).with_name("PROTOCOL.md")


def example_client() -> str:
    """The one Python code block of section 15, verbatim."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## 15. A minimal client"):text.index("## 16.")]
    [code] = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    return code


async def test_the_documented_client_survives_line_separators_in_a_report(tmp_db_url, tmp_path):
    script = tmp_path / "client.py"
    script.write_text(example_client(), encoding="utf-8")
    async with running_hub(tmp_db_url) as server:
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update(DUTY_HUB=server.url, DUTY_TOKEN="demo-commander", PYTHONIOENCODING="utf-8",
                   PYTHONUNBUFFERED="1")
        proc = await asyncio.create_subprocess_exec(sys.executable, str(script), env=env,
                                                    stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.PIPE)
        out: list[str] = []

        async def read() -> None:
            while line := await proc.stdout.readline():
                out.append(line.decode())

        async def until(predicate) -> None:
            while not predicate():
                assert proc.returncode is None and not reader.done(), \
                    "the example client ended:\n" + "".join(out) + (await proc.stderr.read()).decode()
                await asyncio.sleep(0.02)

        reader = asyncio.create_task(read())
        try:
            await asyncio.wait_for(until(lambda: any(x.startswith("live at seq") for x in out)), 20)
            # a field report and an ingested alert whose texts hold U+2028, U+2029 and U+0085
            async with Client.connect(server.url, "demo-field", last_seq=None) as field:
                report = m.CmdReport(kind="collapse", text="路面\u2028塌陷\u2029x\u0085y", x=10.0, y=20.0)
                assert (await field.command("cmd.report", report)).ok
            async with Client.connect(server.url, "demo-ingest", last_seq=None) as ingest:
                alert = Alert(id="S0001", source="camera", kind="cordon_intrusion", severity="critical",
                              title="闯入\u2028警戒区", at=0.0, x=1.0, y=2.0, grid="T1-C01-G1", town="T1",
                              text="第一行\u2028第二行")
                assert (await ingest.command("ingest.alert", m.IngestAlert(alert=alert))).ok
            # it saw both alerts and acknowledged both
            acked = lambda: [x for x in out if x.startswith("result") and "'ok': True" in x]  # noqa: E731
            await asyncio.wait_for(until(lambda: len(acked()) >= 2), 20)
            acknowledged = {i.id for i in server.core.state.incidents.values() if i.status == "acknowledged"}
            assert len(acknowledged) == 2 and "I-S0001" in acknowledged
        finally:
            if proc.returncode is None:
                proc.terminate()
            await proc.wait()
            reader.cancel()
        err = (await proc.stderr.read()).decode()
        assert "Traceback" not in err, err
