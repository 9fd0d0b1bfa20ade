"""Real video servers on loopback for the tests, each stopped by its fixture's finaliser.

- `RtspServer`: GStreamer's RTSP server (rtsp_server.py under Debian's python3), H.264 or H.265,
  encoded live or from a looped clip (`encoded_clip`).
- `FfmpegHttp`: ffmpeg serving one client over HTTP (`-listen 1`): MJPEG, MPEG-TS, any codec.
- `GarbageHttp`: an HTTP server that answers 200 and then sends random bytes.
- `FfmpegHls`: ffmpeg writing a live HLS playlist and segments into a folder, served by
  Python's http.server in a thread (what a relay's HLS output looks like to a player).
- `FfmpegHttps`: `FfmpegHttp` over TLS with a fresh self-signed certificate.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

SYSTEM_PYTHON = "/usr/bin/python3"
HERE = Path(__file__).parent


def free_port() -> int:
    """A TCP port nobody listens on now (the server binds it a moment later)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 10.0) -> None:
    """Until something accepts on 127.0.0.1:port."""
    end = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if time.monotonic() > end:
                raise AssertionError(f"nothing listens on port {port} after {timeout} s")
            time.sleep(0.05)


def gst_rtsp_available() -> bool:
    """Whether GStreamer's RTSP server can run here (Debian's python3 with gi)."""
    if not os.path.exists(SYSTEM_PYTHON):
        return False
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import gi; gi.require_version('GstRtspServer', '1.0');"
                              "from gi.repository import GstRtspServer"],
        capture_output=True, timeout=20)
    return probe.returncode == 0


needs_rtsp = pytest.mark.skipif(not gst_rtsp_available(),
                                reason="GStreamer RTSP server not installed (scripts/bootstrap.sh)")
needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg not installed")


class _Process:
    """A server subprocess: start, stop (terminate, then kill), restart on the same port."""

    def __init__(self):
        self.proc: subprocess.Popen | None = None
        #: the server's own messages (a server that does not come up says why in its failure)
        self._log = tempfile.TemporaryFile()

    def _argv(self) -> list[str]:
        raise NotImplementedError

    def said(self) -> str:
        """The last of what the server wrote on stderr."""
        self._log.seek(0)
        return self._log.read()[-2000:].decode(errors="replace").strip()

    def _ready(self) -> None:
        raise NotImplementedError

    def start(self) -> "_Process":
        self.proc = subprocess.Popen(self._argv(), stdout=subprocess.PIPE, stderr=self._log,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            self._ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def encoded_clip(codec: str = "h265", size: str = "1920x1080", fps: int = 15, seconds: int = 10,
                 bitrate: str = "4M") -> Path:
    """A camera-like clip (moving test pattern, one keyframe a second, no B-frames) as an Annex B file.

    Encoded once with ffmpeg (libx264 / libx265) into the temp directory and kept there for the
    next test or benchmark run: 10 s of 1080p H.265 cost ~8 s of CPU here, too much to pay each time.
    """
    if codec not in ("h264", "h265"):
        raise ValueError(f"codec {codec!r}: h264 or h265")
    folder = Path(tempfile.gettempdir()) / "console-clips"
    folder.mkdir(exist_ok=True)
    path = folder / f"{size}-{fps}fps-{seconds}s-{bitrate}.{codec}"
    if path.exists():
        return path
    if codec == "h264":
        enc = ["-c:v", "libx264", "-preset", "veryfast", "-g", str(fps), "-bf", "0", "-f", "h264"]
    else:
        enc = ["-c:v", "libx265", "-preset", "veryfast", "-f", "hevc",
               "-x265-params", f"keyint={fps}:min-keyint={fps}:bframes=0:log-level=error"]
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    subprocess.run(["ffmpeg", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi",
                    "-i", f"testsrc2=size={size}:rate={fps}", "-t", str(seconds), "-pix_fmt", "yuv420p",
                    "-b:v", bitrate, *enc, str(part)], check=True, capture_output=True, timeout=300)
    part.replace(path)  # whole or not at all: a parallel run never reads half a clip
    return path


class RtspServer(_Process):
    """gst-rtsp-server with a moving test pattern at rtsp://127.0.0.1:PORT/cam.

    `codec` h264 or h265, encoded live; with `clip` (an Annex B file of that codec, `encoded_clip`)
    the file is served instead, looped and paced at `fps` (live 1080p encoding takes more CPU than
    this machine has: one x265enc at 1080p 15 fps used a whole core).
    """

    def __init__(self, port: int | None = None, size: str = "640x360", fps: int = 15,
                 credentials: str | None = None, codec: str = "h264", clip: Path | None = None):
        super().__init__()
        if codec not in ("h264", "h265"):
            raise ValueError(f"codec {codec!r}: h264 or h265")
        self.port = port or free_port()
        self.size, self.fps, self.credentials = size, fps, credentials
        self.codec, self.clip = codec, clip

    @property
    def url(self) -> str:
        return f"rtsp://127.0.0.1:{self.port}/cam"

    def url_with(self, user: str, password: str) -> str:
        return f"rtsp://{user}:{password}@127.0.0.1:{self.port}/cam"

    def _argv(self) -> list[str]:
        argv = [SYSTEM_PYTHON, str(HERE / "rtsp_server.py"), str(self.port), self.size, str(self.fps)]
        argv += [self.credentials] if self.credentials else []
        argv += ["--codec", self.codec] if self.codec != "h264" else []
        return argv + (["--clip", str(self.clip)] if self.clip is not None else [])

    def _ready(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        result: list[bytes] = []
        reader = threading.Thread(target=lambda: result.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(15)
        if not result or not result[0].startswith(b"ready"):
            raise AssertionError(f"RTSP server did not start: {result!r} {self.said()}")


class FfmpegHttp(_Process):
    """ffmpeg encoding a test pattern and serving it to one HTTP client (`-listen 1`)."""

    def __init__(self, codec: str = "mjpeg", fmt: str = "mpjpeg", path: str = "cam", size: str = "640x360",
                 fps: int = 15, port: int | None = None):
        super().__init__()
        self.port = port or free_port()
        self.codec, self.fmt, self.path, self.size, self.fps = codec, fmt, path, size, fps

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.path}"

    def _argv(self) -> list[str]:
        extra = ["-tune", "zerolatency", "-g", str(self.fps)] if self.codec == "libx264" else []
        return ["ffmpeg", "-loglevel", "error", "-nostdin", "-re", "-f", "lavfi",
                "-i", f"testsrc=size={self.size}:rate={self.fps}", "-c:v", self.codec, *extra,
                "-f", self.fmt, "-listen", "1", self.url]

    def _ready(self) -> None:
        # ffmpeg -listen serves one client: probing the port would use it up; wait for the bind instead
        # (once in 29 CI runs it was not listening after 10 s: its own words now say why)
        end = time.monotonic() + 20
        while time.monotonic() < end:
            if _listening(self.port):
                return
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"ffmpeg exited before listening: {self.said()}")
            time.sleep(0.05)
        raise AssertionError(f"ffmpeg not listening on {self.port} after 20 s: {self.said()!r}")


class FfmpegHttps(FfmpegHttp):
    """ffmpeg serving MJPEG to one client over https, with a self-signed certificate made for the run."""

    def __init__(self, folder: Path, **kw):
        super().__init__(**kw)
        self.cert, self.key = folder / "cert.pem", folder / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", str(self.key), "-out", str(self.cert), "-days", "1",
                        "-subj", "/CN=127.0.0.1"], check=True, capture_output=True, timeout=30)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}/{self.path}"

    def _argv(self) -> list[str]:
        argv = super()._argv()
        return argv[:-1] + ["-cert_file", str(self.cert), "-key_file", str(self.key), self.url]


