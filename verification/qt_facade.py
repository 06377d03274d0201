"""`FaceCheckService`: the Qt facade of a face check. The check runs on a worker thread
of its own (camera reads, MediaPipe and dlib never touch the GUI thread or the player's);
progress and the result come back as signals on the GUI thread (`qt_binding.gui_thread`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import cv2
import numpy as np
from numpy.typing import NDArray

from qt_binding import QImage, QObject, Signal
from qt_binding.gui_thread import GuiHandoff
from verification.check_runner import CheckProgress, FaceCheckResult, FaceCheckRunner
from verification.face_embedding import FaceEmbedder, FaceTemplate, MatchPolicy
from verification.frames import FrameSource
from verification.landmarks import FaceAnalyzer
from verification.liveness import Challenge

log = logging.getLogger(__name__)


def preview_image(frame_bgr: NDArray[np.uint8]) -> QImage:
    """A deep copy as a QImage: the numpy buffer may be reused by the next frame."""
    rgb = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB)
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


class FaceCheckService(QObject):
    # preview, LivenessState, face box or None, number of actions in the challenge, and
    # the frame's quality issues (guidance for the learner)
    progress = Signal(QImage, object, object, int, object)
    finished = Signal(object)  # FaceCheckResult
    # The run's number (see `run_id`) with its result: a cancelled run's late result can
    # be told apart from the result of the run started after it.
    finished_run = Signal(int, object)

    def __init__(
        self,
        embedder: FaceEmbedder,
        match_policy: MatchPolicy | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._gui = GuiHandoff(self)
        self._embedder = embedder
        self._match_policy = match_policy
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._busy = False
        self.run_id = 0  # the number of the latest run started

    @property
    def running(self) -> bool:
        return self._busy

    def start(
        self,
        open_source: Callable[[], FrameSource],
        template: FaceTemplate | None,
        challenge: Challenge,
    ) -> None:
        """Run the check of `challenge` (issued by the server) on the worker."""
        if self.running:
            raise RuntimeError("a face check is already running")
        self._cancel = threading.Event()
        self._busy = True
        self.run_id += 1
        self._thread = threading.Thread(
            target=self._run,
            args=(open_source, template, challenge, self._cancel, self.run_id),
            name="face-check",
            daemon=True,
        )
        self._thread.start()

    def cancel(self, wait_s: float = 5.0) -> None:
        self._cancel.set()
        if self._thread is not None:
            self._thread.join(wait_s)

    def _run(
        self,
        open_source: Callable[[], FrameSource],
        template: FaceTemplate | None,
        challenge: Challenge,
        cancel: threading.Event,
        run_id: int,
    ) -> None:
        # The analyzers belong to this thread (MediaPipe graphs are not thread-safe): one
        # follows the camera's frames, the other the burst's face-region frames.
        analyzer = FaceAnalyzer(static_image_mode=False)
        region_analyzer = FaceAnalyzer(static_image_mode=False)
        source = None
        try:
            source = open_source()
            source.open()
            runner = FaceCheckRunner(
                source,
                analyzer,
                region_analyzer,
                self._embedder,
                template,
                challenge,
                match_policy=self._match_policy,
                on_progress=self._report,
            )
            result = runner.run(cancel)
        except Exception as error:  # a known source error or a bug: the check fails
            code = str(getattr(error, "code", "check_failed"))
            if hasattr(error, "code"):
                log.warning("face check could not run", extra={"data": {"reason": code}})
            else:
                log.exception("face check failed on an unexpected error")
            result = FaceCheckResult(False, code, None, 0, 0, challenge.challenge_id)
        finally:
            analyzer.close()
            region_analyzer.close()
            if source is not None:
                source.close()
        self._gui.post(lambda: self._finish(run_id, result))

    def _finish(self, run_id: int, result: FaceCheckResult) -> None:
        # Not busy before the signal: a receiver may start the next check at once.
        self._busy = False
        self.finished.emit(result)
        self.finished_run.emit(run_id, result)

    def _report(self, progress: CheckProgress) -> None:
        """On the check's thread: the preview is made here, shown on the GUI thread."""
        preview = preview_image(progress.frame)
        measurement = progress.measurement
        self._gui.post(
            lambda: self.progress.emit(
                preview,
                progress.state,
                measurement.box,
                progress.total_actions,
                measurement.quality.issues,
            )
        )
