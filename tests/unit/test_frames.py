"""Frame sources (verification/frames.py) and virtual camera signals
(verification/camera_signals.py).

No webcam exists on this machine (DESIGN.md, "Face test data"), so:
- `list_cameras` reads a fake sysfs tree built in tmp_path, laid out like the kernel's;
- the camera error paths use real OpenCV and real device nodes: a missing /dev node, a
  character node with no driver behind it (mknod, ENXIO), a node this user may not open
  (checked as an unprivileged user when the tests run as root), and a regular file that
  OpenCV's V4L2 backend refuses;
- the bounded-read logic of `CameraSource` runs on its real capture thread against a real
  `cv2.VideoCapture` of a video file (frames, then reads failing = unplugged) and against
  captures that block until the test releases them (a hung driver).
The file source reads a real video written with cv2.VideoWriter from a real face photo.
Every blocking read is bounded by the source's own deadlines; no test sleeps.
"""

from __future__ import annotations

import errno
import itertools
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.support.face_images import face_photo
from verification.camera_signals import (
    CameraPolicy,
    VirtualCameraSignal,
    judge,
    virtual_camera_evidence,
)
from verification.frames import (
    CameraBusyError,
    CameraDevice,
    CameraError,
    CameraOpenError,
    CameraPermissionError,
    CameraSource,
    CameraUnpluggedError,
    EndOfFramesError,
    FileFrameSource,
    Frame,
    FrameFileError,
    FrameSource,
    FrameSourceSettings,
    NoCameraError,
    SimulatedCameraRefusedError,
    camera_error_from_errno,
    check_device_node,
    list_cameras,
    make_frame_source,
)

REPO = Path(__file__).resolve().parents[2]
FRAMES = 12
FPS = 10.0
SIZE = (320, 240)  # w, h


# --------------------------------------------------------------------------- helpers


def _face_frames(count: int = FRAMES) -> list[np.ndarray]:
    """A real face photo, shifted a little per frame so each frame differs."""
    base = cv2.resize(face_photo("astronaut"), SIZE)
    return [np.roll(base, 3 * i, axis=1) for i in range(count)]


@pytest.fixture(scope="module")
def face_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("video") / "face.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, SIZE)
    assert writer.isOpened()
    for image in _face_frames():
        writer.write(image)
    writer.release()
    assert path.stat().st_size > 1000
    return path


@pytest.fixture
def image_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "seq"
    folder.mkdir()
    for i, image in enumerate(_face_frames(5)):
        assert cv2.imwrite(str(folder / f"frame_{i:03d}.png"), image)
    (folder / "notes.txt").write_text("not an image")
    return folder


def _read_all(source: FileFrameSource, limit: int = 1000) -> list[Frame]:
    frames = []
    for _ in range(limit):
        try:
            frames.append(source.read())
        except EndOfFramesError:
            return frames
    raise AssertionError("source never ended")


# --------------------------------------------------------------------------- file source


def test_video_file_round_trip(face_video: Path) -> None:
    with FileFrameSource(face_video) as source:
        assert isinstance(source, FrameSource)
        assert source.is_simulated
        frames = _read_all(source)
    assert len(frames) == FRAMES
    assert [f.index for f in frames] == list(range(FRAMES))
    for frame in frames:
        assert frame.image.shape == (SIZE[1], SIZE[0], 3)
        assert frame.image.dtype == np.uint8
    stamps = [f.at_ms for f in frames]
    assert stamps[0] == 0
    assert all(b > a for a, b in itertools.pairwise(stamps))
    # The file's own timestamps: 10 fps -> 100 ms apart.
    assert stamps[-1] == pytest.approx((FRAMES - 1) * 1000 / FPS, abs=2)
    # It is really the photo (lossy codec: close, not equal).
    original = _face_frames()[3].astype(np.int16)
    assert np.abs(frames[3].image.astype(np.int16) - original).mean() < 12


def test_video_loop_keeps_time_increasing(face_video: Path) -> None:
    with FileFrameSource(face_video, loop=True) as source:
        frames = [source.read() for _ in range(FRAMES * 2 + 3)]
    stamps = [f.at_ms for f in frames]
    assert all(b > a for a, b in itertools.pairwise(stamps))
    assert stamps[FRAMES] == pytest.approx(FRAMES * 1000 / FPS, abs=2)
    assert [f.index for f in frames] == list(range(FRAMES * 2 + 3))
    # The second pass shows the first pass's pictures again.
    assert np.array_equal(frames[FRAMES + 1].image, frames[1].image)


