"""Synthetic camera frames for drills: a riverside road, a cordon, moving people, overlays.

Everything static is cached: the per-camera background, the camera-name
overlay, and the timestamp overlay (re-rasterised at most once per second,
shared by all cameras). A frame is a copy of the background, a few hundred
small rectangles, two alpha blends and a JPEG encode.
"""

from __future__ import annotations

import os
import zlib
from datetime import datetime

import numpy as np
import simplejpeg
from PIL import Image, ImageDraw, ImageFont

from console.domain.localtime import TZ
from console.domain.model import Camera

FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
#: people in a camera's pool; `crowd` 0..1 selects how many are drawn
POOL = 180

_fonts: dict[int, ImageFont.ImageFont] = {}


def _font(size: int):
    f = _fonts.get(size)
    if f is None:
        f = None
        for p in FONT_PATHS:
            if os.path.exists(p):
                try:
                    f = ImageFont.truetype(p, size)
                    break
                except OSError:
                    pass
        if f is None:
            try:
                f = ImageFont.load_default(size=size)
            except TypeError:  # Pillow < 10.1
                f = ImageFont.load_default()
        _fonts[size] = f
    return f


class _Overlay:
    """A pre-rasterised text box: where it goes, its alpha and its colour."""

    __slots__ = ("x", "y", "alpha", "color", "inv")

    def __init__(self, text: str, size: int, x: int, y: int, fg=(255, 255, 255),
                 bg=(0, 0, 0), bg_alpha: float = 0.45, pad: int = 4):
        font = _font(size)
        l, t, r, b = font.getbbox(text)
        w, h = r - l + 2 * pad, b - t + 2 * pad
        mask = Image.new("L", (w, h), 0)
        ImageDraw.Draw(mask).text((pad - l, pad - t), text, font=font, fill=255)
        a = np.asarray(mask, dtype=np.float32)[..., None] / 255.0
        # text over a translucent box: colour = mix(bg, fg, a), alpha = max(a, bg_alpha)
        alpha = np.maximum(a, bg_alpha)
        color = (np.array(bg, np.float32) * (1 - a) * bg_alpha + np.array(fg, np.float32) * a)
        self.x, self.y = x, y
        self.alpha = alpha
        self.inv = 1.0 - alpha
        self.color = color  # premultiplied

    def right_aligned(self, width: int, margin: int) -> "_Overlay":
        self.x = width - margin - self.alpha.shape[1]
        return self

    def blend(self, img: np.ndarray) -> None:
        h, w = self.alpha.shape[:2]
        H, W = img.shape[:2]
        h, w = min(h, H - self.y), min(w, W - self.x)
        if h <= 0 or w <= 0:
            return
        reg = img[self.y:self.y + h, self.x:self.x + w]
        reg[...] = (reg * self.inv[:h, :w] + self.color[:h, :w]).astype(np.uint8)


def _stamp(t: float) -> str:
    return datetime.fromtimestamp(int(t), TZ).strftime("%Y-%m-%d %H:%M:%S")


