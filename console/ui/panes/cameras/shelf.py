"""Saved views on the camera wall (视图): the Views menu, saving what is on screen, recalling a view.

The views themselves and their two JSON shelves (the user's own, the site's shared
one) are `console/video/views.py`; this is their menu, dialog and keys on one wall.
Ctrl+Shift+V opens the menu and Ctrl+Shift+S saves from anywhere in the window:
recalling a view is what a commander does between alerts.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QInputDialog, QMenu

from console.ui.common import glossary
from console.ui.common.i18n import current_lang
from console.video.plan import LAYOUTS
from console.video.views import View, ViewError, ViewStore


class ViewShelf(QObject):
    """One wall's saved views: where they are kept, the recalled one (`view`), what to tell the operator.

    `wall` is the `CameraWall` it serves (not imported here: the wall imports this).
    """

    def __init__(self, wall):
        super().__init__(wall)
        self.wall = wall
        #: the user's own shelf and the site's shared one (None: not kept)
        self.private: ViewStore | None = None
        self.shared: ViewStore | None = None
        #: the recalled view whose cameras the wall shows (None: every camera, by id)
        self.view: View | None = None
        #: the last thing about views the operator should read (saved, not saved and why, cameras gone)
        self.message = ""
        button = wall.toolbar.views_button
        self._menu = wall.toolbar.views_menu
        self._menu.aboutToShow.connect(self.menu)  # re-read: another console may have saved
        self._button = button
        views = QShortcut(QKeySequence("Ctrl+Shift+V"), wall)
        views.setContext(Qt.ShortcutContext.WindowShortcut)
        views.activated.connect(self._open_menu)
        save = QShortcut(QKeySequence("Ctrl+Shift+S"), wall)
        save.setContext(Qt.ShortcutContext.WindowShortcut)
        save.activated.connect(lambda: self.private is not None and self.ask_save(shared=False))

    def set_stores(self, private: ViewStore | None, shared: ViewStore | None) -> None:
        """Where views are kept (the console's data dir, the site's shared file); shows the Views button."""
        self.private, self.shared = private, shared
        # a wall has nothing to click: its views are a desk's to recall
        self._button.setVisible((private is not None or shared is not None) and not self.wall.toolbar.is_wall)

    def name(self) -> str:
        """The recalled view's name, "" when the wall shows every camera."""
        return self.view.name if self.view is not None else ""

    def order(self) -> tuple[str, ...] | None:
        """The recalled view's cameras in tile order; None: every camera, by id."""
        return self.view.cameras if self.view is not None else None

    def current(self, name: str) -> View:
        """What is on screen now as a view: the visible cameras in tile order, and the layout that holds them."""
        wall = self.wall
        cams = wall.visible_cameras()
        if wall.paging.solo:
            return View(name, 1, (wall.paging.solo,))
        n = wall.paging.n
        n = n if len(cams) <= n else next(k for k in LAYOUTS if k >= len(cams))
        return View(name, n, tuple(cams[:64]))

    def save(self, name: str, *, shared: bool = False) -> View:
        """Keep what is on screen under `name` on the private or shared shelf; ViewError says why not."""
        store = self.shared if shared else self.private
        if store is None:
            raise ViewError("views are not kept on this console")
        self.view = store.save(self.current(name))
        self.wall.update_toolbar()
        return self.view

    def show(self, view: View) -> None:
        """Recall a view: its cameras in its order, at its layout, first page; cameras gone are left out."""
        self.view = view
        gone = len(view.cameras) - self.wall.show_view_cameras(view.layout)
        self.message = glossary.video_words("view_missing", current_lang(), n=gone) if gone else ""
        self.wall.update_toolbar()
        self.wall.sig_view_changed.emit(view.name)

    def show_all(self) -> None:
        """Leave the recalled view: every camera, by id."""
        if self.view is not None:
            self.view = None
            self.message = ""
            self.wall.show_view_cameras(None)
            self.wall.sig_view_changed.emit("")

    def menu(self) -> QMenu:
        """The Views menu as it is now: all cameras, my views, shared views, save, delete (re-read from disk)."""
        lang = current_lang()
        w = lambda key, **kv: glossary.video_words(key, lang, **kv)  # noqa: E731
        menu = self._menu
        menu.clear()
        everything = menu.addAction(w("all_cameras"))
        everything.setCheckable(True)
        everything.setChecked(self.view is None)
        everything.triggered.connect(self.show_all)
        for title, store, shared in ((w("my_views"), self.private, False), (w("shared_views"), self.shared, True)):
            if store is None:
                continue
            menu.addSeparator()
            # a disabled bold entry, not addSection: the Fusion style draws a section as a bare line
            head = menu.addAction(title)
            head.setEnabled(False)
            bold = head.font()
            bold.setBold(True)
            head.setFont(bold)
            views = store.load()
            if not views:
                menu.addAction(w("no_views")).setEnabled(False)
            for view in views:
                act = menu.addAction(f"{view.name}  ·  {w('view_tiles', n=len(view.cameras))}")
                act.setObjectName(f"view:{'shared' if shared else 'mine'}:{view.name}")
                act.setCheckable(True)
                act.setChecked(self.view == view)
                act.triggered.connect(lambda _=False, v=view: self.show(v))
        menu.addSeparator()
        if self.private is not None:
            save = menu.addAction(w("save_view"))
            save.setShortcut(QKeySequence("Ctrl+Shift+S"))
            save.triggered.connect(lambda: self.ask_save(shared=False))
        if self.shared is not None:
            menu.addAction(w("save_shared_view")).triggered.connect(lambda: self.ask_save(shared=True))
        doomed = [(v, s) for s in (self.private, self.shared) if s is not None for v in s.load()]
        if doomed:
            sub = menu.addMenu(w("delete_view"))
            for view, store in doomed:
                shelf = w("shared_views") if store is self.shared else w("my_views")
                sub.addAction(f"{view.name} ({shelf})").triggered.connect(
                    lambda _=False, v=view, st=store: self._delete(st, v))
        return menu

    def ask_save(self, *, shared: bool = False) -> QInputDialog:
        """Ask for a name (the recalled view's by default) and keep the screen under it; returns the dialog."""
        lang = current_lang()
        dialog = QInputDialog(self.wall)
        dialog.setObjectName("save_view_dialog")
        dialog.setWindowTitle(glossary.video_words("save_shared_view" if shared else "save_view", lang))
        dialog.setLabelText(glossary.video_words("view_name", lang))
        dialog.setTextValue(self.name())
        dialog.textValueSelected.connect(lambda name: self._save_from_dialog(name, shared))
        dialog.open()
        return dialog

    # ------------------------------------------------------------------ private

    def _open_menu(self) -> None:
        if self._button.isVisible():
            # popup, not the button's showMenu(): that runs a nested event loop until the menu closes
            self._menu.popup(self._button.mapToGlobal(self._button.rect().bottomLeft()))

    def _save_from_dialog(self, name: str, shared: bool) -> None:
        try:
            view = self.save(name, shared=shared)
        except ViewError as exc:
            self.message = glossary.video_words("view_error", current_lang(), why=str(exc))
        else:
            self.message = ""
            self.wall.sig_view_changed.emit(view.name)
        self.wall.update_toolbar()

    def _delete(self, store: ViewStore, view: View) -> None:
        store.delete(view.name)
        if self.view == view:
            self.show_all()
