"""A private, throw-away PostgreSQL cluster for the server test suite.

`start_cluster(base_dir)` runs the installed PostgreSQL server (Debian's `postgresql-NN`
package, newest version under /usr/lib/postgresql first) in a directory of its own:
`initdb -E UTF8 --locale=C`, trust authentication on a unix socket inside the cluster
directory and on 127.0.0.1 only, a postmaster listening on a free loopback port, and a
login role owning one database. Nothing is shared with a system cluster.

Missing binaries are an error (`PostgresUnavailableError`, naming the apt package), never
a skip: the PostgreSQL half of the suite must not silently vanish.

Running as root (CI), initdb and postgres refuse to start, so they run as the `postgres`
system user that the Debian package creates, and the cluster directory is chowned to it.
pytest's temporary directories live under /tmp/pytest-of-root (mode 0700), which that
user cannot traverse; the cluster then lives in a private directory of its own under the
system temporary directory (`PostgresCluster.root` says where; `stop()` removes it).

A postmaster must not outlive the test process:
- `stop()` (fast shutdown: SIGINT) is idempotent and also runs at interpreter exit
  (`weakref.finalize`), and when the cluster object is garbage-collected;
- on Linux the postmaster is started with a parent-death signal (SIGINT, fast shutdown),
  so a test process killed outright (SIGKILL, a crash) still takes it down. That signal
  follows the *thread* that started the cluster: start it from the main thread (pytest
  fixtures run there);
- it runs in a session of its own, so a Ctrl-C in the terminal reaches only pytest, which
  then stops it in order;
- PostgreSQL itself shuts down within a minute once its data directory (and with it
  postmaster.pid) is deleted, the last resort when pytest prunes old temporary
  directories.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

DEBIAN_PG_ROOT = Path("/usr/lib/postgresql")
REQUIRED_BINARIES = ("initdb", "postgres")
APT_HINT = (
    "install the PostgreSQL server with `apt-get install postgresql` "
    "(Debian's package postgresql-15 or newer; it provides /usr/lib/postgresql/<version>/bin "
    "and the `postgres` system user)"
)
SUPERUSER = "postgres"  # the bootstrap superuser initdb creates (-U), whoever runs it
DEFAULT_ROLE = "app"
DEFAULT_DATABASE = "app"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0
_SOCKET_NAME_MAX = len("/.s.PGSQL.65535")
_SUN_PATH_MAX = 107  # sockaddr_un.sun_path is 108 bytes on Linux, NUL included
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_PR_SET_PDEATHSIG = 1
_BIND_FAILURES = ("could not bind", "Address already in use", "could not create any TCP/IP")


class PostgresClusterError(RuntimeError):
    """The private PostgreSQL cluster could not be set up or used."""


class PostgresUnavailableError(PostgresClusterError):
    """The PostgreSQL server binaries (or, as root, the `postgres` user) are missing."""


class PostgresStartError(PostgresClusterError):
    """initdb or the postmaster failed; the message carries the end of its log."""


def find_bin_dir(root: Path = DEBIAN_PG_ROOT) -> Path:
    """The newest `<root>/<version>/bin` holding initdb and postgres.

    Falls back to a PostgreSQL whose initdb is on PATH (other distributions install the
    server binaries under /usr/bin). Raises `PostgresUnavailableError` otherwise.
    """
    versions: list[tuple[tuple[int, ...], Path]] = []
    if root.is_dir():
        for child in root.iterdir():
            key = _version_key(child.name)
            if key is not None and _has_binaries(child / "bin"):
                versions.append((key, child / "bin"))
    if versions:
        return max(versions)[1]
    on_path = shutil.which("initdb")
    if on_path is not None and _has_binaries(Path(on_path).resolve().parent):
        return Path(on_path).resolve().parent
    raise PostgresUnavailableError(
        f"no PostgreSQL server binaries (initdb, postgres) under {root}/<version>/bin "
        f"nor on PATH: {APT_HINT}"
    )


def start_cluster(
    base_dir: Path,
    *,
    bin_dir: Path | None = None,
    role: str = DEFAULT_ROLE,
    database: str = DEFAULT_DATABASE,
    start_timeout: float = START_TIMEOUT_S,
) -> PostgresCluster:
    """initdb a cluster into `base_dir`, start it on 127.0.0.1, create `role` and `database`.

    `bin_dir` overrides the discovery of the server binaries (`find_bin_dir()`).
    """
    for name in (role, database):
        _check_identifier(name)
    bin_dir = _checked_bin_dir(bin_dir)
    base_dir = Path(base_dir).resolve()
    base_dir.mkdir(parents=True, exist_ok=True)
    runner = _Runner.for_current_user()
    private_dirs: list[Path] = []  # made outside base_dir: removed again by stop()
    cluster: PostgresCluster | None = None
    try:
        root = _cluster_root(base_dir, runner, private_dirs)
        data_dir = root / "data"
        socket_dir = _socket_dir(root, runner, private_dirs)
        for path in (data_dir, socket_dir):
            path.mkdir(mode=0o700, exist_ok=True)
            runner.give(path)
        _initdb(bin_dir, data_dir, runner, root / "initdb.log")
        cluster = _start_postmaster(
            bin_dir, root, data_dir, socket_dir, root / "postgres.log", runner, start_timeout
        )
        cluster._private_dirs.extend(private_dirs)  # the list its finalizer holds
        cluster._bootstrap(role, database)
        return cluster
    except BaseException:
        if cluster is not None:
            cluster.stop()
        for path in private_dirs:
            shutil.rmtree(path, ignore_errors=True)
        raise


class PostgresCluster:
    """A running private cluster. `stop()` is idempotent and also runs at exit."""

    def __init__(
        self,
        *,
        bin_dir: Path,
        root: Path,
        data_dir: Path,
        socket_dir: Path,
        log_path: Path,
        port: int,
        process: subprocess.Popen[bytes],
    ) -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.data_dir = data_dir
        self.socket_dir = socket_dir
        self.log_path = log_path
        self.port = port
        self.host = "127.0.0.1"
        self.role = DEFAULT_ROLE
        self.database = DEFAULT_DATABASE
        self._process = process
        self._private_dirs: list[Path] = []
        # Holds no reference to self, so the cluster can still be garbage-collected.
        self._finalizer = weakref.finalize(self, _shutdown, process, self._private_dirs)

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the cluster's database, as its (non-superuser) owner role."""
        return self.url_for(self.database)

    @property
    def admin_url(self) -> str:
        """SQLAlchemy URL of the `postgres` maintenance database as the superuser."""
        return self._url(SUPERUSER, "postgres")

    @property
    def running(self) -> bool:
        return self._finalizer.alive and self._process.poll() is None

    @property
    def pid(self) -> int:
        return self._process.pid

    def url_for(self, database: str) -> str:
        _check_identifier(database)
        return self._url(self.role, database)

    def create_database(self, name: str) -> str:
        """Create an empty database owned by the cluster's role; return its SQLAlchemy URL."""
        _check_identifier(name)
        with self._admin_connection() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0").format(
                    sql.Identifier(name), sql.Identifier(self.role)
                )
            )
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, disconnecting whoever is still connected to it."""
        _check_identifier(name)
        with self._admin_connection() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def stop(self) -> None:
        """Fast shutdown (SIGINT), waited for; then the private directories are removed."""
        self._finalizer()

    def __enter__(self) -> PostgresCluster:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<PostgresCluster {self.host}:{self.port} {state} root={self.root}>"

    def _url(self, user: str, database: str) -> str:
        return f"postgresql+psycopg://{user}@{self.host}:{self.port}/{database}"

    def _admin_connection(self) -> psycopg.Connection[Any]:
        if not self.running:
            raise PostgresClusterError(f"the cluster on port {self.port} is not running")
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=SUPERUSER,
            dbname="postgres",
            autocommit=True,
            connect_timeout=10,
        )

    def _bootstrap(self, role: str, database: str) -> None:
        with self._admin_connection() as conn:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN CREATEDB NOSUPERUSER").format(sql.Identifier(role))
            )
        self.role = role
        self.database = database
        self.create_database(database)


# --- running the server binaries ------------------------------------------------------


class _Runner:
    """Runs the server binaries as the current user, or as `postgres` when we are root."""

    def __init__(self, account: pwd.struct_passwd | None) -> None:
        self.account = account  # None: run as ourselves

    @classmethod
    def for_current_user(cls) -> _Runner:
        if os.geteuid() != 0:
            return cls(None)
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailableError(
                "running as root, the PostgreSQL server must run as the `postgres` system "
                f"user, and there is none: {APT_HINT}"
            ) from None
        return cls(account)

    def give(self, path: Path) -> None:
        if self.account is not None:
            os.chown(path, self.account.pw_uid, self.account.pw_gid)

    def can_use(self, path: Path) -> bool:
        """Whether the server's user can create files in `path` (every ancestor searchable)."""
        if self.account is None:
            return os.access(path, os.W_OK | os.X_OK)
        probe = subprocess.run(
            ["test", "-w", str(path), "-a", "-x", str(path)],
            check=False,
            env=_child_env(),
            cwd="/",
            **self.popen_kwargs(),
        )
        return probe.returncode == 0

    def popen_kwargs(self) -> dict[str, Any]:
        if self.account is None:
            return {}
        # Python's user=/group= switch credentials in the child just before exec, as
        # `setpriv --reuid postgres --regid postgres --clear-groups` would, without a
        # `runuser`/`su` parent in between: the Popen pid is the postmaster itself.
        return {
            "user": self.account.pw_uid,
            "group": self.account.pw_gid,
            "extra_groups": [],
        }

    def run(self, argv: Sequence[str], *, log_path: Path, cwd: Path) -> None:
        with log_path.open("wb") as log:
            result = subprocess.run(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=_child_env(),
                cwd=cwd,
                check=False,
                **self.popen_kwargs(),
            )
        if result.returncode != 0:
            raise PostgresStartError(
                f"{Path(argv[0]).name} failed with exit code {result.returncode}:\n"
                f"{_tail(log_path)}"
            )


