"""Frame sources behind one interface: a real camera, or a video / image-sequence file.

Every consumer of frames (liveness challenge, enrollment, the random checks during a video)
reads `Frame`s from a `FrameSource` and does not know where they come from:

- `CameraSource`: a webcam through OpenCV's `cv2.VideoCapture` (V4L2 with the /dev/videoN
  path on Linux, DirectShow then Media Foundation by index on Windows, the default backend
  by index elsewhere). Its failures are `CameraError`s with a stable `.code` that the UI
  turns into advice; their messages name the device node or index only, never the device's
  name (a name such as "Alice's iPhone camera" is personal data).
- `FileFrameSource`: a video file or an image sequence, used by tests and by the demo
  (DESIGN.md, "Face test data"). It is a *simulated* camera (`is_simulated = True`):
  a production build refuses it through `make_frame_source` (DESIGN.md, "Embedded
  defaults": "a production build refuses the file frame source"). Feeding a recorded or
  animated face through a file is exactly the photo-animation attack; the refusal is the
  point.

Bounded reads (why a dedicated thread)
--------------------------------------
A camera read can hang: a driver that never delivers a buffer, a USB camera that stalls,
a Media Foundation open that takes many seconds. OpenCV has no portable per-read timeout
(V4L2 has its own 10 s select timeout, DirectShow none), and a "grab loop with a deadline"
does not help when a single `grab()` blocks. So every `cv2.VideoCapture` call of a
`CameraSource` (open, set, read, release) runs on one small dedicated daemon thread owned by
the source, and the caller's thread waits for each result with a deadline. A call that
misses its deadline marks the source broken and raises (`CameraBusyError` before the first
frame, `CameraUnpluggedError` after); the stuck call is abandoned on its daemon thread,
and `close()` queues `release()` behind it so the capture is never touched by two threads
at once. Because the thread is a daemon, a driver that never returns cannot keep the
program from exiting.

No Qt here; this module is shared by the client's worker threads and by tests.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import os
import queue
import struct
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeoutError
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import cv2
import numpy as np

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"})
SYSFS_ROOT = Path("/sys")
DEV_ROOT = Path("/dev")

# V4L2 ioctls (linux/videodev2.h). struct v4l2_capability is 104 bytes:
# driver[16], card[32], bus_info[32], version, capabilities, device_caps, reserved[3].
_VIDIOC_QUERYCAP = 0x80685600  # _IOR('V', 0, struct v4l2_capability)
# struct v4l2_requestbuffers is 20 bytes: count, type, memory, capabilities, flags, reserved[3]
_VIDIOC_REQBUFS = 0xC0145608  # _IOWR('V', 8, struct v4l2_requestbuffers)
_V4L2_CAP_VIDEO_CAPTURE = 0x00000001
_V4L2_CAP_VIDEO_CAPTURE_MPLANE = 0x00001000
_V4L2_CAP_DEVICE_CAPS = 0x80000000
_V4L2_BUF_TYPE_VIDEO_CAPTURE = 1
_V4L2_MEMORY_MMAP = 1


# --------------------------------------------------------------------------- frames


@dataclass(frozen=True)
class Frame:
    """One captured image.

    `image` is BGR uint8, H x W x 3. `at_ms` is `time.monotonic()` in milliseconds when a
    camera delivered the frame, or the frame's own timestamp in the file for a file source
    (increasing across loops). `index` counts the frames a source delivered, from 0.
    """

    image: np.ndarray
    at_ms: int
    index: int


@runtime_checkable
class FrameSource(Protocol):
    description: str
    is_simulated: bool

    def open(self) -> None: ...

    def read(self) -> Frame: ...

    def close(self) -> None: ...


class FrameSourceBase:
    """Context-manager support for frame sources: `with source: source.read()`."""

    description: str = "frame source"
    is_simulated: bool = False

    def open(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def read(self) -> Frame:  # pragma: no cover - overridden
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def __enter__(self) -> FrameSourceBase:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _as_bgr(image: np.ndarray) -> np.ndarray:
    """Normalise a decoded image to BGR uint8 H x W x 3 (grey and BGRA are converted)."""
    if image.dtype != np.uint8:
        image = cv2.convertScaleAbs(image)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    raise ValueError(f"unsupported image shape {image.shape}")


# --------------------------------------------------------------------------- errors


class FrameSourceError(RuntimeError):
    """Base of every frame source error; `.code` is stable and safe to show or log."""

    code = "frame_source_error"


class CameraError(FrameSourceError):
    code = "camera_error"


class NoCameraError(CameraError):
    """No camera device at all (no node, no index answers, or the node has no device)."""

    code = "no_camera"


class CameraBusyError(CameraError):
    """The device exists but delivers no frame (EBUSY, or another program holds it)."""

    code = "camera_busy"


class CameraPermissionError(CameraError):
    """The device node exists but this user may not open it (EACCES / EPERM)."""

    code = "camera_permission"


class CameraUnpluggedError(CameraError):
    """Frames were delivered, then reads started failing (unplugged, driver gone)."""

    code = "camera_unplugged"


class CameraOpenError(CameraError):
    """Any other failure to open the camera."""

    code = "camera_open_failed"


class FrameFileError(FrameSourceError):
    """A frame file or folder is missing, unreadable, corrupt or empty."""

    code = "frame_file_unreadable"


class EndOfFramesError(FrameSourceError):
    """A file source without `loop` has delivered its last frame."""

    code = "end_of_frames"


class SimulatedCameraRefusedError(FrameSourceError):
    """A file (simulated) frame source was asked for in a build that does not allow it."""

    code = "simulated_camera_refused"


def camera_error_from_errno(err: int, label: str) -> CameraError:
    """Map the errno of opening a camera device node to the matching `CameraError`.

    `label` names the device by node or index ("/dev/video0"), never by its name.
    """
    if err in (errno.EACCES, errno.EPERM):
        return CameraPermissionError(
            f"no permission to open camera {label} (on Linux: add the user to the 'video' group)"
        )
    if err in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
        return NoCameraError(f"no camera device at {label}")
    if err == errno.EBUSY:
        return CameraBusyError(f"camera {label} is in use by another program")
    return CameraOpenError(f"cannot open camera {label}: {errno.errorcode.get(err, err)}")


# --------------------------------------------------------------------------- discovery


@dataclass(frozen=True)
class CameraDevice:
    """A video device as the OS lists it.

    `path` is the device node on Linux (/dev/videoN) and None where devices are opened by
    index. `driver` is the kernel driver (or module) on Linux, None elsewhere. `bus_info`
    is V4L2's bus info when the node could be queried ("usb-0000:00:14.0-1",
    "platform:v4l2loopback-000"), else derived from sysfs ("usb:1-1:1.0", "platform:vivid.0",
    "virtual"), None elsewhere. `is_capture` is False for metadata and output nodes.
    """

    index: int
    path: str | None
    name: str
    driver: str | None = None
    bus_info: str | None = None
    is_capture: bool = True

    @property
    def label(self) -> str:
        """How messages name the device: its node or index, never its (possibly personal)
        name."""
        return self.path or f"index {self.index}"


def list_cameras(
    sysfs_root: Path | None = None,
    dev_root: Path | None = None,
    *,
    include_non_capture: bool = False,
    probe_indexes: Sequence[int] = range(5),
) -> list[CameraDevice]:
    """The cameras on this machine, capture devices first by index.

    Linux (or whenever `sysfs_root` is given): read `class/video4linux/video*` under
    `sysfs_root` (default /sys): `name`, `index` (0 for a device's first node; uvcvideo's
    metadata node has index 1), the `device/driver` link (and `device/driver/module`, which
    names the module such as v4l2loopback) and the `device/subsystem` link. Where the real
    node under `dev_root` (default /dev) can be opened, VIDIOC_QUERYCAP replaces these
    guesses with the driver's own driver name, bus info and capture capability.

    Other platforms: open indexes `probe_indexes` with OpenCV and return those that open,
    with generic names.
    """
    if sysfs_root is not None or sys.platform.startswith("linux"):
        return _list_v4l2(sysfs_root or SYSFS_ROOT, dev_root or DEV_ROOT, include_non_capture)
    return _probe_indexes(probe_indexes)


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def _link_name(path: Path) -> str | None:
    try:
        return Path(os.readlink(path)).name
    except OSError:
        return None


def _list_v4l2(sysfs_root: Path, dev_root: Path, include_non_capture: bool) -> list[CameraDevice]:
    class_dir = sysfs_root / "class" / "video4linux"
    try:
        entries = [p for p in class_dir.iterdir() if p.name.startswith("video")]
    except OSError:
        return []
    devices: list[CameraDevice] = []
    for entry in entries:
        suffix = entry.name.removeprefix("video")
        if not suffix.isdigit():
            continue
        number = int(suffix)
        name = _read_text(entry / "name") or f"video{number}"
        node_index = _read_text(entry / "index")
        is_capture = node_index in (None, "0")
        device_link = entry / "device"
        driver = _link_name(device_link / "driver")
        module = _link_name(device_link / "driver" / "module")
        if module and driver != module:
            driver = driver or module
        if driver is None and (entry / "max_openers").exists():
            driver = "v4l2loopback"  # v4l2loopback's own sysfs attribute; it has no parent
        subsystem = _link_name(device_link / "subsystem")
        parent = _link_name(device_link)
        bus_info = f"{subsystem}:{parent}" if subsystem and parent else None
        if bus_info is None and not device_link.exists():
            bus_info = "virtual"
        path = str(dev_root / entry.name)
        caps = _query_capabilities(path)
        if caps is not None:
            driver, name, bus_info, is_capture = (
                caps["driver"] or driver,
                caps["card"] or name,
                caps["bus_info"] or bus_info,
                caps["is_capture"],
            )
        if is_capture or include_non_capture:
            devices.append(CameraDevice(number, path, name, driver, bus_info, is_capture))
    devices.sort(key=lambda d: (not d.is_capture, d.index))
    return devices


def _query_capabilities(path: str) -> dict[str, Any] | None:
    """VIDIOC_QUERYCAP on a V4L2 node, or None when the node cannot be opened or queried."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        buffer = bytearray(104)
        fcntl.ioctl(fd, _VIDIOC_QUERYCAP, buffer, True)
    except OSError:
        return None
    finally:
        os.close(fd)
    driver, card, bus_info, _version, capabilities, device_caps = struct.unpack_from(
        "16s32s32sIII", buffer
    )
    caps = device_caps if capabilities & _V4L2_CAP_DEVICE_CAPS else capabilities

    def text(raw: bytes) -> str:
        return raw.split(b"\0", 1)[0].decode("utf-8", "replace")

    return {
        "driver": text(driver),
        "card": text(card),
        "bus_info": text(bus_info),
        "is_capture": bool(caps & (_V4L2_CAP_VIDEO_CAPTURE | _V4L2_CAP_VIDEO_CAPTURE_MPLANE)),
    }


