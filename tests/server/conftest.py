"""The platform server over HTTP on loopback, on SQLite and on a private PostgreSQL."""

from tests.support.server_fixtures import (  # noqa: F401 - fixtures
    database_url,
    live_server,
    postgres_cluster,
    world,
)
