"""Loads the user-interface language: Simplified Chinese by default, English second."""

from __future__ import annotations

import logging
from pathlib import Path

from qt_binding import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"
DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")

_installed: list[QTranslator] = []


def install_language(app: QCoreApplication, language: str = DEFAULT_LANGUAGE) -> bool:
    """Install our .qm and Qt's own for `language`; English needs no catalogue."""
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if language not in LANGUAGES:
        log.warning("unknown language %s, using %s", language, DEFAULT_LANGUAGE)
        language = DEFAULT_LANGUAGE
    QLocale.setDefault(QLocale(language))
    if language == "en":
        return True
    ours = QTranslator(app)
    if not ours.load(str(I18N_DIR / f"{language}.qm")):
        log.error("translation catalogue %s.qm missing: run the set-up command", language)
        return False
    app.installTranslator(ours)
    _installed.append(ours)
    qt_own = QTranslator(app)
    if qt_own.load(
        f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    return True