def _index_backends() -> list[int]:
    if sys.platform == "win32":
        return [cv2.CAP_DSHOW, cv2.CAP_MSMF]
    if sys.platform.startswith("linux"):
        return [cv2.CAP_V4L2]
    return [cv2.CAP_ANY]


def _probe_indexes(indexes: Sequence[int]) -> list[CameraDevice]:
    found = []
    for index in indexes:
        capture = cv2.VideoCapture(index, _index_backends()[0])
        try:
            if capture.isOpened():
                found.append(CameraDevice(index, None, f"Camera {index}"))
        finally:
            capture.release()
    return found


# --------------------------------------------------------------------------- camera


class _CaptureThread:
    """One daemon thread that runs every call on a capture, so that the caller can wait
    for each call with a deadline and no two threads ever touch the capture at once."""

    def __init__(self, name: str) -> None:
        self._calls: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]] | None] = (
            queue.SimpleQueue()
        )
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._calls.get()
            if item is None:
                return
            call, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(call())
            except BaseException as exc:  # handed to the waiting caller
                future.set_exception(exc)

    def submit(self, call: Callable[[], Any]) -> Future[Any]:
        future: Future[Any] = Future()
        self._calls.put((call, future))
        return future

    def call(self, call: Callable[[], Any], timeout_s: float) -> Any:
        """Run `call` on the thread; raise `TimeoutError` if it has not returned in time."""
        future = self.submit(call)
        try:
            return future.result(timeout=max(0.0, timeout_s))
        except FutureTimeoutError:
            future.cancel()  # only succeeds if it had not started yet
            raise TimeoutError from None

    def stop(self) -> None:
        """Let the thread end after the calls already queued (never waits for them)."""
        self._calls.put(None)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()


