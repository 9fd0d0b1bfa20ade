"""A test RTSP server: GStreamer's gst-rtsp-server serving a moving test pattern as H.264 or H.265.

Runs under Debian's /usr/bin/python3 (python3-gi is not in the venv); the tests start it
as a subprocess. Usage:

    rtsp_server.py PORT [WIDTHxHEIGHT] [FPS] [USER:PASSWORD] [--codec h264|h265] [--clip FILE]

Prints "ready rtsp://127.0.0.1:PORT/cam" once it listens; serves until killed. `--codec`
(default h264) encodes the pattern live with x264enc or x265enc. `--clip` serves a
pre-encoded elementary stream of that codec instead (Annex B, as `ffmpeg -f h264` / `-f hevc`
writes it, FPS frames a second), looped for ever and paced in real time: encoding 1080p
live costs more than this machine has (x264enc reached ~3 fps), a clip costs only parsing.
"""

import subprocess
import sys

if "--child" not in sys.argv:
    # gst-rtsp-server 1.22 sometimes aborts when many clients join one shared media at once
    # (rtsp-media.c gst_rtsp_media_get_rates: assertion failed; about 1 run in 40 with 20 clients).
    # That is the test server's bug, not the console's: restart it on the same port, like a camera
    # that rebooted; the console's readers reconnect. The tests stop the whole process group.
    first = True
    while True:
        child = subprocess.Popen([sys.executable, __file__, "--child", *sys.argv[1:]], stdout=subprocess.PIPE)
        line = child.stdout.readline()
        if first:
            sys.stdout.write(line.decode())
            sys.stdout.flush()
            first = False
        code = child.wait()
        if code not in (-6, -11):  # only an abort or a crash is restarted; anything else is passed on
            sys.exit(code)
        print(f"rtsp_server: GStreamer died ({code}), restarting", file=sys.stderr, flush=True)
sys.argv.remove("--child")


def _option(name: str, default: str) -> str:
    """Take `--name VALUE` out of argv (the positional arguments stay where they were)."""
    if name not in sys.argv:
        return default
    i = sys.argv.index(name)
    value = sys.argv[i + 1]
    del sys.argv[i:i + 2]
    return value


codec = _option("--codec", "h264")
clip = _option("--clip", "")
if codec not in ("h264", "h265"):
    sys.exit(f"codec {codec!r}: h264 or h265")

import re  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import gi  # noqa: E402

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

Gst.init(None)


def access_units(path: str, codec: str) -> list[bytes]:
    """The clip cut into access units (one picture each, its parameter sets and SEI before it).

    A picture starts at the first NAL unit after a picture's slices that is a parameter set,
    SEI, delimiter or the first slice of a picture (first_mb_in_slice 0 / first_slice_segment).
    """
    data = open(path, "rb").read()
    units, begin, seen_slice = [], 0, False
    for m in re.finditer(b"\x00\x00\x01", data):
        nal = m.end()
        if nal + 2 >= len(data):
            break
        if codec == "h264":
            kind = data[nal] & 0x1F
            is_slice, opens = kind in (1, 5), kind in (6, 7, 8, 9) or (kind in (1, 5) and data[nal + 1] & 0x80)
        else:
            kind = (data[nal] >> 1) & 0x3F
            is_slice, opens = kind < 32, kind in (32, 33, 34, 35, 39) or (kind < 32 and data[nal + 2] & 0x80)
        if opens and seen_slice:
            cut = m.start() - 1 if m.start() > 0 and data[m.start() - 1] == 0 else m.start()
            units.append(data[begin:cut])
            begin, seen_slice = cut, False
        seen_slice = seen_slice or is_slice
    units.append(data[begin:])
    return units


def _feed(media, units: list[bytes], fps: int) -> None:
    """Push the clip's pictures into the media's appsrc, one every 1/fps s, looping, until it is unprepared."""
    src = media.get_element().get_by_name("clip")
    done = threading.Event()
    media.connect("unprepared", lambda _media: done.set())

    def run() -> None:
        start, i = time.monotonic(), 0
        while not done.is_set():
            src.emit("push-buffer", Gst.Buffer.new_wrapped(units[i % len(units)]))
            i += 1
            done.wait(max(0.0, start + i / fps - time.monotonic()))

    threading.Thread(target=run, name="clip-feed", daemon=True).start()

port = sys.argv[1]
w, h = (sys.argv[2] if len(sys.argv) > 2 else "640x360").split("x")
fps = sys.argv[3] if len(sys.argv) > 3 else "15"
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(port)
factory = GstRtspServer.RTSPMediaFactory()
pay = f"rtp{codec}pay name=pay0 pt=96 config-interval=1"
if clip:
    factory.set_launch(
        f"( appsrc name=clip is-live=true do-timestamp=true format=time max-buffers={2 * int(fps)} leaky-type=2 "
        f"caps=video/x-{codec},stream-format=byte-stream,alignment=au ! {codec}parse ! {pay} )")
    factory.connect("media-configure", lambda _factory, media: _feed(media, access_units(clip, codec), int(fps)))
else:
    enc = (f"x264enc tune=zerolatency speed-preset=ultrafast key-int-max={fps}" if codec == "h264" else
           f"x265enc tune=zerolatency speed-preset=ultrafast key-int-max={fps}")
    factory.set_launch(
        f"( videotestsrc is-live=true pattern=smpte horizontal-speed=4 ! video/x-raw,width={w},height={h},"
        f"framerate={fps}/1 ! {enc} ! {pay} )")
factory.set_shared(True)
if len(sys.argv) > 4:  # basic auth: only this user may play
    user, password = sys.argv[4].split(":", 1)
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string("media.factory.role", user)
    auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
    server.set_auth(auth)
    perms = GstRtspServer.RTSPPermissions()
    perms.add_role(user)
    perms.add_permission_for_role(user, "media.factory.access", True)
    perms.add_permission_for_role(user, "media.factory.construct", True)
    factory.set_permissions(perms)
server.get_mount_points().add_factory("/cam", factory)
if server.attach(None) == 0:
    sys.exit(f"cannot listen on 127.0.0.1:{port}")
print(f"ready rtsp://127.0.0.1:{port}/cam", flush=True)
GLib.MainLoop().run()