def _initdb(bin_dir: Path, data_dir: Path, runner: _Runner, log_path: Path) -> None:
    runner.run(
        [
            str(bin_dir / "initdb"),
            "--pgdata",
            str(data_dir),
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
            "--no-instructions",
        ],
        log_path=log_path,
        cwd=data_dir.parent,
    )
    # Only what the tests use: the socket and IPv4 loopback (no ::1, no replication).
    hba = data_dir / "pg_hba.conf"
    hba.write_text(
        "# written by tests/support/postgres_cluster.py\n"
        "local   all   all                  trust\n"
        "host    all   all   127.0.0.1/32   trust\n",
        encoding="utf-8",
    )
    runner.give(hba)


def _start_postmaster(
    bin_dir: Path,
    root: Path,
    data_dir: Path,
    socket_dir: Path,
    log_path: Path,
    runner: _Runner,
    start_timeout: float,
) -> PostgresCluster:
    attempts = 5  # another process may take the free port between our probe and the bind
    for attempt in range(1, attempts + 1):
        port = _free_port()
        argv = [
            str(bin_dir / "postgres"),
            "-D",
            str(data_dir),
            "-p",
            str(port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={socket_dir}",
            "-c",
            "unix_socket_permissions=0700",
            # A test database: durability is not the point, speed is.
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ]
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=_child_env(),
                cwd=data_dir,
                start_new_session=True,
                preexec_fn=_parent_death_signal(),  # noqa: PLW1509 (see its docstring)
                **runner.popen_kwargs(),
            )
        cluster = PostgresCluster(
            bin_dir=bin_dir,
            root=root,
            data_dir=data_dir,
            socket_dir=socket_dir,
            log_path=log_path,
            port=port,
            process=process,
        )
        try:
            _wait_until_ready(cluster, start_timeout)
        except PostgresStartError:
            cluster.stop()
            log_text = log_path.read_text(encoding="utf-8", errors="replace")
            if attempt < attempts and any(s in log_text for s in _BIND_FAILURES):
                continue
            raise
        except BaseException:
            cluster.stop()
            raise
        return cluster
    raise AssertionError("unreachable")  # pragma: no cover


