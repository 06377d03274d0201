"""The client with the platform server: private D-Bus buses and a Secret Service before
Qt first connects to a bus, and the server's fixtures."""

from __future__ import annotations

import pytest

from tests.support.buses import PrivateBuses
from tests.support.server_fixtures import (  # noqa: F401 - fixtures
    database_url,
    live_server,
    postgres_cluster,
    world,
)


def pytest_configure(config: pytest.Config) -> None:
    PrivateBuses.start_with_keyring()