class FfmpegHls(_Process):
    """ffmpeg writing live HLS (1 s segments, H.264) into `folder`; http.server serves the folder."""

    def __init__(self, folder: Path, size: str = "640x360", fps: int = 15):
        super().__init__()
        self.folder, self.size, self.fps = Path(folder), size, fps
        self.folder.mkdir(parents=True, exist_ok=True)
        import functools
        import http.server

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):  # the test's output is not an access log
                pass

        handler = functools.partial(Quiet, directory=str(self.folder))
        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.http.daemon_threads = True
        self.port = self.http.server_address[1]
        self._thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cam.m3u8"

    def _argv(self) -> list[str]:
        return ["ffmpeg", "-loglevel", "error", "-nostdin", "-re", "-f", "lavfi",
                "-i", f"testsrc=size={self.size}:rate={self.fps}", "-c:v", "libx264", "-tune", "zerolatency",
                "-preset", "ultrafast", "-g", str(self.fps), "-f", "hls", "-hls_time", "1", "-hls_list_size", "4",
                "-hls_flags", "delete_segments+omit_endlist", str(self.folder / "cam.m3u8")]

    def _ready(self) -> None:
        end = time.monotonic() + 15
        playlist = self.folder / "cam.m3u8"
        while time.monotonic() < end:
            if playlist.exists() and playlist.read_text().count("#EXTINF") >= 2:
                return
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError("ffmpeg exited before writing the playlist")
            time.sleep(0.1)
        raise AssertionError("no HLS playlist after 15 s")

    def stop(self) -> None:
        super().stop()
        self.http.shutdown()
        self.http.server_close()


def _listening(port: int) -> bool:
    """Whether a socket is in LISTEN on 127.0.0.1:port (reads /proc, does not connect)."""
    want = f"0100007F:{port:04X}"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                for line in f.readlines()[1:]:
                    parts = line.split()
                    if parts[1] == want and parts[3] == "0A":  # 0A = LISTEN
                        return True
        except OSError:
            continue
    return False


class GarbageHttp:
    """An HTTP server that says 200 OK and then sends random bytes until the client leaves."""

    def __init__(self):
        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                try:
                    self.request.recv(4096)
                    self.request.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n")
                    end = time.monotonic() + 30
                    while time.monotonic() < end:
                        self.request.sendall(os.urandom(16384))
                        time.sleep(0.01)
                except OSError:
                    pass

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/cam.ts"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "GarbageHttp":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":  # pragma: no cover - a server by hand: python -m tests.video.servers
    srv = RtspServer(port=int(sys.argv[1]) if len(sys.argv) > 1 else 8554).start()
    print(srv.url)
    try:
        signal.pause()
    finally:
        srv.stop()
