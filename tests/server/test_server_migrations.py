"""The Alembic migrations are the schema's only source: from an empty database and from
every earlier revision they reach a schema that matches the models exactly, on SQLite
and on PostgreSQL, and they downgrade cleanly."""

from __future__ import annotations

import json
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from server.db import (
    alembic_config,
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    upgrade,
)
from server.models import Base


def schema_differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def all_revisions(engine) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(engine))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_upgrade_from_empty_matches_the_models(database_url):
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert schema_differences(engine) == []
    finally:
        engine.dispose()


def test_upgrade_from_each_earlier_revision_and_downgrade(database_url):
    engine = make_engine(database_url)
    try:
        revisions = all_revisions(engine)
        assert revisions[-1] == head_revision()
        for revision in revisions:
            downgrade(engine, "base")
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
            upgrade(engine, revision)
            assert current_revision(engine) == revision
            upgrade(engine)
            assert schema_differences(engine) == []
    finally:
        engine.dispose()


def test_server_migrate_only_on_an_empty_data_folder(tmp_path):
    # `python -m server` with no configuration: secrets made once in files of their own,
    # never in the database, and the schema created by the migrations.
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "xdg"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "server", "--migrate-only"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = tmp_path / "xdg" / "vocational-platform"
    assert (data / "platform.db").is_file()
    assert (data / "master.key").stat().st_mode & 0o777 == 0o600
    assert "secret read from a local file" in result.stderr
    key = (data / "master.key").read_text().strip()
    assert key.encode() not in (data / "platform.db").read_bytes()


def test_server_starts_with_no_configuration_and_serves_its_openapi_page(tmp_path):
    import time

    import requests

    from server.embedded import free_port

    port = free_port()
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "xdg"), "PATH": "/usr/bin:/bin"}
    server = subprocess.Popen(
        [sys.executable, "-m", "server", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = requests.get(f"http://127.0.0.1:{port}/docs", timeout=2)
                break
            except requests.ConnectionError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert page.status_code == 200 and "swagger" in page.text.lower()
        schema = requests.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5).json()
        assert "/api/v1/events/batch" in schema["paths"]
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert '"event": "serving"' in stderr


def test_0003_retires_the_old_policy_field_and_makes_every_summary_again(database_url):
    """Summaries made under the per-interval rule are not the distinct-range rule's, and
    a stored institution policy naming the retired field would break every request."""
    from sqlalchemy import text

    engine = make_engine(database_url)
    try:
        downgrade(engine, "base")
        upgrade(engine, "0002")
        with engine.begin() as db:
            db.execute(
                text(
                    "INSERT INTO institutions (id, name, city_code, county_code, policy_json,"
                    " verification_json, allow_self_enrollment, created_ms) VALUES"
                    " ('inst-1', 'x', '440100', '440106', :policy, '{}', false, 0)"
                ),
                {"policy": '{"cap_at_course_duration": true, "lessons_per_day": 6}'},
            )
            db.execute(
                text(
                    "INSERT INTO session_summaries (study_session_id, learner_id, summary_json,"
                    " updated_ms) VALUES ('study-1', 'lrn-1', '{}', 0)"
                )
            )
        upgrade(engine)
        with engine.connect() as db:
            policy = db.execute(text("SELECT policy_json FROM institutions")).scalar_one()
            summaries = db.execute(text("SELECT count(*) FROM session_summaries")).scalar_one()
        assert json.loads(policy) == {"lessons_per_day": 6}
        assert summaries == 0
    finally:
        engine.dispose()
