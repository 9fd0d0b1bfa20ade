"""Languages: Simplified Chinese by default, English on request, through Qt's translators.

UI source strings are English (`self.tr`, `QCoreApplication.translate`);
`resources/i18n/console_zh_CN.ts` holds their Chinese and is compiled to the
`.qm` that `install_translator` loads. Domain words (incident kinds, statuses,
resource kinds) are translated here with a fixed context so lupdate finds them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, QTranslator,
)

# the language the console starts in when none is given
DEFAULT_LANG = "zh_CN"
_CTX = "Domain"


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


def is_chinese() -> bool:
    """Whether the console currently speaks Chinese."""
    return current_lang() == "zh_CN"


# ------------------------------------------------------------------ domain words

_KINDS = {
    "crowd_density": QT_TRANSLATE_NOOP("Domain", "Crowd density"),
    "cordon_intrusion": QT_TRANSLATE_NOOP("Domain", "Cordon intrusion"),
    "animal": QT_TRANSLATE_NOOP("Domain", "Animal"),
    "fall": QT_TRANSLATE_NOOP("Domain", "Fall"),
    "smoke": QT_TRANSLATE_NOOP("Domain", "Smoke or fire"),
    "fire_hazard": QT_TRANSLATE_NOOP("Domain", "Fire hazard"),
    "illegal_parking": QT_TRANSLATE_NOOP("Domain", "Illegal parking"),
    "rockfall": QT_TRANSLATE_NOOP("Domain", "Rockfall"),
    "debris": QT_TRANSLATE_NOOP("Domain", "Debris"),
    "other": QT_TRANSLATE_NOOP("Domain", "Other"),
}

_STATUSES = {
    # incidents
    "new": QT_TRANSLATE_NOOP("Domain", "New"),
    "acknowledged": QT_TRANSLATE_NOOP("Domain", "Acknowledged"),
    "dispatched": QT_TRANSLATE_NOOP("Domain", "Dispatched"),
    "en_route": QT_TRANSLATE_NOOP("Domain", "En route"),
    "on_scene": QT_TRANSLATE_NOOP("Domain", "On scene"),
    "resolved": QT_TRANSLATE_NOOP("Domain", "Resolved"),
    "closed": QT_TRANSLATE_NOOP("Domain", "Closed"),
    "false_alarm": QT_TRANSLATE_NOOP("Domain", "False alarm"),
    "merged": QT_TRANSLATE_NOOP("Domain", "Merged"),
    "escalated": QT_TRANSLATE_NOOP("Domain", "Escalated"),
    "cooperation": QT_TRANSLATE_NOOP("Domain", "Cooperation"),
    # resources
    "off_duty": QT_TRANSLATE_NOOP("Domain", "Off duty"),
    "available": QT_TRANSLATE_NOOP("Domain", "Available"),
    "busy": QT_TRANSLATE_NOOP("Domain", "Busy"),
    # tasks
    "sent": QT_TRANSLATE_NOOP("Domain", "Sent"),
    "accepted": QT_TRANSLATE_NOOP("Domain", "Accepted"),
    "arrived": QT_TRANSLATE_NOOP("Domain", "Arrived"),
    "done": QT_TRANSLATE_NOOP("Domain", "Done"),
    "declined": QT_TRANSLATE_NOOP("Domain", "Declined"),
    "cancelled": QT_TRANSLATE_NOOP("Domain", "Cancelled"),
}

_RESOURCE_KINDS = {
    "grid_worker": QT_TRANSLATE_NOOP("Domain", "Grid worker"),
    "community_staff": QT_TRANSLATE_NOOP("Domain", "Community staff"),
    "social_worker": QT_TRANSLATE_NOOP("Domain", "Social worker"),
    "volunteer": QT_TRANSLATE_NOOP("Domain", "Volunteer"),
    "police": QT_TRANSLATE_NOOP("Domain", "Police"),
    "traffic_police": QT_TRANSLATE_NOOP("Domain", "Traffic police"),
    "medical": QT_TRANSLATE_NOOP("Domain", "Medical"),
    "fire": QT_TRANSLATE_NOOP("Domain", "Fire"),
    "forest_fire": QT_TRANSLATE_NOOP("Domain", "Forest fire"),
    "law_enforcement": QT_TRANSLATE_NOOP("Domain", "Law enforcement"),
}

_SEVERITIES = {
    "critical": QT_TRANSLATE_NOOP("Domain", "Critical"),
    "warning": QT_TRANSLATE_NOOP("Domain", "Warning"),
    "info": QT_TRANSLATE_NOOP("Domain", "Info"),
}

_SOURCES = {
    "camera": QT_TRANSLATE_NOOP("Domain", "Camera AI"),
    "report": QT_TRANSLATE_NOOP("Domain", "Grid report"),
    "hotline": QT_TRANSLATE_NOOP("Domain", "Hotline"),
    "center": QT_TRANSLATE_NOOP("Domain", "Other center"),
}

_ROLES = {
    "commander": QT_TRANSLATE_NOOP("Domain", "Commander"),
    "operator": QT_TRANSLATE_NOOP("Domain", "Operator"),
    "wall": QT_TRANSLATE_NOOP("Domain", "Wall display"),
    "field": QT_TRANSLATE_NOOP("Domain", "Field"),
    "ingest": QT_TRANSLATE_NOOP("Domain", "Ingest"),
}

_TIMELINE = {
    "raised": QT_TRANSLATE_NOOP("Domain", "Raised"),
    "acknowledged": QT_TRANSLATE_NOOP("Domain", "Acknowledged"),
    "dispatched": QT_TRANSLATE_NOOP("Domain", "Dispatched"),
    "resolved": QT_TRANSLATE_NOOP("Domain", "Resolved"),
    "closed": QT_TRANSLATE_NOOP("Domain", "Closed"),
    "false_alarm": QT_TRANSLATE_NOOP("Domain", "False alarm"),
    "merged": QT_TRANSLATE_NOOP("Domain", "Merged"),
    "absorbed": QT_TRANSLATE_NOOP("Domain", "Absorbed another incident"),
    "escalation": QT_TRANSLATE_NOOP("Domain", "Escalated"),
    "cooperation": QT_TRANSLATE_NOOP("Domain", "Cooperation requested"),
    "escalation_accepted": QT_TRANSLATE_NOOP("Domain", "Escalation accepted"),
    "escalation_declined": QT_TRANSLATE_NOOP("Domain", "Escalation declined"),
    "cooperation_accepted": QT_TRANSLATE_NOOP("Domain", "Cooperation accepted"),
    "cooperation_declined": QT_TRANSLATE_NOOP("Domain", "Cooperation declined"),
    "plan_activated": QT_TRANSLATE_NOOP("Domain", "Plan activated"),
    "broadcast": QT_TRANSLATE_NOOP("Domain", "Broadcast check"),
    "task_accepted": QT_TRANSLATE_NOOP("Domain", "Task accepted"),
    "task_arrived": QT_TRANSLATE_NOOP("Domain", "Arrived on scene"),
    "task_done": QT_TRANSLATE_NOOP("Domain", "Task done"),
    "task_declined": QT_TRANSLATE_NOOP("Domain", "Task declined"),
    "task_cancelled": QT_TRANSLATE_NOOP("Domain", "Task cancelled"),
}


def _label(table: dict[str, str], key: str) -> str:
    source = table.get(key)
    return QCoreApplication.translate(_CTX, source) if source else key


def kind_label(kind: str) -> str:
    """An incident/alert kind in the current language ('animal' → '动物')."""
    return _label(_KINDS, kind)


def status_label(status: str) -> str:
    """An incident, resource or task status in the current language."""
    return _label(_STATUSES, status)


def resource_kind_label(kind: str) -> str:
    """A resource kind in the current language ('volunteer' → '志愿者')."""
    return _label(_RESOURCE_KINDS, kind)


def severity_label(severity: str) -> str:
    """A severity in the current language."""
    return _label(_SEVERITIES, severity)


def source_label(source: str) -> str:
    """An alert source in the current language."""
    return _label(_SOURCES, source)


def role_label(role: str) -> str:
    """A token role in the current language."""
    return _label(_ROLES, role)


def timeline_label(what: str) -> str:
    """A timeline step ('task_arrived') in the current language."""
    return _label(_TIMELINE, what)
