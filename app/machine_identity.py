"""The PC's own identity, the same for every OS account on it.

A lab PC is one device however many OS accounts it has (Attachment 1 item 2: a second
learner on the same PC signs the first out), yet each account keeps its own store and
device key. The operating system's machine id names the PC: /etc/machine-id on Linux
(made at installation, kept by systemd), MachineGuid on Windows. It is never sent as
it is: like systemd's sd_id128_get_machine_app_specific(), an HMAC-SHA256 keyed by the
machine id over this program's id, so no other program's records can be joined to it.

A claim like everything a client says: a forger can send any value. It catches the
ordinary case, a second learner signing in on another account of the same PC.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import sys
from pathlib import Path

log = logging.getLogger(__name__)

APP_ID = b"vocational-learning-client machine v1"
MACHINE_ID_FILES = (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id"))
_LINUX_ID = re.compile(r"[0-9a-f]{32}")
_WINDOWS_GUID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


def app_specific_id(os_machine_id: str) -> str:
    """32 hex digits derived from the OS machine id for this program alone."""
    return hmac.new(os_machine_id.encode("ascii"), APP_ID, hashlib.sha256).hexdigest()[:32]


def _linux_machine_id(files: tuple[Path, ...]) -> str | None:
    for path in files:
        try:
            text = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            continue
        if _LINUX_ID.fullmatch(text):  # "uninitialized" during first boot is not an id
            return text
    return None


def _windows_machine_guid() -> str | None:  # Windows only: untested here
    if sys.platform != "win32":
        return None
    import winreg  # noqa: PLC0415

    try:
        with winreg.OpenKey(
            winreg.HKEY_LOCAL_MACHINE,
            r"SOFTWARE\Microsoft\Cryptography",
            0,
            winreg.KEY_READ | winreg.KEY_WOW64_64KEY,
        ) as key:
            value, _kind = winreg.QueryValueEx(key, "MachineGuid")
    except OSError:
        return None
    return value.lower() if isinstance(value, str) and _WINDOWS_GUID.fullmatch(value) else None


def machine_id(files: tuple[Path, ...] = MACHINE_ID_FILES) -> str | None:
    """This PC's id for this program, or None where the OS gives none (a container)."""
    found = _windows_machine_guid() if sys.platform == "win32" else _linux_machine_id(files)
    if found is None:
        log.info("no machine id: sign-out of a second learner is by device only")
        return None
    return app_specific_id(found)
