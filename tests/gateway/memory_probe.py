"""How much a gateway process grows for large photo reports: `python -m tests.gateway.memory_probe [ROOT]`.

Starts a hub (in this process) and `duty-console gateway` (its own process, the one
measured), posts photo reports one at a time and four at once, and prints the
gateway's resident memory (VmRSS) and its peak (VmHWM) after each step. ROOT: the
source tree to run the gateway from (default: this one), to compare two versions.
Not a test: numbers for PERF notes and the gateway's report.
"""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

from console.app.config import HubConfig
from console.app.hub import start_hub

from tests.gateway.harness import http_call, multipart
from tests.site.sitefolder import lonlat, write_site

HERE = Path(__file__).resolve().parents[2]


def noisy_jpeg(width: int, height: int, quality: int) -> bytes:
    """A photo-like JPEG that does not compress away: noise over a gradient."""
    rng = np.random.default_rng(7)
    base = np.linspace(0, 200, width, dtype=np.float32)[None, :, None]
    pixels = np.clip(base + rng.normal(0, 40, (height, width, 3)), 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def smooth_jpeg(width: int, height: int) -> bytes:
    """A large-pixel JPEG that stays under the 4 MiB cap (a 40 Mpixel photo of a plain wall)."""
    im = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def memory(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB."""
    got = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            got[key] = int(value.split()[0]) / 1024
    return got["VmRSS"], got["VmHWM"]


def report(url: str, rid: str, photo: bytes) -> int:
    lon, lat = lonlat(500, 500)
    body, ctype = multipart({"report_id": rid, "reporter": "张伟", "kind": "debris", "text": "测试",
                             "lon": str(lon), "lat": str(lat)}, [("photo", f"{rid}.jpg", "image/jpeg", photo)])
    return http_call("POST", f"{url}/reports", body, {"Content-Type": ctype, "Authorization": "Bearer demo-photo"})[0]


async def main(root: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        site = write_site(tmp / "site")
        hub = await start_hub(HubConfig(port=0, scenario=None, db=f"sqlite:///{tmp / 'hub.db'}", site=str(site),
                                        site_poll_s=0))
        env = dict(os.environ, PYTHONPATH=str(root))
        proc = subprocess.Popen([sys.executable, "-m", "console", "gateway", "--site", str(site), "--hub", hub.url,
                                 "--port", "0", "--photos", str(tmp / "photos"), "--db", f"sqlite:///{tmp / 'gw.db'}"],
                                cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            url = ""
            while not url:
                line = await asyncio.to_thread(proc.stdout.readline)
                if not line:
                    raise RuntimeError("gateway did not start")
                if line.startswith("gateway serving "):
                    url = line.split()[2]
            await asyncio.sleep(1.0)
            big = noisy_jpeg(4000, 3000, 97)        # ~15 MB: over the 4 MiB photo cap
            wide = smooth_jpeg(7200, 5400)          # 38.9 Mpixel, under 4 MiB: accepted, scaled down
            print(f"photos: {len(big) / 1e6:.1f} MB noisy 4000×3000; {len(wide) / 1e6:.2f} MB 7200×5400", flush=True)
            print(f"{'step':44} {'status':>10} {'RSS MB':>8} {'peak MB':>8}", flush=True)
            rss, hwm = memory(proc.pid)
            print(f"{'started':44} {'':>10} {rss:8.1f} {hwm:8.1f}", flush=True)
            steps = [("one 15 MB photo", [big]), ("four 15 MB photos at once", [big] * 4),
                     ("one 39 Mpixel photo", [wide]), ("four 39 Mpixel photos at once", [wide] * 4)]
            n = 0
            with ThreadPoolExecutor(4) as pool:
                for name, photos in steps:
                    ids = [f"m{n + i}" for i in range(len(photos))]
                    n += len(photos)
                    statuses = await asyncio.gather(*(asyncio.wrap_future(pool.submit(report, url, rid, p))
                                                      for rid, p in zip(ids, photos)))
                    time.sleep(0.5)
                    rss, hwm = memory(proc.pid)
                    print(f"{name:44} {','.join(map(str, sorted(set(statuses)))):>10} {rss:8.1f} {hwm:8.1f}",
                          flush=True)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            await hub.stop()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE))