def test_image_sequence_folder(image_folder: Path) -> None:
    with FileFrameSource(image_folder, sequence_fps=5) as source:
        frames = _read_all(source)
    assert len(frames) == 5
    assert [f.at_ms for f in frames] == [0, 200, 400, 600, 800]
    expected = _face_frames(5)
    for frame, image in zip(frames, expected, strict=True):
        assert np.array_equal(frame.image, image)  # PNG is lossless


def test_image_list_loop_and_order(image_folder: Path) -> None:
    files = sorted(image_folder.glob("*.png"))
    chosen = [files[2], files[0]]
    with FileFrameSource(chosen, loop=True, sequence_fps=10) as source:
        frames = [source.read() for _ in range(5)]
    assert [f.at_ms for f in frames] == [0, 100, 200, 300, 400]
    expected = _face_frames(5)
    picked = [expected[2], expected[0]] * 3
    for frame, image in zip(frames, picked, strict=False):
        assert np.array_equal(frame.image, image)


def test_grey_image_becomes_bgr(tmp_path: Path) -> None:
    grey = cv2.cvtColor(_face_frames(1)[0], cv2.COLOR_BGR2GRAY)
    path = tmp_path / "grey.png"
    cv2.imwrite(str(path), grey)
    with FileFrameSource([path]) as source:
        frame = source.read()
    assert frame.image.shape == (SIZE[1], SIZE[0], 3)


def test_realtime_file_source_paces_frames(image_folder: Path) -> None:
    with FileFrameSource(image_folder, sequence_fps=20, realtime=True) as source:
        started = time.monotonic()
        frames = [source.read() for _ in range(5)]
        elapsed = time.monotonic() - started
    assert frames[-1].at_ms == 200
    assert elapsed >= 0.19  # the fifth frame is due 200 ms after open


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda d: d / "missing.mp4", id="missing-file"),
        pytest.param(lambda d: d / "missing-folder" / "", id="missing-folder"),
        pytest.param(lambda d: _write(d / "empty.mp4", b""), id="empty-file"),
        pytest.param(
            lambda d: _write(d / "corrupt.mp4", np.random.default_rng(1).bytes(50_000)),
            id="corrupt-video",
        ),
        pytest.param(lambda d: _mkdir(d / "no-images"), id="empty-folder"),
        pytest.param(
            lambda d: [_write(d / "bad.png", np.random.default_rng(2).bytes(5_000))],
            id="corrupt-image",
        ),
        pytest.param(lambda d: [d / "gone.png"], id="missing-image"),
    ],
)
def test_unreadable_files_raise_frame_file_error(tmp_path: Path, make) -> None:
    source = FileFrameSource(make(tmp_path))
    with pytest.raises(FrameFileError) as caught:
        source.open()
    assert caught.value.code == "frame_file_unreadable"


def test_corrupt_image_later_in_sequence(image_folder: Path) -> None:
    _write(image_folder / "frame_002.png", b"\x89PNG broken")
    with FileFrameSource(image_folder) as source:
        source.read()
        source.read()
        with pytest.raises(FrameFileError):
            source.read()


def test_unreadable_file_permission(tmp_path: Path, face_video: Path) -> None:
    if os.geteuid() == 0:
        tmp_path = Path(tempfile.mkdtemp(prefix="frames-perm-"))
        tmp_path.chmod(0o755)
    try:
        path = tmp_path / "locked.mp4"
        path.write_bytes(face_video.read_bytes())
        path.chmod(0)

        def attempt() -> str:
            try:
                FileFrameSource(path).open()
            except FrameFileError as exc:
                return exc.code
            return "opened"

        outcome = _as_nobody(attempt) if os.geteuid() == 0 else attempt()
        assert outcome == "frame_file_unreadable"
    finally:
        if os.geteuid() == 0:
            shutil.rmtree(tmp_path)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


# --------------------------------------------------------------------------- production refusal


def test_production_refuses_the_file_source(face_video: Path) -> None:
    with pytest.raises(SimulatedCameraRefusedError) as caught:
        make_frame_source(FrameSourceSettings(allow_simulated_camera=False, simulated=face_video))
    assert caught.value.code == "simulated_camera_refused"


