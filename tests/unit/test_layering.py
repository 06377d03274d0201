"""The architecture's import rules (DESIGN.md, STYLE.md), checked on the source."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "player", "verification", "sync", "records", "wire", "server", "qt_binding")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def sources(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


def test_only_qt_binding_imports_pyside6() -> None:
    offenders = [
        str(path.relative_to(REPO))
        for package in PACKAGES
        if package != "qt_binding"
        for path in sources(package)
        if any(name.split(".")[0] in ("PySide6", "shiboken6") for name in imports_of(path))
    ]
    assert offenders == []


# The one Qt facade a non-GUI package may have (STYLE.md: one facade per subsystem).
QT_FACADES = {"sync/qt_facade.py"}


def test_pure_packages_import_no_qt_and_no_app() -> None:
    for package in ("records", "sync", "server"):
        for path in sources(package):
            roots = {name.split(".")[0] for name in imports_of(path)}
            forbidden = {"app", "player"}
            if str(path.relative_to(REPO)) not in QT_FACADES:
                forbidden |= {"qt_binding", "PySide6"}
            assert not roots & forbidden, path


def test_records_imports_nothing_of_ours_but_records() -> None:
    ours = set(PACKAGES) - {"records"}
    for path in sources("records"):
        roots = {name.split(".")[0] for name in imports_of(path)}
        assert not roots & ours, path


def test_player_guard_events_and_checks_are_qt_free() -> None:
    for module in ("guard", "events", "media_check", "resume", "backend"):
        roots = {name.split(".")[0] for name in imports_of(REPO / "player" / f"{module}.py")}
        assert "qt_binding" not in roots and "PySide6" not in roots, module


def test_nothing_imports_app() -> None:
    for package in PACKAGES:
        if package == "app":
            continue
        for path in sources(package):
            assert not any(name.split(".")[0] == "app" for name in imports_of(path)), path


def test_wire_imports_only_pydantic_cryptography_and_the_standard_library() -> None:
    # The client parses the server's answers with these models: importing them must
    # not bring in the server's framework and database, nor Qt. (cryptography checks
    # the signature of a provisioning profile.)
    allowed = {"pydantic", "cryptography", "wire", "records"}
    for path in sources("wire"):
        roots = {name.split(".")[0] for name in imports_of(path)}
        assert not roots & {"fastapi", "starlette", "sqlalchemy", "PySide6", "qt_binding"}, path
        assert not roots & (set(PACKAGES) - {"wire", "records"}), path
        assert roots <= set(sys.stdlib_module_names) | allowed, path


def test_server_imports_only_records_wire_and_the_qt_free_face_modules() -> None:
    # DESIGN.md: the server shares the pure rules, the wire models and the face models
    # with the client (it re-judges each check's burst with them), and nothing else of
    # it (no Qt, no player, no client store).
    for path in sources("server"):
        ours = {
            name
            for name in imports_of(path)
            if name.split(".")[0] in PACKAGES and name.split(".")[0] != "server"
        }
        assert {name.split(".")[0] for name in ours} <= {"records", "verification", "wire"}, path
        assert {n for n in ours if n.startswith("verification")} <= {
            "verification.face_embedding",
            "verification.landmarks",
            "verification.liveness",
            "verification.burst",
        }, path
