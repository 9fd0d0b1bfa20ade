"""Languages: Simplified Chinese by default, English on request, through Qt's translators.

UI source strings are English (`self.tr`, `QCoreApplication.translate`);
`resources/i18n/console_zh_CN.ts` holds their Chinese and is compiled to the
`.qm` that `install_translator` loads. Domain words (incident kinds, statuses,
resource kinds, timeline steps, reasons) come from `glossary` in the installed language.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from console.ui.common import glossary

# the language the console starts in when none is given
DEFAULT_LANG = "zh_CN"


def resources_dir() -> Path:
    """The top-level `resources/` folder (source tree, editable install or PyInstaller bundle)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[3] / "resources"


def i18n_dir() -> Path:
    """Where the `.ts` sources and compiled `.qm` files live."""
    return resources_dir() / "i18n"


def normalize_lang(lang: str | None) -> str:
    """'zh', 'zh-CN', 'zh_CN', None → 'zh_CN'; 'en', 'en_US' → 'en'."""
    if not lang:
        return DEFAULT_LANG
    lang = lang.replace("-", "_").lower()
    if lang.startswith("en"):
        return "en"
    return "zh_CN"


def install_translator(app: QCoreApplication, lang: str | None = DEFAULT_LANG) -> str:
    """Install the console's (and Qt's own) translators for `lang`; returns the language in effect.

    Safe to call again to switch language: earlier translators are removed.
    English needs no translator (the sources are English). If the Chinese
    `.qm` is missing the console falls back to English rather than failing.
    """
    lang = normalize_lang(lang)
    for old in app.property("console_translators") or []:
        app.removeTranslator(old)
    installed: list[QTranslator] = []
    effective = "en"
    if lang == "zh_CN":
        ours = QTranslator(app)
        if ours.load(str(i18n_dir() / "console_zh_CN.qm")):
            app.installTranslator(ours)
            installed.append(ours)
            effective = "zh_CN"
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qtbase = QTranslator(app)
        if qtbase.load("qtbase_zh_CN.qm", qt_dir):
            app.installTranslator(qtbase)
            installed.append(qtbase)
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    # Translators are kept on the app: a QTranslator that is garbage-collected stops translating.
    app.setProperty("console_translators", installed)
    app.setProperty("console_lang", effective)
    return effective


def current_lang() -> str:
    """The language installed by `install_translator` ('zh_CN' or 'en'; 'en' before any)."""
    app = QCoreApplication.instance()
    lang = app.property("console_lang") if app is not None else None
    return lang or "en"


# ------------------------------------------------------------------ domain words
# The words live in `glossary`; these say them in the installed language.

def kind_label(kind: str) -> str:
    """An incident/alert kind in the current language ('animal' → '动物')."""
    return glossary.kind(kind, current_lang())


def status_label(status: str) -> str:
    """An incident, resource or task status in the current language."""
    return glossary.status(status, current_lang())


def resource_kind_label(kind: str) -> str:
    """A resource kind in the current language ('volunteer' → '志愿者')."""
    return glossary.resource_kind(kind, current_lang())


def severity_label(severity: str) -> str:
    """A severity in the current language."""
    return glossary.severity(severity, current_lang())


def source_label(source: str) -> str:
    """An alert source in the current language."""
    return glossary.source(source, current_lang())


def role_label(role: str) -> str:
    """A token role in the current language."""
    return glossary.role(role, current_lang())


def timeline_label(what: str) -> str:
    """A timeline step ('task_arrived') in the current language."""
    return glossary.step(what, current_lang())


def title_label(item) -> str:
    """An incident's or alert's title in the current language's marks (【演练】 on a drill's)."""
    return glossary.titled(item, current_lang())


def actor_label(actor: str) -> str:
    """Who did a timeline step, in the current language (a source code in words, a name as it is)."""
    return glossary.actor(actor, current_lang())
