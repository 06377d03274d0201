"""Which of an object's Qt signals were emitted off the GUI thread.

Each signal gets a receiver connected directly (it runs on the emitting thread), which
notes the signal and whether that thread is the GUI thread. A facade hands everything
back through `qt_binding.gui_thread`, so every emission it makes is on the GUI thread;
one made from a worker shows up here and fails the test (`emits_on_gui_thread`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from qt_binding import QMetaMethod, QObject, Qt


def signal_names(obj: QObject) -> Iterator[str]:
    """The signals `obj`'s class and its Python bases declare (not QObject's own)."""
    meta = obj.metaObject()
    for index in range(QObject.staticMetaObject.methodCount(), meta.methodCount()):
        method = meta.method(index)
        if method.methodType() == QMetaMethod.MethodType.Signal:
            yield bytes(method.name().data()).decode()


class EmitWatch:
    def __init__(self) -> None:
        self.emitted: list[tuple[str, bool]] = []  # signal, said on the GUI thread
        self._lock = threading.Lock()

    def watch(self, obj: QObject) -> QObject:
        for name in sorted(set(signal_names(obj))):
            label = f"{type(obj).__name__}.{name}"
            getattr(obj, name).connect(
                lambda *_args, label=label: self._note(label), Qt.ConnectionType.DirectConnection
            )
        return obj

    def _note(self, label: str) -> None:
        with self._lock:
            self.emitted.append((label, threading.current_thread() is threading.main_thread()))

    @property
    def off_gui_thread(self) -> list[str]:
        with self._lock:
            return [label for label, on_gui in self.emitted if not on_gui]

    @property
    def names(self) -> set[str]:
        with self._lock:
            return {label for label, _ in self.emitted}