def test_demo_build_gets_the_file_source(face_video: Path) -> None:
    source = make_frame_source(
        FrameSourceSettings(
            allow_simulated_camera=True, simulated=face_video, simulated_realtime=False
        )
    )
    assert isinstance(source, FileFrameSource) and source.is_simulated
    with source:
        assert source.read().image.shape == (SIZE[1], SIZE[0], 3)


def test_production_builds_a_camera_source() -> None:
    source = make_frame_source(FrameSourceSettings(camera=3))
    assert isinstance(source, CameraSource) and not source.is_simulated
    assert source.device.index == 3


# --------------------------------------------------------------------------- camera errors


def test_missing_device_node_is_no_camera() -> None:
    assert not Path("/dev/video99").exists()
    source = CameraSource(99, open_timeout_s=5)
    with pytest.raises(NoCameraError) as caught:
        source.open()
    assert caught.value.code == "no_camera"
    assert "/dev/video99" in str(caught.value)


def test_missing_device_via_camera_device() -> None:
    device = CameraDevice(99, "/dev/video99", "Alice's iPhone Camera", "uvcvideo")
    with pytest.raises(NoCameraError) as caught:
        CameraSource(device).open()
    assert "Alice" not in str(caught.value)  # messages never carry the device name


def test_node_without_device_is_no_camera(tmp_path: Path) -> None:
    node = tmp_path / "video7"
    try:
        os.mknod(node, 0o600 | 0o020000, os.makedev(81, 7))  # S_IFCHR, V4L major
    except PermissionError:
        pytest.skip("no CAP_MKNOD here")
    with pytest.raises(NoCameraError) as caught:
        CameraSource(CameraDevice(7, str(node), "x")).open()
    assert caught.value.code == "no_camera"


def test_device_opencv_refuses_is_open_failed(tmp_path: Path) -> None:
    # A readable, writable node that is no V4L2 device: real OpenCV V4L2 backend refuses it.
    node = tmp_path / "video8"
    node.write_bytes(b"\0" * 64)
    with pytest.raises(CameraOpenError) as caught:
        CameraSource(CameraDevice(8, str(node), "x"), open_timeout_s=10).open()
    assert caught.value.code == "camera_open_failed"
    assert type(caught.value) is CameraOpenError


