"""The private PostgreSQL cluster the server suite runs against (tests/support/postgres_cluster.py)."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from tests.support.postgres_cluster import (
    APT_HINT,
    PostgresUnavailableError,
    find_bin_dir,
    start_cluster,
)

REPO = Path(__file__).resolve().parents[2]


def _port_closed(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return False
    except OSError:
        return True


def _process_uid(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError(f"no Uid line for pid {pid}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_cluster_serves_sqlalchemy_second_database_and_stops(tmp_path: Path) -> None:
    cluster = start_cluster(tmp_path / "pg")
    try:
        assert cluster.url == f"postgresql+psycopg://app@127.0.0.1:{cluster.port}/app"
        assert cluster.running

        engine = sa.create_engine(cluster.url)
        try:
            with engine.begin() as conn:
                row = conn.execute(
                    sa.text(
                        "SELECT current_user, current_database(), "
                        "current_setting('server_encoding'), current_setting('lc_collate'), "
                        "current_setting('listen_addresses'), "
                        "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
                    )
                ).one()
                assert tuple(row) == ("app", "app", "UTF8", "C", "127.0.0.1", False)
                # The role owns its database: it can create tables in the public schema.
                conn.execute(sa.text("CREATE TABLE learner (id serial PRIMARY KEY, name text)"))
                conn.execute(sa.text("INSERT INTO learner (name) VALUES ('张三')"))
                assert conn.execute(sa.text("SELECT name FROM learner")).scalar_one() == "张三"
        finally:
            engine.dispose()

        # A fresh database per test module: empty, and separate from the first.
        second_url = cluster.create_database("module_two")
        assert second_url == f"postgresql+psycopg://app@127.0.0.1:{cluster.port}/module_two"
        engine = sa.create_engine(second_url)
        try:
            with engine.connect() as conn:
                assert conn.execute(sa.text("SELECT current_database()")).scalar_one() == (
                    "module_two"
                )
                assert sa.inspect(conn).get_table_names() == []
        finally:
            engine.dispose()
        cluster.drop_database("module_two")
        with pytest.raises(ValueError, match="identifier"):
            cluster.create_database("x; DROP DATABASE app")

        # The unix socket in the cluster directory answers too (trust, no password).
        with psycopg.connect(
            host=str(cluster.socket_dir), port=cluster.port, user="app", dbname="app"
        ) as c:
            assert c.execute("SELECT 1").fetchone() == (1,)
        assert cluster.socket_dir.is_relative_to(cluster.root)

        # Never as root: as root the server runs as the `postgres` system user.
        expected_uid = pwd.getpwnam("postgres").pw_uid if os.geteuid() == 0 else os.geteuid()
        assert _process_uid(cluster.pid) == expected_uid
    finally:
        cluster.stop()

    assert not cluster.running
    assert _port_closed(cluster.port)
    assert not _alive(cluster.pid)
    cluster.stop()  # idempotent


def test_missing_binaries_raise_a_clear_error_naming_the_package(tmp_path: Path) -> None:
    with pytest.raises(PostgresUnavailableError) as raised:
        start_cluster(tmp_path / "pg", bin_dir=tmp_path / "no-such-bin")
    message = str(raised.value)
    assert "apt-get install postgresql" in message
    assert str(tmp_path / "no-such-bin") in message
    assert "apt-get install postgresql" in APT_HINT
    assert not (tmp_path / "pg").exists()  # nothing started, nothing made


def test_no_installation_at_all_is_the_same_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    with pytest.raises(PostgresUnavailableError, match="apt-get install postgresql"):
        find_bin_dir(root=tmp_path / "no-postgresql")


def test_newest_installed_version_is_chosen(tmp_path: Path) -> None:
    for version in ("9.6", "15", "16", "notaversion"):
        bin_dir = tmp_path / version / "bin"
        bin_dir.mkdir(parents=True)
        for name in ("initdb", "postgres"):
            (bin_dir / name).write_text("#!/bin/sh\n")
            (bin_dir / name).chmod(0o755)
    (tmp_path / "17" / "bin").mkdir(parents=True)  # a leftover without binaries
    assert find_bin_dir(root=tmp_path) == tmp_path / "16" / "bin"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux")
def test_killed_test_process_leaves_no_postmaster(tmp_path: Path) -> None:
    child = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        sys.path.insert(0, {str(REPO)!r})
        from tests.support.postgres_cluster import start_cluster
        cluster = start_cluster(Path({str(tmp_path / "pg")!r}))
        print(cluster.port, cluster.pid, flush=True)
        time.sleep(120)
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", child], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, "the child did not start a cluster"
        port, pid = (int(field) for field in line.split())
        assert _alive(pid)
        process.send_signal(signal.SIGKILL)  # no atexit, no finalizer: a crash
        process.wait(timeout=10)
        deadline = time.monotonic() + 30
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(pid), "the postmaster outlived the killed test process"
        assert _port_closed(port)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
        # As root the cluster lived outside tmp_path; nobody was left to remove it.
        location = tmp_path / "pg" / "postgres-cluster-location.txt"
        if location.exists():
            shutil.rmtree(location.read_text().strip(), ignore_errors=True)


def test_a_deep_cluster_directory_gets_a_short_socket_directory(tmp_path: Path) -> None:
    from tests.support.postgres_cluster import _Runner, _socket_dir

    made: list[Path] = []
    runner = _Runner(None)
    assert _socket_dir(tmp_path, runner, made) == tmp_path / "socket"
    assert made == []
    deep = tmp_path / ("d" * 90)
    short = _socket_dir(deep, runner, made)
    try:
        assert made == [short]
        assert len(str(short / ".s.PGSQL.65535")) <= 107
    finally:
        shutil.rmtree(short)