class FrameRenderer:
    """Renders JPEG frames for the simulated cameras (deterministic in camera and t)."""

    def __init__(self, width: int = 640, height: int = 360, quality: int = 70):
        self.width, self.height, self.quality = width, height, quality
        self._bg: dict[str, tuple[np.ndarray, dict]] = {}
        self._names: dict[tuple[str, str], _Overlay] = {}
        self._stamps: dict[str, _Overlay] = {}
        s = height / 360.0
        self._font_size = max(10, int(round(18 * s)))

    # ------------------------------------------------------------------ static parts
    def _background(self, camera: Camera) -> tuple[np.ndarray, dict]:
        hit = self._bg.get(camera.id)
        if hit is not None:
            return hit
        W, H = self.width, self.height
        seed = zlib.crc32(camera.id.encode())
        g = np.random.default_rng(seed)
        horizon = int(H * g.uniform(0.32, 0.42))
        river_top = int(H * g.uniform(0.12, 0.18))
        vx = W * g.uniform(0.35, 0.65)
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        img = np.zeros((H, W, 3), np.float32)
        # sky and the far bank's skyline
        sky = np.array([150, 170, 190], np.float32)
        img[:] = sky - (yy[..., None] / H) * 30
        skyline = np.zeros(W, np.float32)
        x = 0
        while x < W:
            bw = int(g.integers(14, 48))
            skyline[x:x + bw] = g.uniform(0.2, 1.0) * river_top
            x += bw
        bld = yy > (river_top - skyline[None, :])
        shade = g.uniform(70, 110)
        img[bld] = (shade, shade + 5, shade + 15)
        # windows
        win = bld & (((xx.astype(np.int32) // 4) % 3) == 0) & (((yy.astype(np.int32) // 5) % 3) == 0)
        img[win] = (200, 190, 140)
        # river
        riv = (yy >= river_top) & (yy < horizon)
        wave = 6 * np.sin(xx / 23.0 + yy / 3.0)
        img[riv] = np.stack([50 + wave[riv], 95 + wave[riv], 125 + wave[riv]], -1)
        # ground: embankment and the road in perspective
        ground = yy >= horizon
        depth = np.clip((yy - horizon) / max(H - horizon, 1), 0, 1)  # 0 far .. 1 near
        half = 20 + depth * (W * 0.55)  # road half-width on screen
        side = (xx - vx) / np.maximum(half, 1)  # -1..1 on the road
        img[ground] = (95, 110, 80)  # grass / planters
        walk = ground & (np.abs(side) < 1.45)
        img[walk] = (165, 160, 150)  # pavement
        road = ground & (np.abs(side) < 1.0)
        img[road] = np.stack([72 + 0 * yy[road], 74 + 0 * yy[road], 78 + 0 * yy[road]], -1)
        # lane markings (dashed, thicker when near)
        dash = ((np.log1p(depth * 40) * 6).astype(np.int32) % 2) == 0
        for lane in (-0.33, 0.33):
            m = road & (np.abs(side - lane) < 0.012 + 0.0 * depth) & dash
            img[m] = (230, 230, 220)
        # the cordon: red/white dashed line along the river side of the road
        cside = -1.0 if g.random() < 0.5 else 1.0
        cord = ground & (np.abs(side - cside * 1.08) < 0.025)
        stripes = ((xx + yy) // 9).astype(np.int32) % 2 == 0
        img[cord & stripes] = (215, 35, 35)
        img[cord & ~stripes] = (240, 240, 240)
        # posts of the railing at the water's edge
        rail = (np.abs(yy - horizon) < 2)
        img[rail] = (120, 120, 120)
        img += g.normal(0, 3.0, img.shape).astype(np.float32)
        bg = np.clip(img, 0, 255).astype(np.uint8)
        # the people pool: across-road coordinate, depth phase, speed, colour
        runner = g.random(POOL) < 0.6
        across = np.where(runner, g.uniform(-0.9, 0.9, POOL),
                          cside * -1 * g.uniform(1.08, 1.4, POOL) * np.sign(g.uniform(-0.3, 1, POOL)))
        pool = {
            "horizon": horizon, "vx": vx, "runner": runner, "across": across,
            "d0": g.random(POOL), "speed": np.where(runner, g.uniform(0.008, 0.02, POOL),
                                                    g.uniform(0.0, 0.0005, POOL)),
            "sway": g.uniform(0, 6.283, POOL),
            "color": g.integers(30, 250, (POOL, 3)).astype(np.uint8),
            "order": g.permutation(POOL),
        }
        self._bg[camera.id] = (bg, pool)
        return bg, pool

    def _name_overlay(self, camera: Camera) -> _Overlay:
        key = (camera.id, camera.name)
        ov = self._names.get(key)
        if ov is None:
            ov = _Overlay(f"{camera.id} {camera.name}", self._font_size, 8, 8)
            self._names[key] = ov
        return ov

    def _stamp_overlay(self, t: float) -> _Overlay:
        text = _stamp(t)
        ov = self._stamps.get(text)
        if ov is None:
            if len(self._stamps) > 16:
                self._stamps.clear()
            ov = _Overlay(text, self._font_size, 0, self.height - self._font_size - 16)
            ov.right_aligned(self.width, 8)
            self._stamps[text] = ov
        return ov

    def warm(self, camera: Camera) -> None:
        """Draw and cache what every frame of this camera starts from (its background, its name)."""
        self._background(camera)
        self._name_overlay(camera)

    # ------------------------------------------------------------------ frame
    def render_array(self, camera: Camera, t: float, number: int, crowd: float) -> np.ndarray:
        """The frame as an RGB uint8 array (H, W, 3)."""
        bg, p = self._background(camera)
        W, H = self.width, self.height
        img = bg.copy()
        n = int(round(min(max(crowd, 0.0), 1.0) * POOL))
        if n:
            idx = p["order"][:n]
            tt = (t % 86_400.0)
            z = (p["d0"][idx] + p["speed"][idx] * tt) % 1.0
            horizon = p["horizon"]
            depth = z ** 1.8  # far people bunch near the horizon
            ys = horizon + depth * (H - horizon)
            half = 20 + depth * (W * 0.55)
            sway = 0.03 * np.sin(tt * 1.3 + p["sway"][idx])
            xs = p["vx"] + (p["across"][idx] + sway) * half
            scale = 0.25 + depth * 1.1
            bw = np.maximum(2, (6 * scale)).astype(np.int32)
            bh = np.maximum(4, (18 * scale)).astype(np.int32)
            x0 = (xs - bw / 2).astype(np.int32)
            y1 = ys.astype(np.int32)
            y0 = y1 - bh
            colors = p["color"][idx]
            for i in np.argsort(y1, kind="stable"):
                a, b = max(y0[i], 0), min(y1[i], H)
                c, d = max(x0[i], 0), min(x0[i] + bw[i], W)
                if a >= b or c >= d:
                    continue
                img[a:b, c:d] = colors[i]
                hh = max(1, bw[i] - 1)  # head
                img[max(a - hh, 0):a, c:d] = (60, 45, 35)
        self._name_overlay(camera).blend(img)
        self._stamp_overlay(t).blend(img)
        return img

    def render(self, camera: Camera, t: float, number: int, crowd: float) -> bytes:
        """A JPEG frame of `camera` at hub time t with `crowd` (0..1) people on screen."""
        img = self.render_array(camera, t, number, crowd)
        return simplejpeg.encode_jpeg(img, quality=self.quality, colorspace="RGB",
                                      colorsubsampling="420", fastdct=True)


def measure(n: int = 200, crowd: float = 0.8) -> float:
    """Mean milliseconds per frame for one camera (for benchmarks and the report)."""
    import time
    cam = Camera(id="CAM01", name="滨江路 K0+120 起点区", grid="T1-C01-G1", town="T1", x=0, y=0)
    r = FrameRenderer()
    r.render(cam, 1_764_457_200.0, 0, crowd)
    t0 = time.perf_counter()
    for i in range(n):
        r.render(cam, 1_764_457_200.0 + i * 0.2, i, crowd)
    return (time.perf_counter() - t0) * 1000.0 / n


if __name__ == "__main__":  # pragma: no cover
    print(f"{measure():.2f} ms/frame")
