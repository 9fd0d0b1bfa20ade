"""A test RTSP server: GStreamer's gst-rtsp-server serving a moving test pattern as H.264.

Runs under Debian's /usr/bin/python3 (python3-gi is not in the venv); the tests start it
as a subprocess. Usage: rtsp_server.py PORT [WIDTHxHEIGHT] [FPS] [USER:PASSWORD]
Prints "ready rtsp://127.0.0.1:PORT/cam" once it listens; serves until killed.
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

import gi  # noqa: E402

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

Gst.init(None)
port = sys.argv[1]
w, h = (sys.argv[2] if len(sys.argv) > 2 else "640x360").split("x")
fps = sys.argv[3] if len(sys.argv) > 3 else "15"
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(port)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(
    f"( videotestsrc is-live=true pattern=smpte horizontal-speed=4 ! video/x-raw,width={w},height={h},framerate={fps}/1 "
    f"! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={fps} "
    "! rtph264pay name=pay0 pt=96 config-interval=1 )")
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
