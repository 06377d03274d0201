"""Fixtures every folder may ask for. Nothing here starts anything unless a test asks:
each folder's conftest starts what its tests need (`gui/` and `e2e/`: private D-Bus
buses and a Secret Service before Qt connects; `server/`: the platform server).

Folders: `unit/` pure and unit tests (the fast loop: `./dev.sh test -m "not slow"`),
`gui/` real windows on the test display, `server/` the platform server over HTTP,
`e2e/` the client with the server, `support/` helpers. Every test outside `unit/` is
marked `slow`; under pytest-xdist the tests that open windows run in one worker.

`--disable-protections` builds the player with its protections switched off (no
playback guard, no attention monitor, and the usual media-player controls that seek on
clicks, drags, wheel and arrow keys). Tests marked `protection` must then fail:
`tests/gui/test_protections_are_tested.py` runs them that way and checks that they do.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.demo_media import GeneratedClip, generate_clock_video
from tests.support.buses import PrivateBuses
from tests.support.face_fixtures import faces  # noqa: F401 - a fixture
from tests.support.gui_thread_watch import EmitWatch

TESTS = Path(__file__).resolve().parent
UNIT = TESTS / "unit"
# Node ids of the tests that open windows (the sync engine's e2e tests open none).
WINDOWED = ("tests/gui/", "tests/e2e/test_app_e2e.py", "tests/e2e/test_app_process.py")
# Modules whose tests share one costly module fixture (the packaged client's build): all
# in one worker, so it is made once.
ONE_WORKER_MODULES = ("tests/e2e/test_packaged_client.py",)
GUI_TOOLS = ("xdotool", "xmessage", "dbus-daemon", "dbus-send")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--disable-protections",
        action="store_true",
        help="build the player without its protections (protection tests must then fail)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "protection: checks a protection; must fail under --disable-protections"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    slow = pytest.mark.slow
    for item in items:
        if UNIT not in item.path.parents:
            item.add_marker(slow)


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """Under pytest-xdist every test with windows runs in one worker, one at a time:
    windows of two tests on one display would take each other's focus. The modules of
    ONE_WORKER_MODULES go whole to a worker; the other tests are spread one by one."""
    from xdist.scheduler import LoadScopeScheduling

    class WindowsInOneWorker(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(WINDOWED):
                return "windows"
            if nodeid.startswith(ONE_WORKER_MODULES):
                return nodeid.split("::", maxsplit=1)[0]
            return nodeid

    return WindowsInOneWorker(config, log)


def pytest_unconfigure(config: pytest.Config) -> None:
    PrivateBuses.stop()


@pytest.fixture(scope="session")
def display() -> str:
    """Tests with real windows need the display `./dev.sh test` starts: they fail, never
    skip, without it. Pure tests do not ask for this and run anywhere."""
    if not os.environ.get("DISPLAY"):
        pytest.fail("DISPLAY is not set: run the suite with ./dev.sh test (Xvfb + openbox)")
    missing = [tool for tool in GUI_TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run the suite with ./dev.sh test")
    return os.environ["DISPLAY"]


@pytest.fixture
def dbus_buses() -> type[PrivateBuses]:
    return PrivateBuses


@pytest.fixture(scope="session")
def protections(request: pytest.FixtureRequest) -> bool:
    return not request.config.getoption("--disable-protections")


@pytest.fixture(scope="session")
def clip(tmp_path_factory: pytest.TempPathFactory) -> GeneratedClip:
    return generate_clock_video(tmp_path_factory.mktemp("media") / "clip.mp4", seconds=30)


@pytest.fixture
def emits_on_gui_thread() -> Iterator[EmitWatch]:
    """Watch facades' signals (`watch.watch(facade)`); the test fails if one of them was
    emitted off the GUI thread (tests/support/gui_thread_watch.py)."""
    watch = EmitWatch()
    yield watch
    assert watch.off_gui_thread == [], "emitted off the GUI thread"


@pytest.fixture(scope="session")
def default_language(display, qapp):
    """The client's default language is Simplified Chinese; tests see what learners see."""
    from app.i18n import DEFAULT_LANGUAGE, install_language

    assert install_language(qapp, DEFAULT_LANGUAGE), "zh_CN.qm missing: run ./dev.sh test"
    return DEFAULT_LANGUAGE
