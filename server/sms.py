"""SMS gateways for the code-by-text first factor. A deployment plugs in its carrier's
gateway behind `SmsGateway`; the development gateway writes the code to the server log
and exists in demo mode only (a real platform must never log a login code)."""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger("server.sms")


class SmsGateway(Protocol):
    def send_login_code(self, phone: str, code: str) -> None: ...


class DevLogSmsGateway:
    """Demo mode only: the code goes to the log, tagged so tests and demos can find it;
    the phone number is logged only as its last four digits."""

    def send_login_code(self, phone: str, code: str) -> None:
        log.warning(
            "demo SMS login code",
            extra={"data": {"event": "demo_sms_code", "phone_tail": phone[-4:], "code": code}},
        )