def _wait_until_ready(cluster: PostgresCluster, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last_error = ""
    while True:
        code = cluster._process.poll()
        if code is not None:
            raise PostgresStartError(
                f"the postmaster exited with code {code} before accepting connections:\n"
                f"{_tail(cluster.log_path)}"
            )
        try:
            with psycopg.connect(
                host=cluster.host,
                port=cluster.port,
                user=SUPERUSER,
                dbname="postgres",
                connect_timeout=2,
            ) as conn:
                conn.execute("SELECT 1")
            return
        except psycopg.OperationalError as exc:
            last_error = str(exc).strip()
        if time.monotonic() > deadline:
            raise PostgresStartError(
                f"the postmaster did not accept connections on 127.0.0.1:{cluster.port} "
                f"within {timeout:.0f} s (last error: {last_error}):\n{_tail(cluster.log_path)}"
            )
        time.sleep(0.1)


def _shutdown(process: subprocess.Popen[bytes], private_dirs: list[Path]) -> None:
    """Fast shutdown, then immediate, then kill; never raises (it also runs at exit)."""
    for sig, wait_s in (
        (signal.SIGINT, STOP_TIMEOUT_S),
        (signal.SIGQUIT, 10.0),
        (signal.SIGKILL, 10.0),
    ):
        if process.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait_s)
    for path in private_dirs:
        shutil.rmtree(path, ignore_errors=True)


