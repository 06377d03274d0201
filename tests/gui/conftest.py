"""Real windows on the test display. Qt must see the private D-Bus buses (screen-lock
and suspend signals are sent on them) before it first connects to a bus, hence at
configuration and not in a fixture; the Secret Service runs on the same session bus."""

from __future__ import annotations

import pytest

from tests.support.buses import PrivateBuses
from tests.support.player_harness import make_player  # noqa: F401 - a fixture


def pytest_configure(config: pytest.Config) -> None:
    PrivateBuses.start_with_keyring()
