"""Fixtures of the platform server on SQLite and on a real PostgreSQL, for the folders
whose tests talk to it (imported by their conftest)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def postgres_cluster(tmp_path_factory: pytest.TempPathFactory):
    """A private PostgreSQL on loopback for the whole run (`./dev.sh test` installs it)."""
    from tests.support.postgres_cluster import start_cluster

    cluster = start_cluster(tmp_path_factory.mktemp("pg"))
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database of each kind for one test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'platform.db'}"
    cluster = request.getfixturevalue("postgres_cluster")
    name = "t" + os.urandom(6).hex()
    return cluster.create_database(name)


@pytest.fixture
def live_server(database_url: str, tmp_path: Path):
    from tests.support.server_harness import LiveServer

    with LiveServer.running(tmp_path / "server", database_url) as server:
        yield server


@pytest.fixture
def world(live_server, tmp_path: Path, faces):
    """Two learners with enrolled faces and two courses on the live server."""
    from tests.support.server_harness import make_world

    return make_world(live_server, tmp_path, faces)
