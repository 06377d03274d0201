"""The one place that imports the Qt binding.

Every GUI module takes Qt from here (as Anki's `aqt.qt` does), so the binding can be
swapped or patched in one place; `tests/test_layering.py` enforces it. Non-GUI packages
(`records`, `sync` logic, `server`) never import Qt at all.
"""

from PySide6.QtCore import (
    SLOT,
    Property,
    QByteArray,
    QCoreApplication,
    QElapsedTimer,
    QEvent,
    QLibraryInfo,
    QLocale,
    QLockFile,
    QMetaObject,
    QObject,
    QPoint,
    QRect,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    QTranslator,
    Signal,
    Slot,
)
from PySide6.QtDBus import QDBusConnection
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QFont,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QShortcut,
)
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "SLOT",
    "Property", "QAction", "QApplication", "QByteArray", "QCloseEvent", "QColor", "QCoreApplication",
    "QDBusConnection", "QElapsedTimer", "QEvent", "QFont", "QFrame", "QGuiApplication",
    "QHBoxLayout", "QKeyEvent", "QKeySequence", "QLabel", "QLibraryInfo", "QLocalServer",
    "QLocalSocket", "QLocale", "QLockFile", "QMainWindow", "QMessageBox", "QMetaObject",
    "QObject", "QPainter", "QPalette", "QPoint", "QPushButton", "QRect", "QRunnable",
    "QShortcut", "QSize", "QSizePolicy", "QSlider", "QStatusBar", "QThreadPool", "QTimer",
    "QTranslator", "QVBoxLayout", "QWidget", "Qt", "Signal", "Slot",
]
