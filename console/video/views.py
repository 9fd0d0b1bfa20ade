"""Saved named views of the camera wall (视图): a layout and 1–64 camera ids, kept by name.

Two shelves, the same file format:

- private: one file per user in the console's data dir (`views-<token>.json`);
- shared: one file every console of the site reads, at a path the site chooses
  (`--shared-views`: a file on the site's share, next to its site folder; by default
  `shared-views.json` in this machine's data dir, which the desk and wall consoles of one
  machine share).

Why a file and not the hub: a view is screen layout, not duty state; it needs no event,
no replay and no permission beyond the file's own, and it reads the same with the hub
down. Two consoles saving at once must not lose each other's views, so a save reads
the file again under a lock, replaces the one name and writes a new file atomically
(write, fsync, rename). A file that cannot be read is never overwritten: it is set
aside as `<name>.bad-<time>` and its views reported lost, so nothing vanishes silently.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from console.video.plan import LAYOUTS

#: tiles per page a view may use (the wall's layouts)
VIEW_LAYOUTS = LAYOUTS
MAX_VIEW_CAMERAS = 64
MAX_NAME = 60
FORMAT_VERSION = 1


class ViewError(ValueError):
    """A view that cannot be saved (bad name, layout or cameras), or a file that cannot be written."""


@dataclass(frozen=True, slots=True)
class View:
    """A named view: tiles per page and the cameras in tile order."""

    name: str
    layout: int
    cameras: tuple[str, ...]

    def check(self) -> "View":
        """The view itself if it can be kept; ViewError saying why not."""
        name = self.name.strip()
        if not name or len(name) > MAX_NAME:
            raise ViewError(f"a view needs a name of 1 to {MAX_NAME} characters")
        if self.layout not in VIEW_LAYOUTS:
            raise ViewError(f"layout {self.layout} is not one of {VIEW_LAYOUTS}")
        if not 1 <= len(self.cameras) <= MAX_VIEW_CAMERAS:
            raise ViewError(f"a view holds 1 to {MAX_VIEW_CAMERAS} cameras, not {len(self.cameras)}")
        if len(set(self.cameras)) != len(self.cameras) or not all(isinstance(c, str) and c for c in self.cameras):
            raise ViewError("a view's cameras are distinct camera ids")
        return View(name, self.layout, tuple(self.cameras))

    def to_json(self) -> dict:
        return {"name": self.name, "layout": self.layout, "cameras": list(self.cameras)}

    @staticmethod
    def from_json(d: dict) -> "View":
        """A view from its JSON object; ViewError if it is not a valid view."""
        if not isinstance(d, dict):
            raise ViewError("a view is a JSON object")
        try:
            return View(str(d["name"]), int(d["layout"]), tuple(d["cameras"])).check()
        except (KeyError, TypeError) as exc:
            raise ViewError(f"not a view: {exc}") from exc


class ViewStore:
    """One shelf of views in one JSON file; every call reads the file again (another console may have saved)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        #: why the last load found a bad file (and where it was set aside), "" when all was well
        self.problem = ""

    def load(self) -> list[View]:
        """Every valid view in the file, sorted by name; a missing file is an empty shelf."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            self.problem = str(exc)
            return []
        views, bad = self._parse(raw)
        self.problem = bad
        return views

    def save(self, view: View) -> View:
        """Keep `view` under its name (replacing one of the same name); returns the view as kept."""
        view = view.check()
        with self._locked():
            views = {v.name: v for v in self._read_for_write()}
            views[view.name] = view
            self._write(views.values())
        return view

    def delete(self, name: str) -> bool:
        """Forget the view of that name; False if there was none."""
        with self._locked():
            views = {v.name: v for v in self._read_for_write()}
            if views.pop(name, None) is None:
                return False
            self._write(views.values())
        return True

    # ------------------------------------------------------------------ private

    def _parse(self, raw: bytes) -> tuple[list[View], str]:
        try:
            doc = json.loads(raw.decode("utf-8"))
            items = doc["views"] if isinstance(doc, dict) else None
            if not isinstance(items, list):
                raise ValueError("no 'views' list")
        except (ValueError, KeyError, UnicodeDecodeError) as exc:
            return [], f"{self.path.name}: {exc}"
        views, skipped = {}, 0
        for item in items:
            try:
                v = View.from_json(item)
            except ViewError:
                skipped += 1
                continue
            views[v.name] = v
        return sorted(views.values(), key=lambda v: v.name), (f"{skipped} invalid views skipped" if skipped else "")

    def _read_for_write(self) -> list[View]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        views, bad = self._parse(raw)
        if bad and not views and raw.strip():
            # unreadable: keep it aside rather than write over someone's views
            aside = self.path.with_name(f"{self.path.name}.bad-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(self.path, aside)
            self.problem = f"{bad}; set aside as {aside.name}"
        return views

    def _write(self, views) -> None:
        doc = {"version": FORMAT_VERSION, "views": [v.to_json() for v in sorted(views, key=lambda v: v.name)]}
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(doc, f, ensure_ascii=False, indent=1)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise ViewError(f"cannot write {self.path}: {exc}") from exc

    class _Lock:
        def __init__(self, path: Path):
            self.path = path

        def __enter__(self):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.f = open(self.path, "a")
            except OSError as exc:
                raise ViewError(f"cannot write {self.path.parent}: {exc}") from exc
            fcntl.flock(self.f, fcntl.LOCK_EX)
            return self

        def __exit__(self, *exc):
            fcntl.flock(self.f, fcntl.LOCK_UN)
            self.f.close()

    def _locked(self) -> "ViewStore._Lock":
        return ViewStore._Lock(self.path.with_name(f".{self.path.name}.lock"))