def _as_nobody(attempt: Callable[[], str]) -> str:
    """Run `attempt` in a forked child that has dropped to the unprivileged 'nobody' user
    and return what it returned. (The venv's interpreter lives under /root, which that
    user cannot exec, so no fresh interpreter: the child reuses this one's modules.)"""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns into pytest
        code = 1
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            os.write(write_end, attempt().encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        outcome = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return outcome


def _open_as_nobody(node: Path) -> str:
    def attempt() -> str:
        try:
            CameraSource(CameraDevice(5, str(node), "x")).open()
        except CameraError as exc:
            return exc.code
        return "opened"

    return _as_nobody(attempt)


def test_node_without_permission(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if os.geteuid() == 0:  # pytest's tmp base is 0700: nobody could not even reach it
        tmp_path = Path(tempfile.mkdtemp(prefix="camera-perm-"))
        tmp_path.chmod(0o755)
    request.addfinalizer(lambda: shutil.rmtree(tmp_path, ignore_errors=True))
    node = tmp_path / "video5"
    try:
        os.mknod(node, 0o600 | 0o020000, os.makedev(81, 5))
    except PermissionError:
        node.write_bytes(b"")
        node.chmod(0)
    if os.geteuid() != 0:
        with pytest.raises(CameraPermissionError):
            CameraSource(CameraDevice(5, str(node), "x")).open()
        return
    # As root os.access always allows; check as an unprivileged user, as a learner runs it.
    assert _open_as_nobody(node) == "camera_permission"
    node.chmod(0o666)  # the same node, now allowed: the error becomes "no device behind it"
    assert _open_as_nobody(node) == "no_camera"
    node.unlink()
    tmp_path.chmod(0o700)  # a closed directory on the way is a permission problem too
    node.write_bytes(b"")
    assert _open_as_nobody(node) == "camera_permission"


@pytest.mark.parametrize(
    ("err", "cls", "code"),
    [
        (errno.EACCES, CameraPermissionError, "camera_permission"),
        (errno.EPERM, CameraPermissionError, "camera_permission"),
        (errno.ENOENT, NoCameraError, "no_camera"),
        (errno.ENODEV, NoCameraError, "no_camera"),
        (errno.ENXIO, NoCameraError, "no_camera"),
        (errno.EBUSY, CameraBusyError, "camera_busy"),
        (errno.EIO, CameraOpenError, "camera_open_failed"),
    ],
)
def test_errno_mapping(err: int, cls: type[CameraError], code: str) -> None:
    error = camera_error_from_errno(err, "/dev/video0")
    assert type(error) is cls
    assert error.code == code
    assert isinstance(error, CameraError)
    assert "/dev/video0" in str(error)


def test_check_device_node_accepts_an_openable_node(tmp_path: Path) -> None:
    node = tmp_path / "video0"
    node.write_bytes(b"")
    check_device_node(str(node))  # no exception


# --------------------------------------------------------------------------- camera reads


def test_camera_source_delivers_then_reports_unplugged(face_video: Path) -> None:
    # A real cv2.VideoCapture: frames come, then read() starts failing (end of stream
    # stands in for the unplugged camera). The source's capture thread and deadlines run.
    source = CameraSource(
        CameraDevice(0, None, "test"),
        capture_factory=lambda: cv2.VideoCapture(str(face_video)),
        read_timeout_s=0.5,
        retry_interval_s=0.01,
    )
    with source:
        before = time.monotonic_ns() // 1_000_000
        frames = [source.read() for _ in range(FRAMES)]
        stamps = [f.at_ms for f in frames]
        assert stamps[0] >= before and stamps == sorted(stamps)
        assert [f.index for f in frames] == list(range(FRAMES))
        assert frames[0].image.shape == (SIZE[1], SIZE[0], 3)
        started = time.monotonic()
        with pytest.raises(CameraUnpluggedError) as caught:
            source.read()
        assert time.monotonic() - started < 5
        assert caught.value.code == "camera_unplugged"
        with pytest.raises(CameraUnpluggedError):  # broken until reopened
            source.read()


class _BlockingCapture:
    """A capture whose read() blocks until released: a driver that hangs."""

    def __init__(self, frames_before_hang: int = 0) -> None:
        self.release_read = threading.Event()
        self.released = threading.Event()
        self.frames_before_hang = frames_before_hang
        self.image = np.zeros((48, 64, 3), np.uint8)

    def isOpened(self) -> bool:
        return True

    def set(self, prop: int, value: float) -> bool:
        return True

    def read(self) -> tuple[bool, np.ndarray | None]:
        if self.frames_before_hang > 0:
            self.frames_before_hang -= 1
            return True, self.image
        self.release_read.wait(30)  # bounded so a broken test cannot hang the run
        return False, None

    def release(self) -> None:
        self.released.set()


def test_hung_first_read_is_busy_within_deadline() -> None:
    capture = _BlockingCapture()
    source = CameraSource(
        CameraDevice(0, None, "test"), capture_factory=lambda: capture, first_frame_timeout_s=0.3
    )
    source.open()
    started = time.monotonic()
    with pytest.raises(CameraBusyError) as caught:
        source.read()
    assert time.monotonic() - started < 3
    assert caught.value.code == "camera_busy"
    source.close()  # must not wait for the stuck read
    assert time.monotonic() - started < 5
    assert not capture.released.is_set()  # never released while a read is inside it
    capture.release_read.set()
    assert capture.released.wait(5)  # released on the capture thread after the read


def test_hang_after_frames_is_unplugged() -> None:
    capture = _BlockingCapture(frames_before_hang=2)
    source = CameraSource(
        CameraDevice(0, None, "test"), capture_factory=lambda: capture, read_timeout_s=0.3
    )
    try:
        with source:
            assert source.read().index == 0
            assert source.read().index == 1
            with pytest.raises(CameraUnpluggedError):
                source.read()
    finally:
        capture.release_read.set()
    assert capture.released.wait(5)


def test_hung_open_is_bounded() -> None:
    gate = threading.Event()

    def factory() -> _BlockingCapture:
        gate.wait(30)
        return _BlockingCapture()

    source = CameraSource(CameraDevice(0, None, "test"), capture_factory=factory)
    source.open_timeout_s = 0.3
    started = time.monotonic()
    try:
        with pytest.raises(CameraOpenError):
            source.open()
    finally:
        gate.set()
    assert time.monotonic() - started < 3


def test_capture_that_does_not_open_is_open_failed() -> None:
    class Closed(_BlockingCapture):
        def isOpened(self) -> bool:
            return False

    with pytest.raises(CameraOpenError):
        CameraSource(CameraDevice(0, None, "test"), capture_factory=Closed).open()


def test_grey_camera_frames_become_bgr() -> None:
    class Grey(_BlockingCapture):
        def read(self) -> tuple[bool, np.ndarray]:
            return True, np.full((48, 64), 7, np.uint8)

    with CameraSource(CameraDevice(0, None, "t"), capture_factory=Grey) as source:
        frame = source.read()
    assert frame.image.shape == (48, 64, 3) and frame.image.dtype == np.uint8


# --------------------------------------------------------------------------- list_cameras


def _fake_sysfs(root: Path) -> Path:
    """/sys laid out as the kernel does for a USB webcam (capture + metadata node) and a
    v4l2loopback device (no parent device; its own max_openers attribute)."""
    sys_root = root / "sys"
    devices = sys_root / "devices"
    klass = sys_root / "class" / "video4linux"
    klass.mkdir(parents=True)
    drivers = sys_root / "bus" / "usb" / "drivers"
    (drivers / "uvcvideo").mkdir(parents=True)
    (sys_root / "module" / "uvcvideo").mkdir(parents=True)
    os.symlink(sys_root / "module" / "uvcvideo", drivers / "uvcvideo" / "module")
    usb_if = devices / "pci0000:00" / "0000:00:14.0" / "usb1" / "1-2" / "1-2:1.0"
    for number, index, name in (
        (0, 0, "Integrated Camera: Integrated C"),
        (1, 1, "Integrated Camera: Integrated C"),
    ):
        node = usb_if / "video4linux" / f"video{number}"
        node.mkdir(parents=True)
        (node / "name").write_text(name + "\n")
        (node / "index").write_text(f"{index}\n")
        (node / "dev").write_text(f"81:{number}\n")
        os.symlink(usb_if, node / "device")
        os.symlink(node, klass / f"video{number}")
    os.symlink(drivers / "uvcvideo", usb_if / "driver")
    os.symlink(sys_root / "bus" / "usb", usb_if / "subsystem")
    (sys_root / "bus" / "usb").mkdir(exist_ok=True)

    loop = devices / "virtual" / "video4linux" / "video2"
    loop.mkdir(parents=True)
    (loop / "name").write_text("OBS Virtual Camera\n")
    (loop / "index").write_text("0\n")
    (loop / "max_openers").write_text("10\n")
    (loop / "format").write_text("\n")
    os.symlink(loop, klass / "video2")
    return sys_root


def test_list_cameras_from_sysfs(tmp_path: Path) -> None:
    sys_root = _fake_sysfs(tmp_path)
    dev_root = tmp_path / "dev"  # no nodes: QUERYCAP cannot run, sysfs alone decides
    cameras = list_cameras(sys_root, dev_root)
    assert [(c.index, c.path, c.name, c.driver, c.bus_info, c.is_capture) for c in cameras] == [
        (
            0,
            str(dev_root / "video0"),
            "Integrated Camera: Integrated C",
            "uvcvideo",
            "usb:1-2:1.0",
            True,
        ),
        (2, str(dev_root / "video2"), "OBS Virtual Camera", "v4l2loopback", "virtual", True),
    ]
    everything = list_cameras(sys_root, dev_root, include_non_capture=True)
    assert [(c.index, c.is_capture) for c in everything] == [(0, True), (2, True), (1, False)]


def test_list_cameras_without_video4linux(tmp_path: Path) -> None:
    assert list_cameras(tmp_path, tmp_path) == []


def test_list_cameras_on_this_machine_finds_none() -> None:
    if Path("/sys/class/video4linux").exists():
        pytest.skip("this machine has video devices")
    assert list_cameras() == []


def test_sysfs_virtual_camera_is_flagged(tmp_path: Path) -> None:
    cameras = list_cameras(_fake_sysfs(tmp_path), tmp_path / "dev")
    signals = {c.index: virtual_camera_evidence(c) for c in cameras}
    assert signals[0] is None
    assert signals[2] == VirtualCameraSignal(
        "obs_virtual_camera", ("name~obs virtual camera", "driver=v4l2loopback")
    )


# --------------------------------------------------------------------------- camera signals


def _dev(
    name: str, driver: str | None = None, bus: str | None = None, path: str | None = None
) -> CameraDevice:
    return CameraDevice(0, path, name, driver, bus)


@pytest.mark.parametrize(
    ("device", "kind", "evidence"),
    [
        (_dev("OBS Virtual Camera"), "obs_virtual_camera", ("name~obs virtual camera",)),
        (_dev("OBS-Camera"), "obs_virtual_camera", ("name~obs-camera",)),
        (_dev("ManyCam Virtual Webcam"), "manycam", ("name~manycam",)),
        (_dev("XSplit VCam"), "xsplit_vcam", ("name~xsplit",)),
        (_dev("Snap Camera"), "snap_camera", ("name~snap camera",)),
        (_dev("e2eSoft VCam"), "e2esoft_vcam", ("name~e2esoft",)),
        (_dev("VCam"), "e2esoft_vcam", ("name~vcam",)),
        (_dev("DroidCam Source 3"), "droidcam", ("name~droidcam",)),
        (_dev("Iriun Webcam"), "iriun", ("name~iriun",)),
        (_dev("Dummy video device (0x0000)"), "v4l2loopback", ("name~dummy video device",)),
        (_dev("Virtual Camera"), "generic_virtual", ("name~virtual",)),
        (_dev("Integrated Camera", "v4l2loopback"), "v4l2loopback", ("driver=v4l2loopback",)),
        (_dev("Integrated Camera", "akvcam"), "akvcam", ("driver=akvcam",)),
        (
            _dev("vivid", "vivid", "platform:vivid-000"),
            "vivid",
            ("name~vivid", "driver=vivid", "bus_info=platform:vivid-000"),
        ),
        (
            _dev("Logitech BRIO", None, "platform:v4l2loopback-000"),
            "v4l2loopback",
            ("bus_info=platform:v4l2loopback-000",),
        ),
        (
            _dev("OBS Virtual Camera", "v4l2 loopback", "platform:v4l2loopback-000", "/dev/video4"),
            "obs_virtual_camera",
            (
                "name~obs virtual camera",
                "driver=v4l2 loopback",
                "bus_info=platform:v4l2loopback-000",
            ),
        ),
        (
            _dev("Virtual cam", "v4l2loopback"),
            "v4l2loopback",
            ("name~virtual", "driver=v4l2loopback"),
        ),
    ],
)
def test_virtual_cameras_recognised(
    device: CameraDevice, kind: str, evidence: tuple[str, ...]
) -> None:
    signal = virtual_camera_evidence(device)
    assert signal == VirtualCameraSignal(kind, evidence)


@pytest.mark.parametrize(
    "device",
    [
        _dev("Integrated Camera: Integrated C", "uvcvideo", "usb-0000:00:14.0-8", "/dev/video0"),
        _dev("Logitech BRIO", "uvcvideo", "usb-0000:00:14.0-1"),
        _dev("HD Pro Webcam C920", "uvcvideo", "usb-0000:00:14.0-2"),
        _dev("USB2.0 HD UVC WebCam"),
        _dev("Camera 0"),
        _dev("Alice's iPhone Camera"),
        _dev("Microsoft LifeCam HD-3000", "uvcvideo"),
        _dev(""),
    ],
)
def test_real_cameras_not_flagged(device: CameraDevice) -> None:
    assert virtual_camera_evidence(device) is None


def test_evidence_does_not_copy_the_whole_name() -> None:
    signal = virtual_camera_evidence(_dev("Alice Wang's virtual camera"))
    assert signal is not None
    assert all("alice" not in e.lower() for e in signal.evidence)


def test_policy_warn_and_refuse() -> None:
    signal = virtual_camera_evidence(_dev("OBS Virtual Camera", "v4l2loopback"))
    assert signal is not None
    warn = judge(signal, CameraPolicy("warn"))
    refuse = judge(signal, CameraPolicy("refuse"))
    assert (warn.action, warn.allowed, warn.code, warn.signal) == (
        "warn",
        True,
        "virtual_camera",
        signal,
    )
    assert (refuse.action, refuse.allowed, refuse.code) == ("refuse", False, "virtual_camera")
    clean = judge(
        virtual_camera_evidence(_dev("Logitech BRIO", "uvcvideo")), CameraPolicy("refuse")
    )
    assert (clean.action, clean.allowed, clean.signal, clean.code) == ("allow", True, None, None)
    assert CameraPolicy().virtual_camera == "refuse"
    with pytest.raises(ValueError):
        CameraPolicy("ignore")  # type: ignore[arg-type]