CaptureFactory = Callable[[], Any]
"""Builds an object with the `cv2.VideoCapture` methods used here (isOpened, read, set,
release). Given to `CameraSource` by tests; normally the source opens the device itself."""


class CameraSource(FrameSourceBase):
    """A webcam through `cv2.VideoCapture`, with bounded open and read times.

    `device` is a `CameraDevice` (from `list_cameras`) or an index (/dev/videoN on Linux).
    `open()` raises the `CameraError` that fits; `read()` returns the next frame or raises
    `CameraBusyError` (no first frame within `first_frame_timeout_s`) or
    `CameraUnpluggedError` (frames came, then none within `read_timeout_s`, or the node
    vanished). After a read error the source is broken: later reads raise the same error
    until it is closed and opened again.
    """

    is_simulated = False

    def __init__(
        self,
        device: CameraDevice | int,
        width: int = 640,
        height: int = 480,
        fps: int = 30,
        *,
        open_timeout_s: float = 10.0,
        first_frame_timeout_s: float = 5.0,
        read_timeout_s: float = 2.0,
        retry_interval_s: float = 0.05,
        capture_factory: CaptureFactory | None = None,
    ) -> None:
        if isinstance(device, int):
            path = str(DEV_ROOT / f"video{device}") if sys.platform.startswith("linux") else None
            device = CameraDevice(device, path, f"Camera {device}")
        self.device = device
        self.width, self.height, self.fps = width, height, fps
        self.open_timeout_s = open_timeout_s
        self.first_frame_timeout_s = first_frame_timeout_s
        self.read_timeout_s = read_timeout_s
        self.retry_interval_s = retry_interval_s
        self._capture_factory = capture_factory
        self.description = f"camera {device.label}"
        self._worker: _CaptureThread | None = None
        self._capture: Any = None
        self._delivered = 0
        self._broken: CameraError | None = None
        self._closing = threading.Event()

    # -- open

    def open(self) -> None:
        if self._worker is not None:
            return
        label = self.device.label
        if self._capture_factory is None and self.device.path is not None:
            check_device_node(self.device.path)
        self._closing.clear()
        self._delivered = 0
        self._broken = None
        worker = _CaptureThread(f"camera-{label}")
        try:
            capture = worker.call(self._open_capture, self.open_timeout_s)
        except TimeoutError:
            worker.stop()  # the stuck open is abandoned on its daemon thread
            raise CameraOpenError(
                f"camera {label} did not open within {self.open_timeout_s:g} s"
            ) from None
        except BaseException:
            worker.stop()
            raise
        if capture is None:
            worker.stop()
            raise self._open_failure()
        self._worker, self._capture = worker, capture

    def _open_capture(self) -> Any:
        """On the capture thread: open and configure; None when nothing opened."""
        if self._capture_factory is not None:
            candidates: list[Callable[[], Any]] = [self._capture_factory]
        elif self.device.path is not None:
            path = self.device.path
            candidates = [lambda: cv2.VideoCapture(path, cv2.CAP_V4L2)]
        else:
            index = self.device.index
            candidates = [
                functools.partial(cv2.VideoCapture, index, backend) for backend in _index_backends()
            ]
        for make in candidates:
            capture = make()
            if capture.isOpened():
                capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
                capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
                capture.set(cv2.CAP_PROP_FPS, self.fps)
                return capture
            capture.release()
        return None

    def _open_failure(self) -> CameraError:
        label = self.device.label
        if self.device.path is not None and self._capture_factory is None:
            if _v4l2_busy(self.device.path):
                return CameraBusyError(f"camera {label} is in use by another program")
            return CameraOpenError(f"OpenCV could not open camera {label}")
        if self._capture_factory is None and not _probe_indexes(range(5)):
            return NoCameraError("no camera found")
        return CameraOpenError(f"OpenCV could not open camera {label}")

    # -- read

    def read(self) -> Frame:
        if self._broken is not None:
            raise self._broken
        worker, capture = self._worker, self._capture
        if worker is None:
            raise CameraOpenError(f"camera {self.device.label} is not open")
        first = self._delivered == 0
        deadline = time.monotonic() + (self.first_frame_timeout_s if first else self.read_timeout_s)
        while True:
            remaining = deadline - time.monotonic()
            try:
                ok, image = worker.call(capture.read, remaining) if remaining > 0 else (False, None)
            except TimeoutError:
                ok, image = False, None
                remaining = 0.0
            if ok and image is not None and image.size:
                frame = Frame(_as_bgr(image), time.monotonic_ns() // 1_000_000, self._delivered)
                self._delivered += 1
                return frame
            if self._closing.is_set():
                raise CameraOpenError(f"camera {self.device.label} was closed")
            vanished = self.device.path is not None and not os.path.exists(self.device.path)
            if remaining <= 0 or (vanished and self._capture_factory is None):
                raise self._fail(first, vanished)
            # A failed read is retried until the deadline; wait a little between tries so a
            # dead device does not spin the CPU. close() interrupts the wait.
            self._closing.wait(min(self.retry_interval_s, max(0.0, deadline - time.monotonic())))

    def _fail(self, first: bool, vanished: bool) -> CameraError:
        label = self.device.label
        if first and not vanished:
            error: CameraError = CameraBusyError(
                f"camera {label} opened but delivered no frame within "
                f"{self.first_frame_timeout_s:g} s (in use by another program?)"
            )
        else:
            error = CameraUnpluggedError(f"camera {label} stopped delivering frames")
        self._broken = error
        return error

    # -- close

    def close(self) -> None:
        worker, capture = self._worker, self._capture
        self._worker, self._capture = None, None
        if worker is None:
            return
        self._closing.set()
        release = worker.submit(capture.release)
        worker.stop()
        # Released on the capture thread, after any call still stuck there. Wait briefly so
        # that a normal close has really released the device before reopening it.
        with contextlib.suppress(FutureTimeoutError, Exception):
            release.result(timeout=1.0)

    @property
    def frames_delivered(self) -> int:
        return self._delivered


def check_device_node(path: str) -> None:
    """Raise the `CameraError` for a V4L2 node that is missing, forbidden or deviceless.

    `os.access` first (on Linux the usual failure is a user outside the 'video' group),
    then a real non-blocking open, whose errno is mapped by `camera_error_from_errno`.
    """
    try:
        os.stat(path)
    except OSError as exc:  # ENOENT: no node; EACCES: a directory on the way is closed
        raise camera_error_from_errno(exc.errno or errno.ENOENT, path) from None
    if not os.access(path, os.R_OK | os.W_OK):
        raise camera_error_from_errno(errno.EACCES, path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_NONBLOCK)
    except OSError as exc:
        raise camera_error_from_errno(exc.errno or 0, path) from None
    os.close(fd)


def _v4l2_busy(path: str) -> bool:
    """Whether another file handle owns the node's capture buffers (VIDIOC_REQBUFS with a
    count of 0 answers EBUSY then). False when this cannot be told."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_NONBLOCK)
    except OSError as exc:
        return exc.errno == errno.EBUSY
    try:
        request = bytearray(
            struct.pack("IIII4B", 0, _V4L2_BUF_TYPE_VIDEO_CAPTURE, _V4L2_MEMORY_MMAP, 0, 0, 0, 0, 0)
        )
        fcntl.ioctl(fd, _VIDIOC_REQBUFS, request, True)
    except OSError as exc:
        return exc.errno == errno.EBUSY
    finally:
        os.close(fd)
    return False


# --------------------------------------------------------------------------- files


class FileFrameSource(FrameSourceBase):
    """Frames from a video file, or from an image sequence (a folder of images, sorted by
    name, or an explicit list of image files) played at `sequence_fps`.

    Timestamps are the file's own: CAP_PROP_POS_MSEC for a video, `i * 1000 / fps` for a
    sequence; with `loop` the sequence restarts after its last frame and the timestamps keep
    increasing (each loop is offset by the length of one pass). Without `loop`, reading past
    the end raises `EndOfFramesError`. With `realtime`, `read()` waits until the frame's
    time has come since `open()`, like a camera would; otherwise it returns at once.
    """

    is_simulated = True

    def __init__(
        self,
        path: str | Path | Sequence[str | Path],
        *,
        loop: bool = False,
        sequence_fps: float = 15.0,
        realtime: bool = False,
    ) -> None:
        if sequence_fps <= 0:
            raise ValueError("sequence_fps must be positive")
        if isinstance(path, str | Path):
            self._path: Path | None = Path(path)
            self._files: list[Path] | None = None
        else:
            self._path = None
            self._files = [Path(p) for p in path]
        self.loop = loop
        self.sequence_fps = sequence_fps
        self.realtime = realtime
        shown = self._path.name if self._path is not None else f"{len(self._files or [])} images"
        self.description = f"simulated camera (file: {shown})"
        self._capture: Any = None
        self._sequence: list[Path] | None = None
        self._position = 0  # next frame within the current pass
        self._pass_offset_ms = 0.0
        self._last_ms = 0.0
        self._frame_ms = 1000.0 / sequence_fps
        self._delivered = 0
        self._started: float | None = None
        self._closing = threading.Event()
        self._pending: np.ndarray | None = None
        self._pending_ms = 0.0

    def open(self) -> None:
        if self._capture is not None or self._sequence is not None:
            return
        self._closing.clear()
        self._position, self._pass_offset_ms, self._last_ms, self._delivered = 0, 0.0, 0.0, 0
        if self._files is not None:
            self._open_sequence(self._files)
        elif self._path is not None and self._path.is_dir():
            files = sorted(p for p in self._path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
            self._open_sequence(files)
        else:
            self._open_video()
        self._started = time.monotonic()

    def _open_sequence(self, files: list[Path]) -> None:
        if not files:
            raise FrameFileError(f"no image files in {self.description}")
        missing = [p for p in files if not p.is_file()]
        if missing:
            raise FrameFileError(f"image file missing or not a file: {missing[0].name}")
        self._pending = self._load_image(files[0])  # fail now, not at the first read
        self._sequence = files

    @staticmethod
    def _load_image(path: Path) -> np.ndarray:
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None or not image.size:
            raise FrameFileError(f"cannot decode image file {path.name}")
        return _as_bgr(image)

    def _open_video(self) -> None:
        assert self._path is not None
        path = self._path
        if not path.is_file():
            raise FrameFileError(f"video file missing or not a file: {path.name}")
        if not os.access(path, os.R_OK):
            raise FrameFileError(f"video file not readable: {path.name}")
        if path.stat().st_size == 0:
            raise FrameFileError(f"video file is empty: {path.name}")
        capture = cv2.VideoCapture(str(path))
        if not capture.isOpened():
            capture.release()
            raise FrameFileError(f"cannot decode video file {path.name}")
        ok, image = capture.read()
        if not ok or image is None or not image.size:
            capture.release()
            raise FrameFileError(f"video file has no frames: {path.name}")
        fps = capture.get(cv2.CAP_PROP_FPS)
        if fps and fps > 0:
            self._frame_ms = 1000.0 / fps
        self._pending = _as_bgr(image)
        self._pending_ms = float(capture.get(cv2.CAP_PROP_POS_MSEC))
        self._capture = capture

    def read(self) -> Frame:
        if self._capture is None and self._sequence is None:
            raise FrameFileError(f"{self.description} is not open")
        image, in_pass_ms = self._next_image()
        at_ms = self._pass_offset_ms + in_pass_ms
        if self._delivered and at_ms <= self._last_ms:
            at_ms = self._last_ms + self._frame_ms  # containers with odd timestamps
        self._last_ms = at_ms
        if self.realtime and self._started is not None:
            wait = self._started + at_ms / 1000.0 - time.monotonic()
            if wait > 0:
                self._closing.wait(wait)
        frame = Frame(image, round(at_ms), self._delivered)
        self._delivered += 1
        return frame

    def _next_image(self) -> tuple[np.ndarray, float]:
        if self._sequence is not None:
            if self._position >= len(self._sequence):
                self._end_of_pass(len(self._sequence) * self._frame_ms)
            if self._pending is not None:
                image, self._pending = self._pending, None
            else:
                image = self._load_image(self._sequence[self._position])
            ms = self._position * self._frame_ms
            self._position += 1
            return image, ms
        capture = self._capture
        if self._pending is not None:
            image, self._pending = self._pending, None
            self._position += 1
            return image, self._pending_ms
        ok, image = capture.read()
        if not ok or image is None:
            if self._position == 0:
                raise FrameFileError(f"video file has no frames: {self._path}")
            self._end_of_pass(self._last_ms - self._pass_offset_ms + self._frame_ms)
            capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, image = capture.read()
            if not ok or image is None:
                raise FrameFileError(f"cannot rewind video file {self._path.name}")  # type: ignore[union-attr]
        self._position += 1
        return _as_bgr(image), float(capture.get(cv2.CAP_PROP_POS_MSEC))

    def _end_of_pass(self, pass_ms: float) -> None:
        if not self.loop:
            raise EndOfFramesError(f"{self.description} has no more frames")
        self._pass_offset_ms += pass_ms
        self._position = 0

    def close(self) -> None:
        self._closing.set()
        if self._capture is not None:
            self._capture.release()
        self._capture, self._sequence, self._pending = None, None, None


# --------------------------------------------------------------------------- choice


@dataclass(frozen=True)
class FrameSourceSettings:
    """What frame source to build.

    `simulated` (a video file, an image folder or a list of images) asks for a file
    source; it is honoured only when `allow_simulated_camera` is true, which the demo and
    test builds set and a production build never does. Whether this is a demo or a
    production build is decided by the caller, not here.
    """

    allow_simulated_camera: bool = False
    camera: CameraDevice | int | None = None
    simulated: str | Path | Sequence[str | Path] | None = None
    width: int = 640
    height: int = 480
    fps: int = 30
    loop_simulated: bool = True
    simulated_fps: float = 15.0
    simulated_realtime: bool = True


def make_frame_source(settings: FrameSourceSettings) -> FrameSourceBase:
    """Build the frame source `settings` ask for (not opened yet).

    A simulated (file) source without `allow_simulated_camera` raises
    `SimulatedCameraRefusedError`. Without `simulated`, the camera is `settings.camera`,
    else the first capture device `list_cameras()` finds, else index 0 (whose `open()`
    then reports `NoCameraError`).
    """
    if settings.simulated is not None:
        if not settings.allow_simulated_camera:
            raise SimulatedCameraRefusedError(
                "this build does not accept a simulated camera (file frame source)"
            )
        return FileFrameSource(
            settings.simulated,
            loop=settings.loop_simulated,
            sequence_fps=settings.simulated_fps,
            realtime=settings.simulated_realtime,
        )
    camera = settings.camera
    if camera is None:
        cameras = list_cameras()
        camera = cameras[0] if cameras else 0
    return CameraSource(camera, settings.width, settings.height, settings.fps)
