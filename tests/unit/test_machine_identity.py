"""The PC's identity for this program: derived from the OS machine id, never the id
itself, the same for every account that reads it."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from app.machine_identity import APP_ID, MACHINE_ID_FILES, app_specific_id, machine_id

OS_ID = "3d1219c7c4c5404aaa1f6d2a48adfda4"


def test_the_id_sent_is_an_hmac_of_the_program_keyed_by_the_machine_id() -> None:
    expected = hmac.new(OS_ID.encode(), APP_ID, hashlib.sha256).hexdigest()[:32]
    assert app_specific_id(OS_ID) == expected
    assert OS_ID not in expected and len(expected) == 32
    assert app_specific_id(OS_ID.replace("3", "4")) != expected


def test_the_first_initialised_machine_id_file_names_the_pc(tmp_path: Path) -> None:
    etc, dbus = tmp_path / "machine-id", tmp_path / "dbus-machine-id"
    assert machine_id((etc, dbus)) is None  # a container without either
    etc.write_text("uninitialized\n")  # systemd's first boot
    dbus.write_text(OS_ID + "\n")
    assert machine_id((etc, dbus)) == app_specific_id(OS_ID)
    etc.write_text("0" * 31 + "f\n")
    assert machine_id((etc, dbus)) == app_specific_id("0" * 31 + "f")


def test_this_pc_has_one_id_for_every_reader() -> None:
    real = next((p for p in MACHINE_ID_FILES if p.is_file()), None)
    assert real is not None, "no /etc/machine-id: systemd or dbus makes it on Debian"
    assert machine_id() == app_specific_id(real.read_text().strip())
    assert machine_id() == machine_id()