def _parent_death_signal() -> Callable[[], None] | None:
    """A preexec_fn asking Linux to send SIGINT (fast shutdown) when our thread dies.

    It runs in the child after the switch to the server's user (a change of credentials
    clears the setting, so it must come after it), and calls only a ctypes function
    resolved here, before the fork. Elsewhere than Linux there is none.
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # libc's, already in the process
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    death_signal = int(signal.SIGINT)

    def set_parent_death_signal() -> None:
        prctl(_PR_SET_PDEATHSIG, death_signal, 0, 0)

    return set_parent_death_signal


# --- directories, ports, helpers ------------------------------------------------------


def _cluster_root(base_dir: Path, runner: _Runner, private_dirs: list[Path]) -> Path:
    """Where the cluster lives: `base_dir` itself if the server's user can use it."""
    runner.give(base_dir)
    if runner.can_use(base_dir):
        return base_dir
    # As root, pytest's tmp_path sits under /tmp/pytest-of-root (0700): `postgres` cannot
    # reach it. Use a private directory under the system temporary directory instead.
    private = Path(tempfile.mkdtemp(prefix="pgcluster-"))
    private_dirs.append(private)
    runner.give(private)
    if not runner.can_use(private):
        raise PostgresClusterError(
            f"the PostgreSQL server's user cannot use {base_dir} nor {private}"
        )
    with contextlib.suppress(OSError):
        (base_dir / "postgres-cluster-location.txt").write_text(f"{private}\n", encoding="utf-8")
    return private


def _socket_dir(root: Path, runner: _Runner, private_dirs: list[Path]) -> Path:
    candidate = root / "socket"
    if len(os.fsencode(candidate)) + _SOCKET_NAME_MAX <= _SUN_PATH_MAX:
        return candidate
    # A unix socket path is limited to 107 bytes: a deep tmp_path gets a short directory.
    short = Path(tempfile.mkdtemp(prefix="pgsock-"))
    private_dirs.append(short)
    runner.give(short)
    return short


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _child_env() -> dict[str, str]:
    """Our environment without libpq's PG* variables, with English C-locale messages."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(LC_ALL="C", LANG="C")
    env.pop("LANGUAGE", None)
    return env


def _checked_bin_dir(bin_dir: Path | None) -> Path:
    if bin_dir is None:
        return find_bin_dir()
    bin_dir = Path(bin_dir)
    missing = [name for name in REQUIRED_BINARIES if not _is_executable(bin_dir / name)]
    if missing:
        raise PostgresUnavailableError(
            f"no PostgreSQL server binaries ({', '.join(missing)}) in {bin_dir}: {APT_HINT}"
        )
    return bin_dir


def _has_binaries(bin_dir: Path) -> bool:
    return all(_is_executable(bin_dir / name) for name in REQUIRED_BINARIES)


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _version_key(name: str) -> tuple[int, ...] | None:
    if not re.fullmatch(r"\d+(\.\d+)*", name):
        return None
    return tuple(int(part) for part in name.split("."))


def _check_identifier(name: str) -> None:
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(
            f"{name!r} is not a plain lower-case PostgreSQL identifier ([a-z_][a-z0-9_]*, "
            "at most 63 characters)"
        )


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"(no log at {path}: {exc})"
    return "\n".join(text.splitlines()[-lines:])
