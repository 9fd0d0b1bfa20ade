"""PyAV vs QtMultimedia: open-to-first-frame and CPU for N RTSP streams (the decoder decision, console/video/README.md).

usage: python bench/video_decoders.py pyav|qt|qt16 URL N SECONDS
(one process per run, so CPU is that decoder's alone; a server: /usr/bin/python3 tests/video/rtsp_server.py 18700)
qt16 raises Qt's global thread pool to 16 threads (by default Qt opens streams one core at a time).
"""
import os, sys, time, resource
which, url, n, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF); return r.ru_utime + r.ru_stime
if which == "pyav":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from console.video.pool import DecodePool
    from console.video.sources import StreamSources, Want
    pool = DecodePool(workers=1); src = StreamSources(pool)
    t0 = time.monotonic(); c0 = cpu()
    src.watch({f"C{i}": Want(url, 320, 180) for i in range(n)})
    while not all(pool.stats(f"C{i}").decoded for i in range(n)) and time.monotonic() - t0 < 30: time.sleep(0.01)
    firsts = sorted(src.status(f"C{i}").first_frame_s for i in range(n))
    d0 = sum(pool.stats(f"C{i}").decoded for i in range(n)); c1 = cpu(); t1 = time.monotonic()
    time.sleep(secs)
    d1 = sum(pool.stats(f"C{i}").decoded for i in range(n)); c2 = cpu(); t2 = time.monotonic()
    src.close(2)
else:
    from PySide6.QtCore import QThreadPool, QTimer, QUrl
    from PySide6.QtWidgets import QApplication
    from PySide6.QtMultimedia import QMediaPlayer, QVideoSink
    app = QApplication([])
    if which == "qt16": QThreadPool.globalInstance().setMaxThreadCount(16)
    players, first, count = [], {}, [0]
    t0 = time.monotonic(); c0 = cpu()
    for i in range(n):
        p = QMediaPlayer(); s = QVideoSink(); p.setVideoSink(s)
        def on(frame, i=i):
            count[0] += 1
            if i not in first:
                first[i] = time.monotonic() - t0
                # scale like the tile would (Qt converts on the GUI thread)
            frame.toImage().scaled(320, 180)
        s.videoFrameChanged.connect(on)
        p.setSource(QUrl(url)); p.play(); players.append((p, s))
    marks = {}
    def tick():
        now = time.monotonic()
        if "c1" not in marks and len(first) == n:
            marks.update(c1=cpu(), t1=now, d0=count[0])
        if "c1" in marks and now - marks["t1"] >= secs:
            marks.update(c2=cpu(), t2=now, d1=count[0]); app.quit()
        if now - t0 > 30 + secs: app.quit()
    tm = QTimer(); tm.timeout.connect(tick); tm.start(20)
    app.exec()
    firsts = sorted(first.values()); c1, t1, d0 = marks.get("c1", 0), marks.get("t1", 1), marks.get("d0", 0)
    c2, t2, d1 = marks.get("c2", 0), marks.get("t2", 2), marks.get("d1", 0)
fps = (d1 - d0) / (t2 - t1)
print(f"{which:5s} n={n} first p50 {firsts[len(firsts)//2]:.2f} s max {firsts[-1]:.2f} s ({len(firsts)}/{n} started) | "
      f"decoded {fps:.1f} fps | CPU {100*(c2-c1)/(t2-t1):.1f} % of a core = {100*(c2-c1)/(t2-t1)/max(1,n):.2f} %/stream, "
      f"{1000*(c2-c1)/max(1,d1-d0):.2f} ms/frame | open→all first CPU {c1-c0:.2f} s")
